"""A cohort's batches on a fake clock against the emulator on the same clock: a cancel
while the service's job quota keeps a batch from starting."""

from __future__ import annotations

import threading

import pytest

from omics_resources.core.cohort.run import CohortRun
from omics_resources.core.cohort.state import Declared
from omics_resources.core.cohort.verdict import CohortImportError, verdict
from omics_resources.core.progress import Progress
from omics_resources.core.watch.polling import default_policy
from omics_resources.emulator import Durations
from tests.support.fake_time import FakeTimeEmulator, HookedClock


def test_cancel_during_a_quota_wait_is_reported_as_cancelled(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """Ctrl-C while Start answers 402 for the only batch: the batch is reported cancelled
    (and so is the cohort's verdict), never as the quota staying full."""
    cancel = threading.Event()
    world = fake_emulator.world(HookedClock((10, cancel.set)), Durations(import_seconds=3600))
    world.hold_the_quota()
    declared = Declared.of(world.import_props("a", "b")["sources"])
    assert declared is not None
    lines: list[str] = []
    run = CohortRun(
        resource="cohort", scope={"project": "p", "stack": "s", "resource_name": "cohort"},
        store=world.store_id, role_arn=world.import_props("a")["role_arn"], declared=declared,
        wait=True, wait_timeout=7200, scheduler=world.scheduler(), clock=world.clock,
        cancel=cancel, policy=lambda timeout: default_policy(timeout, jitter=False),
        sink=lines.append)
    [result] = run.run({"1": list(declared.keys)})
    assert result.cancelled, result
    assert result.problem is not None
    # Seen within half a second of the cancel (at 10 s): the quota wait wakes that often.
    assert "the update was cancelled after 10 s of waiting for the service's job quota" in (
        result.problem)
    assert "stayed full" not in result.problem
    with pytest.raises(CohortImportError) as failed:
        verdict(Progress("cohort", "cohort", sink=lines.append), declared, [result],
                allow_partial=False)
    assert "the update was cancelled; started jobs keep running" in str(failed.value)
