"""``ReadSetActivationJob``: archived read sets made active again.

The desired state is "these read sets are active": when a refresh finds any of them
archived again, the next ``pulumi up`` replaces the job, which re-activates them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from omics_resources.core import limits
from omics_resources.core.jobs.activation_job import ReadSetActivationJobBehaviour
from omics_resources.dynamic.provider import CoreProvider
from omics_resources.dynamic.resources import JobResource, args_props

__all__ = [
    "ReadSetActivationJob",
    "ReadSetActivationJobArgs",
    "ReadSetActivationJobProvider",
]


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


class ReadSetActivationJobProvider(CoreProvider):
    """The dynamic provider behind :class:`ReadSetActivationJob` (usable directly in tests)."""

    behaviour = ReadSetActivationJobBehaviour


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
