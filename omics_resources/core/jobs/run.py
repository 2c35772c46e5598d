"""One create of a job resource: take a job slot, start the job under a deterministic
client token (or pick up the one an earlier run started), wait for it with every other job
of the process, and judge how it ended.

Everything it talks to is handed in (the API, the scheduler, the clock, the cancel event,
the retry policy), as botocore's ``Waiter`` and tenacity's ``Retrying`` are handed theirs,
so tests run hours of waiting on a fake clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import botocore.exceptions

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.quota_gate import QuotaPlace, QuotaWaitEndedError
from omics_resources.core.account.scheduler import (
    Scheduler,
    SlotWaitEndedError,
    WatchEndedError,
    WatchFailedError,
)
from omics_resources.core.account.scheduling_config import SLOT_CONFIG_KEYS
from omics_resources.core.errors import (
    JobFailedError,
    JobStartCancelledError,
    JobStillRunningError,
    JobWaitCancelledError,
    OmicsResourceError,
)
from omics_resources.core.progress import Progress
from omics_resources.core.tokens import TokenSeed, derive_token
from omics_resources.core.watch.polling import (
    Clock,
    PollCancelledError,
    Poller,
    PollPolicy,
    PollState,
    PollTimeoutError,
)

if TYPE_CHECKING:
    from omics_resources.core.jobs.kind import JobKind

__all__ = ["JobRun", "describe", "iso", "source_counts", "token_taken"]

Props = dict[str, Any]
# A job created this long before our Start call was started by an earlier run.
_REATTACH_MARGIN_SECONDS = 2.0


def token_taken(error: botocore.exceptions.ClientError) -> bool:
    """Whether a Start was refused because its client token was used for another request
    (the service does not document its answer: a ValidationException or ConflictException
    that names the token, or IdempotentParameterMismatch, as other AWS APIs answer)."""
    code = aws.error_code(error)
    message = str(error.response.get("Error", {}).get("Message", "")).lower()
    if code == "IdempotentParameterMismatch":
        return True
    named = any(word in message for word in ("clienttoken", "client token", "idempot"))
    return code in ("ValidationException", "ConflictException") and named


def iso(value: Any) -> str | None:
    """A timestamp of the API as ISO 8601 (None stays None)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return None if value is None else str(value)


def describe(job: Mapping[str, Any]) -> str:
    """``IN_PROGRESS`` or, when the answer has its sources, ``COMPLETED (4/4 sources finished)``."""
    if "sources" not in job:
        return str(job.get("status"))
    return f"{job.get('status')} ({source_counts(job)})"


def source_counts(job: Mapping[str, Any]) -> str:
    """``3/4 sources finished, 1 failed``."""
    sources = job.get("sources") or []
    done = sum(1 for s in sources if s.get("status") == limits.SOURCE_FINISHED)
    failed = sum(1 for s in sources if s.get("status") == limits.SOURCE_FAILED)
    text = f"{done}/{len(sources)} sources finished"
    return f"{text}, {failed} failed" if failed else text


class JobRun:
    """One create of one job resource."""

    def __init__(
        self,
        kind: JobKind,
        props: Mapping[str, Any],
        *,
        scheduler: Scheduler,
        clock: Clock,
        cancel: threading.Event | None,
        policy: Callable[[float], PollPolicy],
        progress: Progress,
        seed: TokenSeed,
    ) -> None:
        self.kind = kind
        self.props = props
        self.api = scheduler.api
        self.scheduler = scheduler
        self.clock = clock
        self.cancel = cancel
        self.policy = policy
        self.progress = progress
        self.seed = seed
        self.timeout = float(props.get("wait_timeout") or limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
        self.deadline = clock.monotonic() + self.timeout
        self.allow_partial = bool(props.get("allow_partial"))
        #: Earlier runs' jobs this create moved past to a retry (token generations), oldest
        #: first: the job it ends with continues them (see ``JobKind.merged``).
        self.earlier: list[Props] = []
        #: The sources of the request the job being waited for was started with, when
        #: certain (its answer may then come from its read sets): set by start_or_reattach.
        self.sources: list[Props] | None = None

    # -- the whole create ------------------------------------------------------------------

    def run(self, *, wait: bool) -> Props:
        """Start (or reattach) and, with ``wait``, wait for the end and judge it."""
        slots = self.scheduler.slots[self.kind.slot]
        try:
            slots.acquire(deadline=self.deadline, cancel=self.cancel, on_queued=self._queued)
        except SlotWaitEndedError as stop:
            raise OmicsResourceError(
                f"{self.progress.resource}: no {self.kind.noun} was started: {stop.reason} "
                f"while {slots.capacity} of this stack's {self.kind.noun}s were running "
                f"(waited {stop.waited:.0f} s in the queue). Run `pulumi up` again."
            ) from None
        held = True
        try:
            job = self.start_or_reattach()
            if not wait:
                return self.api.get_job(
                    self.kind.operations, job[self.kind.operations.store], job["id"]
                )
            job = self.wait(job, until_end=True)
            # The service's slot is free from the end on: the next job need not wait for
            # this one's full answer.
            slots.release()
            held = False
            job = self.wait(job)
            # Its slot in the service's quota is free: ours to take, if Starts wait in line.
            self.api.quota_gate(self.kind.operations.start).freed()
        finally:
            if held:
                slots.release()
        self.judge(self.kind.merged([*self.earlier, job]))
        return job

    def _queued(self, ahead: int) -> None:
        noun = self.kind.noun
        capacity = self.scheduler.slots[self.kind.slot].capacity
        place = f"{ahead} {noun}{'s' * (ahead != 1)} ahead" if ahead else "next to start"
        self.progress.say(
            f"queued: {place}; this stack runs at most {capacity} {noun}{'s' * (capacity != 1)} "
            f"at once (stack config {SLOT_CONFIG_KEYS[self.kind.slot]})"
        )

    # -- start ------------------------------------------------------------------------------

    def _poller(self) -> Poller:
        remaining = max(0.0, self.deadline - self.clock.monotonic())
        return Poller(
            self.policy(remaining),
            clock=self.clock,
            cancel=self.cancel,
            is_transient=self.api.is_transient,
            on_transient=lambda error, state: self.progress.say(
                f"{aws.error_code(error) or type(error).__name__} from the API "
                f"(try {state.attempt}); retrying"
            ),
        )

    def _start_once(self, request: Mapping[str, Any], token: str) -> Props:
        """One Start; while the service's job quota is full (other callers' jobs hold it),
        wait in this process's line for a free slot
        (:mod:`~omics_resources.core.account.quota_gate`) within wait_timeout. A cancel
        meanwhile is reported as one."""
        quota_full: list[str] = []
        began = self.clock.monotonic()

        def attempt(place: QuotaPlace) -> Props:
            while True:
                try:
                    place.turn(deadline=self.deadline, cancel=self.cancel)
                except QuotaWaitEndedError as stop:
                    state = PollState(len(quota_full), self.clock.monotonic() - began)
                    ended = PollCancelledError if stop.reason == "cancelled" else PollTimeoutError
                    raise ended(state) from None
                try:
                    started = self.api.start_job(self.kind.operations, request, token)
                except botocore.exceptions.ClientError as error:
                    if aws.error_code(error) != limits.QUOTA_ERROR_CODE:
                        raise
                    place.answered(refused=True)
                    message = str(error.response.get("Error", {}).get("Message", ""))
                    if not quota_full:
                        self.progress.say(
                            f"waiting for a free job slot (ServiceQuotaExceededException: "
                            f"{message}; jobs outside this stack hold the service's job quota)"
                        )
                    quota_full.append(message)
                    continue
                place.answered(refused=False)
                return started

        try:
            with self.api.quota_gate(self.kind.operations.start).line() as place:
                return self._poller().run(lambda: attempt(place))
        except PollCancelledError as stop:
            # The engine asked us to stop: say so, whatever kept the job from starting.
            raise JobStartCancelledError(
                resource=self.progress.resource,
                noun=self.kind.noun,
                waited=stop.state.elapsed,
                waiting=(
                    f"waiting for the service's job quota ({limits.QUOTA_ERROR_CODE}: "
                    f"{quota_full[-1]})"
                    if quota_full
                    else f"retrying {self.kind.operations.start} after API errors (a job it "
                    "may have started is picked up under the same client token)"
                ),
            ) from None
        except PollTimeoutError as stop:
            why = (
                f"the service's job-concurrency quota stayed full ({stop})"
                if quota_full
                else f"the API kept failing ({stop})"
            )
            raise OmicsResourceError(
                f"{self.progress.resource}: no {self.kind.noun} could be started: {why}. "
                f"Nothing was started; run `pulumi up` again later"
                + (" or raise the quota." if quota_full else ".")
            ) from None

    def start_or_reattach(self) -> Props:
        """Start the job under a deterministic token; walk past tokens whose job failed."""
        request = self.kind.request(self.props)
        request.pop("clientToken", None)
        user_token = self.props.get("client_token")
        passed_over = 0
        for generation in range(limits.MAX_TOKEN_GENERATIONS):
            token = str(user_token) if user_token else derive_token(self.seed, generation)
            called_at = self.clock.time()
            try:
                started = self._start_once(request, token)
            except botocore.exceptions.ClientError as error:
                if user_token or not token_taken(error):
                    raise
                taken = self.taken_by(request)
                if taken is None:
                    passed_over += 1
                    self.progress.say(
                        f"client token {token} was used by an earlier run for a different "
                        f"request (its inputs differed); trying token generation {generation + 1}"
                    )
                    continue
                started = taken
            job_id = started["id"]
            created = started.get("creationTime")
            # A job we just started is SUBMITTED and new; anything else is an earlier run's.
            earlier = started.get("status") != limits.JOB_SUBMITTED or (
                isinstance(created, datetime)
                and created.timestamp() < called_at - _REATTACH_MARGIN_SECONDS
            )
            read: Props | None = None
            if earlier and not user_token:
                # A service may answer a reused token with its job whatever was asked: that
                # job is this request's only if it asked the same.
                read = self.api.get_job(
                    self.kind.operations, started[self.kind.operations.store], job_id
                )
                if not self.same_request(read, request):
                    passed_over += 1
                    self.progress.say(
                        f"client token {token} started job {job_id} for a different request "
                        f"(an earlier run's inputs differed); trying token generation "
                        f"{generation + 1}"
                    )
                    continue
            if started.get("status") not in limits.TERMINAL_JOB_STATUSES:
                # A user's token may name a job of other inputs: its sources are unknown.
                known = self.kind.results_from_read_sets and not (earlier and user_token)
                self.sources = list(request.get("sources") or []) if known else None
                self.progress.say(
                    f"reattached to the job an earlier run started at {iso(created)} "
                    f"(client token {token}); not starting another"
                    if earlier
                    else f"started (client token {token})",
                    job_id,
                )
                # The Start answer (id, store, status, creation time) is all the watcher
                # needs; the job's full answer comes when it ends.
                return started
            job = read or self.api.get_job(
                self.kind.operations, started[self.kind.operations.store], job_id
            )
            if user_token or self.reusable(job):
                self.progress.say(
                    f"reattached to the job an earlier run started; it ended {job['status']}",
                    job_id,
                )
                return job
            retry = self.retry_request(job, request)
            if retry is None:
                self.progress.say(
                    f"reattached to the job an earlier run started; it ended {job['status']} "
                    "and nothing of it is left to retry",
                    job_id,
                )
                return job
            self.earlier.append(job)
            request = retry
            self.progress.say(
                f"an earlier run's job ended {job['status']}; starting a new one "
                f"(token generation {generation + 1})",
                job_id,
            )
        raise OmicsResourceError(
            f"{self.progress.resource}: all {limits.MAX_TOKEN_GENERATIONS} client tokens of "
            f"these inputs are spent ({passed_over} used by earlier requests for other inputs, "
            f"the rest by jobs that failed); set client_token to start over deliberately"
        )

    def same_request(self, job: Mapping[str, Any], request: Mapping[str, Any]) -> bool:
        """Whether ``job`` (an earlier run's) was started with what ``request`` asks."""
        return self.kind.same_request(job, request)

    def taken_by(self, request: Mapping[str, Any]) -> Props | None:
        """The earlier job whose request took this token, when it still does what
        ``request`` asks (None: none such; the next generation is tried)."""
        return None

    def retry_request(self, job: Mapping[str, Any], request: Props) -> Props | None:
        """The Start request of the next token generation, after ``job`` (an earlier run's,
        ended without doing what was asked) under the current one; None when nothing is left
        to retry (``job`` then stands). The kind decides (an import retries only the sources
        that did not get a read set)."""
        return self.kind.retry_request(job, request)

    def reusable(self, job: Mapping[str, Any]) -> bool:
        """Whether a job an earlier run started, now ended, still does what is asked."""
        if not limits.job_accepted(job["status"], allow_partial=self.allow_partial):
            return False
        read_sets = self.api.read_sets(
            job[self.kind.operations.store],
            self.kind.read_set_ids(job),
            created_after=self.kind.read_sets_created_after(job),
        )
        return self.kind.result_holds(job, read_sets)

    # -- wait -------------------------------------------------------------------------------

    def wait(self, job: Props, *, until_end: bool = False) -> Props:
        """Wait for the job's end with every other job of its store, printing each change:
        its full answer, or with ``until_end`` whatever first told of the end (see
        :meth:`Watcher.wait <omics_resources.core.watch.watcher.Watcher.wait>`)."""
        watcher = self.scheduler.watcher(self.kind.operations, job[self.kind.operations.store])
        job_id = str(job["id"])

        def on_error(error: BaseException) -> None:
            if not self.api.is_transient(error):
                raise error
            self.progress.say(
                f"{aws.error_code(error) or type(error).__name__} from the API; retrying", job_id
            )

        try:
            return watcher.wait(
                job,
                deadline=self.deadline,
                cancel=self.cancel,
                on_change=lambda seen: self._changed(job_id, seen),
                on_error=on_error,
                sources=self.sources,
                until_end=until_end,
            )
        except WatchEndedError as stop:
            error = JobWaitCancelledError if stop.reason == "cancelled" else JobStillRunningError
            raise error(
                resource=self.progress.resource,
                noun=self.kind.noun,
                job_id=job_id,
                status=str(stop.job.get("status")),
                waited=round(stop.waited) if stop.reason == "cancelled" else self.timeout,
            ) from None
        except WatchFailedError as failed:
            raise OmicsResourceError(
                f"{self.progress.resource}: stopped waiting for {self.kind.noun} {job_id}: "
                f"{failed.detail}. Fix the cause and run `pulumi up` again."
            ) from failed.__cause__

    def _changed(self, job_id: str, seen: Mapping[str, Any]) -> None:
        # The List's word of an end has no source counts: the full answer's line says it.
        if "sources" in seen or seen.get("status") not in limits.TERMINAL_JOB_STATUSES:
            self.progress.status(
                job_id,
                describe(seen),
                final=seen.get("status") in limits.TERMINAL_JOB_STATUSES,
            )

    # -- verdict ----------------------------------------------------------------------------

    def judge(self, job: Mapping[str, Any]) -> None:
        """Raise unless the job did what was asked (or partly, with allow_partial); judged
        from the job's own per-source results."""
        status = job["status"]
        failed = [
            f"{self.kind.source_label(i, s)}: {s.get('status')}"
            + (f": {s['statusMessage']}" if s.get("statusMessage") else "")
            for i, s in enumerate(job.get("sources") or [])
            if s.get("status") != limits.SOURCE_FINISHED
        ]
        if limits.job_accepted(status, allow_partial=self.allow_partial):
            if status in limits.JOB_OUTCOMES.success:
                self.progress.status(job["id"], f"{status} ({source_counts(job)})", final=True)
            else:
                self.progress.say(
                    f"{status}, accepted (allow_partial): {'; '.join(failed)}", job["id"]
                )
            return
        details = [f"job: {job['statusMessage']}"] if job.get("statusMessage") else []
        details += failed
        if status == limits.JOB_PARTIAL:
            kept = self.kind.read_set_ids(job)
            details.append(
                "set allow_partial to accept a partial result; otherwise fix the failed sources "
                f"and run `pulumi up` again: {self.kind.retry_words}"
                + (f" (read sets this job did create are kept: {', '.join(kept)})" if kept else "")
            )
        else:
            details.append("fix the cause and run `pulumi up` again: a new job will be started")
        raise JobFailedError(
            resource=self.progress.resource,
            noun=self.kind.noun,
            job_id=job["id"],
            status=status,
            details=details,
        )
