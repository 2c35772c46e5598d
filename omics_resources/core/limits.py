"""API limits, status sets and waiting defaults, as data, in one place.

Sizes and patterns are not repeated here: :mod:`omics_resources.core.service_model` reads them
from botocore's model. What lives here is what the model cannot say: which statuses end a
job, which of them a retry may start over from, and our own defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from omics_resources.core.service_model import job_outcomes, operation_model

# What a job's status means, read from botocore's waiters (both kinds share the enum and
# the meanings): success, failure, or keep waiting.
JOB_OUTCOMES: Final = job_outcomes("GetReadSetImportJob")
if any(  # pragma: no cover - botocore
    job_outcomes(get) != JOB_OUTCOMES
    for get in ("GetReadSetActivationJob", "GetReadSetExportJob", "GetReferenceImportJob")
):
    raise ImportError("botocore's omics waiters now give the job kinds different meanings")
JOB_SUBMITTED: Final = "SUBMITTED"
TERMINAL_JOB_STATUSES: Final = JOB_OUTCOMES.terminal
#: The one failure a user may accept (``allow_partial``): some sources failed, the rest are
#: done. The waiter cannot say this; every other failure produced nothing worth keeping.
JOB_PARTIAL: Final = "COMPLETED_WITH_FAILURES"


def job_accepted(status: str, *, allow_partial: bool) -> bool:
    """Whether a job that ended ``status`` did what was asked: the waiter's success, or a
    partial result when the user accepts one."""
    return status in JOB_OUTCOMES.success or (allow_partial and status == JOB_PARTIAL)


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
#: The service's answer to a call over its budget's rate (HTTP 429 in botocore's model).
THROTTLING_ERROR_CODE: Final = "ThrottlingException"
NOT_FOUND_ERROR_CODE: Final = "ResourceNotFoundException"
ACCESS_DENIED_ERROR_CODE: Final = "AccessDeniedException"

# How long a create waits by default: real imports of whole genomes run for hours.
DEFAULT_WAIT_TIMEOUT_SECONDS: Final = 12 * 60 * 60
# Retrying a Start after an API error that another try may clear (throttled past botocore's
# retries, 5xx, a dropped connection): first after about a second, then exponential backoff
# with jitter, capped. (A Start refused for the job quota waits in line instead: below.)
FIRST_POLL_SECONDS: Final = 1.0
POLL_BACKOFF_MULTIPLIER: Final = 2.0
MAX_POLL_INTERVAL_SECONDS: Final = 30.0
POLL_JITTER_FRACTION: Final = 0.25
# Starts of a kind while the service's job quota is full (core/account/quota_gate.py): the first in
# line tries again when one of our jobs ends, else after max(QUOTA_PROBE_MIN_SECONDS,
# QUOTA_PROBE_FRACTION x the time the quota has been full), at most QUOTA_PROBE_MAX_SECONDS,
# drawn at random from half to all of it. Another caller's job that ends after t seconds of
# waiting is found at most max(2 s, 5% of t) late, at about one 402 per 1.5 s per process at
# first (whatever the number of creates waiting), one per 2.25 min after an hour.
QUOTA_PROBE_MIN_SECONDS: Final = 2.0
QUOTA_PROBE_FRACTION: Final = 0.05
QUOTA_PROBE_MAX_SECONDS: Final = 300.0
# Watching running jobs (one List*Jobs page per interval for every job of a store): the
# interval is this fraction of the youngest watched job's age, within these bounds. A job
# that ends after t seconds is seen at most max(1.9 s, 4.8% of t) late; a one-hour job costs
# about 119 List calls, shared by every job of the store (botocore's waiter: 120, 30 s late).
WATCH_INTERVAL_FRACTION: Final = 0.048
WATCH_MIN_INTERVAL_SECONDS: Final = 1.9
WATCH_MAX_INTERVAL_SECONDS: Final = 300.0
# With n jobs watched in one store the interval is divided by sqrt(n), down to this.
WATCH_SHARED_FLOOR_SECONDS: Final = 1.0
# While a store's jobs are due to end (predicted from its jobs that ended: jobs of like size
# end together), it is polled this often, so a freed slot's next job starts about this long
# after the end (see core/watch/pace.py).
WATCH_CLOSE_SECONDS: Final = 0.5
# A role just created (in the same `pulumi up`) may be refused by the service until IAM has
# propagated it (AWS: seconds, "eventually consistent"); a Start so refused is tried again
# after 1, 2, 4 ... s (at most 15 s apart) for this long, as the AWS providers wait for IAM,
# then fails naming the role.
ROLE_PROPAGATION_SECONDS: Final = 120.0
ROLE_RETRY_FIRST_SECONDS: Final = 1.0
ROLE_RETRY_MAX_SECONDS: Final = 15.0
# How long to keep trying an endpoint that has never answered (connection refused, DNS,
# timeouts) before failing with its address: a typo should not wait for wait_timeout.
NO_ANSWER_GIVE_UP_SECONDS: Final = 90.0
# While a job's status stays the same, repeat it this often, so a long wait never looks hung
# (and CI systems that kill a silent job see output).
PROGRESS_HEARTBEAT_SECONDS: Final = 300.0
# How often our plugin hosts check that the engine that started them still answers (Pulumi's
# Go plugins check every 5 minutes; a provider orphaned by a killed CLI should not poll a
# job for that long). Only a refused connection counts as gone: a busy engine is alive.
ENGINE_HEALTH_INTERVAL_SECONDS: Final = 5.0

# Adaptive pacing of each budget (AIMD, see docs/reliability.md): other callers of the account
# spend the same budgets, so a throttled call means our pace is over today's share of it.
# A throttle multiplies the pace by PACE_DECREASE, then throttles of calls sent within
# PACE_HOLD_SECONDS of the cut are not counted again (the service's bucket holds about a
# second of its rate: the cut shows within that; two callers that collide cut once each).
PACE_DECREASE: Final = 0.5
PACE_HOLD_SECONDS: Final = 1.0
# While the budget is in use the pace climbs back by ceiling / PACE_RECOVERY_SECONDS a second
# (from half to the ceiling in 15 s of use), never above the ceiling: the configured rate.
PACE_RECOVERY_SECONDS: Final = 30.0
# A throttle after such a climb halves the climb, down to ceiling / PACE_SLOWEST_RECOVERY_SECONDS
# a second: callers that share a budget for long probe past their shares ever more rarely.
PACE_SLOWEST_RECOVERY_SECONDS: Final = 480.0
# The climb doubles back each time the pace gets this far past the last throttled one with
# no throttle (the other callers have eased off); a climb this far counts as a probe.
PACE_PROBE_MARGIN: Final = 1.1
# However often throttled, a budget keeps this fraction of its ceiling (one request a second
# of five): a run of throttles that no pace would avoid must not slow a stack to a crawl.
PACE_FLOOR_FRACTION: Final = 0.2

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


@dataclass(frozen=True)
class RateBudget:
    """Operations that share one requests-per-second quota of the account and Region
    (HealthOmics developer guide, "HealthOmics API quotas"; every caller shares it)."""

    name: str
    operations: frozenset[str]
    requests_per_second: float


#: The published default rates of every operation the providers call. Our own calls stay
#: within them (stack config ``omics-resources:maxRequestsPerSecond`` lowers or raises them).
RATE_BUDGETS: Final = (
    RateBudget(
        "importJobs",
        frozenset({"StartReadSetImportJob", "GetReadSetImportJob", "ListReadSetImportJobs"}),
        5.0,
    ),
    RateBudget("activationStarts", frozenset({"StartReadSetActivationJob"}), 5.0),
    RateBudget(
        "activationJobs",
        frozenset({"GetReadSetActivationJob", "ListReadSetActivationJobs"}),
        5.0,
    ),
    RateBudget(
        "exportJobs",
        frozenset({"StartReadSetExportJob", "GetReadSetExportJob", "ListReadSetExportJobs"}),
        5.0,
    ),
    RateBudget("readSets", frozenset({"GetReadSetMetadata", "ListReadSets"}), 5.0),
    RateBudget("tags", frozenset({"TagResource", "UntagResource", "ListTagsForResource"}), 5.0),
    RateBudget("batchDelete", frozenset({"BatchDeleteReadSet"}), 1.0),
    RateBudget("sequenceStores", frozenset({"GetSequenceStore", "ListSequenceStores"}), 5.0),
    # Direct upload: Create, Complete and Abort 1 a second each (not adjustable), parts 10.
    RateBudget("uploadCreates", frozenset({"CreateMultipartReadSetUpload"}), 1.0),
    RateBudget("uploadCompletes", frozenset({"CompleteMultipartReadSetUpload"}), 1.0),
    RateBudget("uploadAborts", frozenset({"AbortMultipartReadSetUpload"}), 1.0),
    RateBudget("uploadParts", frozenset({"UploadReadSetPart"}), 10.0),
    RateBudget(
        "uploadLists",
        frozenset({"ListMultipartReadSetUploads", "ListReadSetUploadParts"}),
        5.0,
    ),
    RateBudget(
        "referenceImportJobs",
        frozenset({"StartReferenceImportJob", "GetReferenceImportJob", "ListReferenceImportJobs"}),
        5.0,
    ),
    RateBudget(
        "references", frozenset({"GetReferenceMetadata", "ListReferences", "DeleteReference"}), 5.0
    ),
)

#: Our jobs of each kind running at once, by default. HealthOmics' service quotas
#: "Storage - Maximum concurrent sequence or reference store import jobs" and "... read set
#: activation jobs" (see docs/emulator.md for their source), and "... read set export jobs"
#: (assumed the same); stack config can change them. A reference store imports one job at a
#: time (StartReferenceImportJob's API page): one reference import of the stack runs at
#: once, the others queue.
DEFAULT_JOB_SLOTS: Final = {"import": 10, "activation": 10, "export": 10, "reference": 1}

# gRPC workers of the provider process: our provider host's pool, and the stock
# dynamic-provider server's once widened (it starts with 4, and a waiting create holds one).
PROVIDER_WORKERS: Final = 64
