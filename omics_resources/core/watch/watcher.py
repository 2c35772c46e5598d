"""Every waiting job of one kind in one store, seen through one List call per poll.

::

    wait(job)  -> the store's List*Jobs page when a poll is due (watch_pace: the interval
                  policy, and close watching while jobs are due to end)
               -> the end seen in the list: waiters ``until_end`` return (a job slot is
                  given back at once), the others wait for the full answer:
                    COMPLETED import with its request's sources known -> ListReadSets pages
                      (import_results: on the readSets budget, one pass for every job that
                      ended meanwhile), else Get*Job
                    any other end, a job the list does not show -> Get*Job
               -> a step on the way (SUBMITTED -> IN_PROGRESS) -> Get*Job for its source
                  counts, only while the budget is idle, never for a job of one source
                  and never in a poll that saw ends (the freed slots' Starts come first)
    The List itself waits for a spare turn while Starts wait for theirs (watch_calls).

Waiting creates take turns doing the work (the first whose turn is due polls, or reads the
results, for all; the others sleep on a condition and are woken by its news, the engine's
cancel, or their deadline), so no background thread outlives a create and a single-threaded
test drives the whole thing on a fake clock. Cancellation and ``wait_timeout`` stay with
each create. No callback (progress lines, a waiter's judgement of an error) runs under a
lock of this module: a slow sink, or one that calls back in, stalls nobody else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import botocore.exceptions

from omics_resources.core import limits
from omics_resources.core.account.api import JobOperations, OmicsApi
from omics_resources.core.errors import OmicsResourceError
from omics_resources.core.watch.calls import BUSY_RETRY_SECONDS, StoreCalls
from omics_resources.core.watch.errors import (
    Failure,
    Failures,
    WatchEndedError,
    WatchFailedError,
)
from omics_resources.core.watch.pace import Pace
from omics_resources.core.watch.polling import (
    Clock,
    PollState,
    SystemClock,
    Wait,
    wait_proportional,
)
from omics_resources.core.watch.results import Asked, resolvable
from omics_resources.core.watch.state import (
    WaitFor,
    Waiting,
    Watched,
    duration,
    ended_early,
    summary,
)
from omics_resources.core.watch.wakeup import woken_by

__all__ = ["WaitFor", "Watcher"]

Props = dict[str, Any]
# Gets for progress counts (not for final answers) in one poll, at most.
_PROGRESS_GETS_PER_POLL: Final = 2
# With no news a waiter still wakes this often (a few threads, bounded by the job slots):
# its heartbeat line (every PROGRESS_HEARTBEAT_SECONDS) is at most this late.
_QUIET_WAKE_SECONDS: Final = limits.PROGRESS_HEARTBEAT_SECONDS / 30


class Watcher:
    """Every watched job of one kind in one store, seen through one List call per poll."""

    def __init__(
        self,
        api: OmicsApi,
        operations: JobOperations,
        store: str,
        *,
        clock: Clock | None = None,
        interval: Wait | None = None,
    ) -> None:
        self._calls = StoreCalls(api, operations, store)
        self._store = store
        self._clock = clock or SystemClock()
        self._interval = interval or wait_proportional(
            limits.WATCH_INTERVAL_FRACTION,
            limits.WATCH_MIN_INTERVAL_SECONDS,
            limits.WATCH_MAX_INTERVAL_SECONDS,
        )
        self._pace = Pace(self._interval)
        self._cond = threading.Condition()
        self._failures = Failures()  # of the store: its List, or a call nothing answered
        self._jobs: dict[str, Watched] = {}
        self._polling = False
        self._resolving = False
        self._next_poll = 0.0

    @property
    def calls(self) -> dict[str, int]:
        """Calls made by this watcher, by operation (for tests and benchmarks)."""
        return self._calls.counts

    def wait(
        self,
        job: Props,
        *,
        deadline: float | None,
        cancel: threading.Event | None,
        on_change: Callable[[Props], None] = lambda _job: None,
        on_error: Callable[[BaseException], None] = lambda _e: None,
        sources: Sequence[Mapping[str, Any]] | None = None,
        until_end: bool = False,
    ) -> Props:
        """Wait until ``job`` (a Start, List or Get*Job answer) ends; its final description:
        the full answer, or with ``until_end`` whatever first told of the end (a List item:
        id, status, times; give it back to :meth:`wait` for the full answer). ``sources``
        (the Start request's) let a COMPLETED import's answer come from its read sets.

        The latest description is passed to ``on_change`` each time this waiter wakes (on
        news, and at least once per poll); each error of a poll (made by whichever waiter's
        turn it was) that concerns this job (its own Get*Job's, or the store's) to
        ``on_error``, which returns to go on or raises to end this wait (raising the error
        handed in: :class:`WatchFailedError`, saying whose error it was). Raises
        :class:`WatchEndedError` on the deadline or cancellation. No callback runs under the
        watcher's lock."""
        wanted = WaitFor(job, sources, on_change=on_change, on_error=on_error, until_end=until_end)
        [outcome] = self.wait_all([wanted], deadline=deadline, cancel=cancel)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def wait_all(
        self,
        jobs: Sequence[WaitFor],
        *,
        deadline: float | None,
        cancel: threading.Event | None,
    ) -> list[Props | Exception]:
        """:meth:`wait` for several jobs at once, in one thread: each one's outcome, its
        description or the error that ended its wait (:class:`WatchFailedError` or its
        ``on_error``'s own, and :class:`WatchEndedError` for every wait still open at the
        deadline or on cancellation). Their results are read together."""
        began = self._clock.monotonic()
        waits = []
        with self._cond:
            for wanted in jobs:
                job_id = str(wanted.job["id"])
                entry = self._jobs.get(job_id)
                if entry is None:
                    entry = Watched.of(wanted.job, self._clock)
                    self._jobs[job_id] = entry
                    self._joined(entry, began)
                if wanted.sources is not None and entry.sources is None:
                    entry.sources = [dict(s) for s in wanted.sources]
                entry.waiters += 1
                waits.append(
                    Waiting(wanted, job_id, entry, self._failures.count, entry.failures.count)
                )
        try:
            with woken_by(cancel, self._cond) as longest:
                while True:
                    for one in waits:
                        if one.outcome is None:
                            self._look(one)
                    if all(one.outcome is not None for one in waits):
                        return [one.outcome for one in waits if one.outcome is not None]
                    with self._cond:
                        if any(self._news(one) for one in waits if one.outcome is None):
                            continue  # a poll brought news while the callbacks ran
                        now = self._clock.monotonic()
                        ended = ended_early(cancel, deadline, now)
                        if ended is not None:
                            for one in waits:
                                if one.outcome is None:
                                    one.outcome = WatchEndedError(ended, one.entry.job, now - began)
                            continue
                        turn = self._turn(now)
                        if turn is None:
                            until = self._due(now)
                            if deadline is not None:
                                until = min(until, deadline)
                            self._clock.wait(self._cond, min(max(until - now, 0.0), longest))
                            continue
                    turn()
        finally:
            with self._cond:
                for one in waits:
                    one.entry.waiters -= 1
                    if one.entry.waiters == 0:
                        self._jobs.pop(one.job_id, None)

    def _news(self, one: Waiting) -> bool:
        """Whether anything changed since ``one`` last looked (under the lock)."""
        return (
            one.seen is not one.entry.job
            or self._failures.count != one.store_seen
            or one.entry.failures.count != one.job_seen
        )

    def _look(self, one: Waiting) -> None:
        """Hand one waiter its news (outside the lock): errors to judge, the description."""
        entry = one.entry
        with self._cond:
            failures = self._failures.since(one.store_seen) + entry.failures.since(one.job_seen)
            one.store_seen, one.job_seen = self._failures.count, entry.failures.count
            seen, done = entry.job, entry.final or (one.wanted.until_end and entry.ended)
            one.seen = seen
        try:
            for failure in failures:
                self._judge(failure, seen, one.wanted.on_error)
            one.wanted.on_change(seen)
        except Exception as error:
            one.outcome = error
            return
        if done:
            one.outcome = seen

    # -- whose turn ------------------------------------------------------------------------

    def _joined(self, entry: Watched, now: float) -> None:
        """A job joined the watch: poll sooner if it needs it (under the lock)."""
        if not entry.ended:
            # The interval follows the youngest job's age: a job younger than every other is
            # due sooner than the poll planned for them (maybe minutes away).
            age = max(0.0, self._clock.time() - entry.since)
            self._next_poll = min(self._next_poll, now + self._interval(PollState(0, age)))
        elif not entry.final and not self._resolvable(entry):
            self._next_poll = now  # a Get is all it needs

    def _resolvable(self, entry: Watched) -> bool:
        return (
            entry.sources is not None
            and not entry.get_instead
            and not self._calls.read_sets_denied
            and resolvable(entry.job)
        )

    def _needs_poll(self) -> bool:
        return any(
            not e.ended or (not e.final and not self._resolvable(e)) for e in self._jobs.values()
        )

    def _pending(self) -> bool:
        """Whether ended jobs wait for results from read sets (read at once: while one pass
        over the pages runs, the jobs that end meanwhile gather for the next)."""
        return any(e.ended and not e.final and self._resolvable(e) for e in self._jobs.values())

    def _due(self, now: float) -> float:
        """When a turn may next be due, for a waiter to sleep until (under the lock)."""
        due = now + _QUIET_WAKE_SECONDS  # news (a poll's, a cancel) wakes waiters sooner
        if not self._polling and self._needs_poll():
            due = min(due, self._next_poll)
        if not self._resolving and self._pending():
            due = now
        return due

    def _turn(self, now: float) -> Callable[[], None] | None:
        """This waiter's turn, if one is due: poll, or read results (under the lock)."""
        if not self._polling and now >= self._next_poll and self._needs_poll():
            self._polling = True
            return self._poll_for_all
        if not self._resolving and self._pending():
            self._resolving = True
            return self._resolve_for_all
        return None

    def _judge(
        self, failure: Failure, job: Props, on_error: Callable[[BaseException], None]
    ) -> None:
        try:
            on_error(failure.error)
        except BaseException as raised:
            if raised is not failure.error or isinstance(raised, OmicsResourceError):
                raise  # the waiter's own error, or ours (they say what happened)
            raise WatchFailedError(failure.detail(self._store), job) from raised

    # -- a poll ------------------------------------------------------------------------------

    def _poll_for_all(self) -> None:
        began = self._clock.monotonic()
        listed = True
        try:
            listed = self._poll(began)
        except Exception as error:  # every waiter of the store judges it (see wait)
            with self._cond:
                self._failures.add(Failure(error, self._calls.calling))
        finally:
            with self._cond:
                self._polling = False
                still = [e.open_job() for e in self._jobs.values() if not e.ended]
                elapsed = self._clock.monotonic() - began
                # Counted from the poll's start: the Gets a poll makes do not stretch the
                # interval (a wave of jobs ending together would otherwise be seen late).
                delay = self._pace.delay(self._clock.time(), elapsed, still)
                if not listed:
                    delay = min(delay, elapsed + BUSY_RETRY_SECONDS)
                self._next_poll = began + delay
                self._cond.notify_all()

    def _poll(self, now: float) -> bool:
        """One poll; False if the List was put off (its budget's turns are all taken)."""
        with self._cond:
            open_jobs = {i: e for i, e in self._jobs.items() if not e.ended}
            to_get = {
                i: e
                for i, e in self._jobs.items()
                if e.ended and not e.final and not self._resolvable(e)
            }
        listed: dict[str, Props] | None = {}
        if open_jobs:
            oldest = min(e.since for e in open_jobs.values())
            listed = self._calls.listed(list(open_jobs), oldest, now)
            if listed is None:
                open_jobs = {}  # put off: Starts have the budget's turns
        moved = []
        ended = False
        for job_id, entry in open_jobs.items():
            item = (listed or {}).get(job_id)
            status = None if item is None else item.get("status")
            if item is None:
                to_get[job_id] = entry  # not listed (yet): the full answer
            elif status in limits.TERMINAL_JOB_STATUSES:
                ended = True
                self._update(entry, summary(entry.job, item), full=False)  # until_end: go
                if not self._resolvable(entry):
                    to_get[job_id] = entry
            elif status != entry.job.get("status"):
                moved.append((job_id, entry, item))
        for job_id, entry in to_get.items():
            job = self._get(entry, job_id)
            if job is not None:
                self._update(entry, job, full=True)
        for count, (job_id, entry, item) in enumerate(moved):
            # A step on the way (SUBMITTED -> IN_PROGRESS): its source counts only while the
            # budget is idle, for a few jobs a poll, and never when jobs just ended (their
            # slots' next Starts want the budget's next turns); a job of one source has no
            # count worth a call (0/1 until it ends).
            full: Props | None = None
            counts = entry.sources is None or len(entry.sources) > 1
            if count < _PROGRESS_GETS_PER_POLL and counts and not ended:
                full = self._get(entry, job_id, if_idle=True)
            if full is not None:
                self._update(entry, full, full=True)
            else:
                self._update(entry, {**entry.job, **item}, full=False)
        return listed is not None

    def _get(self, entry: Watched, job_id: str, *, if_idle: bool = False) -> Props | None:
        """One job's Get*Job. An error the service answered with concerns that job alone:
        kept for its waiters, and the poll goes on with the other jobs. Any other error (no
        answer, a call cut short) ends the poll: it concerns the whole store."""
        try:
            return self._calls.get(job_id, if_idle=if_idle)
        except botocore.exceptions.ClientError as error:
            with self._cond:
                entry.failures.add(Failure(error, self._calls.calling, job_id))
                self._cond.notify_all()
            return None

    def _update(self, entry: Watched, job: Props, *, full: bool) -> None:
        """A new description of the job: ``full`` for a Get*Job answer, not a List item."""
        with self._cond:
            ended = job.get("status") in limits.TERMINAL_JOB_STATUSES
            if ended and not entry.ended:
                entry.ended_at = self._clock.monotonic()
                took = duration(job, entry.since)
                if took is not None:
                    self._pace.ended(entry.open_job().sources, took)
            entry.job = job
            entry.ended = ended
            entry.final = ended and full
            self._cond.notify_all()

    # -- results from read sets --------------------------------------------------------------

    def _resolve_for_all(self) -> None:
        """Read the results of every job that ended meanwhile from ListReadSets pages; a
        job they cannot tell (or any error of theirs) is left to its Get*Job."""
        with self._cond:
            pending = {
                i: e
                for i, e in self._jobs.items()
                if e.ended and not e.final and self._resolvable(e)
            }
        answers: dict[str, Props] = {}
        try:
            answers = self._calls.results([Asked(e.job, e.sources or []) for e in pending.values()])
        finally:
            with self._cond:
                for job_id, entry in pending.items():
                    if job_id in answers:
                        entry.job, entry.final = answers[job_id], True
                    else:
                        entry.get_instead = True
                if len(answers) < len(pending):
                    self._next_poll = self._clock.monotonic()
                self._resolving = False
                self._cond.notify_all()
