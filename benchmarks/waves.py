"""Waves of jobs through the scheduler alone, on fake time: no CLI, no host load.

    python -m benchmarks.waves                  # 40 jobs of 5 s (about half a minute)
    python -m benchmarks.waves --smoke          # 12 jobs of 1 s (CI)
    python -m benchmarks.waves --provider-path DIR   # the provider code in DIR

N creates of one-source import jobs wait together on one scheduler (the real one: job
slots, rate limiter, watcher) against the emulator with its limits on, the emulator and the
creates on one simulated clock (the tests' fake-time emulator and discrete-event clock), so
hours of waiting take seconds and a loaded host changes nothing. Compared with the physical
schedule: one job's create (measured the same way) + one job time per further wave + the
last wave's Starts at the published rate. Each freed slot's gap is the time from the k-th
end to the (k + slots)-th Start.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.report import table
from benchmarks.stacks import CREDENTIALS
from harness.pulumi_cli import REPO


def measure(jobs: int, seconds: float) -> list[str]:
    """One run: the table's row."""
    # Imported here: --provider-path runs this in a child whose path puts DIR first.
    from omics_resources.core import limits  # noqa: PLC0415
    from omics_resources.core.jobs.import_job import ImportKind  # noqa: PLC0415
    from omics_resources.emulator import Durations  # noqa: PLC0415
    from tests.support.clock import EPOCH_AT_ZERO  # noqa: PLC0415
    from tests.support.fake_time import fake_time_emulator  # noqa: PLC0415
    from tests.support.sim_clock import SimClock  # noqa: PLC0415

    kind = ImportKind()
    slots = limits.DEFAULT_JOB_SLOTS["import"]
    tps = next(b.requests_per_second for b in limits.RATE_BUDGETS if b.name == "importJobs")
    with fake_time_emulator() as emulator:
        clock = SimClock()
        world = emulator.world(clock, Durations(submit_seconds=0, import_seconds=seconds))
        one = world.import_props("single", resource="single")
        clock.run(lambda: world.job_run(kind, one, world.scheduler()).run(wait=True))
        single = clock.now
        world.control.call("DELETE", "log")
        scheduler = world.scheduler()
        props = [world.import_props(f"s{i}", resource=f"r{i}") for i in range(jobs)]
        began = clock.now
        done = clock.run(*[lambda p=p: world.job_run(kind, p, scheduler).run(wait=True)
                           for p in props], timeout=900)
        wall = clock.now - began
        counts = world.control.log()["counts"]
    starts = sorted(j["creationTime"].timestamp() - EPOCH_AT_ZERO for j in done)
    ends = sorted(j["completionTime"].timestamp() - EPOCH_AT_ZERO for j in done)
    gaps = [starts[k] - ends[k - slots] for k in range(slots, jobs)] or [0.0]
    physical = single + (math.ceil(jobs / slots) - 1) * seconds + (min(jobs, slots) - 1) / tps
    calls = ", ".join(f"{op} {n}" for op, n in sorted(counts.items()))
    return [str(jobs), f"{seconds:g}", f"{single:.2f}", f"{wall:.2f}", f"{physical:.2f}",
            f"{wall / physical:.3f}", f"{statistics.mean(gaps):.2f}", f"{max(gaps):.2f}", calls]


HEADER = ["jobs", "job s", "one job s", "wall s", "physical s", "x physical",
          "slot gap mean s", "slot gap max s", "calls"]


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table (with --provider-path, in a child on that code)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="12 jobs of 1 s, for CI")
    parser.add_argument("--jobs", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--provider-path", help="measure the omics_resources package in DIR")
    args = parser.parse_args(argv)
    jobs, seconds = (12, 1.0) if args.smoke else (args.jobs, args.seconds)
    os.environ.update(CREDENTIALS)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    if args.provider_path:
        with tempfile.TemporaryDirectory() as only:
            # Only the package from DIR: the tests' support and the benchmarks stay ours.
            Path(only, "omics_resources").symlink_to(
                Path(args.provider_path, "omics_resources").resolve())
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([only, str(REPO)])}
            # Run from there: `-m` puts the working directory first on the path.
            return subprocess.run(  # noqa: S603 - our interpreter, our module
                [sys.executable, "-m", "benchmarks.waves", "--jobs", str(jobs),
                 "--seconds", str(seconds)], env=env, cwd=only, check=False).returncode
    print(f"\n{jobs} creates of one-source import jobs of {seconds:g} s on one scheduler, "
          "fake time, emulator limits on (no CLI)\n")
    print(table(HEADER, [measure(jobs, seconds)]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
