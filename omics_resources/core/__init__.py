"""The IaC-neutral core: every resource's behaviour, over plain data.

Nothing here imports Pulumi or the emulator (``tests/unit/core/test_boundary.py`` checks it
in a fresh interpreter). Each front-end (:mod:`omics_resources.dynamic`, and later a real
provider) maps its engine's calls onto a :class:`~omics_resources.core.resource.ResourceBehaviour`
and back. :data:`BEHAVIOURS` names every resource type's behaviour.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from omics_resources.core.resource import ResourceBehaviour

__all__ = ["BEHAVIOURS", "behaviour"]

#: Every resource type, and the module:class of its behaviour (loaded on first use).
BEHAVIOURS = {
    "ReadSetImportJob": "omics_resources.core.jobs.import_job:ReadSetImportJobBehaviour",
    "ReadSetActivationJob": (
        "omics_resources.core.jobs.activation_job:ReadSetActivationJobBehaviour"
    ),
    "CohortImport": "omics_resources.core.cohort.behaviour:CohortImportBehaviour",
    "ActiveReadSets": "omics_resources.core.active.behaviour:ActiveReadSetsBehaviour",
}


def behaviour(type_name: str) -> type[ResourceBehaviour]:
    """The behaviour class of the resource type ``type_name`` (``ReadSetImportJob``)."""
    module, _, name = BEHAVIOURS[type_name].partition(":")
    found: type[ResourceBehaviour] = getattr(importlib.import_module(module), name)
    return found
