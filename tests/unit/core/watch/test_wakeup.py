"""Waits that end at once on cancellation, without a timer: the engine's cancel signal
wakes them. Real threads on the real clock, bounded; the clock counts the waits."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from omics_resources.core.account.slots import JobSlots, SlotWaitEndedError
from omics_resources.core.jobs.import_job import ImportKind
from omics_resources.core.watch.errors import WatchEndedError
from omics_resources.core.watch.polling import SystemClock
from omics_resources.core.watch.wakeup import LONGEST_PAUSE, LOOK_SECONDS, CancelSignal, woken_by
from omics_resources.core.watch.watcher import Watcher

BOUND = 10.0  # real seconds a test waits for something that should take milliseconds


class CountingClock(SystemClock):
    """The real clock, counting the timed waits on a condition and their longest timeout."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def wait(self, condition: threading.Condition, seconds: float) -> None:
        self.waits.append(seconds)
        super().wait(condition, seconds)


def in_thread(call: Any) -> tuple[threading.Thread, list[Any]]:
    """Run ``call`` in a thread; its outcome (result or error) lands in the list."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_the_signal_ends_a_slot_wait_of_hours_at_once() -> None:
    clock = CountingClock()
    slots = JobSlots(1, clock)
    slots.acquire(deadline=None, cancel=None)
    cancel = CancelSignal()
    queued = threading.Event()
    thread, outcome = in_thread(lambda: slots.acquire(
        deadline=time.monotonic() + 3 * 3600, cancel=cancel, on_queued=lambda _: queued.set()))
    assert queued.wait(BOUND)
    time.sleep(0.2)  # asleep in the queue
    began = time.monotonic()
    cancel.set()
    thread.join(BOUND)
    assert not thread.is_alive()
    assert time.monotonic() - began < 2.0  # at once, not after a look on a timer
    [ended] = outcome
    assert isinstance(ended, SlotWaitEndedError) and ended.reason == "cancelled"
    # One sleep, as long as it may be: nothing woke it but the signal.
    assert len(clock.waits) == 1 and clock.waits[0] == pytest.approx(LONGEST_PAUSE)
    assert slots.held == 1


def test_the_signal_ends_a_job_wait_at_once_and_no_waiter_wakes_on_a_timer() -> None:
    """A job due in an hour, polled every 10 minutes: the waiter sleeps until the next poll
    (or the heartbeat's look), not every half second, and the signal ends its wait."""
    clock = CountingClock()
    polls: list[float] = []
    created = datetime.now(UTC)

    class Service:
        def listed_jobs(self, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
            polls.append(time.monotonic())
            return {"j": {"id": "j", "status": "IN_PROGRESS", "creationTime": created}}

    watcher = Watcher(Service(), ImportKind().operations, "1234567890",  # type: ignore[arg-type]
                      clock=clock, interval=lambda _state: 600.0)
    cancel = CancelSignal()
    job = {"id": "j", "sequenceStoreId": "1234567890", "status": "IN_PROGRESS",
           "creationTime": created}
    thread, outcome = in_thread(lambda: watcher.wait(job, deadline=None, cancel=cancel))
    deadline = time.monotonic() + BOUND
    while not clock.waits and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    cancel.set()
    thread.join(BOUND)
    assert not thread.is_alive()
    [ended] = outcome
    assert isinstance(ended, WatchEndedError) and ended.reason == "cancelled"
    assert len(polls) == 1  # the first poll, at once
    assert len(clock.waits) == 1 and clock.waits[0] > 5 * LOOK_SECONDS, clock.waits


def test_a_plain_event_is_looked_at_on_a_timer() -> None:
    """An Event that cannot wake anyone: a wait looks at it every LOOK_SECONDS."""
    condition = threading.Condition()
    with woken_by(threading.Event(), condition) as longest:
        assert longest == LOOK_SECONDS
    with woken_by(None, condition) as longest:
        assert longest == LONGEST_PAUSE


def test_registrations_nest_and_end() -> None:
    """Two waits on one condition: the signal wakes it while either is registered, and
    forgets it once both are done."""
    signal, condition = CancelSignal(), threading.Condition()
    woken: list[bool] = []

    def waiter() -> None:
        with condition:
            woken.append(condition.wait(BOUND))

    with woken_by(signal, condition), woken_by(signal, condition):
        pass
    assert signal._registered == {}
    with woken_by(signal, condition):
        thread = threading.Thread(target=waiter, daemon=True)
        with condition:
            thread.start()
            condition.wait(0.2)  # let the waiter reach its wait (it needs the lock)
        time.sleep(0.1)
        signal.set()
        thread.join(BOUND)
    assert woken == [True]
