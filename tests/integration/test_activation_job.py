"""ReadSetActivationJob through the real dynamic-provider server, against the emulator."""

from __future__ import annotations

from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure
from tests.support.scenario import Scenario

START = "StartReadSetActivationJob"


def imported(scenario: Scenario, samples: list[str]) -> list[str]:
    _, outs = scenario.create(scenario.import_resource("reads"), scenario.import_props(samples))
    return list(outs["read_set_ids"])


def test_activation_makes_archived_read_sets_active(scenario: Scenario, control: EmulatorControl) -> None:
    ids = imported(scenario, ["a", "b"])
    control.archive(scenario.store_id, ids)
    id_, outs = scenario.create(scenario.activation_resource("activate"),
                                {"sequence_store_id": scenario.store_id, "read_set_ids": ids})
    assert outs["status"] == "COMPLETED"
    assert id_ == f"{scenario.store_id}/{outs['job_id']}"
    assert outs["read_set_statuses"] == dict.fromkeys(ids, "ACTIVE")
    assert [s["read_set_id"] for s in outs["sources"]] == ids
    assert [s["status"] for s in outs["sources"]] == ["FINISHED", "FINISHED"]
    assert control.new_jobs(START) == [outs["job_id"]]


def test_drift_is_repaired_by_one_new_job(scenario: Scenario, control: EmulatorControl) -> None:
    ids = imported(scenario, ["a"])
    control.archive(scenario.store_id, ids)
    resource = scenario.activation_resource("activate")
    props = {"sequence_store_id": scenario.store_id, "read_set_ids": ids}
    id_, outs = scenario.create(resource, props)

    # Thirty days later the read sets are archived again; refresh sees it ...
    control.archive(scenario.store_id, ids)
    _, refreshed = resource.read(id_, outs)
    assert refreshed["read_set_statuses"] == {ids[0]: "ARCHIVED"}
    # ... the next up plans a replacement ...
    diff = resource.diff(id_, refreshed, scenario.checked(resource, props))
    assert list(diff.replaces) == ["read_set_statuses"]
    # ... and the replacement's create (same inputs) starts exactly one new job.
    _, again = scenario.create(resource, props)
    assert again["job_id"] != outs["job_id"]
    assert again["read_set_statuses"] == {ids[0]: "ACTIVE"}
    assert control.new_jobs(START) == [outs["job_id"], again["job_id"]]


def test_already_active_read_set_is_a_documented_no_op(scenario: Scenario) -> None:
    ids = imported(scenario, ["a"])
    _, outs = scenario.create(scenario.activation_resource("noop"),
                              {"sequence_store_id": scenario.store_id, "read_set_ids": ids})
    assert outs["status"] == "COMPLETED"
    assert outs["sources"][0]["status"] == "FINISHED"


def test_unknown_read_set_fails_the_job_with_its_message(scenario: Scenario) -> None:
    failure = scenario.activation_resource("unknown").create(
        {"sequence_store_id": scenario.store_id, "read_set_ids": ["9999999999"], "wait": True})
    assert isinstance(failure, Failure)
    assert "ended FAILED" in failure.details
    assert "read_set_ids[0] (9999999999): FAILED" in failure.details


def test_delete_is_a_no_op(scenario: Scenario, control: EmulatorControl) -> None:
    ids = imported(scenario, ["a"])
    control.archive(scenario.store_id, ids)
    resource = scenario.activation_resource("activate")
    id_, outs = scenario.create(resource, {"sequence_store_id": scenario.store_id, "read_set_ids": ids})
    before = sum(control.log()["counts"].values())
    assert resource.delete(id_, outs) is None
    assert sum(control.log()["counts"].values()) == before
