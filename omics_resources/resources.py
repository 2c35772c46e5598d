"""What the Resource classes hand to the provider besides the user's inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from omics_resources.jobs import SCOPE_PROPERTY

__all__ = ["OUTPUT_NAMES", "job_props"]

#: Outputs of both resources. Each needs a key in the props given to the SDK, or it is not
#: an attribute of the resource object.
OUTPUT_NAMES = (
    "job_id",
    "sequence_store_id",
    "status",
    "status_message",
    "creation_time",
    "completion_time",
    "sources",
    "read_set_ids",
    "read_set_statuses",
)


def job_props(resource_name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The props of a job resource: its inputs, output placeholders, and the scope that
    client tokens are derived from (inside the provider, ``pulumi.get_stack()`` is not
    the real stack, so the program passes it in)."""
    props: dict[str, Any] = dict.fromkeys(OUTPUT_NAMES)
    props.update(inputs)
    props[SCOPE_PROPERTY] = {
        "project": pulumi.get_project(),
        "stack": pulumi.get_stack(),
        "resource_name": resource_name,
    }
    return props
