"""check(): every rule of the API (from botocore's model) and of the resources."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from pulumi.runtime import rpc

from omics_resources import ReadSetActivationJobProvider, ReadSetImportJobProvider
from omics_resources.core import service_model
from omics_resources.core.validation import PATTERN_WORDS, api_problems
from omics_resources.dynamic.provider import CoreProvider
from tests.support.bad_inputs import BAD_INPUTS, BadInput

PROVIDERS: dict[str, CoreProvider] = {
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


def patterns(shape: Shape) -> set[str]:
    """Every pattern in ``shape`` and below it."""
    if isinstance(shape, StructureShape):
        return {p for member in shape.members.values() for p in patterns(member)}
    if isinstance(shape, ListShape):
        return patterns(shape.member)
    if isinstance(shape, MapShape):
        return patterns(shape.key) | patterns(shape.value)
    pattern = shape.metadata.get("pattern")
    return {pattern} if pattern else set()


@pytest.mark.parametrize("operation", ["StartReadSetImportJob", "StartReadSetActivationJob"])
def test_every_pattern_the_resources_send_reads_in_words(operation: str) -> None:
    shape = service_model.operation_model(operation).input_shape
    assert shape is not None
    found = patterns(shape)
    assert "[0-9]+" in found  # the walk reached the members
    assert found <= set(PATTERN_WORDS), found - set(PATTERN_WORDS)


def explain(value: str, field: str = "source1") -> str:
    """What check says about one source's ``field``."""
    request = {"sequenceStoreId": "1234567890", "roleArn": "arn:aws:iam::123456789012:role/r",
               "sources": [{"sourceFiles": {"source1": "s3://bucket-1/a.fq"},
                            "sourceFileType": "FASTQ", "subjectId": "s", "sampleId": "x"}]}
    if field == "source1":
        request["sources"][0]["sourceFiles"]["source1"] = value
    else:
        request["sources"][0][field] = value
    [problem] = api_problems("StartReadSetImportJob", request, str)
    return problem.rule


@pytest.mark.parametrize(("value", "rule"), [
    ("s3://b/reads.fq", "must be an S3 URI s3://bucket/key; bucket 'b' must be 3 to 63 "
                        "lowercase letters, digits, dots or hyphens, beginning and ending with a "
                        "letter or digit"),
    ("s3://-bucket/reads.fq", "bucket '-bucket' must be 3 to 63"),
    ("s3://bucket_1/reads.fq", "bucket 'bucket_1' must be"),
    (f"s3://{'b' * 64}/reads.fq", f"bucket '{'b' * 64}' must be 3 to 63"),
    ("s3://bucket-1", "the key after 's3://bucket-1/' is missing"),
    ("s3://bucket-1/" + "k" * 1025, "the key must be 1 to 1024 characters, with no line breaks"),
    ("s3://bucket-1/a\nb", "the key must be 1 to 1024 characters, with no line breaks"),
    ("S3://bucket-1/a.fq", "it does not start with 's3://'"),
])
def test_s3_uri_says_which_part_is_wrong(value: str, rule: str) -> None:
    found = explain(value)
    assert found.startswith("must be an S3 URI s3://bucket/key; ")
    assert rule in found
    assert "pattern" not in found


@pytest.mark.parametrize(("field", "value", "rule"), [
    ("referenceArn", "arn:", "must be an ARN (arn:partition:service:region:account:resource); "
                             "nothing follows 'arn:'"),
    ("referenceArn", "arn:aws:omics:\nx", "on one line (no line breaks)"),
    ("sampleId", "x\u0000y", "but character 2 is '\\x00'"),
    ("subjectId", "ok\n", "but character 3 is '\\n'"),
])
def test_other_patterns_in_words(field: str, value: str, rule: str) -> None:
    assert rule in explain(value, field)


def test_a_pattern_without_words_is_shown_raw() -> None:
    # The emulator's own operations have patterns the resources never send.
    [problem] = api_problems("CreateSequenceStore", {"name": "s", "fallbackLocation": "x"}, str)
    assert problem.rule.startswith("must match the pattern $|^s3://")


def test_the_service_side_keeps_the_raw_pattern() -> None:
    # The emulator answers ValidationException with the rule as the service states it.
    [violation] = service_model.check_input(
        "StartReadSetActivationJob",
        {"sequenceStoreId": "12345abcde", "sources": [{"readSetId": "1234567890"}]},
    )
    assert violation.rule == "must match the pattern [0-9]+"
    assert violation.pattern == "[0-9]+"


def test_a_mistyped_file_type_is_one_problem_not_a_second_about_source2(
    valid_import_props: dict[str, Any],
) -> None:
    """The demo's typo: FASTQQ on a paired row is named once, by the file-type rule."""
    source = valid_import_props["sources"][0]
    source.update(source_file_type="FASTQQ", source2="s3://bucket/reads_R2.fastq")
    found = failures("import", valid_import_props)
    assert [path for path, _ in found] == ["sources[0].source_file_type"], found
