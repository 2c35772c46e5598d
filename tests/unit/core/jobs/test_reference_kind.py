"""ReferenceImportJob's core: its field table, check-time problems with property paths,
batches of 100 run one after another, a second import queued behind the store's job, and
one job per batch across a re-run. Against the emulator on fake time (real HTTP)."""

from __future__ import annotations

from typing import Any

import pytest

from harness.clients import ROLE_ARN
from omics_resources.core import limits
from omics_resources.core.account.scheduler import JobSlots, Scheduler
from omics_resources.core.errors import JobFailedError, JobStillRunningError
from omics_resources.core.jobs.reference_import import (
    JOB_SIZE,
    ReferenceImportJobBehaviour,
    ReferenceKind,
    batches,
)
from omics_resources.core.resource import Runtime
from omics_resources.core.watch.polling import default_policy
from omics_resources.emulator import Durations
from tests.support.clock import FakeClock
from tests.support.fake_time import PROJECT, STACK, FakeTimeEmulator, FakeWorld
from tests.support.scenario import BUCKET

KIND = ReferenceKind()
FASTA = b">chr1\nACGTACGT\n"


@pytest.fixture
def world(fake_emulator: FakeTimeEmulator) -> FakeWorld:
    return fake_emulator.world(FakeClock(), Durations(submit_seconds=0, import_seconds=5))


def reference_store(world: FakeWorld) -> str:
    world.control.limits(rates={"sequenceStoreChanges": 50})
    return str(world.omics.create_reference_store(name="refs")["id"])


def props(store: str, count: int, *, resource: str = "refs", prefix: str = "ref",
          **settings: Any) -> dict[str, Any]:
    references = [{"name": f"{prefix}-{i:03d}", "source_file": f"s3://{BUCKET}/{prefix}-{i}.fa"}
                  for i in range(count)]
    return {"reference_store_id": store, "role_arn": ROLE_ARN, "references": references,
            "scope": {"project": PROJECT, "stack": STACK, "resource_name": resource},
            "wait_timeout": 3600.0, "allow_partial": False, **settings}


def upload(world: FakeWorld, count: int, prefix: str = "ref", body: bytes = FASTA) -> None:
    for i in range(count):
        world.s3.put_object(Bucket=BUCKET, Key=f"{prefix}-{i}.fa", Body=body)


def behaviour(world: FakeWorld, scheduler: Scheduler | None = None) -> ReferenceImportJobBehaviour:
    runtime = Runtime(clock=world.clock, settings=world.settings,
                      given_scheduler=scheduler or reference_scheduler(world),
                      policy=lambda timeout: default_policy(timeout, jitter=False),
                      sink=lambda line: world.out.write(line + "\n"))
    return ReferenceImportJobBehaviour(runtime)


def reference_scheduler(world: FakeWorld) -> Scheduler:
    slots = {k: JobSlots(n, world.clock) for k, n in limits.DEFAULT_JOB_SLOTS.items()}
    return Scheduler(api=world.api(), slots=slots, clock=world.clock)


def new_jobs(world: FakeWorld) -> list[str]:
    return world.control.new_jobs("StartReferenceImportJob")


# -- the table and the rules --------------------------------------------------------------

def test_references_map_onto_the_start_requests_sources() -> None:
    request = KIND.request({"reference_store_id": "1234567890", "role_arn": ROLE_ARN,
                            "references": [{"name": "grch38", "source_file": "s3://b/g.fa",
                                            "description": "d", "tags": {"k": "v"}}]})
    assert request == {"referenceStoreId": "1234567890", "roleArn": ROLE_ARN,
                       "sources": [{"name": "grch38", "sourceFile": "s3://b/g.fa",
                                    "description": "d", "tags": {"k": "v"}}]}
    assert KIND.property_path(("sources", 3, "sourceFile")) == "references[3].source_file"


def test_batches_are_jobs_of_the_models_maximum() -> None:
    assert JOB_SIZE == 100
    assert [len(b) for b in batches(list(range(250)))] == [100, 100, 50]


def test_problems_name_the_property_path_across_batches() -> None:
    checked = ReferenceImportJobBehaviour().check({}, props("1234567890", 150))
    assert checked.problems == []
    bad = props("1234567890", 150)
    bad["references"][1]["name"] = "ab"
    bad["references"][120]["source_file"] = "https://b/k.fa"
    bad["references"][130]["name"] = "ref-000"
    bad["references"][140]["colour"] = "red"
    found = {p.path: p.rule for p in ReferenceImportJobBehaviour().check({}, bad).problems}
    assert sorted(found) == ["references[120].source_file", "references[130].name",
                             "references[140].colour", "references[1].name"]
    assert "at least 3" in found["references[1].name"] or "3" in found["references[1].name"]
    assert "s3://" in found["references[120].source_file"]
    assert "given twice" in found["references[130].name"]


def test_no_references_is_a_problem_at_check() -> None:
    found = ReferenceImportJobBehaviour().check({}, props("1234567890", 0)).problems
    assert [p.path for p in found] == ["references"]


# -- create on fake time ------------------------------------------------------------------

def test_150_references_import_in_two_jobs_one_after_another(world: FakeWorld) -> None:
    store = reference_store(world)
    upload(world, 150)
    created = behaviour(world).create(props(store, 150))
    outs = created.outputs
    assert len(outs["job_ids"]) == 2 == len(new_jobs(world))
    assert created.id == f"{store}/{outs['job_ids'][0]}"
    listed = world.omics.list_references(referenceStoreId=store, maxResults=100)["references"]
    listed += world.omics.list_references(referenceStoreId=store, maxResults=100,
                                          nextToken=world.omics.list_references(
                                              referenceStoreId=store, maxResults=100)
                                          ["nextToken"])["references"]
    by_name = {r["name"]: r for r in listed}
    assert outs["reference_arns"] == {n: r["arn"] for n, r in by_name.items()}
    assert outs["reference_ids"]["ref-149"] == by_name["ref-149"]["id"]
    assert set(outs["reference_statuses"].values()) == {"ACTIVE"}
    jobs = [world.omics.get_reference_import_job(referenceStoreId=store, id=j)
            for j in outs["job_ids"]]
    # One job at a time: the second was created after the first had ended.
    assert jobs[1]["creationTime"] >= jobs[0]["completionTime"]


def test_a_second_import_queues_behind_another_callers_job(world: FakeWorld) -> None:
    store = reference_store(world)
    upload(world, 2)
    upload(world, 1, prefix="blocker")
    world.control.durations(importSeconds=600)
    blocker = world.omics.start_reference_import_job(
        referenceStoreId=store, roleArn=ROLE_ARN,
        sources=[{"name": "blocker", "sourceFile": f"s3://{BUCKET}/blocker-0.fa"}])
    world.control.durations(importSeconds=5)
    outs = behaviour(world).create(props(store, 2)).outputs
    assert outs["status"] == "COMPLETED" and len(outs["reference_ids"]) == 2
    assert world.control.quota_exceeded() >= 1
    ended = world.omics.get_reference_import_job(referenceStoreId=store, id=blocker["id"])
    mine = world.omics.get_reference_import_job(referenceStoreId=store, id=outs["job_ids"][0])
    assert mine["creationTime"] >= ended["completionTime"]
    assert any("waiting for a free job slot" in line for line in world.lines())


def test_a_rerun_after_a_stop_picks_up_every_started_job(world: FakeWorld) -> None:
    store = reference_store(world)
    upload(world, 120)
    world.control.durations(importSeconds=100)
    with pytest.raises(JobStillRunningError):
        behaviour(world).create(props(store, 120, wait_timeout=150.0))
    assert len(new_jobs(world)) == 2  # the first ended, the second was started
    outs = behaviour(world).create(props(store, 120)).outputs
    assert len(new_jobs(world)) == 2 and len(outs["job_ids"]) == 2
    assert len(outs["reference_arns"]) == 120


def test_a_source_that_is_not_fasta_fails_the_job_naming_it(world: FakeWorld) -> None:
    store = reference_store(world)
    upload(world, 2)
    world.s3.put_object(Bucket=BUCKET, Key="ref-1.fa", Body=b"@read\nACGT\n+\nIIII\n")
    with pytest.raises(JobFailedError) as failed:
        behaviour(world).create(props(store, 2))
    assert (f"reference ref-001 (s3://{BUCKET}/ref-1.fa): FAILED: s3://{BUCKET}/ref-1.fa: "
            "not a FASTA file") in str(failed.value)
    # Fixed in S3, the next run imports only the failed reference, in a new job.
    upload(world, 2)
    outs = behaviour(world).create(props(store, 2)).outputs
    assert len(new_jobs(world)) == 2 and len(outs["job_ids"]) == 2
    assert sorted(outs["reference_ids"]) == ["ref-000", "ref-001"]
    second = world.omics.get_reference_import_job(referenceStoreId=store, id=outs["job_ids"][1])
    assert [s["name"] for s in second["sources"]] == ["ref-001"]


def test_refresh_reports_a_deleted_reference(world: FakeWorld) -> None:
    store = reference_store(world)
    upload(world, 2)
    made = behaviour(world).create(props(store, 2))
    world.omics.delete_reference(referenceStoreId=store, id=made.outputs["reference_ids"]["ref-000"])
    read = behaviour(world).read(made.id, made.outputs)
    assert read.outputs["reference_statuses"] == {"ref-000": "DELETED", "ref-001": "ACTIVE"}
    adopted = behaviour(world).read(made.id, {})
    assert adopted.outputs["reference_store_id"] == store
    assert [r["name"] for r in adopted.outputs["references"]] == ["ref-000", "ref-001"]
