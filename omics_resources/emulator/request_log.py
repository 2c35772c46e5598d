"""The request log: every HealthOmics API answer, kept by the HTTP layer for the control API
(tests and benchmarks count calls, new jobs, faults and throttles from it)."""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["RequestLog"]


class RequestLog:
    """Every API request answered, in order. An entry has ``operation``, ``status`` (HTTP),
    ``fault`` (an injected error), and for Start* the ``jobId`` and whether the call created
    it (``newJob``)."""

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        """Record one answer."""
        with self._lock:
            self._entries.append(dict(entry))

    def snapshot(self) -> dict[str, Any]:
        """Counts per operation and the requests in order."""
        with self._lock:
            counts: dict[str, int] = {}
            for entry in self._entries:
                counts[entry["operation"]] = counts.get(entry["operation"], 0) + 1
            return {"counts": counts, "requests": [dict(e) for e in self._entries]}

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
