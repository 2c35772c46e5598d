"""Exporting some read sets: batches of at most 100 (StartReadSetExportJob's limit, from
botocore's model), each a :class:`~omics_resources.core.job_run.JobRun` in its own thread
on the shared scheduler (export job slots, the exportJobs budget, one ListReadSetExportJobs
poll per store for every job waiting).

Each batch's client token is derived from project, stack, resource name, the batch's
request and the resource's earlier jobs (those the state holds): a re-run after a kill
sends the same tokens and reattaches to the jobs already started, exactly one job per
intent; a later repair (objects deleted since) gets new ones.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from omics_resources.core import limits
from omics_resources.core.account.scheduler import Scheduler
from omics_resources.core.errors import OmicsResourceError
from omics_resources.core.export.kind import EXPORT_JOB_MAX_READ_SETS, ExportKind
from omics_resources.core.jobs.run import JobRun
from omics_resources.core.progress import Progress, Sink
from omics_resources.core.tokens import batch_seed
from omics_resources.core.watch.polling import Clock, PollPolicy

__all__ = ["ExportRequest", "Exporter", "batches"]

Props = dict[str, Any]


def batches(ids: Sequence[str], size: int = EXPORT_JOB_MAX_READ_SETS) -> list[list[str]]:
    """``ids`` cut into export jobs of at most ``size``, in order."""
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


@dataclass(frozen=True)
class ExportRequest:
    """What one create or update exports."""

    store: str
    destination: str
    role_arn: str
    read_set_ids: tuple[str, ...]
    #: Every read set of the resource, in declaration order (how messages name them).
    declared: tuple[str, ...]
    wait_timeout: float = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    allow_partial: bool = False


class _BatchRun(JobRun):
    """A batch's run: an earlier run's job that ended accepted is reused as it is (whether
    its objects are still there is what the listing after the jobs tells)."""

    def reusable(self, job: Mapping[str, Any]) -> bool:
        """Whether the earlier job's result is accepted."""
        return limits.job_accepted(str(job["status"]), allow_partial=self.allow_partial)


@dataclass
class Exporter:
    """Runs the export jobs of one create or update; everything is handed in."""

    scheduler: Scheduler
    clock: Clock
    cancel: threading.Event | None
    policy: Callable[[float], PollPolicy]
    resource: str
    scope: Mapping[str, Any]
    #: Ids of the resource's earlier export jobs (part of every token).
    previous_jobs: Sequence[str] = ()
    sink: Sink | None = None

    def export(self, request: ExportRequest) -> list[Props]:
        """Every batch in its own thread (as many as there are export job slots); the
        jobs' last answers, in batch order. Raises the jobs' errors once all have ended."""
        positions = {read_set_id: i for i, read_set_id in enumerate(request.declared)}
        runs = [self._run(request, batch, positions) for batch in batches(request.read_set_ids)]
        if not runs:
            return []
        slots = self.scheduler.slots[ExportKind.slot].capacity
        errors: list[BaseException] = []
        results: list[Props] = []
        with ThreadPoolExecutor(max_workers=min(len(runs), slots)) as pool:
            futures = [pool.submit(functools.partial(run.run, wait=True)) for run in runs]
            for future in futures:
                error = future.exception()
                if error is None:
                    results.append(future.result())
                else:
                    errors.append(error)
        self._raise(errors)
        return results

    def _run(
        self, request: ExportRequest, batch: list[str], positions: Mapping[str, int]
    ) -> JobRun:
        kind = ExportKind(positions)
        props = {
            "sequence_store_id": request.store,
            "destination": request.destination,
            "role_arn": request.role_arn,
            "read_set_ids": batch,
            "wait_timeout": request.wait_timeout,
            "allow_partial": request.allow_partial,
        }
        return _BatchRun(
            kind,
            props,
            scheduler=self.scheduler,
            clock=self.clock,
            cancel=self.cancel,
            policy=self.policy,
            progress=Progress(self.resource, kind.noun, sink=self.sink),
            seed=batch_seed(self.scope, kind.request(props), self.previous_jobs),
        )

    def _raise(self, errors: list[BaseException]) -> None:
        for error in errors:
            # Anything not ours (an AWS error, a bug) keeps its own type and traceback.
            if not isinstance(error, OmicsResourceError):
                raise error
        if len(errors) == 1:
            raise errors[0]
        if errors:
            body = "\n".join("  " + str(e).replace("\n", "\n  ") for e in errors)
            raise OmicsResourceError(
                f"{self.resource}: {len(errors)} export jobs did not succeed:\n{body}"
            )
