"""A clock for tests: sleeping and waiting only move time forward, and are recorded."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

#: What FakeClock.time() says at monotonic 0 (an arbitrary fixed instant, 2026-01-01).
EPOCH_AT_ZERO = 1_767_225_600.0


@dataclass
class FakeClock:
    """Implements :class:`omics_resources.core.watch.polling.Clock` without ever blocking."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return EPOCH_AT_ZERO + self.now

    def sleep(self, seconds: float, cancel: threading.Event | None) -> bool:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        return cancel is not None and cancel.is_set()

    def wait(self, condition: threading.Condition, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
