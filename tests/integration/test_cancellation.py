"""The engine's Cancel (Ctrl-C on `pulumi up`) ends a wait at once; the job goes on and the
next create picks it up."""

from __future__ import annotations

from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure, ProviderServer
from tests.support.scenario import Scenario

START = "StartReadSetImportJob"




def test_cancel_stops_waiting_and_rerun_reattaches(
    own_server: ProviderServer, scenario: Scenario, control: EmulatorControl
) -> None:
    control.durations(importSeconds=3)
    cancelled = Scenario(scenario.url, own_server, scenario.stack + "-own")
    resource = cancelled.import_resource("interrupted")
    props = cancelled.import_props()

    def cancel_once_running() -> None:
        scenario.eventually(lambda: control.new_jobs(START), bool)
        own_server.cancel()

    failure = Scenario.in_background(cancel_once_running, lambda: resource.create(props))
    assert isinstance(failure, Failure)
    [job_id] = control.new_jobs(START)
    assert f"import job {job_id} is still" in failure.details
    assert "the update was cancelled" in failure.details

    # The next `pulumi up` runs a new provider process: it reattaches, starts nothing new.
    _, outs = scenario.create(resource.on(scenario.server), props)
    assert outs["job_id"] == job_id
    assert control.new_jobs(START) == [job_id]
