"""``ReadSetImportJob``: read sets imported from S3 (FASTQ, BAM, CRAM, uBAM) into a store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from omics_resources.core import limits
from omics_resources.core.jobs.import_job import SOURCE_FIELD_NAMES, ReadSetImportJobBehaviour
from omics_resources.dynamic.provider import CoreProvider
from omics_resources.dynamic.resources import JobResource, args_props

__all__ = [
    "ReadSetImportJob",
    "ReadSetImportJobArgs",
    "ReadSetImportJobProvider",
    "ReadSetImportSourceArgs",
]


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
        return {n: getattr(self, n) for n in SOURCE_FIELD_NAMES if getattr(self, n) is not None}


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
        return with_source_props(args_props(self))


def with_source_props(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` with each :class:`ReadSetImportSourceArgs` of ``sources`` as a dict; anything
    else is passed on as it is (check reports it by path)."""
    sources = props.get("sources")
    if isinstance(sources, Sequence) and not isinstance(sources, str):
        props["sources"] = [
            s.to_props() if isinstance(s, ReadSetImportSourceArgs) else s for s in sources
        ]
    return props


class ReadSetImportJobProvider(CoreProvider):
    """The dynamic provider behind :class:`ReadSetImportJob` (usable directly in tests)."""

    behaviour = ReadSetImportJobBehaviour


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
