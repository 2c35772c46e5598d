"""The TypeScript example (examples/typescript) run by the real CLI through the Node.js
language host (tools/language_host_nodejs.py, Node 22 from setup) and the built SDK,
against the emulator: its sheet read by the provider's sourcesFromSampleSheet, up, preview
and refresh with no change, destroy keeping the read sets."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import START, World
from tests.support.cohort import read_sets_by_sample
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import REPO, PulumiStack
from tests.support.typescript import setup_tools, typescript_project

SHEET = REPO / "examples" / "cohort.csv"
SHEET_BUCKET = "omics-example-sources"


def upload_sheet_files(world: World) -> int:
    """The files the example's sheet names, in the emulator's S3; how many samples."""
    world.s3.create_bucket(Bucket=SHEET_BUCKET)
    rows = list(csv.DictReader(line for line in SHEET.open() if not line.startswith("#")))
    for row in rows:
        for column in ("source1", "source2"):
            key = row[column].removeprefix(f"s3://{SHEET_BUCKET}/")
            world.s3.put_object(Bucket=SHEET_BUCKET, Key=key,
                                Body=f"@{row['sample_id']}/1\nACGT\n+\nIIII\n".encode())
    return len(rows)


def test_typescript_example_up_no_change_refresh_destroy(
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

    stored = read_sets_by_sample(world.omics, world.store)
    destroyed = stack.destroy()
    assert f"kept {samples} read set(s)" in destroyed.output, destroyed.output
    assert read_sets_by_sample(world.omics, world.store) == stored
