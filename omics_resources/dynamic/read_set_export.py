"""``ReadSetExport``: read sets exported under an S3 prefix, as desired state (the
behaviour: :mod:`omics_resources.core.export.behaviour`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from omics_resources.core import limits
from omics_resources.core.export.behaviour import ReadSetExportBehaviour
from omics_resources.dynamic.provider import CoreProvider
from omics_resources.dynamic.resources import args_props, resource_props

__all__ = ["ReadSetExport", "ReadSetExportArgs", "ReadSetExportProvider"]


class ReadSetExportProvider(CoreProvider):
    """The dynamic provider behind :class:`ReadSetExport` (usable directly in tests)."""

    behaviour = ReadSetExportBehaviour


@dataclass(frozen=True, kw_only=True)
class ReadSetExportArgs:
    """The inputs of a :class:`ReadSetExport`."""

    sequence_store_id: pulumi.Input[str]
    """The sequence store holding the read sets (10 to 36 digits)."""
    destination: pulumi.Input[str]
    """Where to export: ``s3://bucket/prefix/``; each read set's files go under
    ``<destination><readSetId>/``."""
    role_arn: pulumi.Input[str]
    """The IAM role HealthOmics assumes to write to the destination."""
    read_set_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    """The read sets to export, any number, each listed once and ACTIVE."""
    wait_timeout: pulumi.Input[float] = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    """Seconds to wait for the export jobs (default 12 hours); the jobs go on after it."""
    allow_partial: pulumi.Input[bool] = False
    """Leave out read sets that are not ACTIVE and accept jobs COMPLETED_WITH_FAILURES,
    instead of failing."""
    delete_objects: pulumi.Input[bool] = False
    """Delete the exported objects when the resource is destroyed (or a read set is removed
    from it). Off by default: destroy deletes nothing."""

    def to_props(self) -> dict[str, Any]:
        """The inputs as the provider sees them."""
        return args_props(self)


class ReadSetExport(Resource, module="omics", name="ReadSetExport"):
    """Read sets exported to an S3 prefix, any number of them, as desired state.

    Create exports them in jobs of at most 100 run side by side; refresh checks that the
    exported objects still exist and reports the missing ones as drift, which the next
    ``pulumi up`` repairs by exporting only their read sets. Read sets must be ACTIVE.
    Destroying it deletes nothing unless ``delete_objects`` is set.
    """

    object_uris: pulumi.Output[dict[str, list[str]]]
    """Each read set's exported objects (S3 URIs, sorted), by read set id, as found after
    the last create, update or refresh."""
    missing_objects: pulumi.Output[list[str]]
    """Exported objects the last refresh did not find (drift: the next ``pulumi up``
    exports their read sets again)."""
    export_jobs: pulumi.Output[list[dict[str, Any]]]
    """Every export job of the resource, oldest first: ``job_id``, ``status``,
    ``read_set_ids``, ``creation_time``, ``completion_time``."""

    def __init__(
        self,
        resource_name: str,
        args: ReadSetExportArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the read sets to export.

        :param str resource_name: The name of the resource (unique in the stack; part of the
            derived client tokens).
        :param ReadSetExportArgs args: The store, the destination, the role and the read sets.
        :param pulumi.ResourceOptions opts: Options for the resource.
        """
        props = resource_props(ReadSetExportBehaviour, resource_name, args.to_props())
        super().__init__(ReadSetExportProvider(), resource_name, props, opts)
