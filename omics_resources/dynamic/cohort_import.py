"""``CohortImport``: any number of samples as read sets of one store, updated by delta
(the behaviour: :mod:`omics_resources.core.cohort.behaviour`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from omics_resources.core import limits
from omics_resources.core.cohort import packing
from omics_resources.core.cohort.behaviour import CohortImportBehaviour
from omics_resources.core.cohort.verdict import CohortImportError
from omics_resources.dynamic.import_job import ReadSetImportSourceArgs, with_source_props
from omics_resources.dynamic.provider import CoreProvider
from omics_resources.dynamic.resources import args_props, resource_props

__all__ = ["CohortImport", "CohortImportArgs", "CohortImportError", "CohortImportProvider"]


class CohortImportProvider(CoreProvider):
    """The dynamic provider behind :class:`CohortImport` (usable directly in tests)."""

    behaviour = CohortImportBehaviour


@dataclass(frozen=True, kw_only=True)
class CohortImportArgs:
    """The inputs of a :class:`CohortImport`."""

    sequence_store_id: pulumi.Input[str]
    """The sequence store to import into (10 to 36 digits); a change replaces the cohort."""
    role_arn: pulumi.Input[str]
    """A service role HealthOmics assumes to read the sources; a change applies to new jobs."""
    sources: Sequence[ReadSetImportSourceArgs | Mapping[str, Any]] | pulumi.Input[Sequence[Any]]
    """Any number of sources, each a read set; a source's key is its ``name``, else its
    ``sample_id`` and files (see :mod:`omics_resources.core.cohort.batching`)."""
    wait: pulumi.Input[bool] = True
    """Wait for the jobs to end during ``pulumi up`` (else refresh reports them)."""
    wait_timeout: pulumi.Input[float] = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    """Seconds to wait for all jobs of one ``pulumi up`` (default 12 hours)."""
    allow_partial: pulumi.Input[bool] = False
    """Accept failed sources (listed in the outputs; the next ``pulumi up`` retries them)."""
    delete_read_sets_on_destroy: pulumi.Input[bool] = False
    """Delete every read set of the cohort when it is destroyed (default: keep them)."""
    delete_removed_read_sets: pulumi.Input[bool] = False
    """Delete the read set of a sample removed from ``sources``, or of one whose files
    changed and was imported again (default: keep them)."""

    def to_props(self) -> dict[str, Any]:
        """The inputs as the provider sees them."""
        return with_source_props(args_props(self))


class CohortImport(Resource, module="omics", name="CohortImport"):
    """A cohort of samples as read sets of one sequence store, imported in as many jobs as
    it takes and kept up to date by delta: added samples are imported, failed ones retried,
    none imported twice. Destroying it keeps the read sets unless asked."""

    read_set_ids: pulumi.Output[dict[str, str]]
    """Sample key -> its read set's id (samples with a read set)."""
    samples: pulumi.Output[dict[str, dict[str, Any]]]
    """Sample key -> ``status``, ``read_set_id``, ``job_id``, ``status_message`` (if any)."""
    s3_uris: pulumi.Output[dict[str, str]]
    """Sample key -> its read set's S3 URI, for ACTIVE read sets: the read set's folder under
    the store's S3 access point (its files are below it)."""
    jobs: pulumi.Output[dict[str, str]]
    """Import job id -> its status."""
    counts: pulumi.Output[dict[str, int]]
    """``imported``, ``failed``, ``pending``, ``deleted`` and ``duplicates`` samples."""

    def __init__(
        self, resource_name: str, args: CohortImportArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Declare the cohort.

        :param str resource_name: The name of the resource (part of every batch's token).
        :param CohortImportArgs args: The cohort's inputs.
        :param pulumi.ResourceOptions opts: Options for the resource.
        """
        props = resource_props(CohortImportBehaviour, resource_name, args.to_props())
        sources = props.get("sources")
        if isinstance(sources, list) and packing.is_plain(sources):
            props["sources"] = packing.pack(sources)  # one value through the engine, not 700k
        super().__init__(CohortImportProvider(), resource_name, props, opts)
