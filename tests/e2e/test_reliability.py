"""Reliability through the real CLI: interrupted runs, flaky APIs, a full quota, failed
jobs, timeouts, bad input and secrets. Each asserts exact job counts from the emulator's
request log."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import BUCKET, JOBS_PROGRAM, START, World, jobs_stack, wait_until
from tests.support.bad_inputs import BAD_INPUTS, BadInput
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import FAKE_CREDENTIALS, PulumiStack, alive, interrupt


@pytest.mark.parametrize("how", ["sigint", "sigkill", "sigkill-cli"])
def test_interrupted_up_resumes_without_a_second_job(
    how: str, make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
) -> None:
    control.durations(importSeconds=6)
    world.upload("a.fq")
    stack = jobs_stack(make_stack, world.job("reads", "a.fq"))
    process = stack.start("up", "--yes", "--skip-preview", "--stack", stack.name)
    wait_until(lambda: bool(control.new_jobs(START)), process)
    [job_id] = control.new_jobs(START)
    plugins = interrupt(process, how)
    output, _ = process.communicate(timeout=120)
    assert process.returncode != 0, output
    # No plugin outlives the run: killed with the CLI, or (orphaned by a CLI killed alone)
    # gone once they see the engine has gone, as Pulumi's own plugins do.
    assert len(plugins) >= 2, plugins  # the language host and the provider
    deadline = time.monotonic() + 30
    while any(map(alive, plugins)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(alive, plugins)), f"plugins still running: {plugins}"
    status = world.omics.get_read_set_import_job(sequenceStoreId=world.store, id=job_id)["status"]
    assert status in ("SUBMITTED", "IN_PROGRESS"), status

    # Pulumi's documented way on: a killed CLI leaves its lock (`pulumi cancel` removes it);
    # refresh clears the pending create (the CLI never recorded the job); up creates again.
    if how != "sigint":
        stack.run("cancel", "--yes", "--stack", stack.name, check=True)
    stack.refresh("--clear-pending-creates")
    resumed = stack.up()
    assert f"import job {job_id}: reattached" in resumed.output, resumed.output
    assert control.new_jobs(START) == [job_id]
    [resource] = stack.resources("ReadSetImportJob")
    assert resource["outputs"]["job_id"] == job_id
    assert resource["outputs"]["status"] == "COMPLETED"


def test_flaky_api_all_jobs_start_once(make_stack: Callable[..., PulumiStack], world: World,
                                       control: EmulatorControl) -> None:
    world.upload("a.fq", "b.fq", "c.fq")
    control.fault(operation="*", error="ThrottlingException", rate=0.3, seed=1)
    control.fault(operation="*", error="InternalServerException", rate=0.1, seed=2)
    # And the first three Starts served but their answers lost: retried with the same token.
    control.fault(operation=START, error="InternalServerException", count=3, after=True)
    stack = jobs_stack(make_stack, world.job("a", "a.fq"), world.job("b", "b.fq"),
                       world.job("c", "c.fq"))
    stack.up()
    log = control.log()
    assert len(control.new_jobs(START)) == 3
    assert sum(1 for r in log["requests"] if r["operation"] == START and r["fault"]
               and r["newJob"]) >= 1
    faults = sum(1 for r in log["requests"] if r["fault"])
    print(f"flaky API: {len(log['requests'])} requests, {faults} injected faults retried")
    assert faults > 0
    assert {r["outputs"]["status"] for r in stack.resources("ReadSetImportJob")} == {"COMPLETED"}


def test_quota_below_job_count_all_finish(make_stack: Callable[..., PulumiStack], world: World,
                                          control: EmulatorControl) -> None:
    control.durations(importSeconds=1.5)
    control.quota(1)
    world.upload("a.fq", "b.fq", "c.fq")
    stack = jobs_stack(make_stack, world.job("a", "a.fq"), world.job("b", "b.fq"),
                       world.job("c", "c.fq"))
    up = stack.up()
    assert len(control.new_jobs(START)) == 3
    assert "waiting for a free job slot (ServiceQuotaExceededException" in up.output
    assert {r["outputs"]["status"] for r in stack.resources("ReadSetImportJob")} == {"COMPLETED"}


def test_missing_object_fails_then_one_new_job_after_upload(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl
) -> None:
    stack = jobs_stack(make_stack, world.job("reads", "late.fq"))
    failed = stack.up(check=False)
    assert failed.code != 0
    [job_id] = control.new_jobs(START)
    assert f"import job {job_id} ended FAILED" in failed.output
    assert f"sources[0] (s3://{BUCKET}/late.fq): FAILED: S3 object s3://{BUCKET}/late.fq not found" \
        in failed.output
    world.upload("late.fq")
    stack.up()
    jobs = control.new_jobs(START)
    assert len(jobs) == 2 and jobs[0] == job_id


@pytest.mark.parametrize("allow_partial", [False, True])
def test_completed_with_failures(allow_partial: bool, make_stack: Callable[..., PulumiStack],
                                 world: World, control: EmulatorControl) -> None:
    world.upload("ok.fq")
    stack = jobs_stack(make_stack, world.job("reads", "ok.fq", "absent.fq",
                                             allow_partial=allow_partial))
    run = stack.up(check=False)
    if allow_partial:
        assert run.code == 0, run
        assert "COMPLETED_WITH_FAILURES, accepted (allow_partial)" in run.output
        [resource] = stack.resources("ReadSetImportJob")
        assert resource["outputs"]["status"] == "COMPLETED_WITH_FAILURES"
        assert len(resource["outputs"]["read_set_ids"]) == 1
    else:
        assert run.code != 0
        assert "ended COMPLETED_WITH_FAILURES" in run.output
        assert "absent.fq): FAILED" in run.output
    assert len(control.new_jobs(START)) == 1


def test_wait_timeout_then_next_up_attaches(make_stack: Callable[..., PulumiStack], world: World,
                                            control: EmulatorControl) -> None:
    control.durations(importSeconds=6)
    world.upload("slow.fq")
    stack = jobs_stack(make_stack, world.job("reads", "slow.fq", wait_timeout=2))
    timed_out = stack.up(check=False)
    assert timed_out.code != 0
    [job_id] = control.new_jobs(START)
    assert f"import job {job_id} is still IN_PROGRESS (wait_timeout of 2 s expired)" in \
        timed_out.output
    stack.set_config("imports", [world.job("reads", "slow.fq", wait_timeout=120)])
    stack.up()
    assert control.new_jobs(START) == [job_id]
    [resource] = stack.resources("ReadSetImportJob")
    assert (resource["outputs"]["job_id"], resource["outputs"]["status"]) == (job_id, "COMPLETED")


def test_bad_input_matrix_rejected_at_preview(make_stack: Callable[..., PulumiStack],
                                              control: EmulatorControl) -> None:
    """Each case alone (the engine stops a preview at its first check failure), three
    stacks side by side to keep the wall time down."""
    stacks = [make_stack(JOBS_PROGRAM) for _ in range(3)]

    def preview(stack: PulumiStack, case: BadInput) -> str | None:
        stack.set_config("imports", [{"name": case.id, "props": case.props}]
                         if case.kind == "import" else [])
        stack.set_config("activations", [{"name": case.id, "props": case.props}]
                         if case.kind == "activation" else [])
        run = stack.preview()
        pattern = re.compile(rf"resource '{re.escape(case.id)}': property {re.escape(case.path)} ")
        hits = [line for line in run.output.splitlines()
                if pattern.search(line) and case.rule in line]
        return None if run.code != 0 and hits else f"{case.id}: {run.output[-600:]}"

    def run_slice(index: int) -> list[str]:
        return [problem for case in BAD_INPUTS[index::3]
                if (problem := preview(stacks[index], case)) is not None]

    with ThreadPoolExecutor(max_workers=3) as pool:
        missing = [p for problems in pool.map(run_slice, range(3)) for p in problems]
    assert missing == [], "\n".join(missing)
    assert len(BAD_INPUTS) >= 30
    assert control.log()["counts"] == {}


def test_no_credentials_in_state_output_or_provider(make_stack: Callable[..., PulumiStack],
                                                    world: World) -> None:
    world.upload("a.fq")
    stack = jobs_stack(make_stack, world.job("reads", "a.fq"), credentials=FAKE_CREDENTIALS)
    # The engine's and the plugins' own logs too: the most verbose level, flowed to the
    # plugins and written to stderr, which the output below includes.
    verbose = ("--logtostderr", "--logflow", "-v=9")
    outputs = [stack.up(*verbose).output]
    assert "Launching plugin 'pulumi-python (resource)'" in outputs[0], outputs[0][-2000:]
    states = [json.dumps(stack.export())]
    outputs.append(stack.refresh(*verbose).output)
    states.append(json.dumps(stack.export()))
    [resource] = stack.resources("ReadSetImportJob")
    pickled = base64.b64decode(resource["outputs"]["__provider"])
    assert len(pickled) < 400
    outputs.append(stack.destroy(*verbose).output)
    states.append(json.dumps(stack.export()))
    for secret in FAKE_CREDENTIALS.values():
        for text in (*outputs, *states):
            assert secret not in text
        assert secret.encode() not in pickled
    assert b"omics_resources" in pickled  # the provider is pickled by reference
