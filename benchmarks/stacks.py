"""Run one stack of N one-source import jobs under a chosen provider server."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.clients import ROLE_ARN, aws_client
from harness.pulumi_cli import REPO, PulumiStack

JOBS_PROGRAM = REPO / "tests" / "e2e" / "programs" / "jobs"
BUCKET = "benchmark-sources"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIABENCHMARK", "AWS_SECRET_ACCESS_KEY": "benchmark"}


def stock_plugin_dir(root: Path) -> Path:
    """A folder whose pulumi-resource-pulumi-python runs the SDK's own server, unchanged."""
    folder = root / "stock-bin"
    folder.mkdir(exist_ok=True)
    shim = folder / "pulumi-resource-pulumi-python"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -u -m pulumi.dynamic "$@"\n')
    shim.chmod(0o755)
    return folder


@dataclass
class StackRun:
    wall: float
    resources: list[dict[str, Any]]


def import_jobs(url: str, label: str, jobs: int) -> list[dict[str, Any]]:
    """A store and ``jobs`` uploaded sources; the program's ``imports`` config."""
    omics, s3 = aws_client("omics", url), aws_client("s3", url)
    store = omics.create_sequence_store(name=label)["id"]
    imports = []
    for n in range(jobs):
        key = f"{label}/{n}.fq"
        s3.put_object(Bucket=BUCKET, Key=key, Body=f"@{n}/1\nACGT\n+\nIIII\n".encode())
        source = {
            "source_file_type": "FASTQ",
            "source1": f"s3://{BUCKET}/{key}",
            "subject_id": "s",
            "sample_id": f"x{n}",
        }
        imports.append(
            {"name": f"job-{n}", "props": {"sequence_store_id": store, "role_arn": ROLE_ARN,
                                            "sources": [source]}}
        )
    return imports


def run_stack(
    url: str,
    root: Path,
    label: str,
    imports: list[dict[str, Any]],
    *,
    path_first: Path | None,
    parallel: int | None,
) -> StackRun:
    """`pulumi up` of the jobs program with ``imports``; wall seconds and the resources."""
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
        return StackRun(wall, stack.resources("ReadSetImportJob"))
    finally:
        stack.remove()


def peak_overlap(jobs: list[dict[str, Any]]) -> int:
    """The most jobs that were running at the same moment, from each job's own
    ``creation_time`` and ``completion_time`` (ISO 8601, as the resources output them)."""
    events = []
    for outputs in jobs:
        events.append((datetime.fromisoformat(outputs["creation_time"]).timestamp(), 1))
        events.append((datetime.fromisoformat(outputs["completion_time"]).timestamp(), -1))
    running = peak = 0
    for _, change in sorted(events):
        running += change
        peak = max(peak, running)
    return peak
