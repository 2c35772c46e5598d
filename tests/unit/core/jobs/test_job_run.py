"""One create (JobRun) on a fake clock against the emulator on the same clock: token
generations, reattaching to an earlier run's job, the verdict, queueing for a slot, the
service's quota, cancel and wait_timeout. Hours of waiting take milliseconds."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from omics_resources.core.errors import (
    JobFailedError,
    JobStartCancelledError,
    JobStillRunningError,
    JobWaitCancelledError,
    OmicsResourceError,
)
from omics_resources.core.jobs.activation_job import ActivationKind
from omics_resources.core.jobs.import_job import ImportKind
from omics_resources.core.tokens import derive_token
from omics_resources.emulator import Durations
from tests.support.clock import FakeClock
from tests.support.fake_time import (
    FakeTimeEmulator,
    FakeWorld,
    HookedClock,
    seed_of,
)
from tests.support.scenario import BUCKET

IMPORT, ACTIVATION = ImportKind(), ActivationKind()
START = IMPORT.operations.start
QUICK = Durations(submit_seconds=1, import_seconds=4, activation_seconds=4)


@pytest.fixture
def world(fake_emulator: FakeTimeEmulator) -> FakeWorld:
    """A fresh store on a fresh fake clock, jobs of a few (fake) seconds."""
    return fake_emulator.world(FakeClock(), QUICK)


def token(props: dict[str, Any], generation: int) -> str:
    """The client token a create of ``props`` sends for ``generation``."""
    request = IMPORT.request(props)
    request.pop("clientToken", None)
    return derive_token(seed_of(props, request), generation)


def jobs_by_token(world: FakeWorld) -> dict[str, str]:
    """Every job the emulator has: client token -> status."""
    return {j["clientToken"]: j["status"] for j in world.control.call("GET", "jobs")}


def uri(sample: str) -> str:
    return f"s3://{BUCKET}/{sample}_R1.fastq"


def test_a_create_starts_one_job_under_generation_zero(world: FakeWorld) -> None:
    props = world.import_props("a")
    job = world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    assert job["status"] == "COMPLETED"
    assert jobs_by_token(world) == {token(props, 0): "COMPLETED"}
    assert f"[reads] import job {job['id']}: started (client token {token(props, 0)})" in world.lines()
    assert world.lines()[-1] == f"[reads] import job {job['id']}: COMPLETED (1/1 sources finished)"


def test_a_failed_job_sends_the_next_run_to_the_next_generation(world: FakeWorld) -> None:
    props = world.import_props("late", upload=False)
    with pytest.raises(JobFailedError) as failed:
        world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    first = failed.value.job_id
    assert str(failed.value) == (
        f"reads: import job {first} ended FAILED:\n"
        "  - job: 1 of 1 sources failed\n"
        f"  - sources[0] ({uri('late')}): FAILED: S3 object {uri('late')} not found\n"
        "  - fix the cause and run `pulumi up` again: a new job will be started")

    world.upload("late")  # the cause fixed: the next run starts exactly one new job
    job = world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    assert job["status"] == "COMPLETED" and job["id"] != first
    assert jobs_by_token(world) == {token(props, 0): "FAILED", token(props, 1): "COMPLETED"}
    assert (f"[reads] import job {first}: an earlier run's job ended FAILED; starting a new one "
            "(token generation 1)") in world.lines()

    # And the run after that walks past the failed job to the completed one: nothing new.
    again = world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    assert again["id"] == job["id"]
    assert len(jobs_by_token(world)) == 2
    assert (f"[reads] import job {job['id']}: reattached to the job an earlier run started; "
            "it ended COMPLETED") in world.lines()


def test_a_partial_result_is_redone_unless_allow_partial(world: FakeWorld) -> None:
    props = world.import_props("ok")
    props["sources"] += world.import_props("absent", upload=False)["sources"]
    with pytest.raises(JobFailedError) as failed:
        world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    partial = world.omics.get_read_set_import_job(sequenceStoreId=world.store_id,
                                                  id=failed.value.job_id)
    kept = partial["sources"][0]["readSetId"]
    assert failed.value.status == "COMPLETED_WITH_FAILURES"
    job_line, source_line, advice = failed.value.details
    assert job_line == "job: 1 of 2 sources failed"
    assert source_line == f"sources[1] ({uri('absent')}): FAILED: S3 object {uri('absent')} not found"
    assert advice.startswith("set allow_partial to accept a partial result; otherwise fix the "
                             "failed sources and run `pulumi up` again")
    assert advice.endswith(f"(read sets this job did create are kept: {kept})")

    # allow_partial is a setting (not in the request, so the same token): the job stands.
    accepted = world.job_run(IMPORT, {**props, "allow_partial": True}, world.scheduler()).run(wait=True)
    assert accepted["id"] == failed.value.job_id
    assert len(jobs_by_token(world)) == 1
    assert world.lines()[-1] == (
        f"[reads] import job {accepted['id']}: COMPLETED_WITH_FAILURES, accepted (allow_partial): "
        f"sources[1] ({uri('absent')}): FAILED: S3 object {uri('absent')} not found")

    # Without it, the partial job does not do what is asked: the next generation's job.
    world.upload("absent")
    done = world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    assert done["status"] == "COMPLETED"
    assert jobs_by_token(world) == {token(props, 0): "COMPLETED_WITH_FAILURES",
                                    token(props, 1): "COMPLETED"}


def start_as_an_earlier_run(world: FakeWorld, props: dict[str, Any]) -> dict[str, Any]:
    """What an interrupted earlier `pulumi up` left: the job of generation 0, started."""
    request = IMPORT.request(props)
    request.pop("clientToken", None)
    return world.api().start_job(IMPORT.operations, request, token(props, 0))


def test_a_run_reattaches_to_the_submitted_job_of_an_earlier_run(
    fake_emulator: FakeTimeEmulator,
) -> None:
    clock = FakeClock()
    world = fake_emulator.world(clock, Durations(submit_seconds=100, import_seconds=5))
    props = world.import_props("a")
    earlier = start_as_an_earlier_run(world, props)
    clock.now += 30  # still SUBMITTED, but created long before this run called Start

    job = world.job_run(IMPORT, props, world.scheduler()).run(wait=False)
    assert job["id"] == earlier["id"] and job["status"] == "SUBMITTED"
    assert world.lines() == [
        f"[reads] import job {job['id']}: reattached to the job an earlier run started at "
        f"{earlier['creationTime'].isoformat()} (client token {token(props, 0)}); "
        "not starting another"]
    finished = world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    assert finished["id"] == earlier["id"] and finished["status"] == "COMPLETED"
    assert world.control.new_jobs(START) == [earlier["id"]]


def test_a_run_reattaches_to_the_running_job_of_an_earlier_run(world: FakeWorld) -> None:
    props = world.import_props("a")
    earlier = start_as_an_earlier_run(world, props)
    assert isinstance(world.clock, FakeClock)
    world.clock.now += 2  # IN_PROGRESS: an earlier run's job, whatever its age
    job = world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    assert job["id"] == earlier["id"] and job["status"] == "COMPLETED"
    assert "reattached to the job an earlier run started at" in world.lines()[0]
    assert world.control.new_jobs(START) == [earlier["id"]]


def test_a_users_client_token_is_never_walked_past(world: FakeWorld) -> None:
    props = world.import_props("late", upload=False, client_token="my-own-token")
    with pytest.raises(JobFailedError):
        world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    world.upload("late")
    with pytest.raises(JobFailedError, match="ended FAILED"):
        world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    assert jobs_by_token(world) == {"my-own-token": "FAILED"}
    assert any("reattached to the job an earlier run started; it ended FAILED" in line
               for line in world.lines())


def test_an_activation_whose_read_sets_were_archived_again_is_redone(world: FakeWorld) -> None:
    imported = world.job_run(IMPORT, world.import_props("a", "b"), world.scheduler()).run(wait=True)
    ids = [s["readSetId"] for s in imported["sources"]]
    world.control.archive(world.store_id, ids)
    props = {"sequence_store_id": world.store_id, "read_set_ids": ids,
             "scope": {"project": "p", "stack": "s", "resource_name": "active"}}
    first = world.job_run(ACTIVATION, props, world.scheduler()).run(wait=True)
    assert first["status"] == "COMPLETED"

    world.control.archive(world.store_id, ids)  # archived again: the job no longer holds
    again = world.job_run(ACTIVATION, props, world.scheduler()).run(wait=True)
    assert again["id"] != first["id"] and again["status"] == "COMPLETED"
    assert (f"[active] activation job {first['id']}: an earlier run's job ended COMPLETED; "
            "starting a new one (token generation 1)") in world.lines()


def test_a_full_stack_queue_says_so_then_gives_up_at_the_timeout(world: FakeWorld) -> None:
    scheduler = world.scheduler(slots=1)
    scheduler.slots["import"].acquire(deadline=None, cancel=None)  # another create holds it
    run = world.job_run(IMPORT, world.import_props("a", wait_timeout=5), scheduler)
    with pytest.raises(OmicsResourceError) as stopped:
        run.run(wait=True)
    assert str(stopped.value) == (
        "reads: no import job was started: timeout while 1 of this stack's import jobs were "
        "running (waited 5 s in the queue). Run `pulumi up` again.")
    assert world.lines() == [
        "[reads] import job: queued: next to start; this stack runs at most 1 import job at once "
        "(stack config omics-resources:maxConcurrentImportJobs)"]
    assert world.control.count(START) == 0


def test_a_service_quota_held_by_others_is_waited_out(world: FakeWorld) -> None:
    world.hold_the_quota()
    job = world.job_run(IMPORT, world.import_props("a"), world.scheduler()).run(wait=True)
    assert job["status"] == "COMPLETED"
    assert world.control.quota_exceeded() >= 1
    [waiting] = [line for line in world.lines() if "waiting for a free job slot" in line]
    assert waiting.startswith("[reads] import job: waiting for a free job slot "
                              "(ServiceQuotaExceededException: ")
    assert waiting.endswith("; jobs outside this stack hold the service's job quota)")


def test_cancel_during_a_quota_wait_is_reported_as_cancelled(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """Ctrl-C while Start answers 402 (ServiceQuotaExceededException): the create says the
    update was cancelled, never that the quota stayed full (wait_timeout is hours away)."""
    cancel = threading.Event()
    world = fake_emulator.world(HookedClock((10, cancel.set)), Durations(import_seconds=3600))
    blocker = world.hold_the_quota()
    run = world.job_run(IMPORT, world.import_props("a", wait_timeout=7200), world.scheduler(),
                        cancel=cancel)
    with pytest.raises(JobStartCancelledError) as cancelled:
        run.run(wait=True)
    message = str(cancelled.value)
    assert message.startswith(
        "reads: no import job was started: the update was cancelled after 10 s of waiting for "
        "the service's job quota (ServiceQuotaExceededException: "), message
    assert message.endswith("). Run `pulumi up` again."), message
    assert "stayed full" not in message
    assert world.control.new_jobs(START) == [blocker]  # ours never started
    # The wait in line looks at the cancel at least every half second: no Start after it.
    assert 10 <= world.clock.monotonic() <= 10.5


def test_cancel_ends_the_wait_and_the_job_goes_on(fake_emulator: FakeTimeEmulator) -> None:
    cancel = threading.Event()
    world = fake_emulator.world(HookedClock((10, cancel.set)), Durations(import_seconds=60))
    props = world.import_props("a")
    with pytest.raises(JobWaitCancelledError) as cancelled:
        world.job_run(IMPORT, props, world.scheduler(), cancel=cancel).run(wait=True)
    assert "is still IN_PROGRESS (the update was cancelled after 10 s of waiting)" in str(
        cancelled.value)
    assert jobs_by_token(world) == {token(props, 0): "IN_PROGRESS"}


def test_wait_timeout_ends_the_wait_and_the_next_run_resumes(
    fake_emulator: FakeTimeEmulator,
) -> None:
    world = fake_emulator.world(FakeClock(), Durations(import_seconds=60))
    props = world.import_props("a", wait_timeout=20)
    with pytest.raises(JobStillRunningError) as stopped:
        world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    assert f"import job {stopped.value.job_id} is still IN_PROGRESS (wait_timeout of 20 s " \
           "expired)" in str(stopped.value)
    job = world.job_run(IMPORT, {**props, "wait_timeout": 120}, world.scheduler()).run(wait=True)
    assert job["id"] == stopped.value.job_id and job["status"] == "COMPLETED"
    assert world.control.new_jobs(START) == [job["id"]]


def test_a_long_unchanged_wait_repeats_its_line_on_the_heartbeat(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """The promise in docs/read-set-import-job.md: while a job's status stays the same, its line comes again every
    5 minutes (an hours-long import never looks hung), though no poll brings anything new."""
    world = fake_emulator.world(FakeClock(), Durations(submit_seconds=1, import_seconds=1200))
    job = world.job_run(IMPORT, world.import_props("a"), world.scheduler()).run(wait=True)
    assert job["status"] == "COMPLETED"
    repeated = [line.partition(": ")[2] for line in world.lines() if "unchanged for" in line]
    # One a heartbeat (the waiter wakes on every poll, and at least every 10 s), none between.
    assert [r.partition(", unchanged for ")[2][:6] for r in repeated[:3]] == [
        "5 min ", "10 min", "15 min"], world.lines()
    # A job of one source: no Get is spent on its counts (0/1 until it ends).
    assert all(r.startswith("IN_PROGRESS, unchanged") for r in repeated), repeated


@pytest.mark.parametrize("reading", ["refuse", "earlier-job"])
def test_a_token_an_earlier_request_used_is_passed_over_never_taken(
    world: FakeWorld, reading: str
) -> None:
    """Whatever the service answers to a token reused for another request (a 400, or the
    earlier job), that job is not taken as this request's: the next generation starts it."""
    world.control.behaviour(tokenReuse=reading)
    props, other = world.import_props("a"), world.import_props("b")
    request = IMPORT.request(other)
    request.pop("clientToken", None)
    # An earlier run with other inputs used this run's generation-0 token.
    world.api().start_job(IMPORT.operations, request, token(props, 0))
    world.clock.sleep(60, None)  # that run was a minute ago
    job = world.job_run(IMPORT, props, world.scheduler()).run(wait=True)
    assert job["status"] == "COMPLETED"
    assert [s["sampleId"] for s in job["sources"]] == ["a"]
    assert jobs_by_token(world) == {token(props, 0): "COMPLETED", token(props, 1): "COMPLETED"}
    assert any("for a different request" in line and "trying token generation 1" in line
               for line in world.lines()), world.lines()
