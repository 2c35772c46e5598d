"""Waits that end at once on cancellation without looking every half second.

A wait for a job slot or a job's end sleeps on a :class:`threading.Condition` until
something it waits for happens (a slot given back, a poll's news), its deadline, or the
engine's cancel. A :class:`CancelSignal` (the provider's cancel event) wakes every
condition registered with it when it is set, so such a wait needs no timeout to notice it:
a cohort of 1,000 queued batches costs no wake-ups while nothing happens. A plain
:class:`threading.Event` cannot wake anyone; a wait given one looks at it every
:data:`LOOK_SECONDS`, as every wait did before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

__all__ = ["LONGEST_PAUSE", "LOOK_SECONDS", "CancelSignal", "woken_by"]

#: How often a wait looks at a cancel event that cannot wake it (a plain Event).
LOOK_SECONDS: Final = 0.5
#: The longest single pause of a wait with nothing to wake for on time (no deadline): the
#: condition's notify ends it sooner; a bound keeps every timeout a finite number.
LONGEST_PAUSE: Final = 3600.0


class CancelSignal(threading.Event):
    """A cancel event that also notifies the conditions registered with it (see
    :func:`woken_by`) when set, so their waits see it at once."""

    def __init__(self) -> None:
        super().__init__()
        self._registered_lock = threading.Lock()
        self._registered: dict[int, tuple[threading.Condition, int]] = {}

    def set(self) -> None:
        """Set the event and wake every registered wait."""
        super().set()
        with self._registered_lock:
            conditions = [c for c, _ in self._registered.values()]
        for condition in conditions:
            with condition:
                condition.notify_all()

    @contextmanager
    def wakes(self, condition: threading.Condition) -> Iterator[None]:
        """For the length of the block, setting this event notifies ``condition``."""
        key = id(condition)
        with self._registered_lock:
            _, count = self._registered.get(key, (condition, 0))
            self._registered[key] = (condition, count + 1)
        try:
            yield
        finally:
            with self._registered_lock:
                _, count = self._registered[key]
                if count > 1:
                    self._registered[key] = (condition, count - 1)
                else:
                    del self._registered[key]


@contextmanager
def woken_by(cancel: threading.Event | None, condition: threading.Condition) -> Iterator[float]:
    """For the length of the block, ``cancel`` wakes waits on ``condition`` if it can;
    yields the longest pause such a wait may take before looking at ``cancel`` itself
    (:data:`LONGEST_PAUSE` when it is woken, or when there is nothing to look at)."""
    if not isinstance(cancel, CancelSignal):
        yield LONGEST_PAUSE if cancel is None else LOOK_SECONDS
        return
    # Registered before the waiter first looks at the event: a set() in between notifies
    # the condition, which the waiter holds until its wait releases it; nothing is missed.
    with cancel.wakes(condition):
        yield LONGEST_PAUSE
