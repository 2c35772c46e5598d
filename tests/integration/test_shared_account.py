"""Two provider processes against one emulator with its limits on: two stacks' `pulumi up`
at the same time, sharing the account's API budgets and its import-job quota. Each process
paces itself; only the service's answers tell it of the other. Throttled answers stay few,
every job is started once, and each resource gets its own."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure, ProviderServer
from tests.support.scenario import Scenario

START = "StartReadSetImportJob"
HOST = "omics_resources.dynamic.provider_host"
PER_STACK = 8
QUOTA = 4


@pytest.fixture
def two_servers(provider_env: dict[str, str], emulator_url: str) -> Iterator[list[ProviderServer]]:
    """Two provider processes (two stacks' plugins), each configured for the emulator."""
    servers = [ProviderServer(module=HOST, env=provider_env) for _ in range(2)]
    try:
        for server in servers:
            server.configure({"aws:region": "us-east-1", "omics-resources:endpoint": emulator_url})
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_two_stacks_at_once_share_the_budgets_and_the_quota(
    two_servers: list[ProviderServer], emulator_url: str, control: EmulatorControl,
    request: pytest.FixtureRequest,
) -> None:
    control.durations(submitSeconds=0.2, importSeconds=1.5)
    control.quota(QUOTA, kind="import")
    stacks = [Scenario(emulator_url, server, stack=f"{request.node.name[:30]}-{n}")
              for n, server in enumerate(two_servers)]
    inputs = [[stack.import_props(samples=[f"t{n}s{i}"]) for i in range(PER_STACK)]
              for n, stack in enumerate(stacks)]
    control.call("DELETE", "log")
    outs: dict[tuple[int, int], Any] = {}

    def create(n: int, i: int) -> None:
        outs[n, i] = stacks[n].import_resource(f"r{i}").create(inputs[n][i], timeout=180)

    threads = [threading.Thread(target=create, args=(n, i))
               for n in range(2) for i in range(PER_STACK)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=200)
    assert not [o for o in outs.values() if isinstance(o, Failure)], outs
    assert len(outs) == 2 * PER_STACK
    assert {o[1]["status"] for o in outs.values()} == {"COMPLETED"}

    log = control.log()
    created = [r["jobId"] for r in log["requests"] if r["operation"] == START and r["newJob"]]
    held = [o[1]["job_id"] for o in outs.values()]
    # One job per resource: as many created as resources, each held by exactly one.
    assert sorted(created) == sorted(set(created)) == sorted(held)
    throttled = {name: b["throttled"] for name, b in log["budgets"].items() if b["throttled"]}
    refused = log["quotaExceeded"]
    print(f"two stacks of {PER_STACK}: throttled {throttled}, 402s {refused}, peak requests/s "
          f"{ {n: b['peakPerSecond'] for n, b in log['budgets'].items()} }")
    # The two collide at first (each alone paces at 85% of the budget), then share it: a
    # handful of throttles (before adaptive pacing: 36-39 here), not one per call retried.
    assert sum(throttled.values()) <= 8, throttled
    # The quota was contended (the test means something), and the Starts waiting for it
    # took turns in each process instead of retrying one by one.
    assert 0 < refused <= 2 * PER_STACK, refused
