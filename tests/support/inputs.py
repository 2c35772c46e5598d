"""Valid inputs to start from, as the providers see them."""

from __future__ import annotations

import copy
from typing import Any

STORE_ID = "1234567890"
ROLE_ARN = "arn:aws:iam::123456789012:role/OmicsImportRole"
REFERENCE_ARN = (
    "arn:aws:omics:us-east-1:123456789012:referenceStore/1234567890/reference/1234567890"
)
SCOPE = {"project": "omics-demo", "stack": "test", "resource_name": "reads"}


def import_props(**overrides: Any) -> dict[str, Any]:
    """Valid ReadSetImportJob inputs (as the provider sees them), with overrides."""
    props: dict[str, Any] = {
        "sequence_store_id": STORE_ID,
        "role_arn": ROLE_ARN,
        "sources": [
            {
                "source_file_type": "FASTQ",
                "source1": "s3://omics-demo-bucket/sample1_R1.fastq",
                "source2": "s3://omics-demo-bucket/sample1_R2.fastq",
                "subject_id": "subject-1",
                "sample_id": "sample-1",
                "name": "sample-1",
                "tags": {"project": "demo"},
            },
            {
                "source_file_type": "BAM",
                "source1": "s3://omics-demo-bucket/sample2.bam",
                "subject_id": "subject-2",
                "sample_id": "sample-2",
                "reference_arn": REFERENCE_ARN,
            },
        ],
        "scope": dict(SCOPE),
    }
    props.update(copy.deepcopy(overrides))
    return props


def activation_props(**overrides: Any) -> dict[str, Any]:
    """Valid ReadSetActivationJob inputs, with overrides."""
    props: dict[str, Any] = {
        "sequence_store_id": STORE_ID,
        "read_set_ids": ["1111111111", "2222222222"],
        "scope": dict(SCOPE, resource_name="activation"),
    }
    props.update(copy.deepcopy(overrides))
    return props
