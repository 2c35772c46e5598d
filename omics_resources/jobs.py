"""The job-provider core: check, diff, create, read, update and delete.

Both resources run through :class:`JobProvider`; what differs between an import and an
activation (their fields, how results read, what an update or a delete does) is a small
:class:`JobKind`. A create is a :class:`~omics_resources.job_run.JobRun` on the process's
shared :class:`~omics_resources.scheduler.Scheduler`. Data flows one way: inputs ->
validation -> client token -> scheduler (rate, slots, watcher) -> outputs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import botocore
from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from omics_resources import aws, fields, limits
from omics_resources.api import JobOperations, OmicsApi, ReadSetInfo
from omics_resources.errors import InvalidInputError
from omics_resources.fields import Change, Field
from omics_resources.job_run import JobRun, iso
from omics_resources.progress import Progress
from omics_resources.provider_base import ScheduledProvider, with_defaults
from omics_resources.tokens import TokenSeed
from omics_resources.validation import Problem, SettingRule, api_problems, setting_problems

__all__ = [
    "COMMON_FIELDS",
    "JobKind",
    "JobProvider",
    "ReadSetInfo",
    "parse_resource_id",
    "resource_id",
]

Props = dict[str, Any]

#: Fields every job resource has besides its kind's own.
COMMON_FIELDS: tuple[Field, ...] = (
    Field("sequence_store_id", api=("sequenceStoreId",)),
    Field("client_token", api=("clientToken",)),
    Field("wait", change=Change.SETTING, setting=SettingRule(bool, True)),
    Field(
        "wait_timeout",
        change=Change.SETTING,
        setting=SettingRule(float, float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS), positive=True),
    ),
    Field("allow_partial", change=Change.SETTING, setting=SettingRule(bool, False)),
)

#: Where the Resource classes put what the provider needs to derive client tokens.
SCOPE_PROPERTY = "scope"


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


class JobKind(ABC):
    """What one kind of job is: its fields, how its results read, what update and delete do."""

    noun: ClassVar[str]
    operations: ClassVar[JobOperations]
    #: Which of the scheduler's job-slot pools its jobs take.
    slot: ClassVar[str]
    #: Every property, described once (see :mod:`omics_resources.fields`).
    fields: ClassVar[tuple[Field, ...]]
    #: What the next `pulumi up` does after a partial failure, in a failure message.
    retry_words: ClassVar[str] = "a new job will retry every source"

    @property
    def settings(self) -> dict[str, SettingRule]:
        """Our own settings (no API call when they change)."""
        return fields.settings(self.fields)

    def request(self, props: Mapping[str, Any]) -> Props:
        """The Start call's parameters for these inputs."""
        return fields.to_api(self.fields, props)

    def property_path(self, api_path: tuple[str | int, ...]) -> str:
        """The resource property behind a member of the Start request."""
        return fields.property_path(self.fields, api_path)

    def inputs_from_job(self, job: Mapping[str, Any]) -> Props:
        """The inputs that would have started ``job`` (to adopt a job started elsewhere)."""
        return fields.from_api(self.fields, job)

    def own_problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """Rules of the resource beyond the API's shapes."""
        return []

    def replaces(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """Properties whose change needs a new job."""
        found = []
        for field in self.fields:
            if field.change is not Change.REPLACE:
                continue
            if field.items:
                if fields.item_changes(field, olds, news)[0]:
                    found.append(field.name)
            elif fields.changed_fields((field,), olds, news, Change.REPLACE):
                found.append(field.name)
        return found

    def in_place_changes(
        self, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> list[tuple[str, int, str]]:
        """Item fields changed in a way update applies to existing objects:
        ``(list property, index, field)``."""
        return [
            (field.name, index, name)
            for field in self.fields
            if field.items
            for index, name in fields.item_changes(field, olds, news)[1]
        ]

    @abstractmethod
    def source_outputs(
        self, job: Mapping[str, Any], props: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]
    ) -> list[Props]:
        """Per-source outputs (snake_case) from a Get*Job response."""

    def retry_request(self, job: Mapping[str, Any], request: Props) -> Props | None:
        """The Start request of a retry after ``job`` (an earlier run's, ended without doing
        what was asked); None when nothing is left to retry. By default the same request."""
        return request

    def merged(self, jobs: Sequence[Mapping[str, Any]]) -> Props:
        """One answer for a chain of jobs, each a retry of the one before (oldest first): by
        default the last one's."""
        return dict(jobs[-1])

    def refreshed(self, job: Mapping[str, Any], outputs: Mapping[str, Any]) -> Props:
        """The answer of the resource's last job, just read, merged with what its outputs
        hold of the earlier jobs of its chain (ended: their results do not change)."""
        return self.merged([job])

    def read_set_ids(self, job: Mapping[str, Any]) -> list[str]:
        """The read sets the job touched, in source order (those known so far)."""
        return [s["readSetId"] for s in job.get("sources") or [] if s.get("readSetId")]

    def read_sets_created_after(self, job: Mapping[str, Any]) -> datetime | None:
        """A lower bound on the creation time of the job's read sets (narrows ListReadSets)."""
        return None

    @abstractmethod
    def source_label(self, index: int, source: Mapping[str, Any]) -> str:
        """How an error message names one source of a Get*Job answer."""

    def result_holds(self, job: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]) -> bool:
        """Whether a finished job still does what was asked (checked when reattaching)."""
        return True

    def drifted(self, outputs: Mapping[str, Any]) -> list[str]:
        """Outputs (after a refresh) that show the desired state is lost: replace to restore."""
        return []

    def apply_update(
        self,
        api: OmicsApi,
        changes: list[tuple[str, int, str]],
        news: Mapping[str, Any],
        outs: Props,
        progress: Progress,
    ) -> None:
        """Apply :meth:`in_place_changes` to existing objects and record them in ``outs``."""

    def delete(self, api: OmicsApi, props: Mapping[str, Any], progress: Progress) -> None:
        """Undo what can be undone when the resource is destroyed."""


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


class JobProvider(ScheduledProvider):
    """A Pulumi dynamic provider for one :class:`JobKind` (injection points: see
    :class:`~omics_resources.provider_base.ScheduledProvider`)."""

    kind: ClassVar[JobKind]

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Fill in defaults and report every problem with the inputs; no AWS call."""
        inputs = with_defaults(self.kind.settings, news)
        return CheckResult(inputs, [p.to_check_failure() for p in self.problems(inputs)])

    def problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """Every rule ``props`` break: the API's (from botocore's model) and the resource's."""
        return [
            *api_problems(
                self.kind.operations.start, self.kind.request(props), self.kind.property_path
            ),
            *setting_problems(self.kind.settings, props),
            *self.kind.own_problems(props),
        ]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace for anything the Start call would send differently, or for drift; update
        in place for settings and read-set tags. Pure: no API call."""
        kind = self.kind
        replaces = kind.replaces(olds, news) + kind.drifted(olds)
        updates = fields.changed_fields(kind.fields, olds, news, Change.SETTING)
        updates += [f"{name}[{i}].{item}" for name, i, item in kind.in_place_changes(olds, news)]
        return DiffResult(
            changes=bool(replaces or updates),
            replaces=replaces,
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Start the job (or pick up the one an earlier run started) and wait for its end."""
        progress = Progress(_resource_name(props), self.kind.noun)
        problems = self.problems(props)
        if problems:
            raise InvalidInputError(progress.resource, problems)
        request = self.kind.request(props)
        request.pop("clientToken", None)
        run = JobRun(
            self.kind,
            props,
            scheduler=self.scheduler(),
            clock=self._clock,
            cancel=self._cancel,
            policy=self._policy,
            progress=progress,
            seed=_token_seed(props, request),
        )
        job = run.run(wait=bool(props.get("wait", True)))
        chain = [*run.earlier, job]
        return CreateResult(
            resource_id(job["sequenceStoreId"], job["id"]),
            self._outputs(props, self.kind.merged(chain), [j["id"] for j in chain]),
        )

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The job's current status and its read sets' states; gone if the job is gone."""
        store, job_id = parse_resource_id(id_)
        try:
            job = self.scheduler().api.get_job(self.kind.operations, store, job_id)
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
        job_ids = [str(j) for j in props.get("job_ids") or [job_id]]
        return ReadResult(id_, self._outputs(inputs, self.kind.refreshed(job, props), job_ids))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Apply settings and tag changes in place; returns every output (pulumi #13983)."""
        outs = {k: v for k, v in olds.items() if not k.startswith("__")}
        for name in (*self.kind.settings, SCOPE_PROPERTY):
            outs[name] = news.get(name)
        progress = Progress(_resource_name(news, _id), self.kind.noun)
        changes = self.kind.in_place_changes(olds, news)
        self.kind.apply_update(self.scheduler().api, changes, news, outs, progress)
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Leave data in place unless asked (see each kind)."""
        progress = Progress(_resource_name(props, id_), self.kind.noun)
        self.kind.delete(self.scheduler().api, props, progress)

    # -- helpers --------------------------------------------------------------------------

    def _outputs(
        self, inputs: Mapping[str, Any], job: Mapping[str, Any], job_ids: Sequence[str]
    ) -> Props:
        ids = self.kind.read_set_ids(job)
        read_sets = self.scheduler().api.read_sets(
            job["sequenceStoreId"], ids, created_after=self.kind.read_sets_created_after(job)
        )
        outs = {k: v for k, v in inputs.items() if not k.startswith("__")}
        outs.update(
            job_id=job["id"],
            job_ids=list(job_ids),
            sequence_store_id=job["sequenceStoreId"],
            status=job["status"],
            status_message=job.get("statusMessage"),
            creation_time=iso(job.get("creationTime")),
            completion_time=iso(job.get("completionTime")),
            sources=self.kind.source_outputs(job, inputs, read_sets),
            read_set_ids=ids,
            read_set_statuses={i: info["status"] for i, info in read_sets.items()},
        )
        return outs
