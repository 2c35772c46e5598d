"""``ReadSetActivationJob``: archived read sets made active again.

The desired state is "these read sets are active": when a refresh finds any of them
archived again, the next ``pulumi up`` replaces the job, which re-activates them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from omics_resources import limits
from omics_resources.api import JobOperations, ReadSetInfo
from omics_resources.fields import Field
from omics_resources.jobs import COMMON_FIELDS, JobKind, JobProvider, Props
from omics_resources.resources import JobResource, args_props
from omics_resources.validation import Problem, duplicate_problems

__all__ = [
    "ReadSetActivationJob",
    "ReadSetActivationJobArgs",
    "ReadSetActivationJobProvider",
]

_SOURCE_RESULT_FIELDS = {"status": "status", "statusMessage": "status_message"}


@dataclass(frozen=True, kw_only=True)
class ReadSetActivationJobArgs:
    """The inputs of a :class:`ReadSetActivationJob`."""

    sequence_store_id: pulumi.Input[str]
    """The sequence store holding the read sets (10 to 36 digits)."""
    read_set_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    """1 to 20 read sets to activate, each listed once."""
    client_token: pulumi.Input[str] | None = None
    """Idempotency token; by default derived from project, stack, name and inputs."""
    wait: pulumi.Input[bool] = True
    """Wait for the job to end during ``pulumi up`` (else status comes from refresh)."""
    wait_timeout: pulumi.Input[float] = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    """Seconds to wait for the job (default 12 hours); the job goes on after it."""
    allow_partial: pulumi.Input[bool] = False
    """Accept COMPLETED_WITH_FAILURES (some read sets not activated) as success."""

    def to_props(self) -> dict[str, Any]:
        """The inputs as the provider sees them."""
        return args_props(self)


ACTIVATION_FIELDS: tuple[Field, ...] = (
    *COMMON_FIELDS,
    Field("read_set_ids", api=("sources",), scalar_item=("readSetId",)),
)


class ActivationKind(JobKind):
    """StartReadSetActivationJob / GetReadSetActivationJob."""

    noun = "activation job"
    operations = JobOperations(
        start="StartReadSetActivationJob",
        get="GetReadSetActivationJob",
        list="ListReadSetActivationJobs",
    )
    slot = "activation"
    fields = ACTIVATION_FIELDS

    def own_problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """Each read set listed once."""
        return duplicate_problems("read_set_ids", props.get("read_set_ids"))

    def source_outputs(
        self, job: Mapping[str, Any], props: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]
    ) -> list[Props]:
        """Each read set's id, status and message in this job."""
        return [
            {"read_set_id": reported.get("readSetId")}
            | {name: reported.get(api) for api, name in _SOURCE_RESULT_FIELDS.items()}
            for reported in job.get("sources") or []
        ]

    def source_label(self, index: int, source: Mapping[str, Any]) -> str:
        """``read_set_ids[2] (1234567890)``."""
        return f"read_set_ids[{index}] ({source.get('readSetId')})"

    def result_holds(self, job: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]) -> bool:
        """An activation that ended holds while every read set is (being made) active."""
        return all(i["status"] in limits.ACTIVATED_READ_SET_STATUSES for i in read_sets.values())

    def drifted(self, outputs: Mapping[str, Any]) -> list[str]:
        """``read_set_statuses`` when a refresh saw a read set archived again."""
        statuses = outputs.get("read_set_statuses")
        if outputs.get("status") not in limits.JOB_OUTCOMES.success or not isinstance(
            statuses, Mapping
        ):
            return []
        if any(s == limits.READ_SET_ARCHIVED for s in statuses.values()):
            return ["read_set_statuses"]
        return []


class ReadSetActivationJobProvider(JobProvider):
    """The dynamic provider behind :class:`ReadSetActivationJob` (usable directly in tests)."""

    kind = ActivationKind()


class ReadSetActivationJob(
    JobResource[ReadSetActivationJobArgs], module="omics", name="ReadSetActivationJob"
):
    """A HealthOmics read-set activation job: archived read sets made active again.

    Destroying it undoes nothing (there is nothing to undo). If a refresh finds the read
    sets archived again, the next ``pulumi up`` replaces the job to re-activate them.
    """

    provider_class = ReadSetActivationJobProvider

    sources: pulumi.Output[list[dict[str, Any]]]
    """Per read set: ``read_set_id``, ``status``, ``status_message``."""
    read_set_ids: pulumi.Output[list[str]]
    """The read sets activated."""
    read_set_statuses: pulumi.Output[dict[str, str]]
    """The current status of each read set (ARCHIVED again means drift)."""
