"""The TypeScript example (examples/typescript) run by the real CLI through the Node.js
language host (tools/language_host_nodejs.py, Node 22 from setup) and the built SDK,
against the emulator: its sheet read by the provider's sourcesFromSampleSheet, up, preview
and refresh with no change, 2 samples added in 1 job, Ctrl-C ending the wait with the
resume message, destroy keeping the read sets."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import START, World, wait_until
from tests.support.cohort import read_sets_by_sample
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import REPO, PulumiStack, interrupt
from tests.support.typescript import setup_tools, typescript_project

SHEET = REPO / "examples" / "cohort.csv"
SHEET_BUCKET = "omics-example-sources"


def upload_sheet_files(world: World, sheet: Path = SHEET) -> int:
    """The files ``sheet`` names, in the emulator's S3; how many samples."""
    if SHEET_BUCKET not in [b["Name"] for b in world.s3.list_buckets()["Buckets"]]:
        world.s3.create_bucket(Bucket=SHEET_BUCKET)
    rows = list(csv.DictReader(line for line in sheet.open() if not line.startswith("#")))
    for row in rows:
        for column in ("source1", "source2"):
            key = row[column].removeprefix(f"s3://{SHEET_BUCKET}/")
            world.s3.put_object(Bucket=SHEET_BUCKET, Key=key,
                                Body=f"@{row['sample_id']}/1\nACGT\n+\nIIII\n".encode())
    return len(rows)


def grown(sheet: Path, *samples: str) -> None:
    """``sheet`` (at first the example's, linked) as a file with rows for ``samples`` added."""
    text = sheet.read_text()
    sheet.unlink()  # the link, or the file written before
    rows = [f"{s},{s},FASTQ,s3://{SHEET_BUCKET}/cohort/{s}_R1.fastq,"
            f"s3://{SHEET_BUCKET}/cohort/{s}_R2.fastq,{s},omics-resources-cohort\n"
            for s in samples]
    sheet.write_text(text + "".join(rows))


def test_typescript_example_up_no_change_grow_ctrl_c_destroy(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    tools = setup_tools()
    project = typescript_project(tools, tmp_path / "typescript")
    # The example's store id is a placeholder, and its plugin path is relative to the repo.
    index = project / "index.ts"
    index.write_text(index.read_text().replace('"1234567890"', f'"{world.store}"'))
    manifest = project / "Pulumi.yaml"
    manifest.write_text(manifest.read_text().replace("path: ../../bin", f"path: {REPO / 'bin'}"))
    samples = upload_sheet_files(world)
    stack = make_stack(project, {"omics:endpoint": world.omics.meta.endpoint_url,
                                 "omics:region": "us-east-1"},
                       extra_env={"PULUMI_NODEJS_CMD": tools["node22"]})

    up = stack.up()
    assert f"{samples}/{samples} sources imported" in up.output, up.output
    assert len(control.new_jobs(START)) == 1
    assert stack.outputs()["readSetStatuses"] == dict.fromkeys(
        stack.outputs()["readSetStatuses"], "ACTIVE")
    assert len(stack.outputs()["readSetStatuses"]) == samples
    stack.preview("--expect-no-changes", check=True)
    stack.refresh("--expect-no-changes")

    # Two samples added to the sheet: imported alone, in one job.
    sheet = project.parent / "cohort.csv"
    grown(sheet, "HG00106", "HG00107")
    upload_sheet_files(world, sheet)
    first = control.new_jobs(START)
    more = stack.up()
    assert "update: 2 added" in more.output, more.output
    jobs = control.new_jobs(START)
    assert jobs[:1] == first and len(jobs) == 2
    added = world.omics.get_read_set_import_job(sequenceStoreId=world.store, id=jobs[1])
    assert sorted(s["sampleId"] for s in added["sources"]) == ["HG00106", "HG00107"]

    # Ctrl-C while a job runs: the wait ends at once, with the resume message.
    control.durations(importSeconds=300)
    grown(sheet, "HG00108")
    upload_sheet_files(world, sheet)
    process = stack.start("up", "--yes", "--skip-preview", "--stack", stack.name)
    wait_until(lambda: len(control.new_jobs(START)) == 3, process)
    time.sleep(1)
    interrupted = time.monotonic()
    interrupt(process, "sigint")
    output, _ = process.communicate(timeout=60)
    assert time.monotonic() - interrupted < 30, output
    assert process.returncode != 0 and "run `pulumi up` again" in output, output

    stored = read_sets_by_sample(world.omics, world.store)
    destroyed = stack.destroy()
    assert f"kept {samples + 2} read set(s)" in destroyed.output, destroyed.output
    assert read_sets_by_sample(world.omics, world.store) == stored
