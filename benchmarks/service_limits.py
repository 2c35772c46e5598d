"""N one-source import jobs as N resources in one `pulumi up`, with the emulator enforcing
HealthOmics' published limits (5 requests/s per budget, 10 concurrent import jobs), under
our provider host and under the SDK's stock server, side by side.

Two yardsticks:

- the README's "ideal": ``ceil(N / job slots) * job seconds + N / Start TPS``, every Start
  counted serially on top of the waves (it flatters a run: Starts overlap running jobs);
  ``pulumi up`` also pays the CLI's own start-up and a preview-like pass, which the "less
  CLI" column takes off (the wall time of an `up` of the same program with no resource);
- the physical schedule: the whole `up` of one such job under the same server, plus one job
  time for each further wave, plus the last wave's Starts at the Start TPS (a freed slot
  starting its next job at once, each slot running its jobs back to back):
  ``one job's up + (ceil(N / slots) - 1) * job seconds + (min(N, slots) - 1) / Start TPS``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.stacks import import_jobs, peak_overlap, run_stack, stock_plugin_dir
from omics_resources.core import limits
from omics_resources.emulator import EmulatorServer

IMPORT_BUDGET = "importJobs"


@dataclass
class Row:
    label: str
    wall: float
    ideal: float
    overhead: float
    peak_rates: dict[str, float]
    throttled: int
    quota_exceeded: int
    calls_per_job: float
    peak_jobs: int
    physical: float
    single: float
    budget_calls: dict[str, int]

    def cells(self) -> list[str]:
        peaks = ", ".join(f"{b} {r:g}" for b, r in sorted(self.peak_rates.items()))
        return [
            self.label,
            f"{self.wall:.1f}",
            f"{self.wall / self.ideal:.2f}",
            f"{(self.wall - self.overhead) / self.ideal:.2f}",
            f"{self.single:.1f}",
            f"{self.physical:.1f}",
            f"{self.wall / self.physical:.2f}",
            str(self.peak_jobs),
            peaks,
            str(self.throttled),
            str(self.quota_exceeded),
            f"{self.calls_per_job:.1f}",
            ", ".join(f"{b} {n}" for b, n in sorted(self.budget_calls.items())),
        ]


HEADER = [
    "provider server",
    "wall s",
    "x ideal",
    "x ideal, less CLI",
    "one job's up s",
    "physical s",
    "x physical",
    "peak jobs",
    "peak requests/s per budget",
    "throttled",
    "402s",
    "calls/job",
    "calls per budget",
]


def physical_schedule(
    single: float, jobs: int, seconds: float, slots: int, starts_tps: float
) -> float:
    """One job's whole `up`, then a job time per further wave, then the last wave's Starts."""
    waves = math.ceil(jobs / slots)
    return single + (waves - 1) * seconds + (min(jobs, slots) - 1) / starts_tps


def measure(
    emulator: EmulatorServer,
    root: Path,
    jobs: int,
    seconds: float,
    *,
    provider_path: str | None = None,
) -> tuple[float, list[Row]]:
    """The ideal schedule and one row per provider server."""
    slots = limits.DEFAULT_JOB_SLOTS["import"]
    starts_tps = next(b.requests_per_second for b in limits.RATE_BUDGETS if b.name == IMPORT_BUDGET)
    ideal = math.ceil(jobs / slots) * seconds + jobs / starts_tps
    if provider_path:
        os.environ["PYTHONPATH"] = provider_path
    overhead = run_stack(emulator.url, root, "empty", [], path_first=None, parallel=None).wall
    rows = []
    for label, path_first in (
        ("omics_resources.dynamic.provider_host", None),
        ("stock SDK server (4 workers)", stock_plugin_dir(root)),
    ):
        name = "stock" if path_first else "host"
        one = import_jobs(emulator.url, f"{name}-one", 1)
        single = run_stack(emulator.url, root, f"{name}-one", one, path_first=path_first,
                           parallel=None).wall
        physical = physical_schedule(single, jobs, seconds, slots, starts_tps)
        imports = import_jobs(emulator.url, name, jobs)
        emulator.control.handle("DELETE", "log", None)
        run = run_stack(emulator.url, root, name, imports, path_first=path_first, parallel=jobs)
        statuses = {r["outputs"]["status"] for r in run.resources}
        assert statuses == {"COMPLETED"}, (label, statuses)
        log: dict[str, Any] = emulator.control.handle("GET", "log", None)
        budgets = log["budgets"]
        rows.append(
            Row(
                label=label,
                wall=run.wall,
                ideal=ideal,
                overhead=overhead,
                peak_rates={b: v["peakPerSecond"] for b, v in budgets.items() if v["requests"]},
                throttled=sum(v["throttled"] for v in budgets.values()),
                quota_exceeded=log["quotaExceeded"],
                calls_per_job=sum(log["counts"].values()) / jobs,
                peak_jobs=peak_overlap([r["outputs"] for r in run.resources]),
                physical=physical,
                single=single,
                budget_calls={b: v["requests"] for b, v in budgets.items() if v["requests"]},
            )
        )
    return ideal, rows
