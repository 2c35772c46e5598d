"""The emulator's backend: the API's operations over stores, read sets and jobs, in
snake_case, taking the request's members (camelCase) and returning the answer's, or for
Start* a :class:`~.jobs.Started` (created, or the token's earlier job: see ``behaviour``).
No HTTP here (moto's ``models.py``); uploads, exports and reference stores are in
:mod:`.uploads`, :mod:`.exports`, :mod:`.references`. Each first advances the jobs."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Container
from typing import Any

from omics_resources.emulator.behaviour import Behaviour
from omics_resources.emulator.entities import ReadSet, ReadSets, ReadSetStatus, Store
from omics_resources.emulator.etags import DEFAULT_FAMILY
from omics_resources.emulator.exceptions import (
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)
from omics_resources.emulator.exports import ExportOperations
from omics_resources.emulator.filters import JOB_FILTER, READ_SET_FILTER, STORE_FILTER
from omics_resources.emulator.jobs import (
    ActivationJob,
    ClientTokens,
    ImportJob,
    Job,
    JobSource,
    Started,
)
from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.limits import Limits
from omics_resources.emulator.pages import page, page_in_order
from omics_resources.emulator.references import ReferenceOperations, ReferenceState
from omics_resources.emulator.s3 import S3Objects
from omics_resources.emulator.sources import (
    activation_sources,
    check_import_request,
    import_sources,
)
from omics_resources.emulator.uploads import UploadOperations

__all__ = ["OmicsBackend"]


class OmicsBackend(ExportOperations, UploadOperations, ReferenceOperations):
    """The storage part of HealthOmics (sequence and reference stores), in memory."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        durations: Durations | None = None,
        region: str = "us-east-1",
        limits: Limits | None = None,
        behaviour: Behaviour | None = None,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.clock = clock
        self.durations = durations or Durations()
        self.region = region
        self.limits = limits or Limits(clock=clock)
        self._initial_behaviour = behaviour or Behaviour()
        #: The readings in force where the documentation allows more than one.
        self.behaviour = self._initial_behaviour
        self.s3 = S3Objects()
        self.lock = threading.RLock()
        self._on_change = on_change
        self._rng = random.Random()
        self.stores: dict[str, Store] = {}
        self.read_sets = ReadSets()
        self.jobs: dict[str, Job] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self.tokens = ClientTokens()
        self.refs = ReferenceState()

    # -- housekeeping ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every store, read set, job, token and tag (and S3's objects)."""
        with self.lock:
            self.stores.clear()
            self.refs.clear()
            self.read_sets.clear()
            self.jobs.clear()
            self.tags.clear()
            self.tokens.clear()
            self.s3.reset()
            self.reset_uploads()
            self._on_change()

    def set_behaviour(self, changes: dict[str, Any]) -> Behaviour:
        """Apply the control API's ``changes`` (checked); the behaviour in force."""
        with self.lock:
            self.behaviour = self.behaviour.updated(changes)
            return self.behaviour

    def reset_behaviour(self) -> None:
        """Back to the behaviour the backend was started with."""
        with self.lock:
            self.behaviour = self._initial_behaviour

    def changed(self) -> None:
        """Something changed outside the API (state loaded, S3 written): save it."""
        self._on_change()

    def _new_id(self, *taken: Container[str]) -> str:
        while True:
            candidate = str(self._rng.randrange(10**9, 10**10))
            if not any(candidate in used for used in taken):
                return candidate

    def store(self, store_id: str) -> Store:
        """The store, or the API's not-found error."""
        store = self.stores.get(store_id)
        if store is None:
            raise ResourceNotFoundException(f"Sequence store {store_id} not found")
        return store

    def _job(self, kind: type[Job], store_id: str, job_id: str) -> Job:
        self.store(store_id)
        job = self.jobs.get(job_id)
        if not isinstance(job, kind) or job.store_id != store_id:
            raise ResourceNotFoundException(f"{kind.KIND.capitalize()} job {job_id} not found")
        return job

    def read_set(self, store_id: str, read_set_id: str) -> ReadSet:
        """The read set, or the API's not-found error (a deleted one is not found)."""
        self.store(store_id)
        read_set = self.read_sets.get(read_set_id)
        if read_set is None or read_set.store_id != store_id or read_set.gone:
            raise ResourceNotFoundException(f"Read set {read_set_id} not found")
        return read_set

    def advance(self) -> None:
        """Bring every job up to the clock; save only if something moved."""
        now = self.clock()
        changed = self.settle_uploads(now)
        for job in self.jobs.values():
            changed |= job.advance(now, self)
        if changed:
            self._on_change()

    def active_jobs(self, kind: type[Job]) -> int:
        """Jobs of this kind that have not ended."""
        return sum(1 for j in self.jobs.values() if isinstance(j, kind) and not j.ended)

    # -- sequence stores ------------------------------------------------------------------

    def create_sequence_store(
        self,
        name: str,
        description: str | None = None,
        tags: dict[str, str] | None = None,
        eTagAlgorithmFamily: str = DEFAULT_FAMILY,
        **_ignored: Any,
    ) -> dict[str, Any]:
        """CreateSequenceStore (sseConfig, fallbackLocation, ... are accepted and ignored)."""
        with self.lock:
            new_id, now = self._new_id(self.stores), self.clock()
            store = Store(new_id, name, description, now, self.region, eTagAlgorithmFamily)
            self.stores[store.id] = store
            self.tags[store.arn] = dict(tags or {})
            self._on_change()
            return store.describe()

    def get_sequence_store(self, id: str) -> dict[str, Any]:
        """GetSequenceStore."""
        with self.lock:
            return self.store(id).describe()

    def list_sequence_stores(
        self,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListSequenceStores, with SequenceStoreFilter."""
        with self.lock:
            stores = [s for s in self.stores.values() if STORE_FILTER.matches(s, filter)]
            served, token = page(stores, lambda s: (s.id,), maxResults, nextToken)
            return {"sequenceStores": [s.describe() for s in served], "nextToken": token}

    def delete_sequence_store(self, id: str) -> dict[str, Any]:
        """DeleteSequenceStore (refused while it holds read sets, as the service does)."""
        with self.lock:
            store = self.store(id)
            if any(r.store_id == id and not r.gone for r in self.read_sets.values()):
                raise ValidationException(f"Sequence store {id} still contains read sets")
            del self.stores[id]
            self.tags.pop(store.arn, None)
            self._on_change()
            return {}

    # -- jobs -----------------------------------------------------------------------------

    def _admit(self, kind: type[Job]) -> None:
        quota = self.limits.job_quota(kind.KIND)
        if quota is not None and self.active_jobs(kind) >= quota:
            raise ServiceQuotaExceededException(
                f"Too many read set {kind.KIND} jobs in progress: the quota is {quota} "
                f"concurrent {kind.KIND} jobs"
            )

    def _start(
        self,
        kind: type[Job],
        store_id: str,
        token: str | None,
        body: dict[str, Any],
        sources: Callable[[float], list[JobSource]],
        **extra: Any,
    ) -> Started:
        """What both Start* share: the store, the token, the quota, the clock. ``sources``
        builds the job's sources given the moment processing starts; ``extra`` are the
        kind's own fields."""
        self.advance()
        self.store(store_id)
        fingerprint = ClientTokens.fingerprint(body)
        earlier = self.tokens.earlier(
            kind, store_id, token, fingerprint, self.behaviour.token_reuse
        )
        if earlier is not None:
            return Started(earlier, created=False)
        self._admit(kind)
        now = self.clock()
        starts = now + self.durations.submit()
        job = kind(
            **extra,
            id=self._new_id(self.jobs),
            store_id=store_id,
            token=token,
            fingerprint=fingerprint,
            created=now,
            starts=starts,
            sources=sources(starts),
        )
        self.jobs[job.id] = job
        self.tokens.remember(job)
        self._on_change()
        return Started(job, created=True)

    def start_read_set_import_job(
        self,
        sequenceStoreId: str,
        roleArn: str,
        sources: list[dict[str, Any]],
        clientToken: str | None = None,
    ) -> Started:
        """StartReadSetImportJob. Sources are read from S3 when the job is started."""
        check_import_request(sources)

        def build(starts: float) -> list[JobSource]:
            # Ids of read sets to come: those of running jobs (an ended job's are read sets
            # by now, or never will be); every job's would cost a Start per source ever.
            taken = {
                s.read_set_id
                for j in self.jobs.values()
                if not j.ended
                for s in j.sources
                if s.read_set_id
            }

            def new_read_set_id() -> str:
                read_set_id = self._new_id(self.read_sets, taken)
                taken.add(read_set_id)
                return read_set_id

            return import_sources(
                sources,
                starts,
                s3=self.s3,
                durations=self.durations,
                new_read_set_id=new_read_set_id,
                etag_family=self.store(sequenceStoreId).etag_algorithm_family,
                reference_exists=self.reference_exists,
            )

        with self.lock:
            body = {"roleArn": roleArn, "sources": sources}
            return self._start(
                ImportJob, sequenceStoreId, clientToken, body, build, role_arn=roleArn
            )

    def start_read_set_activation_job(
        self,
        sequenceStoreId: str,
        sources: list[dict[str, Any]],
        clientToken: str | None = None,
    ) -> Started:
        """StartReadSetActivationJob (see :func:`~.sources.activation_sources`)."""

        def build(starts: float) -> list[JobSource]:
            return activation_sources(
                sources,
                starts,
                store_id=sequenceStoreId,
                read_sets=self.read_sets,
                durations=self.durations,
            )

        with self.lock:
            body = {"sources": sources}
            return self._start(ActivationJob, sequenceStoreId, clientToken, body, build)

    def get_read_set_import_job(self, sequenceStoreId: str, id: str) -> dict[str, Any]:
        """GetReadSetImportJob."""
        with self.lock:
            self.advance()
            return self._job(ImportJob, sequenceStoreId, id).describe()

    def get_read_set_activation_job(self, sequenceStoreId: str, id: str) -> dict[str, Any]:
        """GetReadSetActivationJob."""
        with self.lock:
            self.advance()
            return self._job(ActivationJob, sequenceStoreId, id).describe()

    def _list_jobs(
        self,
        kind: type[Job],
        store_id: str,
        max_results: int | None,
        next_token: str | None,
        wanted: dict[str, Any] | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        self.advance()
        self.store(store_id)
        jobs = [
            j
            for j in self.jobs.values()
            if isinstance(j, kind) and j.store_id == store_id and JOB_FILTER.matches(j, wanted)
        ]
        served, token = page(jobs, lambda j: (j.created, j.id), max_results, next_token)
        return [j.summary() for j in served], token

    def list_read_set_import_jobs(
        self,
        sequenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReadSetImportJobs, with ImportReadSetFilter."""
        with self.lock:
            jobs, token = self._list_jobs(ImportJob, sequenceStoreId, maxResults, nextToken, filter)
            return {"importJobs": jobs, "nextToken": token}

    def list_read_set_activation_jobs(
        self,
        sequenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReadSetActivationJobs, with ActivateReadSetFilter."""
        with self.lock:
            jobs, token = self._list_jobs(
                ActivationJob, sequenceStoreId, maxResults, nextToken, filter
            )
            return {"activationJobs": jobs, "nextToken": token}

    # -- read sets ------------------------------------------------------------------------

    def get_read_set_metadata(self, sequenceStoreId: str, id: str) -> dict[str, Any]:
        """GetReadSetMetadata."""
        with self.lock:
            self.advance()
            return self.read_set(sequenceStoreId, id).describe()

    def list_read_sets(
        self,
        sequenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReadSets, with ReadSetFilter (deleted read sets are never listed)."""
        with self.lock:
            self.advance()
            self.store(sequenceStoreId)

            def listed(read_set_id: str) -> ReadSet | None:
                r = self.read_sets[read_set_id]
                wanted = (
                    r.store_id == sequenceStoreId
                    and not r.gone
                    and READ_SET_FILTER.matches(r, filter)
                )
                return r if wanted else None

            served, token = page_in_order(
                self.read_sets.ordered_ids(), listed, maxResults, nextToken
            )
            return {"readSets": [r.describe() for r in served], "nextToken": token}

    def batch_delete_read_set(self, sequenceStoreId: str, ids: list[str]) -> dict[str, Any]:
        """BatchDeleteReadSet: per-item errors for ids that are unknown."""
        with self.lock:
            self.advance()
            self.store(sequenceStoreId)
            errors = []
            for read_set_id in ids:
                read_set = self.read_sets.get(read_set_id)
                if read_set is None or read_set.store_id != sequenceStoreId or read_set.gone:
                    errors.append(
                        {
                            "id": read_set_id,
                            "code": "ResourceNotFoundException",
                            "message": f"Read set {read_set_id} not found",
                        }
                    )
                    continue
                read_set.status = ReadSetStatus.DELETED
                self.tags.pop(read_set.arn, None)
            if len(errors) < len(ids):
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
