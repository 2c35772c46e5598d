"""The cohort loaders as functions (:mod:`omics_resources.core.functions`): a sample sheet,
an import manifest or a list of FASTQ URIs read as ``CohortImport`` sources, by a program in
any language (YAML's ``fn::invoke``, ``omics.sourcesFromSampleSheet`` in TypeScript).

The same loaders as Python programs use, with the same errors: each problem names the file,
its line (and column, or JSON path). A program that reads the file itself passes its
``text``; else the provider reads ``path``, relative to the program's folder (where the
engine starts the provider)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from omics_resources.core.cohort import fastq_pairs, manifests, sheets
from omics_resources.core.cohort.source_files import SourceFileError
from omics_resources.core.functions import (
    Argument,
    Function,
    FunctionProblem,
    InvalidArgumentsError,
    given,
)

__all__ = ["LOADERS"]

Props = dict[str, Any]
_RESULT_LIKE: Final = ("CohortImport", "sources")
_RESULT_DOC: Final = "The sources, in file order (`sources[i]` in a later error is the i-th)."


def _from_file(name: str, load: Callable[..., list[Props]]) -> Callable[..., list[Props]]:
    """``load`` (path, text) run on the arguments, its errors as the arguments' problems."""

    def run(path: str | None = None, text: str | None = None) -> list[Props]:
        if path is None and text is None:
            raise InvalidArgumentsError(name, [FunctionProblem("path", "give path or text")])
        argument = "text" if text is not None else "path"
        try:
            return load(path if path is not None else "<text>", text=text)
        except SourceFileError as error:
            problems = [FunctionProblem(argument, f"{error.file}: {p}") for p in error.problems]
            raise InvalidArgumentsError(name, problems) from None
        except OSError as error:
            reason = f"cannot read {path!r}: {error.strerror or error}"
            raise InvalidArgumentsError(name, [FunctionProblem("path", reason)]) from None

    return run


def _pairs(**arguments: Any) -> list[Props]:
    values: Mapping[str, Any] = given(arguments)
    try:
        return fastq_pairs.sources_from_fastq_pairs(
            values.get("uris") or [],
            subject_id=str(values.get("subject_id", "")),
            generated_from=values.get("generated_from"),
            description=values.get("description"),
            tags=values.get("tags"),
        )
    except fastq_pairs.FastqPairingError as error:
        problems = [FunctionProblem("uris", f"{u.uri}: {u.reason}") for u in error.unpaired]
        raise InvalidArgumentsError("sources_from_fastq_pairs", problems) from None


_FILE_ARGUMENTS: Final = (
    Argument(
        "path",
        "The file, relative to the program's folder; with ``text``, only its name (in errors).",
    ),
    Argument("text", "The file's text, for a program that read it (else ``path`` is read)."),
)

#: Every loader, by name.
LOADERS: Final = (
    Function(
        "sources_from_sample_sheet",
        "A CSV or TSV sample sheet's rows as a cohort's sources (columns: the source "
        "fields in snake_case and ``tag:<key>``); every bad row is named by line and column.",
        _FILE_ARGUMENTS,
        "sources",
        _RESULT_DOC,
        _RESULT_LIKE,
        _from_file("sources_from_sample_sheet", sheets.sources_from_sample_sheet),
    ),
    Function(
        "sources_from_manifest",
        "A JSON import manifest's items (the API's source items, as ``aws omics "
        "start-read-set-import-job`` takes them) as a cohort's sources; every bad item is "
        "named by JSON path, a syntax error by line and column.",
        _FILE_ARGUMENTS,
        "sources",
        _RESULT_DOC,
        _RESULT_LIKE,
        _from_file("sources_from_manifest", manifests.sources_from_manifest),
    ),
    Function(
        "sources_from_fastq_pairs",
        "FASTQ URIs paired by their R1/R2 names as a cohort's paired sources, each named "
        "by its pair's stem (the stem is its sample id); every unpaired file is named.",
        (
            Argument("uris", "The FASTQ files' S3 URIs.", kind="array", required=True),
            Argument("subject_id", "The subject of every pair.", required=True),
            Argument("generated_from", "Where the reads came from, for every pair."),
            Argument("description", "A description for every read set."),
            Argument("tags", "Tags for every read set.", kind="map"),
        ),
        "sources",
        _RESULT_DOC,
        _RESULT_LIKE,
        _pairs,
    ),
)
