"""``ReadSetImportJob``: read sets imported from S3 (FASTQ, BAM, CRAM, uBAM) into a store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi

from omics_resources import limits
from omics_resources.errors import ReadSetDeletionError
from omics_resources.jobs import (
    COMMON_SETTINGS,
    ClientFactory,
    JobKind,
    JobProvider,
    Props,
    ReadSetInfo,
)
from omics_resources.progress import Progress
from omics_resources.resources import JobResource
from omics_resources.validation import Problem, SettingRule, is_unknown

__all__ = [
    "ReadSetImportJob",
    "ReadSetImportJobArgs",
    "ReadSetImportJobProvider",
    "ReadSetImportSourceArgs",
]

#: Each source property and where it goes in the API's StartReadSetImportJobSourceItem.
SOURCE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "source_file_type": ("sourceFileType",),
    "source1": ("sourceFiles", "source1"),
    "source2": ("sourceFiles", "source2"),
    "subject_id": ("subjectId",),
    "sample_id": ("sampleId",),
    "reference_arn": ("referenceArn",),
    "generated_from": ("generatedFrom",),
    "name": ("name",),
    "description": ("description",),
    "tags": ("tags",),
}
_PROPERTY_OF_API_FIELD = {path: name for name, path in SOURCE_FIELDS.items()}
# A source with no files at all lacks "sourceFiles": what the user left out is source1.
_PROPERTY_OF_API_FIELD[("sourceFiles",)] = "source1"
#: Source properties whose change needs a new job (tags are applied in place).
_SOURCE_JOB_FIELDS = tuple(name for name in SOURCE_FIELDS if name != "tags")
#: What the service reports per source, and what we call it.
_SOURCE_RESULT_FIELDS = {
    "status": "status",
    "statusMessage": "status_message",
    "readSetId": "read_set_id",
}


@dataclass(frozen=True, kw_only=True)
class ReadSetImportSourceArgs:
    """One file (or pair of files) to import as one read set."""

    source_file_type: pulumi.Input[str]
    """FASTQ, BAM, CRAM or UBAM."""
    source1: pulumi.Input[str]
    """The S3 URI of the file (``s3://bucket/key``)."""
    subject_id: pulumi.Input[str]
    """The subject the reads come from."""
    sample_id: pulumi.Input[str]
    """The sample the reads come from."""
    source2: pulumi.Input[str] | None = None
    """The S3 URI of the second file of paired-end FASTQ reads."""
    reference_arn: pulumi.Input[str] | None = None
    """The reference genome's ARN; required for BAM and CRAM."""
    generated_from: pulumi.Input[str] | None = None
    """Where the reads were generated."""
    name: pulumi.Input[str] | None = None
    """The read set's name."""
    description: pulumi.Input[str] | None = None
    """The read set's description."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Tags of the read set; changing them updates the read set in place."""

    def to_props(self) -> dict[str, Any]:
        """The source as the provider sees it (unset fields left out)."""
        return {n: getattr(self, n) for n in SOURCE_FIELDS if getattr(self, n) is not None}


@dataclass(frozen=True, kw_only=True)
class ReadSetImportJobArgs:
    """The inputs of a :class:`ReadSetImportJob`."""

    sequence_store_id: pulumi.Input[str]
    """The sequence store to import into (10 to 36 digits)."""
    role_arn: pulumi.Input[str]
    """A service role that HealthOmics assumes to read the sources from S3."""
    sources: Sequence[ReadSetImportSourceArgs | Mapping[str, Any]] | pulumi.Input[Sequence[Any]]
    """1 to 100 sources; each becomes one read set."""
    client_token: pulumi.Input[str] | None = None
    """Idempotency token; by default derived from project, stack, name and inputs."""
    wait: pulumi.Input[bool] = True
    """Wait for the job to end during ``pulumi up`` (else status comes from refresh)."""
    wait_timeout: pulumi.Input[float] = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    """Seconds to wait for the job (default 12 hours); the job goes on after it."""
    allow_partial: pulumi.Input[bool] = False
    """Accept COMPLETED_WITH_FAILURES (some sources failed) as success."""
    delete_read_sets_on_destroy: pulumi.Input[bool] = False
    """Delete the imported read sets when the resource is destroyed (default: keep them)."""

    def to_props(self) -> dict[str, Any]:
        """The inputs as the provider sees them."""
        sources: Any = self.sources
        if isinstance(sources, Sequence) and not isinstance(sources, str):
            # Anything else than a source is passed on as it is: check reports it by path.
            sources = [
                s.to_props() if isinstance(s, ReadSetImportSourceArgs) else s for s in sources
            ]
        return {
            "sequence_store_id": self.sequence_store_id,
            "role_arn": self.role_arn,
            "sources": sources,
            "client_token": self.client_token,
            "wait": self.wait,
            "wait_timeout": self.wait_timeout,
            "allow_partial": self.allow_partial,
            "delete_read_sets_on_destroy": self.delete_read_sets_on_destroy,
        }


def _source_request(source: Any) -> Any:
    if not isinstance(source, Mapping):
        return source
    item: dict[str, Any] = {}
    for name, value in source.items():
        path = SOURCE_FIELDS.get(name)
        # Unknown fields are reported by ImportKind.own_problems, with the known ones listed.
        if path is None or value is None:
            continue
        target = item
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return item


class ImportKind(JobKind):
    """StartReadSetImportJob / GetReadSetImportJob."""

    noun = "import job"
    start_operation = "StartReadSetImportJob"
    get_operation = "GetReadSetImportJob"
    replace_properties = ("role_arn",)
    settings: ClassVar[Mapping[str, SettingRule]] = {
        **COMMON_SETTINGS,
        "delete_read_sets_on_destroy": SettingRule(bool, False),
    }

    def request(self, props: Mapping[str, Any]) -> Props:
        """The StartReadSetImportJob parameters."""
        sources = props.get("sources")
        if isinstance(sources, list):
            sources = [_source_request(s) for s in sources]
        request = {
            "sequenceStoreId": props.get("sequence_store_id"),
            "roleArn": props.get("role_arn"),
            "sources": sources,
        }
        return {k: v for k, v in request.items() if v is not None}

    def property_path(self, api_path: tuple[str | int, ...]) -> str:
        """``("sources", 3, "sourceFiles", "source1")`` -> ``sources[3].source1``."""
        head, *rest = api_path
        top = {
            "sequenceStoreId": "sequence_store_id",
            "roleArn": "role_arn",
            "clientToken": "client_token",
            "sources": "sources",
        }
        path = top.get(str(head), str(head))
        if head != "sources" or not rest:
            return path
        index, *field = rest
        path = f"{path}[{index}]"
        for width in (2, 1):
            name = _PROPERTY_OF_API_FIELD.get(tuple(str(f) for f in field[:width]))
            if name is not None:
                extra = "".join(f"[{str(f)!r}]" for f in field[width:])
                return f"{path}.{name}{extra}"
        return ".".join([path, *(str(f) for f in field)])

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
                if name not in SOURCE_FIELDS:
                    found.append(
                        Problem(
                            f"{at}.{name}",
                            source[name],
                            f"is not a source field (known: {', '.join(SOURCE_FIELDS)})",
                        )
                    )
            file_type = source.get("source_file_type")
            if not isinstance(file_type, str) or is_unknown(file_type):
                continue
            if (
                source.get("source2") is not None
                and file_type not in limits.FILE_TYPES_WITH_SOURCE2
            ):
                found.append(
                    Problem(
                        f"{at}.source2",
                        source["source2"],
                        f"is only allowed for FASTQ sources (paired-end reads), not {file_type}",
                    )
                )
            if (
                file_type in limits.FILE_TYPES_NEEDING_REFERENCE
                and source.get("reference_arn") is None
            ):
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

    def read_set_ids(self, job: Mapping[str, Any]) -> list[str]:
        """Read set ids in source order (sources not finished yet are left out)."""
        return [s["readSetId"] for s in job.get("sources") or [] if s.get("readSetId")]

    def source_label(self, index: int, source: Mapping[str, Any]) -> str:
        """``sources[2] (s3://bucket/key)``."""
        return f"sources[{index}] ({source.get('source1')})"

    def inputs_from_job(self, job: Mapping[str, Any]) -> Props:
        """Rebuild the inputs from a GetReadSetImportJob response."""
        sources = []
        for item in job.get("sources") or []:
            source: Props = {}
            for name, path in SOURCE_FIELDS.items():
                value: Any = item
                for part in path:
                    value = value.get(part) if isinstance(value, Mapping) else None
                if value is not None:
                    source[name] = value
            sources.append(source)
        return {
            "sequence_store_id": job["sequenceStoreId"],
            "role_arn": job.get("roleArn"),
            "sources": sources,
        }

    def sources_changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """``sources`` when anything but tags differs (tags are updated in place)."""
        old, new = olds.get("sources"), news.get("sources")
        if is_unknown(new) or not isinstance(old, list) or not isinstance(new, list):
            return ["sources"] if old != new else []
        if len(old) != len(new):
            return ["sources"]
        for before, after in zip(old, new, strict=True):
            if not isinstance(after, Mapping) or any(
                is_unknown(after.get(f)) or before.get(f) != after.get(f)
                for f in _SOURCE_JOB_FIELDS
            ):
                return ["sources"]
        return []

    def in_place_changes(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """``sources[i].tags`` for each source whose tags changed."""
        old, new = olds.get("sources"), news.get("sources")
        if not isinstance(old, list) or not isinstance(new, list) or len(old) != len(new):
            return []
        return [
            f"sources[{i}].tags"
            for i, (before, after) in enumerate(zip(old, new, strict=True))
            if isinstance(after, Mapping)
            and (before.get("tags") or {}) != (after.get("tags") or {})
        ]

    def apply_update(
        self,
        client: ClientFactory,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        outs: Props,
        progress: Progress,
    ) -> None:
        """Tag and untag the imported read sets whose source tags changed."""
        sources = [dict(s) for s in outs.get("sources") or []]
        for path in self.in_place_changes(olds, news):
            index = int(path[len("sources[") : path.index("]")])
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
                client().untag_resource(resourceArn=arn, tagKeys=removed)
            changed = {k: v for k, v in after.items() if before.get(k) != v}
            if changed:
                client().tag_resource(resourceArn=arn, tags=changed)
            progress.say(
                f"updated tags of read set {sources[index].get('read_set_id')} "
                f"(set {sorted(changed)}, removed {sorted(removed)})",
                outs.get("job_id"),
            )
            sources[index]["tags"] = after
        outs["sources"] = sources

    def delete(self, client: ClientFactory, props: Mapping[str, Any], progress: Progress) -> None:
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
        errors = []
        for start in range(0, len(ids), limits.BATCH_DELETE_MAX_IDS):
            batch = ids[start : start + limits.BATCH_DELETE_MAX_IDS]
            answer = client().batch_delete_read_set(sequenceStoreId=store, ids=batch)
            errors += [
                f"{e.get('id')}: {e.get('code')}: {e.get('message')}"
                for e in answer.get("errors") or []
                if e.get("code") != limits.NOT_FOUND_ERROR_CODE
            ]
        if errors:
            raise ReadSetDeletionError(progress.resource, errors)
        progress.say(f"deleted {len(ids)} read set(s) {', '.join(ids)}", props.get("job_id"))


class ReadSetImportJobProvider(JobProvider):
    """The dynamic provider behind :class:`ReadSetImportJob` (usable directly in tests)."""

    kind = ImportKind()


class ReadSetImportJob(JobResource[ReadSetImportJobArgs], module="omics", name="ReadSetImportJob"):
    """A HealthOmics read-set import job: created once, waited for, reported on refresh.

    Destroying it keeps the imported read sets unless ``delete_read_sets_on_destroy``.
    Adopt a job started elsewhere with :meth:`get` and the id ``<sequenceStoreId>/<jobId>``.
    """

    provider_class = ReadSetImportJobProvider

    sources: pulumi.Output[list[dict[str, Any]]]
    """Per source: its inputs, ``status``, ``status_message``, ``read_set_id``, ``read_set_arn``."""
    read_set_ids: pulumi.Output[list[str]]
    """The imported read sets' ids, in source order."""
    read_set_statuses: pulumi.Output[dict[str, str]]
    """The current status of each imported read set (DELETED when gone)."""
