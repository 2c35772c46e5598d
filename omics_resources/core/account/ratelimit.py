"""Client-side rate limits: every HealthOmics call of a provider process waits for a token
of its operation's budget, so a stack of any size stays within the account's quotas
instead of meeting ThrottlingException storms and exhausting botocore's retries.

One :class:`TokenBucket` per budget of :data:`omics_resources.core.limits.RATE_BUDGETS`. Tokens
are reserved in call order (a caller may owe a token and wait for it), so callers are served
first come, first served and the pace is exact. A budget's pace adapts when the service
throttles it (:mod:`omics_resources.core.account.aimd`: other callers share the budget); callers
already waiting keep their place in line and wait at the new pace. The clock is injected:
tests check the pace without sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from omics_resources.core.account.aimd import AimdRate
from omics_resources.core.errors import OmicsResourceError
from omics_resources.core.limits import RateBudget
from omics_resources.core.watch.polling import Clock, SystemClock

__all__ = ["RateLimitWaitCancelledError", "RateLimiter", "TokenBucket"]

# Pace under the published rate: requests leave spaced 1/rate apart but arrive with network
# and thread jitter (measured here: one 70 ms early), which put rate + 1 of them in one
# second at the service (measured at 95% and 90% on a loaded machine). 15% spacing absorbs
# 0.18 s of jitter per second.
_HEADROOM = 0.85
# A turn this close is taken now (float rounding of the pace's arithmetic).
_NOW = 1e-9


class RateLimitWaitCancelledError(OmicsResourceError):
    """The engine cancelled the update while a call waited for its turn: one of our errors
    (a message, not a traceback), as every other way a cancel ends a call is."""


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; with ``adaptive``, the rate is an
    :class:`~omics_resources.core.account.aimd.AimdRate` under ``rate`` that throttles cut."""

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        clock: Clock | None = None,
        *,
        adaptive: bool = False,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"a rate must be above 0 requests per second, not {rate}")
        self.ceiling = rate
        self.pace = AimdRate(rate) if adaptive else None
        self.burst = burst
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._tokens = burst
        self._stamp = self._clock.monotonic()
        # Tokens issued since the start (never capped): a waiting caller's turn comes when
        # this reaches its ticket, whatever the pace meanwhile.
        self._issued = 0.0

    @property
    def rate(self) -> float:
        """Tokens a second now."""
        return self.pace.rate if self.pace is not None else self.ceiling

    def _refill(self) -> None:
        now = self._clock.monotonic()
        gained = (now - self._stamp) * self.rate
        self._issued += gained
        self._tokens = min(self.burst, self._tokens + gained)
        self._stamp = now

    def _take(self) -> float:
        """Take a token (refilled); the ticket: the issue count at which it is the caller's."""
        self._tokens -= 1.0
        if self.pace is not None:
            self.pace.used()
        return self._issued + max(0.0, -self._tokens)

    def _delay(self, ticket: float) -> float:
        left = ticket - self._issued
        return left / self.rate if left > _NOW else 0.0

    def reserve(self) -> float:
        """Take a token; the seconds the caller must wait before using it (0: at once)."""
        with self._lock:
            self._refill()
            return self._delay(self._take())

    def try_reserve(self) -> float | None:
        """Take the next token only if nobody is waiting for one (for calls that can be
        skipped): the seconds to wait for it (at most one spacing), or None."""
        with self._lock:
            self._refill()
            if self._tokens < 0:
                return None
            return self._delay(self._take())

    def acquire(self, cancel: threading.Event | None = None) -> float:
        """Wait for a token; returns the seconds waited. Raises if ``cancel`` is set meanwhile.
        A pace cut while waiting makes the wait longer: the token is the caller's when as
        many tokens were issued as were owed ahead of it, at whatever pace."""
        with self._lock:
            self._refill()
            ticket = self._take()
            delay = self._delay(ticket)
        waited = 0.0
        while delay > 0:
            if self._clock.sleep(delay, cancel):
                raise RateLimitWaitCancelledError(
                    f"cancelled while waiting {waited + delay:.1f} s to call (the update was "
                    "cancelled; run `pulumi up` again to resume)"
                )
            waited += delay
            with self._lock:
                self._refill()
                delay = self._delay(ticket)
        return waited

    def throttled(self, sent_at: float) -> bool:
        """The service throttled a call of this budget sent at ``sent_at`` (this bucket's
        clock); True if that cut the pace (never for a bucket that is not adaptive)."""
        if self.pace is None:
            return False
        with self._lock:
            self._refill()  # tokens so far were issued at the old pace
            return self.pace.throttled(sent_at, self._stamp)


@dataclass(frozen=True)
class _Unlimited:
    def try_reserve(self) -> float | None:
        return 0.0

    def acquire(self, cancel: threading.Event | None = None) -> float:
        return 0.0


class RateLimiter:
    """One bucket per budget; :meth:`acquire` takes a token of the operation's budget. Each
    budget's pace adapts to throttles (:meth:`throttled`) under its configured rate, unless
    ``adaptive`` is False."""

    def __init__(
        self,
        budgets: Iterable[RateBudget],
        *,
        overrides: Mapping[str, float] | None = None,
        clock: Clock | None = None,
        adaptive: bool = True,
    ) -> None:
        clock = clock or SystemClock()
        self._clock = clock
        self.rates: dict[str, float] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._of_operation: dict[str, TokenBucket] = {}
        for budget in budgets:
            rate = (overrides or {}).get(budget.name, budget.requests_per_second)
            self.rates[budget.name] = rate
            bucket = TokenBucket(rate * _HEADROOM, clock=clock, adaptive=adaptive)
            self._buckets[budget.name] = bucket
            for operation in budget.operations:
                self._of_operation[operation] = bucket

    def acquire(self, operation: str, cancel: threading.Event | None = None) -> float:
        """Wait for the turn of one ``operation`` call; the seconds waited. Operations in no
        budget are not limited."""
        return self._of_operation.get(operation, _Unlimited()).acquire(cancel)

    def try_acquire(self, operation: str) -> bool:
        """Take the next token of the operation's budget if nobody is waiting for one (and
        wait for it, at most one spacing); False at once if others are queued."""
        bucket = self._of_operation.get(operation, _Unlimited())
        delay = bucket.try_reserve()
        if delay is None:
            return False
        if delay > 0:
            self._clock.sleep(delay, None)
        return True

    def throttled(self, operation: str, sent_at: float) -> bool:
        """The service throttled an ``operation`` call sent at ``sent_at`` (:meth:`now`);
        True if that cut its budget's pace."""
        bucket = self._of_operation.get(operation)
        return bucket is not None and bucket.throttled(sent_at)

    def now(self) -> float:
        """The limiter's clock, to stamp when a call was sent."""
        return self._clock.monotonic()

    def pace(self, budget: str) -> float:
        """A budget's pace now, in requests per second (under its configured rate)."""
        return self._buckets[budget].rate

    def cuts(self, budget: str) -> int:
        """How many throttles cut a budget's pace so far."""
        pace = self._buckets[budget].pace
        return pace.cuts if pace is not None else 0
