"""Fault injection: answer some requests with an error instead of serving them."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from omics_resources.emulator.exceptions import EmulatorError, ValidationException, error_class

__all__ = ["FaultInjector", "FaultRule"]


@dataclass
class FaultRule:
    """Fail ``operation`` (or every operation, ``*``) with ``error``: at random with
    probability ``rate`` (seeded), or the next ``count`` times. With ``after``, the request
    is served first and only its answer is replaced: a response lost on the way back, the
    fault that duplicates work for a client that retries without a token."""

    operation: str
    error: type[EmulatorError]
    rate: float | None = None
    count: int | None = None
    rng: random.Random = field(default_factory=random.Random)
    after: bool = False

    @classmethod
    def from_wire(cls, body: dict[str, Any]) -> FaultRule:
        """Build a rule from the control API's JSON (checked)."""
        operation = body.get("operation", "*")
        error = error_class(str(body.get("error", "")))
        rate, count = body.get("rate"), body.get("count")
        if (rate is None) == (count is None):
            raise ValidationException("give exactly one of rate (0..1) or count (a whole number)")
        if rate is not None and not (isinstance(rate, int | float) and 0 <= rate <= 1):
            raise ValidationException("rate must be a number from 0 to 1")
        if count is not None and not (isinstance(count, int) and count >= 0):
            raise ValidationException("count must be a whole number, 0 or more")
        after = body.get("after", False)
        if not isinstance(after, bool):
            raise ValidationException("after must be true or false")
        rng = random.Random(body.get("seed"))
        return cls(str(operation), error, rate, count, rng, after)

    def fires(self, operation: str, after: bool) -> bool:
        """Whether this rule fails this request at this point (and counts it)."""
        if self.after != after or self.operation not in ("*", operation):
            return False
        if self.count is not None:
            if self.count <= 0:
                return False
            self.count -= 1
            return True
        return self.rng.random() < (self.rate or 0.0)

    def to_wire(self) -> dict[str, Any]:
        """The rule as the control API shows it."""
        return {
            "operation": self.operation,
            "error": self.error.__name__,
            "rate": self.rate,
            "count": self.count,
            "after": self.after,
        }


class FaultInjector:
    """The active rules, consulted once per API request."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> None:
        """Add a rule (rules are independent; the first that fires wins)."""
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, Any]]:
        """The active rules."""
        with self._lock:
            return [r.to_wire() for r in self._rules]

    def check(self, operation: str, *, after: bool = False) -> None:
        """Raise the injected error if a rule fires for this request, before it is served
        or (``after``) once it has been."""
        with self._lock:
            for rule in self._rules:
                if rule.fires(operation, after):
                    when = " after serving it" if after else ""
                    message = f"Injected {rule.error.__name__} for {operation}{when}"
                    raise rule.error(message, injected=True)
