"""Progress lines: said on change, repeated on a heartbeat while nothing changes."""

from __future__ import annotations

import io

from omics_resources.core.progress import Progress


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_changes_are_said_once_each() -> None:
    stream, clock = io.StringIO(), FakeTime()
    progress = Progress("reads", "import job", stream, heartbeat=300, clock=clock)
    for text in ("SUBMITTED", "SUBMITTED", "IN_PROGRESS (0/2)", "IN_PROGRESS (0/2)",
                 "IN_PROGRESS (1/2)"):
        clock.now += 10
        progress.status("42", text)
    assert lines(stream) == ["[reads] import job 42: SUBMITTED",
                             "[reads] import job 42: IN_PROGRESS (0/2)",
                             "[reads] import job 42: IN_PROGRESS (1/2)"]


def test_a_long_unchanged_wait_repeats_on_the_heartbeat() -> None:
    stream, clock = io.StringIO(), FakeTime()
    progress = Progress("reads", "import job", stream, heartbeat=300, clock=clock)
    progress.status("42", "IN_PROGRESS (0/1)")
    for _ in range(2 * 60 * 2):  # two hours of polls every 30 s (the backoff cap)
        clock.now += 30
        progress.status("42", "IN_PROGRESS (0/1)")
    said = lines(stream)
    assert len(said) == 1 + 7200 // 300
    assert said[1] == "[reads] import job 42: IN_PROGRESS (0/1), unchanged for 5 min 00 s"
    assert said[-1] == "[reads] import job 42: IN_PROGRESS (0/1), unchanged for 2 h 00 min"
    clock.now += 30
    progress.status("42", "COMPLETED (1/1)")
    assert lines(stream)[-1] == "[reads] import job 42: COMPLETED (1/1)"
