"""Two stacks at once: two `pulumi up`s of N import jobs each, started together against one
emulator with HealthOmics' published limits on, as a deploy and a nightly drift check (or two
teams' cohorts) share one account and Region.

    python -m benchmarks.two_stacks            # 2 x 20 jobs of 5 s (about a minute)
    python -m benchmarks.two_stacks --smoke    # 2 x 4 jobs of 1 s under a quota of 4 (CI)
    python -m benchmarks.two_stacks --provider-path DIR   # the provider code in DIR

Each stack has its own provider process (its own rate limiter and job slots), each in its
own sequence store; the API budgets and the job quota belong to the account, so they share
them. Measured from the emulator's request log: throttled answers (goal: at most 10 in the
whole run), 402s, the peak requests per second of each budget, and the wall time against
the ideal schedule for all 2N jobs under the shared quota:
``ceil(2N / quota) * job seconds + 2N / Start TPS`` (28 s for 40 jobs of 5 s under 10;
goal <= 1.3x); "less CLI" takes off the wall time of an `up` of the same program with no
resource. Every resource must end with its own job, and no job may start twice.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.report import table
from benchmarks.stacks import BUCKET, CREDENTIALS, JOBS_PROGRAM, import_jobs, run_stack
from harness.clients import aws_client
from harness.pulumi_cli import PulumiStack
from omics_resources.core import limits
from omics_resources.emulator import Durations, EmulatorServer

START = "StartReadSetImportJob"
START_BUDGET = "importJobs"
HEADER = ["stacks", "wall s", "ideal s", "x ideal", "x ideal, less CLI", "throttled", "402s",
          "peak requests/s per budget", "jobs / resources"]


@dataclass
class Result:
    """What one run of both stacks measured."""

    stacks: int
    jobs: int
    wall: float
    ideal: float
    overhead: float
    throttled: int
    quota_exceeded: int
    peaks: dict[str, float]
    new_jobs: int
    resources: int

    def cells(self) -> list[str]:
        peaks = ", ".join(f"{b} {r:g}" for b, r in sorted(self.peaks.items()))
        return [f"{self.stacks} x {self.jobs // self.stacks}", f"{self.wall:.1f}",
                f"{self.ideal:.1f}", f"{self.wall / self.ideal:.2f}",
                f"{(self.wall - self.overhead) / self.ideal:.2f}", str(self.throttled),
                str(self.quota_exceeded),
                peaks, f"{self.new_jobs} / {self.resources}"]


def ideal_seconds(jobs: int, quota: int, seconds: float) -> float:
    """Waves of the shared quota, plus every Start at the budget's published rate."""
    tps = next(b.requests_per_second for b in limits.RATE_BUDGETS if b.name == START_BUDGET)
    return math.ceil(jobs / quota) * seconds + jobs / tps


def measure(emulator: EmulatorServer, root: Path, per_stack: int, seconds: float, quota: int,
            *, stacks: int = 2) -> Result:
    """Both stacks' `pulumi up` started at the same moment; what the emulator saw."""
    control = emulator.control
    overhead = run_stack(emulator.url, root, "empty", [], path_first=None, parallel=None).wall
    control.handle("POST", "durations", {"importSeconds": seconds, "submitSeconds": 0})
    control.handle("POST", "quota", {"maxActiveJobs": quota, "kind": "import"})
    runs = []
    for n in range(stacks):
        label = f"team{n}"
        imports = import_jobs(emulator.url, label, per_stack)
        runs.append(PulumiStack(
            JOBS_PROGRAM, root / label,
            {"aws:region": "us-east-1", "omics-resources:endpoint": emulator.url,
             "imports": imports},
            credentials=None, extra_env=dict(CREDENTIALS)))
    failures: list[str] = []
    go = threading.Barrier(stacks)

    def up(n: int) -> None:
        go.wait()
        run = runs[n].up("--parallel", str(per_stack), check=False)
        if run.code != 0:
            failures.append(str(run))

    try:
        control.handle("DELETE", "log", None)
        threads = [threading.Thread(target=up, args=(n,)) for n in range(stacks)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        assert not failures, failures[0]
        log: dict[str, Any] = control.handle("GET", "log", None)
        resources = [r for stack in runs for r in stack.resources("ReadSetImportJob")]
    finally:
        for stack in runs:
            stack.remove()
    statuses = {r["outputs"]["status"] for r in resources}
    assert statuses == {"COMPLETED"}, statuses
    created = [r["jobId"] for r in log["requests"] if r["operation"] == START and r.get("newJob")]
    held = {r["outputs"]["job_id"] for r in resources}
    # One job per resource: as many jobs created as resources, each held by one of them.
    assert len(created) == len(set(created)) == len(held) == len(resources), (created, held)
    budgets = log["budgets"]
    return Result(
        stacks=stacks,
        jobs=stacks * per_stack,
        wall=wall,
        ideal=ideal_seconds(stacks * per_stack, quota, seconds),
        overhead=overhead,
        throttled=sum(b["throttled"] for b in budgets.values()),
        quota_exceeded=log["quotaExceeded"],
        peaks={name: b["peakPerSecond"] for name, b in budgets.items() if b["requests"]},
        new_jobs=len(created),
        resources=len(resources),
    )


#: ``--smoke`` sizes: jobs per stack, seconds per job, the emulator's import-job quota (small
#: enough that the quota is contended, as in the full run).
SMOKE = (4, 1.0, 4)


def print_result(result: Result, per_stack: int, seconds: float, quota: int) -> None:
    """The row, with what it measures."""
    print(f"\nTwo stacks of {per_stack} import jobs of {seconds:g} s, each `pulumi up --parallel "
          f"{per_stack}` at the same time, one emulator (limits on, import-job quota {quota}); "
          f"ideal {result.ideal:.1f} s\n")
    print(table(HEADER, [result.cells()]))


def main(argv: list[str] | None = None) -> int:
    """Measure and print the row."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="2 x 4 jobs of 1 s, quota 4 (CI)")
    parser.add_argument("--jobs", type=int, default=20, help="import jobs per stack")
    parser.add_argument("--seconds", type=float, default=5.0, help="each job's length")
    parser.add_argument("--quota", type=int, default=limits.DEFAULT_JOB_SLOTS["import"],
                        help="the emulator's concurrent import-job quota")
    parser.add_argument("--provider-path", help="import omics_resources from here in the stacks")
    args = parser.parse_args(argv)
    per_stack, seconds, quota = SMOKE if args.smoke else (args.jobs, args.seconds, args.quota)
    os.environ.update(CREDENTIALS)
    if args.provider_path:
        os.environ["PYTHONPATH"] = args.provider_path
    with EmulatorServer(port=0, durations=Durations(submit_seconds=0.0, import_seconds=seconds)
                        ) as emulator, tempfile.TemporaryDirectory() as tmp:
        aws_client("s3", emulator.url).create_bucket(Bucket=BUCKET)
        result = measure(emulator, Path(tmp), per_stack, seconds, quota)
    print_result(result, per_stack, seconds, quota)
    return 0


if __name__ == "__main__":
    sys.exit(main())
