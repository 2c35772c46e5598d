"""A cohort's sources from files: sample sheets (CSV, TSV) and import manifests (JSON).

Both loaders run in the Pulumi program (plain Python: no AWS call, no Pulumi engine) and
return ``list[ReadSetImportSourceArgs]`` in file order, so ``sources[i]`` in a later
preview error is the i-th source row or item of the file (blank and comment lines do not
count). They check the structure only (columns, types, required fields); the service's
own rules (patterns, lengths, file types) are checked at ``pulumi preview``. Every problem
in the file is reported at once, as a :class:`SourceFileError` naming the file, the line
(sheets) or JSON path (manifests), and the column.

Sample sheet columns
--------------------
One header row, then one source (one read set) per row. The delimiter is a comma for
``.csv`` files and a tab for ``.tsv`` and ``.tab`` files; for any other name it is the tab
if the header line has one, else the comma. Quoting follows the CSV rules (a cell with the
delimiter, a quote or a newline in it is quoted). UTF-8, with or without a byte-order mark.

==================  ==============  ========  ===========================================
column              alias           required  value
==================  ==============  ========  ===========================================
source_file_type    sourceFileType  yes       FASTQ, BAM, CRAM or UBAM
source1                             yes       S3 URI of the file (``s3://bucket/key``)
source2                             no        S3 URI of the second file of paired FASTQ
subject_id          subjectId       yes       the subject the reads come from
sample_id           sampleId        yes       the sample the reads come from
reference_arn       referenceArn    no        reference genome ARN (BAM and CRAM need one)
generated_from      generatedFrom   no        where the reads were generated
name                                no        the read set's name (and the source's key)
description                         no        the read set's description
tag:<key>                           no        the value of the read set's tag ``<key>``
==================  ==============  ========  ===========================================

- Column names are the source field names; the API's camelCase member names are accepted
  as aliases, so a sheet written for the AWS CLI or console reads as is. A column may
  appear once (a name and its alias count as the same column).
- Columns may come in any order; an unknown column is an error that lists the known ones,
  so a typo never drops a field silently.
- Cells are stripped of surrounding spaces; an empty cell leaves the field unset (a tag
  column left empty sets no tag on that row, so an empty tag value needs a manifest).
- Blank lines, rows of empty cells, and lines whose first non-blank character is ``#``
  (outside a quoted cell) are skipped, before or after the header.

Manifests
---------
The JSON that ``aws omics start-read-set-import-job --sources file://...`` takes: an array
of ``StartReadSetImportJobSourceItem`` objects, in the API's camelCase (``sourceFileType``,
``sourceFiles.source1``, ``sourceFiles.source2``, ``subjectId``, ``sampleId``,
``referenceArn``, ``generatedFrom``, ``name``, ``description``, ``tags``), or the whole
request, an object with that array under ``sources`` (its ``sequenceStoreId``, ``roleArn``
and ``clientToken`` are not sources, and are ignored: the resource takes them as arguments).
A ``null`` member counts as unset. The field names come from botocore's model of the API.

FASTQ pairs
-----------
:func:`pair_fastq_uris` pairs the R1 and R2 files of paired-end FASTQ reads by name: a read
marker ``R1``/``R2`` between ``_`` or ``.`` separators (``S1_R1.fq``, ``S1.R1.fastq.gz``,
Illumina's ``S1_S1_L001_R1_001.fastq.gz``, ``S1_R1.trimmed.fq``), else ``_1``/``_2`` ending the
name (SRA's ``SRR1_1.fastq``); ``.fastq`` or ``.fq``, optionally ``.gz``. Mates sit in the
same folder and their names differ only in the read number (and maybe the extension); each
lane is its own pair (one read set).
What it cannot pair for certain it reports, with the reason, and never guesses: an R1
without its R2 and the reverse, several candidates for one mate (``x_R1.fastq`` next to
``x_R1.fastq.gz``), a name with no marker or with several.

This module holds the three ways a user's files become sources (one job), so it is longer
than our usual 400 lines.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Final, NamedTuple

from botocore.model import MapShape, StructureShape

from omics_resources.import_job import ReadSetImportSourceArgs
from omics_resources.service_model import operation_model

__all__ = [
    "REQUIRED_SHEET_COLUMNS",
    "SHEET_COLUMNS",
    "TAG_COLUMN_PREFIX",
    "FastqPair",
    "FastqPairingError",
    "PairingResult",
    "SourceFileError",
    "SourceProblem",
    "UnpairedFile",
    "pair_fastq_uris",
    "sources_from_fastq_pairs",
    "sources_from_manifest",
    "sources_from_sample_sheet",
]

#: The prefix of a sample sheet's tag columns: ``tag:project`` holds the tag ``project``.
TAG_COLUMN_PREFIX: Final = "tag:"
#: How many problems an error message lists (all of them are in ``SourceFileError.problems``).
_SHOWN_PROBLEMS = 20
_IMPORT_OPERATION = "StartReadSetImportJob"


@dataclass(frozen=True)
class _Field:
    name: str  # the ReadSetImportSourceArgs keyword, also the sheet column
    api_path: tuple[str, ...]  # where it sits in a StartReadSetImportJobSourceItem
    required: bool
    is_map: bool


def _snake(api_name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", api_name).lower()


def _source_item_shape() -> StructureShape:
    shape = operation_model(_IMPORT_OPERATION).input_shape
    assert shape is not None
    item = shape.members["sources"].member  # type: ignore[attr-defined]
    assert isinstance(item, StructureShape)
    return item


def _fields() -> tuple[_Field, ...]:
    """Each source field, read from the API's source item: nested structures (sourceFiles)
    flatten into their members, as ReadSetImportSourceArgs has them."""
    order = [f.name for f in dataclasses.fields(ReadSetImportSourceArgs)]
    found: list[_Field] = []

    def walk(shape: StructureShape, prefix: tuple[str, ...], required: bool) -> None:
        for member, sub in shape.members.items():
            path = (*prefix, member)
            needed = required and member in shape.required_members
            if isinstance(sub, StructureShape):
                walk(sub, path, needed)
            elif _snake(member) in order:
                found.append(_Field(_snake(member), path, needed, isinstance(sub, MapShape)))

    walk(_source_item_shape(), (), True)
    return tuple(sorted(found, key=lambda f: order.index(f.name)))


_FIELDS: Final = _fields()
_FIELD_BY_API_PATH: Final = {f.api_path: f for f in _FIELDS}
#: A sample sheet's columns (besides ``tag:<key>``), in ReadSetImportSourceArgs' order.
SHEET_COLUMNS: Final = tuple(f.name for f in _FIELDS if not f.is_map)
#: The columns every sample sheet needs.
REQUIRED_SHEET_COLUMNS: Final = tuple(f.name for f in _FIELDS if f.required)
_COLUMN_BY_HEADER: Final = {
    **{f.api_path[-1]: f for f in _FIELDS if not f.is_map},
    **{f.name: f for f in _FIELDS if not f.is_map},
}
_TAGS_FIELD: Final = next(f.name for f in _FIELDS if f.is_map)
_DELIMITER_BY_SUFFIX: Final = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


@dataclass(frozen=True)
class SourceProblem:
    """One reason a sheet row or manifest item is not a source.

    ``line`` is the 1-based line in the file (sheets; JSON syntax errors), ``index`` the
    source's position in the loaded list, ``column`` the sheet column's header as written,
    ``path`` the JSON path in a manifest (``[12].sourceFiles.source1``).
    """

    message: str
    line: int | None = None
    index: int | None = None
    column: str | None = None
    path: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else ""
        if self.index is not None and self.path is None:
            where = f"{where} (sources[{self.index}])".lstrip()
        column = f"column {self.column!r}" if self.column is not None else None
        parts = [part for part in (where, column, self.path) if part]
        return f"{', '.join(parts)}: {self.message}" if parts else self.message


class SourceFileError(ValueError):
    """A sample sheet or manifest that does not read as sources: ``file`` and every
    ``problems`` entry (line or JSON path, column, what is wrong)."""

    def __init__(self, file: str, problems: Sequence[SourceProblem]) -> None:
        self.file = file
        self.problems = tuple(problems)
        shown = [f"  {p}" for p in self.problems[:_SHOWN_PROBLEMS]]
        if len(self.problems) > _SHOWN_PROBLEMS:
            shown.append(f"  ... and {len(self.problems) - _SHOWN_PROBLEMS} more")
        count = len(self.problems)
        super().__init__(f"{file}: {count} problem{'s' * (count != 1)}:\n" + "\n".join(shown))


# --- sample sheets -------------------------------------------------------------------


class _Records:
    """The file's lines for ``csv.reader``: blank and comment lines between records are
    skipped (never inside a quoted cell), and ``line`` is where the last record began."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines = enumerate(stream, start=1)
        self.at_record_start = True
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        for number, text in self._lines:
            if self.at_record_start:
                stripped = text.strip()
                if not stripped or stripped.startswith("#"):
                    continue
                self.at_record_start = False
                self.line = number
            return text
        raise StopIteration


@dataclass(frozen=True)
class _Column:
    header: str  # as written
    field: _Field | None  # None: a tag column
    tag: str | None = None


def _header_columns(file: str, line: int, cells: list[str]) -> list[_Column | None]:
    """The column of each header cell (None: a nameless column, which must stay empty)."""
    problems: list[SourceProblem] = []
    columns: list[_Column | None] = []
    seen: dict[str, str] = {}
    known = ", ".join([*SHEET_COLUMNS, f"{TAG_COLUMN_PREFIX}<key>"])
    for raw in cells:
        header = raw.strip()
        column: _Column | None = None
        if header.startswith(TAG_COLUMN_PREFIX):
            key = header[len(TAG_COLUMN_PREFIX) :]
            column = _Column(header, None, key)
            if not key:
                problems.append(SourceProblem("a tag column needs a key: tag:<key>", line))
        elif header in _COLUMN_BY_HEADER:
            column = _Column(header, _COLUMN_BY_HEADER[header])
        elif header:
            problems.append(
                SourceProblem(f"is not a known column (known: {known})", line, column=header)
            )
        identity = None if column is None else (column.field.name if column.field else header)
        if identity is not None and identity in seen:
            problems.append(
                SourceProblem(
                    f"repeats the column {seen[identity]!r}; give each column once",
                    line,
                    column=header,
                )
            )
        elif identity is not None:
            seen[identity] = header
        columns.append(column)
    present = {c.field.name for c in columns if c is not None and c.field is not None}
    missing = [name for name in REQUIRED_SHEET_COLUMNS if name not in present]
    if missing:
        problems.append(
            SourceProblem(
                f"the header lacks the required column{'s' * (len(missing) > 1)} "
                f"{', '.join(missing)} (required: {', '.join(REQUIRED_SHEET_COLUMNS)})",
                line,
            )
        )
    if problems:
        raise SourceFileError(file, problems)
    return columns


def _row_source(
    columns: Sequence[_Column | None], cells: list[str], line: int, index: int
) -> tuple[ReadSetImportSourceArgs | None, list[SourceProblem]]:
    problems: list[SourceProblem] = []
    values: dict[str, Any] = {}
    tags: dict[str, str] = {}
    for position, raw in enumerate(cells):
        value = raw.strip()
        if not value:
            continue
        column = columns[position] if position < len(columns) else None
        if column is None:
            problems.append(
                SourceProblem(
                    f"cell {position + 1} has a value ({value!r}) but no column header "
                    f"(the header has {len(columns)} cells)",
                    line,
                    index,
                )
            )
        elif column.field is None:
            tags[str(column.tag)] = value
        else:
            values[column.field.name] = value
    problems += [
        SourceProblem(f"is empty; {c.field.name} is required", line, index, c.header)
        for c in columns
        if c is not None and c.field is not None and c.field.required and c.field.name not in values
    ]
    if problems:
        return None, problems
    if tags:
        values[_TAGS_FIELD] = tags
    return ReadSetImportSourceArgs(**values), []


def sources_from_sample_sheet(path: str | os.PathLike[str]) -> list[ReadSetImportSourceArgs]:
    """The sources of a CSV or TSV sample sheet, one per row (columns: see the module).

    Raises :class:`SourceFileError` listing every bad row (line, column, what is wrong).
    """
    file = os.fspath(path)
    with open(file, encoding="utf-8-sig", newline="") as stream:
        records = _Records(stream)
        first = next(records, None)
        if first is None:
            raise SourceFileError(file, [SourceProblem("has no header row (the file is empty)")])
        delimiter = _DELIMITER_BY_SUFFIX.get(os.path.splitext(file)[1].lower())
        if delimiter is None:
            delimiter = "\t" if "\t" in first else ","
        reader = csv.reader(itertools.chain([first], records), delimiter=delimiter)
        columns = _header_columns(file, records.line, next(reader))
        sources: list[ReadSetImportSourceArgs] = []
        problems: list[SourceProblem] = []
        index = 0
        while True:
            records.at_record_start = True
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                problems.append(SourceProblem(f"not readable as {delimiter!r}: {error}"))
                break
            if not any(cell.strip() for cell in cells):
                continue
            source, found = _row_source(columns, cells, records.line, index)
            problems += found
            if source is not None:
                sources.append(source)
            index += 1
    if problems:
        raise SourceFileError(file, problems)
    return sources


# --- manifests ---------------------------------------------------------------------

_JSON_KIND: Final = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def _kind(value: Any) -> str:
    return _JSON_KIND.get(type(value), type(value).__name__)


def _read_structure(
    shape: StructureShape, value: Any, api_path: tuple[str, ...], at: str, into: dict[str, Any]
) -> list[SourceProblem]:
    """Copy ``value``'s members into ``into`` by source field name, checking their JSON
    types against the model; ``at`` is the JSON path of ``value``."""
    if not isinstance(value, dict):
        return [SourceProblem(f"must be an object, not {_kind(value)}", path=at)]
    problems = []
    known = [
        name
        for name, sub in shape.members.items()
        if isinstance(sub, StructureShape) or (*api_path, name) in _FIELD_BY_API_PATH
    ]
    for name in known:
        if name in shape.required_members and value.get(name) is None:
            problems.append(SourceProblem("is required", path=f"{at}.{name}"))
    for name, member in value.items():
        where = f"{at}.{name}"
        if name not in known:
            problems.append(
                SourceProblem(f"is not a source member (known: {', '.join(known)})", path=where)
            )
            continue
        sub = shape.members[name]
        if member is None:
            continue
        if isinstance(sub, StructureShape):
            problems += _read_structure(sub, member, (*api_path, name), where, into)
            continue
        field = _FIELD_BY_API_PATH[(*api_path, name)]
        if field.is_map:
            if not isinstance(member, dict):
                problems.append(
                    SourceProblem(f"must be an object, not {_kind(member)}", path=where)
                )
                continue
            problems += [
                SourceProblem(f"must be a string, not {_kind(v)}", path=f"{where}.{k}")
                for k, v in member.items()
                if not isinstance(v, str)
            ]
        elif not isinstance(member, str):
            problems.append(SourceProblem(f"must be a string, not {_kind(member)}", path=where))
        into[field.name] = member
    return problems


def _manifest_items(file: str, document: Any) -> tuple[list[Any], str]:
    """The source items and the JSON path that leads to them."""
    if isinstance(document, list):
        return document, ""
    shape = operation_model(_IMPORT_OPERATION).input_shape
    assert shape is not None
    expected = (
        "must be a JSON array of sources, or an object with a 'sources' array "
        f"(the {_IMPORT_OPERATION} request)"
    )
    if not isinstance(document, dict) or "sources" not in document:
        raise SourceFileError(file, [SourceProblem(f"{expected}, not {_kind(document)}")])
    unknown = [name for name in document if name not in shape.members]
    if unknown:
        raise SourceFileError(
            file,
            [
                SourceProblem(
                    f"is not a member of the {_IMPORT_OPERATION} request "
                    f"(known: {', '.join(shape.members)})",
                    path=name,
                )
                for name in unknown
            ],
        )
    items = document["sources"]
    if not isinstance(items, list):
        raise SourceFileError(
            file, [SourceProblem(f"must be an array, not {_kind(items)}", path="sources")]
        )
    return items, "sources"


def sources_from_manifest(path: str | os.PathLike[str]) -> list[ReadSetImportSourceArgs]:
    """The sources of a JSON import manifest (an array of the API's source items, or an
    object with them under ``sources``; see the module).

    Raises :class:`SourceFileError` listing every bad item by JSON path
    (``[12].sourceFiles.source1``), or the line and column of a JSON syntax error.
    """
    file = os.fspath(path)
    with open(file, encoding="utf-8-sig") as stream:
        try:
            document = json.load(stream)
        except json.JSONDecodeError as error:
            raise SourceFileError(
                file,
                [
                    SourceProblem(
                        f"not valid JSON: {error.msg} (column {error.colno})", error.lineno
                    )
                ],
            ) from None
    items, prefix = _manifest_items(file, document)
    item_shape = _source_item_shape()
    sources: list[ReadSetImportSourceArgs] = []
    problems: list[SourceProblem] = []
    for index, item in enumerate(items):
        values: dict[str, Any] = {}
        found = _read_structure(item_shape, item, (), f"{prefix}[{index}]", values)
        problems += [dataclasses.replace(p, index=index) for p in found]
        if not found:
            sources.append(ReadSetImportSourceArgs(**values))
    if problems:
        raise SourceFileError(file, problems)
    return sources


# --- FASTQ pairs -------------------------------------------------------------------

_FASTQ_SUFFIX: Final = re.compile(r"\.(?:fastq|fq)(?:\.gz)?$", re.IGNORECASE)
# R1/R2 between separators, anywhere in the name: x_R1, x.R1.trimmed, S1_L001_R1_001.
_READ_MARKER: Final = re.compile(r"(?<=[_.])[Rr]([12])(?=[_.]|$)")
# Only at the very end, since _1 inside a name is as often a sample or run number.
_NUMBER_MARKER: Final = re.compile(r"(?<=_)([12])$")
# Illumina's file chunk number right after the read marker (_R1_001) belongs to no stem.
_CHUNK: Final = re.compile(r"_\d{3}")
_FASTQ: Final = "FASTQ"


class FastqPair(NamedTuple):
    """The two files of one paired-end read set; ``stem`` is the file name without its read
    marker, chunk number and extension (``S1_L001`` for ``S1_L001_R1_001.fastq.gz``)."""

    stem: str
    r1: str
    r2: str


class UnpairedFile(NamedTuple):
    """A file that :func:`pair_fastq_uris` could not pair, and why."""

    uri: str
    reason: str


@dataclass(frozen=True)
class PairingResult:
    """The pairs (in the order of their first file) and the files left out (in input order)."""

    pairs: list[FastqPair]
    unpaired: list[UnpairedFile]


@dataclass(frozen=True)
class _Read:
    position: int
    uri: str
    read: str  # "1" or "2"
    mate_key: str  # folder and name with the read number left out: the same for both mates
    stem: str
    mate_name: str  # the name the other file should have


def _parse_fastq(position: int, uri: str) -> _Read | UnpairedFile:
    folder, _, name = uri.rpartition("/")
    suffix = _FASTQ_SUFFIX.search(name)
    if suffix is None:
        return UnpairedFile(uri, "not a FASTQ file name (.fastq or .fq, optionally .gz)")
    base = name[: suffix.start()]
    markers = list(_READ_MARKER.finditer(base)) or list(_NUMBER_MARKER.finditer(base))
    if not markers:
        return UnpairedFile(uri, "no read number in the name (_R1/_R2, .R1./.R2., _1/_2)")
    if len(markers) > 1:
        found = ", ".join(m.group() for m in markers)
        return UnpairedFile(uri, f"several read markers in the name ({found})")
    marker = markers[0]
    read = marker.group(1)
    before, after = base[: marker.start()], base[marker.end() :]
    letter = marker.group()[:-1].upper()
    other = "2" if read == "1" else "1"
    return _Read(
        position=position,
        uri=uri,
        read=read,
        mate_key=f"{folder}/{before}{letter}*{after}",
        stem=before[:-1] + ("" if _CHUNK.fullmatch(after) else after),
        mate_name=name[: marker.start(1)] + other + name[marker.end(1) :],
    )


def pair_fastq_uris(uris: Iterable[str]) -> PairingResult:
    """Pair R1 and R2 FASTQ files by their names (conventions: see the module); a URI given
    twice counts once. Files that cannot be paired for certain are in ``unpaired``."""
    unpaired: list[tuple[int, UnpairedFile]] = []
    groups: dict[str, dict[str, list[_Read]]] = {}
    for position, uri in enumerate(dict.fromkeys(uris)):
        parsed = _parse_fastq(position, uri)
        if isinstance(parsed, UnpairedFile):
            unpaired.append((position, parsed))
        else:
            groups.setdefault(parsed.mate_key, {"1": [], "2": []})[parsed.read].append(parsed)
    pairs: list[tuple[int, FastqPair]] = []
    for reads in groups.values():
        ones, twos = reads["1"], reads["2"]
        if len(ones) == 1 and len(twos) == 1:
            first = min(ones[0].position, twos[0].position)
            pairs.append((first, FastqPair(ones[0].stem, ones[0].uri, twos[0].uri)))
            continue
        names = ", ".join(r.uri.rpartition("/")[2] for r in ones + twos)
        for read in ones + twos:
            if ones and twos:
                why = f"ambiguous: {len(ones)} R1 and {len(twos)} R2 files could pair ({names})"
            else:
                mate = "2" if read.read == "1" else "1"
                why = f"R{read.read} without its R{mate} (no {read.mate_name} in its folder)"
            unpaired.append((read.position, UnpairedFile(read.uri, why)))
    return PairingResult(
        pairs=[pair for _, pair in sorted(pairs)],
        unpaired=[file for _, file in sorted(unpaired)],
    )


class FastqPairingError(ValueError):
    """FASTQ files that :func:`sources_from_fastq_pairs` could not pair (``unpaired``)."""

    def __init__(self, unpaired: Sequence[UnpairedFile]) -> None:
        self.unpaired = tuple(unpaired)
        shown = [f"  {u.uri}: {u.reason}" for u in self.unpaired[:_SHOWN_PROBLEMS]]
        if len(self.unpaired) > _SHOWN_PROBLEMS:
            shown.append(f"  ... and {len(self.unpaired) - _SHOWN_PROBLEMS} more")
        super().__init__(f"{len(self.unpaired)} FASTQ file(s) not paired:\n" + "\n".join(shown))


def sources_from_fastq_pairs(
    uris: Iterable[str],
    *,
    subject_id: str | Callable[[str], str],
    sample_id: Callable[[str], str] | None = None,
    generated_from: str | None = None,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> list[ReadSetImportSourceArgs]:
    """One paired FASTQ source per pair of :func:`pair_fastq_uris`, named by the pair's
    stem (so the stem is its key). ``subject_id`` is one subject for all, or a function
    of the stem; ``sample_id`` a function of the stem (default: the stem itself). Raises
    :class:`FastqPairingError` if any file is left unpaired."""
    result = pair_fastq_uris(uris)
    if result.unpaired:
        raise FastqPairingError(result.unpaired)
    return [
        ReadSetImportSourceArgs(
            source_file_type=_FASTQ,
            source1=pair.r1,
            source2=pair.r2,
            subject_id=subject_id if isinstance(subject_id, str) else subject_id(pair.stem),
            sample_id=sample_id(pair.stem) if sample_id else pair.stem,
            name=pair.stem,
            generated_from=generated_from,
            description=description,
            tags=dict(tags) if tags else None,
        )
        for pair in result.pairs
    ]
