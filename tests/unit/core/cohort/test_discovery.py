"""Discovery's cost on a busy store, on a fake clock against the emulator: List pages for
every job in the window, one Get for each job with the cohort's role, none for the rest;
and only the cohort's own jobs are taken in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from omics_resources.core.cohort import identity
from omics_resources.core.cohort.discovery import absorb, find_jobs
from omics_resources.core.cohort.state import CohortState, import_signature
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
    keys = absorb(state, found, OURS, declared={}).keys
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


def job(job_id: str, batch: str, *results: tuple[str, str, str | None], created: int = 0,
        status: str = "COMPLETED") -> dict[str, Any]:
    """A Get answer of this cohort: per source (sample, file, read set or None)."""
    sources = [{"sourceFileType": "FASTQ", "sourceFiles": {"source1": f"s3://b/{f}"},
                "subjectId": "s", "sampleId": k, "name": k,
                "tags": {identity.COHORT_TAG: f"{OURS}:{batch}"},
                "status": ("FINISHED" if r else "FAILED" if status != "IN_PROGRESS"
                           else "IN_PROGRESS"), "readSetId": r}
               for k, f, r in results]
    return {"id": job_id, "status": status, "sources": sources,
            "creationTime": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=created)}


def signature(sample: str, file: str) -> str:
    return import_signature({"source_file_type": "FASTQ", "source1": f"s3://b/{file}",
                             "subject_id": "s", "sample_id": sample, "name": sample})


def test_a_later_import_supersedes_the_earlier_read_set_a_failed_one_does_not() -> None:
    state = CohortState()
    found = absorb(state, [job("1", "1", ("K", "a", "r1"), ("L", "b", "r2")),
                           job("2", "2", ("K", "a2", "r3"), ("L", "b", None), created=5)],
                   OURS, declared={"K": signature("K", "a2"), "L": signature("L", "b")})
    assert found.superseded == ["r1"]
    assert (state.samples["K"].read_set_id, state.samples["L"].read_set_id) == ("r3", "r2")
    assert state.ledger.assignment.next_batch == 3


def test_an_import_of_content_the_user_reverted_is_superseded_instead() -> None:
    state = CohortState()
    found = absorb(state, [job("1", "1", ("K", "a", "r1")),
                           job("2", "2", ("K", "wrong", "r2"), created=5)],
                   OURS, declared={"K": signature("K", "a")})
    assert found.superseded == ["r2"]
    assert state.samples["K"].read_set_id == "r1"
    # Its batch id stays used even though nothing of it was taken.
    assert state.ledger.assignment.next_batch == 3


def test_a_running_import_replaces_a_read_set_the_user_changed_away_from() -> None:
    """wait=False: the running job is taken (its key is not imported again); the old read
    set is superseded. One of reverted content, still running, is left to the next run."""
    state = CohortState()
    found = absorb(state, [job("1", "1", ("K", "a", "r1")),
                           job("2", "2", ("K", "a2", None), created=5, status="IN_PROGRESS")],
                   OURS, declared={"K": signature("K", "a2")})
    assert found.superseded == ["r1"] and state.samples["K"].status == "PENDING"
    state = CohortState()
    found = absorb(state, [job("1", "1", ("K", "a", "r1")),
                           job("2", "2", ("K", "a2", None), created=5, status="IN_PROGRESS")],
                   OURS, declared={"K": signature("K", "a")})
    assert found.superseded == [] and state.samples["K"].read_set_id == "r1"
    assert "2" not in state.jobs and state.ledger.assignment.next_batch == 3
