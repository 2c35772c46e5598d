"""A cohort's sources from files, as ``ReadSetImportSourceArgs`` for Python programs.

The loaders and their rules are the core's (:mod:`omics_resources.core.cohort.sheets`,
:mod:`~omics_resources.core.cohort.manifests`,
:mod:`~omics_resources.core.cohort.fastq_pairs`); each source they read becomes one
:class:`~omics_resources.dynamic.import_job.ReadSetImportSourceArgs`, in file order, so
``sources[i]`` in a later preview error is the i-th row or item of the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

from omics_resources.core.cohort import fastq_pairs, manifests, sheets
from omics_resources.dynamic.import_job import ReadSetImportSourceArgs

__all__ = ["sources_from_fastq_pairs", "sources_from_manifest", "sources_from_sample_sheet"]


def sources_from_sample_sheet(path: str | os.PathLike[str]) -> list[ReadSetImportSourceArgs]:
    """The sources of a CSV or TSV sample sheet, one per row (columns: see
    :mod:`omics_resources.core.cohort.source_files`).

    Raises :class:`~omics_resources.core.cohort.source_files.SourceFileError` listing every
    bad row (line, column, what is wrong).
    """
    return [ReadSetImportSourceArgs(**s) for s in sheets.sources_from_sample_sheet(path)]


def sources_from_manifest(path: str | os.PathLike[str]) -> list[ReadSetImportSourceArgs]:
    """The sources of a JSON import manifest (an array of the API's source items, or an
    object with them under ``sources``).

    Raises :class:`~omics_resources.core.cohort.source_files.SourceFileError` listing every
    bad item by JSON path (``[12].sourceFiles.source1``), or the line and column of a JSON
    syntax error.
    """
    return [ReadSetImportSourceArgs(**s) for s in manifests.sources_from_manifest(path)]


def sources_from_fastq_pairs(
    uris: Iterable[str],
    *,
    subject_id: str | Callable[[str], str],
    sample_id: Callable[[str], str] | None = None,
    generated_from: str | None = None,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> list[ReadSetImportSourceArgs]:
    """One paired FASTQ source per pair of
    :func:`~omics_resources.core.cohort.fastq_pairs.pair_fastq_uris`, named by the pair's
    stem (so the stem is its key). ``subject_id`` is one subject for all, or a function of
    the stem; ``sample_id`` a function of the stem (default: the stem itself). Raises
    :class:`~omics_resources.core.cohort.fastq_pairs.FastqPairingError` if any file is left
    unpaired."""
    found = fastq_pairs.sources_from_fastq_pairs(
        uris,
        subject_id=subject_id,
        sample_id=sample_id,
        generated_from=generated_from,
        description=description,
        tags=tags,
    )
    return [ReadSetImportSourceArgs(**s) for s in found]
