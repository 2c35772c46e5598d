"""Importing a cohort's new batches in one create or update: a thread per batch, each a
:class:`~omics_resources.core.job_run.JobRun` on the process's shared scheduler (job slots in
FIFO order, the rate limiter, one watcher polling every job of the store), and one
progress line for the whole cohort whenever a count changes.

Each batch has its own deterministic client token: project, stack, resource name, store,
batch id and the batch's keys. A re-run after an interrupted or failed ``pulumi up`` plans
the same batches (the ids come from the state, or from 1 on a create) and so sends the
same tokens: the service answers with the jobs already started. When such a job ended
with failed sources, the next token generation imports only those sources (and any whose
read set is gone since): a source that has a read set is never imported again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import botocore.exceptions

from omics_resources.core import aws, limits
from omics_resources.core.api import ReadSetInfo
from omics_resources.core.cohort import identity
from omics_resources.core.cohort.batching import source_key
from omics_resources.core.cohort.state import SAMPLE_FAILED, SAMPLE_PENDING, Declared, Sample
from omics_resources.core.errors import JobStartCancelledError, OmicsResourceError
from omics_resources.core.fields import from_api
from omics_resources.core.job_run import JobRun
from omics_resources.core.jobs.import_job import SOURCE_FIELDS, ImportKind
from omics_resources.core.polling import Clock, PollPolicy
from omics_resources.core.progress import Progress, Sink
from omics_resources.core.scheduler import (
    Scheduler,
    SlotWaitEndedError,
    WatchEndedError,
    WatchFailedError,
)
from omics_resources.core.tokens import TokenSeed

__all__ = ["BATCH_KIND", "BatchResult", "CohortRun", "job_samples", "reported_keys"]

Props = dict[str, Any]


class _BatchKind(ImportKind):
    """An import whose finished result holds only while its read sets exist."""

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


class _BatchRun(JobRun):
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


class _Tally:
    """The cohort's one progress line: imported of total, jobs running, batches queued."""

    def __init__(self, progress: Progress, total: int, batches: Sequence[str]) -> None:
        self._progress = progress
        self._total = total
        self._lock = threading.Lock()
        self._queued: set[str] = set(batches)
        self._running: set[str] = set()
        self._imported: dict[str, int] = {}
        self._failed: dict[str, int] = {}

    def update(
        self,
        batch: str,
        *,
        queued: bool = False,
        running: bool = False,
        samples: Mapping[str, Sample] | None = None,
    ) -> None:
        """Record a batch's state and print the line if it changed."""
        with self._lock:
            (self._queued.add if queued else self._queued.discard)(batch)
            (self._running.add if running else self._running.discard)(batch)
            if samples is not None:
                self._imported[batch] = sum(1 for s in samples.values() if s.read_set_id)
                self._failed[batch] = sum(1 for s in samples.values() if s.status == SAMPLE_FAILED)
            failed = sum(self._failed.values())
            text = (
                f"{sum(self._imported.values())}/{self._total} sources imported, "
                f"{len(self._running)} job{'s' * (len(self._running) != 1)} running, "
                f"{len(self._queued)} queued" + (f", {failed} failed" if failed else "")
            )
            self._progress.status("", text, final=not (self._queued or self._running))


@dataclass
class CohortRun:
    """Everything one create or update needs to import batches."""

    resource: str
    scope: Mapping[str, Any]
    store: str
    role_arn: str
    declared: Declared
    wait: bool
    wait_timeout: float
    scheduler: Scheduler
    clock: Clock
    cancel: threading.Event | None
    policy: Callable[[float], PollPolicy]
    sink: Sink | None = None

    def run(self, batches: Mapping[str, Sequence[str]]) -> list[BatchResult]:
        """Import every batch (``batch id -> keys``) at once, each in its own thread."""
        if not batches:
            return []
        progress = Progress(self.resource, "cohort", sink=self.sink)
        tally = _Tally(progress, sum(len(k) for k in batches.values()), list(batches))
        ids = list(batches)
        progress.say(
            f"importing {sum(len(k) for k in batches.values())} sources in "
            f"{len(ids)} job{'s' * (len(ids) != 1)} "
            + (f"(batch {ids[0]})" if len(ids) == 1 else f"(batches {ids[0]} to {ids[-1]})")
        )
        runs = {b: self._batch_run(b, keys) for b, keys in batches.items()}
        results: dict[str, BatchResult] = {}
        errors: list[BaseException] = []

        def work(batch: str) -> None:
            try:
                results[batch] = self._run_batch(batch, runs[batch], tally)
            except BaseException as error:  # re-raised below, in the engine's thread
                errors.append(error)

        threads = [
            threading.Thread(target=work, args=(b,), name=f"cohort-{b}", daemon=True)
            for b in batches
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return [results[b] for b in batches]

    def wait_for(self, jobs: Sequence[Props]) -> tuple[list[Props], str | None]:
        """Wait for jobs an earlier run started and this one found still running (with
        ``wait``; else only read them): their latest answers, and why the wait ended early
        (None when every job ended)."""
        progress = Progress(self.resource, "cohort", sink=self.sink)
        deadline = self.clock.monotonic() + self.wait_timeout
        watcher = self.scheduler.watcher(BATCH_KIND.operations, self.store)
        seen: list[Props] = []
        for job in jobs:
            if not self.wait:
                seen.append(job)
                continue
            progress.say(
                f"import job {job['id']}: reattached to the job an earlier run started "
                f"({len(job.get('sources') or [])} sources, {job.get('status')}); waiting for it"
            )
            try:
                seen.append(
                    watcher.wait(job, deadline=deadline, cancel=self.cancel, on_error=self._fatal)
                )
            except WatchEndedError as stop:
                waited = {str(j["id"]) for j in seen} | {str(job["id"])}
                rest = [j for j in jobs if str(j["id"]) not in waited]
                return [*seen, stop.job, *rest], (
                    f"import job {stop.job['id']}, started by an earlier run, is still "
                    f"{stop.job.get('status')} ({stop.reason} after {stop.waited:.0f} s)"
                )
        return seen, None

    def _fatal(self, error: BaseException) -> None:
        if not self.scheduler.api.is_transient(error):
            raise error

    def _batch_run(self, batch: str, keys: Sequence[str]) -> _BatchRun:
        # Each source carries the cohort's tag, so a later run finds this job even when
        # this one writes no state (see identity and discovery).
        cohort = identity.cohort_hash(self.scope)
        sources = [identity.tagged(self.declared.sources[k], cohort, batch) for k in keys]
        props = {
            "sequence_store_id": self.store,
            "role_arn": self.role_arn,
            "sources": sources,
            "wait_timeout": self.wait_timeout,
            # An earlier run's job with failed sources is always followed by a retry of
            # those sources; allow_partial only decides whether this run's failures fail it.
            "allow_partial": False,
        }
        seed = TokenSeed(
            project=str(self.scope.get("project", "")),
            stack=str(self.scope.get("stack", "")),
            resource_name=str(self.scope.get("resource_name", "")),
            request={"cohortBatch": batch, "sequenceStoreId": self.store, "keys": list(keys)},
        )
        return _BatchRun(
            keys,
            props=props,
            scheduler=self.scheduler,
            clock=self.clock,
            cancel=self.cancel,
            policy=self.policy,
            progress=Progress(f"{self.resource} batch {batch}", BATCH_KIND.noun, sink=self.sink),
            seed=seed,
        )

    def _run_batch(self, batch: str, run: _BatchRun, tally: _Tally) -> BatchResult:
        slots = self.scheduler.slots[BATCH_KIND.slot]
        try:
            slots.acquire(deadline=run.deadline, cancel=self.cancel)
        except SlotWaitEndedError as stop:
            tally.update(batch)
            return run.result(
                batch,
                None,
                problem=f"batch {batch} ({len(run.keys)} sources) was not started: {stop}",
                cancelled=stop.reason == "cancelled",
            )
        try:
            try:
                job = run.start_or_reattach()
            except (OmicsResourceError, botocore.exceptions.ClientError) as error:
                tally.update(batch)
                return run.result(
                    batch,
                    None,
                    problem=f"batch {batch}: {_message(error)}",
                    resumable=not isinstance(error, botocore.exceptions.ClientError)
                    or run.api.is_transient(error),
                    cancelled=isinstance(error, JobStartCancelledError),
                )
            run.saw(job)
            samples = {**job_samples(job, run.keys), **run.done}
            ended = job["status"] in limits.TERMINAL_JOB_STATUSES
            tally.update(batch, running=not ended and self.wait, samples=samples)
            if self.wait and job["status"] not in limits.TERMINAL_JOB_STATUSES:
                try:
                    job = self._wait(run, job, batch, tally)
                except WatchEndedError as stop:
                    run.saw(stop.job)
                    tally.update(batch)
                    return run.result(
                        batch,
                        stop.job,
                        problem=(
                            f"import job {stop.job['id']} (batch {batch}) is still "
                            f"{stop.job.get('status')} ({stop.reason} after {stop.waited:.0f} s)"
                        ),
                        cancelled=stop.reason == "cancelled",
                    )
                except WatchFailedError as failed:
                    # This batch's own problem: the other batches go on and are recorded.
                    tally.update(batch)
                    return run.result(
                        batch,
                        failed.job,
                        problem=f"batch {batch}: {failed.detail}",
                        resumable=False,
                    )
                run.saw(job)
        finally:
            slots.release()
        result = run.result(batch, job)
        tally.update(batch, samples=result.samples)
        return result

    def _wait(self, run: _BatchRun, job: Props, batch: str, tally: _Tally) -> Props:
        watcher = self.scheduler.watcher(BATCH_KIND.operations, self.store)

        def on_error(error: BaseException) -> None:
            if not run.api.is_transient(error):
                raise error
            run.progress.say(
                f"{aws.error_code(error) or type(error).__name__} from the API; retrying"
            )

        def on_change(seen: Props) -> None:
            samples = {**job_samples(seen, run.keys), **run.done}
            ended = seen.get("status") in limits.TERMINAL_JOB_STATUSES
            tally.update(batch, running=not ended, samples=samples)

        return watcher.wait(
            job, deadline=run.deadline, cancel=self.cancel, on_change=on_change, on_error=on_error
        )


def _message(error: BaseException) -> str:
    if isinstance(error, botocore.exceptions.ClientError):
        code = aws.error_code(error)
        detail = error.response.get("Error", {}).get("Message", "")
        return f"the service refused the import ({code}: {detail})"
    return str(error)
