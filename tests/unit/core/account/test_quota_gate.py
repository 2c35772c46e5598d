"""Starts waiting for the service's job quota, on fake time: in line and one try at a time
once refused, at once when one of our jobs ends, otherwise after a wait drawn from the
injected random source (so processes refused together do not come back together)."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from omics_resources.core import limits
from omics_resources.core.account.quota_gate import QuotaGate, QuotaWaitEndedError
from tests.support.clock import FakeClock
from tests.support.sim_clock import SimClock


@dataclass
class Quota:
    """The service's concurrent-job quota, as far as Starts see it."""

    clock: SimClock | FakeClock
    free: int = 0
    #: (time, who, got through)
    tries: list[tuple[float, str, bool]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    #: The most tries in flight at once after the first refusal was answered.
    most_in_flight_refused: int = 0

    def start(self, who: str) -> bool:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        if self.refusals():
            self.most_in_flight_refused = max(self.most_in_flight_refused, self.in_flight)
        self.clock.sleep(0.05, None)  # the call takes a moment: others could overlap it
        self.in_flight -= 1
        through = self.free > 0
        self.free -= through
        self.tries.append((self.clock.monotonic(), who, through))
        return through

    def refusals(self, who: str = "") -> int:
        return sum(1 for _, name, ok in self.tries if not ok and name.startswith(who))


def create(gate: QuotaGate, quota: Quota, who: str, *, deadline: float | None = None,
           cancel: threading.Event | None = None) -> Callable[[], float]:
    """One create's Start, tried until it gets through; the time it did."""

    def run() -> float:
        with gate.line() as place:
            while True:
                place.turn(deadline=deadline, cancel=cancel)
                through = quota.start(who)
                place.answered(refused=not through)
                if through:
                    return quota.clock.monotonic()

    return run


def at(clock: SimClock, moment: float, action: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        clock.sleep(moment - clock.now, None)
        action()

    return run


def test_before_any_refusal_starts_go_at_once_and_together() -> None:
    clock = SimClock()
    quota = Quota(clock, free=3)
    gate = QuotaGate(clock, random.Random(1))
    done = clock.run(*[create(gate, quota, f"c{i}") for i in range(3)])
    assert done == pytest.approx([0.05] * 3)
    assert quota.most_in_flight == 3


def test_once_refused_starts_take_turns_one_at_a_time_first_come_first_served() -> None:
    clock = SimClock()
    quota = Quota(clock, free=0)
    gate = QuotaGate(clock, random.Random(1))
    # Three of the other caller's jobs end at 10, 20 and 30 s.
    frees = [at(clock, t, lambda: setattr(quota, "free", quota.free + 1)) for t in (10, 20, 30)]

    def later(who: str, delay: float) -> Callable[[], float]:
        start = create(gate, quota, who)

        def run() -> float:
            clock.sleep(delay, None)
            return start()

        return run

    done = clock.run(later("a", 0), later("b", 0.01), later("c", 0.02), *frees)[:3]
    through = [who for _, who, ok in quota.tries if ok]
    assert through == ["a", "b", "c"]  # in the order they came
    assert quota.most_in_flight == 3  # they came before any refusal: all at once
    assert quota.most_in_flight_refused == 1  # then one try at a time
    # Each found its slot within a probe wait of its freeing (max(2 s, 5% of the wait)).
    for freed, when in zip((10, 20, 30), done, strict=True):
        assert freed <= when <= freed + max(2.0, 0.05 * freed) + 0.1
    # However many wait, about one refusal per 1.5 s: not one per waiting create.
    assert quota.refusals() <= 30 / (limits.QUOTA_PROBE_MIN_SECONDS / 2) + 3


def test_one_of_our_jobs_ending_lets_the_first_in_line_try_at_once() -> None:
    clock = SimClock()
    quota = Quota(clock, free=0)
    gate = QuotaGate(clock, random.Random(1))

    def our_job_ends() -> None:
        quota.free += 1
        gate.freed()

    # Refused at 0.05 s; our job ends at 0.4 s, before the first probe could be due (1.05 s).
    done, _ = clock.run(create(gate, quota, "a"), at(clock, 0.4, our_job_ends))
    # (Within the half second a waiter sleeps at most: fake time may move on before a woken
    # thread runs.)
    assert 0.45 <= done < 1.05
    assert quota.refusals() == 1


def test_as_many_try_at_once_as_our_jobs_that_ended() -> None:
    clock = SimClock()
    quota = Quota(clock, free=0)
    gate = QuotaGate(clock, random.Random(1))

    def two_of_ours_end() -> None:
        quota.free += 2
        gate.freed()
        gate.freed()

    done = clock.run(*[create(gate, quota, f"c{i}") for i in range(3)],
                     at(clock, 0.4, two_of_ours_end),
                     at(clock, 5.0, lambda: setattr(quota, "free", quota.free + 1)))[:3]
    assert max(sorted(done)[:2]) < 1.05  # before any probe was due
    assert quota.most_in_flight_refused == 2  # both slots known free: together
    assert 5.0 <= max(done) <= 5.0 + limits.QUOTA_PROBE_MIN_SECONDS + 0.1  # the third: a probe


def test_a_try_that_finds_another_callers_slot_lets_the_next_try_at_once() -> None:
    clock = SimClock()
    quota = Quota(clock, free=0)
    gate = QuotaGate(clock, random.Random(3))
    frees = at(clock, 5, lambda: setattr(quota, "free", 3))  # three of theirs end together
    done = clock.run(*[create(gate, quota, f"c{i}") for i in range(3)], frees)[:3]
    # The first finds one by a probe; the next two follow at once, not a probe wait (1 s or
    # more) apart each.
    assert max(done) - min(done) < 1.0


def test_probe_waits_come_from_the_injected_random_source() -> None:
    """Two processes refused at the same moment come back at different moments (their own
    random sources), each between half and all of max(2 s, 5% of the time full)."""

    def first_tries(seed: int) -> list[float]:
        clock = SimClock()
        quota = Quota(clock, free=0)
        gate = QuotaGate(clock, random.Random(seed))
        clock.run(_until(create(gate, quota, "a", deadline=60.0)))
        return [t for t, _, _ in quota.tries]

    one, same, other = first_tries(1), first_tries(1), first_tries(2)
    assert one == same  # the random source decides, nothing else
    assert one[:5] != other[:5]
    for earlier, later in itertools.pairwise(one):
        # (Each try is answered 0.05 s after it is sent; the quota was full from the first.)
        full_for = earlier - one[0]
        longest = max(limits.QUOTA_PROBE_MIN_SECONDS, limits.QUOTA_PROBE_FRACTION * full_for)
        assert longest / 2 - 1e-6 <= later - earlier - 0.05 <= longest + 1e-6


def _until(start: Callable[[], float]) -> Callable[[], None]:
    """Run a create that ends by its deadline."""

    def run() -> None:
        with pytest.raises(QuotaWaitEndedError, match="timeout"):
            start()

    return run


def test_ten_minutes_of_a_full_quota_cost_one_line_of_tries_not_one_per_create() -> None:
    clock = SimClock()
    quota = Quota(clock, free=0)
    gate = QuotaGate(clock, random.Random(5))
    clock.run(*[_until(create(gate, quota, f"c{i}", deadline=600.0)) for i in range(10)],
              timeout=120)
    tries = [t for t, _, _ in quota.tries]
    gaps = [b - a for a, b in itertools.pairwise(tries)]
    # Ten creates, one line, and waits that grow to 5% of the time full: about 100 tries
    # (each create on its own backoff, 1 s doubling to 30 s as before this line: about 250,
    # and ten creates refused together came back within a quarter of a backoff).
    assert len(tries) < 120
    assert max(gaps) <= limits.QUOTA_PROBE_FRACTION * 600 + 0.1


def test_cancel_and_the_deadline_end_a_wait_in_line() -> None:
    clock = SimClock()
    quota = Quota(clock, free=0)
    gate = QuotaGate(clock, random.Random(1))
    cancel = threading.Event()
    ended: list[str] = []

    def waiting(**kwargs: object) -> Callable[[], None]:
        start = create(gate, quota, "w", **kwargs)  # type: ignore[arg-type]

        def run() -> None:
            try:
                start()
            except QuotaWaitEndedError as stop:
                ended.append(f"{stop.reason} at {clock.now:.1f}")

        return run

    clock.run(waiting(cancel=cancel), waiting(deadline=7.0), at(clock, 3.0, cancel.set))
    reasons = dict(line.split(" at ") for line in ended)
    assert 3.0 <= float(reasons["cancelled"]) <= 3.5  # looked at every half second at least
    assert float(reasons["timeout"]) == 7.0
