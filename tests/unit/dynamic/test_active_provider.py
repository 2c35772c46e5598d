"""ActiveReadSets' pure parts: check (preview), diff, batching, the lookup window, the id.
No AWS call may happen in any of them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pulumi.runtime import rpc

from omics_resources import ActiveReadSetsArgs, ActiveReadSetsProvider
from omics_resources.core.active.batches import ACTIVATION_JOB_MAX_READ_SETS, batches
from omics_resources.core.active.behaviour import ACTIVE_FIELDS, lost_read_sets, resource_id
from omics_resources.core.active.census import Window, counts
from tests.support.inputs import SCOPE, STORE_ID

PROVIDER = ActiveReadSetsProvider()
IDS = [f"{1000000000 + n}" for n in range(45)]


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """check and diff are pure: building a client fails the test."""

    def refuse(*_a: Any, **_k: Any) -> None:
        raise AssertionError("check and diff must not call AWS")

    monkeypatch.setattr("omics_resources.core.account.aws.omics_client", refuse)


def props(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"sequence_store_id": STORE_ID, "read_set_ids": list(IDS),
                            "scope": dict(SCOPE, resource_name="cohort-active")}
    return {**base, **overrides}


def failures(values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.property, f.reason) for f in PROVIDER.check({}, values).failures]


def checked(values: dict[str, Any]) -> dict[str, Any]:
    result = PROVIDER.check({}, values)
    assert result.failures == []
    return dict(result.inputs)


def outputs(values: dict[str, Any], statuses: dict[str, str] | None = None,
            jobs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Old outputs as create returns them."""
    inputs = checked(values)
    statuses = statuses or dict.fromkeys(inputs["read_set_ids"], "ACTIVE")
    return {**inputs, "read_set_statuses": statuses, "status_counts": counts(statuses),
            "activation_jobs": jobs or [], "created_between": None}


# -- check ---------------------------------------------------------------------------------


def test_any_number_of_read_sets_pass_and_get_defaults() -> None:
    inputs = checked(props(read_set_ids=[f"{2000000000 + n}" for n in range(1000)]))
    assert (inputs["wait"], inputs["wait_timeout"], inputs["allow_partial"]) == (True, 43200, False)


def test_no_read_sets_is_fine_but_the_store_is_still_checked() -> None:
    assert failures(props(read_set_ids=[])) == []
    [(path, reason)] = failures(props(read_set_ids=[], sequence_store_id="store-0001"))
    assert path == "sequence_store_id"
    assert "digits only" in reason


def test_a_bad_id_is_named_by_its_place_across_job_boundaries() -> None:
    ids = list(IDS)
    ids[3], ids[25], ids[44] = "12345", "12345678901x", ""
    found = dict(failures(props(read_set_ids=ids)))
    assert set(found) == {"read_set_ids[3]", "read_set_ids[25]", "read_set_ids[44]"}
    assert "at least 10 characters" in found["read_set_ids[3]"]
    assert "digits only, but character 12 is 'x'" in found["read_set_ids[25]"]


def test_a_bad_store_is_reported_once_however_many_jobs() -> None:
    found = failures(props(sequence_store_id="123"))
    assert found == [("sequence_store_id", "must have at least 10 characters (got '123')")]


def test_duplicates_name_both_positions() -> None:
    ids = [*IDS, IDS[7]]
    [(path, reason)] = failures(props(read_set_ids=ids))
    assert path == f"read_set_ids[{len(IDS)}]"
    assert "repeats read_set_ids[7]" in reason


@pytest.mark.parametrize(("name", "value", "rule"), [
    ("wait", "yes", "must be true or false"),
    ("wait_timeout", -5, "positive number of seconds"),
    ("allow_partial", 1, "must be true or false"),
])
def test_settings_are_checked(name: str, value: Any, rule: str) -> None:
    [(path, reason)] = failures(props(**{name: value}))
    assert path == name
    assert rule in reason


def test_missing_inputs_and_wrong_kinds_are_named() -> None:
    found = dict(failures({"read_set_ids": "1234567890"}))
    assert "is required" in found["sequence_store_id"]
    assert "must be a list" in found["read_set_ids"]


def test_unknown_values_at_preview_pass() -> None:
    assert failures(props(read_set_ids=rpc.UNKNOWN)) == []
    assert failures(props(read_set_ids=[IDS[0], rpc.UNKNOWN])) == []
    assert failures(props(sequence_store_id=rpc.UNKNOWN)) == []


def test_args_mirror_the_field_table() -> None:
    assert [f.name for f in dataclasses.fields(ActiveReadSetsArgs)] == [
        f.name for f in ACTIVE_FIELDS]


# -- diff ----------------------------------------------------------------------------------


def test_same_inputs_and_all_active_no_changes() -> None:
    result = PROVIDER.diff("id", outputs(props()), checked(props()))
    assert (result.changes, result.replaces) == (False, [])


def test_archived_read_sets_are_drift_updated_in_place() -> None:
    statuses = dict.fromkeys(IDS, "ACTIVE") | {IDS[4]: "ARCHIVED", IDS[30]: "ARCHIVED"}
    result = PROVIDER.diff("id", outputs(props(), statuses), checked(props()))
    assert (result.changes, result.replaces) == (True, [])
    assert lost_read_sets(outputs(props(), statuses), checked(props())) == {
        IDS[4]: "ARCHIVED", IDS[30]: "ARCHIVED"}


def test_deleted_is_drift_unless_allow_partial() -> None:
    statuses = dict.fromkeys(IDS, "ACTIVE") | {IDS[2]: "DELETED"}
    assert PROVIDER.diff("id", outputs(props(), statuses), checked(props())).changes is True
    partial = props(allow_partial=True)
    assert PROVIDER.diff("id", outputs(partial, statuses), checked(partial)).changes is False


def test_activating_is_not_drift() -> None:
    statuses = dict.fromkeys(IDS, "ACTIVE") | {IDS[2]: "ACTIVATING"}
    assert PROVIDER.diff("id", outputs(props(), statuses), checked(props())).changes is False


def test_archived_under_a_running_job_of_ours_is_not_drift() -> None:
    statuses = dict.fromkeys(IDS, "ACTIVE") | {IDS[2]: "ARCHIVED"}
    running = [{"job_id": "5555555555", "status": "SUBMITTED", "read_set_ids": [IDS[2]]}]
    old = outputs(props(wait=False), statuses, running)
    assert PROVIDER.diff("id", old, checked(props(wait=False))).changes is False
    ended = [dict(running[0], status="COMPLETED")]
    assert PROVIDER.diff("id", outputs(props(), statuses, ended), checked(props())).changes is True


def test_a_removed_read_set_is_no_drift() -> None:
    statuses = dict.fromkeys(IDS, "ACTIVE") | {IDS[-1]: "ARCHIVED"}
    fewer = props(read_set_ids=IDS[:-1])
    result = PROVIDER.diff("id", outputs(props(), statuses), checked(fewer))
    assert (result.changes, result.replaces) == (True, [])  # read_set_ids changed: update
    assert lost_read_sets(outputs(props(), statuses), checked(fewer)) == {}


@pytest.mark.parametrize("change", [
    {"read_set_ids": [*IDS, "3000000000"]},
    {"read_set_ids": rpc.UNKNOWN},
    {"wait_timeout": 60},
    {"allow_partial": True},
])
def test_read_sets_and_settings_update_in_place(change: dict[str, Any]) -> None:
    result = PROVIDER.diff("id", outputs(props()), {**checked(props()), **change})
    assert (result.changes, result.replaces) == (True, [])


def test_another_store_replaces() -> None:
    result = PROVIDER.diff("id", outputs(props()), checked(props(sequence_store_id="9999999999")))
    assert result.replaces == ["sequence_store_id"]


# -- batching, window, id ------------------------------------------------------------------


def test_batches_are_at_most_the_models_limit_in_order() -> None:
    assert ACTIVATION_JOB_MAX_READ_SETS == 20
    cut = batches(list(range(45)))
    assert [len(b) for b in cut] == [20, 20, 5]
    assert [i for b in cut for i in b] == list(range(45))
    assert batches([]) == []


def test_removing_whole_batches_keeps_the_others_aligned() -> None:
    """A re-run that finds the first batch already ACTIVATING cuts the rest as before (so
    their client tokens, and their jobs, are the same)."""
    first = batches(IDS)
    assert batches([i for i in IDS if i not in first[0]]) == first[1:]


def test_window_round_trips_through_state_and_pads_its_filters() -> None:
    window = Window(1_767_225_600.5, 1_767_225_700.25)
    assert Window.from_output(window.to_output()) == window
    inside, before, after = window.filters()
    assert inside["createdAfter"].timestamp() < window.first < inside["createdBefore"].timestamp()
    assert before == {"createdBefore": inside["createdAfter"]}
    assert after == {"createdAfter": inside["createdBefore"]}
    for junk in (None, [], ["x", "y"], ["2026-01-02T00:00:00+00:00", "2026-01-01T00:00:00+00:00"]):
        assert Window.from_output(junk) is None


def test_resource_id_is_stable_and_names_the_store() -> None:
    scope = dict(SCOPE, resource_name="cohort-active")
    assert resource_id(STORE_ID, scope) == resource_id(STORE_ID, dict(reversed(scope.items())))
    assert resource_id(STORE_ID, scope).startswith(f"{STORE_ID}/active/")
    assert resource_id(STORE_ID, scope) != resource_id(STORE_ID, dict(scope, stack="prod"))
