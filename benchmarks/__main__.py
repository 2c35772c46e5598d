"""Benchmarks against the emulator with HealthOmics' published limits on.

    python -m benchmarks            # the figures in docs/performance.md (about 25 minutes)
    python -m benchmarks --smoke    # small sizes: a quick check that it all still runs (CI)
    python -m benchmarks --provider-path DIR   # the provider code in DIR (e.g. an old checkout)

Table 1: N one-source import jobs as N resources in one `pulumi up`, our provider host vs
the SDK's stock server (:mod:`benchmarks.service_limits`). Table 2: the lag between a job's
end and the wait's return, and the calls it took, our watcher vs botocore's waiter
(:mod:`benchmarks.poll_lag`). Table 3: two stacks of N/2 jobs each, `pulumi up` at the same
time against one emulator (:mod:`benchmarks.two_stacks`), and our adaptive pacing beside
botocore's adaptive retry mode on fake time (:mod:`benchmarks.pacing`). Then a cohort of
samples in one `CohortImport` (:mod:`benchmarks.cohort`), read sets kept active
(:mod:`benchmarks.active`), the cohort through a YAML program vs the Python dynamic
resource (:mod:`benchmarks.languages`) and through `tofu apply` of an HCL configuration
(:mod:`benchmarks.terraform`), waves of jobs through the scheduler alone on fake
time (:mod:`benchmarks.waves`), and the threads and CPU time of a cohort of 1,000 batches
waiting (:mod:`benchmarks.waits`), a biobank-sized cohort (:mod:`benchmarks.scale`), and
the provider's memory while a ``ReadSetUpload`` sends a 2 GiB file (:mod:`benchmarks.upload`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from benchmarks import (
    active,
    cohort,
    languages,
    pacing,
    poll_lag,
    scale,
    service_limits,
    terraform,
    two_stacks,
    upload,
    waits,
    waves,
)
from benchmarks.report import table
from benchmarks.stacks import BUCKET, CREDENTIALS
from harness.clients import aws_client
from omics_resources.core import limits
from omics_resources.emulator import Durations, EmulatorServer


def main() -> int:
    """Measure and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    parser.add_argument("--jobs", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--lag-jobs", default="10,120", help="job lengths for table 2, s")
    parser.add_argument("--provider-path", help="import omics_resources from here in the stack")
    parser.add_argument("--only-jobs", action="store_true",
                        help="only tables 1 to 3 (not the cohort, active-read-set and scale rows)")
    args = parser.parse_args()
    jobs, seconds, lag_jobs = (
        (4, 1.0, [3.0]) if args.smoke
        else (args.jobs, args.seconds, [float(s) for s in args.lag_jobs.split(",") if s])
    )
    os.environ.update(CREDENTIALS)
    durations = Durations(submit_seconds=0.0, import_seconds=seconds)
    with (
        EmulatorServer(port=0, durations=durations) as emulator,
        tempfile.TemporaryDirectory() as tmp,
    ):
        aws_client("s3", emulator.url).create_bucket(Bucket=BUCKET)
        aws_client("s3", emulator.url).create_bucket(Bucket=poll_lag.BUCKET)
        ideal, rows = service_limits.measure(
            emulator, Path(tmp), jobs, seconds, provider_path=args.provider_path
        )
        print(f"\n{jobs} import jobs of {seconds:g} s in one `pulumi up --parallel {jobs}`, "
              f"emulator limits on; ideal schedule {ideal:.1f} s, CLI alone "
              f"{rows[0].overhead:.1f} s; physical schedule: one job's `up` + "
              f"{seconds:g} s per further wave + the last wave's Starts\n")
        print(table(service_limits.HEADER, [r.cells() for r in rows]))
        lag_rows = []
        for job_seconds in lag_jobs:
            found = poll_lag.measure(emulator.url, job_seconds, emulator.control)
            for who in ("ours", "waiter"):
                lag = found[who]
                lag_rows.append([f"{job_seconds:g} s", who, f"{lag.seconds:.2f}", str(lag.calls)])
        if lag_rows:
            print("\nCompletion lag (job end -> wait returns) and calls, our watcher vs "
                  "botocore's waiter (30 s delay)\n")
            print(table(["job", "who", "lag s", "calls"], lag_rows))
            hour = poll_lag.polls_per_job(3600)
            print(f"\nOne 1-hour job: our watcher makes {hour} List calls (shared by every job "
                  f"of its store); botocore's waiter {3600 // poll_lag.WAITER_DELAY_SECONDS} and "
                  f"gives up after 10 minutes.")
        # Last: it changes the emulator's quota.
        per_stack, stack_seconds, quota = (
            two_stacks.SMOKE if args.smoke
            else (jobs // 2, seconds, limits.DEFAULT_JOB_SLOTS["import"])
        )
        shared = two_stacks.measure(emulator, Path(tmp), per_stack, stack_seconds, quota)
        two_stacks.print_result(shared, per_stack, stack_seconds, quota)
    pacing.main(["--smoke"] if args.smoke else [])
    if args.only_jobs:
        return 0
    sizes = ["--smoke"] if args.smoke else []
    return (cohort.main(sizes) or active.main(sizes) or languages.main(sizes)
            or terraform.main(sizes) or waves.main(sizes) or waits.main(sizes)
            or scale.main(sizes) or upload.main(sizes))


if __name__ == "__main__":
    sys.exit(main())
