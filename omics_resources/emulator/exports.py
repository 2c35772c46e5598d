"""Read-set export jobs: StartReadSetExportJob, GetReadSetExportJob, ListReadSetExportJobs.

The backend's export operations (a mixin of :class:`~omics_resources.emulator.models.
OmicsBackend`, which holds the stores, read sets, jobs and S3 they use). What a source
becomes is decided when the job is started: a read set that is not ACTIVE, or whose stored
bytes the emulator cannot read, fails with the service's kind of message; each one that
finishes is written to ``<destination><readSetId>/<file name>``
(:class:`~omics_resources.emulator.jobs.ExportJob`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from omics_resources.emulator.entities import ReadSets, ReadSetStatus
from omics_resources.emulator.jobs import ExportJob, Job, JobSource, Started
from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.s3 import S3Objects

__all__ = ["ExportOperations", "export_sources"]


def _failure(read_set_id: str, store_id: str, read_sets: ReadSets, s3: S3Objects) -> str | None:
    read_set = read_sets.get(read_set_id)
    if read_set is None or read_set.store_id != store_id or read_set.gone:
        return f"Read set {read_set_id} not found"
    if read_set.status != ReadSetStatus.ACTIVE:
        return f"Read set {read_set_id} is {read_set.status}: activate it before exporting"
    missing = [u for u in (read_set.files or {}).values() if s3.read(u) is None]
    if not read_set.files or missing:
        return f"Read set {read_set_id}: its stored files cannot be read"
    return None


def export_sources(
    items: list[dict[str, Any]],
    starts: float,
    *,
    store_id: str,
    read_sets: ReadSets,
    s3: S3Objects,
    durations: Durations,
) -> list[JobSource]:
    """The sources of an export job that starts processing at ``starts``: each takes as
    long as importing its bytes would."""
    built = []
    for item in items:
        read_set_id = item["readSetId"]
        failure = _failure(read_set_id, store_id, read_sets, s3)
        read_set = read_sets.get(read_set_id)
        size = read_set.size if read_set is not None and failure is None else 0
        built.append(
            JobSource(
                request=item,
                ends=starts + durations.importing(size),
                failure=failure,
                read_set_id=read_set_id,
                size=size,
            )
        )
    return built


class ExportOperations:
    """The export operations of the backend."""

    if TYPE_CHECKING:  # what the backend provides
        lock: threading.RLock
        read_sets: ReadSets
        s3: S3Objects
        durations: Durations

        def _start(
            self,
            kind: type[Job],
            store_id: str,
            token: str | None,
            body: dict[str, Any],
            sources: Callable[[float], list[JobSource]],
            **extra: Any,
        ) -> Started: ...

        def _job(self, kind: type[Job], store_id: str, job_id: str) -> Job: ...

        def advance(self) -> None:
            """Bring every job up to the clock."""

        def _list_jobs(
            self,
            kind: type[Job],
            store_id: str,
            max_results: int | None,
            next_token: str | None,
            wanted: dict[str, Any] | None,
        ) -> tuple[list[dict[str, Any]], str | None]: ...

    def start_read_set_export_job(
        self,
        sequenceStoreId: str,
        destination: str,
        roleArn: str,
        sources: list[dict[str, Any]],
        clientToken: str | None = None,
    ) -> Started:
        """StartReadSetExportJob."""

        def build(starts: float) -> list[JobSource]:
            return export_sources(
                sources,
                starts,
                store_id=sequenceStoreId,
                read_sets=self.read_sets,
                s3=self.s3,
                durations=self.durations,
            )

        with self.lock:
            body = {"destination": destination, "roleArn": roleArn, "sources": sources}
            return self._start(
                ExportJob,
                sequenceStoreId,
                clientToken,
                body,
                build,
                destination=destination,
                role_arn=roleArn,
            )

    def get_read_set_export_job(self, sequenceStoreId: str, id: str) -> dict[str, Any]:
        """GetReadSetExportJob."""
        with self.lock:
            self.advance()
            return self._job(ExportJob, sequenceStoreId, id).describe()

    def list_read_set_export_jobs(
        self,
        sequenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReadSetExportJobs, with ExportReadSetFilter."""
        with self.lock:
            jobs, token = self._list_jobs(ExportJob, sequenceStoreId, maxResults, nextToken, filter)
            return {"exportJobs": jobs, "nextToken": token}
