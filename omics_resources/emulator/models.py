"""The emulator's state: sequence stores, read sets and jobs, and the lifecycle clock.

No HTTP here. Methods are the API's operations in snake_case, taking the request's members
(camelCase, as the wire has them) and returning the response's. Job progress is computed
lazily from timestamps whenever the state is touched, so no thread ticks in the background
and a fake clock makes tests deterministic.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from omics_resources.emulator.exceptions import (
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)
from omics_resources.emulator.lifecycle import Durations, content_problem
from omics_resources.emulator.s3 import ACCOUNT_ID, S3Objects

__all__ = ["ACTIVATION", "IMPORT", "OmicsBackend", "RequestLog"]

IMPORT = "import"
ACTIVATION = "activation"
TERMINAL = frozenset({"CANCELLED", "FAILED", "COMPLETED", "COMPLETED_WITH_FAILURES"})
_NEEDS_REFERENCE = frozenset({"BAM", "CRAM"})
_DEFAULT_PAGE = 50


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def _message(text: str) -> str:
    # The API caps status messages at 127 characters.
    return text if len(text) <= 127 else text[:124] + "..."


@dataclass
class Store:
    """A sequence store."""

    id: str
    name: str
    description: str | None
    created: float
    region: str

    @property
    def arn(self) -> str:
        return f"arn:aws:omics:{self.region}:{ACCOUNT_ID}:sequenceStore/{self.id}"


@dataclass
class ReadSet:
    """A read set: its metadata and status."""

    id: str
    store_id: str
    arn: str
    status: str
    file_type: str
    subject_id: str
    sample_id: str
    created: float
    job_id: str
    name: str | None = None
    description: str | None = None
    reference_arn: str | None = None
    generated_from: str | None = None
    size: int = 0
    read_count: int = 0


@dataclass
class JobSource:
    """One source of a job: what was asked, when it ends and how."""

    request: dict[str, Any]
    ends: float
    failure: str | None = None
    read_set_id: str | None = None
    size: int = 0
    reads: int = 0
    status: str = "NOT_STARTED"
    message: str | None = None


@dataclass
class Job:
    """An import or activation job."""

    kind: str
    id: str
    store_id: str
    token: str | None
    fingerprint: str
    created: float
    starts: float
    sources: list[JobSource]
    role_arn: str | None = None
    status: str = "SUBMITTED"
    message: str | None = None
    completed: float | None = None


@dataclass
class RequestLog:
    """Every API request answered: operation, status, whether a fault was injected, and for
    Start* whether it started a new job."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **entry: Any) -> None:
        """Record one request."""
        with self.lock:
            self.entries.append(entry)

    def snapshot(self) -> dict[str, Any]:
        """Counts per operation and the requests in order."""
        with self.lock:
            counts: dict[str, int] = {}
            for entry in self.entries:
                counts[entry["operation"]] = counts.get(entry["operation"], 0) + 1
            return {"counts": counts, "requests": [dict(e) for e in self.entries]}

    def clear(self) -> None:
        """Forget every entry."""
        with self.lock:
            self.entries.clear()


class OmicsBackend:
    """The sequence-store part of HealthOmics, in memory."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        durations: Durations | None = None,
        region: str = "us-east-1",
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.clock = clock
        self.durations = durations or Durations()
        self.region = region
        self.max_active_jobs: int | None = None
        self.s3 = S3Objects()
        self.lock = threading.RLock()
        self._on_change = on_change
        self._rng = random.Random()
        self.stores: dict[str, Store] = {}
        self.read_sets: dict[str, ReadSet] = {}
        self.jobs: dict[str, Job] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self.tokens: dict[tuple[str, str, str], str] = {}

    # -- housekeeping ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every store, read set, job, token and tag (and S3's objects)."""
        with self.lock:
            self.stores.clear()
            self.read_sets.clear()
            self.jobs.clear()
            self.tags.clear()
            self.tokens.clear()
            self.max_active_jobs = None
            self.s3.reset()
            self._on_change()

    def _new_id(self, taken: Iterable[str]) -> str:
        used = set(taken)
        while True:
            candidate = str(self._rng.randrange(10**9, 10**10))
            if candidate not in used:
                return candidate

    def _store(self, store_id: str) -> Store:
        store = self.stores.get(store_id)
        if store is None:
            raise ResourceNotFoundException(f"Sequence store {store_id} not found")
        return store

    def _job(self, kind: str, store_id: str, job_id: str) -> Job:
        self._store(store_id)
        job = self.jobs.get(job_id)
        if job is None or job.kind != kind or job.store_id != store_id:
            raise ResourceNotFoundException(f"{kind.capitalize()} job {job_id} not found")
        return job

    def _read_set(self, store_id: str, read_set_id: str) -> ReadSet:
        self._store(store_id)
        read_set = self.read_sets.get(read_set_id)
        if read_set is None or read_set.store_id != store_id or read_set.status == "DELETED":
            raise ResourceNotFoundException(f"Read set {read_set_id} not found")
        return read_set

    def advance(self) -> None:
        """Bring every job up to the clock: statuses, read sets created or activated."""
        now = self.clock()
        changed = False
        for job in self.jobs.values():
            if job.status in TERMINAL:
                continue
            changed = True
            if now < job.starts:
                continue
            job.status = "IN_PROGRESS"
            for source in job.sources:
                if source.status in ("FINISHED", "FAILED"):
                    continue
                if now < source.ends:
                    if source.status == "NOT_STARTED":
                        self._begin(job, source)
                    continue
                self._finish(job, source)
            if all(s.status in ("FINISHED", "FAILED") for s in job.sources):
                failed = sum(s.status == "FAILED" for s in job.sources)
                job.status = (
                    "COMPLETED"
                    if not failed
                    else "FAILED"
                    if failed == len(job.sources)
                    else "COMPLETED_WITH_FAILURES"
                )
                job.message = (
                    None
                    if not failed
                    else _message(f"{failed} of {len(job.sources)} sources failed")
                )
                job.completed = max(s.ends for s in job.sources)
        if changed:
            self._on_change()

    def _begin(self, job: Job, source: JobSource) -> None:
        source.status = "IN_PROGRESS"
        if job.kind == ACTIVATION and source.failure is None and source.read_set_id:
            read_set = self.read_sets.get(source.read_set_id)
            if read_set is not None and read_set.status == "ARCHIVED":
                read_set.status = "ACTIVATING"

    def _finish(self, job: Job, source: JobSource) -> None:
        if source.failure is not None:
            source.status, source.message = "FAILED", _message(source.failure)
            return
        source.status = "FINISHED"
        if job.kind == IMPORT:
            self._create_read_set(job, source)
        else:
            read_set = self.read_sets.get(source.read_set_id or "")
            if read_set is not None and read_set.status in ("ARCHIVED", "ACTIVATING"):
                read_set.status = "ACTIVE"

    def _create_read_set(self, job: Job, source: JobSource) -> None:
        item = source.request
        read_set_id = source.read_set_id or self._new_id(self.read_sets)
        store = self.stores.get(job.store_id)
        if store is None:
            return
        read_set = ReadSet(
            id=read_set_id,
            store_id=job.store_id,
            arn=f"{store.arn}/readSet/{read_set_id}",
            status="ACTIVE",
            file_type=item["sourceFileType"],
            subject_id=item["subjectId"],
            sample_id=item["sampleId"],
            created=source.ends,
            job_id=job.id,
            name=item.get("name"),
            description=item.get("description"),
            reference_arn=item.get("referenceArn"),
            generated_from=item.get("generatedFrom"),
            size=source.size,
            read_count=source.reads,
        )
        self.read_sets[read_set_id] = read_set
        self.tags[read_set.arn] = dict(item.get("tags") or {})

    def active_jobs(self) -> int:
        """Jobs of either kind that have not ended."""
        return sum(1 for j in self.jobs.values() if j.status not in TERMINAL)

    # -- sequence stores ------------------------------------------------------------------

    def create_sequence_store(
        self,
        name: str,
        description: str | None = None,
        tags: dict[str, str] | None = None,
        **_ignored: Any,
    ) -> dict[str, Any]:
        """CreateSequenceStore (sseConfig, fallbackLocation, ... are accepted and ignored)."""
        with self.lock:
            store = Store(self._new_id(self.stores), name, description, self.clock(), self.region)
            self.stores[store.id] = store
            self.tags[store.arn] = dict(tags or {})
            self._on_change()
            return self._store_view(store)

    def _store_view(self, store: Store) -> dict[str, Any]:
        return {
            "id": store.id,
            "arn": store.arn,
            "name": store.name,
            "description": store.description,
            "creationTime": _iso(store.created),
            "status": "ACTIVE",
            "sseConfig": {"type": "KMS"},
        }

    def get_sequence_store(self, id: str) -> dict[str, Any]:
        """GetSequenceStore."""
        with self.lock:
            return self._store_view(self._store(id))

    def list_sequence_stores(
        self,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListSequenceStores (filter by name)."""
        with self.lock:
            stores = [
                s
                for s in self.stores.values()
                if not filter or filter.get("name") in (None, s.name)
            ]
            page, token = _page(sorted(stores, key=lambda s: s.id), maxResults, nextToken)
            return {"sequenceStores": [self._store_view(s) for s in page], "nextToken": token}

    def delete_sequence_store(self, id: str) -> dict[str, Any]:
        """DeleteSequenceStore (refused while it holds read sets, as the service does)."""
        with self.lock:
            store = self._store(id)
            if any(r.store_id == id and r.status != "DELETED" for r in self.read_sets.values()):
                raise ValidationException(f"Sequence store {id} still contains read sets")
            del self.stores[id]
            self.tags.pop(store.arn, None)
            self._on_change()
            return {}

    # -- jobs -----------------------------------------------------------------------------

    def _idempotent(
        self, kind: str, store_id: str, token: str | None, body: dict[str, Any]
    ) -> tuple[str, Job | None]:
        fingerprint = hashlib.sha256(
            json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        if token is None:
            return fingerprint, None
        job_id = self.tokens.get((kind, store_id, token))
        if job_id is None:
            return fingerprint, None
        job = self.jobs[job_id]
        if job.fingerprint != fingerprint:
            raise ValidationException(
                f"clientToken {token!r} was already used for a different request"
            )
        return fingerprint, job

    def _admit(self) -> None:
        if self.max_active_jobs is not None and self.active_jobs() >= self.max_active_jobs:
            raise ServiceQuotaExceededException(
                f"Too many jobs in progress: the quota is {self.max_active_jobs} active jobs"
            )

    def _register(self, job: Job) -> dict[str, Any]:
        self.jobs[job.id] = job
        if job.token is not None:
            self.tokens[(job.kind, job.store_id, job.token)] = job.id
        self._on_change()
        return self._job_summary(job)

    def _job_summary(self, job: Job) -> dict[str, Any]:
        summary = {
            "id": job.id,
            "sequenceStoreId": job.store_id,
            "status": job.status,
            "creationTime": _iso(job.created),
        }
        if job.kind == IMPORT:
            summary["roleArn"] = job.role_arn
        return summary

    def _start(
        self,
        kind: str,
        store_id: str,
        token: str | None,
        body: dict[str, Any],
        *,
        sources: Callable[[float], list[JobSource]],
        role_arn: str | None = None,
    ) -> dict[str, Any]:
        """What both Start* share: the store, the token, the quota, the clock. ``sources``
        builds the job's sources given the moment processing starts."""
        self.advance()
        self._store(store_id)
        fingerprint, existing = self._idempotent(kind, store_id, token, body)
        if existing is not None:
            return {**self._job_summary(existing), "_meta": {"newJob": False}}
        self._admit()
        now = self.clock()
        starts = now + self.durations.submit()
        job = Job(
            kind,
            self._new_id(self.jobs),
            store_id,
            token,
            fingerprint,
            now,
            starts,
            sources(starts),
            role_arn=role_arn,
        )
        return {**self._register(job), "_meta": {"newJob": True}}

    def start_read_set_import_job(
        self,
        sequenceStoreId: str,
        roleArn: str,
        sources: list[dict[str, Any]],
        clientToken: str | None = None,
    ) -> dict[str, Any]:
        """StartReadSetImportJob; ``newJob`` in the answer's ``_meta`` says if one started.
        Sources are read from S3 when the job is started."""
        for index, item in enumerate(sources):
            if item["sourceFileType"] in _NEEDS_REFERENCE and not item.get("referenceArn"):
                raise ValidationException(
                    f"sources[{index}].referenceArn is required for "
                    f"{item['sourceFileType']} sources"
                )

        def build(starts: float) -> list[JobSource]:
            taken = {
                *self.read_sets,
                *(s.read_set_id or "" for j in self.jobs.values() for s in j.sources),
            }
            built = []
            for item in sources:
                source = self._import_source(item, starts)
                if source.failure is None:
                    source.read_set_id = self._new_id(taken)
                    taken.add(source.read_set_id)
                built.append(source)
            return built

        with self.lock:
            return self._start(
                IMPORT,
                sequenceStoreId,
                clientToken,
                {"roleArn": roleArn, "sources": sources},
                sources=build,
                role_arn=roleArn,
            )

    def _import_source(self, item: dict[str, Any], starts: float) -> JobSource:
        source = JobSource(request=item, ends=starts)
        files = [item["sourceFiles"]["source1"], item["sourceFiles"].get("source2")]
        for uri in filter(None, files):
            data = self.s3.read(uri)
            if data is None:
                source.failure = f"S3 object {uri} not found"
                break
            problem = content_problem(item["sourceFileType"], data)
            if problem is not None:
                source.failure = f"{uri}: {problem}"
                break
            source.size += len(data)
            source.reads += data.count(b"\n@") + data.startswith(b"@")
        source.ends = starts + self.durations.importing(source.size)
        return source

    def start_read_set_activation_job(
        self,
        sequenceStoreId: str,
        sources: list[dict[str, Any]],
        clientToken: str | None = None,
    ) -> dict[str, Any]:
        """StartReadSetActivationJob. A read set that is already ACTIVE finishes at once as a
        no-op; one that does not exist fails its source (our documented choice)."""

        def build(starts: float) -> list[JobSource]:
            built = []
            for item in sources:
                read_set_id = item["readSetId"]
                source = JobSource(
                    request=item, ends=starts + self.durations.activating(), read_set_id=read_set_id
                )
                read_set = self.read_sets.get(read_set_id)
                if (
                    read_set is None
                    or read_set.store_id != sequenceStoreId
                    or read_set.status in ("DELETED", "DELETING")
                ):
                    source.failure = f"Read set {read_set_id} not found"
                elif read_set.status in ("ACTIVE", "ACTIVATING"):
                    source.ends = starts
                    source.message = "Read set is already active"
                built.append(source)
            return built

        with self.lock:
            return self._start(
                ACTIVATION, sequenceStoreId, clientToken, {"sources": sources}, sources=build
            )

    def _job_view(self, job: Job) -> dict[str, Any]:
        view = {
            **self._job_summary(job),
            "statusMessage": job.message,
            "completionTime": _iso(job.completed),
        }
        if job.kind == IMPORT:
            view["sources"] = [
                {
                    **s.request,
                    "status": s.status,
                    "statusMessage": s.message,
                    "readSetId": s.read_set_id if s.status == "FINISHED" else None,
                }
                for s in job.sources
            ]
        else:
            view["sources"] = [
                {"readSetId": s.read_set_id, "status": s.status, "statusMessage": s.message}
                for s in job.sources
            ]
        return view

    def get_read_set_import_job(self, sequenceStoreId: str, id: str) -> dict[str, Any]:
        """GetReadSetImportJob."""
        with self.lock:
            self.advance()
            return self._job_view(self._job(IMPORT, sequenceStoreId, id))

    def get_read_set_activation_job(self, sequenceStoreId: str, id: str) -> dict[str, Any]:
        """GetReadSetActivationJob."""
        with self.lock:
            self.advance()
            return self._job_view(self._job(ACTIVATION, sequenceStoreId, id))

    def _list_jobs(
        self,
        kind: str,
        store_id: str,
        max_results: int | None,
        next_token: str | None,
        status_filter: dict[str, Any] | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        self.advance()
        self._store(store_id)
        wanted = (status_filter or {}).get("status")
        jobs = [
            j
            for j in self.jobs.values()
            if j.kind == kind and j.store_id == store_id and wanted in (None, j.status)
        ]
        page, token = _page(sorted(jobs, key=lambda j: (j.created, j.id)), max_results, next_token)
        return [{**self._job_summary(j), "completionTime": _iso(j.completed)} for j in page], token

    def list_read_set_import_jobs(
        self,
        sequenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReadSetImportJobs (filter by status)."""
        with self.lock:
            jobs, token = self._list_jobs(IMPORT, sequenceStoreId, maxResults, nextToken, filter)
            return {"importJobs": jobs, "nextToken": token}

    def list_read_set_activation_jobs(
        self,
        sequenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReadSetActivationJobs (filter by status)."""
        with self.lock:
            jobs, token = self._list_jobs(
                ACTIVATION, sequenceStoreId, maxResults, nextToken, filter
            )
            return {"activationJobs": jobs, "nextToken": token}

    # -- read sets ------------------------------------------------------------------------

    def _read_set_view(self, read_set: ReadSet) -> dict[str, Any]:
        return {
            "id": read_set.id,
            "arn": read_set.arn,
            "sequenceStoreId": read_set.store_id,
            "subjectId": read_set.subject_id,
            "sampleId": read_set.sample_id,
            "status": read_set.status,
            "name": read_set.name,
            "description": read_set.description,
            "fileType": read_set.file_type,
            "creationTime": _iso(read_set.created),
            "referenceArn": read_set.reference_arn,
            "creationType": "IMPORT",
            "creationJobId": read_set.job_id,
            "sequenceInformation": {
                "totalReadCount": read_set.read_count,
                "generatedFrom": read_set.generated_from,
                "alignment": "ALIGNED" if read_set.reference_arn else "UNALIGNED",
            },
        }

    def get_read_set_metadata(self, sequenceStoreId: str, id: str) -> dict[str, Any]:
        """GetReadSetMetadata."""
        with self.lock:
            self.advance()
            return self._read_set_view(self._read_set(sequenceStoreId, id))

    def list_read_sets(
        self,
        sequenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReadSets, with ReadSetFilter's name, status, sampleId, subjectId,
        referenceArn, generatedFrom and creationType."""
        with self.lock:
            self.advance()
            self._store(sequenceStoreId)
            wanted = {k: v for k, v in (filter or {}).items() if v is not None}
            views = [
                self._read_set_view(r)
                for r in self.read_sets.values()
                if r.store_id == sequenceStoreId and r.status != "DELETED"
            ]
            views = [v for v in views if all(_matches(v, k, want) for k, want in wanted.items())]
            page, token = _page(sorted(views, key=lambda v: v["id"]), maxResults, nextToken)
            return {"readSets": page, "nextToken": token}

    def batch_delete_read_set(self, sequenceStoreId: str, ids: list[str]) -> dict[str, Any]:
        """BatchDeleteReadSet: per-item errors for ids that are unknown."""
        with self.lock:
            self.advance()
            self._store(sequenceStoreId)
            errors = []
            for read_set_id in ids:
                read_set = self.read_sets.get(read_set_id)
                if (
                    read_set is None
                    or read_set.store_id != sequenceStoreId
                    or (read_set.status == "DELETED")
                ):
                    errors.append(
                        {
                            "id": read_set_id,
                            "code": "ResourceNotFoundException",
                            "message": f"Read set {read_set_id} not found",
                        }
                    )
                    continue
                read_set.status = "DELETED"
                self.tags.pop(read_set.arn, None)
            self._on_change()
            return {"errors": errors}

    # -- tags -----------------------------------------------------------------------------

    def _tagged(self, arn: str) -> dict[str, str]:
        if arn not in self.tags:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        return self.tags[arn]

    def tag_resource(self, resourceArn: str, tags: dict[str, str]) -> dict[str, Any]:
        """TagResource."""
        with self.lock:
            self.advance()
            self._tagged(resourceArn).update(tags)
            self._on_change()
            return {}

    def untag_resource(self, resourceArn: str, tagKeys: list[str]) -> dict[str, Any]:
        """UntagResource."""
        with self.lock:
            self.advance()
            current = self._tagged(resourceArn)
            for key in tagKeys:
                current.pop(key, None)
            self._on_change()
            return {}

    def list_tags_for_resource(self, resourceArn: str) -> dict[str, Any]:
        """ListTagsForResource."""
        with self.lock:
            self.advance()
            return {"tags": dict(self._tagged(resourceArn))}

    # -- control (not part of the AWS API) -------------------------------------------------

    def archive(self, store_id: str, read_set_ids: list[str]) -> list[str]:
        """HealthOmics' 30-day archive, on request: ACTIVE read sets become ARCHIVED."""
        with self.lock:
            self.advance()
            archived = []
            for read_set_id in read_set_ids:
                read_set = self._read_set(store_id, read_set_id)
                if read_set.status in ("ACTIVE", "ACTIVATING"):
                    read_set.status = "ARCHIVED"
                    archived.append(read_set_id)
            self._on_change()
            return archived

    def cancel(self, store_id: str, job_id: str) -> dict[str, Any]:
        """Move a job that has not ended to CANCELLED."""
        with self.lock:
            self.advance()
            self._store(store_id)
            job = self.jobs.get(job_id)
            if job is None or job.store_id != store_id:
                raise ResourceNotFoundException(f"Job {job_id} not found")
            if job.status not in TERMINAL:
                now = self.clock()
                job.status, job.message, job.completed = "CANCELLED", "Cancelled on request", now
                for source in job.sources:
                    if source.status not in ("FINISHED", "FAILED"):
                        source.status, source.message = "FAILED", "Job cancelled"
                self._on_change()
            return {"id": job.id, "status": job.status}

    def job_list(self) -> list[dict[str, Any]]:
        """Every job, for the control API."""
        with self.lock:
            self.advance()
            return [
                {
                    "kind": j.kind,
                    "id": j.id,
                    "sequenceStoreId": j.store_id,
                    "status": j.status,
                    "clientToken": j.token,
                }
                for j in self.jobs.values()
            ]

    # -- persistence ----------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """Everything, as JSON-ready data."""
        with self.lock:
            return {
                "stores": [asdict(s) for s in self.stores.values()],
                "readSets": [asdict(r) for r in self.read_sets.values()],
                "jobs": [asdict(j) for j in self.jobs.values()],
                "tags": self.tags,
                "durations": asdict(self.durations),
                "maxActiveJobs": self.max_active_jobs,
            }

    def load(self, data: dict[str, Any]) -> None:
        """Replace the state with what :meth:`dump` wrote."""
        with self.lock:
            self.stores = {s["id"]: Store(**s) for s in data.get("stores", [])}
            self.read_sets = {r["id"]: ReadSet(**r) for r in data.get("readSets", [])}
            self.jobs = {}
            for raw in data.get("jobs", []):
                sources = [JobSource(**s) for s in raw["sources"]]
                job = Job(**{**raw, "sources": sources})
                self.jobs[job.id] = job
            self.tokens = {
                (j.kind, j.store_id, j.token): j.id
                for j in self.jobs.values()
                if j.token is not None
            }
            self.tags = {k: dict(v) for k, v in data.get("tags", {}).items()}
            self.durations = Durations(**data.get("durations", {}))
            self.max_active_jobs = data.get("maxActiveJobs")


def _matches(view: dict[str, Any], key: str, wanted: Any) -> bool:
    if key in ("createdAfter", "createdBefore"):
        return True
    return bool(view.get(key) == wanted)


def _page(
    items: list[Any], max_results: int | None, next_token: str | None
) -> tuple[list[Any], str | None]:
    start = 0
    if next_token:
        if not next_token.isdigit():
            raise ValidationException(f"Invalid nextToken {next_token!r}")
        start = int(next_token)
    size = max_results or _DEFAULT_PAGE
    page = items[start : start + size]
    more = start + size < len(items)
    return page, str(start + size) if more else None
