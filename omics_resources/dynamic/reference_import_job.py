"""``ReferenceImportJob``: reference genomes imported into a reference store, by name (the
behaviour: :mod:`omics_resources.core.jobs.reference_import`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from omics_resources.core import limits
from omics_resources.core.jobs.reference_import import (
    REFERENCE_FIELD_NAMES,
    ReferenceImportJobBehaviour,
)
from omics_resources.dynamic.provider import CoreProvider
from omics_resources.dynamic.resources import args_props, resource_props

__all__ = [
    "ReferenceImportJob",
    "ReferenceImportJobArgs",
    "ReferenceImportJobProvider",
    "ReferenceSourceArgs",
]


@dataclass(frozen=True, kw_only=True)
class ReferenceSourceArgs:
    """One reference genome to import: a FASTA file in S3, and its name."""

    name: pulumi.Input[str]
    """The reference's name (3 to 255 characters, unique in the resource); its key in
    ``reference_ids`` and ``reference_arns``."""
    source_file: pulumi.Input[str]
    """The S3 URI of the FASTA file (s3://b/k)."""
    description: pulumi.Input[str] | None = None
    """The reference's description."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Tags of the reference."""

    def to_props(self) -> dict[str, Any]:
        """The reference as the provider sees it (unset fields left out)."""
        return {n: getattr(self, n) for n in REFERENCE_FIELD_NAMES if getattr(self, n) is not None}


@dataclass(frozen=True, kw_only=True)
class ReferenceImportJobArgs:
    """The inputs of a :class:`ReferenceImportJob`."""

    reference_store_id: pulumi.Input[str]
    """The reference store to import into (10 to 36 digits)."""
    role_arn: pulumi.Input[str]
    """A service role that HealthOmics assumes to read the FASTA files from S3."""
    references: Sequence[ReferenceSourceArgs | Mapping[str, Any]] | pulumi.Input[Sequence[Any]]
    """The references to import, one or more; imported in jobs of up to 100, one after
    another (a store imports one job at a time)."""
    wait_timeout: pulumi.Input[float] = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    """Seconds to wait for the import jobs (default 12 hours), queueing included; a job
    goes on after it."""
    allow_partial: pulumi.Input[bool] = False
    """Accept COMPLETED_WITH_FAILURES (some references failed) as success."""

    def to_props(self) -> dict[str, Any]:
        """The inputs as the provider sees them."""
        props = args_props(self)
        references = props.get("references")
        if isinstance(references, Sequence) and not isinstance(references, str):
            props["references"] = [
                r.to_props() if isinstance(r, ReferenceSourceArgs) else r for r in references
            ]
        return props


class ReferenceImportJobProvider(CoreProvider):
    """The dynamic provider behind :class:`ReferenceImportJob` (usable directly in tests)."""

    behaviour = ReferenceImportJobBehaviour


class ReferenceImportJob(Resource, module="omics", name="ReferenceImportJob"):
    """HealthOmics reference import jobs: any number of reference genomes (FASTA) imported
    from S3 into a reference store, in jobs of up to 100 run one after another; a second
    resource's jobs for the same store queue. Destroying it keeps the references.

    ``reference_arns[name]`` is what a cohort row's ``reference_arn`` takes, in the same stack.
    """

    reference_store_id: pulumi.Output[str]
    """The reference store."""
    job_ids: pulumi.Output[list[str]]
    """Every import job of the resource, oldest first."""
    status: pulumi.Output[str]
    """COMPLETED when every job did (else the first other status)."""
    results: pulumi.Output[list[dict[str, Any]]]
    """Per reference, in declaration order: its inputs, ``status``, ``status_message``,
    ``reference_id``, ``reference_arn``, ``job_id``."""
    reference_ids: pulumi.Output[dict[str, str]]
    """Each imported reference's id, by name."""
    reference_arns: pulumi.Output[dict[str, str]]
    """Each imported reference's ARN, by name (a cohort row's ``reference_arn``)."""
    reference_statuses: pulumi.Output[dict[str, str]]
    """Each imported reference's current status, by name (DELETED when gone)."""

    def __init__(
        self,
        resource_name: str,
        args: ReferenceImportJobArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the references to import.

        :param str resource_name: The name of the resource (unique in the stack; part of the
            derived client tokens).
        :param ReferenceImportJobArgs args: The store, the role and the references.
        :param pulumi.ResourceOptions opts: Options for the resource.
        """
        props = resource_props(ReferenceImportJobBehaviour, resource_name, args.to_props())
        super().__init__(ReferenceImportJobProvider(), resource_name, props, opts)
