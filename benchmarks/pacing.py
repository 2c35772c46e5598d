"""Two callers that always have a call to make share one 5-per-second budget for ten minutes:
our adaptive pacing (AIMD, :mod:`omics_resources.core.account.aimd`) against botocore's adaptive
retry mode (its CUBIC rate estimator and token bucket, as shipped) behind the same fixed
pace. Fake time, no HTTP: the budget is the emulator's own bucket (``Limits``), each caller
a discrete-event loop around the real limiter objects.

    python -m benchmarks.pacing            # ten minutes of fake time (a few seconds)
    python -m benchmarks.pacing --smoke    # two minutes

Measured: throttled answers in the first minute and per minute after it, the calls the
budget served per second (lowest and highest 10 s window after the first minute), and the
smaller caller's share of them.
"""

from __future__ import annotations

import argparse
import heapq
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from botocore.exceptions import CapacityNotAvailableError
from botocore.retries import adaptive, bucket, standard, throttling

from benchmarks.report import table
from omics_resources.core import limits
from omics_resources.core.account.ratelimit import RateLimiter, TokenBucket
from omics_resources.core.service_model import operation_model
from omics_resources.emulator.exceptions import ThrottlingException
from omics_resources.emulator.limits import Limits

OPERATION = "GetReadSetImportJob"
BUDGET = "importJobs"
THROTTLED = (SimpleNamespace(status_code=429, headers={}),
             {"Error": {"Code": limits.THROTTLING_ERROR_CODE}})
SERVED = (SimpleNamespace(status_code=200, headers={}), {})


@dataclass
class FakeTime:
    """The one clock of the simulation (both ours and botocore's clock interface)."""

    now: float = 0.0

    def monotonic(self) -> float:
        return self.now

    def current_time(self) -> float:
        return self.now

    def sleep(self, seconds: float, cancel: object = None) -> bool:  # never called
        raise AssertionError("a simulated caller never sleeps")


class Ours:
    """Our limiter of one process: the budget's bucket, adaptive."""

    def __init__(self, clock: FakeTime) -> None:
        ceiling = RateLimiter(limits.RATE_BUDGETS, clock=clock).pace(BUDGET)
        self.bucket = TokenBucket(ceiling, clock=clock, adaptive=True)

    def turn(self) -> tuple[float, bool]:
        """Seconds until this caller looks again, and whether it then sends (its turn is
        taken now)."""
        return self.bucket.reserve(), True

    def answered(self, sent_at: float, throttled: bool) -> None:
        if throttled:
            self.bucket.throttled(sent_at)


class Botocores:
    """Our fixed pace (the budget's ceiling), then botocore's adaptive-mode limiter, which
    a client with ``retries={"mode": "adaptive"}`` registers on before-send/needs-retry."""

    def __init__(self, clock: FakeTime) -> None:
        ceiling = RateLimiter(limits.RATE_BUDGETS, clock=clock).pace(BUDGET)
        self.pace = TokenBucket(ceiling, clock=clock)
        self.limiter = adaptive.ClientRateLimiter(
            rate_adjustor=throttling.CubicCalculator(starting_max_rate=0, start_time=clock.now),
            rate_clocker=adaptive.RateClocker(clock),
            token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
            throttling_detector=standard.ThrottlingErrorDetector(
                retry_event_adapter=standard.RetryEventAdapter()),
            clock=clock,
        )
        self._waited = False

    def turn(self) -> tuple[float, bool]:
        if not self._waited:
            self._waited = True
            delay = self.pace.reserve()
            if delay > 0:
                return delay, False
        # botocore's own bucket (on once a throttle was seen): its wait, without blocking
        # (at least a millisecond: its arithmetic may leave a sliver short of a token).
        if self.limiter._enabled:
            tokens = self.limiter._token_bucket
            try:
                tokens.acquire(block=False)
            except CapacityNotAvailableError:
                return max(1e-3, float(tokens._sleep_amount(1))), False
        self._waited = False
        return 0.0, True

    def answered(self, sent_at: float, throttled: bool) -> None:
        self.limiter.on_receiving_response(
            response=THROTTLED if throttled else SERVED, attempts=1,
            operation=operation_model(OPERATION), caught_exception=None,
            request_dict={"context": {}})


@dataclass
class Run:
    """What one simulation saw."""

    served: list[tuple[float, int]] = field(default_factory=list)
    throttled: list[float] = field(default_factory=list)


def simulate(make: Callable[[FakeTime], Any], seconds: float) -> Run:
    """Two callers of ``make``'s kind, each always wanting its next call, on one budget."""
    clock = FakeTime()
    service = Limits(clock=clock.current_time)
    callers = [make(clock), make(clock)]
    run = Run()
    # (when, caller, sends: False for "wants its turn", True for "sends now")
    events: list[tuple[float, int, bool]] = [(0.001 * n, n, False) for n in range(2)]
    while events:
        clock.now, n, sends = heapq.heappop(events)
        if clock.now > seconds:
            break
        caller = callers[n]
        if not sends:
            delay, then_sends = caller.turn()
            heapq.heappush(events, (clock.now + delay, n, then_sends))
            continue
        try:
            service.admit(OPERATION)
        except ThrottlingException:
            run.throttled.append(clock.now)
            caller.answered(clock.now, throttled=True)
        else:
            run.served.append((clock.now, n))
            caller.answered(clock.now, throttled=False)
        heapq.heappush(events, (clock.now, n, False))
    return run


def row(label: str, run: Run, seconds: float) -> list[str]:
    rest = (seconds - 60) / 60
    windows = [sum(1 for t, _ in run.served if w <= t < w + 10) / 10
               for w in range(60, int(seconds) - 9, 10)]
    shares = [sum(1 for _, n in run.served if n == k) for k in range(2)]
    late = sum(1 for t in run.throttled if t >= 60)
    return [label, str(sum(1 for t in run.throttled if t < 60)),
            f"{late / rest:.1f}" if rest > 0 else "-",
            f"{100 * len(run.throttled) / (len(run.throttled) + len(run.served)):.1f}%",
            f"{min(windows):.1f} - {max(windows):.1f}" if windows else "-",
            f"{min(shares) / max(1, sum(shares)):.2f}"]


HEADER = ["limiter", "throttled, 1st minute", "throttled per minute after",
          "of all calls", "served per s (10 s windows after 1st minute)", "smaller share"]


def main(argv: list[str] | None = None) -> int:
    """Simulate both and print the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="two minutes of fake time")
    parser.add_argument("--seconds", type=float, default=600.0)
    args = parser.parse_args(argv)
    seconds = 120.0 if args.smoke else args.seconds
    rows = [row("ours (AIMD per budget)", simulate(Ours, seconds), seconds),
            row("botocore adaptive mode (CUBIC per client)", simulate(Botocores, seconds),
                seconds)]
    print(f"\nTwo callers, always a call to make, one {BUDGET} budget of 5/s (the emulator's "
          f"bucket), {seconds:g} s of fake time\n")
    print(table(HEADER, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
