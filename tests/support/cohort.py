"""Cohort inputs and outputs to start from, as the provider sees them (no API call)."""

from __future__ import annotations

from typing import Any

from harness.cohort_outputs import imported_outputs
from omics_resources.dynamic.cohort_import import CohortImportProvider
from tests.support.inputs import ROLE_ARN, SCOPE, STORE_ID

BUCKET = "omics-cohort-bucket"

__all__ = [
    "BUCKET",
    "cohort_props",
    "imported_outputs",
    "read_sets_by_sample",
    "sample_source",
    "upload_samples",
]


def sample_source(index: int, *, bucket: str = BUCKET, **extra: Any) -> dict[str, Any]:
    """A named single-file FASTQ source ``S<index>``."""
    return {"source_file_type": "FASTQ", "source1": f"s3://{bucket}/S{index}_R1.fastq",
            "subject_id": f"subject-{index}", "sample_id": f"S{index}", "name": f"S{index}",
            **extra}


def cohort_props(count: int, **overrides: Any) -> dict[str, Any]:
    """Valid CohortImport inputs with ``count`` sources, checked (defaults filled in)."""
    props = {"sequence_store_id": STORE_ID, "role_arn": ROLE_ARN,
             "sources": [sample_source(i) for i in range(count)],
             "scope": dict(SCOPE, resource_name="cohort"), **overrides}
    return dict(CohortImportProvider().check({}, props).inputs)


def read_sets_by_sample(omics: Any, store: str) -> dict[str, list[str]]:
    """Every read set of the store, by sample id, counted from ListReadSets pages."""
    found: dict[str, list[str]] = {}
    for page in omics.get_paginator("list_read_sets").paginate(sequenceStoreId=store):
        for item in page["readSets"]:
            found.setdefault(item["sampleId"], []).append(item["id"])
    return found


def upload_samples(s3: Any, bucket: str, indexes: Any) -> None:
    """One small FASTQ object ``S<i>_R1.fastq`` per index."""
    for index in indexes:
        s3.put_object(Bucket=bucket, Key=f"S{index}_R1.fastq",
                      Body=f"@S{index}:1/1\nACGTACGTAC\n+\nIIIIIIIIII\n".encode())
