"""A cohort of 1,000 batches against the emulator: it waits with a job slot's worth of
threads, wakes when something happens (not every half second per batch), imports every
sample once, and a cancel ends it at once with nothing started after.

Real time, bounded: the emulator's jobs take 50 ms and its rate limits are off (ours are
raised to match), so 1,000 jobs run in seconds through the real scheduler and watcher."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.clients import REGION, ROLE_ARN
from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.api import OmicsApi
from omics_resources.core.account.ratelimit import RateLimiter
from omics_resources.core.account.scheduler import JobSlots, Scheduler
from omics_resources.core.cohort.run import BatchResult, CohortRun
from omics_resources.core.cohort.state import Declared
from omics_resources.core.watch.polling import SystemClock, default_policy, wait_proportional
from omics_resources.core.watch.wakeup import CancelSignal
from tests.support.cohort import read_sets_by_sample, sample_source
from tests.support.emulator_control import EmulatorControl
from tests.support.scenario import BUCKET, Scenario, fastq

BATCHES = 1000
SLOTS = 10
START = "StartReadSetImportJob"


class CountingClock(SystemClock):
    """The real clock, counting the waits on a condition (every wake-up of a waiter)."""

    def __init__(self) -> None:
        self.waits = 0
        self._lock = threading.Lock()

    def wait(self, condition: threading.Condition, seconds: float) -> None:
        with self._lock:
            self.waits += 1
        super().wait(condition, seconds)


class ThreadPeak:
    """Samples the threads of this process (the emulator's request threads left out)."""

    def __init__(self) -> None:
        self.peak = 0
        self.peak_pool = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            ours = [t for t in threading.enumerate() if "process_request" not in t.name]
            self.peak = max(self.peak, len(ours))
            self.peak_pool = max(self.peak_pool, sum(t.name.startswith("cohort-") for t in ours))

    def __enter__(self) -> ThreadPeak:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


@pytest.fixture
def fast(control: EmulatorControl) -> Iterator[EmulatorControl]:
    control.durations(submitSeconds=0, importSeconds=0.05)
    control.limits(rateLimits=False)
    yield control
    control.limits(rateLimits=True)


def cohort_run(scenario: Scenario, clock: CountingClock, cancel: CancelSignal) -> tuple[CohortRun, dict[str, list[str]]]:
    s3 = scenario.s3()
    for i in range(BATCHES):
        s3.put_object(Bucket=BUCKET, Key=f"S{i}_R1.fastq", Body=fastq(f"S{i}"))
    declared = Declared.of([sample_source(i, bucket=BUCKET) for i in range(BATCHES)])
    assert declared is not None
    settings = aws.AwsSettings(region=REGION, endpoint_url=scenario.url)
    limiter = RateLimiter(limits.RATE_BUDGETS,
                          overrides={b.name: 500.0 for b in limits.RATE_BUDGETS}, clock=clock)
    api = OmicsApi(lambda: aws.omics_client(settings), limiter, clock=clock)
    scheduler = Scheduler(api=api, slots={k: JobSlots(SLOTS, clock) for k in limits.DEFAULT_JOB_SLOTS},
                          clock=clock, interval=wait_proportional(0.0, 0.05, 0.05))
    lines: list[str] = []
    run = CohortRun(
        resource="cohort", scope={"project": "p", "stack": scenario.stack, "resource_name": "c"},
        store=scenario.store_id, role_arn=ROLE_ARN, declared=declared, wait=True,
        wait_timeout=600, scheduler=scheduler, clock=clock, cancel=cancel,
        policy=default_policy, sink=lines.append)
    return run, {str(i + 1): [k] for i, k in enumerate(declared.keys)}


def test_1000_batches_wait_with_a_slots_worth_of_threads(
    scenario: Scenario, fast: EmulatorControl
) -> None:
    clock = CountingClock()
    run, batches = cohort_run(scenario, clock, CancelSignal())
    before = len([t for t in threading.enumerate() if "process_request" not in t.name])
    began = time.monotonic()
    with ThreadPeak() as threads:
        results = run.run(batches)
    took = time.monotonic() - began
    assert all(r.problem is None for r in results), [r.problem for r in results if r.problem]
    # Every sample once: one job per batch, one read set per sample.
    assert len(fast.new_jobs(START)) == BATCHES
    stored = read_sets_by_sample(scenario.omics(), scenario.store_id)
    assert len(stored) == BATCHES and all(len(ids) == 1 for ids in stored.values())
    assert {r.samples[k].read_set_id for r in results for k in r.samples} == {
        ids[0] for ids in stored.values()}
    # A slot's worth of workers, whatever the cohort's size (and the sampler itself).
    assert threads.peak_pool == SLOTS
    assert threads.peak <= before + SLOTS + 1, (threads.peak, before)
    # Wake-ups follow what happens (a slot given back wakes the few queued for one, a
    # poll its waiters), a few per batch: a thread per batch looking every 0.5 s would
    # have woken 2 * BATCHES times a second (over 30,000 times here).
    print(f"{BATCHES} batches: {took:.1f} s, {clock.waits} waits, peak {threads.peak} threads")
    assert clock.waits < 10 * BATCHES, (clock.waits, took)


def test_a_cancel_ends_1000_batches_at_once_and_starts_nothing_after(
    scenario: Scenario, fast: EmulatorControl
) -> None:
    clock = CountingClock()
    cancel = CancelSignal()
    run, batches = cohort_run(scenario, clock, cancel)
    fast.durations(importSeconds=3600)  # every job runs on: the cancel finds them waiting
    outcome: list[list[BatchResult]] = []
    worker = threading.Thread(target=lambda: outcome.append(run.run(batches)), daemon=True)
    worker.start()
    deadline = time.monotonic() + 60
    while len(fast.new_jobs(START)) < SLOTS and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # all asleep: the slots full, 990 batches without a thread
    cancelled_at = time.monotonic()
    cancel.set()
    worker.join(30)
    assert not worker.is_alive()
    assert time.monotonic() - cancelled_at < 5.0
    [results] = outcome
    assert all(r.cancelled for r in results)
    started = fast.new_jobs(START)
    assert len(started) == SLOTS  # the quota's worth, then nothing
    not_started: list[Any] = [r for r in results if not r.jobs]
    assert len(not_started) == BATCHES - SLOTS
    assert "was not started: cancelled" in str(not_started[-1].problem)
    time.sleep(0.5)
    assert len(fast.new_jobs(START)) == SLOTS
