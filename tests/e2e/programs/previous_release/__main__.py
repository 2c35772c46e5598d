"""One of each resource of the package (ReadSetImportJob, ReadSetActivationJob,
CohortImport, ActiveReadSets), small, declared through the public API only, so the same
program runs on any release of the package.

``OMICS_RESOURCES_PREVIOUS_RELEASE`` (environment): a directory holding another release's
``omics_resources`` package, put first on ``sys.path`` before the package is imported (the
test of tests/e2e/test_previous_release_state.py creates a stack with it). The program logs
where the package came from, so a test can tell which code ran.

Stack config: ``sequenceStoreId``, ``roleArn``, ``bucket``; ``importSamples`` and
``cohortSamples`` (each sample is ``s3://<bucket>/<sample>.fq``); ``archivedReadSetIds``
(read sets the activation job activates).
"""

from __future__ import annotations

import os
import sys

previous_release = os.environ.get("OMICS_RESOURCES_PREVIOUS_RELEASE")
if previous_release:
    sys.path.insert(0, previous_release)

import pulumi  # noqa: E402

import omics_resources  # noqa: E402
from omics_resources import (  # noqa: E402
    ActiveReadSets,
    ActiveReadSetsArgs,
    CohortImport,
    CohortImportArgs,
    ReadSetActivationJob,
    ReadSetActivationJobArgs,
    ReadSetImportJob,
    ReadSetImportJobArgs,
    ReadSetImportSourceArgs,
)

pulumi.log.info(f"omics_resources from {os.path.dirname(omics_resources.__file__)}")

config = pulumi.Config()
store = config.require("sequenceStoreId")
role_arn = config.require("roleArn")
bucket = config.require("bucket")


def sources(samples: list[str]) -> list[ReadSetImportSourceArgs]:
    return [ReadSetImportSourceArgs(source_file_type="FASTQ", source1=f"s3://{bucket}/{s}.fq",
                                    subject_id=f"subject-{s}", sample_id=s, name=s)
            for s in samples]


reads = ReadSetImportJob("reads", ReadSetImportJobArgs(
    sequence_store_id=store, role_arn=role_arn,
    sources=sources(config.require_object("importSamples"))))
activation = ReadSetActivationJob("activation", ReadSetActivationJobArgs(
    sequence_store_id=store, read_set_ids=config.require_object("archivedReadSetIds")))
cohort = CohortImport("cohort", CohortImportArgs(
    sequence_store_id=store, role_arn=role_arn,
    sources=sources(config.require_object("cohortSamples"))))
active = ActiveReadSets("active", ActiveReadSetsArgs(
    sequence_store_id=store,
    read_set_ids=cohort.read_set_ids.apply(lambda ids: [ids[key] for key in sorted(ids)])))

pulumi.export("reads", {"job_id": reads.job_id, "status": reads.status,
                        "read_set_ids": reads.read_set_ids})
pulumi.export("activation", {"job_id": activation.job_id, "status": activation.status,
                             "read_set_statuses": activation.read_set_statuses})
pulumi.export("cohort", {"read_set_ids": cohort.read_set_ids, "counts": cohort.counts})
pulumi.export("active", {"read_set_statuses": active.read_set_statuses})
