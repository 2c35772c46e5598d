"""A biobank-sized cohort through the real CLI, against the emulator with its limits on.

    python -m benchmarks.scale                  # 100,000 samples, jobs of 1 s (about 15 minutes)
    python -m benchmarks.scale --smoke          # 1,000 samples: a quick check that it runs (CI)
    python -m benchmarks.scale --samples 20000

One ``CohortImport`` from a sample sheet of N rows (sources seeded in the emulator's S3 with
one control call, see ``POST /_emulator/objects``), in one stack, step by step:

1. ``pulumi preview`` (a create), and the same inputs on a dynamic resource that does
   nothing: wall seconds and the HealthOmics calls (none);
2. ``pulumi up``: wall against the floor the budgets set. N / 100 Starts at 5 per second
   is the Start floor; every call on the importJobs budget (Starts, Gets, Lists) at 5 per
   second is that budget's floor. Peak RSS, threads and CPU time of the provider process;
3. state bytes per sample: the stack's state file (all of it) / N;
4. ``pulumi preview`` with no change (what a pull request's check runs);
5. a no-op ``pulumi up``, then the sheet with one row more and ``pulumi up``: wall,
   calls and jobs started (one);
6. ``pulumi refresh``: ListReadSets pages against ceil(N / 100), and wall against those
   pages at 5 per second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import math
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.procwatch import PROVIDER_MODULE, ProcessWatch
from benchmarks.report import table
from benchmarks.stacks import CREDENTIALS
from harness.clients import ROLE_ARN, aws_client
from harness.pulumi_cli import REPO, PulumiStack
from omics_resources.core import limits
from omics_resources.core.cohort.sheets import sources_from_sample_sheet as sources_from_sheet
from omics_resources.emulator import Durations, EmulatorServer

PROGRAM = REPO / "benchmarks" / "programs" / "scale"
BUCKET = "benchmark-scale"
KEY = "cohort/sample-{i:06d}_R1.fastq.gz"
PER_JOB = 100
SMOKE_SAMPLES = 1000
#: A CLI command of a 100,000-sample stack takes minutes; this bounds each one.
COMMAND_TIMEOUT = 3600
MARKER = "OMICS_RESOURCES_BENCHMARK_RUN"
GIB = 1024**3


def _rate(budget: str) -> float:
    return next(b.requests_per_second for b in limits.RATE_BUDGETS if b.name == budget)


def sample_sheet(path: Path, count: int) -> Path:
    """A sheet of ``count`` FASTQ samples whose files the seed made."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["sample_id", "subject_id", "source_file_type", "source1", "name",
                         "tag:project"])
        for i in range(count):
            writer.writerow([f"S{i:06d}", f"subject-{i:06d}", "FASTQ",
                             f"s3://{BUCKET}/{KEY.format(i=i)}", f"S{i:06d}", "biobank"])
    return path


#: The processes of one CLI command, by a part of their command line.
PROCESSES = {
    "CLI (engine)": "pulumi/bin/pulumi\0",
    "language host": "language_host.py",
    "program": "run_program.py",
    "provider": PROVIDER_MODULE,
}


@dataclass
class Step:
    """What one CLI command cost: wall, HealthOmics calls by operation and budget, jobs
    started, the provider process's peak RSS and threads, and CPU seconds by process."""

    wall: float
    calls: dict[str, int]
    budgets: dict[str, dict[str, Any]]
    new_jobs: int
    throttled: int
    quota_exceeded: int
    rss: int = 0
    threads: int = 0
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Every HealthOmics call."""
        return sum(self.calls.values())

    def budget_calls(self, budget: str) -> int:
        """The requests that fell on ``budget``."""
        return int(self.budgets.get(budget, {}).get("requests", 0))


@dataclass
class Bench:
    """The emulator, the stack and how each command is measured."""

    emulator: EmulatorServer
    stack: PulumiStack
    marker: str
    steps: dict[str, Step] = field(default_factory=dict)

    def measure(self, name: str, command: Callable[[], Any]) -> Step:
        """Run ``command`` with the emulator's log cleared and the provider watched."""
        control = self.emulator.control
        control.handle("DELETE", "log")
        watches = {name: ProcessWatch(f"{MARKER}={self.marker}", needle=needle)
                   for name, needle in PROCESSES.items()}
        with contextlib.ExitStack() as running:
            for watch in watches.values():
                running.enter_context(watch)
            began = time.monotonic()
            command()
            wall = time.monotonic() - began
        provider = watches["provider"]
        log: dict[str, Any] = control.handle("GET", "log")
        step = Step(
            wall=wall,
            calls=dict(log["counts"]),
            budgets=dict(log["budgets"]),
            new_jobs=sum(1 for r in log["requests"]
                         if r["operation"] == "StartReadSetImportJob" and r.get("newJob")),
            throttled=sum(int(b["throttled"]) for b in log["budgets"].values()),
            quota_exceeded=int(log["quotaExceeded"]),
            rss=provider.peak_rss_bytes, threads=provider.peak_threads,
            cpu={name: watch.cpu_seconds for name, watch in watches.items()},
        )
        self.steps[name] = step
        return step

    def run(self, *args: str) -> None:
        """One CLI command that must succeed."""
        self.stack.run(*args, "--stack", self.stack.name, check=True, timeout=COMMAND_TIMEOUT)


def state_file(stack: PulumiStack) -> Path:
    """The stack's checkpoint in its file:// backend."""
    backend = stack.state_dir / "backend" / ".pulumi" / "stacks"
    [found] = list(backend.glob(f"*/{stack.name}.json"))
    return found


@contextmanager
def scale_stack(emulator: EmulatorServer, root: Path, sheet: Path, *, store: str, label: str,
                marker: str, noop: bool = False) -> Iterator[PulumiStack]:
    """The scale program's stack on ``sheet``, removed afterwards."""
    env = {**CREDENTIALS, MARKER: marker}
    stack = PulumiStack(PROGRAM, root / label,
                        {"aws:region": "us-east-1", "omics-resources:endpoint": emulator.url,
                         "sheet": str(sheet), "sequenceStoreId": store, "roleArn": ROLE_ARN,
                         "noop": noop},
                        credentials=None, extra_env=env)
    try:
        yield stack
    finally:
        stack.remove()


def per_budget(step: Step) -> str:
    """``importJobs 2161, readSets 12``: the requests on each budget."""
    return ", ".join(f"{name} {step.budget_calls(name)}" for name in sorted(step.budgets)
                     if step.budget_calls(name))


def _verdict(met: bool) -> str:
    return "yes" if met else "**no**"


def report(samples: int, seconds: float, bench: Bench, noop_preview: float,
           state_bytes: int) -> str:
    """The table of figures against the goals."""
    s = bench.steps
    jobs = math.ceil(samples / PER_JOB)
    start_tps, list_tps = _rate("importJobs"), _rate("readSets")
    start_floor = jobs / start_tps
    up = s["up"]
    budget_floor = up.budget_calls("importJobs") / start_tps
    pages = math.ceil((samples + 1) / PER_JOB)
    refresh = s["refresh"]
    listed = refresh.calls.get("ListReadSets", 0)
    noop_up, plus_one = s["no-op up"], s["+1 up"]
    per_sample = state_bytes / samples
    imports = {op: n for op, n in sorted(up.calls.items())
               if op in next(b.operations for b in limits.RATE_BUDGETS if b.name == "importJobs")}
    rows = [
        ["preview (create)", f"{s['preview'].wall:.1f} s, {s['preview'].total} calls "
         f"({s['preview'].wall / noop_preview:.2f}x a no-op resource's {noop_preview:.1f} s)",
         "<= 15 s, 0 calls", _verdict(s["preview"].wall <= 15 and s["preview"].total == 0)],
        ["up", f"{up.wall:.1f} s = {up.wall / start_floor:.2f}x the Start floor "
         f"({jobs} Starts at {start_tps:g}/s = {start_floor:.0f} s); "
         f"{up.wall / budget_floor:.2f}x the importJobs floor ({up.budget_calls('importJobs')} "
         f"calls: {', '.join(f'{n} {op}' for op, n in imports.items())}); "
         f"{up.new_jobs} jobs, {up.throttled} throttled, {up.quota_exceeded} 402s, "
         f"{up.total} calls ({per_budget(up)})", "<= 1.25x the Start floor",
         _verdict(up.wall <= 1.25 * start_floor)],
        ["provider process, up", f"peak RSS {up.rss / 2**20:.0f} MiB, {up.threads} threads at "
         f"most, {up.cpu['provider']:.0f} s CPU", "<= 1 GiB", _verdict(0 < up.rss <= GIB)],
        ["state per sample", f"{per_sample:.0f} bytes ({state_bytes / 2**20:.1f} MiB file)",
         "<= 350", _verdict(per_sample <= 350)],
        ["preview, no change", f"{s['preview, no change'].wall:.1f} s, "
         f"{s['preview, no change'].total} calls", "(PR check)", ""],
        ["no-op up", f"{noop_up.wall:.1f} s, {noop_up.total} calls", "", ""],
        ["+1-sample up", f"{plus_one.wall:.1f} s = {plus_one.wall / noop_up.wall:.2f}x the "
         f"no-op up; {plus_one.new_jobs} job, {plus_one.total} calls "
         f"({', '.join(f'{n} {op}' for op, n in sorted(plus_one.calls.items()))})",
         "1 job, <= 2x no-op up",
         _verdict(plus_one.new_jobs == 1 and plus_one.wall <= 2 * noop_up.wall)],
        ["refresh", f"{listed} ListReadSets pages (floor {pages}), {refresh.total} calls; "
         f"{refresh.wall:.1f} s = {refresh.wall / (pages / list_tps):.2f}x the pages at "
         f"{list_tps:g}/s ({pages / list_tps:.0f} s)", f"{pages} pages",
         _verdict(listed == pages)],
        ["provider process, refresh", f"peak RSS {refresh.rss / 2**20:.0f} MiB, "
         f"{refresh.cpu['provider']:.0f} s CPU", "<= 1 GiB", _verdict(0 < refresh.rss <= GIB)],
    ]
    head = (f"{samples:,} samples ({jobs} jobs of {seconds:g} s) in one CohortImport from a "
            "sample sheet, real CLI, emulator limits on (5 requests/s per budget, 10 import "
            "jobs at once)\n")
    return head + "\n" + table(["measured", "figure", "goal", "met"], rows)


def cpu_table(bench: Bench) -> str:
    """CPU seconds of each process of each step: where the time goes."""
    rows = [[name, f"{step.wall:.1f}", *(f"{step.cpu.get(p, 0.0):.1f}" for p in PROCESSES)]
            for name, step in bench.steps.items()]
    return table(["step", "wall s", *(f"{p} CPU s" for p in PROCESSES)], rows)


def in_process(samples: int) -> str:
    """Our check and diff against the SDK's (de)serialization of the same values, timed
    in this process (what the provider does for each engine call)."""
    from pulumi.runtime import rpc  # noqa: PLC0415 - only this measure needs the SDK here

    from harness.cohort_outputs import imported_outputs  # noqa: PLC0415
    from omics_resources.core.cohort.packing import pack  # noqa: PLC0415
    from omics_resources.dynamic.cohort_import import CohortImportProvider  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        sources = sources_from_sheet(sample_sheet(Path(tmp) / "s.csv", samples))
    props = {"sequence_store_id": "1234567890", "role_arn": ROLE_ARN, "sources": pack(sources),
             "scope": {"project": "p", "stack": "s", "resource_name": "cohort"}}
    provider = CohortImportProvider()
    timed: dict[str, float] = {}

    def timing(name: str, work: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        found = work()
        timed[name] = time.perf_counter() - began
        return found

    checked = timing("check", lambda: provider.check({}, props).inputs)
    outputs = imported_outputs(checked)
    timing("diff", lambda: provider.diff("id", outputs, checked))
    loop = asyncio.new_event_loop()
    try:
        wire = timing("serialize", lambda: loop.run_until_complete(
            rpc.serialize_properties(outputs, {})))
        timing("deserialize", lambda: rpc.deserialize_properties(wire, True))
    finally:
        loop.close()
    return (f"In-process at {samples:,} samples: our check {timed['check']:.2f} s and diff "
            f"{timed['diff']:.2f} s (the first of a process: later calls on the same sources "
            f"find them checked); the SDK's serialization of the outputs "
            f"{timed['serialize']:.2f} s and deserialization {timed['deserialize']:.2f} s "
            "(once for each engine call that carries them).")


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true",
                        help=f"{SMOKE_SAMPLES:,} samples, for CI")
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=1.0, help="each source's import time")
    args = parser.parse_args(argv)
    samples = SMOKE_SAMPLES if args.smoke else args.samples
    os.environ.update(CREDENTIALS)
    marker = uuid.uuid4().hex  # in the provider's environment: this run's own process
    durations = Durations(submit_seconds=0.0, import_seconds=args.seconds)
    with (EmulatorServer(port=0, durations=durations) as emulator,
          tempfile.TemporaryDirectory() as tmp):
        root = Path(tmp)
        # The sheet's files, and the one the +1 step adds, in one control call.
        emulator.control.handle("POST", "objects", {"uri": f"s3://{BUCKET}/{KEY}",
                                                    "count": samples + 1})
        sheet = sample_sheet(root / "cohort.csv", samples)
        store = aws_client("omics", emulator.url).create_sequence_store(name="scale")["id"]
        with scale_stack(emulator, root, sheet, store=store, label="noop", marker=marker,
                         noop=True) as noop:
            began = time.monotonic()
            noop.preview(check=True)
            noop_preview = time.monotonic() - began
        with scale_stack(emulator, root, sheet, store=store, label="cohort",
                         marker=marker) as stack:
            bench = Bench(emulator, stack, marker)
            bench.measure("preview", lambda: bench.run("preview"))
            bench.measure("up", lambda: bench.run("up", "--yes", "--skip-preview"))
            outputs = stack.outputs()
            assert outputs["counts"]["imported"] == samples, outputs["counts"]
            state_bytes = state_file(stack).stat().st_size
            bench.measure("preview, no change", lambda: bench.run("preview"))
            bench.measure("no-op up", lambda: bench.run("up", "--yes", "--skip-preview"))
            stack.set_config("sheet", str(sample_sheet(root / "plus-one.csv", samples + 1)))
            bench.measure("+1 up", lambda: bench.run("up", "--yes", "--skip-preview"))
            bench.measure("refresh", lambda: bench.run("refresh", "--yes", "--skip-preview"))
            assert stack.outputs()["counts"]["imported"] == samples + 1
    print(report(samples, args.seconds, bench, noop_preview, state_bytes))
    print("\nCPU seconds by process, each step (the provider's includes the SDK's "
          "(de)serialization of every value it is handed and returns)\n")
    print(cpu_table(bench))
    print("\n" + in_process(samples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
