"""The example stack (Pulumi.yaml + __main__.py) through the real CLI, against the emulator:
preview, up, a no-op up, refresh, in-place tag update, replacement, drift repair, destroy."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import FAKE_CREDENTIALS, PulumiStack
from tests.support.scenario import aws_client

IMPORT = "StartReadSetImportJob"
ACTIVATE = "StartReadSetActivationJob"


def test_preview_shows_creates_and_calls_nothing_without_credentials(
    make_stack: Callable[..., PulumiStack], control: EmulatorControl
) -> None:
    stack = make_stack(credentials=None)
    run = stack.preview()
    assert run.code == 0, run
    assert "+ 11 to create" in run.output, run.output
    for name in ("reads", "activation", "example-store", "archive-after-30-days"):
        assert name in run.output
    assert control.log()["counts"] == {}


def test_lifecycle(make_stack: Callable[..., PulumiStack], control: EmulatorControl,
                   emulator_url: str) -> None:
    control.durations(importSeconds=2.5, activationSeconds=1)
    stack = make_stack(config={"samples": ["NA12878"]})

    # up: import, archive, activate; progress visible while the jobs run.
    up = stack.up()
    outs = stack.outputs()
    store, ids = outs["sequenceStoreId"], outs["readSetIds"]
    assert outs["importStatus"] == "COMPLETED"
    assert outs["activationStatus"] == "COMPLETED"
    assert len(ids) == 2
    assert outs["activatedReadSetStatuses"] == dict.fromkeys(ids, "ACTIVE")
    assert f"[reads] import job {outs['importJobId']}: started" in up.output, up.output
    assert f"[reads] import job {outs['importJobId']}: IN_PROGRESS" in up.output, up.output
    assert f"[activation] activation job {outs['activationJobId']}: COMPLETED" in up.output
    assert control.new_jobs(IMPORT) == [outs["importJobId"]]
    assert control.new_jobs(ACTIVATE) == [outs["activationJobId"]]
    state = json.dumps(stack.export())
    for secret in FAKE_CREDENTIALS.values():
        assert secret not in state

    # A second up changes nothing and calls no Start; refresh reports status, no diff.
    calls = control.log()["counts"]
    again = stack.up()
    assert "8 unchanged" in again.output, again.output
    assert control.log()["counts"].get(IMPORT) == calls.get(IMPORT)
    refresh = stack.refresh("--expect-no-changes", check=False)
    assert refresh.code == 0, refresh

    # Tags only: updated in place on the read sets, no new job.
    stack.set_config("tags", {"project": "omics-resources-example", "owner": "lab-7"})
    tagged = stack.up()
    assert "~ 1 updated" in tagged.output or "1 updated" in tagged.output, tagged.output
    omics = aws_client("omics", emulator_url)
    arn = omics.get_read_set_metadata(sequenceStoreId=store, id=ids[0])["arn"]
    assert omics.list_tags_for_resource(resourceArn=arn)["tags"]["owner"] == "lab-7"
    assert control.new_jobs(IMPORT) == [outs["importJobId"]]

    # Thirty days pass: archived. `up --refresh` re-activates with one new job.
    control.archive(store, ids)
    stack.up("--refresh")
    assert len(control.new_jobs(ACTIVATE)) == 2
    assert stack.outputs()["activatedReadSetStatuses"] == dict.fromkeys(ids, "ACTIVE")

    # A new source: the import job is replaced by exactly one new job.
    stack.set_config("samples", ["NA12878", "NA12891"])
    stack.up()
    assert len(control.new_jobs(IMPORT)) == 2
    assert len(stack.outputs()["readSetIds"]) == 4

    # destroy keeps the read sets (delete_read_sets_on_destroy is false by default).
    destroyed = stack.destroy()
    assert "kept 4 read set(s)" in destroyed.output, destroyed.output
    statuses = {omics.get_read_set_metadata(sequenceStoreId=store, id=i)["status"]
                for i in ids}
    assert statuses == {"ACTIVE"}


def test_destroy_deletes_read_sets_when_asked(
    make_stack: Callable[..., PulumiStack], emulator_url: str
) -> None:
    stack = make_stack(config={"samples": ["NA12878"], "deleteReadSetsOnDestroy": True})
    stack.up()
    outs = stack.outputs()
    destroyed = stack.destroy()
    assert "deleted 2 read set(s)" in destroyed.output, destroyed.output
    omics = aws_client("omics", emulator_url)
    for read_set_id in outs["readSetIds"]:
        with pytest.raises(omics.exceptions.ResourceNotFoundException):
            omics.get_read_set_metadata(sequenceStoreId=outs["sequenceStoreId"], id=read_set_id)


def test_flaky_api_example_stack_starts_each_job_once(
    make_stack: Callable[..., PulumiStack], control: EmulatorControl
) -> None:
    """30% throttling and 10% server errors on every HealthOmics operation (seeded): the
    whole example stack still comes up, each job started once."""
    control.fault(operation="*", error="ThrottlingException", rate=0.3, seed=1)
    control.fault(operation="*", error="InternalServerException", rate=0.1, seed=2)
    stack = make_stack(config={"samples": ["NA12878", "NA12891"]})
    stack.up()
    outs = stack.outputs()
    assert (outs["importStatus"], outs["activationStatus"]) == ("COMPLETED", "COMPLETED")
    assert control.new_jobs(IMPORT) == [outs["importJobId"]]
    assert control.new_jobs(ACTIVATE) == [outs["activationJobId"]]
    requests = control.log()["requests"]
    faults = sum(1 for r in requests if r["fault"])
    starts = sum(1 for r in requests if r["operation"] in (IMPORT, ACTIVATE))
    print(f"example stack, flaky API: {len(requests)} HealthOmics requests, {faults} injected "
          f"faults retried, {starts} Start calls for 2 jobs")
    assert faults > 0


def test_aws_target_preview_is_offline(
    make_stack: Callable[..., PulumiStack], control: EmulatorControl
) -> None:
    """The same program with the real-AWS stack config: preview plans the import (and an
    activation only of the read sets named), with no credentials and no call anywhere."""
    aws = {"target": "aws", "omics-resources:endpoint": "", "sequenceStoreId": "1234567890",
           "roleArn": "arn:aws:iam::123456789012:role/OmicsImportRole",
           "sourceBucket": "my-bucket", "samples": ["NA12878"]}
    stack = make_stack(config=aws, credentials=None)
    run = stack.preview()
    assert run.code == 0, run
    assert "+ 2 to create" in run.output, run.output  # the stack and the import job
    stack.set_config("activateReadSetIds", ["1111111111"])
    run = stack.preview()
    assert run.code == 0, run
    assert "+ 3 to create" in run.output, run.output
    assert control.log()["counts"] == {}
