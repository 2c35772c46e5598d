"""omics-resources: Pulumi resources for AWS HealthOmics read-set import and activation jobs.

``ReadSetImportJob`` imports FASTQ, BAM, CRAM and uBAM files from S3 into a sequence store;
``ReadSetActivationJob`` makes archived read sets active again. Both validate at preview,
start their job exactly once, wait for it, and report its status on refresh.

The public names are loaded on first use (PEP 562), so importing a submodule runs only
what that submodule needs: ``omics_resources.emulator`` (an extra, for tests and the demo)
never loads the Pulumi SDK, and the resources never load the emulator's S3 mock. The
behaviour lives in :mod:`omics_resources.core` (no Pulumi); these names are the Python
front-end's (:mod:`omics_resources.dynamic`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from omics_resources.core.cohort.fastq_pairs import FastqPairingError, pair_fastq_uris
    from omics_resources.core.cohort.source_files import SourceFileError
    from omics_resources.core.cohort.verdict import CohortImportError
    from omics_resources.core.errors import (
        InvalidInputError,
        JobFailedError,
        JobStillRunningError,
        JobWaitCancelledError,
        OmicsResourceError,
        ReadSetDeletionError,
    )
    from omics_resources.dynamic.activation_job import (
        ReadSetActivationJob,
        ReadSetActivationJobArgs,
        ReadSetActivationJobProvider,
    )
    from omics_resources.dynamic.active_read_sets import (
        ActiveReadSets,
        ActiveReadSetsArgs,
        ActiveReadSetsProvider,
    )
    from omics_resources.dynamic.cohort_import import (
        CohortImport,
        CohortImportArgs,
        CohortImportProvider,
    )
    from omics_resources.dynamic.import_job import (
        ReadSetImportJob,
        ReadSetImportJobArgs,
        ReadSetImportJobProvider,
        ReadSetImportSourceArgs,
    )
    from omics_resources.dynamic.read_set_export import (
        ReadSetExport,
        ReadSetExportArgs,
        ReadSetExportProvider,
    )
    from omics_resources.dynamic.read_set_upload import (
        ReadSetUpload,
        ReadSetUploadArgs,
        ReadSetUploadProvider,
    )
    from omics_resources.dynamic.reference_import_job import (
        ReferenceImportJob,
        ReferenceImportJobArgs,
        ReferenceImportJobProvider,
        ReferenceSourceArgs,
    )
    from omics_resources.dynamic.sources import (
        sources_from_fastq_pairs,
        sources_from_manifest,
        sources_from_sample_sheet,
    )

__all__ = [
    "ActiveReadSets",
    "ActiveReadSetsArgs",
    "ActiveReadSetsProvider",
    "CohortImport",
    "CohortImportArgs",
    "CohortImportError",
    "CohortImportProvider",
    "FastqPairingError",
    "InvalidInputError",
    "JobFailedError",
    "JobStillRunningError",
    "JobWaitCancelledError",
    "OmicsResourceError",
    "ReadSetActivationJob",
    "ReadSetActivationJobArgs",
    "ReadSetActivationJobProvider",
    "ReadSetDeletionError",
    "ReadSetExport",
    "ReadSetExportArgs",
    "ReadSetExportProvider",
    "ReadSetImportJob",
    "ReadSetImportJobArgs",
    "ReadSetImportJobProvider",
    "ReadSetImportSourceArgs",
    "ReadSetUpload",
    "ReadSetUploadArgs",
    "ReadSetUploadProvider",
    "ReferenceImportJob",
    "ReferenceImportJobArgs",
    "ReferenceImportJobProvider",
    "ReferenceSourceArgs",
    "SourceFileError",
    "pair_fastq_uris",
    "sources_from_fastq_pairs",
    "sources_from_manifest",
    "sources_from_sample_sheet",
]

#: The submodule that defines each public name (the imports above, for type checkers).
_HOME = {
    "ActiveReadSets": "dynamic.active_read_sets",
    "ActiveReadSetsArgs": "dynamic.active_read_sets",
    "ActiveReadSetsProvider": "dynamic.active_read_sets",
    "CohortImport": "dynamic.cohort_import",
    "CohortImportArgs": "dynamic.cohort_import",
    "CohortImportError": "core.cohort.verdict",
    "CohortImportProvider": "dynamic.cohort_import",
    "FastqPairingError": "core.cohort.fastq_pairs",
    "SourceFileError": "core.cohort.source_files",
    "pair_fastq_uris": "core.cohort.fastq_pairs",
    "sources_from_fastq_pairs": "dynamic.sources",
    "sources_from_manifest": "dynamic.sources",
    "sources_from_sample_sheet": "dynamic.sources",
    "InvalidInputError": "core.errors",
    "JobFailedError": "core.errors",
    "JobStillRunningError": "core.errors",
    "JobWaitCancelledError": "core.errors",
    "OmicsResourceError": "core.errors",
    "ReadSetDeletionError": "core.errors",
    "ReadSetActivationJob": "dynamic.activation_job",
    "ReadSetActivationJobArgs": "dynamic.activation_job",
    "ReadSetActivationJobProvider": "dynamic.activation_job",
    "ReadSetExport": "dynamic.read_set_export",
    "ReadSetExportArgs": "dynamic.read_set_export",
    "ReadSetExportProvider": "dynamic.read_set_export",
    "ReadSetImportJob": "dynamic.import_job",
    "ReadSetImportJobArgs": "dynamic.import_job",
    "ReadSetImportJobProvider": "dynamic.import_job",
    "ReadSetImportSourceArgs": "dynamic.import_job",
    "ReadSetUpload": "dynamic.read_set_upload",
    "ReadSetUploadArgs": "dynamic.read_set_upload",
    "ReadSetUploadProvider": "dynamic.read_set_upload",
    "ReferenceImportJob": "dynamic.reference_import_job",
    "ReferenceImportJobArgs": "dynamic.reference_import_job",
    "ReferenceImportJobProvider": "dynamic.reference_import_job",
    "ReferenceSourceArgs": "dynamic.reference_import_job",
}


def __getattr__(name: str) -> Any:
    """Load a public name from its submodule on first access (then it is a plain global)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's own globals plus the public names not loaded yet."""
    return sorted({*globals(), *__all__})
