"""When a store is polled next: the interval policy for ends nobody can predict, close
watching for ends its history predicts (jobs of like size end together)."""

from __future__ import annotations

import pytest

from omics_resources.core import limits
from omics_resources.core.watch.pace import OpenJob, Pace
from omics_resources.core.watch.polling import PollState, wait_proportional

WATCH = wait_proportional(limits.WATCH_INTERVAL_FRACTION, limits.WATCH_MIN_INTERVAL_SECONDS,
                          limits.WATCH_MAX_INTERVAL_SECONDS)
CLOSE = limits.WATCH_CLOSE_SECONDS
T0 = 1_000_000.0


def test_with_no_history_the_interval_policy_decides() -> None:
    pace = Pace(WATCH)
    one = [OpenJob(T0, 1)]
    assert pace.delay(T0 + 1000, 0.0, one) == pytest.approx(WATCH(PollState(0, 1000)))
    many = [OpenJob(T0 + i, 1) for i in range(16)]  # one List serves 16: 4x as often
    assert pace.delay(T0 + 1015, 0.0, many) == pytest.approx(WATCH(PollState(0, 1000)) / 4)
    assert pace.delay(T0 + 15, 0.0, many) == limits.WATCH_SHARED_FLOOR_SECONDS
    assert pace.due(OpenJob(T0, 1)) is None


def test_a_job_is_watched_closely_while_due_by_its_likes() -> None:
    """Jobs of 100 sources ended after 600 to 610 s: another of 100 sources is due from
    599.5 s to 611 s after its creation. Before: the interval policy, or the window's start
    if sooner; within: every CLOSE seconds; after: the interval policy again."""
    pace = Pace(WATCH)
    pace.ended(100, 600.0)
    pace.ended(100, 610.0)
    pace.ended(1, 30.0)  # a job of another size says nothing here
    job = OpenJob(T0, 100)
    assert pace.due(job) == (T0 + 600 - CLOSE, T0 + 610 + 2 * CLOSE)
    assert pace.delay(T0 + 100, 0.0, [job]) == pytest.approx(WATCH(PollState(0, 100)))
    assert pace.delay(T0 + 595, 0.0, [job]) == pytest.approx(600 - CLOSE - 595)
    assert pace.delay(T0 + 599.7, 0.2, [job]) == CLOSE  # counted from the poll's start
    assert pace.delay(T0 + 611, 0.0, [job]) == CLOSE
    assert pace.delay(T0 + 612, 0.0, [job]) == pytest.approx(WATCH(PollState(0, 612)))


def test_a_size_never_seen_is_due_by_every_job_of_the_store() -> None:
    pace = Pace(WATCH)
    pace.ended(1, 5.0)
    pace.ended(2, 7.0)
    assert pace.due(OpenJob(T0, 50)) == (T0 + 5 - CLOSE, T0 + 7 + 2 * CLOSE)
    assert pace.due(OpenJob(T0, None)) == (T0 + 5 - CLOSE, T0 + 7 + 2 * CLOSE)


def test_a_poll_is_never_sooner_than_the_close_interval() -> None:
    """Due any moment, a poll that took a while: the next comes CLOSE after its start at
    the soonest, whatever the windows say."""
    pace = Pace(WATCH)
    pace.ended(1, 5.0)
    jobs = [OpenJob(T0 + i * 0.2, 1) for i in range(10)]
    for now in (T0 + 4.4, T0 + 5.0, T0 + 6.5):
        assert pace.delay(now, 0.05, jobs) == CLOSE
