"""What one kind of job is: its fields, how its results read, what update and delete do.

Both single-job resources run the same behaviour
(:class:`~omics_resources.core.jobs.behaviour.JobBehaviour`); what differs between an
import and an activation is a small :class:`JobKind`. A new kind of job (a reference
import, a read-set export) is one such class and its field table.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from omics_resources.core import fields, limits
from omics_resources.core.account.api import JobOperations, OmicsApi, ReadSetInfo
from omics_resources.core.fields import Change, Field, Output
from omics_resources.core.progress import Progress
from omics_resources.core.validation import Problem, SettingRule

__all__ = [
    "COMMON_FIELDS",
    "JOB_OUTPUTS",
    "JobKind",
    "ReadSetInfo",
    "merged_by_source",
    "parse_resource_id",
    "resource_id",
    "unfinished_request",
]

Props = dict[str, Any]

#: Fields every job resource has besides its kind's own.
COMMON_FIELDS: tuple[Field, ...] = (
    Field(
        "sequence_store_id",
        api=("sequenceStoreId",),
        doc="The sequence store to import into (10 to 36 digits).",
    ),
    Field(
        "client_token",
        api=("clientToken",),
        doc="Idempotency token; by default derived from project, stack, name and inputs.",
    ),
    Field(
        "wait",
        change=Change.SETTING,
        setting=SettingRule(bool, True),
        doc="Wait for the job to end during ``pulumi up`` (else status comes from refresh).",
    ),
    Field(
        "wait_timeout",
        change=Change.SETTING,
        setting=SettingRule(float, float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS), positive=True),
        doc="Seconds to wait for the job (default 12 hours); the job goes on after it.",
    ),
    Field(
        "allow_partial",
        change=Change.SETTING,
        setting=SettingRule(bool, False),
        doc="Accept COMPLETED_WITH_FAILURES (some sources failed) as success.",
    ),
)


#: Outputs of every single-job resource besides its inputs (kinds say some of them their way).
JOB_OUTPUTS: tuple[Output, ...] = (
    Output(
        "job_id",
        "The job's id (the last one, when a retry imported what an earlier one did not).",
    ),
    Output(
        "job_ids",
        "Every job of the resource, oldest first: more than one when a `pulumi up` after a "
        "partial failure retried the failed sources in a new job.",
        many="list",
    ),
    Output("sequence_store_id", "The sequence store."),
    Output("status", "The job's status (COMPLETED once ``pulumi up`` succeeded with ``wait``)."),
    Output("status_message", "The service's message about the job, if any.", optional=True),
    Output("creation_time", "When the job was created (ISO 8601)."),
    Output("completion_time", "When the job ended (ISO 8601), if it has.", optional=True),
    Output(
        "sources",
        "Per source: what was asked, ``status``, ``status_message`` and ``read_set_id``.",
        kind="any",
        many="list",
    ),
    Output("read_set_ids", "The read sets the job touched, in source order.", many="list"),
    Output(
        "read_set_statuses", "The current status of each read set (DELETED when gone).", many="map"
    ),
)


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


def unfinished_request(job: Mapping[str, Any], request: Props) -> Props | None:
    """``request`` with only the sources ``job`` (its earlier run) did not finish, in their
    order; None when it finished every one: what finished is never imported twice."""
    reported = job.get("sources") or []
    keep = [
        i
        for i in range(len(request.get("sources") or []))
        if i >= len(reported) or reported[i].get("status") != limits.SOURCE_FINISHED
    ]
    if not keep:
        return None
    return {**request, "sources": [request["sources"][i] for i in keep]}


def merged_by_source(jobs: Sequence[Mapping[str, Any]]) -> Props:
    """For a chain of jobs each retrying :func:`unfinished_request` of the one before: the
    last one's answer whose ``sources`` holds every source in the first job's order, each as
    the job that finished it (or tried it last) reported it, with that job's ``jobId``."""
    sources = [dict(s, jobId=jobs[0]["id"]) for s in jobs[0].get("sources") or []]
    for job in jobs[1:]:
        # A retry's sources are the ones still unfinished, in their order.
        still = [i for i, s in enumerate(sources) if s.get("status") != limits.SOURCE_FINISHED]
        for place, reported in zip(still, job.get("sources") or [], strict=False):
            sources[place] = dict(reported, jobId=job["id"])
    return {**jobs[-1], "sources": sources}


class JobKind(ABC):
    """What one kind of job is: its fields, how its results read, what update and delete do."""

    noun: ClassVar[str]
    operations: ClassVar[JobOperations]
    #: Which of the scheduler's job-slot pools its jobs take.
    slot: ClassVar[str]
    #: Every property, described once (see :mod:`omics_resources.core.fields`).
    fields: ClassVar[tuple[Field, ...]]
    #: Its outputs besides the inputs (:data:`JOB_OUTPUTS`, some said the kind's way).
    outputs: ClassVar[tuple[Output, ...]] = JOB_OUTPUTS
    #: What the next `pulumi up` does after a partial failure, in a failure message.
    retry_words: ClassVar[str] = "a new job will retry every source"
    #: Whether a job that ended COMPLETED can be read from the read sets it made instead of
    #: its Get*Job (see :mod:`omics_resources.core.watch.results`): imports only.
    results_from_read_sets: ClassVar[bool] = False

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

    def same_request(self, job: Mapping[str, Any], request: Mapping[str, Any]) -> bool:
        """Whether ``job`` (an earlier run's Get answer) was started with what ``request``
        (a Start request) asks."""
        return bool(_asked(self.inputs_from_job(job)) == _asked(self.inputs_from_job(request)))

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


def _asked(value: Any) -> Any:
    """``value`` without empty members (None, {}, []): a service may leave out of its
    answer what a request sent empty, and that is not another request."""
    if isinstance(value, Mapping):
        kept = {k: _asked(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [_asked(v) for v in value]
    return value
