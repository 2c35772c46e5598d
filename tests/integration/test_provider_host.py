"""Under our provider host a failure the user must act on (our error classes) arrives as its
message alone; an unexpected exception keeps its traceback. Through the real servers over
gRPC, beside the SDK's own server (which sends a traceback for both)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.broken_provider import BrokenProvider
from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure, ProviderServer, Resource
from tests.support.scenario import Scenario

START = "StartReadSetImportJob"
STOCK = "pulumi.dynamic"


@pytest.fixture
def stock_server(provider_env: dict[str, str], emulator_url: str) -> Iterator[ProviderServer]:
    """The SDK's own dynamic-provider server, configured for the emulator."""
    server = ProviderServer(module=STOCK, env=provider_env)
    server.configure({"aws:region": "us-east-1", "omics-resources:endpoint": emulator_url})
    yield server
    server.stop()


def failed_job(scenario: Scenario) -> Failure:
    """Create an import job whose one source was never uploaded: it ends FAILED."""
    failure = scenario.import_resource("missing").create(
        scenario.import_props(samples=["never-uploaded"], upload=False))
    assert isinstance(failure, Failure)
    return failure


def test_our_error_is_its_message_alone(scenario: Scenario, control: EmulatorControl) -> None:
    failure = failed_job(scenario)
    [job_id] = control.new_jobs(START)
    assert failure.details.startswith(f"missing: import job {job_id} ended FAILED:\n")
    assert "not found" in failure.details
    assert "Traceback" not in failure.details
    assert "pulumi/dynamic" not in failure.details


def test_the_stock_server_sends_the_traceback_of_our_error(
    stock_server: ProviderServer, scenario: Scenario, control: EmulatorControl
) -> None:
    failure = failed_job(Scenario(scenario.url, stock_server, scenario.stack + "-stock"))
    [job_id] = control.new_jobs(START)
    assert failure.details.startswith("Traceback (most recent call last):")
    assert "pulumi/dynamic/__main__.py" in failure.details
    assert f"JobFailedError: missing: import job {job_id} ended FAILED" in failure.details


@pytest.mark.parametrize("module", ["omics_resources.dynamic.provider_host", STOCK])
def test_an_unexpected_exception_keeps_its_traceback(
    module: str, provider_server: ProviderServer, stock_server: ProviderServer
) -> None:
    server = provider_server if module != STOCK else stock_server
    failure = Resource(server, BrokenProvider(), "broken", "Broken").create({})
    assert isinstance(failure, Failure)
    assert failure.details.startswith("Traceback (most recent call last):")
    assert "in _lookup" in failure.details
    assert failure.details.rstrip().endswith("RuntimeError: an unexpected bug in a provider")
