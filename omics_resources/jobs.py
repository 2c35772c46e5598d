"""The job-provider core: check, diff, create-and-wait, read, update and delete.

Both resources run through :class:`JobProvider`; what differs between an import and an
activation (what is sent, how results read, what an update or a delete does) is a small
:class:`JobKind` description. Data flows one way: inputs -> validation -> client token ->
AWS client -> polling -> outputs.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, ClassVar, TypedDict

import botocore
from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from omics_resources import aws, limits
from omics_resources.cancellation import ENGINE_CANCELLED
from omics_resources.errors import (
    InvalidInputError,
    JobFailedError,
    JobStillRunningError,
    JobWaitCancelledError,
    OmicsResourceError,
)
from omics_resources.polling import (
    Clock,
    PollCancelledError,
    Poller,
    PollPolicy,
    PollTimeoutError,
    SystemClock,
    default_policy,
)
from omics_resources.progress import Progress
from omics_resources.tokens import TokenSeed, derive_token
from omics_resources.validation import (
    Problem,
    SettingRule,
    api_problems,
    is_unknown,
    setting_problems,
)

__all__ = [
    "COMMON_SETTINGS",
    "JobKind",
    "JobProvider",
    "ReadSetInfo",
    "parse_resource_id",
    "resource_id",
]

Props = dict[str, Any]
ClientFactory = Callable[[], Any]

#: Settings every job resource has; none of them is sent to the API.
COMMON_SETTINGS: Mapping[str, SettingRule] = {
    "wait": SettingRule(bool, True),
    "wait_timeout": SettingRule(float, float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS), positive=True),
    "allow_partial": SettingRule(bool, False),
}

#: Inputs that go into the Start call besides the kind's own (a change means a new job).
_COMMON_REPLACE_PROPERTIES = ("sequence_store_id", "client_token")
#: Where the Resource classes put what the provider needs to derive client tokens.
SCOPE_PROPERTY = "scope"
# A job created this long before our Start call was started by an earlier run.
_REATTACH_MARGIN_SECONDS = 2.0
_READ_SET_LOOKUP_THREADS = 8


def resource_id(sequence_store_id: str, job_id: str) -> str:
    """The Pulumi id of a job resource: ``<sequenceStoreId>/<jobId>``."""
    return f"{sequence_store_id}/{job_id}"


def parse_resource_id(id_: str) -> tuple[str, str]:
    """Split ``<sequenceStoreId>/<jobId>``; raise ValueError naming the expected form."""
    store, sep, job = id_.partition("/")
    if not (sep and store.isdigit() and job.isdigit()):
        raise ValueError(
            f"resource id {id_!r} is not of the form <sequenceStoreId>/<jobId> "
            f"(two strings of digits), e.g. 1234567890/9876543210"
        )
    return store, job


class ReadSetInfo(TypedDict):
    """What we learn of one read set: ``status`` (DELETED if gone) and ``arn`` (if known)."""

    status: str
    arn: str | None


class JobKind(ABC):
    """What one kind of job sends, how its results read, and what update and delete do."""

    noun: ClassVar[str]
    start_operation: ClassVar[str]
    get_operation: ClassVar[str]
    #: The kind's own inputs that go into the Start call (a change means a new job).
    replace_properties: ClassVar[tuple[str, ...]]
    #: Settings updated in place with no API call.
    settings: ClassVar[Mapping[str, SettingRule]] = COMMON_SETTINGS

    @abstractmethod
    def request(self, props: Mapping[str, Any]) -> Props:
        """The Start call's parameters (without ``clientToken``) for these inputs."""

    @abstractmethod
    def property_path(self, api_path: tuple[str | int, ...]) -> str:
        """The resource property behind a member of the Start request."""

    def own_problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """Rules of the resource beyond the API's shapes."""
        return []

    @abstractmethod
    def source_outputs(
        self, job: Mapping[str, Any], props: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]
    ) -> list[Props]:
        """Per-source outputs (snake_case) from a Get*Job response."""

    @abstractmethod
    def read_set_ids(self, job: Mapping[str, Any]) -> list[str]:
        """The read sets the job touched, in source order (those known so far)."""

    @abstractmethod
    def source_label(self, index: int, source: Mapping[str, Any]) -> str:
        """How an error message names one source."""

    @abstractmethod
    def inputs_from_job(self, job: Mapping[str, Any]) -> Props:
        """The inputs that would have started ``job`` (to adopt a job started elsewhere)."""

    def sources_changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """Properties beyond ``replace_properties`` whose change needs a new job."""
        return []

    def in_place_changes(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """Properties changed in a way that update applies to existing objects."""
        return []

    def result_holds(self, job: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]) -> bool:
        """Whether a finished job still does what was asked (checked when reattaching)."""
        return True

    def drifted(self, outputs: Mapping[str, Any]) -> list[str]:
        """Outputs (after a refresh) that show the desired state is lost: replace to restore."""
        return []

    def apply_update(
        self,
        client: ClientFactory,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        outs: Props,
        progress: Progress,
    ) -> None:
        """Apply ``in_place_changes`` to existing objects and record them in ``outs``."""

    def delete(self, client: ClientFactory, props: Mapping[str, Any], progress: Progress) -> None:
        """Undo what can be undone when the resource is destroyed."""


def _changed(old: Any, new: Any) -> bool:
    return is_unknown(new) or old != new


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return None if value is None else str(value)


def _resource_name(props: Mapping[str, Any], fallback: str = "job") -> str:
    scope = props.get(SCOPE_PROPERTY)
    if isinstance(scope, Mapping) and scope.get("resource_name"):
        return str(scope["resource_name"])
    return fallback


def _token_seed(props: Mapping[str, Any], request: Mapping[str, Any]) -> TokenSeed:
    scope = props.get(SCOPE_PROPERTY)
    scope = scope if isinstance(scope, Mapping) else {}
    return TokenSeed(
        project=str(scope.get("project", "")),
        stack=str(scope.get("stack", "")),
        resource_name=str(scope.get("resource_name", "")),
        request=request,
    )


def _source_counts(job: Mapping[str, Any]) -> str:
    sources = job.get("sources") or []
    done = sum(1 for s in sources if s.get("status") == limits.SOURCE_FINISHED)
    failed = sum(1 for s in sources if s.get("status") == limits.SOURCE_FAILED)
    text = f"{done}/{len(sources)} sources finished"
    return f"{text}, {failed} failed" if failed else text


class JobProvider(ResourceProvider):
    """A Pulumi dynamic provider for one :class:`JobKind`.

    ``clock``, ``cancel`` and ``policy`` exist for tests (a fake clock makes waits instant);
    none of them is pickled into state: the provider's pickle is a reference to its class.
    """

    kind: ClassVar[JobKind]
    # The pickled provider holds no secret (no client, no credentials): keep it readable.
    serialize_as_secret_always = False

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        cancel: threading.Event | None = None,
        policy: Callable[[float], PollPolicy] | None = None,
        settings: aws.AwsSettings | None = None,
    ) -> None:
        super().__init__()
        self._clock = clock or SystemClock()
        self._cancel = cancel if cancel is not None else ENGINE_CANCELLED
        self._policy = policy or default_policy
        self._aws = settings or aws.AwsSettings()

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    # -- engine calls ---------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Take region, profile and endpoint from stack config (never credentials)."""
        self._aws = aws.AwsSettings.from_config(req.config.get)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Fill in defaults and report every problem with the inputs; no AWS call."""
        inputs = dict(news)
        for name, rule in self.kind.settings.items():
            if inputs.get(name) is None:
                inputs[name] = rule.default
        return CheckResult(inputs, [p.to_check_failure() for p in self.problems(inputs)])

    def problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """Every rule ``props`` break: the API's (from botocore's model) and the resource's."""
        request = self.kind.request(props)
        if props.get("client_token") is not None:
            request["clientToken"] = props["client_token"]
        return [
            *api_problems(self.kind.start_operation, request, self.kind.property_path),
            *setting_problems(self.kind.settings, props),
            *self.kind.own_problems(props),
        ]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace for anything the Start call would send differently, or for drift; update
        in place for settings and read-set tags. Pure: no API call."""
        kind = self.kind
        replaces = [
            name
            for name in (*_COMMON_REPLACE_PROPERTIES, *kind.replace_properties)
            if _changed(olds.get(name), news.get(name))
        ]
        replaces += kind.sources_changed(olds, news)
        replaces += kind.drifted(olds)
        updates = [n for n in kind.settings if _changed(olds.get(n), news.get(n))]
        updates += kind.in_place_changes(olds, news)
        return DiffResult(
            changes=bool(replaces or updates),
            replaces=replaces,
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Start the job (or pick up the one an earlier run started) and wait for its end."""
        run = _Run(self, props)
        problems = self.problems(props)
        if problems:
            raise InvalidInputError(run.progress.resource, problems)
        job = run.start_or_reattach()
        if props.get("wait", True):
            job = run.wait(job)
        outs = self._outputs(props, job)
        if props.get("wait", True):
            run.judge(job, outs)
        return CreateResult(resource_id(job["sequenceStoreId"], job["id"]), outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The job's current status and its read sets' states; gone if the job is gone."""
        store, job_id = parse_resource_id(id_)
        try:
            job = self._get_job(store, job_id)
        except botocore.exceptions.ClientError as error:
            if aws.error_code(error) == limits.NOT_FOUND_ERROR_CODE:
                return ReadResult(None, {})
            raise
        inputs = {k: v for k, v in props.items() if not k.startswith("__")}
        if "sequence_store_id" not in inputs:
            # Adopted with `Resource.get`: rebuild the inputs from the job itself.
            inputs = {
                **{n: rule.default for n, rule in self.kind.settings.items()},
                **self.kind.inputs_from_job(job),
                **inputs,
            }
        return ReadResult(id_, self._outputs(inputs, job))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Apply settings and tag changes in place; returns every output (pulumi #13983)."""
        outs = {k: v for k, v in olds.items() if not k.startswith("__")}
        for name in (*self.kind.settings, SCOPE_PROPERTY):
            outs[name] = news.get(name)
        progress = Progress(_resource_name(news, _id), self.kind.noun)
        self.kind.apply_update(self._client, olds, news, outs, progress)
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Leave data in place unless asked (see each kind)."""
        self.kind.delete(self._client, props, Progress(_resource_name(props, id_), self.kind.noun))

    # -- helpers --------------------------------------------------------------------------

    def _client(self) -> Any:
        return aws.omics_client(self._aws)

    def _get_job(self, store: str, job_id: str) -> Props:
        get = getattr(self._client(), botocore.xform_name(self.kind.get_operation))
        return dict(get(sequenceStoreId=store, id=job_id))

    def read_sets(self, store: str, ids: Sequence[str]) -> dict[str, ReadSetInfo]:
        """Status (and ARN) of each read set, looked up a few at a time."""
        client = self._client()

        def lookup(read_set_id: str) -> ReadSetInfo:
            try:
                meta = client.get_read_set_metadata(sequenceStoreId=store, id=read_set_id)
            except botocore.exceptions.ClientError as error:
                if aws.error_code(error) == limits.NOT_FOUND_ERROR_CODE:
                    return ReadSetInfo(status=limits.READ_SET_DELETED, arn=None)
                raise
            return ReadSetInfo(status=str(meta.get("status")), arn=meta.get("arn"))

        unique = list(dict.fromkeys(ids))
        if len(unique) <= 1:
            return {i: lookup(i) for i in unique}
        with ThreadPoolExecutor(min(_READ_SET_LOOKUP_THREADS, len(unique))) as pool:
            return dict(zip(unique, pool.map(lookup, unique), strict=True))

    def _outputs(self, inputs: Mapping[str, Any], job: Mapping[str, Any]) -> Props:
        ids = self.kind.read_set_ids(job)
        read_sets = self.read_sets(job["sequenceStoreId"], ids)
        outs = {k: v for k, v in inputs.items() if not k.startswith("__")}
        outs.update(
            job_id=job["id"],
            sequence_store_id=job["sequenceStoreId"],
            status=job["status"],
            status_message=job.get("statusMessage"),
            creation_time=_iso(job.get("creationTime")),
            completion_time=_iso(job.get("completionTime")),
            sources=self.kind.source_outputs(job, inputs, read_sets),
            read_set_ids=ids,
            read_set_statuses={i: info["status"] for i, info in read_sets.items()},
        )
        return outs


class _Run:
    """One create: its client, deadline and progress lines."""

    def __init__(self, provider: JobProvider, props: Mapping[str, Any]) -> None:
        self.provider = provider
        self.props = props
        self.kind = provider.kind
        self.progress = Progress(_resource_name(props), provider.kind.noun)
        self.timeout = float(props.get("wait_timeout") or limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
        self.clock = provider._clock
        self.started = self.clock.monotonic()

    def _poller(self) -> Poller:
        remaining = max(0.0, self.timeout - (self.clock.monotonic() - self.started))
        return Poller(
            self.provider._policy(remaining),
            clock=self.clock,
            cancel=self.provider._cancel,
            is_transient=aws.is_transient_error,
            on_transient=lambda error, state: self.progress.say(
                f"{aws.error_code(error) or type(error).__name__} from the API "
                f"(poll {state.attempt}); retrying"
            ),
        )

    def _call(self, operation: str, **params: Any) -> Props:
        method = getattr(self.provider._client(), botocore.xform_name(operation))
        return dict(method(**params))

    def _start_once(self, request: Mapping[str, Any], token: str) -> Props:
        """One Start call; waits (within wait_timeout) while the job quota is full."""

        def attempt() -> Props | None:
            try:
                return self._call(self.kind.start_operation, **request, clientToken=token)
            except botocore.exceptions.ClientError as error:
                if aws.error_code(error) != limits.QUOTA_ERROR_CODE:
                    raise
                self.progress.status(
                    "-",
                    "waiting for a free job slot (ServiceQuotaExceededException: "
                    f"{error.response.get('Error', {}).get('Message', '')})",
                )
                return None

        try:
            return self._poller().run(attempt)
        except (PollTimeoutError, PollCancelledError) as stop:
            raise OmicsResourceError(
                f"{self.progress.resource}: no {self.kind.noun} could be started: the "
                f"job-concurrency quota stayed full ({stop}). Nothing was started; "
                f"run `pulumi up` again later or raise the quota."
            ) from None

    def start_or_reattach(self) -> Props:
        """Start the job under a deterministic token; walk past tokens whose job failed."""
        request = self.kind.request(self.props)
        user_token = self.props.get("client_token")
        seed = _token_seed(self.props, request)
        for generation in range(limits.MAX_TOKEN_GENERATIONS):
            token = str(user_token) if user_token else derive_token(seed, generation)
            called_at = time.time()
            started = self._start_once(request, token)
            job_id = started["id"]
            created = started.get("creationTime")
            # A job we just started is SUBMITTED and new; anything else is an earlier run's.
            earlier = started.get("status") != limits.JOB_SUBMITTED or (
                isinstance(created, datetime)
                and created.timestamp() < called_at - _REATTACH_MARGIN_SECONDS
            )
            if started.get("status") not in limits.TERMINAL_JOB_STATUSES:
                self.progress.say(
                    f"reattached to the job an earlier run started at {_iso(created)} "
                    f"(client token {token}); not starting another"
                    if earlier
                    else f"started (client token {token})",
                    job_id,
                )
                return self.provider._get_job(started["sequenceStoreId"], job_id)
            job = self.provider._get_job(started["sequenceStoreId"], job_id)
            if user_token or self._reusable(job):
                self.progress.say(
                    f"reattached to the job an earlier run started; it ended {job['status']}",
                    job_id,
                )
                return job
            self.progress.say(
                f"an earlier run's job ended {job['status']}; starting a new one "
                f"(token generation {generation + 1})",
                job_id,
            )
        raise OmicsResourceError(
            f"{self.progress.resource}: {limits.MAX_TOKEN_GENERATIONS} jobs for these inputs "
            f"have failed; set client_token to start over deliberately"
        )

    def _reusable(self, job: Mapping[str, Any]) -> bool:
        status = job["status"]
        if status in limits.FAILED_JOB_STATUSES:
            return False
        if status == limits.JOB_COMPLETED_WITH_FAILURES and not self.props.get("allow_partial"):
            return False
        read_sets = self.provider.read_sets(job["sequenceStoreId"], self.kind.read_set_ids(job))
        return self.kind.result_holds(job, read_sets)

    def wait(self, job: Props) -> Props:
        """Poll the job until it ends, printing each change of status or counts."""
        store, job_id = job["sequenceStoreId"], job["id"]
        last: list[Props] = [job]

        def probe() -> Props | None:
            current = self.provider._get_job(store, job_id)
            last[0] = current
            self.progress.status(job_id, f"{current['status']} ({_source_counts(current)})")
            return current if current["status"] in limits.TERMINAL_JOB_STATUSES else None

        if job["status"] in limits.TERMINAL_JOB_STATUSES:
            return job
        try:
            return self._poller().run(probe)
        except PollTimeoutError:
            raise JobStillRunningError(
                resource=self.progress.resource,
                noun=self.kind.noun,
                job_id=job_id,
                status=last[0]["status"],
                waited=self.timeout,
            ) from None
        except PollCancelledError as stop:
            raise JobWaitCancelledError(
                resource=self.progress.resource,
                noun=self.kind.noun,
                job_id=job_id,
                status=last[0]["status"],
                waited=round(stop.state.elapsed),
            ) from None

    def judge(self, job: Mapping[str, Any], outs: Mapping[str, Any]) -> None:
        """Raise unless the job did what was asked (or partly, with allow_partial)."""
        status = job["status"]
        if status == limits.JOB_COMPLETED:
            self.progress.status(job["id"], f"COMPLETED ({_source_counts(job)})")
            return
        failed = [
            f"{self.kind.source_label(i, s)}: {s.get('status')}"
            + (f": {s['status_message']}" if s.get("status_message") else "")
            for i, s in enumerate(outs.get("sources") or [])
            if s.get("status") != limits.SOURCE_FINISHED
        ]
        if status == limits.JOB_COMPLETED_WITH_FAILURES and self.props.get("allow_partial"):
            self.progress.say(
                f"COMPLETED_WITH_FAILURES, accepted (allow_partial): {'; '.join(failed)}", job["id"]
            )
            return
        details = [f"job: {job['statusMessage']}"] if job.get("statusMessage") else []
        details += failed
        if status == limits.JOB_COMPLETED_WITH_FAILURES:
            kept = [i for i in outs.get("read_set_ids") or [] if i]
            details.append(
                "set allow_partial to accept a partial result; otherwise fix the failed sources "
                "and run `pulumi up` again: a new job will import all sources"
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
