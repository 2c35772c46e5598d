"""ReferenceImportJob through the real dynamic-provider server over gRPC, against the emulator
with its service limits on: a cancel mid-wait and a re-run that starts no second job, a second
resource for the same store queued behind the first, and a source that is not FASTA failing
with the service's message."""

from __future__ import annotations

from typing import Any

from harness.clients import ROLE_ARN
from omics_resources import ReferenceImportJobProvider
from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure, ProviderServer, Resource
from tests.support.scenario import BUCKET, Scenario

START = "StartReferenceImportJob"
FASTA = b">chr1\nACGTACGTACGT\n"


def reference_store(scenario: Scenario, control: EmulatorControl) -> str:
    control.limits(rates={"sequenceStoreChanges": 20})
    return str(scenario.omics().create_reference_store(name=f"refs-{scenario.stack}")["id"])


def resource(scenario: Scenario, name: str, server: ProviderServer | None = None) -> Resource:
    scope = {"project": "omics-it", "stack": scenario.stack, "resource_name": name}
    return Resource(server or scenario.server, ReferenceImportJobProvider(), name,
                    "ReferenceImportJob", extra={"scope": scope})


def inputs(scenario: Scenario, store: str, *names: str) -> dict[str, Any]:
    for name in names:
        scenario.s3().put_object(Bucket=BUCKET, Key=f"{name}.fa", Body=FASTA)
    return {"reference_store_id": store, "role_arn": ROLE_ARN,
            "references": [{"name": n, "source_file": f"s3://{BUCKET}/{n}.fa"} for n in names]}


def test_a_cancelled_up_and_its_rerun_start_one_job(
    own_server: ProviderServer, scenario: Scenario, control: EmulatorControl
) -> None:
    store = reference_store(scenario, control)
    control.durations(importSeconds=3)
    interrupted = resource(scenario, "genome", own_server)
    props = inputs(scenario, store, "GRCh38", "GRCh37")

    def cancel_once_running() -> None:
        scenario.eventually(lambda: control.new_jobs(START), bool)
        own_server.cancel()

    failure = Scenario.in_background(
        cancel_once_running, lambda: interrupted.create(scenario.checked(interrupted, props)))
    assert isinstance(failure, Failure)
    [job_id] = control.new_jobs(START)
    assert f"reference import job {job_id} is still" in failure.details

    # The next `pulumi up` (a new provider process) reattaches and starts nothing new.
    _, outs = scenario.create(resource(scenario, "genome"), props)
    assert outs["job_ids"] == [job_id] and control.new_jobs(START) == [job_id]
    assert sorted(outs["reference_arns"]) == ["GRCh37", "GRCh38"]


def test_a_second_resource_for_the_store_queues_instead_of_failing(
    scenario: Scenario, control: EmulatorControl
) -> None:
    store = reference_store(scenario, control)
    control.durations(importSeconds=2)
    first, second = resource(scenario, "first"), resource(scenario, "second")
    one, two = inputs(scenario, store, "one"), inputs(scenario, store, "two")
    answers = Scenario.in_background(lambda: scenario.create(first, one),
                                     lambda: scenario.create(second, two))
    assert isinstance(answers, tuple)
    jobs = [scenario.omics().get_reference_import_job(referenceStoreId=store, id=j)
            for j in control.new_jobs(START)]
    assert [j["status"] for j in jobs] == ["COMPLETED", "COMPLETED"]
    # One at a time: the later job was created once the earlier had ended.
    assert jobs[1]["creationTime"] >= jobs[0]["completionTime"]


def test_a_source_that_is_not_fasta_fails_naming_it(
    scenario: Scenario, control: EmulatorControl
) -> None:
    store = reference_store(scenario, control)
    props = inputs(scenario, store, "good")
    scenario.s3().put_object(Bucket=BUCKET, Key="reads.fq", Body=b"@r\nACGT\n+\nIIII\n")
    props["references"].append({"name": "reads", "source_file": f"s3://{BUCKET}/reads.fq"})
    target = resource(scenario, "mixed")
    failure = target.create(scenario.checked(target, props))
    assert isinstance(failure, Failure)
    assert "COMPLETED_WITH_FAILURES" in failure.details
    assert (f"reference reads (s3://{BUCKET}/reads.fq): FAILED: s3://{BUCKET}/reads.fq: not a "
            "FASTA file: the first line must start with '>'") in failure.details
