"""The import kind: read sets imported from S3 (FASTQ, BAM, CRAM, uBAM) into a store.

``StartReadSetImportJob``'s fields as a table, what its results mean per source, a retry
that imports only the sources without a read set, tags changed in place, and read sets
kept on destroy unless asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from omics_resources.core import limits
from omics_resources.core.account.api import JobOperations, OmicsApi, ReadSetInfo
from omics_resources.core.errors import ReadSetDeletionError
from omics_resources.core.fields import Change, Field, Output, replaced
from omics_resources.core.jobs.behaviour import JobBehaviour
from omics_resources.core.jobs.kind import (
    COMMON_FIELDS,
    JOB_OUTPUTS,
    JobKind,
    Props,
    merged_by_source,
    unfinished_request,
)
from omics_resources.core.progress import Progress
from omics_resources.core.service_model import (
    FILE_TYPES_NEEDING_REFERENCE,
    FILE_TYPES_WITH_SOURCE2,
    file_types,
)
from omics_resources.core.validation import Problem, SettingRule

__all__ = [
    "IMPORT_FIELDS",
    "SOURCE_FIELDS",
    "SOURCE_FIELD_NAMES",
    "ImportKind",
    "ReadSetImportJobBehaviour",
    "delete_read_sets",
]

#: Each source property: where it goes in StartReadSetImportJob's source item, and that only
#: its tags change in place (anything else is a different job).
SOURCE_FIELDS: tuple[Field, ...] = (
    Field("source_file_type", api=("sourceFileType",), doc="FASTQ, BAM, CRAM or UBAM."),
    Field(
        "source1",
        api=("sourceFiles", "source1"),
        doc="The S3 URI of the file (``s3://bucket/key``).",
    ),
    Field(
        "source2",
        api=("sourceFiles", "source2"),
        doc="The S3 URI of the second file of paired-end FASTQ reads.",
    ),
    Field("subject_id", api=("subjectId",), doc="The subject the reads come from."),
    Field("sample_id", api=("sampleId",), doc="The sample the reads come from."),
    Field(
        "reference_arn",
        api=("referenceArn",),
        doc="The reference genome's ARN; required for BAM and CRAM.",
    ),
    Field("generated_from", api=("generatedFrom",), doc="Where the reads were generated."),
    Field("name", api=("name",), doc="The read set's name."),
    Field("description", api=("description",), doc="The read set's description."),
    Field(
        "tags",
        api=("tags",),
        change=Change.UPDATE,
        doc="Tags of the read set; changing them updates the read set in place.",
    ),
)
SOURCE_FIELD_NAMES = tuple(f.name for f in SOURCE_FIELDS)
#: Every property of the resource.
IMPORT_FIELDS: tuple[Field, ...] = (
    *COMMON_FIELDS,
    Field(
        "role_arn",
        api=("roleArn",),
        doc="A service role that HealthOmics assumes to read the sources from S3.",
    ),
    Field(
        "sources",
        api=("sources",),
        items=SOURCE_FIELDS,
        doc="1 to 100 sources; each becomes one read set.",
    ),
    Field(
        "delete_read_sets_on_destroy",
        change=Change.SETTING,
        setting=SettingRule(bool, False),
        doc="Delete the imported read sets when the resource is destroyed (default: keep them).",
    ),
)
#: What the service reports per source, and what we call it.
_SOURCE_RESULT_FIELDS = {
    "status": "status",
    "statusMessage": "status_message",
    "readSetId": "read_set_id",
    "jobId": "job_id",
}
#: Our own member of a merged answer: when the first job of the chain was created (its
#: read sets are the oldest; None when unknown).
_EARLIEST = "earliestCreationTime"


class ImportKind(JobKind):
    """StartReadSetImportJob / GetReadSetImportJob."""

    noun = "import job"
    operations = JobOperations(
        start="StartReadSetImportJob", get="GetReadSetImportJob", list="ListReadSetImportJobs"
    )
    slot = "import"
    fields = IMPORT_FIELDS
    outputs = replaced(
        JOB_OUTPUTS,
        Output(
            "sources",
            "Per source: its inputs, ``status``, ``status_message``, ``read_set_id``, "
            "``read_set_arn``.",
            kind="object",
            many="list",
            members=(
                Output("status", "The source's status in its job (FINISHED, FAILED ...)."),
                Output(
                    "status_message",
                    "The service's message about the source, if any.",
                    optional=True,
                ),
                Output(
                    "read_set_id", "The read set imported from the source, if any.", optional=True
                ),
                Output("job_id", "The job that imported the source (or tried it last)."),
                Output("read_set_arn", "The ARN of the read set, if any.", optional=True),
            ),
            inputs=SOURCE_FIELDS,
        ),
        Output("read_set_ids", "The imported read sets' ids, in source order.", many="list"),
        Output(
            "read_set_statuses",
            "The current status of each imported read set (DELETED when gone).",
            many="map",
        ),
    )
    results_from_read_sets = True
    retry_words = (
        "a new job will import only the failed sources (the others keep their read sets) "
        "while the sources stay as declared, so fix the cause outside the program (upload the "
        "object, give the role access). Changing a source (a path, a field) makes a new "
        "request, whose job imports every source again: for sources you expect to edit, "
        "use CohortImport, which imports only what changed"
    )

    def retry_request(self, job: Mapping[str, Any], request: Props) -> Props | None:
        """Only the sources that did not get a read set: the others are never imported twice."""
        return unfinished_request(job, request)

    def merged(self, jobs: Sequence[Mapping[str, Any]]) -> Props:
        """The last job's answer whose ``sources`` holds every source in declaration order,
        each as the job that imported it (or tried it last) reported it, with its ``jobId``."""
        return {**merged_by_source(jobs), _EARLIEST: jobs[0].get("creationTime")}

    def refreshed(self, job: Mapping[str, Any], outputs: Mapping[str, Any]) -> Props:
        """The last job's sources where the outputs say it imported them; the earlier jobs'
        results as the outputs have them."""
        old = outputs.get("sources") or []
        if len(outputs.get("job_ids") or []) < 2 or not old:
            return self.merged([job])
        sources = [{api: s.get(name) for api, name in _SOURCE_RESULT_FIELDS.items()} for s in old]
        places = [i for i, s in enumerate(old) if s.get("job_id") == job["id"]]
        for place, reported in zip(places, job.get("sources") or [], strict=False):
            sources[place] = dict(reported, jobId=job["id"])
        return {**job, "sources": sources, _EARLIEST: None}

    def own_problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """Unknown source fields; source2 only for FASTQ; a reference for BAM and CRAM."""
        sources = props.get("sources")
        if not isinstance(sources, list):
            return []
        found = []
        for index, source in enumerate(sources):
            if not isinstance(source, Mapping):
                continue
            at = f"sources[{index}]"
            for name in source:
                if name not in SOURCE_FIELD_NAMES:
                    found.append(
                        Problem(
                            f"{at}.{name}",
                            source[name],
                            f"is not a source field (known: {', '.join(SOURCE_FIELD_NAMES)})",
                        )
                    )
            file_type = source.get("source_file_type")
            # An unknown or mistyped file type is the API rule's problem alone: rules that
            # hang on the type would only repeat it.
            if file_type not in file_types():
                continue
            if source.get("source2") is not None and file_type not in FILE_TYPES_WITH_SOURCE2:
                found.append(
                    Problem(
                        f"{at}.source2",
                        source["source2"],
                        f"is only allowed for FASTQ sources (paired-end reads), not {file_type}",
                    )
                )
            if file_type in FILE_TYPES_NEEDING_REFERENCE and source.get("reference_arn") is None:
                found.append(
                    Problem(
                        f"{at}.reference_arn",
                        None,
                        f"is required for {file_type} sources (aligned reads need "
                        f"their reference genome)",
                    )
                )
        return found

    def source_outputs(
        self, job: Mapping[str, Any], props: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]
    ) -> list[Props]:
        """Each source's inputs with its status, message, read set id and ARN."""
        declared = props.get("sources")
        declared = declared if isinstance(declared, list) else []
        outs = []
        for index, reported in enumerate(job.get("sources") or []):
            source = dict(declared[index]) if index < len(declared) else {}
            for api_name, name in _SOURCE_RESULT_FIELDS.items():
                source[name] = reported.get(api_name)
            info = read_sets.get(source.get("read_set_id") or "")
            source["read_set_arn"] = info["arn"] if info else None
            outs.append(source)
        return outs

    def read_sets_created_after(self, job: Mapping[str, Any]) -> datetime | None:
        """An import's read sets are created after the job (the first of a merged chain)."""
        created = job.get(_EARLIEST, job.get("creationTime"))
        return created - timedelta(seconds=1) if isinstance(created, datetime) else None

    def source_label(self, index: int, source: Mapping[str, Any]) -> str:
        """``sources[2] (s3://bucket/key)``."""
        files = source.get("sourceFiles") or {}
        return f"sources[{index}] ({files.get('source1')})"

    def apply_update(
        self,
        api: OmicsApi,
        changes: list[tuple[str, int, str]],
        news: Mapping[str, Any],
        outs: Props,
        progress: Progress,
    ) -> None:
        """Tag and untag the imported read sets whose source tags changed."""
        sources = [dict(s) for s in outs.get("sources") or []]
        for _name, index, _field in changes:
            before = sources[index].get("tags") or {}
            after = dict(news["sources"][index].get("tags") or {})
            arn = sources[index].get("read_set_arn")
            if not arn:
                raise ValueError(
                    f"{progress.resource}: sources[{index}] has no read set to tag "
                    f"(status {sources[index].get('status')})"
                )
            removed = [k for k in before if k not in after]
            if removed:
                api.call("UntagResource", resourceArn=arn, tagKeys=removed)
            changed = {k: v for k, v in after.items() if before.get(k) != v}
            if changed:
                api.call("TagResource", resourceArn=arn, tags=changed)
            progress.say(
                f"updated tags of read set {sources[index].get('read_set_id')} "
                f"(set {sorted(changed)}, removed {sorted(removed)})",
                outs.get("job_id"),
            )
            sources[index]["tags"] = after
        outs["sources"] = sources

    def delete(self, api: OmicsApi, props: Mapping[str, Any], progress: Progress) -> None:
        """Keep the read sets, unless ``delete_read_sets_on_destroy``."""
        ids = [i for i in props.get("read_set_ids") or [] if i]
        store = props.get("sequence_store_id")
        if not props.get("delete_read_sets_on_destroy"):
            if ids:
                progress.say(
                    f"kept {len(ids)} read set(s) {', '.join(ids)} "
                    f"(delete_read_sets_on_destroy is false)",
                    props.get("job_id"),
                )
            return
        errors = delete_read_sets(api, str(store), ids)
        if errors:
            raise ReadSetDeletionError(progress.resource, errors)
        progress.say(f"deleted {len(ids)} read set(s) {', '.join(ids)}", props.get("job_id"))


def delete_read_sets(api: OmicsApi, store: str, ids: Sequence[str]) -> list[str]:
    """Delete read sets (BatchDeleteReadSet, as many per call as it takes); the errors it
    reported, one line each (read sets already gone are fine, not errors)."""
    errors = []
    for start in range(0, len(ids), limits.BATCH_DELETE_MAX_IDS):
        batch = list(ids[start : start + limits.BATCH_DELETE_MAX_IDS])
        answer = api.call("BatchDeleteReadSet", sequenceStoreId=store, ids=batch)
        errors += [
            f"{e.get('id')}: {e.get('code')}: {e.get('message')}"
            for e in answer.get("errors") or []
            if e.get("code") != limits.NOT_FOUND_ERROR_CODE
        ]
    return errors


class ReadSetImportJobBehaviour(JobBehaviour):
    """``ReadSetImportJob``: one import job (and its retries of failed sources).

    Destroying it keeps the imported read sets unless ``delete_read_sets_on_destroy``.
    """

    type_name = "ReadSetImportJob"
    summary = (
        "A HealthOmics read-set import job: created once, waited for, reported on refresh. "
        "Destroying it keeps the imported read sets unless ``delete_read_sets_on_destroy``. "
        "Adopt a job started elsewhere by its id ``<sequenceStoreId>/<jobId>``."
    )
    kind = ImportKind()
