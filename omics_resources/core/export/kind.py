"""The export kind: one StartReadSetExportJob of at most 100 read sets, as a
:class:`~omics_resources.core.jobs.kind.JobKind` that ``ReadSetExport`` runs in batches.

GetReadSetExportJob reports per read set in ``readSets[]`` (``id``, ``status``,
``statusMessage``), where the other kinds have ``sources[]``; :meth:`ExportKind.merged`
gives the answer the ``sources`` view the shared verdict reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from omics_resources.core import fields
from omics_resources.core.account.api import JobOperations, ReadSetInfo
from omics_resources.core.fields import Field
from omics_resources.core.jobs.kind import JobKind, Props
from omics_resources.core.service_model import operation_model

__all__ = ["EXPORT_JOB_FIELDS", "EXPORT_JOB_MAX_READ_SETS", "ExportKind"]


def _sources_max() -> int:
    shape = operation_model("StartReadSetExportJob").input_shape
    assert shape is not None
    return int(shape.members["sources"].metadata["max"])


#: Read sets one export job takes at most (botocore's model: 100).
EXPORT_JOB_MAX_READ_SETS = _sources_max()

#: What one job is started with (the resource's own table adds settings and documents them).
EXPORT_JOB_FIELDS: tuple[Field, ...] = (
    Field("sequence_store_id", api=("sequenceStoreId",)),
    Field("destination", api=("destination",)),
    Field("role_arn", api=("roleArn",)),
    Field("read_set_ids", api=("sources",), scalar_item=("readSetId",)),
)


def with_sources(job: Mapping[str, Any]) -> Props:
    """``job`` with ``sources`` (``readSetId``, ``status``, ``statusMessage``) from its
    ``readSets``: the view every kind's answers share."""
    seen = dict(job)
    if "readSets" in seen:
        seen["sources"] = [
            {
                "readSetId": r.get("id"),
                "status": r.get("status"),
                "statusMessage": r.get("statusMessage"),
            }
            for r in seen.get("readSets") or []
        ]
    return seen


class ExportKind(JobKind):
    """StartReadSetExportJob / GetReadSetExportJob / ListReadSetExportJobs; read sets are
    named by their place in the resource's ``read_set_ids`` (``positions``)."""

    noun = "export job"
    operations = JobOperations(
        start="StartReadSetExportJob",
        get="GetReadSetExportJob",
        list="ListReadSetExportJobs",
    )
    slot = "export"
    fields = EXPORT_JOB_FIELDS
    retry_words = "a new job will export the read sets whose objects are missing"

    def __init__(self, positions: Mapping[str, int] | None = None) -> None:
        self._positions = positions or {}

    def inputs_from_job(self, job: Mapping[str, Any]) -> Props:
        """The inputs a job (or a request) shows: GetReadSetExportJob names its read sets in
        ``readSets`` and has no ``roleArn``, so the role is not compared."""
        props = fields.from_api(self.fields, with_sources(job))
        props.pop("role_arn", None)
        return props

    def source_outputs(
        self, job: Mapping[str, Any], props: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]
    ) -> list[Props]:
        """Each read set's id, status and message in this job."""
        return [
            {
                "read_set_id": s.get("readSetId"),
                "status": s.get("status"),
                "status_message": s.get("statusMessage"),
            }
            for s in with_sources(job).get("sources") or []
        ]

    def source_label(self, index: int, source: Mapping[str, Any]) -> str:
        """``read_set_ids[417] (1234567890)``."""
        read_set_id = str(source.get("readSetId"))
        return f"read_set_ids[{self._positions.get(read_set_id, index)}] ({read_set_id})"

    def read_set_ids(self, job: Mapping[str, Any]) -> list[str]:
        """The read sets the job exports."""
        return [str(s["readSetId"]) for s in with_sources(job).get("sources") or []]

    def merged(self, jobs: Sequence[Mapping[str, Any]]) -> Props:
        """The last job's answer, with its ``sources`` view."""
        return with_sources(jobs[-1])
