"""A cohort's sources from files, as ``ReadSetImportSourceArgs`` for Python programs.

The loaders, their rules and their errors are the core's
(:mod:`omics_resources.core.cohort.sheets`, :mod:`~omics_resources.core.cohort.manifests`,
:mod:`~omics_resources.core.cohort.fastq_pairs`); here each source they read becomes one
:class:`~omics_resources.dynamic.import_job.ReadSetImportSourceArgs`, in file order, so
``sources[i]`` in a later preview error is the i-th row or item of the file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec

from omics_resources.core.cohort import fastq_pairs, manifests, sheets
from omics_resources.dynamic.import_job import ReadSetImportSourceArgs

__all__ = ["sources_from_fastq_pairs", "sources_from_manifest", "sources_from_sample_sheet"]

P = ParamSpec("P")


def _as_args(
    load: Callable[P, list[dict[str, Any]]],
) -> Callable[P, list[ReadSetImportSourceArgs]]:
    """``load``, with each source it returns as a ``ReadSetImportSourceArgs`` (same name,
    parameters and docstring)."""

    @functools.wraps(load)
    def loaded(*args: P.args, **kwargs: P.kwargs) -> list[ReadSetImportSourceArgs]:
        return [ReadSetImportSourceArgs(**source) for source in load(*args, **kwargs)]

    return loaded


sources_from_sample_sheet = _as_args(sheets.sources_from_sample_sheet)
sources_from_manifest = _as_args(manifests.sources_from_manifest)
sources_from_fastq_pairs = _as_args(fastq_pairs.sources_from_fastq_pairs)
