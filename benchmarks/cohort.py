"""Cohort benchmarks against the emulator with HealthOmics' published limits on.

    python -m benchmarks.cohort            # 1,000 samples, jobs of 20 s (about 3 minutes)
    python -m benchmarks.cohort --smoke    # 120 samples: a quick check that it runs (CI)

1. One `pulumi up` of an N-sample CohortImport (sample sheet, jobs of 100), under our
   provider host and under the SDK's stock server (4 workers), vs the ideal schedule for the
   job quota: ``ceil(jobs / slots) * job seconds + jobs / Start TPS``; "less CLI" takes off
   the wall time of an `up` of the same program with no resource.
2. `pulumi preview` of the N-sample cohort vs a dynamic resource that does nothing with
   the same inputs, and the HealthOmics calls the preview made (none).
3. State bytes per sample: the stack's state file in its file:// backend divided by the
   samples (inputs and outputs, everything included), and the cohort's resource as
   `pulumi stack export` prints it (indented JSON).
4. check and diff of 10,000 sources, in-process (median of 5).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.report import table
from benchmarks.stacks import CREDENTIALS, stock_plugin_dir
from harness.clients import ROLE_ARN, aws_client
from harness.cohort_outputs import imported_outputs
from harness.pulumi_cli import REPO, PulumiStack
from omics_resources.core import limits
from omics_resources.dynamic.cohort_import import CohortImportProvider
from omics_resources.emulator import Durations, EmulatorServer

PROGRAM = REPO / "tests" / "e2e" / "programs" / "cohort"
BUCKET = "benchmark-cohort"
START_BUDGET = "importJobs"
PREVIEW_RUNS = 3


def sample_sheet(path: Path, count: int) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["sample_id", "subject_id", "source_file_type", "source1", "name",
                         "tag:project"])
        for i in range(count):
            writer.writerow([f"S{i:05d}", f"subject-{i:05d}", "FASTQ",
                             f"s3://{BUCKET}/cohort/S{i:05d}_R1.fastq.gz", f"S{i:05d}",
                             "benchmark"])
    return path


def median_seconds(fn: Callable[[], Any], times: int = 5) -> float:
    found = []
    for _ in range(times):
        began = time.perf_counter()
        fn()
        found.append(time.perf_counter() - began)
    return statistics.median(found)


def stack_for(url: str, root: Path, label: str, sheet: Path, store: str, *, noop: bool = False,
              path_first: Path | None = None) -> PulumiStack:
    env = dict(CREDENTIALS)
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{os.environ['PATH']}"
    cohorts = [{"name": "cohort", "sheet": str(sheet), "noop": noop,
                "props": {"sequence_store_id": store, "role_arn": ROLE_ARN}}]
    return PulumiStack(PROGRAM, root / label,
                       {"aws:region": "us-east-1", "omics-resources:endpoint": url,
                        "cohorts": cohorts},
                       credentials=None, extra_env=env)


def checkpoint_bytes(stack: PulumiStack) -> int:
    """The size of the stack's state file in its file:// backend (all of its resources)."""
    backend = stack.state_dir / "backend" / ".pulumi" / "stacks"
    [found] = list(backend.glob(f"*/{stack.name}.json"))
    return found.stat().st_size


def peak_jobs(omics: Any, store: str, job_ids: list[str]) -> int:
    events = []
    for job_id in job_ids:
        job = omics.get_read_set_import_job(sequenceStoreId=store, id=job_id)
        events += [(job["creationTime"].timestamp(), 1), (job["completionTime"].timestamp(), -1)]
    running = peak = 0
    for _, change in sorted(events):
        running += change
        peak = max(peak, running)
    return peak


def up_rows(emulator: EmulatorServer, root: Path, sheet: Path, samples: int,
            seconds: float) -> tuple[float, list[list[str]], dict[str, float]]:
    omics = aws_client("omics", emulator.url)
    jobs = math.ceil(samples / 100)
    slots = limits.DEFAULT_JOB_SLOTS["import"]
    tps = next(b.requests_per_second for b in limits.RATE_BUDGETS if b.name == START_BUDGET)
    ideal = math.ceil(jobs / slots) * seconds + jobs / tps
    rows = []
    state: dict[str, float] = {}
    empty = PulumiStack(PROGRAM, root / "empty",
                        {"aws:region": "us-east-1", "omics-resources:endpoint": emulator.url},
                        credentials=None, extra_env=dict(CREDENTIALS))
    try:
        began = time.monotonic()
        empty.up()
        overhead = time.monotonic() - began
    finally:
        empty.remove()
    for label, path_first in (("omics_resources.dynamic.provider_host", None),
                              ("stock SDK server (4 workers)", stock_plugin_dir(root))):
        store = omics.create_sequence_store(name=label[:20])["id"]
        stack = stack_for(emulator.url, root, "host" if path_first is None else "stock", sheet,
                          store, path_first=path_first)
        try:
            emulator.control.handle("DELETE", "log", None)
            began = time.monotonic()
            stack.up()
            wall = time.monotonic() - began
            log: dict[str, Any] = emulator.control.handle("GET", "log", None)
            outs = stack.outputs()["cohort"]
            assert outs["counts"]["imported"] == samples, outs["counts"]
            [resource] = stack.resources("CohortImport")
            if not state:
                state = {"file": checkpoint_bytes(stack) / samples,
                         "exported": len(json.dumps(resource, indent=4)) / samples}
            rows.append([label, f"{wall:.1f}", f"{wall / ideal:.2f}",
                         f"{(wall - overhead) / ideal:.2f}",
                         str(peak_jobs(omics, store, list(outs["jobs"]))),
                         str(sum(b["throttled"] for b in log["budgets"].values())),
                         str(log["quotaExceeded"]), str(sum(log["counts"].values()))])
        finally:
            stack.remove()
    return ideal, rows, state


def preview_rows(emulator: EmulatorServer, root: Path, sheet: Path) -> list[list[str]]:
    store = aws_client("omics", emulator.url).create_sequence_store(name="preview")["id"]
    stacks = {noop: stack_for(emulator.url, root, f"preview-{noop}", sheet, store, noop=noop)
              for noop in (False, True)}
    walls: dict[bool, list[float]] = {False: [], True: []}
    try:
        emulator.control.handle("DELETE", "log", None)
        for stack in stacks.values():
            stack.preview(check=True)  # warm: plugin start-up, caches
        for _ in range(PREVIEW_RUNS):  # alternating, so that a busy moment hits both
            for noop, stack in stacks.items():
                began = time.monotonic()
                stack.preview(check=True)
                walls[noop].append(time.monotonic() - began)
        calls = sum(emulator.control.handle("GET", "log", None)["counts"].values())
    finally:
        for stack in stacks.values():
            stack.remove()
    ours, noop = statistics.median(walls[False]), statistics.median(walls[True])
    return [["CohortImport", f"{ours:.1f}", f"{ours / noop:.2f}", str(calls)],
            ["no-op dynamic resource", f"{noop:.1f}", "1.00", "0"]]


def sizes(argv: list[str] | None, doc: str | None) -> tuple[int, float]:
    """Samples and each source's import seconds from the command line (``--smoke``: small)."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="120 samples, for CI")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20.0, help="each source's import time")
    args = parser.parse_args(argv)
    os.environ.update(CREDENTIALS)
    return (120, 1.0) if args.smoke else (args.samples, args.seconds)


@contextlib.contextmanager
def cohort_world(samples: int, seconds: float) -> Iterator[tuple[EmulatorServer, Path, Path]]:
    """An emulator (limits on) whose bucket holds ``samples`` FASTQ objects, a scratch
    directory, and the sample sheet of those samples in it."""
    with (EmulatorServer(port=0, durations=Durations(submit_seconds=0.0, import_seconds=seconds))
          as emulator, tempfile.TemporaryDirectory() as tmp):
        s3 = aws_client("s3", emulator.url)
        s3.create_bucket(Bucket=BUCKET)
        for i in range(samples):
            s3.put_object(Bucket=BUCKET, Key=f"cohort/S{i:05d}_R1.fastq.gz",
                          Body=f"@S{i}/1\nACGT\n+\nIIII\n".encode())
        yield emulator, Path(tmp), sample_sheet(Path(tmp) / "cohort.csv", samples)


def main(argv: list[str] | None = None) -> int:
    samples, seconds = sizes(argv, __doc__)

    provider = CohortImportProvider()
    props = {"sequence_store_id": "1234567890", "role_arn": ROLE_ARN,
             "scope": {"project": "p", "stack": "s", "resource_name": "cohort"},
             "sources": [{"source_file_type": "FASTQ", "sample_id": f"S{i:05d}",
                          "subject_id": f"subject-{i:05d}", "name": f"S{i:05d}",
                          "source1": f"s3://{BUCKET}/cohort/S{i:05d}_R1.fastq.gz",
                          "tags": {"project": "benchmark"}} for i in range(10_000)]}
    checked = provider.check({}, props).inputs
    check_s = median_seconds(lambda: provider.check({}, props))
    outs = imported_outputs(checked)
    diff_s = median_seconds(lambda: provider.diff("x", outs, checked))

    with cohort_world(samples, seconds) as (emulator, root, sheet):
        ideal, rows, state = up_rows(emulator, root, sheet, samples, seconds)
        previews = preview_rows(emulator, root, sheet)

    print(f"\n{samples} samples ({math.ceil(samples / 100)} jobs of {seconds:g} s) in one "
          f"`pulumi up`, emulator limits on; ideal schedule {ideal:.1f} s\n")
    print(table(["provider server", "wall s", "x ideal", "x ideal, less CLI", "peak jobs",
                 "throttled", "402s", "API calls"], rows))
    print(f"\n`pulumi preview` of the {samples}-sample cohort (median of {PREVIEW_RUNS}, "
          "after a warm-up run)\n")
    print(table(["resource", "wall s", "x no-op", "HealthOmics calls"], previews))
    print(f"\nState per sample: {state['file']:.0f} bytes in the stack's state file (the whole "
          f"file / samples), {state['exported']:.0f} in `pulumi stack export`'s indented JSON")
    print(f"check of 10,000 sources: {check_s * 1000:.0f} ms; diff: {diff_s * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
