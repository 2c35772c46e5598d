"""omics-resources: Pulumi resources for AWS HealthOmics read-set import and activation jobs.

``ReadSetImportJob`` imports FASTQ, BAM, CRAM and uBAM files from S3 into a sequence store;
``ReadSetActivationJob`` makes archived read sets active again. Both validate at preview,
start their job exactly once, wait for it, and report its status on refresh.

The public names are loaded on first use (PEP 562), so importing a submodule runs only
what that submodule needs: ``omics_resources.emulator`` (an extra, for tests and the demo)
never loads the Pulumi SDK, and the resources never load the emulator's S3 mock.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from omics_resources.activation_job import (
        ReadSetActivationJob,
        ReadSetActivationJobArgs,
        ReadSetActivationJobProvider,
    )
    from omics_resources.active_read_sets import (
        ActiveReadSets,
        ActiveReadSetsArgs,
        ActiveReadSetsProvider,
    )
    from omics_resources.cohort_import import (
        CohortImport,
        CohortImportArgs,
        CohortImportError,
        CohortImportProvider,
    )
    from omics_resources.cohort_sources import (
        FastqPairingError,
        SourceFileError,
        pair_fastq_uris,
        sources_from_fastq_pairs,
        sources_from_manifest,
        sources_from_sample_sheet,
    )
    from omics_resources.errors import (
        InvalidInputError,
        JobFailedError,
        JobStillRunningError,
        JobWaitCancelledError,
        OmicsResourceError,
        ReadSetDeletionError,
    )
    from omics_resources.import_job import (
        ReadSetImportJob,
        ReadSetImportJobArgs,
        ReadSetImportJobProvider,
        ReadSetImportSourceArgs,
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
    "ReadSetImportJob",
    "ReadSetImportJobArgs",
    "ReadSetImportJobProvider",
    "ReadSetImportSourceArgs",
    "SourceFileError",
    "pair_fastq_uris",
    "sources_from_fastq_pairs",
    "sources_from_manifest",
    "sources_from_sample_sheet",
]

#: The submodule that defines each public name (the imports above, for type checkers).
_HOME = {
    "ActiveReadSets": "active_read_sets",
    "ActiveReadSetsArgs": "active_read_sets",
    "ActiveReadSetsProvider": "active_read_sets",
    "CohortImport": "cohort_import",
    "CohortImportArgs": "cohort_import",
    "CohortImportError": "cohort_import",
    "CohortImportProvider": "cohort_import",
    "FastqPairingError": "cohort_sources",
    "SourceFileError": "cohort_sources",
    "pair_fastq_uris": "cohort_sources",
    "sources_from_fastq_pairs": "cohort_sources",
    "sources_from_manifest": "cohort_sources",
    "sources_from_sample_sheet": "cohort_sources",
    "InvalidInputError": "errors",
    "JobFailedError": "errors",
    "JobStillRunningError": "errors",
    "JobWaitCancelledError": "errors",
    "OmicsResourceError": "errors",
    "ReadSetDeletionError": "errors",
    "ReadSetActivationJob": "activation_job",
    "ReadSetActivationJobArgs": "activation_job",
    "ReadSetActivationJobProvider": "activation_job",
    "ReadSetImportJob": "import_job",
    "ReadSetImportJobArgs": "import_job",
    "ReadSetImportJobProvider": "import_job",
    "ReadSetImportSourceArgs": "import_job",
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
