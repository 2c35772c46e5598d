"""Read sets in bulk in the emulator, for tests and benchmarks: import jobs of up to 100
one-file FASTQ sources each, started and waited for through boto3 as any client would
(the emulator's limits stay on: the clients retry throttling, the poll keeps under 5/s)."""

from __future__ import annotations

import time
from typing import Any

from harness.clients import ROLE_ARN

#: StartReadSetImportJob's sources maximum (botocore's model).
SOURCES_PER_JOB = 100


def import_read_sets(
    omics: Any, s3: Any, store: str, bucket: str, count: int, *, prefix: str = "rs",
    timeout: float = 300,
) -> list[str]:
    """Import ``count`` read sets into ``store`` (the bucket must exist); their ids, in order."""
    for n in range(count):
        s3.put_object(Bucket=bucket, Key=f"{prefix}/{n}.fq",
                      Body=f"@{prefix}{n}/1\nACGT\n+\nIIII\n".encode())
    jobs = []
    for start in range(0, count, SOURCES_PER_JOB):
        sources = [{"sourceFileType": "FASTQ",
                    "sourceFiles": {"source1": f"s3://{bucket}/{prefix}/{n}.fq"},
                    "subjectId": "subject", "sampleId": f"{prefix}-{n}"}
                   for n in range(start, min(count, start + SOURCES_PER_JOB))]
        jobs.append(omics.start_read_set_import_job(
            sequenceStoreId=store, roleArn=ROLE_ARN, sources=sources)["id"])
    deadline = time.monotonic() + timeout
    ids: list[str] = []
    for job_id in jobs:
        while True:
            job = omics.get_read_set_import_job(sequenceStoreId=store, id=job_id)
            if job["status"] == "COMPLETED":
                break
            if job["status"] in ("FAILED", "CANCELLED", "COMPLETED_WITH_FAILURES"):
                raise AssertionError(f"import job {job_id} ended {job['status']}: {job}")
            if time.monotonic() > deadline:
                raise AssertionError(f"import job {job_id} still {job['status']} after {timeout} s")
            time.sleep(0.3)
        ids += [s["readSetId"] for s in job["sources"]]
    return ids
