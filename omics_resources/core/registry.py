"""Every resource type the core serves, and its behaviour: what a front-end that serves
types by name (a real provider) looks up."""

from __future__ import annotations

import importlib

from omics_resources.core.functions import Function
from omics_resources.core.resource import ResourceBehaviour

__all__ = ["BEHAVIOURS", "FUNCTION_TABLES", "behaviour", "functions"]

#: Every resource type, and the module:class of its behaviour (loaded on first use).
BEHAVIOURS = {
    "ReadSetImportJob": "omics_resources.core.jobs.import_job:ReadSetImportJobBehaviour",
    "ReadSetActivationJob": (
        "omics_resources.core.jobs.activation_job:ReadSetActivationJobBehaviour"
    ),
    "CohortImport": "omics_resources.core.cohort.behaviour:CohortImportBehaviour",
    "ActiveReadSets": "omics_resources.core.active.behaviour:ActiveReadSetsBehaviour",
    "ReadSetUpload": "omics_resources.core.upload.behaviour:ReadSetUploadBehaviour",
    "ReadSetExport": "omics_resources.core.export.behaviour:ReadSetExportBehaviour",
    "ReferenceImportJob": (
        "omics_resources.core.jobs.reference_import:ReferenceImportJobBehaviour"
    ),
}


#: Every table of functions (module:name of a tuple of them), loaded on first use.
FUNCTION_TABLES = ("omics_resources.core.cohort.loaders:LOADERS",)


def functions() -> dict[str, Function]:
    """Every function a front-end serves besides the resources, by snake_case name."""
    found: dict[str, Function] = {}
    for table in FUNCTION_TABLES:
        module, _, name = table.partition(":")
        for function in getattr(importlib.import_module(module), name):
            found[function.name] = function
    return found


def behaviour(type_name: str) -> type[ResourceBehaviour]:
    """The behaviour class of the resource type ``type_name`` (``ReadSetImportJob``)."""
    module, _, name = BEHAVIOURS[type_name].partition(":")
    found = getattr(importlib.import_module(module), name)
    if not (isinstance(found, type) and issubclass(found, ResourceBehaviour)):
        raise TypeError(f"{BEHAVIOURS[type_name]} is not a ResourceBehaviour")
    return found
