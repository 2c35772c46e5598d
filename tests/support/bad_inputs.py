"""The bad-input matrix: each case breaks one rule and names the property and the rule.

Shared by the unit tests (provider.check) and the end-to-end test (`pulumi preview`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.inputs import activation_props, import_props

FASTQ = "s3://omics-demo-bucket/reads.fastq"


@dataclass(frozen=True)
class BadInput:
    """One invalid set of inputs and the problem it must be reported as."""

    id: str
    kind: str  # "import" or "activation"
    props: dict[str, Any]
    path: str
    rule: str


def _source(**fields: Any) -> dict[str, Any]:
    source = {"source_file_type": "FASTQ", "source1": FASTQ, "subject_id": "s1", "sample_id": "x1"}
    source.update(fields)
    return {k: v for k, v in source.items() if v is not None}


def _imp(case_id: str, path: str, rule: str, **overrides: Any) -> BadInput:
    props = import_props(**overrides)
    props.pop("scope")
    return BadInput(case_id, "import", props, path, rule)


def _one_source(case_id: str, path: str, rule: str, **fields: Any) -> BadInput:
    return _imp(case_id, path, rule, sources=[_source(**fields)])


def _act(case_id: str, path: str, rule: str, **overrides: Any) -> BadInput:
    props = activation_props(**overrides)
    props.pop("scope")
    return BadInput(case_id, "activation", props, path, rule)


def _without(props: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != key}


BAD_INPUTS: list[BadInput] = [
    _imp(
        "store-too-short",
        "sequence_store_id",
        "must have at least 10 characters",
        sequence_store_id="123",
    ),
    _imp(
        "store-not-digits",
        "sequence_store_id",
        "must be digits only, but character 6 is 'a'",
        sequence_store_id="12345abcde",
    ),
    _imp(
        "store-too-long",
        "sequence_store_id",
        "must have at most 36 characters",
        sequence_store_id="1" * 37,
    ),
    BadInput(
        "store-missing",
        "import",
        _without(_imp("x", "", "").props, "sequence_store_id"),
        "sequence_store_id",
        "is required",
    ),
    _imp(
        "role-not-arn",
        "role_arn",
        "must be an ARN (arn:partition:service:region:account:resource); it does not start "
        "with 'arn:'",
        role_arn="role/OmicsImportRole-with-a-long-name",
    ),
    _imp(
        "role-too-short", "role_arn", "must have at least 20 characters", role_arn="arn:aws:iam::1"
    ),
    _imp("role-not-string", "role_arn", "must be a string", role_arn=42),
    BadInput(
        "role-missing",
        "import",
        _without(_imp("x", "", "").props, "role_arn"),
        "role_arn",
        "is required",
    ),
    _imp("sources-empty", "sources", "must have at least 1 item", sources=[]),
    _imp(
        "sources-101",
        "sources",
        "must have at most 100 items",
        sources=[_source(sample_id=f"x{i}") for i in range(101)],
    ),
    _imp("sources-not-list", "sources", "must be a list", sources=FASTQ),
    _imp("source-not-object", "sources[0]", "must be an object", sources=[FASTQ]),
    _one_source("source1-missing", "sources[0].source1", "is required", source1=None),
    _one_source(
        "source1-http",
        "sources[0].source1",
        "must be an S3 URI s3://bucket/key; it does not start with 's3://'",
        source1="https://omics-demo-bucket.s3.amazonaws.com/reads.fastq",
    ),
    _one_source(
        "source1-bucket-uppercase",
        "sources[0].source1",
        "must be an S3 URI s3://bucket/key; bucket 'Omics-Bucket' must be 3 to 63 lowercase "
        "letters, digits, dots or hyphens",
        source1="s3://Omics-Bucket/reads.fastq",
    ),
    _one_source(
        "source1-no-key",
        "sources[0].source1",
        "must be an S3 URI s3://bucket/key; the key after 's3://omics-demo-bucket/' is missing",
        source1="s3://omics-demo-bucket/",
    ),
    _one_source(
        "source2-malformed",
        "sources[0].source2",
        "must be an S3 URI s3://bucket/key; it does not start with 's3://'",
        source2="s3:/omics-demo-bucket/reads_2.fastq",
    ),
    _one_source(
        "file-type-unknown",
        "sources[0].source_file_type",
        "must be one of FASTQ, BAM, CRAM, UBAM",
        source_file_type="SAM",
    ),
    _one_source(
        "file-type-missing", "sources[0].source_file_type", "is required", source_file_type=None
    ),
    _one_source(
        "bam-without-reference",
        "sources[0].reference_arn",
        "is required for BAM",
        source_file_type="BAM",
        source1="s3://omics-demo-bucket/reads.bam",
    ),
    _one_source(
        "cram-without-reference",
        "sources[0].reference_arn",
        "is required for CRAM",
        source_file_type="CRAM",
        source1="s3://omics-demo-bucket/reads.cram",
    ),
    _one_source(
        "source2-on-bam",
        "sources[0].source2",
        "is only allowed for FASTQ",
        source_file_type="BAM",
        reference_arn="arn:aws:omics:ref/1",
        source1="s3://omics-demo-bucket/a.bam",
        source2="s3://omics-demo-bucket/b.bam",
    ),
    _one_source(
        "source2-on-ubam",
        "sources[0].source2",
        "is only allowed for FASTQ",
        source_file_type="UBAM",
        source1="s3://omics-demo-bucket/a.bam",
        source2="s3://omics-demo-bucket/b.bam",
    ),
    _one_source(
        "subject-empty", "sources[0].subject_id", "must have at least 1 character", subject_id=""
    ),
    _one_source(
        "sample-too-long",
        "sources[0].sample_id",
        "must have at most 127 characters",
        sample_id="s" * 128,
    ),
    _one_source("sample-missing", "sources[0].sample_id", "is required", sample_id=None),
    _one_source(
        "name-too-long", "sources[0].name", "must have at most 127 characters", name="n" * 128
    ),
    _one_source(
        "description-too-long",
        "sources[0].description",
        "must have at most 255 characters",
        description="d" * 256,
    ),
    _one_source(
        "reference-not-arn",
        "sources[0].reference_arn",
        "must be an ARN (arn:partition:service:region:account:resource); it does not start "
        "with 'arn:'",
        source_file_type="BAM",
        source1="s3://omics-demo-bucket/a.bam",
        reference_arn="reference-1",
    ),
    _one_source("tags-not-map", "sources[0].tags", "must be a map", tags=["project"]),
    _one_source(
        "unknown-source-field",
        "sources[0].source_1",
        "is not a source field",
        source_1="s3://omics-demo-bucket/x.fastq",
    ),
    _imp(
        "token-too-long", "client_token", "must have at most 127 characters", client_token="t" * 128
    ),
    _imp("token-empty", "client_token", "must have at least 1 character", client_token=""),
    _imp(
        "token-control-char",
        "client_token",
        "must be printable text: letters, numbers, punctuation, symbols and spaces (no tabs, "
        "line breaks or other control characters), but character 8 is '\\t'",
        client_token="release\t2026",
    ),
    _imp(
        "timeout-negative", "wait_timeout", "must be a positive number of seconds", wait_timeout=-5
    ),
    _imp("timeout-zero", "wait_timeout", "must be a positive number of seconds", wait_timeout=0),
    _imp("timeout-text", "wait_timeout", "must be a number of seconds", wait_timeout="2h"),
    _imp("wait-not-bool", "wait", "must be true or false", wait="yes"),
    _imp("allow-partial-not-bool", "allow_partial", "must be true or false", allow_partial="no"),
    _imp(
        "delete-not-bool",
        "delete_read_sets_on_destroy",
        "must be true or false",
        delete_read_sets_on_destroy="sure",
    ),
    _act("activation-empty", "read_set_ids", "must have at least 1 item", read_set_ids=[]),
    _act(
        "activation-21",
        "read_set_ids",
        "must have at most 20 items",
        read_set_ids=[str(1000000000 + i) for i in range(21)],
    ),
    _act(
        "activation-duplicate",
        "read_set_ids[2]",
        "repeats read_set_ids[0]",
        read_set_ids=["1111111111", "2222222222", "1111111111"],
    ),
    _act(
        "activation-id-short",
        "read_set_ids[0]",
        "must have at least 10 characters",
        read_set_ids=["12345"],
    ),
    _act(
        "activation-id-letters",
        "read_set_ids[1]",
        "must be digits only, but character 6 is 'x'",
        read_set_ids=["1111111111", "22222x2222"],
    ),
    _act("activation-not-list", "read_set_ids", "must be a list", read_set_ids="1111111111"),
    _act(
        "activation-store-bad",
        "sequence_store_id",
        "must be digits only, but character 1 is 's'",
        sequence_store_id="store-0001",
    ),
    _act(
        "activation-timeout-negative",
        "wait_timeout",
        "must be a positive number of seconds",
        wait_timeout=-1,
    ),
    _act(
        "activation-token-too-long",
        "client_token",
        "must have at most 127 characters",
        client_token="a" * 128,
    ),
]
