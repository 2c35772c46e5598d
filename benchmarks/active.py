"""Keeping a cohort active: one ``ActiveReadSets`` of 1,000 read sets, 300 of them archived,
in one `pulumi up` under the SDK's stock dynamic-provider server, against one
``ReadSetActivationJob`` of 20 archived read sets under the same server.

    python -m benchmarks.active                 # 1,000 read sets, 300 archived, 10 s jobs
    python -m benchmarks.active --smoke         # 100 read sets, 30 archived, 1 s jobs

The emulator enforces HealthOmics' limits (5 requests/s per budget, 10 concurrent activation
jobs). 300 archived read sets take ceil(300 / 20) = 15 jobs: with 10 job slots that is two
waves, so about twice one job's time is the floor; the last row raises the activation-job
quota to 15 (emulator and stack config) to show the waves are the quota's. "Less CLI" takes
off the wall time of an `up` of the same program with no read set (the CLI's own start-up,
the program, the provider's start).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.stacks import CREDENTIALS, peak_overlap, stock_plugin_dir
from harness.clients import aws_client
from harness.pulumi_cli import REPO, PulumiStack
from harness.read_sets import import_read_sets
from omics_resources.core import limits
from omics_resources.emulator import Durations, EmulatorServer

PROGRAM = REPO / "benchmarks" / "programs" / "active"
BUCKET = "benchmark-cohort"
ONE_JOB = 20
QUOTA_KEY = "omics-resources:maxConcurrentActivationJobs"


@dataclass
class Row:
    label: str
    wall: float
    jobs: int
    peak_jobs: int
    calls: dict[str, int]
    read_sets: int
    throttled: int
    quota_exceeded: int


def up(url: str, root: Path, label: str, config: dict[str, Any], stock: Path) -> tuple[float, Any]:
    """`pulumi up` of the program under the stock server; wall seconds and the outputs."""
    stack = PulumiStack(
        PROGRAM,
        root / label,
        {"aws:region": "us-east-1", "omics-resources:endpoint": url, **config},
        credentials=None,
        extra_env={**CREDENTIALS, "PATH": f"{stock}{os.pathsep}{os.environ['PATH']}"},
    )
    try:
        started = time.monotonic()
        stack.up()
        wall = time.monotonic() - started
        return wall, stack.outputs()
    finally:
        stack.remove()


def measure(read_sets: int, archived: int, seconds: float) -> tuple[float, float, list[Row]]:
    """Wall of one job, wall of an empty stack, and a row per activation-job quota."""
    os.environ.update(CREDENTIALS)
    durations = Durations(submit_seconds=0.0, import_seconds=0.1, activation_seconds=seconds)
    with (
        EmulatorServer(port=0, durations=durations) as emulator,
        tempfile.TemporaryDirectory() as tmp,
    ):
        control = emulator.control.handle
        root = Path(tmp)
        stock = stock_plugin_dir(root)
        omics, s3 = aws_client("omics", emulator.url), aws_client("s3", emulator.url)
        s3.create_bucket(Bucket=BUCKET)
        store = omics.create_sequence_store(name="cohort")["id"]
        ids = import_read_sets(omics, s3, store, BUCKET, read_sets)
        base = {"sequenceStoreId": store}

        empty, _ = up(emulator.url, root, "empty", {**base, "kind": "active", "readSetIds": []},
                      stock)
        control("POST", "archive", {"sequenceStoreId": store, "readSetIds": ids[:ONE_JOB]})
        one, outs = up(emulator.url, root, "one-job",
                       {**base, "kind": "job", "readSetIds": ids[:ONE_JOB]}, stock)
        assert outs["status"] == "COMPLETED", outs

        # Spread over the store's pages: every k-th read set.
        step = max(1, read_sets // archived)
        chosen = ids[::step][:archived]
        rows = []
        needed = math.ceil(archived / ONE_JOB)
        default = limits.DEFAULT_JOB_SLOTS["activation"]
        for quota in (None, needed) if needed > default else (None,):
            control("POST", "archive", {"sequenceStoreId": store, "readSetIds": chosen})
            config: dict[str, Any] = {**base, "kind": "active", "readSetIds": ids}
            label = f"default quota ({default} activation jobs)"
            if quota:
                control("POST", "limits", {"maxActiveJobs": {"activation": quota}})
                config[QUOTA_KEY] = quota
                label = f"quota raised to {quota}"
            control("DELETE", "log", None)
            wall, outs = up(emulator.url, root, f"active-{quota}", config, stock)
            assert outs["statusCounts"] == {"ACTIVE": read_sets}, outs["statusCounts"]
            log: dict[str, Any] = control("GET", "log", None)
            budgets = log["budgets"]
            rows.append(Row(
                label=label,
                wall=wall,
                jobs=len(outs["activationJobs"]),
                peak_jobs=peak_overlap(outs["activationJobs"]),
                calls=dict(log["counts"]),
                read_sets=read_sets,
                throttled=sum(v["throttled"] for v in budgets.values()),
                quota_exceeded=log["quotaExceeded"],
            ))
    return one, empty, rows


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="100 read sets, 30 archived, 1 s")
    parser.add_argument("--read-sets", type=int, default=1000)
    parser.add_argument("--archived", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    read_sets, archived, seconds = (
        (100, 30, 1.0) if args.smoke else (args.read_sets, args.archived, args.seconds)
    )
    one, empty, rows = measure(read_sets, archived, seconds)
    print(f"\nActiveReadSets: {read_sets} read sets, {archived} archived, activation jobs of "
          f"{seconds:g} s, stock SDK server. One {ONE_JOB}-read-set ReadSetActivationJob: "
          f"{one:.1f} s wall; an up with no read set: {empty:.1f} s\n")
    header = ["activation-job quota", "wall s", "x one job", "x one job, less CLI", "jobs",
              "peak jobs", "calls/read set", "ListReadSets", "GetReadSetMetadata",
              "throttled", "402s"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        cells = [row.label, f"{row.wall:.1f}", f"{row.wall / one:.2f}",
                 f"{(row.wall - empty) / (one - empty):.2f}", str(row.jobs), str(row.peak_jobs),
                 f"{sum(row.calls.values()) / row.read_sets:.3f}",
                 str(row.calls.get("ListReadSets", 0)), str(row.calls.get("GetReadSetMetadata", 0)),
                 str(row.throttled), str(row.quota_exceeded)]
        print("| " + " | ".join(cells) + " |")
    for row in rows:
        print(f"{row.label}: calls {dict(sorted(row.calls.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
