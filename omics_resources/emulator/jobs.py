"""Import and activation jobs: their sources, their lifecycle on the clock, their views.

A job's progress is computed from timestamps when it is looked at (:meth:`Job.advance`),
so no thread ticks in the background and a fake clock makes tests deterministic. What
each kind does to read sets lives in its own class; what a status means (which ones are
final) comes from botocore's waiters via :func:`omics_resources.core.service_model.job_outcomes`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final, Literal, Protocol, get_args

from omics_resources.core.service_model import job_outcomes
from omics_resources.emulator.entities import (
    ReadSet,
    ReadSets,
    ReadSetStatus,
    Store,
    file_name,
    status_message,
)
from omics_resources.emulator.exceptions import ValidationException
from omics_resources.emulator.s3 import S3Objects

__all__ = [
    "JOB_KINDS",
    "TOKEN_REUSE",
    "ActivationJob",
    "ClientTokens",
    "ExportJob",
    "ImportJob",
    "Inventory",
    "Job",
    "JobSource",
    "JobStatus",
    "SourceStatus",
    "Started",
    "TokenReuse",
]


class JobStatus:
    """Job statuses the emulator sets."""

    SUBMITTED = "SUBMITTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    COMPLETED_WITH_FAILURES = "COMPLETED_WITH_FAILURES"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class SourceStatus:
    """Statuses of one source of a job."""

    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    ENDED = frozenset({FINISHED, FAILED})


class Inventory(Protocol):
    """What jobs act on: the stores, read sets and tags of the backend, and S3."""

    stores: dict[str, Store]
    read_sets: ReadSets
    tags: dict[str, dict[str, str]]
    s3: S3Objects


@dataclass
class JobSource:
    """One source of a job: what was asked, when it ends and how."""

    request: dict[str, Any]
    ends: float
    failure: str | None = None
    read_set_id: str | None = None
    size: int = 0
    reads: int = 0
    status: str = SourceStatus.NOT_STARTED
    message: str | None = None
    #: An import source's ETag (see :mod:`~omics_resources.emulator.etags`), from the
    #: content read when the job started.
    etag: dict[str, str] | None = None


@dataclass(kw_only=True)
class Job:
    """What both job kinds share: identity, client token, the clock, the sources."""

    KIND: ClassVar[str]
    #: The Get operation of the kind: botocore's waiter for it says which statuses end a job.
    GET_OPERATION: ClassVar[str]

    id: str
    store_id: str
    token: str | None
    fingerprint: str
    created: float
    starts: float
    sources: list[JobSource] = field(default_factory=list)
    status: str = JobStatus.SUBMITTED
    message: str | None = None
    completed: float | None = None

    @property
    def ended(self) -> bool:
        """In a status the job never leaves."""
        return self.status in job_outcomes(self.GET_OPERATION).terminal

    def advance(self, now: float, inventory: Inventory) -> bool:
        """Bring the job up to ``now``; True when anything changed (a status, a read set)."""
        if self.ended or now < self.starts:
            return False
        changed = self.status != JobStatus.IN_PROGRESS
        self.status = JobStatus.IN_PROGRESS
        for source in self.sources:
            if source.status in SourceStatus.ENDED:
                continue
            if now < source.ends:
                if source.status == SourceStatus.NOT_STARTED:
                    source.status = SourceStatus.IN_PROGRESS
                    self._began(source, inventory)
                    changed = True
                continue
            self._end(source, inventory)
            changed = True
        if all(s.status in SourceStatus.ENDED for s in self.sources):
            self._conclude()
            changed = True
        return changed

    def _end(self, source: JobSource, inventory: Inventory) -> None:
        if source.failure is not None:
            source.status, source.message = SourceStatus.FAILED, status_message(source.failure)
            return
        source.status = SourceStatus.FINISHED
        self._finished(source, inventory)

    def _conclude(self) -> None:
        failed = sum(s.status == SourceStatus.FAILED for s in self.sources)
        if not failed:
            self.status, self.message = JobStatus.COMPLETED, None
        else:
            self.status = (
                JobStatus.FAILED
                if failed == len(self.sources)
                else JobStatus.COMPLETED_WITH_FAILURES
            )
            self.message = status_message(f"{failed} of {len(self.sources)} sources failed")
        self.completed = max(s.ends for s in self.sources)

    def cancel(self, now: float) -> bool:
        """End a job that has not ended as CANCELLED (its open sources fail); True if it did."""
        if self.ended:
            return False
        self.status, self.message, self.completed = JobStatus.CANCELLED, "Cancelled on request", now
        for source in self.sources:
            if source.status not in SourceStatus.ENDED:
                source.status, source.message = SourceStatus.FAILED, "Job cancelled"
        return True

    def summary(self) -> dict[str, Any]:
        """The job as Start* answers it and List*Jobs lists it."""
        return {
            "id": self.id,
            "sequenceStoreId": self.store_id,
            "status": self.status,
            "creationTime": self.created,
            "completionTime": self.completed,
        }

    def describe(self) -> dict[str, Any]:
        """The job as Get*Job answers it."""
        return {
            **self.summary(),
            "statusMessage": self.message,
            "sources": [self._describe_source(s) for s in self.sources],
        }

    # -- what each kind does differently ------------------------------------------------

    def _began(self, source: JobSource, inventory: Inventory) -> None:
        """A source started processing."""

    def _finished(self, source: JobSource, inventory: Inventory) -> None:
        """A source finished well."""
        raise NotImplementedError

    def _describe_source(self, source: JobSource) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(kw_only=True)
class ImportJob(Job):
    """A read-set import job: each source that finishes becomes an ACTIVE read set."""

    KIND: ClassVar[str] = "import"
    GET_OPERATION: ClassVar[str] = "GetReadSetImportJob"

    role_arn: str

    def _finished(self, source: JobSource, inventory: Inventory) -> None:
        store = inventory.stores.get(self.store_id)
        if store is None or source.read_set_id is None:
            return
        item = source.request
        read_set = ReadSet(
            id=source.read_set_id,
            store_id=self.store_id,
            arn=f"{store.arn}/readSet/{source.read_set_id}",
            status=ReadSetStatus.ACTIVE,
            file_type=item["sourceFileType"],
            subject_id=item["subjectId"],
            sample_id=item["sampleId"],
            created=source.ends,
            job_id=self.id,
            name=item.get("name"),
            description=item.get("description"),
            reference_arn=item.get("referenceArn"),
            generated_from=item.get("generatedFrom"),
            size=source.size,
            read_count=source.reads,
            etag=source.etag,
            files={k: v for k, v in item["sourceFiles"].items() if v},
        )
        inventory.read_sets[read_set.id] = read_set
        inventory.tags[read_set.arn] = dict(item.get("tags") or {})

    def summary(self) -> dict[str, Any]:
        """The job as Start/List answer it: with its role."""
        return {**super().summary(), "roleArn": self.role_arn}

    def _describe_source(self, source: JobSource) -> dict[str, Any]:
        return {
            **source.request,
            "status": source.status,
            "statusMessage": source.message,
            "readSetId": source.read_set_id if source.status == SourceStatus.FINISHED else None,
        }


@dataclass(kw_only=True)
class ActivationJob(Job):
    """A read-set activation job: ARCHIVED -> ACTIVATING while a source runs -> ACTIVE."""

    KIND: ClassVar[str] = "activation"
    GET_OPERATION: ClassVar[str] = "GetReadSetActivationJob"

    def _read_set(self, source: JobSource, inventory: Inventory) -> ReadSet | None:
        return inventory.read_sets.get(source.read_set_id or "")

    def _began(self, source: JobSource, inventory: Inventory) -> None:
        read_set = self._read_set(source, inventory)
        if (
            source.failure is None
            and read_set is not None
            and read_set.status == ReadSetStatus.ARCHIVED
        ):
            read_set.status = ReadSetStatus.ACTIVATING

    def _finished(self, source: JobSource, inventory: Inventory) -> None:
        read_set = self._read_set(source, inventory)
        if read_set is not None and read_set.status in (
            ReadSetStatus.ARCHIVED,
            ReadSetStatus.ACTIVATING,
        ):
            read_set.status = ReadSetStatus.ACTIVE

    def _describe_source(self, source: JobSource) -> dict[str, Any]:
        return {
            "readSetId": source.read_set_id,
            "status": source.status,
            "statusMessage": source.message,
        }


@dataclass(kw_only=True)
class ExportJob(Job):
    """A read-set export job: each finished source writes the read set's stored bytes
    (each of its files) to ``<destination><readSetId>/<file name>`` in the emulator's S3."""

    KIND: ClassVar[str] = "export"
    GET_OPERATION: ClassVar[str] = "GetReadSetExportJob"

    destination: str
    role_arn: str

    def _finished(self, source: JobSource, inventory: Inventory) -> None:
        read_set = inventory.read_sets.get(source.read_set_id or "")
        if read_set is None:
            return
        bucket, _, prefix = self.destination.removeprefix("s3://").partition("/")
        prefix = prefix.rstrip("/") + "/" if prefix.strip("/") else ""
        objects = []
        for uri in (read_set.files or {}).values():
            data = inventory.s3.read(uri)
            if data is not None:
                objects.append((f"{prefix}{read_set.id}/{file_name(uri)}", data))
        inventory.s3.put_many(bucket, objects)

    def summary(self) -> dict[str, Any]:
        """The job as Start/List answer it: with its destination."""
        return {**super().summary(), "destination": self.destination}

    def describe(self) -> dict[str, Any]:
        """GetReadSetExportJob's answer: per read set ``readSets`` (not ``sources``)."""
        described = super().describe()
        described["readSets"] = described.pop("sources")
        return described

    def _describe_source(self, source: JobSource) -> dict[str, Any]:
        return {"id": source.read_set_id, "status": source.status, "statusMessage": source.message}


#: What a Start* gets when its client token already started a job for a *different*
#: request (the service's documentation does not say): ``"refuse"``, a ValidationException
#: (as many AWS APIs answer); ``"earlier-job"``, the job the token started, as a retry of
#: that request gets it (whatever the new request says; no job is created).
TokenReuse = Literal["refuse", "earlier-job"]
TOKEN_REUSE: Final[tuple[TokenReuse, ...]] = get_args(TokenReuse)


class ClientTokens:
    """Which job each client token started (per job kind and store), so a retried Start
    gets its job back instead of a second one."""

    def __init__(self, jobs: Iterable[Job] = ()) -> None:
        self._jobs: dict[tuple[str, str, str], Job] = {}
        for job in jobs:
            self.remember(job)

    @staticmethod
    def fingerprint(request: dict[str, Any]) -> str:
        """What identifies a request, to tell a retry from another request with its token."""
        canonical = json.dumps(request, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def earlier(
        self,
        kind: type[Job],
        store_id: str,
        token: str | None,
        fingerprint: str,
        reuse: TokenReuse = "refuse",
    ) -> Job | None:
        """The job this token already started, if any. A different request with the same
        token gets what ``reuse`` says (see :data:`TokenReuse`): the API's
        ValidationException, or that job all the same."""
        job = None if token is None else self._jobs.get((kind.KIND, store_id, token))
        if job is not None and job.fingerprint != fingerprint and reuse == "refuse":
            raise ValidationException(
                f"clientToken {token!r} was already used for a different request"
            )
        return job

    def remember(self, job: Job) -> None:
        """Record the token of a job just created (jobs without one are not recorded)."""
        if job.token is not None:
            self._jobs[(job.KIND, job.store_id, job.token)] = job

    def clear(self) -> None:
        """Forget every token."""
        self._jobs.clear()


#: Job classes by kind (the control API's and the state file's name for them).
JOB_KINDS: dict[str, type[Job]] = {cls.KIND: cls for cls in (ImportJob, ActivationJob, ExportJob)}


@dataclass(frozen=True)
class Started:
    """What a Start* call did: the job it answers with, and whether it created it (False:
    the client token's earlier job, returned again)."""

    job: Job
    created: bool
