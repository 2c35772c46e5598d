"""Bringing many read sets to ACTIVE: the work behind one create or update of
``ActiveReadSets``.

::

    census (few ListReadSets pages)
      ARCHIVED    -> batches of at most 20 (StartReadSetActivationJob's limit, from botocore's
                     model), each a JobRun in its own thread on the shared scheduler (job
                     slots, rate limits, one List*Jobs poll per store for every job waiting)
      ACTIVATING  -> waited for: ListReadSets filtered by ACTIVATING, one page a look
      ACTIVE      -> left alone, no call
      DELETED, other -> fail naming each (``allow_partial``: reported, the rest proceed)

Each batch's client token is derived from project, stack, resource name, the batch's read
sets and the jobs of the last successful create or update: a re-run after an interruption
sends the same tokens and reattaches to the jobs already started; the next repair (after
the read sets were archived again) gets new ones. Batches are cut in the order the read sets
are declared, so a re-run that finds whole batches already ACTIVATING cuts the rest the same
way it did before.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from omics_resources.core import limits
from omics_resources.core.account.api import OmicsApi
from omics_resources.core.account.scheduler import Scheduler, WatchEndedError
from omics_resources.core.active.census import Census, Window, activating, counts, take_census
from omics_resources.core.errors import OmicsResourceError
from omics_resources.core.jobs.activation_job import ActivationKind
from omics_resources.core.jobs.run import JobRun
from omics_resources.core.progress import Progress, Sink
from omics_resources.core.service_model import operation_model
from omics_resources.core.tokens import batch_seed
from omics_resources.core.watch.polling import (
    Clock,
    PollCancelledError,
    Poller,
    PollPolicy,
    PollTimeoutError,
    stop_after_delay,
    wait_proportional,
)

__all__ = [
    "ACTIVATION_JOB_MAX_READ_SETS",
    "Desired",
    "ReadSetsNotActiveError",
    "Reconciled",
    "Reconciler",
    "batches",
]

Props = dict[str, Any]
T = TypeVar("T")


def _sources_max() -> int:
    shape = operation_model("StartReadSetActivationJob").input_shape
    assert shape is not None
    return int(shape.members["sources"].metadata["max"])


#: Read sets one activation job takes at most (botocore's model: 20).
ACTIVATION_JOB_MAX_READ_SETS = _sources_max()
#: Statuses that activation can turn into ACTIVE (or already are).
USABLE_STATUSES = limits.ACTIVATED_READ_SET_STATUSES | {limits.READ_SET_ARCHIVED}


class ReadSetsNotActiveError(OmicsResourceError):
    """Some read sets cannot be made active (deleted, unknown, or in another state), or
    were still ACTIVATING when ``wait_timeout`` ran out."""


def batches(ids: Sequence[T], size: int = ACTIVATION_JOB_MAX_READ_SETS) -> list[list[T]]:
    """``ids`` cut into activation jobs of at most ``size``, in order."""
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


@dataclass(frozen=True)
class Desired:
    """What one create or update asks for."""

    store: str
    read_set_ids: tuple[str, ...]
    wait: bool = True
    wait_timeout: float = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    allow_partial: bool = False

    def positions(self) -> dict[str, int]:
        """Each read set's place in ``read_set_ids`` (how messages name it)."""
        return {read_set_id: index for index, read_set_id in enumerate(self.read_set_ids)}


@dataclass
class Reconciled:
    """Where the read sets stand after a create or update, and the jobs it ran."""

    statuses: dict[str, str]
    jobs: list[Props]
    window: Window | None


class _BatchKind(ActivationKind):
    """An activation job that is one batch of a resource: its messages name read sets by
    their place in the resource's ``read_set_ids``."""

    def __init__(self, positions: Mapping[str, int]) -> None:
        self._positions = positions

    def source_label(self, index: int, source: Mapping[str, Any]) -> str:
        """``read_set_ids[417] (1234567890)``."""
        read_set_id = str(source.get("readSetId"))
        return f"read_set_ids[{self._positions.get(read_set_id, index)}] ({read_set_id})"


class _BatchRun(JobRun):
    """A :class:`JobRun` for one batch. A job an earlier run started under the same token
    and that has ended still holds if its read sets are (being made) active: judged by a
    census within the batch's creation-time window, not a walk of the whole store."""

    def __init__(self, *args: Any, window: Window | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window = window

    def reusable(self, job: Mapping[str, Any]) -> bool:
        """Whether the earlier job's result still holds."""
        if not limits.job_accepted(job["status"], allow_partial=self.allow_partial):
            return False
        ids = self.kind.read_set_ids(job)
        census = take_census(self.api, str(job["sequenceStoreId"]), ids, window=self.window)
        return all(s in limits.ACTIVATED_READ_SET_STATUSES for s in census.statuses.values())


@dataclass
class Reconciler:
    """Runs one create or update: everything it talks to is handed in (as for JobRun)."""

    scheduler: Scheduler
    clock: Clock
    cancel: threading.Event | None
    policy: Callable[[float], PollPolicy]
    resource: str
    #: project, stack and resource name (what client tokens are derived from).
    scope: Mapping[str, Any]
    #: Ids of the jobs of the last successful create or update (part of every token).
    previous_jobs: Sequence[str] = ()
    #: Jobs of the last create or update still running (not started again; waited for).
    running_jobs: Sequence[Props] = ()
    #: Where progress lines go (None: stdout).
    sink: Sink | None = None
    progress: Progress = field(init=False)

    def __post_init__(self) -> None:
        self.progress = Progress(self.resource, "read sets", sink=self.sink)

    @property
    def api(self) -> OmicsApi:
        """The shared API (rate limits included)."""
        return self.scheduler.api

    def reconcile(self, desired: Desired, window: Window | None = None) -> Reconciled:
        """Look, activate what is ARCHIVED, wait for what is ACTIVATING, look again at what
        changed. Raises :class:`ReadSetsNotActiveError` or the jobs' own errors."""
        census = take_census(self.api, desired.store, desired.read_set_ids, window=window)
        window = census.window() or window
        self._refuse_unusable(desired, census)
        covered = {
            str(s.get("readSetId")) for job in self.running_jobs for s in job.get("sources") or []
        }
        submitted = self._submitted(
            desired.store,
            {i for i in census.with_status(limits.READ_SET_ARCHIVED) if i not in covered},
        )
        if submitted:
            self.running_jobs = [*self.running_jobs, *submitted]
            covered |= {str(s.get("readSetId")) for j in submitted for s in j.get("sources") or []}
        archived = [i for i in census.with_status(limits.READ_SET_ARCHIVED) if i not in covered]
        waiting = [i for i in census.with_status(limits.READ_SET_ACTIVATING) if i not in covered]
        self._announce(census, archived, waiting)
        jobs = self._activate(desired, archived, waiting, window)
        statuses = dict(census.statuses)
        recheck = [*waiting, *(i for i in statuses if i in covered)] if desired.wait else []
        for job in jobs:
            for source in job.get("sources") or []:
                read_set_id = str(source.get("readSetId"))
                if source.get("status") == limits.SOURCE_FINISHED:
                    statuses[read_set_id] = limits.READ_SET_ACTIVE
                elif desired.wait:
                    recheck.append(read_set_id)
        if recheck:
            statuses.update(take_census(self.api, desired.store, recheck, window=window).statuses)
        if archived or waiting or covered:
            active = sum(s == limits.READ_SET_ACTIVE for s in statuses.values())
            self.progress.say(
                f"{active} of {len(statuses)} ACTIVE ({len(jobs)} activation job"
                f"{'s' * (len(jobs) != 1)})"
            )
        return Reconciled(statuses=statuses, jobs=jobs, window=window)

    # -- steps ------------------------------------------------------------------------------

    def _submitted(self, store: str, archived: set[str]) -> list[Props]:
        """Activation jobs still SUBMITTED that will activate some of ``archived``: a run
        interrupted after its Start (whose state holds nothing of it), or someone else's.
        Their read sets still show ARCHIVED, so they are waited for, not started again
        (their batches need not be cut as this run would cut them)."""
        if not archived:
            return []
        operations = ActivationKind.operations
        found = []
        for page in self.api.pages(
            operations.list, sequenceStoreId=store, filter={"status": limits.JOB_SUBMITTED}
        ):
            for item in page:
                job = self.api.get_job(operations, store, str(item["id"]))
                ids = {str(s.get("readSetId")) for s in job.get("sources") or []}
                if job.get("status") not in limits.TERMINAL_JOB_STATUSES and ids & archived:
                    found.append(job)
        return found

    def _refuse_unusable(self, desired: Desired, census: Census) -> None:
        positions = desired.positions()
        unusable = [
            f"read_set_ids[{positions[i]}] ({i}): {status}"
            + (" (deleted, or no such read set in this store)" * (status == "DELETED"))
            for i, status in census.statuses.items()
            if status not in USABLE_STATUSES
        ]
        if not unusable:
            return
        if desired.allow_partial:
            self.progress.say(
                f"{len(unusable)} cannot be made active, left out (allow_partial): "
                + "; ".join(unusable)
            )
            return
        lines = "".join(f"\n  - {u}" for u in unusable)
        raise ReadSetsNotActiveError(
            f"{self.resource}: {len(unusable)} of {len(census.statuses)} read sets cannot be "
            f"made active:{lines}\n  - remove them from read_set_ids, or set allow_partial to "
            "keep the others active without them. Nothing was started."
        )

    def _announce(self, census: Census, archived: list[str], waiting: list[str]) -> None:
        summary = ", ".join(f"{n} {status}" for status, n in counts(census.statuses).items())
        todo = []
        if archived:
            jobs = len(batches(archived))
            todo.append(
                f"activating {len(archived)} in {jobs} job{'s' * (jobs != 1)} of at most "
                f"{ACTIVATION_JOB_MAX_READ_SETS}"
            )
        if waiting:
            todo.append(f"waiting for {len(waiting)} already ACTIVATING")
        if self.running_jobs:
            todo.append(f"waiting for {len(self.running_jobs)} job(s) an earlier run started")
        self.progress.say(
            f"{len(census.statuses)} read sets: {summary or 'none'}"
            + (f"; {'; '.join(todo)}" if todo else "")
        )

    def _activate(
        self,
        desired: Desired,
        archived: Sequence[str],
        waiting: Sequence[str],
        window: Window | None,
    ) -> list[Props]:
        """Every batch in its own thread, every running job waited for, and the wait for
        read sets already ACTIVATING here; the jobs' last descriptions, in batch order."""
        deadline = self.clock.monotonic() + desired.wait_timeout
        runs = [self._run(desired, batch, window) for batch in batches(archived)]
        tasks: list[Callable[[], Props]] = [
            functools.partial(run.run, wait=desired.wait) for run in runs
        ]
        if desired.wait:
            tasks += [
                functools.partial(self._wait_for_job, job, deadline) for job in self.running_jobs
            ]
        errors: list[BaseException] = []
        results: list[Props] = []
        if tasks:
            slots = self.scheduler.slots[ActivationKind.slot].capacity
            with ThreadPoolExecutor(
                max_workers=min(len(tasks), slots + len(self.running_jobs))
            ) as pool:
                futures: list[Future[Props]] = [pool.submit(task) for task in tasks]
                if desired.wait and waiting:
                    self._capture(errors, lambda: self._wait_activating(desired, waiting, deadline))
                for future in futures:
                    error = future.exception()
                    if error is not None:
                        errors.append(error)
                    else:
                        results.append(future.result())
        elif desired.wait and waiting:
            self._capture(errors, lambda: self._wait_activating(desired, waiting, deadline))
        self._raise(errors)
        if not desired.wait:
            results += list(self.running_jobs)
        return results

    def _run(self, desired: Desired, batch: list[str], window: Window | None) -> _BatchRun:
        kind = _BatchKind(desired.positions())
        props = {
            "sequence_store_id": desired.store,
            "read_set_ids": batch,
            "wait": desired.wait,
            "wait_timeout": desired.wait_timeout,
            "allow_partial": desired.allow_partial,
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
            window=window,
        )

    def _wait_for_job(self, job: Props, deadline: float) -> Props:
        """Wait for a job an earlier run started (its read sets are not batched again)."""
        watcher = self.scheduler.watcher(ActivationKind.operations, str(job["sequenceStoreId"]))
        try:
            return watcher.wait(job, deadline=deadline, cancel=self.cancel)
        except WatchEndedError as stop:
            raise ReadSetsNotActiveError(
                f"{self.resource}: activation job {job['id']} (started by an earlier run) is "
                f"still {stop.job.get('status')} ({stop.reason}); run `pulumi up` again to go "
                "on waiting for it."
            ) from None

    def _wait_activating(self, desired: Desired, ids: Sequence[str], deadline: float) -> None:
        """Wait until none of ``ids`` is ACTIVATING (jobs not ours are activating them)."""
        pending = set(ids)

        def probe() -> bool | None:
            pending.intersection_update(activating(self.api, desired.store, pending))
            return True if not pending else None

        poller = Poller(
            PollPolicy(
                wait=wait_proportional(
                    limits.WATCH_INTERVAL_FRACTION,
                    limits.WATCH_MIN_INTERVAL_SECONDS,
                    limits.WATCH_MAX_INTERVAL_SECONDS,
                ),
                stop=stop_after_delay(max(0.0, deadline - self.clock.monotonic())),
            ),
            clock=self.clock,
            cancel=self.cancel,
            is_transient=self.api.is_transient,
        )
        try:
            poller.run(probe)
        except (PollTimeoutError, PollCancelledError) as stop:
            positions = desired.positions()
            names = ", ".join(f"read_set_ids[{positions[i]}] ({i})" for i in sorted(pending))
            raise ReadSetsNotActiveError(
                f"{self.resource}: {len(pending)} read sets activated by someone else are still "
                f"ACTIVATING ({stop}): {names}. Run `pulumi up` again to go on waiting."
            ) from None

    @staticmethod
    def _capture(errors: list[BaseException], step: Callable[[], None]) -> None:
        try:
            step()
        except Exception as error:  # reported with the jobs' errors, after they end
            errors.append(error)

    def _raise(self, errors: list[BaseException]) -> None:
        if not errors:
            return
        for error in errors:
            # Anything not ours (an AWS error, a bug) keeps its own type and traceback.
            if not isinstance(error, OmicsResourceError):
                raise error
        if len(errors) == 1:
            raise errors[0]
        body = "\n".join("  " + str(e).replace("\n", "\n  ") for e in errors)
        raise OmicsResourceError(
            f"{self.resource}: {len(errors)} activation jobs or waits did not succeed:\n{body}"
        )
