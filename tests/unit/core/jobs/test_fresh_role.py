"""A role created in the same `pulumi up` as the import: the service refuses it while IAM
propagates it, and the Start is tried again with backoff for a bounded time, then fails
naming the role (issue 26). Against the emulator on fake time, its ``freshRoleSeconds``
switch refusing the role for its first seconds."""

from __future__ import annotations

import threading

import pytest

from harness.clients import ROLE_ARN
from omics_resources.core import limits
from omics_resources.core.errors import RoleNotAssumableError
from omics_resources.core.jobs.import_job import ReadSetImportJobBehaviour
from omics_resources.core.resource import Runtime
from omics_resources.core.watch.polling import default_policy
from omics_resources.emulator import Durations
from tests.support.clock import FakeClock
from tests.support.fake_time import FakeTimeEmulator, FakeWorld

START = "StartReadSetImportJob"


@pytest.fixture
def world(fake_emulator: FakeTimeEmulator) -> FakeWorld:
    return fake_emulator.world(FakeClock(), Durations(submit_seconds=0, import_seconds=5))


def behaviour(world: FakeWorld) -> ReadSetImportJobBehaviour:
    return ReadSetImportJobBehaviour(Runtime(
        clock=world.clock, cancel=threading.Event(), settings=world.settings,
        policy=lambda timeout: default_policy(timeout, jitter=False),
        given_scheduler=world.scheduler(), sink=lambda _line: None))


def test_a_role_refused_for_its_first_20_seconds_is_waited_for(world: FakeWorld) -> None:
    world.control.behaviour(freshRoleSeconds=20)
    created = behaviour(world).create(world.import_props("a"))
    assert created.outputs["status"] == "COMPLETED"
    log = world.control.log()
    refused = [e for e in log["requests"] if e["operation"] == START and e["status"] == 400]
    # 1 + 2 + 4 + 8 s of backoff pass 15 s; the fifth try, 15 s later, is past 20 s.
    assert len(refused) == 5, refused
    assert world.control.count(START) == 6


def test_a_role_never_assumable_fails_naming_it_after_the_bound(world: FakeWorld) -> None:
    world.control.behaviour(freshRoleSeconds=10_000)
    with pytest.raises(RoleNotAssumableError) as failed:
        behaviour(world).create(world.import_props("a"))
    assert ROLE_ARN in str(failed.value)
    assert "trust policy" in str(failed.value)
    # Tried for the bound, no longer: a wrong role is not waited on for wait_timeout.
    assert limits.ROLE_PROPAGATION_SECONDS <= world.clock.now < limits.ROLE_PROPAGATION_SECONDS + 30
    assert world.control.count(START) < 15


def test_another_refusal_is_not_taken_for_a_fresh_role(world: FakeWorld) -> None:
    world.control.fault(operation=START, error="AccessDeniedException", count=1)
    with pytest.raises(Exception, match="AccessDeniedException") as failed:
        behaviour(world).create(world.import_props("a"))
    assert not isinstance(failed.value, RoleNotAssumableError)
    assert world.control.count(START) == 1
