"""Errors a create, update or delete raises, written for the person reading ``pulumi up``.

::

    OmicsResourceError
     ├── InvalidInputError       inputs break a rule (check normally catches these first)
     ├── JobFailedError          the job ended FAILED, CANCELLED or with failed sources
     ├── JobStillRunningError    we stopped waiting; the job goes on
     │    └── JobWaitCancelledError   ... because the engine asked us to stop
     ├── JobStartCancelledError  the engine asked us to stop before the job could start
     ├── ReadSetDeletionError    BatchDeleteReadSet refused some read sets
     ├── PartialCreateError      a create failed after it made something (its id, outputs)
     └── EndpointUnreachableError  the endpoint never answered (wrong URL, Region, network)

Every message names the job id, so the user can look it up with the AWS CLI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "EndpointUnreachableError",
    "InvalidInputError",
    "JobFailedError",
    "JobStartCancelledError",
    "JobStillRunningError",
    "JobWaitCancelledError",
    "OmicsResourceError",
    "PartialCreateError",
    "ReadSetDeletionError",
]


class OmicsResourceError(Exception):
    """Base of every error this package raises on purpose."""


class InvalidInputError(OmicsResourceError):
    """The inputs break the API's or the resource's rules; ``problems`` lists each."""

    def __init__(self, resource: str, problems: Sequence[object]) -> None:
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{resource}: invalid inputs:\n{lines}")
        self.problems = list(problems)


class JobFailedError(OmicsResourceError):
    """The job ended without doing everything asked (``status`` says how)."""

    def __init__(
        self, *, resource: str, noun: str, job_id: str, status: str, details: Sequence[str]
    ) -> None:
        lines = "".join(f"\n  - {d}" for d in details)
        super().__init__(f"{resource}: {noun} {job_id} ended {status}:{lines}")
        self.job_id = job_id
        self.status = status
        self.details = list(details)


class JobStillRunningError(OmicsResourceError):
    """We stopped waiting (``wait_timeout``); the job is still running on the service."""

    reason = "wait_timeout of {waited} s expired"

    def __init__(
        self, *, resource: str, noun: str, job_id: str, status: str, waited: float
    ) -> None:
        why = self.reason.format(waited=f"{waited:g}")
        super().__init__(
            f"{resource}: {noun} {job_id} is still {status} ({why}). The job keeps running; "
            f"run `pulumi up` again to resume waiting for it: the same job is picked up, "
            f"no second one is started."
        )
        self.job_id = job_id
        self.status = status


class JobWaitCancelledError(JobStillRunningError):
    """The engine cancelled the update (Ctrl-C) while we waited; the job goes on."""

    reason = "the update was cancelled after {waited} s of waiting"


class JobStartCancelledError(OmicsResourceError):
    """The engine cancelled the update (Ctrl-C) while we waited to start the job (for the
    service's job quota, or retrying the Start): ``waiting`` says for what."""

    def __init__(self, *, resource: str, noun: str, waited: float, waiting: str) -> None:
        super().__init__(
            f"{resource}: no {noun} was started: the update was cancelled after {waited:.0f} s "
            f"of {waiting}. Run `pulumi up` again."
        )
        self.waited = waited


class PartialCreateError(OmicsResourceError):
    """A create that failed after it made something: ``resource_id`` and ``outputs`` are
    the resource as it stands. A front-end whose engine can record a partly created
    resource does (the next ``pulumi up`` is then an update of it); any other shows the
    message, which is the cause's own."""

    def __init__(self, message: str, *, resource_id: str, outputs: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.resource_id = resource_id
        self.outputs = dict(outputs)


class ReadSetDeletionError(OmicsResourceError):
    """``BatchDeleteReadSet`` reported errors for some read sets."""

    def __init__(self, resource: str, errors: Sequence[str]) -> None:
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(f"{resource}: could not delete every read set:\n{lines}")
        self.errors = list(errors)


class EndpointUnreachableError(OmicsResourceError):
    """The HealthOmics endpoint has never answered this process (wrong URL or Region, no
    network): retrying until ``wait_timeout`` would only hide that."""

    def __init__(self, *, endpoint: str, region: str, error: str, waited: float) -> None:
        super().__init__(
            f"no answer from the HealthOmics endpoint {endpoint} (region {region}) in "
            f"{waited:.0f} s of trying: {error}. Check the endpoint (stack config "
            f"omics-resources:endpoint, AWS_ENDPOINT_URL_OMICS), the region (aws:region, "
            f"AWS_REGION) and the network; nothing was started."
        )
        self.endpoint = endpoint
        self.region = region


class RoleNotAssumableError(OmicsResourceError):
    """The service kept refusing the role as one it cannot assume, for longer than a new
    role takes to propagate in IAM."""

    def __init__(self, *, role: str, waited: float, error: str) -> None:
        super().__init__(
            f"HealthOmics could not assume role {role} for {waited:.0f} s ({error}). A role "
            "created in this update may take a few seconds to propagate; after that long, check "
            "that it exists and that its trust policy lets omics.amazonaws.com assume it, then "
            "run `pulumi up` again."
        )
        self.role = role
