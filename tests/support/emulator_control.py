"""The emulator's control API (`/_emulator/...`), over HTTP like any other client."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EmulatorControl:
    """Archive read sets, set durations, inject faults, read the request log, reset."""

    url: str

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_emulator/{path}", data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def reset(self) -> None:
        self.call("POST", "reset", {})

    def durations(self, **values: float) -> Any:
        return self.call("POST", "durations", values)

    def archive(self, store_id: str, read_set_ids: list[str]) -> Any:
        return self.call("POST", "archive", {"sequenceStoreId": store_id, "readSetIds": read_set_ids})

    def fault(self, **rule: Any) -> Any:
        return self.call("POST", "faults", rule)

    def clear_faults(self) -> None:
        self.call("DELETE", "faults")

    def quota(self, max_active_jobs: int | None, kind: str | None = None) -> Any:
        """Concurrent jobs of ``kind`` (default: each kind) before Start answers 402."""
        body: dict[str, Any] = {"maxActiveJobs": max_active_jobs}
        if kind is not None:
            body["kind"] = kind
        return self.call("POST", "quota", body)

    def limits(self, **changes: Any) -> dict[str, Any]:
        """Change the limits (``rateLimits``, ``rates``, ``burstSeconds``, ``maxActiveJobs``);
        with no change, the limits in force."""
        return dict(self.call("POST", "limits", changes) if changes else self.call("GET", "limits"))

    def behaviour(self, **changes: Any) -> dict[str, Any]:
        """Change the readings the emulator takes where the service's documentation is silent
        (``tokenReuse``: ``"refuse"`` or ``"earlier-job"``); with no change, the ones in force.
        A reset puts them back to how the emulator was started."""
        return dict(self.call("POST", "behaviour", changes) if changes
                    else self.call("GET", "behaviour"))

    def cancel(self, store_id: str, job_id: str) -> Any:
        return self.call("POST", "cancel", {"sequenceStoreId": store_id, "jobId": job_id})

    def cancel_reference_import(self, store_id: str, job_id: str) -> Any:
        return self.call("POST", "cancel", {"referenceStoreId": store_id, "jobId": job_id})

    def log(self) -> dict[str, Any]:
        return dict(self.call("GET", "log"))

    def count(self, operation: str) -> int:
        return int(self.log()["counts"].get(operation, 0))

    def peak_rate(self, budget: str) -> float:
        """The most requests of ``budget`` that arrived in any one second (throttled included)."""
        return float(self.log()["budgets"].get(budget, {}).get("peakPerSecond", 0.0))

    def throttled(self, budget: str | None = None) -> int:
        """Answers the rate limits throttled (injected faults not counted), of one budget or all."""
        budgets = self.log()["budgets"]
        return sum(int(b["throttled"]) for name, b in budgets.items() if budget in (None, name))

    def quota_exceeded(self) -> int:
        """Start* answers 402 (the concurrent-job quota was full)."""
        return int(self.log()["quotaExceeded"])

    def new_jobs(self, operation: str) -> list[str]:
        """Ids of the jobs that `operation` calls actually started (idempotent replays and
        faults excluded)."""
        return [r["jobId"] for r in self.log()["requests"]
                if r["operation"] == operation and r.get("newJob")]
