"""omics-resources: Pulumi resources for AWS HealthOmics read-set import and activation jobs.

``ReadSetImportJob`` imports FASTQ, BAM, CRAM and uBAM files from S3 into a sequence store;
``ReadSetActivationJob`` makes archived read sets active again. Both validate at preview,
start their job exactly once, wait for it, and report its status on refresh.
"""

from omics_resources.activation_job import (
    ReadSetActivationJob,
    ReadSetActivationJobArgs,
    ReadSetActivationJobProvider,
)
from omics_resources.errors import (
    InvalidInputError,
    JobFailedError,
    JobStillRunningError,
    JobWaitCancelledError,
    OmicsResourceError,
    ReadSetDeletionError,
)
from omics_resources.import_job import (
    ReadSetImportJob,
    ReadSetImportJobArgs,
    ReadSetImportJobProvider,
    ReadSetImportSourceArgs,
)

__all__ = [
    "InvalidInputError",
    "JobFailedError",
    "JobStillRunningError",
    "JobWaitCancelledError",
    "OmicsResourceError",
    "ReadSetActivationJob",
    "ReadSetActivationJobArgs",
    "ReadSetActivationJobProvider",
    "ReadSetDeletionError",
    "ReadSetImportJob",
    "ReadSetImportJobArgs",
    "ReadSetImportJobProvider",
    "ReadSetImportSourceArgs",
]
