"""One batch of a cohort: its job run (a retry keeps what an earlier job imported), what
each of its keys became, and how the batch ended in this run.

A batch's results are read from its job's answer, source by source in request order
(:func:`job_samples`); a source's key comes from its fields (:func:`reported_keys`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from omics_resources.core import limits
from omics_resources.core.account.api import ReadSetInfo
from omics_resources.core.cohort import identity
from omics_resources.core.cohort.batching import source_key
from omics_resources.core.cohort.state import SAMPLE_FAILED, SAMPLE_PENDING, Sample
from omics_resources.core.fields import from_api
from omics_resources.core.jobs.import_job import SOURCE_FIELDS, ImportKind
from omics_resources.core.jobs.run import JobRun

__all__ = ["BATCH_KIND", "BatchResult", "BatchRun", "job_samples", "reported_keys"]

Props = dict[str, Any]


class _BatchKind(ImportKind):
    """An import whose finished result holds only while its read sets exist, and whose
    job is the batch's under any role."""

    def same_request(self, job: Mapping[str, Any], request: Mapping[str, Any]) -> bool:
        """The role aside: it only reads the sources, so a job of this batch started under
        another role (the role changed since) imports the same read sets."""
        return super().same_request(_roleless(job), _roleless(request))

    def result_holds(self, job: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]) -> bool:
        """No read set of the job is gone."""
        return all(info["status"] != limits.READ_SET_DELETED for info in read_sets.values())


BATCH_KIND = _BatchKind()


def job_samples(job: Mapping[str, Any], keys: Sequence[str | None]) -> dict[str, Sample]:
    """Each key's result in ``job`` (``keys[i]`` is the key of the job's i-th source)."""
    reported = list(job.get("sources") or [])
    ended = job.get("status") in limits.TERMINAL_JOB_STATUSES
    found: dict[str, Sample] = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        source = reported[index] if index < len(reported) else {}
        status = source.get("status")
        read_set = source.get("readSetId")
        if status == limits.SOURCE_FINISHED and read_set:
            found[key] = Sample(limits.READ_SET_ACTIVE, read_set, job["id"])
        elif status == limits.SOURCE_FAILED or ended:
            message = (
                source.get("statusMessage")
                or job.get("statusMessage")
                or f"import job ended {job.get('status')}"
            )
            found[key] = Sample(SAMPLE_FAILED, None, job["id"], str(message))
        else:
            found[key] = Sample(SAMPLE_PENDING, None, job["id"])
    return found


def reported_keys(job: Mapping[str, Any]) -> list[str | None]:
    """The key of each source of a Get*Job answer (its fields are the request's)."""
    return [source_key(from_api(SOURCE_FIELDS, s)) for s in job.get("sources") or []]


@dataclass
class BatchResult:
    """How one batch ended in this run."""

    batch: str
    samples: dict[str, Sample]
    jobs: list[tuple[str, str]] = field(default_factory=list)
    """(job id, status) of each job of the batch this run saw, oldest first."""
    created: datetime | None = None
    """When its oldest job was created."""
    newest: datetime | None = None
    """When its newest job was created."""
    problem: str | None = None
    """Why the batch has not ended (not started, still running, the API refused)."""
    cancelled: bool = False
    resumable: bool = True
    """Whether running ``pulumi up`` again as it is can finish the batch (False: the service
    refused its request for a reason that stays until the user changes something)."""


class BatchRun(JobRun):
    """One batch's JobRun: a retry (next token generation) after an earlier run's job keeps
    the read sets that job made and imports only the rest."""

    def __init__(self, keys: Sequence[str], **kwargs: Any) -> None:
        super().__init__(BATCH_KIND, **kwargs)
        self.keys = list(keys)
        self.done: dict[str, Sample] = {}
        self.jobs: list[tuple[str, str]] = []
        self.created: datetime | None = None
        self.newest: datetime | None = None

    def saw(self, job: Mapping[str, Any]) -> None:
        """Record a job of this batch (its id, status, creation time)."""
        created = job.get("creationTime")
        if isinstance(created, datetime) and (self.created is None or created < self.created):
            self.created = created
        if isinstance(created, datetime) and (self.newest is None or created > self.newest):
            self.newest = created
        self.jobs = [j for j in self.jobs if j[0] != job["id"]] + [(job["id"], job["status"])]

    def result(self, batch: str, job: Mapping[str, Any] | None, **how: Any) -> BatchResult:
        """How the batch ended in this run: each key as ``job`` (None: not started) left it,
        the keys an earlier job imported, the jobs seen; ``how`` says why it stopped early."""
        left = (
            job_samples(job, self.keys) if job else {k: Sample(SAMPLE_PENDING) for k in self.keys}
        )
        return BatchResult(
            batch, {**left, **self.done}, self.jobs, self.created, self.newest, **how
        )

    def taken_by(self, request: Mapping[str, Any]) -> Props | None:
        """This batch's job, started under a role the state never held (an earlier run
        failed or was interrupted, then the role changed, or the state was lost): its token
        is taken, which is the cheap sign to look at jobs of every role, once."""
        store = str(request[self.kind.operations.store])
        operations = self.kind.operations
        since = datetime.fromtimestamp(self.clock.time(), tz=UTC) - identity.LOOKBACK
        pages = self.api.pages(
            operations.list, sequenceStoreId=store, filter={"createdAfter": since}
        )
        for page in pages:
            for item in page:
                if item.get("roleArn") == request.get("roleArn"):
                    continue  # its own role's jobs: this token's job would have been found
                job = self.api.get_job(operations, store, str(item["id"]))
                if self.same_request(job, request):
                    self.progress.say(
                        f"its client token was taken by job {job['id']}, started under role "
                        f"{job.get('roleArn')} for the same sources: taken as this batch's job",
                        str(job["id"]),
                    )
                    return job
        return None

    def retry_request(self, job: Mapping[str, Any], request: Props) -> Props | None:
        """Keep what ``job`` imported (read sets that still exist); retry the rest alone."""
        self.saw(job)
        results = job_samples(job, self.keys)
        made = [s.read_set_id for s in results.values() if s.read_set_id]
        exists = self.api.read_sets(
            job["sequenceStoreId"], made, created_after=self.kind.read_sets_created_after(job)
        )
        remaining = []
        for index, key in enumerate(self.keys):
            sample = results[key]
            info = exists.get(sample.read_set_id or "")
            if info and info["status"] != limits.READ_SET_DELETED:
                self.done[key] = Sample(info["status"], sample.read_set_id, sample.job_id)
            else:
                remaining.append(index)
        if not remaining:
            return None
        self.progress.say(
            f"{len(self.done)} of its sources have read sets; importing the other "
            f"{len(remaining)} again",
            job["id"],
        )
        self.keys = [self.keys[i] for i in remaining]
        return {**request, "sources": [request["sources"][i] for i in remaining]}


def _roleless(request: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in request.items() if k != "roleArn"}
