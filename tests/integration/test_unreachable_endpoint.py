"""An endpoint that never answers (a typo, a closed port) fails within a few minutes,
naming the endpoint, the region and the error, and never blames the job quota; once the
API has answered, a dropped connection is retried like any transient error.

The give-up (90 s of silence) is measured on the injected clock: on fake time here, so the
tests take milliseconds; through the real provider server only the first moments are seen.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path

import botocore.exceptions
import pytest

from harness.clients import REGION
from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.api import OmicsApi
from omics_resources.core.account.ratelimit import RateLimiter
from omics_resources.core.account.scheduler import JobSlots, Scheduler
from omics_resources.core.errors import EndpointUnreachableError
from omics_resources.core.jobs.import_job import ImportKind
from omics_resources.dynamic.import_job import ReadSetImportJobProvider
from omics_resources.emulator import Durations, EmulatorServer
from tests.support.clock import FakeClock
from tests.support.emulator_control import EmulatorControl
from tests.support.fake_time import FakeWorld, HookedClock, job_run
from tests.support.provider_server import Failure, ProviderServer, Resource
from tests.support.scenario import Scenario

KIND = ImportKind()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening: every connection to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@pytest.fixture
def one_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore tries each call once (its own retries would only add real time here)."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


def api_for(url: str, clock: FakeClock) -> OmicsApi:
    settings = aws.AwsSettings(region=REGION, endpoint_url=url)
    return OmicsApi(lambda: aws.omics_client(settings),
                    RateLimiter(limits.RATE_BUDGETS, clock=clock), clock=clock)


def test_an_endpoint_that_never_answered_is_given_up_naming_it(
    closed_port: int, one_attempt: None
) -> None:
    clock = FakeClock()
    api = api_for(f"http://127.0.0.1:{closed_port}", clock)
    for clock.now in (0.0, 45.0, limits.NO_ANSWER_GIVE_UP_SECONDS - 0.1):
        # Refused, but not for long: worth another try.
        with pytest.raises(botocore.exceptions.EndpointConnectionError) as refused:
            api.call("ListSequenceStores")
        assert api.is_transient(refused.value)
    clock.now = limits.NO_ANSWER_GIVE_UP_SECONDS
    with pytest.raises(EndpointUnreachableError) as unreachable:
        api.call("ListSequenceStores")
    assert not api.is_transient(unreachable.value)
    message = str(unreachable.value)
    assert message.startswith(f"no answer from the HealthOmics endpoint http://127.0.0.1:"
                              f"{closed_port} (region {REGION}) in 90 s of trying: ")
    assert "Could not connect to the endpoint URL" in message
    assert "quota" not in message


def test_the_silence_counts_from_the_first_call_that_went_unanswered(
    closed_port: int, one_attempt: None
) -> None:
    """A call to a black-holed address takes its connect timeout (and botocore's retries)
    before it fails: those seconds are trying too. Two calls of 60 s each, back to back, are
    120 s of silence: the second gives up (not a third, after 180 s)."""
    clock = FakeClock()
    url = f"http://127.0.0.1:{closed_port}"
    api = api_for(url, clock)
    client = aws.omics_client(aws.AwsSettings(region=REGION, endpoint_url=url))

    def slow_connect(**_: object) -> None:
        clock.sleep(60, None)  # the connect timeout running out, on fake time

    client.meta.events.register("before-send.omics", slow_connect)
    try:
        with pytest.raises(botocore.exceptions.EndpointConnectionError):
            api.call("ListSequenceStores")  # 60 s of silence: another try is worth it
        with pytest.raises(EndpointUnreachableError) as unreachable:
            api.call("ListSequenceStores")
    finally:
        client.meta.events.unregister("before-send.omics", slow_connect)
    assert clock.now == 120
    assert "in 120 s of trying" in str(unreachable.value)


def test_a_create_against_it_fails_naming_endpoint_and_region(
    closed_port: int, one_attempt: None
) -> None:
    """The whole create on fake time: the Start is retried (said each time) until the
    endpoint has been silent for the give-up time, then fails naming it; nothing about a
    quota, and the slot is given back."""
    clock, out = FakeClock(), io.StringIO()
    url = f"http://127.0.0.1:{closed_port}"
    scheduler = Scheduler(api=api_for(url, clock), slots={"import": JobSlots(1, clock)},
                          clock=clock)
    props = {"sequence_store_id": "1234567890", "role_arn": "arn:aws:iam::123456789012:role/R",
             "sources": [{"source_file_type": "FASTQ", "source1": "s3://b/k.fq",
                          "subject_id": "s", "sample_id": "x"}],
             "scope": {"project": "p", "stack": "s", "resource_name": "typo"}}
    with pytest.raises(EndpointUnreachableError) as unreachable:
        job_run(KIND, props, scheduler, clock, out).run(wait=True)
    assert f"endpoint {url} (region {REGION})" in str(unreachable.value)
    assert limits.NO_ANSWER_GIVE_UP_SECONDS <= clock.now < 2 * limits.NO_ANSWER_GIVE_UP_SECONDS
    lines = out.getvalue().splitlines()
    assert lines[0] == "[typo] import job: EndpointConnectionError from the API (try 1); retrying"
    assert not any("quota" in line for line in lines), lines
    assert scheduler.slots["import"].held == 0


def test_through_the_server_an_interrupted_create_does_not_blame_the_quota(
    closed_port: int, provider_env: dict[str, str], scenario: Scenario
) -> None:
    server = ProviderServer(env={**provider_env, "AWS_MAX_ATTEMPTS": "1"})
    try:
        server.configure({"aws:region": REGION,
                          "omics-resources:endpoint": f"http://127.0.0.1:{closed_port}"})
        resource = Resource(server, ReadSetImportJobProvider(), "typo", "ReadSetImportJob",
                            extra={"scope": {"project": "p", "stack": "s", "resource_name": "typo"}})
        props = scenario.import_props()

        def cancel_once_retrying() -> None:
            Scenario.eventually(lambda: list(server.output),
                                lambda out: any("retrying" in line for line in out))
            server.cancel()

        failure = Scenario.in_background(cancel_once_retrying, lambda: resource.create(props))
    finally:
        server.stop()
    assert isinstance(failure, Failure)
    # Cancelled while retrying the Start: said as a cancel (issue 16), never as the quota.
    assert failure.details.startswith(
        "typo: no import job was started: the update was cancelled after "), failure.details
    assert "of retrying StartReadSetImportJob after API errors" in failure.details
    assert "quota" not in failure.details
    assert any("[typo] import job: EndpointConnectionError from the API (try 1); retrying" in line
               for line in server.output), server.output


def test_after_an_answer_a_dropped_connection_is_retried_however_long(
    tmp_path: Path, one_attempt: None
) -> None:
    """The emulator stops mid-wait (longer than the give-up time) and comes back on the same
    port with its state: the create says each failed poll, keeps waiting and finishes."""
    running: list[EmulatorServer] = []
    state = str(tmp_path / "emulator.json")
    port = 0

    def start() -> None:
        nonlocal port
        server = EmulatorServer(port=port, state_file=state, clock=clock.time,
                                durations=Durations(submit_seconds=1, import_seconds=200))
        running.append(server.start())
        port = int(server.url.rsplit(":", 1)[1])

    def stop() -> None:
        running.pop().stop()

    clock = HookedClock((10, stop), (10 + 2 * limits.NO_ANSWER_GIVE_UP_SECONDS, start))
    start()
    try:
        url = running[0].url
        world = FakeWorld(clock, url, EmulatorControl(url))
        job = world.job_run(KIND, world.import_props("a"), world.scheduler()).run(wait=True)
    finally:
        while running:
            stop()
    assert job["status"] == "COMPLETED"
    failed_polls = [line for line in world.lines() if "EndpointConnectionError from the API" in line]
    assert len(failed_polls) >= 10, world.lines()
    assert all(line.endswith("; retrying") for line in failed_polls)
