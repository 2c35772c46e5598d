"""The Starts of one job kind while the service's job quota is full: in line, one try at a time.

A Start refused with ServiceQuotaExceededException (402) says the account's concurrent jobs
of that kind are all running, ours or other callers' (another stack, a nightly check): the
quota belongs to the account and Region. Were every refused Start retried on its own timer,
each waiting create would send a request per interval (ten waiting, ten 402s), and creates
refused together would come back together. So once a Start is refused, the process's Starts
of that kind take turns, first come first served, one try at a time:

- when one of our jobs of the kind ends its slot is ours to take: the first in line tries
  at once (:meth:`QuotaGate.freed`; as many at once as our jobs that ended);
- otherwise the first in line tries after a wait in which another caller's job may have
  ended: ``max(QUOTA_PROBE_MIN_SECONDS, QUOTA_PROBE_FRACTION x the time the quota has been
  full)``, drawn at random (``rng``, injected) between half and all of it, so two processes
  that were refused together do not try again together;
- a Start that gets through found a free slot, and more may be free: the next tries at once.

When nobody is left in line, Starts go freely again. Waits end on the create's deadline or
cancel event, checked at least every half second.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from omics_resources.core import limits
from omics_resources.core.watch.polling import Clock

__all__ = ["QuotaGate", "QuotaPlace", "QuotaWaitEndedError"]

# A waiting Start wakes at least this often to notice cancellation and its deadline.
_WAKE_SECONDS = 0.5


class QuotaWaitEndedError(Exception):
    """A Start stopped waiting for its turn (``reason``: "timeout" or "cancelled")."""

    def __init__(self, reason: str, waited: float) -> None:
        super().__init__(f"{reason} after {waited:.0f} s waiting for the job quota")
        self.reason = reason
        self.waited = waited


class QuotaGate:
    """The line of one process's Starts of one job kind (thread-safe)."""

    def __init__(self, clock: Clock, rng: random.Random | None = None) -> None:
        self._clock = clock
        self._rng = rng or random.Random()
        self._cond = threading.Condition()
        self._line: deque[QuotaPlace] = deque()
        self._in_flight = 0
        #: One try at a time, first in line first: from a refusal until nobody is in line.
        self._queued = False
        #: Since when Starts have been refused (None: the last try that was not one of our
        #: own freed slots got through, so the next may go at once).
        self._refused_since: float | None = None
        self._next_try = 0.0
        #: Our jobs that ended while Starts were in line: each a slot the next may take.
        self._freed = 0
        #: Starts refused so far.
        self.refusals = 0

    @contextmanager
    def line(self) -> Iterator[QuotaPlace]:
        """A place in line for one create's Start, kept across its tries."""
        place = QuotaPlace(self)
        with self._cond:
            self._line.append(place)
        try:
            yield place
        finally:
            with self._cond:
                if place.trying:
                    self._in_flight -= 1
                self._line.remove(place)
                if not self._line:
                    # Nobody waits: what was learnt about the quota is stale by the next Start.
                    self._queued, self._refused_since, self._freed = False, None, 0
                self._cond.notify_all()

    def freed(self) -> None:
        """One of our jobs of this kind ended: its slot in the quota is ours to take."""
        with self._cond:
            if self._queued:
                self._freed += 1
                self._cond.notify_all()

    def _probe_wait(self, now: float) -> float:
        full_for = now - (self._refused_since if self._refused_since is not None else now)
        longest = min(
            limits.QUOTA_PROBE_MAX_SECONDS,
            max(limits.QUOTA_PROBE_MIN_SECONDS, limits.QUOTA_PROBE_FRACTION * full_for),
        )
        return self._rng.uniform(longest / 2, longest)

    def _may_try(self, place: QuotaPlace, now: float) -> bool | None:
        """None: not yet. True: a probe (or no line). False: on a freed slot of ours."""
        if not self._queued:
            return True
        ahead = 0
        for other in self._line:
            if other is place:
                break
            ahead += not other.trying
        if ahead < self._freed:
            return False  # each freed slot of ours is known free: no need to take turns
        if ahead or self._in_flight:
            return None
        return True if self._refused_since is None or now >= self._next_try else None

    def _turn(
        self, place: QuotaPlace, deadline: float | None, cancel: threading.Event | None
    ) -> None:
        began = self._clock.monotonic()
        with self._cond:
            if place.trying:  # its last try ended in an error that told nothing
                place.trying = False
                self._in_flight -= 1
            while True:
                now = self._clock.monotonic()
                probe = self._may_try(place, now)
                if probe is not None:
                    place.passed = not probe
                    self._freed -= place.passed
                    place.trying = True
                    self._in_flight += 1
                    return
                if cancel is not None and cancel.is_set():
                    raise QuotaWaitEndedError("cancelled", now - began)
                if deadline is not None and now >= deadline:
                    raise QuotaWaitEndedError("timeout", now - began)
                nap = _WAKE_SECONDS
                if self._next_try > now:
                    nap = min(nap, self._next_try - now)
                if deadline is not None:
                    nap = min(nap, max(0.0, deadline - now))
                self._clock.wait(self._cond, nap)

    def _answered(self, place: QuotaPlace, refused: bool | None) -> None:
        with self._cond:
            if place.trying:
                place.trying = False
                self._in_flight -= 1
            now = self._clock.monotonic()
            if refused:
                self.refusals += 1
                self._queued = True
                if self._refused_since is None:
                    self._refused_since = now
                self._next_try = now + self._probe_wait(now)
            elif refused is False and not place.passed:
                # Through on a slot we did not know of (another caller's job ended): more
                # may be free, the next in line tries at once.
                self._refused_since = None
                self._next_try = now
            self._cond.notify_all()


class QuotaPlace:
    """One create's place in a :class:`QuotaGate`'s line."""

    def __init__(self, gate: QuotaGate) -> None:
        self._gate = gate
        #: Its Start is in flight.
        self.trying = False
        #: That Start took the slot of one of our jobs that ended.
        self.passed = False

    def turn(self, *, deadline: float | None, cancel: threading.Event | None) -> None:
        """Wait until this create may send its Start (at once unless Starts are in line).
        Raises :class:`QuotaWaitEndedError`."""
        self._gate._turn(self, deadline, cancel)

    def answered(self, *, refused: bool | None) -> None:
        """The Start was answered: ``refused`` (402), got through (False), or failed some
        other way (None: nothing learnt about the quota)."""
        self._gate._answered(self, refused)
