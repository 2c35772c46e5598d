"""What a watcher keeps of each job it watches, and of each job a waiter waits for."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from omics_resources.core import limits
from omics_resources.core.watch.errors import Failures
from omics_resources.core.watch.pace import OpenJob
from omics_resources.core.watch.polling import Clock

__all__ = ["WaitFor", "Waiting", "Watched", "duration", "ended_early", "summary"]

Props = dict[str, Any]


@dataclass
class Watched:
    """One watched job: what is known of it, and who waits for it."""

    job: Props  # the latest description: a Start answer, a List item over it, or a Get answer
    since: float  # when the job was created, wall clock (to size the polling interval)
    sources: list[Props] | None = None  # as the Start request sent them (None: unknown)
    ended: bool = False  # its end is known (from the List or a Get)
    final: bool = False  # its full answer is known
    ended_at: float = 0.0  # when the end was seen (monotonic)
    get_instead: bool = False  # its read sets could not tell: its Get*Job gives the answer
    waiters: int = 0
    failures: Failures = field(default_factory=Failures)  # of this job's own Gets

    @classmethod
    def of(cls, job: Props, clock: Clock) -> Watched:
        """A job that joins the watch, as a waiter handed it in."""
        created = job.get("creationTime")
        since = created.timestamp() if isinstance(created, datetime) else clock.time()
        ended = job.get("status") in limits.TERMINAL_JOB_STATUSES
        # Get*Job answers carry the sources; a Start answer or a List item does not.
        return cls(
            job, since, ended=ended, final=ended and "sources" in job, ended_at=clock.monotonic()
        )

    def open_job(self) -> OpenJob:
        """The job as the pace sees it."""
        return OpenJob(self.since, None if self.sources is None else len(self.sources))


@dataclass(frozen=True)
class WaitFor:
    """One job to wait for (see :meth:`Watcher.wait` for each member)."""

    job: Props
    sources: Sequence[Mapping[str, Any]] | None = None
    on_change: Callable[[Props], None] = lambda _job: None
    on_error: Callable[[BaseException], None] = lambda _e: None
    until_end: bool = False


@dataclass
class Waiting:
    """One job a waiter waits for: what it asked, what it has seen, how it ended."""

    wanted: WaitFor
    job_id: str
    entry: Watched
    store_seen: int  # bookmarks in the store's failures and the job's
    job_seen: int
    seen: Props | None = None
    outcome: Props | Exception | None = None


def ended_early(cancel: threading.Event | None, deadline: float | None, now: float) -> str | None:
    """Why a wait ends now ("cancelled", "timeout"), if it does."""
    if cancel is not None and cancel.is_set():
        return "cancelled"
    if deadline is not None and now >= deadline:
        return "timeout"
    return None


def duration(job: Mapping[str, Any], since: float) -> float | None:
    """Seconds from ``since`` to the job's completion, if its answer has the time."""
    ended = job.get("completionTime")
    return ended.timestamp() - since if isinstance(ended, datetime) else None


def summary(job: Mapping[str, Any], item: Mapping[str, Any]) -> Props:
    """``job`` as a List ``item`` shows it now: its sources, if an earlier Get gave them,
    are out of date (the full answer comes from read sets or a Get)."""
    return {**{k: v for k, v in job.items() if k != "sources"}, **item}
