"""One budget's pace when other callers share it: additive increase, multiplicative decrease.

HealthOmics' API rates belong to the account and Region. A process alone keeps to them by
pacing (:mod:`omics_resources.core.account.ratelimit`); with other callers on the same budget, only
the service knows how much is left, and it says so by throttling. A throttle of a call sent
at the current pace cuts the pace (TCP's congestion control, the rule botocore's adaptive
mode follows too); while the budget is in use the pace climbs back slowly, by a share of the
ceiling per second, so callers that collided converge on their shares of the budget instead
of colliding again at once. The ceiling is the configured rate: the pace never goes past it.

A throttle after a climb back halves the climb; getting past the last throttled pace
unthrottled doubles it again: callers that share a budget for long probe past their shares
ever more rarely, and one left alone is back at its ceiling within a minute or so of use.
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
        hold_seconds: float = limits.PACE_HOLD_SECONDS,
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
        self._hold = hold_seconds
        self._fastest_climb = ceiling / recovery_seconds
        self._slowest_climb = ceiling / slowest_recovery_seconds
        self._margin = probe_margin
        self._floor = ceiling * floor_fraction
        #: Requests per second gained per second of use.
        self.climb = self._fastest_climb
        #: The pace the last throttle cut, until the pace got well past it unthrottled.
        self.throttled_at: float | None = None
        self._after_cut: float | None = None
        self._cut_at = float("-inf")
        #: How many throttles cut the pace (throttles of calls sent before a cut, or within
        #: the hold after it, do not).
        self.cuts = 0

    def used(self) -> None:
        """One call took a turn. The pace climbs by ``climb / rate`` a call: ``climb`` a
        second while every turn is taken, nothing while the budget is idle (an idle budget
        learns nothing about its share, as TCP's window grows per acknowledgement)."""
        self.rate = min(self.ceiling, self.rate + self.climb / self.rate)
        if self.throttled_at is not None and self.rate >= self.throttled_at * self._margin:
            # Well past the last throttled pace, unthrottled: the others have eased off.
            self.climb = min(self._fastest_climb, self.climb * 2)
            self.throttled_at = None if self.rate >= self.ceiling else self.rate

    def throttled(self, sent_at: float, now: float) -> bool:
        """The service throttled a call sent at ``sent_at``; True if that cut the pace. A call
        sent before the last cut, or within the hold after it, says nothing new: the cut has
        not shown at the service yet."""
        if sent_at < self._cut_at + self._hold:
            return False
        if self._after_cut is not None and self.rate >= self._after_cut * self._margin:
            # Throttled again after climbing back: our share is about here; probe slower.
            self.climb = max(self._slowest_climb, self.climb / 2)
        self.throttled_at = self.rate
        self.rate = max(self._floor, self.rate * self._decrease)
        self._after_cut = self.rate
        self._cut_at = now
        self.cuts += 1
        return True
