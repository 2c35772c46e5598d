"""The activation kind: archived read sets made active again.

The desired state is "these read sets are active": when a refresh finds any of them
archived again, the next ``pulumi up`` replaces the job, which re-activates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omics_resources.core import limits
from omics_resources.core.account.api import JobOperations, ReadSetInfo
from omics_resources.core.fields import Field, Output, documented, replaced
from omics_resources.core.jobs.behaviour import JobBehaviour
from omics_resources.core.jobs.kind import COMMON_FIELDS, JOB_OUTPUTS, JobKind, Props
from omics_resources.core.validation import Problem, duplicate_problems

__all__ = ["ACTIVATION_FIELDS", "ActivationKind", "ReadSetActivationJobBehaviour"]

_SOURCE_RESULT_FIELDS = {"status": "status", "statusMessage": "status_message"}

ACTIVATION_FIELDS: tuple[Field, ...] = (
    *documented(
        COMMON_FIELDS,
        sequence_store_id="The sequence store holding the read sets (10 to 36 digits).",
        allow_partial="Accept COMPLETED_WITH_FAILURES (some read sets not activated) as success.",
    ),
    Field(
        "read_set_ids",
        api=("sources",),
        scalar_item=("readSetId",),
        doc="1 to 20 read sets to activate, each listed once.",
    ),
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
    outputs = replaced(
        JOB_OUTPUTS,
        Output(
            "sources",
            "Per read set: ``read_set_id``, ``status``, ``status_message``.",
            kind="object",
            many="list",
            members=(
                Output("read_set_id", "The read set."),
                Output("status", "Its status in the job."),
                Output("status_message", "The service's message about it, if any.", optional=True),
            ),
        ),
        Output("read_set_ids", "The read sets activated.", many="list"),
        Output(
            "read_set_statuses",
            "The current status of each read set (ARCHIVED again means drift).",
            many="map",
        ),
    )

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


class ReadSetActivationJobBehaviour(JobBehaviour):
    """``ReadSetActivationJob``: one activation job; replaced when its read sets are found
    archived again. Destroying it undoes nothing."""

    type_name = "ReadSetActivationJob"
    summary = (
        "A HealthOmics read-set activation job: archived read sets made active again. "
        "Destroying it undoes nothing (there is nothing to undo). If a refresh finds the read "
        "sets archived again, the next ``pulumi up`` replaces the job to re-activate them."
    )
    kind = ActivationKind()
