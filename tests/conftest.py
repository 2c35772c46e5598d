"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from omics_resources.emulator import Durations, EmulatorServer
from tests.support.emulator_control import EmulatorControl
from tests.support.fake_time import FakeTimeEmulator, fake_time_emulator
from tests.support.inputs import activation_props, import_props
from tests.support.provider_server import ProviderServer
from tests.support.scenario import Scenario

#: Job durations for tests: long enough to see every status, short enough to be quick.
FAST = Durations(submit_seconds=0.1, import_seconds=0.3, activation_seconds=0.3)
TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAINTEGRATIONTEST",
    "AWS_SECRET_ACCESS_KEY": "integration-secret-key",
}


@pytest.fixture
def valid_import_props() -> dict[str, Any]:
    """Valid import-job inputs."""
    return import_props()


@pytest.fixture
def valid_activation_props() -> dict[str, Any]:
    """Valid activation-job inputs."""
    return activation_props()


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorServer]:
    """One in-process emulator for the session, on a free loopback port; stopped at the end."""
    with EmulatorServer(port=0, durations=FAST) as server:
        yield server


@pytest.fixture(scope="session")
def emulator_url(emulator: EmulatorServer) -> str:
    """The emulator's endpoint URL."""
    return emulator.url


@pytest.fixture(scope="module")
def fake_emulator() -> Iterator[FakeTimeEmulator]:
    """One emulator on switchable fake time for the module (each test's world puts it on
    that test's clock)."""
    with fake_time_emulator() as emulator:
        yield emulator


@pytest.fixture(scope="session", autouse=True)
def fake_aws_environment() -> Iterator[None]:
    """Fake credentials and a region for every boto3 client the tests build; no real AWS."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**TEST_CREDENTIALS, "AWS_DEFAULT_REGION": "us-east-1",
                            "AWS_EC2_METADATA_DISABLED": "true"}.items():
            patch.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_OMICS"):
            patch.delenv(name, raising=False)
        yield


@pytest.fixture
def control(emulator_url: str) -> EmulatorControl:
    """The emulator's control API, reset to fast durations, no faults, no quota."""
    control = EmulatorControl(emulator_url)
    control.reset()
    control.durations(**FAST.to_wire())
    return control


@pytest.fixture(scope="session")
def provider_env() -> dict[str, str]:
    """The environment of a provider process: fake credentials, nothing else of AWS."""
    return {**TEST_CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture(scope="session")
def provider_server(provider_env: dict[str, str], emulator_url: str) -> Iterator[ProviderServer]:
    """The real dynamic-provider server, configured (as the engine does) for the emulator."""
    server = ProviderServer(env=provider_env)
    server.configure({"aws:region": "us-east-1", "omics-resources:endpoint": emulator_url})
    yield server
    server.stop()


@pytest.fixture
def scenario(emulator_url: str, provider_server: ProviderServer, control: EmulatorControl,
             request: pytest.FixtureRequest) -> Scenario:
    """A fresh sequence store and bucket, and the provider server, for one test."""
    provider_server.output.clear()
    return Scenario(emulator_url, provider_server, stack=request.node.name[:40])


@pytest.fixture
def own_server(provider_env: dict[str, str], emulator_url: str) -> Iterator[ProviderServer]:
    """A server of its own: Cancel is final for the process that receives it."""
    server = ProviderServer(env=provider_env)
    server.configure({"aws:region": "us-east-1", "omics-resources:endpoint": emulator_url})
    yield server
    server.stop()
