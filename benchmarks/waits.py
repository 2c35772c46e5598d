"""Threads and CPU time of the provider's core while a cohort of many batches waits.

    python -m benchmarks.waits                  # 1,000 batches (about 4 minutes)
    python -m benchmarks.waits --smoke          # 40 batches (CI)
    python -m benchmarks.waits --provider-path DIR   # the core code in DIR (an old checkout)

The emulator runs in its own process with the service's limits on (5 requests/s per budget,
10 concurrent import jobs), jobs of ``--seconds``. A child process runs what the provider
process runs for one ``CohortImport`` create: a :class:`CohortRun` on the process's shared
scheduler, the provider's cancel event, the real clock. Its batches hold one sample each
(a batch's waiting costs the same whatever its size; 1,000 batches of 100 samples would need
100,000 uploads). The parent samples the child's thread count (``/proc/PID/status``) every
0.1 s; the child reports its own CPU seconds (user + system, from ``getrusage``) and wall.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.report import table
from benchmarks.stacks import CREDENTIALS
from harness.clients import REGION, ROLE_ARN, aws_client

BUCKET = "benchmark-waits"
SAMPLE_EVERY = 0.1


def _child(url: str, store: str, batches: int) -> None:
    """A cohort create of ``batches`` one-sample batches; prints CPU and wall as JSON."""
    import resource  # noqa: PLC0415 - the child's own measure

    from omics_resources.core import limits  # noqa: PLC0415 - the code under test
    from omics_resources.core.account import aws  # noqa: PLC0415
    from omics_resources.core.account.scheduling_config import (  # noqa: PLC0415
        SchedulingSettings,
        shared_scheduler,
    )
    from omics_resources.core.cohort.run import CohortRun  # noqa: PLC0415
    from omics_resources.core.cohort.state import Declared  # noqa: PLC0415
    from omics_resources.core.watch.polling import SystemClock, default_policy  # noqa: PLC0415
    from omics_resources.dynamic.cancellation import ENGINE_CANCELLED  # noqa: PLC0415

    sources = [
        {"source_file_type": "FASTQ", "source1": f"s3://{BUCKET}/S{i}.fq", "name": f"S{i}",
         "subject_id": f"subject-{i}", "sample_id": f"S{i}"}
        for i in range(batches)
    ]
    declared = Declared.of(sources)
    assert declared is not None
    scheduler = shared_scheduler(aws.AwsSettings(region=REGION, endpoint_url=url),
                                 SchedulingSettings())
    lines: list[str] = []
    run = CohortRun(
        resource="cohort", scope={"project": "bench", "stack": "waits", "resource_name": "c"},
        store=store, role_arn=ROLE_ARN, declared=declared, wait=True,
        wait_timeout=limits.DEFAULT_WAIT_TIMEOUT_SECONDS, scheduler=scheduler,
        clock=SystemClock(), cancel=ENGINE_CANCELLED, policy=default_policy, sink=lines.append)
    began, usage = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    results = run.run({str(i + 1): [k] for i, k in enumerate(declared.keys)})
    wall, after = time.monotonic() - began, resource.getrusage(resource.RUSAGE_SELF)
    imported = sum(1 for r in results for s in r.samples.values() if s.read_set_id)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    print(json.dumps({"wall": wall, "cpu": cpu, "imported": imported}), flush=True)


def _threads(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next(int(line.split()[1]) for line in status.splitlines()
                if line.startswith("Threads:"))


def measure(batches: int, seconds: float, provider_path: str | None) -> dict[str, Any]:
    """One run: peak threads, CPU seconds and wall of the child, and the emulator's counts."""
    os.environ.update(CREDENTIALS)
    env = dict(os.environ)
    emulator = subprocess.Popen(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "omics_resources.emulator", "--port", "0", "--submit-seconds",
         "0", "--import-seconds", str(seconds)],
        stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert emulator.stdout is not None
        url = emulator.stdout.readline().strip()
        s3, omics = aws_client("s3", url), aws_client("omics", url)
        s3.create_bucket(Bucket=BUCKET)
        for i in range(batches):
            s3.put_object(Bucket=BUCKET, Key=f"S{i}.fq", Body=f"@S{i}/1\nACGT\n+\nIIII\n".encode())
        store = omics.create_sequence_store(name="waits")["id"]
        if provider_path:
            env["PYTHONPATH"] = os.pathsep.join([provider_path, env.get("PYTHONPATH", "")])
        child = subprocess.Popen(  # noqa: S603 - our interpreter, our module
            [sys.executable, "-m", "benchmarks.waits", "--child", url, store, str(batches)],
            stdout=subprocess.PIPE, text=True, env=env)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _threads(child.pid) or 0)
            time.sleep(SAMPLE_EVERY)
        assert child.stdout is not None and child.returncode == 0, child.returncode
        found: dict[str, Any] = json.loads(child.stdout.read().strip().splitlines()[-1])
        log = json.loads(_control(url, "log"))
        counts = {op: n for op, n in log["counts"].items() if op != "CreateSequenceStore"}
        found.update(peak_threads=peak, calls=sum(counts.values()), counts=counts,
                     throttled=sum(b["throttled"] for b in log["budgets"].values()))
        return found
    finally:
        emulator.terminate()
        emulator.wait(10)


def _control(url: str, path: str) -> str:
    from urllib.request import urlopen  # noqa: PLC0415

    with urlopen(f"{url}/_emulator/{path}", timeout=30) as answer:  # noqa: S310 - our emulator
        return str(answer.read().decode())


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table (or, with --child, be the measured process)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="40 batches, for CI")
    parser.add_argument("--batches", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=1.0, help="each job's import time")
    parser.add_argument("--provider-path", help="import omics_resources from here in the child")
    parser.add_argument("--child", nargs=3, metavar=("URL", "STORE", "BATCHES"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        url, store, count = args.child
        _child(url, store, int(count))
        return 0
    batches = 40 if args.smoke else args.batches
    found = measure(batches, args.seconds, args.provider_path)
    assert found["imported"] == batches, found
    print(f"\nA cohort create of {batches} batches (one sample each, jobs of {args.seconds:g} s), "
          "emulator limits on\n")
    calls = ", ".join(f"{op} {n}" for op, n in sorted(found["counts"].items()))
    print(table(["batches", "peak threads", "CPU s", "wall s", "CPU s per wall s", "API calls",
                 "throttled", "calls by operation"],
                [[str(batches), str(found["peak_threads"]), f"{found['cpu']:.1f}",
                  f"{found['wall']:.1f}", f"{found['cpu'] / found['wall']:.3f}",
                  str(found["calls"]), str(found["throttled"]), calls]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
