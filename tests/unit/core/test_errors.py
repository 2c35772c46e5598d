"""Error messages: each names the resource, the job id and what to do next."""

from __future__ import annotations

from omics_resources import (
    InvalidInputError,
    JobFailedError,
    JobStillRunningError,
    JobWaitCancelledError,
    ReadSetDeletionError,
)
from omics_resources.core.validation import Problem


def test_job_failed_lists_every_detail() -> None:
    error = JobFailedError(resource="reads", noun="import job", job_id="1234567890",
                           status="FAILED", details=["job: 2 of 2 sources failed",
                                                     "sources[0] (s3://b/a.fq): FAILED: not found"])
    assert str(error) == (
        "reads: import job 1234567890 ended FAILED:\n"
        "  - job: 2 of 2 sources failed\n"
        "  - sources[0] (s3://b/a.fq): FAILED: not found"
    )
    assert (error.job_id, error.status) == ("1234567890", "FAILED")


def test_still_running_says_how_to_resume() -> None:
    error = JobStillRunningError(resource="reads", noun="import job", job_id="42",
                                 status="IN_PROGRESS", waited=1.5)
    text = str(error)
    assert text.startswith("reads: import job 42 is still IN_PROGRESS (wait_timeout of 1.5 s expired).")
    assert "run `pulumi up` again to resume waiting" in text
    assert "no second one is started" in text


def test_cancelled_wait_is_a_still_running_error() -> None:
    error = JobWaitCancelledError(resource="act", noun="activation job", job_id="7",
                                  status="SUBMITTED", waited=3)
    assert isinstance(error, JobStillRunningError)
    assert "(the update was cancelled after 3 s of waiting)" in str(error)


def test_invalid_input_and_deletion_errors_list_items() -> None:
    problems = [Problem("sources[0].source1", "x", "must be an S3 URI s3://bucket/key")]
    assert str(InvalidInputError("reads", problems)) == (
        "reads: invalid inputs:\n  - sources[0].source1: must be an S3 URI s3://bucket/key (got 'x')")
    error = ReadSetDeletionError("reads", ["123: AccessDenied: no"])
    assert str(error) == "reads: could not delete every read set:\n  - 123: AccessDenied: no"
