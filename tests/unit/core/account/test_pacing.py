"""Adaptive pacing on fake time: a budget the service throttles slows down (AIMD) and climbs
back slowly, never past its configured rate; botocore's retries wait for their turn; two
processes' limiters that share one emulator budget settle on it without oscillating."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import botocore.exceptions
import pytest

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.aimd import AimdRate
from omics_resources.core.account.api import OmicsApi
from omics_resources.core.account.ratelimit import RateLimiter, TokenBucket
from omics_resources.emulator import Durations
from tests.support.clock import FakeClock
from tests.support.fake_time import FakeTimeEmulator
from tests.support.sim_clock import SimClock

BUDGET = "sequenceStores"
OPERATION = "ListSequenceStores"
PUBLISHED = next(b.requests_per_second for b in limits.RATE_BUDGETS if b.name == BUDGET)
CEILING = RateLimiter(limits.RATE_BUDGETS, clock=FakeClock()).pace(BUDGET)
CLIMB = CEILING / limits.PACE_RECOVERY_SECONDS  # requests/s gained per second of use, at most


def saturate(bucket: TokenBucket, clock: FakeClock, seconds: float) -> None:
    """One caller that always wants the next turn, for ``seconds``."""
    end = clock.now + seconds
    while clock.now < end:
        bucket.acquire()


# -- one budget -----------------------------------------------------------------------------


def test_a_throttle_halves_the_pace_once_per_hold() -> None:
    clock = FakeClock()
    bucket = TokenBucket(4.0, clock=clock, adaptive=True)
    assert bucket.throttled(sent_at=0.0)
    assert bucket.rate == 4.0 * limits.PACE_DECREASE
    # Calls sent before the cut, or within the hold after it, were sent too fast already.
    clock.now = 0.5
    assert not bucket.throttled(sent_at=-0.1)
    assert not bucket.throttled(sent_at=0.9)
    assert bucket.rate == 2.0
    assert bucket.throttled(sent_at=1.0)  # sent a hold after the cut: still too fast
    assert bucket.rate == 1.0


def test_throttles_never_take_a_budget_below_its_floor() -> None:
    clock = FakeClock()
    bucket = TokenBucket(4.0, clock=clock, adaptive=True)
    for second in range(20):
        clock.now = float(second)
        bucket.throttled(sent_at=clock.now)
    assert bucket.rate == pytest.approx(4.0 * limits.PACE_FLOOR_FRACTION)


def test_recovery_is_slow_and_capped_at_the_configured_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limits.RATE_BUDGETS, overrides={BUDGET: 2.0}, clock=clock)
    ceiling = limiter.pace(BUDGET)
    assert ceiling < 2.0  # the stack config's rate is the ceiling (under the headroom)
    bucket = limiter._buckets[BUDGET]
    bucket.throttled(sent_at=0.0)
    cut = limiter.pace(BUDGET)
    paces = []
    for _ in range(12):  # two minutes of callers always waiting, looked at every 10 s
        saturate(bucket, clock, 10.0)
        paces.append(limiter.pace(BUDGET))
    climbs = [(b - a) / 10 for a, b in itertools.pairwise([cut, *paces])]
    # Slow: about ceiling/PACE_RECOVERY_SECONDS a second (half to full in 15 s of use; a
    # call's climb is taken when it takes its turn, so a window may hold one more).
    assert max(climbs) <= 1.25 * ceiling / limits.PACE_RECOVERY_SECONDS
    assert cut < paces[0] < ceiling  # not back after 10 s of use
    # Capped: back at the ceiling, never past it.
    assert paces[-1] == ceiling
    assert max(paces) == ceiling
    assert limiter.rates[BUDGET] == 2.0


def test_an_idle_budget_learns_nothing_and_does_not_climb() -> None:
    clock = FakeClock()
    bucket = TokenBucket(4.0, clock=clock, adaptive=True)
    bucket.throttled(sent_at=0.0)
    clock.now += 600  # ten quiet minutes
    bucket.acquire()
    assert bucket.rate < 2.0 + 0.2  # one call's worth of climb, not ten minutes'


def test_callers_already_waiting_keep_their_place_and_wait_at_the_new_pace() -> None:
    clock = FakeClock()
    bucket = TokenBucket(4.0, clock=clock, adaptive=True)
    delays = [bucket.reserve() for _ in range(4)]  # 0, 0.25, 0.5, 0.75 s at 4/s
    assert delays == pytest.approx([0.0, 0.25, 0.5, 0.75], abs=0.02)
    bucket.throttled(sent_at=0.0)  # now 2/s: the one owed 3 turns waits 1.5 s, not 0.75
    waited = bucket.acquire()
    assert waited == pytest.approx(2.0, abs=0.1)  # the fifth: four turns ahead at 2/s


def test_a_pace_that_climbed_back_and_is_throttled_again_probes_slower() -> None:
    rate = AimdRate(4.0)
    rate.throttled(sent_at=0.0, now=0.0)
    first = rate.climb
    assert rate.climb == CLIMB * 4.0 / CEILING  # a first cut keeps the climb: no probe failed
    while rate.rate < 3.0:
        rate.used()
    rate.throttled(sent_at=100.0, now=100.0)
    assert rate.climb == first / 2  # climbed back and throttled: our share is about here
    while rate.rate < 4.0 and rate.climb < first:
        rate.used()
    assert rate.climb == first  # well past the last throttled pace, unthrottled: speeds up


# -- botocore's attempts, through the emulator -----------------------------------------------


def test_retries_wait_for_their_turn_and_every_throttled_attempt_is_heard(
    fake_emulator: FakeTimeEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore retries a throttled call inside the client call: each retry takes a turn of
    the budget, and each throttled answer reaches the limiter (which cuts once per hold)."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    clock = FakeClock()
    world = fake_emulator.world(clock, Durations())
    world.control.fault(operation=OPERATION, error="ThrottlingException", count=2)
    api = world.api()
    api.call(OPERATION)
    log = [r for r in world.control.log()["requests"] if r["operation"] == OPERATION]
    assert [r["status"] for r in log] == [429, 429, 200]
    assert api.limiter.cuts(BUDGET) == 1  # the retries were sent within the hold
    half = CEILING * limits.PACE_DECREASE  # cut once (and climbed by the two retries' turns)
    assert half < api.limiter.pace(BUDGET) < 1.1 * half
    # Three turns at the cut pace: the second and third waited (on our clock) for theirs.
    assert clock.now >= 1 / CEILING + 1 / (CEILING * limits.PACE_DECREASE) - 0.01


def test_a_call_not_made_through_the_api_is_neither_paced_nor_heard(
    fake_emulator: FakeTimeEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    clock = FakeClock()
    world = fake_emulator.world(clock, Durations())
    api = world.api()
    api.call(OPERATION)  # hooks the process's shared client
    world.control.fault(operation=OPERATION, error="ThrottlingException", count=1)
    with pytest.raises(botocore.exceptions.ClientError):
        aws.omics_client(world.settings).list_sequence_stores()  # the same client, directly
    assert api.limiter.cuts(BUDGET) == 0
    assert clock.now == 0.0


# -- two processes, one budget ---------------------------------------------------------------


def caller(api: OmicsApi, clock: SimClock, until: float, sent: list[tuple[float, bool]]
           ) -> Callable[[], None]:
    """A process that always has a call of the budget to make (throttled ones give up: the
    client makes one attempt, so the limiter alone decides the pace)."""

    def run() -> None:
        while clock.now < until:
            try:
                api.call(OPERATION)
                sent.append((clock.now, True))
            except botocore.exceptions.ClientError as error:
                assert aws.error_code(error) == limits.THROTTLING_ERROR_CODE
                sent.append((clock.now, False))

    return run


def test_two_limiters_sharing_one_emulator_budget_converge_without_oscillating(
    fake_emulator: FakeTimeEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    clock = SimClock()
    world = fake_emulator.world(clock, Durations())
    seconds = 240.0
    first, second = world.api(), world.api()  # two processes: two limiters, one account
    calls: tuple[list[tuple[float, bool]], list[tuple[float, bool]]] = ([], [])
    paces: list[float] = []

    def watch() -> None:
        while clock.now < seconds:
            clock.sleep(1.0, None)
            paces.extend((first.limiter.pace(BUDGET), second.limiter.pace(BUDGET)))

    clock.run(caller(first, clock, seconds, calls[0]), caller(second, clock, seconds, calls[1]),
              watch, timeout=120)
    throttled = [t for t, ok in [*calls[0], *calls[1]] if not ok]
    served = sorted(t for t, ok in [*calls[0], *calls[1]] if ok)
    windows = [sum(1 for t in served if w <= t < w + 10) / 10 for w in range(30, int(seconds), 10)]
    report = (f"served per 10 s window from 30 s: {windows}; throttled at "
              f"{[round(t) for t in throttled]}")
    print(report)
    # Alone, each would pace at its ceiling: together, nearly twice the budget.
    assert 2 * CEILING > 1.5 * PUBLISHED
    # Converged: after the first collision, the two together use the budget, within a band,
    # in every 10 s: neither starved into idling, nor over it (by more than the service's
    # burst of one second's worth).
    assert all(0.6 * PUBLISHED <= w <= 1.1 * PUBLISHED for w in windows), report
    # Throttles fall off: the collision at the start, then rare probes past the shares.
    early = sum(1 for t in throttled if t < 30) / 30
    late = sum(1 for t in throttled if t >= 60) / (seconds - 60)
    assert early > 0 and late <= early / 3, report
    assert len(throttled) < 0.02 * len(served), report
    # Neither process takes the whole budget, and neither pace ever passes its ceiling.
    assert min(len(calls[0]), len(calls[1])) >= 0.3 * len(served), report
    assert max(paces) <= CEILING
