"""The request log: every HealthOmics API answer, kept by the HTTP layer for the control API.

Tests and benchmarks count calls, new jobs, faults, throttles and quota refusals from it,
and read each budget's peak rate (the most requests that arrived in any one second).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

__all__ = ["RequestLog", "peak_per_second"]

THROTTLED = "ThrottlingException"
QUOTA_EXCEEDED = "ServiceQuotaExceededException"


def peak_per_second(times: Sequence[float], window: float = 1.0) -> float:
    """The most of ``times`` (epoch seconds) that fall in any ``window``, per second."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, moment in enumerate(ordered):
        while moment - ordered[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most / window


class RequestLog:
    """Every API request answered, in order. An entry has ``time`` (epoch seconds, when the
    request arrived), ``operation``, ``budget`` (the rate it spends), ``status`` (HTTP),
    ``error`` (the error code, or None), ``fault`` (an injected error), ``requestId``, and
    for Start* the ``jobId`` and whether the call created it (``newJob``)."""

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        """Record one answer."""
        with self._lock:
            self._entries.append(dict(entry))

    def snapshot(self) -> dict[str, Any]:
        """Counts per operation, per budget (requests, throttled answers that no fault rule
        injected, peak requests per second), quota refusals, and the requests in order."""
        with self._lock:
            entries = [dict(e) for e in self._entries]
        counts: dict[str, int] = defaultdict(int)
        times: dict[str, list[float]] = defaultdict(list)
        throttled: dict[str, int] = defaultdict(int)
        for entry in entries:
            counts[entry["operation"]] += 1
            budget = entry.get("budget")
            if budget is not None:
                times[budget].append(entry["time"])
                throttled[budget] += entry.get("error") == THROTTLED and not entry.get("fault")
        budgets = {
            name: {
                "requests": len(moments),
                "throttled": throttled[name],
                "peakPerSecond": peak_per_second(moments),
            }
            for name, moments in times.items()
        }
        return {
            "counts": dict(counts),
            "budgets": budgets,
            "quotaExceeded": sum(e.get("error") == QUOTA_EXCEEDED for e in entries),
            "requests": entries,
        }

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
