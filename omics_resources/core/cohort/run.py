"""Importing a cohort's new batches in one create or update: each a
:class:`~omics_resources.core.jobs.run.JobRun` on the process's shared scheduler (job slots in
FIFO order, the rate limiter, one watcher polling every job of the store), run by a pool
of as many threads as there are job slots (:mod:`~omics_resources.core.cohort.pool`), the
ended jobs' results read together in the engine's thread, and one progress line for the
whole cohort whenever a count changes.

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
from typing import Any

import botocore.exceptions

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.scheduler import (
    Scheduler,
    SlotWaitEndedError,
    WatchEndedError,
    WatchFailedError,
)
from omics_resources.core.cohort import identity
from omics_resources.core.cohort.batch_run import (
    BATCH_KIND,
    BatchResult,
    BatchRun,
    job_samples,
    reported_keys,
)
from omics_resources.core.cohort.pool import BatchPool, Ended
from omics_resources.core.cohort.state import SAMPLE_FAILED, Declared, Sample
from omics_resources.core.errors import JobStartCancelledError, OmicsResourceError
from omics_resources.core.progress import Progress, Sink
from omics_resources.core.tokens import TokenSeed
from omics_resources.core.watch.polling import Clock, PollPolicy
from omics_resources.core.watch.watcher import WaitFor

__all__ = ["BATCH_KIND", "BatchResult", "CohortRun", "job_samples", "reported_keys"]

Props = dict[str, Any]


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
    #: When this run stops waiting: one ``wait_timeout`` from its start for everything it
    #: waits for (jobs an earlier run left running, then the new batches).
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = self.clock.monotonic() + self.wait_timeout

    def remaining(self) -> float:
        """Seconds left of this run's ``wait_timeout`` (a little, never none: a zero would
        read as "not set")."""
        return max(self.deadline - self.clock.monotonic(), 0.001)

    def run(self, batches: Mapping[str, Sequence[str]]) -> list[BatchResult]:
        """Import every batch (``batch id -> keys``): as many at once as there are job
        slots, each started as soon as a slot frees; the results of the jobs that ended are
        read together meanwhile, in this (the engine's) thread."""
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
        # A slot's worth of threads: more could only queue for a slot (in any cohort size).
        workers = min(len(batches), self.scheduler.slots[BATCH_KIND.slot].capacity)
        pool: BatchPool[BatchResult] = BatchPool(batches, workers)

        def run_batch(batch: str) -> BatchResult | Ended:
            return self._run_batch(batch, runs[batch], tally)

        threads = [
            threading.Thread(target=pool.serve, args=(run_batch,), name=f"cohort-{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in threads:
            thread.start()
        try:
            while ended := pool.next_ended():
                pool.finished(self._results(ended, runs, tally))
        except BaseException as error:
            pool.stop(error)
            raise
        finally:
            for thread in threads:
                thread.join()
        if pool.errors:
            raise pool.errors[0]
        return [pool.results[b] for b in batches]

    def wait_for(self, jobs: Sequence[Props]) -> tuple[list[Props], str | None]:
        """Wait for jobs an earlier run started and this one found still running (with
        ``wait``; else only read them): their latest answers, and why the wait ended early
        (None when every job ended)."""
        progress = Progress(self.resource, "cohort", sink=self.sink)
        deadline = self.deadline
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

    def _batch_run(self, batch: str, keys: Sequence[str]) -> BatchRun:
        # Each source carries the cohort's tag, so a later run finds this job even when
        # this one writes no state (see identity and discovery).
        cohort = identity.cohort_hash(self.scope)
        sources = [identity.tagged(self.declared.sources[k], cohort, batch) for k in keys]
        props = {
            "sequence_store_id": self.store,
            "role_arn": self.role_arn,
            "sources": sources,
            "wait_timeout": self.remaining(),
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
        return BatchRun(
            keys,
            props=props,
            scheduler=self.scheduler,
            clock=self.clock,
            cancel=self.cancel,
            policy=self.policy,
            progress=Progress(f"{self.resource} batch {batch}", BATCH_KIND.noun, sink=self.sink),
            seed=seed,
        )

    def _run_batch(self, batch: str, run: BatchRun, tally: _Tally) -> BatchResult | Ended:
        """Start the batch's job and wait for its end: how the batch ended, or the ended job
        (its slot given back) whose full answer is still to be read."""
        slots = self.scheduler.slots[BATCH_KIND.slot]
        try:
            if self.cancel is not None and self.cancel.is_set():
                # A batch taken after a cancel starts nothing, even with a slot free.
                waited = self.clock.monotonic() - (run.deadline - run.timeout)
                raise SlotWaitEndedError("cancelled", waited)
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
                    run.saw(job)
                    # Its slot in the service's quota is free: ours, if Starts wait in line.
                    run.api.quota_gate(run.kind.operations.start).freed()
                    return Ended(job)  # its full answer is read with the others
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
                    # An ended job's results are unknown then (a List item has none).
                    seen = failed.job
                    tally.update(batch)
                    return run.result(
                        batch,
                        None if seen.get("status") in limits.TERMINAL_JOB_STATUSES else seen,
                        problem=f"batch {batch}: {failed.detail}",
                        resumable=False,
                    )
                run.saw(job)
        finally:
            slots.release()
        result = run.result(batch, job)
        tally.update(batch, samples=result.samples)
        return result

    def _wait(self, run: BatchRun, job: Props, batch: str, tally: _Tally) -> Props:
        """Wait until the job ends (its full answer, or the List's word of its end)."""
        watcher = self.scheduler.watcher(BATCH_KIND.operations, self.store)
        wanted = self._wanted(run, job, batch, tally, until_end=True)
        [outcome] = watcher.wait_all([wanted], deadline=run.deadline, cancel=self.cancel)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _wanted(
        self, run: BatchRun, job: Props, batch: str, tally: _Tally, *, until_end: bool
    ) -> WaitFor:
        def on_error(error: BaseException) -> None:
            if not run.api.is_transient(error):
                raise error
            run.progress.say(
                f"{aws.error_code(error) or type(error).__name__} from the API; retrying"
            )

        def on_change(seen: Props) -> None:
            ended = seen.get("status") in limits.TERMINAL_JOB_STATUSES
            if "sources" not in seen:  # a List item: no per-source results in it
                tally.update(batch, running=not ended)
                return
            samples = {**job_samples(seen, run.keys), **run.done}
            tally.update(batch, running=not ended, samples=samples)

        return WaitFor(
            job, run.sources, on_change=on_change, on_error=on_error, until_end=until_end
        )

    def _results(
        self,
        ended: Sequence[tuple[str, Props]],
        runs: Mapping[str, BatchRun],
        tally: _Tally,
    ) -> dict[str, BatchResult]:
        """The full answers of jobs that ended, read together: how each batch ended."""
        watcher = self.scheduler.watcher(BATCH_KIND.operations, self.store)
        wanted = [self._wanted(runs[b], job, b, tally, until_end=False) for b, job in ended]
        deadline = min(runs[b].deadline for b, _ in ended)
        outcomes = watcher.wait_all(wanted, deadline=deadline, cancel=self.cancel)
        results = {}
        for (batch, job), outcome in zip(ended, outcomes, strict=True):
            run = runs[batch]
            if isinstance(outcome, WatchEndedError):
                results[batch] = run.result(
                    batch,
                    None,
                    problem=(
                        f"import job {job['id']} (batch {batch}) ended {job.get('status')}, "
                        f"but its results were not read ({outcome.reason} after "
                        f"{outcome.waited:.0f} s)"
                    ),
                    cancelled=outcome.reason == "cancelled",
                )
            elif isinstance(outcome, WatchFailedError):
                results[batch] = run.result(
                    batch, None, problem=f"batch {batch}: {outcome.detail}", resumable=False
                )
            elif isinstance(outcome, Exception):
                raise outcome
            else:
                run.saw(outcome)
                results[batch] = run.result(batch, outcome)
            tally.update(batch, samples=results[batch].samples)
        return results


def _message(error: BaseException) -> str:
    if isinstance(error, botocore.exceptions.ClientError):
        code = aws.error_code(error)
        detail = error.response.get("Error", {}).get("Message", "")
        return f"the service refused the import ({code}: {detail})"
    return str(error)
