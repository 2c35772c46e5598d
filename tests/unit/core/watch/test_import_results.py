"""An ended import job's results from ListReadSets pages (the readSets budget) instead of
its GetReadSetImportJob (the budget the Starts need): the same answer when certain, the Get
whenever not. Against the emulator on fake time (real HTTP, its limits on)."""

from __future__ import annotations

from typing import Any

import pytest

from harness.clients import ROLE_ARN
from omics_resources.core import limits
from omics_resources.core.errors import JobFailedError
from omics_resources.core.jobs.import_job import ImportKind
from omics_resources.core.watch.results import Asked, answers_from_read_sets, resolvable
from omics_resources.emulator import Durations
from tests.support.clock import FakeClock
from tests.support.fake_time import FakeTimeEmulator, FakeWorld
from tests.support.sim_clock import SimClock

IMPORT = ImportKind()
GET, LIST_JOBS = IMPORT.operations.get, IMPORT.operations.list
READ_SETS = "ListReadSets"


@pytest.fixture
def world(fake_emulator: FakeTimeEmulator) -> FakeWorld:
    return fake_emulator.world(FakeClock(), Durations(submit_seconds=0, import_seconds=5))


def started(world: FakeWorld, sources: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Any]]:
    """A job started as a user would, with ``sources`` (request form): its Start answer."""
    job = world.omics.start_read_set_import_job(
        sequenceStoreId=world.store_id, roleArn=ROLE_ARN, sources=sources)
    return dict(job), sources


def request_sources(world: FakeWorld, *samples: str, named: bool = True) -> list[dict[str, Any]]:
    props = world.import_props(*samples)
    sources = IMPORT.request(props)["sources"]
    if not named:
        for source in sources:
            source.pop("name", None)
    return list(sources)


def listed(world: FakeWorld, job_id: str) -> dict[str, Any]:
    """The job as ListReadSetImportJobs shows it (what the watcher knows at its end)."""
    pages = world.omics.list_read_set_import_jobs(sequenceStoreId=world.store_id)
    return dict(next(j for j in pages["importJobs"] if j["id"] == job_id))


def test_a_completed_jobs_answer_from_its_read_sets_is_its_get(world: FakeWorld) -> None:
    job, sources = started(world, request_sources(world, "a", "b", "c"))
    world.clock.sleep(10, None)
    summary = listed(world, job["id"])
    assert summary["status"] == "COMPLETED" and resolvable(summary)
    found = answers_from_read_sets(world.api(), world.store_id, [Asked(summary, sources)])
    get = world.omics.get_read_set_import_job(sequenceStoreId=world.store_id, id=job["id"])
    assert found.pages == 1
    answer = found.answers[job["id"]]
    assert answer["status"] == get["status"] == "COMPLETED"
    assert [s["readSetId"] for s in answer["sources"]] == [s["readSetId"] for s in get["sources"]]
    assert {s["status"] for s in answer["sources"]} == {limits.SOURCE_FINISHED}
    # Each source as it was asked (what a verdict names), with its read set.
    assert [s["sourceFiles"] for s in answer["sources"]] == [s["sourceFiles"] for s in sources]


def test_look_alike_data_imported_meanwhile_leaves_the_answer_to_the_get(
    world: FakeWorld,
) -> None:
    """Two jobs import unnamed sources of one sample and subject (another lane, another
    stack): each source has two candidates, so neither job is answered from read sets."""
    first, sources = started(world, request_sources(world, "twin", named=False))
    second, _ = started(world, sources)
    world.clock.sleep(10, None)
    asked = [Asked(listed(world, j["id"]), sources) for j in (first, second)]
    assert answers_from_read_sets(world.api(), world.store_id, asked).answers == {}


def test_an_earlier_read_set_of_the_same_sample_is_no_candidate(world: FakeWorld) -> None:
    """The same sample imported an hour before (an earlier import of a changed file): its
    read set was created before this job, so it cannot be this job's."""
    sources = request_sources(world, "again", named=False)
    started(world, sources)
    world.clock.sleep(3600, None)
    job, _ = started(world, sources)
    world.clock.sleep(10, None)
    found = answers_from_read_sets(world.api(), world.store_id,
                                   [Asked(listed(world, job["id"]), sources)])
    get = world.omics.get_read_set_import_job(sequenceStoreId=world.store_id, id=job["id"])
    assert found.answers[job["id"]]["sources"][0]["readSetId"] == get["sources"][0]["readSetId"]


def test_only_a_job_that_imported_every_source_is_resolvable() -> None:
    assert resolvable({"status": "COMPLETED"})
    for status in ("COMPLETED_WITH_FAILURES", "FAILED", "CANCELLED", "IN_PROGRESS"):
        assert not resolvable({"status": status})


# -- through a create --------------------------------------------------------------------------


def test_a_completed_create_spends_no_call_of_the_start_budget_on_its_answer(
    world: FakeWorld,
) -> None:
    scheduler = world.scheduler()
    job = world.job_run(IMPORT, world.import_props("x", "y"), scheduler).run(wait=True)
    assert job["status"] == "COMPLETED"
    log = world.control.log()
    ended = job["completionTime"].timestamp()
    # A Get for its source counts while it ran (the budget idle), none for its answer.
    assert all(r["time"] < ended for r in log["requests"] if r["operation"] == GET), log
    assert log["counts"][READ_SETS] == 1
    get = world.omics.get_read_set_import_job(sequenceStoreId=world.store_id, id=job["id"])
    assert [s["readSetId"] for s in job["sources"]] == [s["readSetId"] for s in get["sources"]]


def test_a_failed_source_is_read_with_the_get_and_named_with_its_reason(
    world: FakeWorld,
) -> None:
    """Which source failed, and why, is only in the job's Get: a job that ended any other
    way than COMPLETED is read with it, never from read sets."""
    props = world.import_props("fine")
    props["sources"] += world.import_props("missing", upload=False)["sources"]
    run = world.job_run(IMPORT, props, world.scheduler())
    with pytest.raises(JobFailedError) as failed:
        run.run(wait=True)
    text = str(failed.value)
    assert "COMPLETED_WITH_FAILURES" in text
    assert "missing_R1.fastq" in text and "not found" in text, text
    counts = world.control.log()["counts"]
    assert counts[GET] >= 1 and READ_SETS not in counts, counts


def test_look_alikes_ending_together_are_each_answered_right(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """Two creates of look-alike unnamed sources end together: the read sets cannot tell,
    so each one's Get does; each create gets its own read set, none the other's."""
    clock = SimClock()
    world = fake_emulator.world(clock, Durations(submit_seconds=0, import_seconds=5))
    scheduler = world.scheduler()
    # Unnamed sources of one file, sample and subject, in two resources: two requests
    # (two tokens), two jobs, two read sets that metadata cannot tell apart.
    props = [world.import_props("twin", resource=r) for r in ("left", "right")]
    assert "name" not in props[0]["sources"][0]
    jobs = clock.run(*[lambda p=p: world.job_run(IMPORT, p, scheduler).run(wait=True)
                       for p in props])
    ids = [j["sources"][0]["readSetId"] for j in jobs]
    assert len(set(ids)) == 2
    # The second to end has two candidates whenever it is read: its Get answers it (the
    # first, read before the second's read set existed, may be told by its read sets).
    assert world.control.log()["counts"][GET] >= 1
    for job in jobs:
        get = world.omics.get_read_set_import_job(sequenceStoreId=world.store_id, id=job["id"])
        assert job["sources"][0]["readSetId"] == get["sources"][0]["readSetId"]


def test_a_role_that_may_not_list_read_sets_gets_its_answers_as_before(
    world: FakeWorld,
) -> None:
    world.control.fault(operation=READ_SETS, error="AccessDeniedException", count=1)
    scheduler = world.scheduler()
    first = world.job_run(IMPORT, world.import_props("p", resource="p"), scheduler).run(wait=True)
    second = world.job_run(IMPORT, world.import_props("q", resource="q"), scheduler).run(wait=True)
    assert first["status"] == second["status"] == "COMPLETED"
    counts = world.control.log()["counts"]
    # Denied once: from then on this watcher reads answers with Gets, and lists no more.
    assert counts[READ_SETS] == 1 and counts[GET] == 2, counts
