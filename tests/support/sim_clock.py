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
    """Implements :class:`omics_resources.core.polling.Clock` for several threads."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self._lock = threading.Lock()
        self._taking_part = 0
        self._wake_ups: dict[int, float] = {}

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return EPOCH_AT_ZERO + self.now

    def sleep(self, seconds: float, cancel: threading.Event | None) -> bool:
        event = cancel if cancel is not None else threading.Event()
        return self._block(seconds, lambda: event.wait(_REAL_PAUSE))

    def wait(self, condition: threading.Condition, seconds: float) -> None:
        self._block(seconds, lambda: condition.wait(_REAL_PAUSE))

    def _block(self, seconds: float, pause: Callable[[], bool]) -> bool:
        """Wait until the time is ``seconds`` later or ``pause`` says we were woken."""
        me = threading.get_ident()
        until = self.now + max(0.0, seconds)
        with self._lock:
            self._wake_ups[me] = until
        try:
            while self.now < until:
                if pause():
                    return True
                self._advance()
            return False
        finally:
            with self._lock:
                del self._wake_ups[me]

    def _advance(self) -> None:
        with self._lock:
            if self._wake_ups and len(self._wake_ups) >= self._taking_part:
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
