"""How a wait for a job ends early, and the poll errors a watcher keeps for its waiters.

A poll's error goes to the waiters it concerns: a Get*Job the service refused concerns that
job alone; the List call, or a call nothing answered, concerns every job of the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import botocore.exceptions

from omics_resources.core.account import aws
from omics_resources.core.errors import OmicsResourceError

__all__ = ["Failure", "Failures", "WatchEndedError", "WatchFailedError"]

Props = dict[str, Any]
# Poll errors kept for waiters to see (a waiter that missed older ones sees these).
_ERRORS_KEPT: Final = 16


class WatchEndedError(Exception):
    """A create stopped waiting for its job (``reason``: "timeout" or "cancelled");
    ``job`` is the last description seen."""

    def __init__(self, reason: str, job: Props, waited: float) -> None:
        super().__init__(f"{reason} after {waited:.0f} s")
        self.reason = reason
        self.job = job
        self.waited = waited


class WatchFailedError(OmicsResourceError):
    """A create stopped waiting for its job: a poll failed and its ``on_error`` gave up
    (raised the error it was handed, the ``__cause__``). ``detail`` says what failed and
    whose waits it ends: the job's own Get*Job (that job's only), or the store's List call
    or a call nothing answered (every job's of the store)."""

    def __init__(self, detail: str, job: Props) -> None:
        super().__init__(
            f"stopped waiting for job {job.get('id')}: {detail}. Fix the cause and run "
            "`pulumi up` again."
        )
        self.detail = detail
        self.job = job


@dataclass(frozen=True)
class Failure:
    """An error of a poll: ``operation`` failed; ``job_id`` None if it concerns the store."""

    error: BaseException
    operation: str
    job_id: str | None = None

    def detail(self, store: str) -> str:
        """What failed, and whose waits it ends."""
        code = aws.error_code(self.error)
        if isinstance(self.error, botocore.exceptions.ClientError) and code:
            what = f"{code}: {self.error.response.get('Error', {}).get('Message', '')}"
        else:
            what = f"{type(self.error).__name__}: {self.error}"
        if self.job_id is not None:
            return (
                f"{self.operation} of this job failed ({what}); only the wait for this job "
                f"ended, the other jobs of sequence store {store} are still followed"
            )
        return (
            f"{self.operation} of sequence store {store} failed ({what}), which ends the "
            "wait for every job of that store"
        )


@dataclass
class Failures:
    """Failures kept for waiters to see; a waiter's bookmark is ``count`` (failures ever
    recorded), which trimming the list must not move."""

    kept: list[Failure] = field(default_factory=list)
    count: int = 0

    def add(self, failure: Failure) -> None:
        """Keep one more (dropping the oldest beyond the few kept)."""
        self.kept.append(failure)
        self.count += 1
        del self.kept[:-_ERRORS_KEPT]

    def since(self, seen: int) -> list[Failure]:
        """The failures recorded after bookmark ``seen``."""
        missed = self.count - seen
        return self.kept[-missed:] if missed else []
