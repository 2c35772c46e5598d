"""``ActiveReadSets``: "these read sets are ACTIVE", as desired state, for any number of
them (the behaviour: :mod:`omics_resources.core.active.behaviour`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from omics_resources.core import limits
from omics_resources.core.active.behaviour import ActiveReadSetsBehaviour
from omics_resources.dynamic.provider import CoreProvider
from omics_resources.dynamic.resources import args_props, resource_props

__all__ = ["ActiveReadSets", "ActiveReadSetsArgs", "ActiveReadSetsProvider"]


class ActiveReadSetsProvider(CoreProvider):
    """The dynamic provider behind :class:`ActiveReadSets` (usable directly in tests)."""

    behaviour = ActiveReadSetsBehaviour


@dataclass(frozen=True, kw_only=True)
class ActiveReadSetsArgs:
    """The inputs of an :class:`ActiveReadSets`."""

    sequence_store_id: pulumi.Input[str]
    """The sequence store holding the read sets (10 to 36 digits)."""
    read_set_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    """The read sets to keep active, any number, each listed once (e.g. a cohort's ids)."""
    wait: pulumi.Input[bool] = True
    """Wait for the activation jobs to end during ``pulumi up`` (else refresh reports)."""
    wait_timeout: pulumi.Input[float] = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    """Seconds to wait for all of them (default 12 hours); the jobs go on after it."""
    allow_partial: pulumi.Input[bool] = False
    """Report deleted or unknown read sets (and jobs COMPLETED_WITH_FAILURES) and keep the
    others active, instead of failing."""

    def to_props(self) -> dict[str, Any]:
        """The inputs as the provider sees them."""
        return args_props(self)


class ActiveReadSets(Resource, module="omics", name="ActiveReadSets"):
    """Read sets kept ACTIVE, any number of them (e.g. a cohort's).

    Create and update activate only the ARCHIVED ones, in jobs of at most 20 run side by
    side; refresh reports each read set's status, and any found ARCHIVED is drift that the
    next ``pulumi up`` repairs in place. Destroying it changes nothing.
    """

    sequence_store_id: pulumi.Output[str]
    """The sequence store."""
    read_set_ids: pulumi.Output[list[str]]
    """The read sets kept active, as declared."""
    read_set_statuses: pulumi.Output[dict[str, str]]
    """Each read set's status (ACTIVE, ACTIVATING, ARCHIVED, DELETED ...) at the last
    create, update or refresh."""
    status_counts: pulumi.Output[dict[str, int]]
    """How many read sets are in each status."""
    activation_jobs: pulumi.Output[list[dict[str, Any]]]
    """The activation jobs of the last create or update: ``job_id``, ``status``,
    ``read_set_ids``, ``creation_time``, ``completion_time``."""
    s3_uris: pulumi.Output[dict[str, str]]
    """Each ACTIVE read set's S3 URI: its folder under the store's S3 access point (its files
    are below it), for tools that read S3."""
    created_between: pulumi.Output[list[str] | None]
    """The earliest and latest creation time of the read sets (narrows later lookups)."""

    def __init__(
        self,
        resource_name: str,
        args: ActiveReadSetsArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the read sets to keep active.

        :param str resource_name: The name of the resource (unique in the stack; part of the
            derived client tokens).
        :param ActiveReadSetsArgs args: The store and the read sets.
        :param pulumi.ResourceOptions opts: Options for the resource.
        """
        props = resource_props(ActiveReadSetsBehaviour, resource_name, args.to_props())
        super().__init__(ActiveReadSetsProvider(), resource_name, props, opts)
