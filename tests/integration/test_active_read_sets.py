"""ActiveReadSets through the real dynamic-provider server over gRPC, against the emulator
with its service limits on (rates and job quotas)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from harness.read_sets import import_read_sets
from omics_resources import ActiveReadSetsProvider
from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure, ProviderServer, Resource
from tests.support.scenario import BUCKET, Scenario

START = "StartReadSetActivationJob"
SOME, NONE = provider_pb2.DiffResponse.DIFF_SOME, provider_pb2.DiffResponse.DIFF_NONE


def read_sets(scenario: Scenario, count: int) -> list[str]:
    return import_read_sets(scenario.omics(), scenario.s3(), scenario.store_id, BUCKET, count)


def active(scenario: Scenario, name: str = "cohort-active",
           server: ProviderServer | None = None) -> Resource:
    scope = {"project": "omics-it", "stack": scenario.stack, "resource_name": name}
    return Resource(server or scenario.server, ActiveReadSetsProvider(), name, "ActiveReadSets",
                    extra={"scope": scope})


def inputs(scenario: Scenario, ids: list[str], **settings: Any) -> dict[str, Any]:
    return {"sequence_store_id": scenario.store_id, "read_set_ids": ids, **settings}


def job(scenario: Scenario, job_id: str) -> dict[str, Any]:
    """GetReadSetActivationJob, paced under its budget (these checks are not the system
    under test: their calls must not be throttled either)."""
    time.sleep(0.25)
    return dict(scenario.omics().get_read_set_activation_job(
        sequenceStoreId=scenario.store_id, id=job_id))


def jobs_of(control: EmulatorControl, scenario: Scenario) -> dict[str, list[str]]:
    """Each activation job the emulator started: its read sets."""
    return {job_id: [s["readSetId"] for s in job(scenario, job_id)["sources"]]
            for job_id in control.new_jobs(START)}


def overlapping(scenario: Scenario, job_ids: list[str]) -> bool:
    """Whether every job was created before the first one completed (they ran side by side)."""
    jobs = [job(scenario, j) for j in job_ids]
    first_end = min(j["completionTime"] for j in jobs)
    return all(j["creationTime"] < first_end for j in jobs)


def test_create_activates_only_the_archived_in_jobs_of_twenty_side_by_side(
        scenario: Scenario, control: EmulatorControl) -> None:
    ids = read_sets(scenario, 130)
    archived = ids[:90:2]  # 45, spread over the store's pages
    control.archive(scenario.store_id, archived)
    control.durations(activationSeconds=2)
    before, throttled = control.log()["counts"], control.throttled()
    id_, outs = scenario.create(active(scenario), inputs(scenario, ids))
    assert control.throttled() == throttled  # our calls keep to the service's rates
    counts = control.log()["counts"]

    jobs = jobs_of(control, scenario)
    assert sorted(len(j) for j in jobs.values()) == [5, 20, 20]
    assert sorted(i for j in jobs.values() for i in j) == sorted(archived)
    assert overlapping(scenario, list(jobs))
    assert outs["read_set_statuses"] == dict.fromkeys(ids, "ACTIVE")
    assert outs["status_counts"] == {"ACTIVE": 130}
    assert sorted(j["job_id"] for j in outs["activation_jobs"]) == sorted(jobs)
    assert {j["status"] for j in outs["activation_jobs"]} == {"COMPLETED"}
    assert id_.startswith(f"{scenario.store_id}/active/")
    # Statuses from 2 pages (130 read sets), none looked up one by one.
    assert counts["ListReadSets"] - before.get("ListReadSets", 0) == 2
    assert counts.get("GetReadSetMetadata", 0) == before.get("GetReadSetMetadata", 0)
    assert "[cohort-active] read sets: 130 read sets: 85 ACTIVE, 45 ARCHIVED; activating 45 in " \
           "3 jobs of at most 20" in scenario.server.output


def test_refresh_finds_drift_and_the_update_activates_exactly_those(
        scenario: Scenario, control: EmulatorControl) -> None:
    ids = read_sets(scenario, 30)
    resource = active(scenario)
    props = inputs(scenario, ids)
    id_, outs = scenario.create(resource, props)
    assert outs["activation_jobs"] == [] and control.new_jobs(START) == []

    control.archive(scenario.store_id, ids[3:6])
    before = control.count("ListReadSets")
    _, refreshed = resource.read(id_, outs)
    assert control.count("ListReadSets") - before == 1  # the window's page
    assert {i: s for i, s in refreshed["read_set_statuses"].items() if s != "ACTIVE"} == \
        dict.fromkeys(ids[3:6], "ARCHIVED")
    assert any(all(i in line for i in ids[3:6]) and "not ACTIVE" in line
               for line in scenario.server.output), scenario.server.output

    diff = resource.diff(id_, refreshed, scenario.checked(resource, props))
    assert (diff.changes, list(diff.replaces)) == (SOME, [])
    updated = resource.update(id_, refreshed, scenario.checked(resource, props))
    assert not isinstance(updated, Failure), updated
    assert list(jobs_of(control, scenario).values()) == [ids[3:6]]
    assert updated["read_set_statuses"] == dict.fromkeys(ids, "ACTIVE")

    _, again = resource.read(id_, updated)
    assert resource.diff(id_, again, scenario.checked(resource, props)).changes == NONE

    # A month later the same read sets are archived again: the repair's token is new (it
    # names the last update's job), so it starts at once instead of walking old tokens.
    control.archive(scenario.store_id, ids[3:6])
    scenario.server.output.clear()
    _, drifted = resource.read(id_, again)
    repaired = resource.update(id_, drifted, scenario.checked(resource, props))
    assert not isinstance(repaired, Failure), repaired
    assert len(control.new_jobs(START)) == 2
    assert any("started (client token pulumi-" in line and line.endswith("-0)")
               for line in scenario.server.output), scenario.server.output
    assert not any("starting a new one" in line for line in scenario.server.output)


def test_added_read_sets_are_the_only_ones_activated(
        scenario: Scenario, control: EmulatorControl) -> None:
    ids = read_sets(scenario, 15)
    resource = active(scenario)
    id_, outs = scenario.create(resource, inputs(scenario, ids[:10]))
    control.archive(scenario.store_id, ids[8:])
    updated = resource.update(id_, outs, scenario.checked(resource, inputs(scenario, ids[10:])))
    assert not isinstance(updated, Failure), updated
    assert list(jobs_of(control, scenario).values()) == [ids[10:]]
    assert set(updated["read_set_statuses"]) == set(ids[10:])


def test_deleted_or_unknown_fails_naming_it_unless_allow_partial(
        scenario: Scenario, control: EmulatorControl) -> None:
    ids = [*read_sets(scenario, 8), "9999999999"]
    control.archive(scenario.store_id, ids[:2])
    failure = active(scenario).create(scenario.checked(active(scenario), inputs(scenario, ids)))
    assert isinstance(failure, Failure)
    assert "read_set_ids[8] (9999999999): DELETED" in failure.details
    assert "Traceback" not in failure.details
    assert control.count(START) == 0

    _, outs = scenario.create(active(scenario), inputs(scenario, ids, allow_partial=True))
    assert outs["read_set_statuses"]["9999999999"] == "DELETED"
    assert outs["status_counts"] == {"ACTIVE": 8, "DELETED": 1}
    assert list(jobs_of(control, scenario).values()) == [ids[:2]]


def test_read_sets_already_activating_are_waited_for_not_activated_again(
        scenario: Scenario, control: EmulatorControl) -> None:
    ids = read_sets(scenario, 10)
    control.archive(scenario.store_id, ids[:4])
    control.durations(activationSeconds=3)
    other = scenario.omics().start_read_set_activation_job(
        sequenceStoreId=scenario.store_id, sources=[{"readSetId": i} for i in ids[:4]])["id"]
    scenario.eventually(lambda: scenario.omics().get_read_set_metadata(
        sequenceStoreId=scenario.store_id, id=ids[0])["status"], lambda s: s == "ACTIVATING")
    _, outs = scenario.create(active(scenario), inputs(scenario, ids))
    assert control.new_jobs(START) == [other]
    assert outs["read_set_statuses"] == dict.fromkeys(ids, "ACTIVE")
    assert any("waiting for 4 already ACTIVATING" in line for line in scenario.server.output)


def test_a_rerun_reattaches_to_the_jobs_an_interrupted_create_started(
        scenario: Scenario, control: EmulatorControl) -> None:
    """The first create returns with its jobs SUBMITTED (as a killed `pulumi up` leaves
    them); the re-run finds them still SUBMITTED, waits for them and starts nothing new."""
    ids = read_sets(scenario, 30)
    control.archive(scenario.store_id, ids)
    control.durations(submitSeconds=6, activationSeconds=0.5)
    _, first = scenario.create(active(scenario), inputs(scenario, ids, wait=False))
    assert {j["status"] for j in first["activation_jobs"]} == {"SUBMITTED"}
    started = sorted(control.new_jobs(START))
    assert len(started) == 2
    time.sleep(2.5)  # what tells an earlier run's job from one just started: its age
    _, again = scenario.create(active(scenario), inputs(scenario, ids))
    assert sorted(control.new_jobs(START)) == started
    assert sorted(j["job_id"] for j in again["activation_jobs"]) == started
    assert again["read_set_statuses"] == dict.fromkeys(ids, "ACTIVE")
    found = [line for line in scenario.server.output
             if "waiting for 2 job(s) an earlier run started" in line]
    assert len(found) == 1, scenario.server.output


def test_a_job_of_an_earlier_life_that_no_longer_holds_is_not_reused(
        scenario: Scenario, control: EmulatorControl) -> None:
    """Created, destroyed, the read sets archived again, created again under the same name:
    the derived token finds the old COMPLETED job, whose read sets are ARCHIVED now, so
    exactly one new job starts (the next token generation)."""
    ids = read_sets(scenario, 8)
    control.archive(scenario.store_id, ids)
    resource = active(scenario)
    id_, outs = scenario.create(resource, inputs(scenario, ids))
    assert resource.delete(id_, outs) is None
    control.archive(scenario.store_id, ids)
    scenario.server.output.clear()
    _, again = scenario.create(resource, inputs(scenario, ids))
    assert len(control.new_jobs(START)) == 2
    assert again["read_set_statuses"] == dict.fromkeys(ids, "ACTIVE")
    assert any("ended COMPLETED; starting a new one (token generation 1)" in line
               for line in scenario.server.output), scenario.server.output


def test_delete_calls_nothing(scenario: Scenario, control: EmulatorControl) -> None:
    ids = read_sets(scenario, 6)
    resource = active(scenario)
    id_, outs = scenario.create(resource, inputs(scenario, ids))
    before = sum(control.log()["counts"].values())
    assert resource.delete(id_, outs) is None
    assert sum(control.log()["counts"].values()) == before


@pytest.fixture
def stock_server(provider_env: dict[str, str], emulator_url: str) -> Iterator[ProviderServer]:
    """The SDK's own server (`python -m pulumi.dynamic`: 4 gRPC workers), as a stock
    Pulumi install runs it."""
    server = ProviderServer(module="pulumi.dynamic", env=provider_env)
    server.configure({"aws:region": "us-east-1", "omics-resources:endpoint": emulator_url})
    yield server
    server.stop()


def test_one_create_runs_its_jobs_side_by_side_under_the_stock_server(
        scenario: Scenario, control: EmulatorControl, stock_server: ProviderServer) -> None:
    ids = read_sets(scenario, 100)
    control.archive(scenario.store_id, ids)
    control.durations(activationSeconds=3)
    resource = active(scenario, server=stock_server)
    answer = resource.create(scenario.checked(resource, inputs(scenario, ids)))
    assert not isinstance(answer, Failure), answer.details
    jobs = jobs_of(control, scenario)
    assert len(jobs) == 5
    assert overlapping(scenario, list(jobs))
    assert answer[1]["read_set_statuses"] == dict.fromkeys(ids, "ACTIVE")
    assert isinstance(datetime.fromisoformat(answer[1]["created_between"][0]), datetime)


def test_the_list_changed_between_an_interrupted_create_and_its_rerun(
        own_server: ProviderServer, scenario: Scenario, control: EmulatorControl) -> None:
    """A create cancelled while its job runs; the user then drops one read set and adds two
    archived ones: the re-run waits for the earlier job's read sets (ACTIVATING, never
    activated twice) and starts one job for the two added."""
    ids = read_sets(scenario, 8)
    control.archive(scenario.store_id, ids)
    control.durations(activationSeconds=4)
    interrupted = active(scenario, server=own_server)
    first = scenario.checked(interrupted, inputs(scenario, ids[:5]))

    def cancel_once_running() -> None:
        [job] = scenario.eventually(lambda: control.new_jobs(START), lambda j: len(j) == 1)
        # Running, its read sets ACTIVATING (a cancel ends the wait at once: without this,
        # the re-run could find the job still SUBMITTED and its read sets still ARCHIVED).
        scenario.eventually(lambda: scenario.omics().get_read_set_activation_job(
            sequenceStoreId=scenario.store_id, id=job)["status"], lambda s: s == "IN_PROGRESS")
        own_server.cancel()

    failure = Scenario.in_background(cancel_once_running, lambda: interrupted.create(first))
    assert isinstance(failure, Failure)
    [started] = control.new_jobs(START)

    wanted = [*ids[1:5], *ids[6:8]]  # ids[0] dropped, ids[6] and ids[7] added
    _, outs = scenario.create(active(scenario), inputs(scenario, wanted))
    jobs = jobs_of(control, scenario)
    assert next(iter(jobs)) == started and len(jobs) == 2, jobs
    assert jobs[started] == ids[:5]
    assert sorted(jobs[next(j for j in jobs if j != started)]) == sorted(ids[6:8])
    assert outs["read_set_statuses"] == dict.fromkeys(wanted, "ACTIVE")
