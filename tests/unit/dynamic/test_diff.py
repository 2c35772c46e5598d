"""diff(): what forces a new job, what updates in place, and that nothing calls AWS."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc

from omics_resources import ReadSetActivationJobProvider, ReadSetImportJobProvider
from tests.support.inputs import activation_props, import_props

IMPORT = ReadSetImportJobProvider()
ACTIVATION = ReadSetActivationJobProvider()


def outputs_of(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Old outputs as create returns them: the inputs plus job results per source."""
    checked = (IMPORT if "role_arn" in props else ACTIVATION).check({}, props).inputs
    outs = dict(checked, job_id="5555555555", status="COMPLETED", **extra)
    if "role_arn" in props:
        outs["sources"] = [
            dict(s, status="FINISHED", read_set_id=f"900000000{i}", read_set_arn=f"arn:rs/{i}")
            for i, s in enumerate(props["sources"])
        ]
    return outs


def checked(provider: Any, props: dict[str, Any]) -> dict[str, Any]:
    return dict(provider.check({}, props).inputs)


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """diff is pure: any client creation fails the test."""

    def refuse(*_a: Any, **_k: Any) -> None:
        raise AssertionError("diff must not call AWS")

    monkeypatch.setattr("omics_resources.core.account.aws.omics_client", refuse)


def test_same_inputs_no_changes() -> None:
    props = import_props()
    result = IMPORT.diff("id", outputs_of(props), checked(IMPORT, props))
    assert result.changes is False
    assert result.replaces == []


@pytest.mark.parametrize(
    ("change", "replaced"),
    [
        ({"sequence_store_id": "9999999999"}, "sequence_store_id"),
        ({"role_arn": "arn:aws:iam::123456789012:role/Other"}, "role_arn"),
        ({"client_token": "release-2"}, "client_token"),
    ],
)
def test_start_parameters_replace(change: dict[str, Any], replaced: str) -> None:
    old = import_props()
    result = IMPORT.diff("id", outputs_of(old), checked(IMPORT, import_props(**change)))
    assert result.changes is True
    assert result.replaces == [replaced]
    assert result.delete_before_replace is False


@pytest.mark.parametrize(
    "field, value",
    [
        ("source1", "s3://omics-demo-bucket/other.fastq"),
        ("sample_id", "sample-9"),
        ("name", "renamed"),
        ("source2", None),
        ("subject_id", "subject-9"),
    ],
)
def test_a_source_change_replaces(field: str, value: Any) -> None:
    old = import_props()
    new = import_props()
    if value is None:
        new["sources"][0].pop(field)
    else:
        new["sources"][0][field] = value
    result = IMPORT.diff("id", outputs_of(old), checked(IMPORT, new))
    assert result.replaces == ["sources"]


def test_adding_a_source_replaces() -> None:
    old = import_props()
    new = import_props()
    new["sources"].append(dict(new["sources"][0], sample_id="sample-3"))
    assert IMPORT.diff("id", outputs_of(old), checked(IMPORT, new)).replaces == ["sources"]


def test_tags_only_update_in_place() -> None:
    old = import_props()
    new = import_props()
    new["sources"][0]["tags"] = {"project": "demo", "owner": "lab-7"}
    new["sources"][1]["tags"] = {"cohort": "b"}
    result = IMPORT.diff("id", outputs_of(old), checked(IMPORT, new))
    assert result.changes is True
    assert result.replaces == []


@pytest.mark.parametrize(
    "change",
    [
        {"wait": False},
        {"wait_timeout": 60},
        {"allow_partial": True},
        {"delete_read_sets_on_destroy": True},
    ],
)
def test_settings_update_in_place(change: dict[str, Any]) -> None:
    result = IMPORT.diff("id", outputs_of(import_props()), checked(IMPORT, import_props(**change)))
    assert result.changes is True
    assert result.replaces == []


def test_integral_float_from_engine_is_no_change() -> None:
    old = outputs_of(import_props(wait_timeout=600))
    new = checked(IMPORT, import_props(wait_timeout=600.0))
    assert IMPORT.diff("id", old, new).changes is False


def test_unknown_source_at_preview_replaces() -> None:
    new = import_props()
    new["sources"][0]["source1"] = rpc.UNKNOWN
    assert IMPORT.diff("id", outputs_of(import_props()), checked(IMPORT, new)).replaces == [
        "sources"
    ]


def test_scope_change_alone_is_no_change() -> None:
    new = import_props(scope={"project": "p", "stack": "renamed", "resource_name": "reads"})
    assert IMPORT.diff("id", outputs_of(import_props()), checked(IMPORT, new)).changes is False


def test_activation_read_set_change_replaces() -> None:
    old = outputs_of(activation_props())
    new = checked(ACTIVATION, activation_props(read_set_ids=["1111111111"]))
    assert ACTIVATION.diff("id", old, new).replaces == ["read_set_ids"]


def test_activation_drift_replaces_to_reactivate() -> None:
    props = activation_props()
    old = outputs_of(props, read_set_statuses={"1111111111": "ACTIVE", "2222222222": "ARCHIVED"})
    result = ACTIVATION.diff("id", old, checked(ACTIVATION, props))
    assert result.changes is True
    assert result.replaces == ["read_set_statuses"]


def test_activation_still_active_is_no_drift() -> None:
    props = activation_props()
    old = outputs_of(props, read_set_statuses={"1111111111": "ACTIVE", "2222222222": "ACTIVATING"})
    assert ACTIVATION.diff("id", old, checked(ACTIVATION, props)).changes is False


def test_import_archived_read_sets_are_not_drift() -> None:
    props = import_props()
    old = outputs_of(props, read_set_statuses={"9000000000": "ARCHIVED"})
    assert IMPORT.diff("id", old, checked(IMPORT, props)).changes is False
