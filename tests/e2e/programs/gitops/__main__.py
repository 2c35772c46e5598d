"""A team's cohort stack, as a GitOps pipeline deploys it: the cohort's FASTQ files imported
from S3 (``CohortImport``) and its read sets kept ACTIVE (``ActiveReadSets``).

Stack config: ``sequenceStoreId``, ``roleArn``, ``bucket`` and ``samples`` (names; each
sample is ``s3://<bucket>/<sample>.fastq``); ``activationTimeout`` (seconds, optional). The
same program runs against AWS (no endpoint) or the emulator (``omics-resources:endpoint``).
"""

from __future__ import annotations

import pulumi

from omics_resources import (
    ActiveReadSets,
    ActiveReadSetsArgs,
    CohortImport,
    CohortImportArgs,
    ReadSetImportSourceArgs,
)

config = pulumi.Config()
store = config.require("sequenceStoreId")
bucket = config.require("bucket")

cohort = CohortImport("cohort", CohortImportArgs(
    sequence_store_id=store,
    role_arn=config.require("roleArn"),
    sources=[
        ReadSetImportSourceArgs(source_file_type="FASTQ", source1=f"s3://{bucket}/{sample}.fastq",
                                subject_id=sample, sample_id=sample, name=sample)
        for sample in config.require_object("samples")
    ],
))
# Sample key -> read set id; sorted by sample, so the list only changes when the cohort does.
active = ActiveReadSets("cohort-active", ActiveReadSetsArgs(
    sequence_store_id=store,
    read_set_ids=cohort.read_set_ids.apply(lambda ids: [ids[key] for key in sorted(ids)]),
    wait_timeout=config.get_float("activationTimeout") or 12 * 3600,
))

pulumi.export("readSetIds", cohort.read_set_ids)
pulumi.export("readSetStatuses", active.read_set_statuses)
pulumi.export("activationJobs", active.activation_jobs)
