"""The client-side rate limiter on a fake clock: exact pace, shared budgets, no sleeping."""

from __future__ import annotations

import itertools
import threading

import pytest

from omics_resources.core import limits
from omics_resources.core.account.ratelimit import (
    RateLimiter,
    RateLimitWaitCancelledError,
    TokenBucket,
)
from omics_resources.core.limits import RateBudget
from tests.support.clock import FakeClock

IMPORT_OPERATIONS = ("StartReadSetImportJob", "GetReadSetImportJob", "ListReadSetImportJobs")


def call_times(limiter: RateLimiter, clock: FakeClock, operations: list[str]) -> list[float]:
    """When each call (in this order, one after the other) got its turn."""
    times = []
    for operation in operations:
        limiter.acquire(operation)
        times.append(clock.now)
    return times


def most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


def test_a_bucket_spaces_reservations_exactly() -> None:
    bucket = TokenBucket(4.0, clock=FakeClock())
    assert [bucket.reserve() for _ in range(5)] == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_a_bucket_saves_up_only_its_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2.0, burst=1.0, clock=clock)
    bucket.reserve()
    clock.now += 60  # a long quiet spell saves one token, not 120
    assert [bucket.reserve() for _ in range(3)] == [0.0, 0.5, 1.0]


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="above 0 requests per second, not 0"):
        TokenBucket(0.0)


@pytest.mark.parametrize("budget", limits.RATE_BUDGETS, ids=lambda b: b.name)
def test_every_budget_is_paced_evenly_under_its_published_rate(budget: RateBudget) -> None:
    clock = FakeClock()
    operation = sorted(budget.operations)[0]
    times = call_times(RateLimiter(limits.RATE_BUDGETS, clock=clock), clock, [operation] * 20)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert times[0] == 0.0
    assert gaps == pytest.approx([gaps[0]] * 19)  # one exact pace
    assert gaps[0] > 1 / budget.requests_per_second  # a little under the published rate
    assert gaps[0] < 1.25 / budget.requests_per_second  # but not much
    assert most_in_one_second(times) <= budget.requests_per_second


def test_a_budgets_operations_share_one_bucket() -> None:
    clock, alone_clock = FakeClock(), FakeClock()
    mixed = call_times(RateLimiter(limits.RATE_BUDGETS, clock=clock), clock,
                       [IMPORT_OPERATIONS[i % 3] for i in range(12)])
    alone = call_times(RateLimiter(limits.RATE_BUDGETS, clock=alone_clock), alone_clock,
                       [IMPORT_OPERATIONS[0]] * 12)
    # Starts, Gets and Lists of import jobs take turns as if they were one operation.
    assert mixed == pytest.approx(alone)
    assert most_in_one_second(mixed) <= 5


def test_other_budgets_do_not_wait_for_a_busy_one() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limits.RATE_BUDGETS, clock=clock)
    call_times(limiter, clock, ["GetReadSetImportJob"] * 10)
    busy_until = clock.now
    assert limiter.acquire("GetReadSetMetadata") == 0.0
    assert limiter.acquire("StartReadSetActivationJob") == 0.0
    assert clock.now == busy_until


def test_operations_in_no_budget_are_not_limited() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limits.RATE_BUDGETS, clock=clock)
    assert [limiter.acquire("CreateSequenceStore") for _ in range(100)] == [0.0] * 100
    assert limiter.try_acquire("CreateSequenceStore")
    assert clock.sleeps == [] and clock.now == 0.0


def test_overrides_set_a_budgets_rate() -> None:
    clock = FakeClock()
    slow = RateLimiter(limits.RATE_BUDGETS, overrides={"importJobs": 1.0}, clock=clock)
    assert slow.rates["importJobs"] == 1.0
    assert slow.rates["readSets"] == 5.0  # others keep the published rate
    times = call_times(slow, clock, ["GetReadSetImportJob"] * 5)
    assert 1.0 < times[1] < 1.25
    assert most_in_one_second(times) == 1
    clock = FakeClock()
    fast = RateLimiter(limits.RATE_BUDGETS, overrides={"importJobs": 50.0}, clock=clock)
    assert call_times(fast, clock, ["GetReadSetImportJob"] * 2)[1] < 1 / 40


def test_cancel_ends_a_wait_for_a_turn() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limits.RATE_BUDGETS, clock=clock)
    cancel = threading.Event()
    limiter.acquire("ListReadSets", cancel)
    cancel.set()
    with pytest.raises(RateLimitWaitCancelledError, match="cancelled while waiting"):
        limiter.acquire("ListReadSets", cancel)


def test_try_reserve_gives_way_to_calls_already_waiting() -> None:
    clock = FakeClock()
    bucket = TokenBucket(4.0, clock=clock)
    assert bucket.try_reserve() == 0.0  # idle: at once
    assert bucket.try_reserve() == 0.25  # next in line: one spacing
    assert bucket.try_reserve() is None  # someone already waits for a token: give way
    assert bucket.reserve() == 0.5  # a call that must be made still queues
    clock.now = 0.4  # the queued call's turn (0.5) has not come
    assert bucket.try_reserve() is None
    clock.now = 0.5  # it has: the next turn is free, one spacing on
    assert bucket.try_reserve() == pytest.approx(0.25)


def test_try_acquire_takes_an_idle_budgets_turn() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limits.RATE_BUDGETS, clock=clock)
    assert limiter.try_acquire("GetReadSetImportJob")
    assert clock.now == 0.0
    assert limiter.try_acquire("GetReadSetImportJob")  # waits its one spacing
    assert clock.now == pytest.approx(call_times(
        RateLimiter(limits.RATE_BUDGETS, clock=(other := FakeClock())), other,
        ["GetReadSetImportJob"] * 2)[1])


def test_our_budgets_are_the_services() -> None:
    """Our table and the emulator's (each side of the boundary has its own) give every
    operation we call the same rate, and group them the same way."""
    from omics_resources.emulator.limits import budget_of

    for budget in limits.RATE_BUDGETS:
        theirs = {budget_of(operation) for operation in budget.operations}
        assert len(theirs) == 1, (budget.name, theirs)
        [service] = theirs
        assert service.rate == budget.requests_per_second, budget.name
        assert set(service.operations) == set(budget.operations), budget.name
