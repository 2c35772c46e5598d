"""Job slots: at most N of our jobs of a kind at once, the others in a first-come queue.

A queued create sleeps until a slot is given back, the queue moves, its deadline, or the
engine's cancel (see :mod:`omics_resources.core.watch.wakeup`): nothing wakes on a timer.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from omics_resources.core.watch.polling import Clock, SystemClock
from omics_resources.core.watch.wakeup import woken_by

__all__ = ["JobSlots", "SlotWaitEndedError"]


class SlotWaitEndedError(Exception):
    """A create stopped waiting for a job slot (``reason``: "timeout" or "cancelled")."""

    def __init__(self, reason: str, waited: float) -> None:
        super().__init__(f"{reason} after {waited:.0f} s in the queue")
        self.reason = reason
        self.waited = waited


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
            with woken_by(cancel, self._cond) as longest:
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
                            pause = longest if deadline is None else min(longest, deadline - now)
                            self._clock.wait(self._cond, max(pause, 0.0))
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
