"""ReadSetImportJob's retry after a partial failure imports only the sources without a
read set, and the one resource maps every source to its read set (issue 11's rule for the
single job resource), through the real provider server against the emulator."""

from __future__ import annotations

from tests.support.cohort import read_sets_by_sample
from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure
from tests.support.scenario import Scenario

START = "StartReadSetImportJob"


def test_retry_after_partial_failure_imports_only_the_failed_source(
    scenario: Scenario, control: EmulatorControl
) -> None:
    resource = scenario.import_resource("pair")
    props = scenario.import_props(samples=["a"])
    props["sources"].append(scenario.source("b"))  # its object is not uploaded yet
    failure = resource.create(props)
    assert isinstance(failure, Failure)
    assert "ended COMPLETED_WITH_FAILURES" in failure.details
    assert "a new job will import only the failed sources" in failure.details
    assert "Changing a source (a path, a field) makes a new request" in failure.details
    [first] = control.new_jobs(START)

    scenario.upload("b")
    id_, outs = scenario.create(resource, props)
    [_, second] = control.new_jobs(START)
    retry = scenario.omics().get_read_set_import_job(sequenceStoreId=scenario.store_id, id=second)
    assert [s["sampleId"] for s in retry["sources"]] == ["b"]
    stored = read_sets_by_sample(scenario.omics(), scenario.store_id)
    assert {k: len(v) for k, v in stored.items()} == {"a": 1, "b": 1}  # a imported once

    assert id_ == f"{scenario.store_id}/{second}"
    assert (outs["job_id"], outs["job_ids"], outs["status"]) == (second, [first, second], "COMPLETED")
    assert [(s["sample_id"], s["status"], s["job_id"]) for s in outs["sources"]] == [
        ("a", "FINISHED", first), ("b", "FINISHED", second)]
    assert outs["read_set_ids"] == [stored["a"][0], stored["b"][0]]
    assert outs["read_set_statuses"] == dict.fromkeys(outs["read_set_ids"], "ACTIVE")

    # Refresh reads the last job and keeps what the first one imported.
    _, refreshed = resource.read(id_, outs)
    assert refreshed["read_set_ids"] == outs["read_set_ids"]
    assert [s["job_id"] for s in refreshed["sources"]] == [first, second]
    assert refreshed["job_ids"] == [first, second]
