"""Waiting policies as small composable objects, and the loop that applies them.

Modelled on tenacity: a *wait* strategy maps the poll state to the next delay, a *stop*
strategy says when to give up; both are tiny, keep nothing between calls, and compose
(``stop_a | stop_b``, ``wait_jittered(wait_exponential(...))``). The clock is passed in,
so tests assert exact intervals without sleeping.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from omics_resources.core import limits

__all__ = [
    "Clock",
    "PollCancelledError",
    "PollPolicy",
    "PollState",
    "PollTimeoutError",
    "Poller",
    "Stop",
    "SystemClock",
    "Wait",
    "default_policy",
    "stop_after_attempt",
    "stop_after_delay",
    "stop_never",
    "wait_exponential",
    "wait_jittered",
    "wait_proportional",
]

T = TypeVar("T")


@dataclass(frozen=True)
class PollState:
    """Where a wait stands: ``attempt`` counts the polls made so far (1 after the first),
    ``elapsed`` is the seconds since the wait began."""

    attempt: int
    elapsed: float


class Wait(Protocol):
    """Seconds to sleep before the next poll."""

    def __call__(self, state: PollState) -> float:
        """Seconds to sleep after the poll ``state`` describes."""
        ...


@dataclass(frozen=True)
class wait_exponential:  # noqa: N801 - named like tenacity's strategies on purpose
    """``initial``, then times ``multiplier`` per poll, never above ``maximum``.

    With the defaults: 1, 2, 4, 8, 16, 30, 30 ... seconds.
    """

    initial: float = limits.FIRST_POLL_SECONDS
    multiplier: float = limits.POLL_BACKOFF_MULTIPLIER
    maximum: float = limits.MAX_POLL_INTERVAL_SECONDS

    def __call__(self, state: PollState) -> float:
        """Seconds to sleep after poll number ``state.attempt``."""
        exponent = max(state.attempt - 1, 0)
        # Compare before multiplying: a wait of days must not overflow a float.
        if exponent > 64:
            return self.maximum
        return float(min(self.maximum, self.initial * self.multiplier**exponent))


@dataclass(frozen=True)
class wait_proportional:  # noqa: N801
    """A fraction of the time waited so far, between ``minimum`` and ``maximum``.

    For waits whose end nobody can predict (a job of seconds or of hours): a job that ends
    after ``t`` seconds is seen at most ``fraction * t`` (or ``minimum``) late, and an hour
    costs about ``ln(3600 / minimum * fraction) / fraction`` polls instead of one per
    fixed interval.
    """

    fraction: float
    minimum: float
    maximum: float

    def __call__(self, state: PollState) -> float:
        """Seconds to wait after ``state.elapsed`` seconds of waiting."""
        return max(self.minimum, min(self.maximum, self.fraction * state.elapsed))


@dataclass(frozen=True)
class wait_jittered:  # noqa: N801
    """Another wait, shortened by a random fraction of up to ``fraction``.

    Use it whenever many waiters poll one API (a stack with many jobs): it spreads their
    calls so they don't arrive in lockstep and throttle each other.
    """

    inner: Wait
    fraction: float = limits.POLL_JITTER_FRACTION
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def __call__(self, state: PollState) -> float:
        """The inner wait, shortened at random."""
        return self.inner(state) * (1.0 - self.fraction * self.rng.random())


class Stop:
    """When to give up waiting. Stops compose: ``a | b`` gives up when either does,
    ``a & b`` when both do. ``seconds_left`` says how long until a time-based stop fires
    (None for a stop that does not depend on time), so a poller can sleep exactly up to a
    deadline and take one last look, whatever the composition."""

    def __call__(self, state: PollState) -> bool:
        """True to give up."""
        raise NotImplementedError

    def seconds_left(self, state: PollState) -> float | None:
        """Seconds until this stop fires on time alone; None if time alone never fires it."""
        return None

    def __or__(self, other: Stop) -> Stop:
        """Stop when either stops."""
        return _stop_any(self, other)

    def __and__(self, other: Stop) -> Stop:
        """Stop when both stop."""
        return _stop_all(self, other)


@dataclass(frozen=True)
class stop_after_delay(Stop):  # noqa: N801 - named like tenacity's strategies on purpose
    """Give up once ``seconds`` have passed since the wait began."""

    seconds: float

    def __call__(self, state: PollState) -> bool:
        """True once the time is up."""
        return state.elapsed >= self.seconds

    def seconds_left(self, state: PollState) -> float | None:
        """The time to the deadline."""
        return self.seconds - state.elapsed


@dataclass(frozen=True)
class stop_after_attempt(Stop):  # noqa: N801
    """Give up after ``attempts`` polls."""

    attempts: int

    def __call__(self, state: PollState) -> bool:
        """True once that many polls were made."""
        return state.attempt >= self.attempts


@dataclass(frozen=True)
class stop_never(Stop):  # noqa: N801
    """Never give up (a create whose user chose no timeout)."""

    def __call__(self, state: PollState) -> bool:
        """Always False."""
        return False


@dataclass(frozen=True)
class _stop_any(Stop):  # noqa: N801
    first: Stop
    second: Stop

    def __call__(self, state: PollState) -> bool:
        """True when either stop says so."""
        return self.first(state) or self.second(state)

    def seconds_left(self, state: PollState) -> float | None:
        """The sooner of the two deadlines."""
        left = (self.first.seconds_left(state), self.second.seconds_left(state))
        known = [t for t in left if t is not None]
        return min(known) if known else None


@dataclass(frozen=True)
class _stop_all(Stop):  # noqa: N801
    first: Stop
    second: Stop

    def __call__(self, state: PollState) -> bool:
        """True when both stops say so."""
        return self.first(state) and self.second(state)

    def seconds_left(self, state: PollState) -> float | None:
        """The later of the two deadlines (None if either has none)."""
        left = (self.first.seconds_left(state), self.second.seconds_left(state))
        return None if None in left else max(t for t in left if t is not None)


class Clock(Protocol):
    """Time as the poller sees it; ``sleep`` returns early (True) when ``cancel`` is set."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary start, never going back."""
        ...

    def time(self) -> float:
        """Wall-clock seconds since the epoch (to compare with the service's timestamps)."""
        ...

    def sleep(self, seconds: float, cancel: threading.Event | None) -> bool:
        """Sleep ``seconds``; True if ``cancel`` was set first."""
        ...

    def wait(self, condition: threading.Condition, seconds: float) -> None:
        """Wait (holding ``condition``) until notified or ``seconds`` have passed."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary start, never going back."""
        return time.monotonic()

    def time(self) -> float:
        """Wall-clock seconds since the epoch."""
        return time.time()

    def sleep(self, seconds: float, cancel: threading.Event | None) -> bool:
        """Sleep ``seconds``, or less if ``cancel`` is set meanwhile (then return True)."""
        if cancel is None:
            time.sleep(seconds)
            return False
        return cancel.wait(seconds)

    def wait(self, condition: threading.Condition, seconds: float) -> None:
        """``condition.wait(seconds)``."""
        condition.wait(seconds)


@dataclass(frozen=True)
class PollPolicy:
    """When to poll (``wait``) and when to give up (``stop``)."""

    wait: Wait
    stop: Stop


def default_policy(timeout_seconds: float | None, *, jitter: bool = True) -> PollPolicy:
    """Our polling policy: exponential from about 1 s to 30 s, jittered, until the timeout."""
    wait: Wait = wait_exponential()
    if jitter:
        wait = wait_jittered(wait)
    stop: Stop = stop_never() if timeout_seconds is None else stop_after_delay(timeout_seconds)
    return PollPolicy(wait=wait, stop=stop)


class PollTimeoutError(Exception):
    """The stop strategy gave up before the probe reported an end."""

    def __init__(self, state: PollState) -> None:
        super().__init__(f"gave up after {state.elapsed:.0f} s and {state.attempt} polls")
        self.state = state


class PollCancelledError(Exception):
    """The wait was cancelled (the engine asked the provider to stop)."""

    def __init__(self, state: PollState) -> None:
        super().__init__(f"cancelled after {state.elapsed:.0f} s and {state.attempt} polls")
        self.state = state


@dataclass
class Poller:
    """Calls a probe until it returns a result, sleeping between calls as the policy says.

    ``probe`` returns None to mean "not yet". ``is_transient`` says which exceptions from
    the probe are worth another try (throttling, 5xx, timeouts, dropped connections): they
    are reported through ``on_transient`` and the loop goes on; any other exception ends it.
    """

    policy: PollPolicy
    clock: Clock = field(default_factory=SystemClock)
    cancel: threading.Event | None = None
    is_transient: Callable[[BaseException], bool] = lambda _e: False
    on_transient: Callable[[BaseException, PollState], None] = lambda _e, _s: None

    def run(self, probe: Callable[[], T | None]) -> T:
        """Poll ``probe`` until it returns a value; raise on timeout or cancellation."""
        started = self.clock.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                result = probe()
            except Exception as error:
                if not self.is_transient(error):
                    raise
                self.on_transient(error, PollState(attempt, self.clock.monotonic() - started))
                result = None
            if result is not None:
                return result
            state = PollState(attempt, self.clock.monotonic() - started)
            if self.policy.stop(state):
                raise PollTimeoutError(state)
            delay = self.policy.wait(state)
            left = self.policy.stop.seconds_left(state)
            if left is not None and left < delay:
                # Sleep only up to the deadline, then take one last look.
                delay = max(0.0, left)
            if self.clock.sleep(delay, self.cancel):
                raise PollCancelledError(PollState(attempt, self.clock.monotonic() - started))
