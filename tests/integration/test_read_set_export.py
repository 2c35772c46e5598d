"""ReadSetExport through the real dynamic-provider server over gRPC, against the emulator
with its service limits on: jobs of 100, objects recorded from the listing, drift from a
deleted object and a repair that exports only its read set, a re-run that reattaches,
archived read sets refused by name, destroy that deletes only when asked."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from pulumi.runtime.proto import provider_pb2

from harness.clients import ROLE_ARN
from harness.read_sets import import_read_sets
from omics_resources import ReadSetExportProvider
from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure, ProviderServer, Resource
from tests.support.scenario import BUCKET, Scenario

START = "StartReadSetExportJob"
SOME, NONE = provider_pb2.DiffResponse.DIFF_SOME, provider_pb2.DiffResponse.DIFF_NONE
OUT = "omics-it-exports"


def export(scenario: Scenario, name: str = "share",
           server: ProviderServer | None = None) -> Resource:
    scope = {"project": "omics-it", "stack": scenario.stack, "resource_name": name}
    return Resource(server or scenario.server, ReadSetExportProvider(), name, "ReadSetExport",
                    extra={"scope": scope})


def inputs(scenario: Scenario, ids: list[str], **settings: Any) -> dict[str, Any]:
    return {"sequence_store_id": scenario.store_id, "destination": f"s3://{OUT}/{scenario.stack}/",
            "role_arn": ROLE_ARN, "read_set_ids": ids, **settings}


def exported_ids(scenario: Scenario, control: EmulatorControl) -> list[list[str]]:
    """The read sets of each export job the emulator started, oldest first."""
    return [[r["id"] for r in scenario.omics().get_read_set_export_job(
        sequenceStoreId=scenario.store_id, id=job_id)["readSets"]]
        for job_id in control.new_jobs(START)]


def read_sets(scenario: Scenario, count: int) -> list[str]:
    scenario.s3().create_bucket(Bucket=OUT)
    return import_read_sets(scenario.omics(), scenario.s3(), scenario.store_id, BUCKET, count)


def test_export_drift_and_a_repair_of_only_the_missing(
        scenario: Scenario, control: EmulatorControl) -> None:
    ids = read_sets(scenario, 120)
    resource = export(scenario)
    props = inputs(scenario, ids)
    id_, outs = scenario.create(resource, props)
    assert sorted(len(j) for j in exported_ids(scenario, control)) == [20, 100]
    prefix = f"s3://{OUT}/{scenario.stack}/"
    assert outs["object_uris"] == {i: [f"{prefix}{i}/{n}.fq"] for n, i in enumerate(ids)}
    assert id_.startswith(f"{scenario.store_id}/export/")

    gone = outs["object_uris"][ids[7]][0]
    scenario.s3().delete_object(Bucket=OUT, Key=gone.removeprefix(f"s3://{OUT}/"))
    _, refreshed = resource.read(id_, outs)
    assert refreshed["missing_objects"] == [gone]
    assert ids[7] not in refreshed["object_uris"]
    assert any(gone in line and "missing" in line for line in scenario.server.output)
    checked = scenario.checked(resource, props)
    assert resource.diff(id_, refreshed, checked).changes == SOME

    updated = resource.update(id_, refreshed, checked)
    assert not isinstance(updated, Failure), updated
    assert exported_ids(scenario, control)[2:] == [[ids[7]]]
    assert updated["object_uris"] == outs["object_uris"] and updated["missing_objects"] == []
    _, again = resource.read(id_, updated)
    assert resource.diff(id_, again, checked).changes == NONE

    # Destroy deletes nothing by default.
    assert not isinstance(resource.delete(id_, again), Failure)
    listed = scenario.s3().list_objects_v2(Bucket=OUT, Prefix=f"{scenario.stack}/")
    assert listed["KeyCount"] == 120


def test_a_rerun_after_the_provider_was_killed_starts_no_second_job(
        scenario: Scenario, control: EmulatorControl, own_server: ProviderServer,
        provider_env: dict[str, str], emulator_url: str) -> None:
    ids = read_sets(scenario, 3)
    control.durations(importSeconds=3)
    props = scenario.checked(export(scenario), inputs(scenario, ids))
    # The first create's provider is killed (SIGKILL) while its job runs: nothing in state.
    first = threading.Thread(target=export(scenario, server=own_server).create, args=(props,),
                             daemon=True)
    first.start()
    scenario.eventually(lambda: control.new_jobs(START), bool)
    os.kill(own_server.pid, signal.SIGKILL)
    first.join(timeout=30)
    again = ProviderServer(env=provider_env)
    try:
        again.configure({"aws:region": "us-east-1", "omics-resources:endpoint": emulator_url})
        answer = export(scenario, server=again).create(props)
        assert not isinstance(answer, Failure), answer
        assert len(control.new_jobs(START)) == 1, again.output
        assert sorted(answer[1]["object_uris"]) == sorted(ids)
        assert any("reattached to the job an earlier run started" in line
                   for line in again.output), again.output
    finally:
        again.stop()


def test_archived_read_sets_fail_by_name_and_delete_objects_deletes(
        scenario: Scenario, control: EmulatorControl) -> None:
    ids = read_sets(scenario, 3)
    control.archive(scenario.store_id, [ids[1]])
    resource = export(scenario)
    failed = resource.create(scenario.checked(resource, inputs(scenario, ids)))
    assert isinstance(failed, Failure)
    assert f"read_set_ids[1] ({ids[1]}): ARCHIVED" in failed.details, failed.details
    assert control.new_jobs(START) == []

    id_, outs = scenario.create(resource, inputs(scenario, ids, allow_partial=True,
                                                 delete_objects=True))
    assert sorted(outs["object_uris"]) == sorted([ids[0], ids[2]])
    assert not isinstance(resource.delete(id_, outs), Failure)
    listed = scenario.s3().list_objects_v2(Bucket=OUT, Prefix=f"{scenario.stack}/")
    assert listed["KeyCount"] == 0


def test_check_names_the_destination_at_preview(scenario: Scenario) -> None:
    answer = export(scenario).check(inputs(scenario, ["1234567890"], destination="bucket/x"))
    assert not isinstance(answer, Failure)
    _, failures = answer
    assert [path for path, _ in failures] == ["destination"], failures
