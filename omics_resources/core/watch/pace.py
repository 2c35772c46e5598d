"""When the watcher of one store polls next.

Two rules; the sooner wins:

- the interval policy, for ends nobody can predict: a fraction of the youngest open job's
  age (see :class:`~omics_resources.core.watch.polling.wait_proportional`); with n jobs open,
  divided by sqrt(n) (one List serves them all), down to a floor;
- close watching, for ends the store's history predicts: jobs of like size end together.
  Once jobs have ended in this store, an open job with as many sources is due between the
  shortest and the longest of their durations, counted from its creation (a little before,
  a little after). While any open job is due, the store is polled every
  :data:`~omics_resources.core.limits.WATCH_CLOSE_SECONDS`, so a slot freed by an end is
  taken by the next job about that long after it; between those moments the interval
  policy spares the budget (which the Starts need too).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from omics_resources.core import limits
from omics_resources.core.watch.polling import PollState, Wait

__all__ = ["OpenJob", "Pace"]

# Ended jobs remembered per store (the latest), to predict the open ones' ends.
_HISTORY: Final = 32
# How far before the shortest duration seen, and after the longest, a job counts as due.
_EARLY: Final = limits.WATCH_CLOSE_SECONDS
_LATE: Final = 2 * limits.WATCH_CLOSE_SECONDS


@dataclass(frozen=True)
class OpenJob:
    """An open job as the pace sees it: created at ``since`` (epoch seconds), with
    ``sources`` sources (None if unknown)."""

    since: float
    sources: int | None


class Pace:
    """The next poll's time for one store: the interval policy, and close watching from
    the durations of the store's ended jobs."""

    def __init__(self, interval: Wait) -> None:
        self._interval = interval
        self._ended: deque[tuple[int | None, float]] = deque(maxlen=_HISTORY)

    def ended(self, sources: int | None, seconds: float) -> None:
        """A job of ``sources`` sources ended ``seconds`` after its creation."""
        if seconds >= 0:
            self._ended.append((sources, seconds))

    def due(self, job: OpenJob) -> tuple[float, float] | None:
        """When ``job`` is due to end (epoch seconds, from..to), or None if nothing ended
        here yet to tell."""
        alike = [s for n, s in self._ended if n == job.sources] or [s for _, s in self._ended]
        if not alike:
            return None
        return job.since + min(alike) - _EARLY, job.since + max(alike) + _LATE

    def delay(self, now: float, elapsed: float, open_jobs: Sequence[OpenJob]) -> float:
        """Seconds from a poll's start to the next poll: ``now`` is the wall clock at its
        end, ``elapsed`` how long it took, ``open_jobs`` what is still open."""
        youngest = max((j.since for j in open_jobs), default=now)
        interval = self._interval(PollState(attempt=0, elapsed=max(0.0, now - youngest)))
        if len(open_jobs) > 1:
            interval = max(limits.WATCH_SHARED_FLOOR_SECONDS, interval / len(open_jobs) ** 0.5)
        soonest = interval
        for job in open_jobs:
            window = self.due(job)
            if window is None or now > window[1]:
                continue
            close = max(window[0] - now, 0.0) + elapsed
            soonest = min(soonest, max(close, limits.WATCH_CLOSE_SECONDS))
        return soonest
