"""Discovery's cost on a busy store, on a fake clock against the emulator: List pages for
every job in the window, one Get for each job with the cohort's role, none for the rest;
and only the cohort's own jobs are taken in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omics_resources.core.cohort import identity
from omics_resources.core.cohort.discovery import absorb, find_jobs
from omics_resources.core.cohort.state import CohortState
from omics_resources.core.jobs.import_job import ImportKind
from omics_resources.emulator import Durations
from tests.support.clock import FakeClock
from tests.support.fake_time import FakeTimeEmulator, FakeWorld
from tests.support.scenario import BUCKET

OPERATIONS = ImportKind.operations
OTHER_ROLE = "arn:aws:iam::123456789012:role/another-team"
OURS, THEIRS = identity.cohort_hash({"stack": "ours"}), identity.cohort_hash({"stack": "theirs"})


@pytest.fixture
def world(fake_emulator: FakeTimeEmulator) -> FakeWorld:
    world = fake_emulator.world(FakeClock(), Durations(submit_seconds=0, import_seconds=0))
    world.control.limits(rateLimits=False, maxActiveJobs={"import": 2000})
    world.upload("x")
    return world


def start(world: FakeWorld, role: str, tags: dict[str, str], sample: str) -> None:
    source = {"sourceFileType": "FASTQ", "sourceFiles": {"source1": f"s3://{BUCKET}/x_R1.fastq"},
              "subjectId": "subject", "sampleId": sample, "name": sample, "tags": tags}
    world.api().call(OPERATIONS.start, sequenceStoreId=world.store_id, roleArn=role,
                     sources=[source])


def calls(world: FakeWorld) -> dict[str, int]:
    counts = world.control.log()["counts"]
    return {op: int(counts.get(op, 0)) for op in (OPERATIONS.list, OPERATIONS.get)}


def test_a_store_of_1000_earlier_jobs_costs_10_pages_and_a_get_per_job_of_the_role(
    world: FakeWorld,
) -> None:
    role = str(world.import_props("x", upload=False)["role_arn"])
    # 985 jobs of another team's role, 10 of another cohort with our role, 5 of ours.
    for n in range(985):
        start(world, OTHER_ROLE, {}, f"o{n}")
    for n in range(10):
        start(world, role, {identity.COHORT_TAG: f"{THEIRS}:1"}, f"S{n}")
    for n in range(5):
        start(world, role, {identity.COHORT_TAG: f"{OURS}:{n + 1}"}, f"S{n}")
    before = calls(world)
    since = datetime.fromtimestamp(world.clock.time(), tz=UTC) - timedelta(days=30)

    found = find_jobs(world.api(), world.store_id, cohort=OURS, roles={role}, since=since,
                      known=set())

    spent = {op: n - before[op] for op, n in calls(world).items()}
    assert spent == {OPERATIONS.list: 10, OPERATIONS.get: 15}
    assert len(found) == 5
    state = CohortState()
    keys = absorb(state, found, OURS)
    assert sorted(keys) == [f"S{n}" for n in range(5)]
    assert dict(state.ledger.assignment.batches) == {str(n + 1): (f"S{n}",) for n in range(5)}
    assert state.ledger.assignment.next_batch == 6
    assert all(state.samples[k].has_read_set for k in keys)


def test_jobs_the_state_holds_or_before_the_window_cost_no_get(world: FakeWorld) -> None:
    role = str(world.import_props("x", upload=False)["role_arn"])
    start(world, role, {identity.COHORT_TAG: f"{OURS}:1"}, "S0")
    world.clock.sleep(3600, None)
    since = datetime.fromtimestamp(world.clock.time(), tz=UTC)
    world.clock.sleep(60, None)
    start(world, role, {identity.COHORT_TAG: f"{OURS}:2"}, "S1")
    [listed] = world.api().call(OPERATIONS.list, sequenceStoreId=world.store_id,
                                filter={"createdAfter": since})["importJobs"]
    before = calls(world)
    assert find_jobs(world.api(), world.store_id, cohort=OURS, roles={role}, since=since,
                     known={listed["id"]}) == []
    assert {op: n - before[op] for op, n in calls(world).items()} == {
        OPERATIONS.list: 1, OPERATIONS.get: 0}
