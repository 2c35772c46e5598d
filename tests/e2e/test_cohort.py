"""CohortImport through the real CLI, against the emulator with the service's limits on:
a cohort from a sample sheet, grown by delta, and a first `pulumi up` killed and resumed.
Read sets are counted in the store with ListReadSets."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import BUCKET, START, World
from tests.support.cohort import read_sets_by_sample
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import PulumiStack, interrupt
from tests.support.scenario import ROLE_ARN, aws_client

PROGRAM = Path(__file__).parent / "programs" / "cohort"


def sample_sheet(path: Path, count: int | list[int], **edits: dict[str, str]) -> str:
    """A CSV sample sheet of samples S<i> (``count`` of them from S0, or these indexes, in
    this order), one FASTQ each; ``edits["S7"]`` changes cells of S7's row."""
    columns = ["sample_id", "subject_id", "source_file_type", "source1", "name", "description"]
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        for i in range(count) if isinstance(count, int) else count:
            row = {"sample_id": f"S{i}", "subject_id": f"subject-{i}", "source_file_type": "FASTQ",
                   "source1": f"s3://{BUCKET}/S{i}.fq", "name": f"S{i}", "description": ""}
            writer.writerow({**row, **edits.get(f"S{i}", {})})
    return str(path)


def cohort_stack(make_stack: Callable[..., PulumiStack], world: World, sheet: str,
                 **settings: Any) -> PulumiStack:
    props = {"sequence_store_id": world.store, "role_arn": ROLE_ARN, **settings}
    return make_stack(PROGRAM, {"cohorts": [{"name": "cohort", "sheet": sheet, "props": props}]})


def started_sources(world: World, job_ids: list[str]) -> list[list[str]]:
    """The sample ids each job imports, in order."""
    return [[s["sampleId"] for s in world.omics.get_read_set_import_job(
        sequenceStoreId=world.store, id=j)["sources"]] for j in job_ids]


def assert_one_read_set_each(world: World, stack: PulumiStack, samples: list[str]) -> None:
    stored = read_sets_by_sample(world.omics, world.store)
    assert sorted(stored) == sorted(samples), stored
    assert all(len(ids) == 1 for ids in stored.values()), stored
    assert {k: [v] for k, v in stack.outputs()["cohort"]["read_set_ids"].items()} == stored


def test_cohort_up_then_more_samples_by_delta(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl, tmp_path: Path,
) -> None:
    world.upload(*(f"S{i}.fq" for i in range(110)))
    sheet = tmp_path / "cohort.csv"
    stack = cohort_stack(make_stack, world, sample_sheet(sheet, 60))
    up = stack.up()
    assert "[cohort] cohort: 60/60 sources imported, 0 jobs running, 0 queued" in up.output
    [first] = control.new_jobs(START)
    outs = stack.outputs()["cohort"]
    assert outs["counts"] == {"imported": 60, "failed": 0, "pending": 0, "deleted": 0, "duplicates": 0}
    assert outs["jobs"] == {first: "COMPLETED"}

    sample_sheet(sheet, 110)  # 50 more rows
    preview = stack.preview()
    assert "~ 1 to update" in preview.output, preview.output
    grown = stack.up()
    assert "update: 50 added" in grown.output, grown.output
    jobs = control.new_jobs(START)
    assert len(jobs) == 2 and jobs[0] == first
    outs = stack.outputs()["cohort"]
    assert outs["counts"]["imported"] == 110
    stored = read_sets_by_sample(world.omics, world.store)
    assert len(stored) == 110 and all(len(ids) == 1 for ids in stored.values())
    assert {outs["read_set_ids"][k] for k in ("S0", "S109")} == {stored["S0"][0], stored["S109"][0]}

    again = stack.up()
    assert "2 unchanged" in again.output, again.output  # the stack and the cohort
    refreshed = stack.refresh("--expect-no-changes", check=False)
    assert refreshed.code == 0, refreshed
    assert control.new_jobs(START) == jobs


def test_first_up_killed_then_resumed_imports_each_sample_once(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl, tmp_path: Path,
) -> None:
    control.durations(importSeconds=8)
    world.upload(*(f"S{i}.fq" for i in range(120)))
    stack = cohort_stack(make_stack, world, sample_sheet(tmp_path / "cohort.csv", 120))
    process = stack.start("up", "--yes", "--skip-preview", "--stack", stack.name)
    deadline = time.monotonic() + 120
    while len(control.new_jobs(START)) < 2:  # both batches started
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert time.monotonic() < deadline, "the jobs did not start"
        time.sleep(0.1)
    started = control.new_jobs(START)
    interrupt(process, "sigkill")
    process.communicate(timeout=120)

    stack.run("cancel", "--yes", "--stack", stack.name, check=True)
    stack.refresh("--clear-pending-creates")
    resumed = stack.up()
    # Running or ended by now (8 s jobs, a loaded machine: either), the jobs are found and
    # none is started again. (A running one's "reattached" line: test_cohort_convergence.)
    assert "found 2 import jobs of this cohort that its state did not hold" in \
        resumed.output, resumed.output
    assert control.new_jobs(START) == started
    stored = read_sets_by_sample(world.omics, world.store)
    assert len(stored) == 120 and all(len(ids) == 1 for ids in stored.values())
    assert stack.outputs()["cohort"]["counts"]["imported"] == 120


def test_example_stack_imports_its_sample_sheet_cohort(
    make_stack: Callable[..., PulumiStack], control: EmulatorControl, emulator_url: str,
) -> None:
    stack = make_stack(config={"samples": ["NA12878"], "cohort": True})
    up = stack.up()
    assert "[cohort] cohort: 8/8 sources imported" in up.output, up.output
    outs = stack.outputs()
    assert outs["cohortCounts"] == {"imported": 8, "failed": 0, "pending": 0, "deleted": 0, "duplicates": 0}
    assert set(outs["cohortReadSetIds"]) >= {"HG00096", "HG00105"}
    omics = aws_client("omics", emulator_url)
    meta = omics.get_read_set_metadata(sequenceStoreId=outs["sequenceStoreId"],
                                       id=outs["cohortReadSetIds"]["HG00096"])
    assert (meta["sampleId"], meta["fileType"]) == ("HG00096", "FASTQ")
    tags = omics.list_tags_for_resource(resourceArn=meta["arn"])["tags"]
    assert tags.pop("omics-resources:cohort").endswith(":1")  # the cohort's identity
    assert tags == {"project": "omics-resources-cohort"}
    assert len(control.new_jobs(START)) == 2  # the example's import job and the cohort's
    assert stack.preview("--expect-no-changes").code == 0


@pytest.mark.parametrize("reading", ["refuse", "earlier-job"])
def test_a_typo_in_the_sheet_fixed_then_up_imports_that_row_alone(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path, reading: str,
) -> None:
    """The commonest fix of all, as a new user makes it: row 7's key has a typo, `pulumi
    up` fails naming it, the user edits the row and runs `pulumi up` again."""
    control.behaviour(tokenReuse=reading)
    world.upload(*(f"S{i}.fq" for i in range(12)))
    sheet = tmp_path / "cohort.csv"
    stack = cohort_stack(make_stack, world, sample_sheet(
        sheet, 12, S7={"source1": f"s3://{BUCKET}/S7.fqq"}))
    failed = stack.up(check=False)
    assert failed.code != 0
    assert f"sources[7] (S7, s3://{BUCKET}/S7.fqq): FAILED" in failed.output, failed.output
    assert "11/12 sources imported, 1 failed" in failed.output
    assert len(read_sets_by_sample(world.omics, world.store)) == 11

    sample_sheet(sheet, 12)  # row 7 fixed
    fixed = stack.up()
    assert "found 1 import job of this cohort that its state did not hold" in fixed.output
    jobs = control.new_jobs(START)
    assert len(jobs) == 2 and started_sources(world, jobs[1:]) == [["S7"]], jobs
    assert_one_read_set_each(world, stack, [f"S{i}" for i in range(12)])
    assert stack.preview("--expect-no-changes").code == 0


def test_first_up_killed_then_a_row_edited_and_three_added_imports_only_those(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl, tmp_path: Path,
) -> None:
    control.durations(importSeconds=8)
    world.upload(*(f"S{i}.fq" for i in range(13)))
    sheet = tmp_path / "cohort.csv"
    stack = cohort_stack(make_stack, world, sample_sheet(sheet, 10),
                         delete_removed_read_sets=True)
    process = stack.start("up", "--yes", "--skip-preview", "--stack", stack.name)
    deadline = time.monotonic() + 120
    while not control.new_jobs(START):
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert time.monotonic() < deadline, "the job did not start"
        time.sleep(0.1)
    [started] = control.new_jobs(START)
    interrupt(process, "sigkill")
    process.communicate(timeout=120)

    # S4's description corrected and three rows added, then resumed as Pulumi documents.
    sample_sheet(sheet, 13, S4={"description": "re-sequenced"})
    stack.run("cancel", "--yes", "--stack", stack.name, check=True)
    stack.refresh("--clear-pending-creates")
    resumed = stack.up()
    # Running or ended by now (either, on a loaded machine): found, not started again.
    assert "found 1 import job of this cohort that its state did not hold" in \
        resumed.output, resumed.output
    jobs = control.new_jobs(START)
    assert jobs[0] == started and len(jobs) == 2, jobs
    assert started_sources(world, jobs[1:]) == [["S4", "S10", "S11", "S12"]]
    assert_one_read_set_each(world, stack, [f"S{i}" for i in range(13)])
