"""Job slots (FIFO, capacity, deadline, cancel) and the watch interval policy, on a fake
clock; one small threaded test on the real clock for the queue order across threads."""

from __future__ import annotations

import threading
import time

import pytest

from omics_resources.core import limits
from omics_resources.core.polling import PollState, wait_proportional
from omics_resources.core.scheduler import JobSlots, SlotWaitEndedError
from tests.support.clock import FakeClock
from tests.support.fake_time import HookedClock

WATCH = wait_proportional(limits.WATCH_INTERVAL_FRACTION, limits.WATCH_MIN_INTERVAL_SECONDS,
                          limits.WATCH_MAX_INTERVAL_SECONDS)


def test_a_slot_count_must_be_one_or_more() -> None:
    with pytest.raises(ValueError, match="1 or more, not 0"):
        JobSlots(0)


def test_free_slots_are_taken_at_once_up_to_the_capacity() -> None:
    clock = FakeClock()
    slots = JobSlots(3, clock)
    told: list[int] = []
    for _ in range(3):
        slots.acquire(deadline=0.0, cancel=None, on_queued=told.append)
    assert slots.held == 3
    assert told == [] and clock.sleeps == []  # nobody queued, nothing waited
    slots.release()
    assert slots.held == 2


def test_a_full_pool_waits_until_the_deadline() -> None:
    clock = FakeClock()
    slots = JobSlots(1, clock)
    slots.acquire(deadline=None, cancel=None)
    told: list[int] = []
    with pytest.raises(SlotWaitEndedError) as ended:
        slots.acquire(deadline=1.2, cancel=None, on_queued=told.append)
    assert ended.value.reason == "timeout"
    assert ended.value.waited == pytest.approx(1.2)
    assert clock.sleeps == pytest.approx([0.5, 0.5, 0.2])  # wakes to look, never past it
    assert told == [0]  # first in line, said once
    assert slots.held == 1
    slots.release()
    slots.acquire(deadline=clock.now, cancel=None)  # the queue is empty again: at once
    assert slots.held == 1


def test_cancel_ends_a_wait_for_a_slot() -> None:
    cancel = threading.Event()
    clock = HookedClock((3.0, cancel.set))
    slots = JobSlots(1, clock)
    slots.acquire(deadline=None, cancel=None)
    with pytest.raises(SlotWaitEndedError) as ended:
        slots.acquire(deadline=None, cancel=cancel)
    assert ended.value.reason == "cancelled"
    assert ended.value.waited == pytest.approx(3.0)
    assert "cancelled after 3 s in the queue" in str(ended.value)
    assert slots.held == 1


def test_a_waiter_already_cancelled_never_takes_a_full_slot() -> None:
    cancel = threading.Event()
    cancel.set()
    slots = JobSlots(1, FakeClock())
    slots.acquire(deadline=None, cancel=cancel)  # a free slot is still taken
    with pytest.raises(SlotWaitEndedError, match="cancelled after 0 s"):
        slots.acquire(deadline=None, cancel=cancel)


def test_waiters_are_served_first_come_first_served() -> None:
    """Real threads, real clock (bounded): each waiter is told its place and gets a slot in
    the order it queued, whatever order the threads wake in."""
    slots = JobSlots(1)
    slots.acquire(deadline=None, cancel=None)
    order: list[int] = []
    told: dict[int, list[int]] = {i: [] for i in range(5)}
    queued = [threading.Event() for _ in range(5)]
    deadline = time.monotonic() + 20

    def waiter(i: int) -> None:
        def on_queued(ahead: int) -> None:
            told[i].append(ahead)
            queued[i].set()

        slots.acquire(deadline=deadline, cancel=None, on_queued=on_queued)
        order.append(i)
        slots.release()

    threads = [threading.Thread(target=waiter, args=(i,), daemon=True) for i in range(5)]
    for i, thread in enumerate(threads):
        thread.start()
        assert queued[i].wait(10), f"waiter {i} never queued"
    slots.release()
    for thread in threads:
        thread.join(10)
    assert order == [0, 1, 2, 3, 4]
    for i in range(5):
        assert told[i][0] == i, told  # its place when it queued
        assert told[i] == sorted(set(told[i]), reverse=True), told  # only ever moving up
    assert slots.held == 0


# -- the watch interval ---------------------------------------------------------------------


def polls_until(seconds: float) -> tuple[int, float]:
    """Polls of one job watched alone from its start (the first at once, then each interval
    after the one before, sized by the job's age then), and how late the end is seen."""
    at, polls = 0.0, 1
    while at < seconds:
        at += WATCH(PollState(attempt=0, elapsed=at))
        polls += 1
    return polls, at - seconds


def test_the_interval_grows_with_the_jobs_age_within_bounds() -> None:
    assert WATCH(PollState(0, 0)) == limits.WATCH_MIN_INTERVAL_SECONDS
    assert WATCH(PollState(0, 1000)) == pytest.approx(limits.WATCH_INTERVAL_FRACTION * 1000)
    assert WATCH(PollState(0, 10 * 24 * 3600)) == limits.WATCH_MAX_INTERVAL_SECONDS


@pytest.mark.parametrize("seconds", [10, 120, 3600, 12 * 3600])
def test_the_interval_policy_beside_botocores_waiter(seconds: int) -> None:
    """Ends seen at most max(minimum, fraction x duration) late; over an hour, no more polls
    than botocore's waiter (every 30 s: seconds / 30 + 1, up to 30 s late)."""
    polls, late = polls_until(seconds)
    assert 0 <= late <= max(limits.WATCH_MIN_INTERVAL_SECONDS,
                            limits.WATCH_INTERVAL_FRACTION * seconds)
    if seconds >= 3600:
        assert polls <= seconds / 30 + 1
