"""check(): every rule of the API (from botocore's model) and of the resources."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc

from omics_resources import ReadSetActivationJobProvider, ReadSetImportJobProvider
from omics_resources.jobs import JobProvider
from tests.support.bad_inputs import BAD_INPUTS, BadInput

PROVIDERS: dict[str, JobProvider] = {
    "import": ReadSetImportJobProvider(),
    "activation": ReadSetActivationJobProvider(),
}


def failures(kind: str, props: dict[str, Any]) -> list[tuple[str, str]]:
    result = PROVIDERS[kind].check({}, props)
    return [(f.property, f.reason) for f in result.failures]


def test_the_matrix_is_big_enough_and_unique() -> None:
    assert len(BAD_INPUTS) >= 30
    assert len({case.id for case in BAD_INPUTS}) == len(BAD_INPUTS)


@pytest.mark.parametrize("case", BAD_INPUTS, ids=lambda c: c.id)
def test_each_bad_input_is_one_failure_naming_property_and_rule(case: BadInput) -> None:
    found = failures(case.kind, case.props)
    assert len(found) == 1, found
    path, reason = found[0]
    assert path == case.path
    assert case.rule in reason


def test_failure_reason_quotes_the_value() -> None:
    [(path, reason)] = failures("import", BAD_INPUTS[0].props)
    assert path == "sequence_store_id"
    assert reason == "must have at least 10 characters (got '123')"


def test_valid_inputs_pass_and_get_defaults(valid_import_props: dict[str, Any]) -> None:
    result = PROVIDERS["import"].check({}, valid_import_props)
    assert result.failures == []
    assert result.inputs["wait"] is True
    assert result.inputs["wait_timeout"] == 12 * 3600
    assert result.inputs["allow_partial"] is False
    assert result.inputs["delete_read_sets_on_destroy"] is False


def test_activation_defaults_have_no_delete_setting(valid_activation_props: dict[str, Any]) -> None:
    result = PROVIDERS["activation"].check({}, valid_activation_props)
    assert result.failures == []
    assert "delete_read_sets_on_destroy" not in result.inputs


def test_several_problems_are_each_reported(valid_import_props: dict[str, Any]) -> None:
    props = dict(valid_import_props, sequence_store_id="1", wait_timeout=-1)
    props["sources"][1].pop("reference_arn")
    props["sources"][0]["source1"] = "s3://x/"
    paths = sorted(path for path, _ in failures("import", props))
    assert paths == [
        "sequence_store_id",
        "sources[0].source1",
        "sources[1].reference_arn",
        "wait_timeout",
    ]


def test_unknown_values_at_preview_pass(valid_import_props: dict[str, Any]) -> None:
    props = dict(valid_import_props, sequence_store_id=rpc.UNKNOWN)
    props["sources"][1]["source_file_type"] = rpc.UNKNOWN
    assert failures("import", props) == []
    assert (
        failures("activation", {"sequence_store_id": "1234567890", "read_set_ids": rpc.UNKNOWN})
        == []
    )
    assert (
        failures(
            "activation",
            {"sequence_store_id": "1234567890", "read_set_ids": [rpc.UNKNOWN, rpc.UNKNOWN]},
        )
        == []
    )


def test_tag_keys_are_checked_against_the_model(valid_import_props: dict[str, Any]) -> None:
    props = dict(valid_import_props)
    props["sources"][0]["tags"] = {"": "empty key"}
    found = failures("import", props)
    assert [p for p, _ in found] == ["sources[0].tags['']"]


def test_paired_fastq_and_ubam_without_reference_are_fine() -> None:
    props: dict[str, Any] = {
        "sequence_store_id": "1234567890",
        "role_arn": "arn:aws:iam::123456789012:role/r",
        "sources": [
            {
                "source_file_type": "FASTQ",
                "source1": "s3://bucket-1/a.fq",
                "source2": "s3://bucket-1/b.fq",
                "subject_id": "s",
                "sample_id": "x",
            },
            {
                "source_file_type": "UBAM",
                "source1": "s3://bucket-1/a.bam",
                "subject_id": "s",
                "sample_id": "y",
            },
        ],
    }
    assert failures("import", props) == []


def test_unknown_objects_from_the_engine_pass(valid_import_props: dict[str, Any]) -> None:
    from pulumi.output import Unknown

    props = dict(valid_import_props, sequence_store_id=Unknown())
    props["sources"][0]["source1"] = Unknown()
    assert failures("import", props) == []
