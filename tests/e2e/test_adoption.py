"""Adopting jobs started outside Pulumi with ``ReadSetImportJob.get`` /
``ReadSetActivationJob.get``, through the real CLI: read from the id alone, never started
again, and destroy leaves the data alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import BUCKET, JOBS_PROGRAM, START, World
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import PulumiStack
from tests.support.scenario import ROLE_ARN, Scenario


def ended(job: dict[str, Any]) -> bool:
    return job["status"] not in ("SUBMITTED", "IN_PROGRESS", "CANCELLING")


def test_jobs_started_elsewhere_are_adopted_by_get(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl
) -> None:
    world.upload("a.fq")
    source = {"sourceFileType": "FASTQ", "sourceFiles": {"source1": f"s3://{BUCKET}/a.fq"},
              "subjectId": "subject", "sampleId": "a"}
    started = world.omics.start_read_set_import_job(
        sequenceStoreId=world.store, roleArn=ROLE_ARN, sources=[source])
    imported = Scenario.eventually(lambda: world.omics.get_read_set_import_job(
        sequenceStoreId=world.store, id=started["id"]), ended)
    [read_set_id] = [s["readSetId"] for s in imported["sources"]]
    control.archive(world.store, [read_set_id])
    activation = world.omics.start_read_set_activation_job(
        sequenceStoreId=world.store, sources=[{"readSetId": read_set_id}])
    Scenario.eventually(lambda: world.omics.get_read_set_activation_job(
        sequenceStoreId=world.store, id=activation["id"]), ended)
    starts_before = control.count(START), control.count("StartReadSetActivationJob")

    stack = make_stack(JOBS_PROGRAM, {"adopt": [
        {"name": "imported", "kind": "import", "id": f"{world.store}/{started['id']}"},
        {"name": "activated", "kind": "activation", "id": f"{world.store}/{activation['id']}"},
    ]})
    stack.up()
    outputs = stack.outputs()
    assert outputs["imported"] == {"job_id": started["id"], "status": "COMPLETED",
                                   "read_set_ids": [read_set_id],
                                   "read_set_statuses": {read_set_id: "ACTIVE"}}
    assert outputs["activated"]["job_id"] == activation["id"]
    assert outputs["activated"]["status"] == "COMPLETED"
    assert outputs["activated"]["read_set_ids"] == [read_set_id]

    stack.destroy()
    assert (control.count(START), control.count("StartReadSetActivationJob")) == starts_before
    assert control.count("BatchDeleteReadSet") == 0
    metadata = world.omics.get_read_set_metadata(sequenceStoreId=world.store, id=read_set_id)
    assert metadata["status"] == "ACTIVE"
