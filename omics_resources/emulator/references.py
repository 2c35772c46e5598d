"""The reference-store operations of the emulator's backend (a part of
:class:`~omics_resources.emulator.models.OmicsBackend`, kept apart as moto keeps a
service's sub-APIs): reference stores, reference import jobs, references.

The API page of StartReferenceImportJob says a store imports one job at a time. What the
service answers a second Start while one runs is not documented: the emulator answers
ServiceQuotaExceededException (the only quota-like error in the operation's model), as for
the account's job quota (docs/emulator.md, deviations).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Container
from typing import Any

from omics_resources.emulator.behaviour import Behaviour
from omics_resources.emulator.exceptions import (
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
)
from omics_resources.emulator.jobs import ClientTokens, Job, Started
from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.limits import Limits
from omics_resources.emulator.pages import page
from omics_resources.emulator.reference_entities import (
    REFERENCE_FILTER,
    REFERENCE_JOB_FILTER,
    REFERENCE_STORE_FILTER,
    Reference,
    ReferenceImportJob,
    ReferenceState,
    ReferenceStore,
    reference_sources,
)
from omics_resources.emulator.s3 import S3Objects

__all__ = ["ReferenceOperations", "ReferenceState"]


class ReferenceOperations:
    """Reference stores, their import jobs and references (mixed into the backend, whose
    lock, clock, ids, tokens, tags, jobs and limits they share)."""

    refs: ReferenceState
    lock: threading.RLock
    clock: Callable[[], float]
    region: str
    durations: Durations
    limits: Limits
    behaviour: Behaviour
    s3: S3Objects
    jobs: dict[str, Job]
    tags: dict[str, dict[str, str]]
    tokens: ClientTokens
    _on_change: Callable[[], None]
    _rng: random.Random

    def _new_id(self, *taken: Container[str]) -> str:  # pragma: no cover - the backend's
        raise NotImplementedError

    def advance(self) -> None:  # pragma: no cover - the backend's
        """Bring every job up to the clock (the backend's)."""
        raise NotImplementedError

    def _admit(self, kind: type[Job]) -> None:  # pragma: no cover - the backend's
        raise NotImplementedError

    def reference_store(self, store_id: str) -> ReferenceStore:
        """The reference store, or the API's not-found error."""
        store = self.refs.stores.get(store_id)
        if store is None:
            raise ResourceNotFoundException(f"Reference store {store_id} not found")
        return store

    def reference(self, store_id: str, reference_id: str) -> Reference:
        """The reference, or the API's not-found error (a deleted one is not found)."""
        self.reference_store(store_id)
        found = self.refs.references.get(reference_id)
        if found is None or found.store_id != store_id or found.gone:
            raise ResourceNotFoundException(f"Reference {reference_id} not found")
        return found

    # -- reference stores -----------------------------------------------------------------

    def create_reference_store(
        self,
        name: str,
        description: str | None = None,
        tags: dict[str, str] | None = None,
        **_ignored: Any,
    ) -> dict[str, Any]:
        """CreateReferenceStore (sseConfig and clientToken are accepted and ignored)."""
        with self.lock:
            store = ReferenceStore(
                self._new_id(self.refs.stores), name, description, self.clock(), self.region
            )
            self.refs.stores[store.id] = store
            self.tags[store.arn] = dict(tags or {})
            self._on_change()
            return store.describe()

    def get_reference_store(self, id: str) -> dict[str, Any]:
        """GetReferenceStore."""
        with self.lock:
            return self.reference_store(id).describe()

    def list_reference_stores(
        self,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReferenceStores, with ReferenceStoreFilter."""
        with self.lock:
            stores = [
                s for s in self.refs.stores.values() if REFERENCE_STORE_FILTER.matches(s, filter)
            ]
            served, token = page(stores, lambda s: (s.id,), maxResults, nextToken)
            return {"referenceStores": [s.describe() for s in served], "nextToken": token}

    def delete_reference_store(self, id: str) -> dict[str, Any]:
        """DeleteReferenceStore: refused (ConflictException, as the model allows) while it
        holds references."""
        with self.lock:
            store = self.reference_store(id)
            if any(r.store_id == id and not r.gone for r in self.refs.references.values()):
                raise ConflictException(f"Reference store {id} still contains references")
            del self.refs.stores[id]
            self.tags.pop(store.arn, None)
            self._on_change()
            return {}

    # -- import jobs ----------------------------------------------------------------------

    def start_reference_import_job(
        self,
        referenceStoreId: str,
        roleArn: str,
        sources: list[dict[str, Any]],
        clientToken: str | None = None,
    ) -> Started:
        """StartReferenceImportJob. Each FASTA is read from S3 when the job is created."""
        with self.lock:
            self.advance()
            self.reference_store(referenceStoreId)
            body = {"roleArn": roleArn, "sources": sources}
            fingerprint = ClientTokens.fingerprint(body)
            earlier = self.tokens.earlier(
                ReferenceImportJob,
                referenceStoreId,
                clientToken,
                fingerprint,
                self.behaviour.token_reuse,
            )
            if earlier is not None:
                return Started(earlier, created=False)
            running = [
                j.id
                for j in self.jobs.values()
                if isinstance(j, ReferenceImportJob)
                and j.store_id == referenceStoreId
                and not j.ended
            ]
            if running:
                raise ServiceQuotaExceededException(
                    f"Reference store {referenceStoreId} imports one job at a time: "
                    f"job {running[0]} is still in progress"
                )
            self._admit(ReferenceImportJob)
            now = self.clock()
            starts = now + self.durations.submit()
            taken = {r for r in self.refs.references}

            def new_id() -> str:
                found = self._new_id(taken)
                taken.add(found)
                return found

            job = ReferenceImportJob(
                id=self._new_id(self.jobs),
                store_id=referenceStoreId,
                token=clientToken,
                fingerprint=fingerprint,
                created=now,
                starts=starts,
                sources=reference_sources(
                    sources, starts, s3=self.s3, durations=self.durations, new_id=new_id
                ),
                role_arn=roleArn,
            )
            self.jobs[job.id] = job
            self.tokens.remember(job)
            self._on_change()
            return Started(job, created=True)

    def _reference_job(self, store_id: str, job_id: str) -> ReferenceImportJob:
        self.reference_store(store_id)
        job = self.jobs.get(job_id)
        if not isinstance(job, ReferenceImportJob) or job.store_id != store_id:
            raise ResourceNotFoundException(f"Reference import job {job_id} not found")
        return job

    def get_reference_import_job(self, referenceStoreId: str, id: str) -> dict[str, Any]:
        """GetReferenceImportJob."""
        with self.lock:
            self.advance()
            return self._reference_job(referenceStoreId, id).describe()

    def list_reference_import_jobs(
        self,
        referenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReferenceImportJobs, with ImportReferenceFilter."""
        with self.lock:
            self.advance()
            self.reference_store(referenceStoreId)
            jobs = [
                j
                for j in self.jobs.values()
                if isinstance(j, ReferenceImportJob)
                and j.store_id == referenceStoreId
                and REFERENCE_JOB_FILTER.matches(j, filter)
            ]
            served, token = page(jobs, lambda j: (j.created, j.id), maxResults, nextToken)
            return {"importJobs": [j.summary() for j in served], "nextToken": token}

    # -- references -----------------------------------------------------------------------

    def get_reference_metadata(self, referenceStoreId: str, id: str) -> dict[str, Any]:
        """GetReferenceMetadata."""
        with self.lock:
            self.advance()
            return self.reference(referenceStoreId, id).describe()

    def list_references(
        self,
        referenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReferences, with ReferenceFilter (deleted references are never listed)."""
        with self.lock:
            self.advance()
            self.reference_store(referenceStoreId)
            found = [
                r
                for r in self.refs.references.values()
                if r.store_id == referenceStoreId
                and not r.gone
                and REFERENCE_FILTER.matches(r, filter)
            ]
            served, token = page(found, lambda r: (r.id,), maxResults, nextToken)
            return {"references": [r.summary() for r in served], "nextToken": token}

    def delete_reference(self, referenceStoreId: str, id: str) -> dict[str, Any]:
        """DeleteReference."""
        with self.lock:
            self.advance()
            found = self.reference(referenceStoreId, id)
            found.status = "DELETED"
            self.tags.pop(found.arn, None)
            self._on_change()
            return {}

    def reference_exists(self, arn: str) -> bool:
        """Whether ``arn`` names a reference of this account that is not deleted (what a
        BAM or CRAM read-set import checks)."""
        with self.lock:
            return any(r.arn == arn and not r.gone for r in self.refs.references.values())
