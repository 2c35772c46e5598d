"""Fake time for tests with several threads (several creates waiting on one scheduler).

:class:`~tests.support.clock.FakeClock` moves time on every sleep, which is exact for one
thread but lets several threads race time forward. Here time moves only when every thread
taking part is waiting, and then straight to the earliest wake-up any of them asked for:
a discrete-event simulation, so a threaded test is as exact as a single-threaded one.
Threads take part through :meth:`SimClock.run`; a thread blocked elsewhere (an HTTP call)
holds time still.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from tests.support.clock import EPOCH_AT_ZERO

# How long (real seconds) a waiting thread blocks before it looks at the time again.
_REAL_PAUSE = 0.001


class SimClock:
    """Implements :class:`omics_resources.core.watch.polling.Clock` for several threads."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self._lock = threading.Lock()
        self._taking_part = 0
        self._wake_ups: dict[int, float] = {}
        # Waits begun or ended so far, and the count each waiting thread last saw after a
        # pause that nothing woke: a thread just notified still counts as waiting until it
        # takes its turn, so time moves on only once every waiting thread has looked again
        # since the last change and found nothing.
        self._changes = 0
        self._quiet: dict[int, int] = {}

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return EPOCH_AT_ZERO + self.now

    def sleep(self, seconds: float, cancel: threading.Event | None) -> bool:
        event = cancel if cancel is not None else threading.Event()
        return self._block(seconds, lambda: event.wait(_REAL_PAUSE))

    def wait(self, condition: threading.Condition, seconds: float) -> None:
        # Called holding the condition, as Condition.wait is.
        notified = self._notifications(condition)
        seen = notified[0]
        self._block(seconds, lambda: condition.wait(_REAL_PAUSE) or notified[0] != seen)

    def _notifications(self, condition: threading.Condition) -> list[int]:
        """A count of the condition's notify calls (from now on), each also a change. A wait
        that times out as a notify comes may return False, the notify spent on it: waiters
        re-check their state after any return, but a SimClock wait is many short real waits
        in a row, and must not take such a one for silence."""
        count: list[int] | None = getattr(condition, "_sim_notified", None)
        if count is None:
            count = [0]
            notify = condition.notify

            def counted(n: int = 1) -> None:
                count[0] += 1
                with self._lock:
                    self._changes += 1
                notify(n)

            condition.notify = counted  # type: ignore[method-assign]
            condition._sim_notified = count  # type: ignore[attr-defined]
        return count

    def _block(self, seconds: float, pause: Callable[[], bool]) -> bool:
        """Wait until the time is ``seconds`` later or ``pause`` says we were woken."""
        me = threading.get_ident()
        until = self.now + max(0.0, seconds)
        with self._lock:
            self._wake_ups[me] = until
            self._changes += 1
        try:
            while self.now < until:
                if pause():
                    return True
                with self._lock:
                    self._quiet[me] = self._changes
                self._advance()
            return False
        finally:
            with self._lock:
                del self._wake_ups[me]
                self._quiet.pop(me, None)
                self._changes += 1

    def _advance(self) -> None:
        with self._lock:
            if not self._wake_ups or len(self._wake_ups) < self._taking_part:
                return
            if all(self._quiet.get(t) == self._changes for t in self._wake_ups):
                self.now = max(self.now, min(self._wake_ups.values()))

    def run(self, *targets: Callable[[], Any], timeout: float = 60.0) -> list[Any]:
        """Run each target in a thread taking part in this clock; their results in order.
        Re-raises the first error; fails if they are not done after ``timeout`` real seconds."""
        results: list[Any] = [None] * len(targets)
        errors: list[BaseException] = []

        def run_one(index: int) -> None:
            try:
                results[index] = targets[index]()
            except BaseException as error:
                errors.append(error)
            finally:
                with self._lock:
                    self._taking_part -= 1
                    self._changes += 1

        with self._lock:
            self._taking_part += len(targets)
        threads = [threading.Thread(target=run_one, args=(i,), daemon=True) for i in range(len(targets))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
        if any(t.is_alive() for t in threads):
            raise AssertionError(f"threads still running after {timeout} s (fake time {self.now})")
        if errors:
            raise errors[0]
        return results
