"""Polling policies and the poller, on a fake clock: exact intervals, no sleeping."""

from __future__ import annotations

import random
import threading

import pytest

from omics_resources.core.watch.polling import (
    PollCancelledError,
    Poller,
    PollPolicy,
    PollState,
    PollTimeoutError,
    default_policy,
    stop_after_delay,
    stop_never,
    wait_exponential,
    wait_jittered,
)
from tests.support.clock import FakeClock


def counting_probe(done_at: int) -> tuple[list[int], object]:
    calls: list[int] = []

    def probe() -> str | None:
        calls.append(1)
        return "done" if len(calls) == done_at else None

    return calls, probe


def test_exponential_backoff_doubles_up_to_the_cap() -> None:
    wait = wait_exponential(initial=1, multiplier=2, maximum=30)
    assert [wait(PollState(n, 0)) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_exponential_never_overflows() -> None:
    assert wait_exponential()(PollState(10_000, 0)) == 30


def test_jitter_only_shortens_within_the_fraction() -> None:
    wait = wait_jittered(wait_exponential(), fraction=0.25, rng=random.Random(7))
    values = [wait(PollState(6, 0)) for _ in range(200)]
    assert all(22.5 <= v <= 30 for v in values)
    assert len(set(values)) > 100


def test_stop_composition() -> None:
    stop = stop_after_delay(10) | stop_never()
    assert stop(PollState(1, 9.9)) is False
    assert stop(PollState(1, 10)) is True


def test_first_poll_is_immediate_then_about_a_second() -> None:
    clock = FakeClock()
    _calls, probe = counting_probe(done_at=3)
    assert Poller(default_policy(None, jitter=False), clock=clock).run(probe) == "done"
    assert clock.sleeps == [1.0, 2.0]


def test_no_attempt_limit_only_time() -> None:
    clock = FakeClock()
    calls, probe = counting_probe(done_at=500)
    Poller(default_policy(None, jitter=False), clock=clock).run(probe)
    assert len(calls) == 500
    assert max(clock.sleeps) == 30.0


def test_timeout_sleeps_to_the_deadline_then_gives_up() -> None:
    clock = FakeClock()
    with pytest.raises(PollTimeoutError) as caught:
        Poller(default_policy(20, jitter=False), clock=clock).run(lambda: None)
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 5.0]
    assert caught.value.state.elapsed == 20
    assert caught.value.state.attempt == 6


def test_transient_errors_are_retried_and_reported() -> None:
    clock = FakeClock()
    seen: list[int] = []
    answers = iter([ConnectionError("reset"), ConnectionError("reset"), "done"])

    def probe() -> str | None:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    poller = Poller(
        default_policy(60, jitter=False),
        clock=clock,
        is_transient=lambda e: isinstance(e, ConnectionError),
        on_transient=lambda _e, state: seen.append(state.attempt),
    )
    assert poller.run(probe) == "done"
    assert seen == [1, 2]


def test_other_errors_end_the_wait() -> None:
    def probe() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        Poller(default_policy(60), clock=FakeClock()).run(probe)


def test_cancellation_ends_the_wait() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(PollCancelledError):
        Poller(default_policy(None), clock=FakeClock(), cancel=cancel).run(lambda: None)


def test_custom_policy_composes() -> None:
    clock = FakeClock()
    policy = PollPolicy(
        wait=wait_exponential(initial=0.5, multiplier=3, maximum=5), stop=stop_after_delay(12)
    )
    with pytest.raises(PollTimeoutError):
        Poller(policy, clock=clock).run(lambda: None)
    assert clock.sleeps == [0.5, 1.5, 4.5, 5.0, 0.5]
