"""One scheduler per provider process, shared by every job resource of the stack.

::

    create (any job resource)
      -> slots.acquire(kind)       at most N of our jobs of a kind at once; FIFO queue,
                                   the waiting create says how many are ahead of it
      -> api.start_job             (every call paced by the rate limiter of the api)
      -> watcher(kind, store).wait one List*Jobs page per interval for every watched job
                                   of the store; Get*Job for a job's final answer (or one
                                   the list does not show), and for its source counts when
                                   its status changes and the budget is idle
      -> slots.release(kind)

Waiting creates take turns doing the polling (the first whose turn is due polls for all,
the others wait on a condition and are woken by its results), so no background thread
outlives a create and a single-threaded test drives the whole thing on a fake clock.
Cancellation and ``wait_timeout`` stay with each create.

A poll's error goes to the waiters it concerns: a Get*Job the service refused concerns that
job alone; the List call, or a call nothing answered, concerns every job of the store. No
callback (progress lines, a waiter's judgement of an error) runs under a lock of this
module: a slow sink, or one that calls back in, stalls nobody else.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import botocore.exceptions

from omics_resources.core import aws, limits
from omics_resources.core.api import JobOperations, OmicsApi
from omics_resources.core.errors import OmicsResourceError
from omics_resources.core.polling import Clock, PollState, SystemClock, Wait, wait_proportional

__all__ = [
    "JobSlots",
    "Scheduler",
    "SlotWaitEndedError",
    "WatchEndedError",
    "WatchFailedError",
    "Watcher",
]

Props = dict[str, Any]
# A waiting create wakes at least this often to notice cancellation and its deadline.
_WAKE_SECONDS = 0.5
# Gets for progress counts (not for final answers) in one poll, at most.
_PROGRESS_GETS_PER_POLL = 2
# Poll errors kept for waiters to see (a waiter that missed older ones sees these).
_ERRORS_KEPT = 16


class SlotWaitEndedError(Exception):
    """A create stopped waiting for a job slot (``reason``: "timeout" or "cancelled")."""

    def __init__(self, reason: str, waited: float) -> None:
        super().__init__(f"{reason} after {waited:.0f} s in the queue")
        self.reason = reason
        self.waited = waited


class WatchEndedError(Exception):
    """A create stopped waiting for its job (``reason``: "timeout" or "cancelled");
    ``job`` is the last description seen."""

    def __init__(self, reason: str, job: Props, waited: float) -> None:
        super().__init__(f"{reason} after {waited:.0f} s")
        self.reason = reason
        self.job = job
        self.waited = waited


class WatchFailedError(OmicsResourceError):
    """A create stopped waiting for its job: a poll failed and its ``on_error`` gave up
    (raised the error it was handed, the ``__cause__``). ``detail`` says what failed and
    whose waits it ends: the job's own Get*Job (that job's only), or the store's List call
    or a call nothing answered (every job's of the store)."""

    def __init__(self, detail: str, job: Props) -> None:
        super().__init__(
            f"stopped waiting for job {job.get('id')}: {detail}. Fix the cause and run "
            "`pulumi up` again."
        )
        self.detail = detail
        self.job = job


class JobSlots:
    """At most ``capacity`` holders at once; the others queue, first come first served."""

    def __init__(self, capacity: int, clock: Clock | None = None) -> None:
        if capacity < 1:
            raise ValueError(f"a job-slot count must be 1 or more, not {capacity}")
        self.capacity = capacity
        self._clock = clock or SystemClock()
        self._cond = threading.Condition()
        self._held = 0
        self._queue: deque[object] = deque()

    @property
    def held(self) -> int:
        """Slots in use."""
        with self._cond:
            return self._held

    def acquire(
        self,
        *,
        deadline: float | None,
        cancel: threading.Event | None,
        on_queued: Callable[[int], None] = lambda _ahead: None,
    ) -> None:
        """Take a slot, waiting in line for one. ``on_queued(ahead)`` is told the number of
        waiters ahead whenever it changes (outside the lock: it may print, or block, without
        holding up the queue). Raises :class:`SlotWaitEndedError`."""
        ticket = object()
        began = self._clock.monotonic()
        told: int | None = None
        with self._cond:
            self._queue.append(ticket)
        try:
            while True:
                with self._cond:
                    if self._queue[0] is ticket and self._held < self.capacity:
                        self._held += 1
                        return
                    ahead = self._queue.index(ticket)
                    if ahead == told:
                        now = self._clock.monotonic()
                        if cancel is not None and cancel.is_set():
                            raise SlotWaitEndedError("cancelled", now - began)
                        if deadline is not None and now >= deadline:
                            raise SlotWaitEndedError("timeout", now - began)
                        pause = _WAKE_SECONDS if deadline is None else deadline - now
                        self._clock.wait(self._cond, max(min(pause, _WAKE_SECONDS), 0.0))
                        continue
                told = ahead
                on_queued(ahead)
        finally:
            with self._cond:
                self._queue.remove(ticket)
                self._cond.notify_all()

    def release(self) -> None:
        """Give a slot back."""
        with self._cond:
            self._held -= 1
            self._cond.notify_all()


@dataclass(frozen=True)
class _Failure:
    """An error of a poll: ``operation`` failed; ``job_id`` None if it concerns the store."""

    error: BaseException
    operation: str
    job_id: str | None = None

    def detail(self, store: str) -> str:
        code = aws.error_code(self.error)
        if isinstance(self.error, botocore.exceptions.ClientError) and code:
            what = f"{code}: {self.error.response.get('Error', {}).get('Message', '')}"
        else:
            what = f"{type(self.error).__name__}: {self.error}"
        if self.job_id is not None:
            return (
                f"{self.operation} of this job failed ({what}); only the wait for this job "
                f"ended, the other jobs of sequence store {store} are still followed"
            )
        return (
            f"{self.operation} of sequence store {store} failed ({what}), which ends the "
            "wait for every job of that store"
        )


@dataclass
class _Failures:
    """Failures kept for waiters to see; a waiter's bookmark is ``count`` (failures ever
    recorded), which trimming the list must not move."""

    kept: list[_Failure] = field(default_factory=list)
    count: int = 0

    def add(self, failure: _Failure) -> None:
        self.kept.append(failure)
        self.count += 1
        del self.kept[:-_ERRORS_KEPT]

    def since(self, seen: int) -> list[_Failure]:
        missed = self.count - seen
        return self.kept[-missed:] if missed else []


@dataclass
class _Watched:
    job: Props
    since: float  # when the job was created, wall clock (to size the polling interval)
    final: bool = False
    waiters: int = 0
    failures: _Failures = field(default_factory=_Failures)  # of this job's own Gets


class Watcher:
    """Every watched job of one kind in one store, seen through one List call per interval."""

    def __init__(
        self,
        api: OmicsApi,
        operations: JobOperations,
        store: str,
        *,
        clock: Clock | None = None,
        interval: Wait | None = None,
    ) -> None:
        self._api = api
        self._operations = operations
        self._store = store
        self._clock = clock or SystemClock()
        self._interval = interval or wait_proportional(
            limits.WATCH_INTERVAL_FRACTION,
            limits.WATCH_MIN_INTERVAL_SECONDS,
            limits.WATCH_MAX_INTERVAL_SECONDS,
        )
        self._cond = threading.Condition()
        self._failures = _Failures()  # of the store: its List, or a call nothing answered
        self._calling = operations.list  # the poll's call under way (the leader's only)
        self._list_denied = False
        self._jobs: dict[str, _Watched] = {}
        self._polling = False
        self._next_poll = 0.0
        #: Calls made by this watcher, by operation (for tests and benchmarks).
        self.calls: dict[str, int] = {}

    def wait(
        self,
        job: Props,
        *,
        deadline: float | None,
        cancel: threading.Event | None,
        on_change: Callable[[Props], None] = lambda _job: None,
        on_error: Callable[[BaseException], None] = lambda _e: None,
    ) -> Props:
        """Wait until ``job`` (a Get*Job answer) ends; its final description. The latest
        description is passed to ``on_change`` each time this waiter wakes (at least every
        0.5 s, changed or not: a progress line repeats on a heartbeat while nothing changes);
        each error of a poll (made by whichever waiter's turn it was) that concerns this job
        (its own Get*Job's, or the store's) to ``on_error``, which returns to go on or raises
        to end this wait (raising the error handed in: :class:`WatchFailedError`, saying
        whose error it was). Raises :class:`WatchEndedError` on the deadline or cancellation.
        No callback runs under the watcher's lock."""
        job_id = str(job["id"])
        began = self._clock.monotonic()
        with self._cond:
            entry = self._jobs.get(job_id)
            if entry is None:
                entry = _Watched(job=job, since=_epoch(job.get("creationTime"), self._clock))
                entry.final = job.get("status") in limits.TERMINAL_JOB_STATUSES
                self._jobs[job_id] = entry
                # The interval follows the youngest job's age: a job younger than every
                # other is due sooner than the poll planned for them (maybe minutes away).
                age = max(0.0, self._clock.time() - entry.since)
                self._next_poll = min(self._next_poll, began + self._interval(PollState(0, age)))
            entry.waiters += 1
            store_seen, job_seen = self._failures.count, entry.failures.count
        try:
            while True:
                with self._cond:
                    failures = self._failures.since(store_seen) + entry.failures.since(job_seen)
                    store_seen, job_seen = self._failures.count, entry.failures.count
                    seen, final = entry.job, entry.final
                for failure in failures:
                    self._judge(failure, seen, on_error)
                on_change(seen)
                if final:
                    return seen
                with self._cond:
                    news = (entry.job, self._failures.count, entry.failures.count)
                    if news != (seen, store_seen, job_seen):
                        continue  # a poll brought news while the callbacks ran
                    now = self._clock.monotonic()
                    if cancel is not None and cancel.is_set():
                        raise WatchEndedError("cancelled", entry.job, now - began)
                    if deadline is not None and now >= deadline:
                        raise WatchEndedError("timeout", entry.job, now - began)
                    leader = not self._polling and now >= self._next_poll
                    if leader:
                        self._polling = True
                    else:
                        until = self._next_poll if not self._polling else now + _WAKE_SECONDS
                        if deadline is not None:
                            until = min(until, deadline)
                        self._clock.wait(self._cond, min(max(until - now, 0.0), _WAKE_SECONDS))
                        continue
                self._poll_for_all()
        finally:
            with self._cond:
                entry.waiters -= 1
                if entry.waiters == 0:
                    self._jobs.pop(job_id, None)

    def _judge(
        self, failure: _Failure, job: Props, on_error: Callable[[BaseException], None]
    ) -> None:
        try:
            on_error(failure.error)
        except BaseException as raised:
            if raised is not failure.error or isinstance(raised, OmicsResourceError):
                raise  # the waiter's own error, or ours (they say what happened)
            raise WatchFailedError(failure.detail(self._store), job) from raised

    def _poll_for_all(self) -> None:
        began = self._clock.monotonic()
        try:
            self._poll()
        except Exception as error:  # every waiter of the store judges it (see wait)
            with self._cond:
                self._failures.add(_Failure(error, self._calling))
        finally:
            with self._cond:
                self._polling = False
                watched = [e for e in self._jobs.values() if not e.final]
                youngest = max((e.since for e in watched), default=None)
                age = 0.0 if youngest is None else max(0.0, self._clock.time() - youngest)
                interval = self._interval(PollState(attempt=0, elapsed=age))
                # One List serves every watched job: n jobs poll sqrt(n) times as often at
                # fewer calls per job than one job alone, down to a floor.
                if len(watched) > 1:
                    interval = max(
                        limits.WATCH_SHARED_FLOOR_SECONDS, interval / len(watched) ** 0.5
                    )
                # Counted from the poll's start: the Gets a poll makes do not stretch the
                # interval (a wave of jobs ending together would otherwise be seen late).
                self._next_poll = began + interval
                self._cond.notify_all()

    def _poll(self) -> None:
        with self._cond:
            open_jobs = {i: e for i, e in self._jobs.items() if not e.final}
        if not open_jobs:
            return
        statuses = {} if self._list_denied else self._listed(open_jobs)
        moved = []
        for job_id, entry in open_jobs.items():
            listed = statuses.get(job_id)
            if listed is None or listed in limits.TERMINAL_JOB_STATUSES:
                # Ended, or not listed (yet): the full answer, first (slots wait on it).
                job = self._get(entry, job_id, self._api.get_job)
                if job is not None:
                    self._update(entry, job)
            elif listed != entry.job.get("status"):
                moved.append((job_id, entry, listed))
        for count, (job_id, entry, listed) in enumerate(moved):
            # A step on the way (SUBMITTED -> IN_PROGRESS): its source counts only while
            # the budget is idle and for a few jobs a poll (Starts and final answers share it).
            full: Props | None = None
            if count < _PROGRESS_GETS_PER_POLL:
                full = self._get(entry, job_id, self._api.get_job_if_idle)
            self._update(entry, full or {**entry.job, "status": listed})

    def _get(
        self,
        entry: _Watched,
        job_id: str,
        get: Callable[[JobOperations, str, str], Props | None],
    ) -> Props | None:
        """One job's Get*Job. An error the service answered with concerns that job alone:
        kept for its waiters, and the poll goes on with the other jobs. Any other error (no
        answer, a call cut short) ends the poll: it concerns the whole store."""
        self._calling = self._operations.get
        try:
            job = get(self._operations, self._store, job_id)
        except botocore.exceptions.ClientError as error:
            self._count(self._calling)
            with self._cond:
                entry.failures.add(_Failure(error, self._calling, job_id))
                self._cond.notify_all()
            return None
        if job is not None:
            self._count(self._calling)
        return job

    def _update(self, entry: _Watched, job: Props) -> None:
        with self._cond:
            entry.job = job
            entry.final = job.get("status") in limits.TERMINAL_JOB_STATUSES
            self._cond.notify_all()

    def _listed(self, open_jobs: Mapping[str, _Watched]) -> dict[str, str]:
        oldest = min(e.since for e in open_jobs.values())
        after = datetime.fromtimestamp(oldest - 1.0).astimezone()
        self._calling = self._operations.list
        self._count(self._calling)
        try:
            return self._api.job_statuses(self._operations, self._store, list(open_jobs), after)
        except botocore.exceptions.ClientError as error:
            if aws.error_code(error) != limits.ACCESS_DENIED_ERROR_CODE:
                raise
            # A role allowed Get*Job but not List*Jobs (our README's older permission list):
            # one Get per job and interval still works, at a higher cost in calls.
            self._list_denied = True
            return {}

    def _count(self, operation: str) -> None:
        self.calls[operation] = self.calls.get(operation, 0) + 1


def _epoch(value: Any, clock: Clock) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return clock.time()


@dataclass
class Scheduler:
    """What every job resource of one provider process shares: the API (and its rate
    limiter), job slots per kind, and one watcher per kind and store."""

    api: OmicsApi
    slots: Mapping[str, JobSlots]
    clock: Clock = field(default_factory=SystemClock)
    interval: Wait | None = None
    _watchers: dict[tuple[str, str], Watcher] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def watcher(self, operations: JobOperations, store: str) -> Watcher:
        """The watcher of one kind's jobs in one store."""
        with self._lock:
            key = (operations.list, store)
            watcher = self._watchers.get(key)
            if watcher is None:
                watcher = Watcher(
                    self.api,
                    operations,
                    store,
                    clock=self.clock,
                    interval=self.interval,
                )
                self._watchers[key] = watcher
            return watcher
