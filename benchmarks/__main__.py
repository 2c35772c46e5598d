"""How many import jobs run at once under one `pulumi up`.

    python -m benchmarks            # 12 jobs of 5 s each (the README's figures)
    python -m benchmarks --smoke    # 4 jobs of 1 s: a quick check that it all still runs

It runs the same stack of N import jobs three ways: the SDK's stock dynamic-provider
server (4 gRPC workers), our plugin host (omics_resources.provider_host) at the CLI's
default --parallel, and our host with --parallel N. Table 2 is the lag between a job's end
(the emulator's completionTime) and the create's return, against botocore's own waiter,
which polls every 30 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.clients import ROLE_ARN, aws_client
from harness.pulumi_cli import REPO, PulumiStack
from omics_resources.emulator import Durations, EmulatorServer

JOBS_PROGRAM = REPO / "tests" / "e2e" / "programs" / "jobs"
BUCKET = "benchmark-sources"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIABENCHMARK", "AWS_SECRET_ACCESS_KEY": "benchmark"}


def stock_plugin_dir(root: Path) -> Path:
    """A folder whose pulumi-resource-pulumi-python runs the SDK's own server, unchanged."""
    folder = root / "stock-bin"
    folder.mkdir()
    shim = folder / "pulumi-resource-pulumi-python"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -u -m pulumi.dynamic "$@"\n')
    shim.chmod(0o755)
    return folder


def run_stack(
    url: str, root: Path, jobs: int, label: str, *, path_first: Path | None, parallel: int | None
) -> tuple[float, list[dict[str, Any]]]:
    """Import ``jobs`` one-source jobs in one `pulumi up`; wall seconds and the resources."""
    omics, s3 = aws_client("omics", url), aws_client("s3", url)
    store = omics.create_sequence_store(name=label)["id"]
    imports = []
    for n in range(jobs):
        key = f"{label}/{n}.fq"
        s3.put_object(Bucket=BUCKET, Key=key, Body=f"@{n}/1\nACGT\n+\nIIII\n".encode())
        imports.append(
            {
                "name": f"job-{n}",
                "props": {
                    "sequence_store_id": store,
                    "role_arn": ROLE_ARN,
                    "sources": [
                        {
                            "source_file_type": "FASTQ",
                            "source1": f"s3://{BUCKET}/{key}",
                            "subject_id": "s",
                            "sample_id": f"x{n}",
                        }
                    ],
                },
            }
        )
    extra_env = dict(CREDENTIALS)
    if path_first is not None:
        extra_env["PATH"] = f"{path_first}{os.pathsep}{os.environ['PATH']}"
    stack = PulumiStack(
        JOBS_PROGRAM,
        root / label,
        {"aws:region": "us-east-1", "omics-resources:endpoint": url, "imports": imports},
        credentials=None,
        extra_env=extra_env,
    )
    try:
        args = ["--parallel", str(parallel)] if parallel else []
        started = time.monotonic()
        stack.up(*args)
        wall = time.monotonic() - started
        return wall, stack.resources("ReadSetImportJob")
    finally:
        stack.remove()


def peak_overlap(resources: list[dict[str, Any]]) -> int:
    """The most jobs that were running at the same moment (from the jobs' own times)."""
    events = []
    for resource in resources:
        outputs = resource["outputs"]
        events.append((datetime.fromisoformat(outputs["creation_time"]).timestamp(), 1))
        events.append((datetime.fromisoformat(outputs["completion_time"]).timestamp(), -1))
    running = peak = 0
    for _, change in sorted(events):
        running += change
        peak = max(peak, running)
    return peak


def main() -> int:
    """Measure and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="4 jobs of 1 s, for CI")
    parser.add_argument("--jobs", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    jobs, seconds = (4, 1.0) if args.smoke else (args.jobs, args.seconds)
    os.environ.update(CREDENTIALS)
    durations = Durations(submit_seconds=0.0, import_seconds=seconds)
    with (
        EmulatorServer(port=0, durations=durations) as emulator,
        tempfile.TemporaryDirectory() as tmp,
    ):
        root = Path(tmp)
        aws_client("s3", emulator.url).create_bucket(Bucket=BUCKET)
        stock = stock_plugin_dir(root)
        one, _ = run_stack(emulator.url, root, 1, "single", path_first=None, parallel=None)
        rows: list[tuple[str, float, int]] = []
        ways: list[tuple[str, Callable[[], tuple[float, Any]]]] = [
            (
                "stock SDK server (4 workers), default --parallel",
                lambda: run_stack(
                    emulator.url, root, jobs, "stock", path_first=stock, parallel=None
                ),
            ),
            (
                "omics_resources.provider_host, default --parallel",
                lambda: run_stack(emulator.url, root, jobs, "host", path_first=None, parallel=None),
            ),
            (
                f"omics_resources.provider_host, --parallel {jobs}",
                lambda: run_stack(
                    emulator.url, root, jobs, "host-par", path_first=None, parallel=jobs
                ),
            ),
        ]
        for label, run in ways:
            wall, resources = run()
            assert {r["outputs"]["status"] for r in resources} == {"COMPLETED"}, label
            rows.append((label, wall, peak_overlap(resources)))
    print(
        f"\n{jobs} import jobs of {seconds:g} s each in one `pulumi up` "
        f"(one job alone: {one:.1f} s wall)\n"
    )
    print(
        f"| {'provider server':<52} | {'wall s':>7} | {'x one job':>9} | {'peak at once':>17} |"
    )
    print(f"|{'-' * 54}|{'-' * 9}|{'-' * 11}|{'-' * 19}|")
    for label, wall, peak in rows:
        print(f"| {label:<52} | {wall:7.1f} | {wall / one:9.2f} | {peak:17d} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
