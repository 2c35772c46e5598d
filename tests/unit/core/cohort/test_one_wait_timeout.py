"""One ``wait_timeout`` per ``pulumi up`` of a cohort, whatever it waits for: a job an
earlier run left running and the new batches share it (issue 26). Against the emulator on
fake time (real HTTP, its limits on)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from omics_resources.core.cohort.behaviour import CohortImportBehaviour
from omics_resources.core.cohort.verdict import CohortImportError
from omics_resources.core.resource import Runtime
from omics_resources.core.watch.polling import default_policy
from omics_resources.emulator import Durations
from tests.support.fake_time import FakeTimeEmulator, FakeWorld
from tests.support.sim_clock import SimClock

TIMEOUT = 100.0


def cohort(world: FakeWorld) -> CohortImportBehaviour:
    return CohortImportBehaviour(Runtime(
        clock=world.clock, cancel=threading.Event(), settings=world.settings,
        policy=lambda timeout: default_policy(timeout, jitter=False),
        given_scheduler=world.scheduler(), sink=lambda _line: None))


def props(world: FakeWorld, *samples: str) -> dict[str, Any]:
    inputs = world.import_props(*samples, resource="cohort", wait_timeout=TIMEOUT)
    for source in inputs["sources"]:
        source["name"] = source["sample_id"]
    return dict(cohort(world).check({}, inputs).inputs)


def test_a_found_running_job_and_the_new_batch_share_one_wait_timeout(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """The first run times out with its job running (150 s imports, 100 s to wait). The
    next, with a row added, finds that job, which ends 50 s in; the new row's job would end
    200 s in: the run gives up at its own 100 s, not 100 s after the new job began."""
    clock = SimClock()
    world = fake_emulator.world(clock, Durations(submit_seconds=0, import_seconds=150))
    with pytest.raises(CohortImportError):
        clock.run(lambda: cohort(world).create(props(world, "a", "b")))
    began = clock.now
    assert began == pytest.approx(TIMEOUT, abs=10)
    with pytest.raises(CohortImportError, match="IN_PROGRESS"):
        clock.run(lambda: cohort(world).create(props(world, "a", "b", "c")))
    assert clock.now - began <= TIMEOUT + 10, clock.now - began
