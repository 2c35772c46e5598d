"""One budget's pace when other callers share it: additive increase, multiplicative decrease.

HealthOmics' API rates belong to the account and Region. A process alone keeps to them by
pacing (:mod:`omics_resources.core.ratelimit`); with other callers on the same budget, only
the service knows how much is left, and it says so by throttling. A throttle of a call sent
at the current pace cuts the pace (TCP's congestion control, the rule botocore's adaptive
mode follows too); while the budget is in use the pace climbs back slowly, by a share of the
ceiling per second, so callers that collided converge on their shares of the budget instead
of colliding again at once. The ceiling is the configured rate: the pace never goes past it.

The climb slows with every further throttle and speeds back up once the pace gets past the
last throttled one unthrottled: callers that share a budget for long probe past their share
ever more rarely, and one left alone is back at the ceiling within a minute or two of use.
Plain arithmetic on the times it is given: the caller holds the lock and the clock.
"""

from __future__ import annotations

from omics_resources.core import limits

__all__ = ["AimdRate"]


class AimdRate:
    """The pace of one budget, in requests per second, never above ``ceiling``."""

    def __init__(
        self,
        ceiling: float,
        *,
        decrease: float = limits.PACE_DECREASE,
        recovery_seconds: float = limits.PACE_RECOVERY_SECONDS,
        slowest_recovery_seconds: float = limits.PACE_SLOWEST_RECOVERY_SECONDS,
        probe_margin: float = limits.PACE_PROBE_MARGIN,
        floor_fraction: float = limits.PACE_FLOOR_FRACTION,
    ) -> None:
        if ceiling <= 0:
            raise ValueError(f"a rate must be above 0 requests per second, not {ceiling}")
        self.ceiling = ceiling
        self.rate = ceiling
        self._decrease = decrease
        self._fastest_climb = ceiling / recovery_seconds
        self._slowest_climb = ceiling / slowest_recovery_seconds
        self._probe_margin = probe_margin
        self._floor = ceiling * floor_fraction
        #: Requests per second gained per second of use.
        self.climb = self._fastest_climb
        #: The pace the last throttle cut (None until one did, and again once the pace got
        #: well past it).
        self.throttled_at: float | None = None
        self._cut_at = float("-inf")
        #: How many throttles cut the pace (throttles of calls sent before a cut do not).
        self.cuts = 0

    def used(self) -> None:
        """One call took a turn. The pace climbs by ``climb / rate`` a call: ``climb`` a
        second while every turn is taken, nothing while the budget is idle (an idle budget
        learns nothing about its share, as TCP's window grows per acknowledgement)."""
        self.rate = min(self.ceiling, self.rate + self.climb / self.rate)
        if self.throttled_at is not None and self.rate >= self.throttled_at * self._probe_margin:
            # Well past the last throttled pace, unthrottled: the others have eased off.
            self.climb = min(self._fastest_climb, self.climb * 2)
            self.throttled_at = None if self.rate >= self.ceiling else self.rate

    def throttled(self, sent_at: float, now: float) -> bool:
        """The service throttled a call sent at ``sent_at``; True if that cut the pace. A call
        sent before the last cut was sent at a pace already cut: it says nothing new."""
        if sent_at < self._cut_at:
            return False
        self.throttled_at = self.rate
        self.climb = max(self._slowest_climb, self.climb / 2)
        self.rate = max(self._floor, self.rate * self._decrease)
        self._cut_at = now
        self.cuts += 1
        return True
