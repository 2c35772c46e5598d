"""API limits, status sets and waiting defaults, as data, in one place.

Sizes and patterns are not repeated here: :mod:`omics_resources.service_model` reads them
from botocore's model. What lives here is what the model cannot say: which statuses end a
job, which of them a retry may start over from, and our own defaults.
"""

from __future__ import annotations

from typing import Final

from omics_resources.service_model import operation_model

# Job statuses (both job kinds share the enum).
JOB_SUBMITTED: Final = "SUBMITTED"
JOB_IN_PROGRESS: Final = "IN_PROGRESS"
JOB_CANCELLING: Final = "CANCELLING"
JOB_CANCELLED: Final = "CANCELLED"
JOB_FAILED: Final = "FAILED"
JOB_COMPLETED: Final = "COMPLETED"
JOB_COMPLETED_WITH_FAILURES: Final = "COMPLETED_WITH_FAILURES"

TERMINAL_JOB_STATUSES: Final = frozenset(
    {JOB_CANCELLED, JOB_FAILED, JOB_COMPLETED, JOB_COMPLETED_WITH_FAILURES}
)
#: A job that ended like this produced nothing worth keeping: a retry of the same resource
#: may start a fresh job (under the next derived client token).
FAILED_JOB_STATUSES: Final = frozenset({JOB_CANCELLED, JOB_FAILED})

# Per-source statuses.
SOURCE_FINISHED: Final = "FINISHED"
SOURCE_FAILED: Final = "FAILED"

# Read-set statuses; DELETED is also what we report for a read set that no longer exists.
READ_SET_ACTIVE: Final = "ACTIVE"
READ_SET_ACTIVATING: Final = "ACTIVATING"
READ_SET_ARCHIVED: Final = "ARCHIVED"
READ_SET_DELETED: Final = "DELETED"
#: Read sets in these states satisfy an activation ("the desired state is active").
ACTIVATED_READ_SET_STATUSES: Final = frozenset({READ_SET_ACTIVE, READ_SET_ACTIVATING})

# File types: which need a reference, which may have a second file (paired-end reads).
FILE_TYPES_NEEDING_REFERENCE: Final = frozenset({"BAM", "CRAM"})
FILE_TYPES_WITH_SOURCE2: Final = frozenset({"FASTQ"})

# Error codes. Retryable ones are retried by botocore per call and by our poller per loop.
RETRYABLE_ERROR_CODES: Final = frozenset(
    {
        "ThrottlingException",
        "InternalServerException",
        "RequestTimeoutException",
        "ServiceUnavailableException",
    }
)
QUOTA_ERROR_CODE: Final = "ServiceQuotaExceededException"
NOT_FOUND_ERROR_CODE: Final = "ResourceNotFoundException"

# How long a create waits by default: real imports of whole genomes run for hours.
DEFAULT_WAIT_TIMEOUT_SECONDS: Final = 12 * 60 * 60
# Polling: first look after about a second, then exponential backoff with jitter, capped.
FIRST_POLL_SECONDS: Final = 1.0
POLL_BACKOFF_MULTIPLIER: Final = 2.0
MAX_POLL_INTERVAL_SECONDS: Final = 30.0
POLL_JITTER_FRACTION: Final = 0.25
# While a job's status stays the same, repeat it this often, so a long wait never looks hung
# (and CI systems that kill a silent job see output).
PROGRESS_HEARTBEAT_SECONDS: Final = 300.0
# How often our plugin hosts check that the engine that started them still answers (Pulumi's
# Go plugins check every 5 minutes; a provider orphaned by a killed CLI should not poll a
# job for that long). Only a refused connection counts as gone: a busy engine is alive.
ENGINE_HEALTH_INTERVAL_SECONDS: Final = 5.0

# botocore retry configuration used unless the user set AWS_RETRY_MODE / AWS_MAX_ATTEMPTS.
DEFAULT_RETRY_MODE: Final = "standard"
# Attempts per call, the first included.
DEFAULT_MAX_ATTEMPTS: Final = 8

# How many derived tokens a create walks through (each one a job that ended FAILED or
# CANCELLED) before it gives up: a guard against a runaway loop, not a policy.
MAX_TOKEN_GENERATIONS: Final = 50


# BatchDeleteReadSet takes at most this many ids per call.
def _list_max(operation: str, member: str) -> int:
    shape = operation_model(operation).input_shape
    assert shape is not None, operation
    return int(shape.members[member].metadata["max"])


BATCH_DELETE_MAX_IDS: Final = _list_max("BatchDeleteReadSet", "ids")
