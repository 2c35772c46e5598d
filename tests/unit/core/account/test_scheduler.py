"""Job slots (FIFO, capacity, deadline, cancel) and the watch interval policy, on a fake
clock; one small threaded test on the real clock for the queue order across threads."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import botocore.exceptions
import pytest

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.scheduler import JobSlots, Scheduler, SlotWaitEndedError, Watcher
from omics_resources.core.errors import OmicsResourceError
from omics_resources.core.jobs.import_job import ImportKind
from omics_resources.core.jobs.run import JobRun
from omics_resources.core.progress import Progress
from omics_resources.core.tokens import TokenSeed
from omics_resources.core.watch.polling import PollState, default_policy, wait_proportional
from omics_resources.core.watch.wakeup import CancelSignal
from tests.support.clock import EPOCH_AT_ZERO, FakeClock
from tests.support.fake_time import HookedClock
from tests.support.sim_clock import SimClock

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


@pytest.mark.parametrize(("cancel", "sleeps"), [
    (None, [1.2]),  # nothing to look at: straight to the deadline
    (CancelSignal(), [1.2]),  # the signal wakes the wait itself
    (threading.Event(), [0.5, 0.5, 0.2]),  # a plain event cannot: looked at, never past it
], ids=["no-cancel", "signal", "plain-event"])
def test_a_full_pool_waits_until_the_deadline(
    cancel: threading.Event | None, sleeps: list[float]
) -> None:
    clock = FakeClock()
    slots = JobSlots(1, clock)
    slots.acquire(deadline=None, cancel=None)
    told: list[int] = []
    with pytest.raises(SlotWaitEndedError) as ended:
        slots.acquire(deadline=1.2, cancel=cancel, on_queued=told.append)
    assert ended.value.reason == "timeout"
    assert ended.value.waited == pytest.approx(1.2)
    assert clock.sleeps == pytest.approx(sleeps)
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



# -- the watcher: whose wait a poll error ends ------------------------------------------------

STORE = "1234567890"
EVERY_5_S = wait_proportional(0.0, 5.0, 5.0)


def client_error(code: str, operation: str, status: int = 400) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": f"{code} (test)"},
         "ResponseMetadata": {"HTTPStatusCode": status}}, operation)


class StubStore:
    """One store's import jobs as the watcher's API sees them, on ``clock``: each job is
    IN_PROGRESS until its end time, then COMPLETED. A Get of a job fails with the next of
    its ``get_errors`` (then works), or always with its ``get_broken``; a List fails with
    ``list_error`` from ``list_fails_from`` on."""

    def __init__(self, clock: SimClock, ends: dict[str, float]) -> None:
        self.clock = clock
        self.ends = ends
        self.get_errors: dict[str, list[Exception]] = {}
        self.get_broken: dict[str, Exception] = {}
        self.list_error: Exception | None = None
        self.list_fails_from = 0.0

    def job(self, job_id: str) -> dict[str, Any]:
        done = self.clock.monotonic() >= self.ends[job_id]
        return {"id": job_id, "sequenceStoreId": STORE,
                "status": "COMPLETED" if done else "IN_PROGRESS",
                "creationTime": datetime.fromtimestamp(EPOCH_AT_ZERO, tz=UTC)}

    def listed_jobs(self, operations: Any, store: str, wanted: Any, created_after: Any, *,
                    if_idle: bool = False) -> dict[str, dict[str, Any]]:
        if self.list_error is not None and self.clock.monotonic() >= self.list_fails_from:
            raise self.list_error
        return {i: {k: v for k, v in self.job(i).items() if k != "sources"} for i in wanted}

    def get_job(self, operations: Any, store: str, job_id: str) -> dict[str, Any]:
        if job_id in self.get_broken:
            raise self.get_broken[job_id]
        if self.get_errors.get(job_id):
            raise self.get_errors[job_id].pop(0)
        return self.job(job_id)

    def get_job_if_idle(self, operations: Any, store: str, job_id: str) -> None:
        return None

    def is_transient(self, error: BaseException) -> bool:
        return aws.is_transient_error(error)


def waits(clock: SimClock, api: StubStore, *job_ids: str) -> tuple[list[Any], list[str]]:
    """Creates waiting together (JobRun.wait) for ``job_ids`` on one watcher: what each wait
    ended with (its final answer or the error it raised), and every progress line."""
    lines: list[str] = []
    scheduler = Scheduler(api=api, slots={}, clock=clock, interval=EVERY_5_S)  # type: ignore[arg-type]

    def wait(job_id: str) -> Any:
        run = JobRun(ImportKind(), {"wait_timeout": 1000}, scheduler=scheduler, clock=clock,
                     cancel=None, policy=default_policy, seed=TokenSeed("p", "s", job_id, {}),
                     progress=Progress(job_id, "import job", sink=lines.append,
                                       clock=clock.monotonic))
        try:
            return run.wait(api.job(job_id))
        except Exception as error:
            return error

    return clock.run(*[lambda i=i: wait(i) for i in job_ids], timeout=30), lines


def test_one_jobs_failed_get_ends_only_the_wait_for_that_job() -> None:
    """Job b's final Get fails for good (the service no longer knows that job): b's create
    fails naming it and saying so; a, waiting on the same watcher, goes on to its end."""
    clock = SimClock()
    api = StubStore(clock, {"a": 30, "b": 10})
    api.get_broken["b"] = client_error("ResourceNotFoundException", "GetReadSetImportJob", 404)
    (a, b), _ = waits(clock, api, "a", "b")
    assert isinstance(a, dict) and a["status"] == "COMPLETED", a
    assert isinstance(b, OmicsResourceError), b
    assert str(b) == (
        "b: stopped waiting for import job b: GetReadSetImportJob of this job failed "
        "(ResourceNotFoundException: ResourceNotFoundException (test)); only the wait for this "
        f"job ended, the other jobs of sequence store {STORE} are still followed. Fix the cause "
        "and run `pulumi up` again.")
    assert clock.now >= 30


def test_one_jobs_transient_get_error_is_retried_and_said_by_that_job_only() -> None:
    clock = SimClock()
    api = StubStore(clock, {"a": 30, "b": 10})
    api.get_errors["b"] = [client_error("ThrottlingException", "GetReadSetImportJob")] * 2
    (a, b), lines = waits(clock, api, "a", "b")
    assert isinstance(a, dict) and isinstance(b, dict), (a, b)
    assert a["status"] == b["status"] == "COMPLETED"
    retried = [line for line in lines if "retrying" in line]
    assert len(retried) == 2, lines
    assert all(line.startswith("[b] import job b: ThrottlingException") for line in retried), lines


def test_a_failed_list_ends_every_wait_of_the_store_saying_so() -> None:
    """The store's List*Jobs fails for good: it concerns every job of the store, so every
    wait ends, each saying that it was the store's List."""
    clock = SimClock()
    api = StubStore(clock, {"a": 30, "b": 40})
    api.list_error = client_error("ResourceNotFoundException", "ListReadSetImportJobs", 404)
    api.list_fails_from = 10
    (a, b), _ = waits(clock, api, "a", "b")
    for job_id, error in (("a", a), ("b", b)):
        assert isinstance(error, OmicsResourceError), error
        assert str(error) == (
            f"{job_id}: stopped waiting for import job {job_id}: ListReadSetImportJobs of "
            f"sequence store {STORE} failed (ResourceNotFoundException: ResourceNotFoundException "
            "(test)), which ends the wait for every job of that store. Fix the cause and run "
            "`pulumi up` again.")
    assert 10 <= clock.now < 20


def test_a_waiter_whose_on_error_raises_ends_only_its_own_wait() -> None:
    """Each waiter judges each store-wide error itself: one that gives up on a throttled
    List ends its own wait; another, retrying, goes on."""
    clock = SimClock()
    api = StubStore(clock, {"a": 30, "b": 30})
    api.list_error = client_error("ThrottlingException", "ListReadSetImportJobs")
    api.list_fails_from = 10
    watcher = Watcher(api, ImportKind().operations, STORE, clock=clock,  # type: ignore[arg-type]
                      interval=EVERY_5_S)

    class GaveUpError(Exception):
        pass

    def impatient(error: BaseException) -> None:
        raise GaveUpError from error

    def wait(job_id: str, on_error: Any) -> Any:
        try:
            return watcher.wait(api.job(job_id), deadline=None, cancel=None, on_error=on_error)
        except Exception as error:
            return error

    def list_recovers() -> None:
        clock.sleep(14, None)
        api.list_error = None

    a, b, _ = clock.run(lambda: wait("a", impatient), lambda: wait("b", lambda _e: None),
                        list_recovers, timeout=30)
    assert isinstance(a, GaveUpError), a
    assert isinstance(b, dict) and b["status"] == "COMPLETED", b


# -- no callback under a lock ---------------------------------------------------------------

STALL = 2.0  # real seconds a thread may be held up before the test calls it a stall


def in_other_thread(call: Any) -> float:
    """Run ``call`` in another thread; the real seconds it took (inf if still blocked after
    STALL: it then finishes on its own once whatever held it up lets go)."""
    other = threading.Thread(target=call, daemon=True)
    began = time.monotonic()
    other.start()
    other.join(STALL)
    return float("inf") if other.is_alive() else time.monotonic() - began


def test_a_queued_line_whose_sink_needs_the_slots_stalls_nobody() -> None:
    """The "queued" progress line is said outside the slots' lock: a sink that blocks, or
    that waits on another thread using the slots (here: giving a slot back), holds up no
    one. Real clock, bounded."""
    slots = JobSlots(1)
    slots.acquire(deadline=None, cancel=None)
    took: list[float] = []

    def sink(line: str) -> None:
        if not took:
            took.append(in_other_thread(slots.release))

    progress = Progress("reads", "import job", sink=sink)
    slots.acquire(deadline=time.monotonic() + 20, cancel=None,
                  on_queued=lambda ahead: progress.say(f"queued: {ahead} ahead"))
    assert took and took[0] < STALL, took
    assert slots.held == 1


def test_a_change_callback_that_needs_the_watcher_stalls_nobody() -> None:
    """on_change (a progress line) runs outside the watcher's lock: another create starting
    to wait on the same watcher meanwhile is not held up. Real clock, bounded."""
    api = StubStore(SimClock(), {"a": 0, "b": 0})  # both ended: each wait returns at once
    watcher = Watcher(api, ImportKind().operations, STORE,  # type: ignore[arg-type]
                      interval=EVERY_5_S)
    took: list[float] = []

    def on_change(job: dict[str, Any]) -> None:
        if not took:
            took.append(in_other_thread(
                lambda: watcher.wait(api.job("b"), deadline=None, cancel=None)))

    done = watcher.wait(api.job("a"), deadline=time.monotonic() + 20, cancel=None,
                        on_change=on_change)
    assert done["status"] == "COMPLETED"
    assert took and took[0] < STALL, took
