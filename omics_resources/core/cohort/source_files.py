"""A cohort's sources from files: what sample sheets and manifests hold, and their errors.

The loaders (:mod:`~omics_resources.core.cohort.sheets`,
:mod:`~omics_resources.core.cohort.manifests`, :mod:`~omics_resources.core.cohort.fastq_pairs`)
run in the Pulumi program (plain Python: no AWS call, no Pulumi engine) and return the
sources as dicts of source properties (the Python front-end wraps each in a
``ReadSetImportSourceArgs``) in file order, so ``sources[i]`` in a later
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
tags                                no        the read set's tags: a JSON object or a
                                              Python dict literal of strings
tag:<key>                           no        the value of the read set's tag ``<key>``
==================  ==============  ========  ===========================================

- Column names are the source field names; the API's camelCase member names are accepted
  as aliases, so a sheet written for the AWS CLI or console reads as is. A column may
  appear once (a name and its alias count as the same column).
- The input sheets of the HealthOmics manifest generator (aws-samples'
  amazon-omics-tutorials, ``utils/scripts/omics_seqstore_manifest_generator``) read as
  they are, CSV or TSV, for the API or the console: their columns are the camelCase
  aliases above, ``source1``, ``source2``, ``name``, ``description`` and ``tags``. A
  console sheet has no ``referenceArn`` column (the console asks for one reference for the
  whole import): its BAM and CRAM rows load, but fail ``pulumi preview`` until the sheet
  has a ``referenceArn`` column.
- A ``tags`` cell holds all of a row's tags: a JSON object (``{"project": "demo"}``, in a
  CSV quoted as ``"{""project"": ""demo""}"``) or the Python dict the generator's sheets
  hold (``{'project':'demo'}``; with several keys, quoted in a CSV as any cell with a
  comma). It is parsed as JSON, else as a Python literal (``ast``: never run as code).
  Keys and values must be strings: a number, boolean, null or nested object is a bad cell
  (quote it: ``'7'``), as are anything but a dict and a key given twice. An empty cell or
  ``{}`` sets no tags. A sheet gives tags either in a ``tags`` column or in ``tag:<key>``
  columns: both in one header is an error naming them.
- Columns may come in any order; an unknown column is an error that lists the known ones,
  so a typo never drops a field silently.
- Cells are stripped of surrounding spaces; an empty cell leaves the field unset (a tag
  column left empty sets no tag on that row, so an empty tag value needs a ``tags`` cell,
  ``{'key': ''}``, or a manifest).
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
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Final

from botocore.model import MapShape, StructureShape

from omics_resources.core.jobs.import_job import SOURCE_FIELD_NAMES
from omics_resources.core.service_model import operation_model

__all__ = [
    "COLUMN_BY_HEADER",
    "DELIMITER_BY_SUFFIX",
    "FIELDS",
    "FIELD_BY_API_PATH",
    "IMPORT_OPERATION",
    "REQUIRED_SHEET_COLUMNS",
    "SHEET_COLUMNS",
    "SHOWN_PROBLEMS",
    "TAGS_FIELD",
    "TAG_COLUMN_PREFIX",
    "SourceField",
    "SourceFileError",
    "SourceProblem",
    "opened",
    "source_item_shape",
]

#: The prefix of a sample sheet's tag columns: ``tag:project`` holds the tag ``project``.
TAG_COLUMN_PREFIX: Final = "tag:"
#: How many problems an error message lists (all of them are in ``SourceFileError.problems``).
SHOWN_PROBLEMS = 20
IMPORT_OPERATION = "StartReadSetImportJob"


@dataclass(frozen=True)
class SourceField:
    """One source field as files name it: its property name, where it sits in the API's
    source item, whether the API requires it, and whether it is a map (tags)."""

    name: str  # the source field's name (SOURCE_FIELDS), also the sheet column
    api_path: tuple[str, ...]  # where it sits in a StartReadSetImportJobSourceItem
    required: bool
    is_map: bool


def _snake(api_name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", api_name).lower()


def source_item_shape() -> StructureShape:
    """The API's ``StartReadSetImportJobSourceItem`` (botocore's model)."""
    shape = operation_model(IMPORT_OPERATION).input_shape
    assert shape is not None
    item = shape.members["sources"].member  # type: ignore[attr-defined]
    assert isinstance(item, StructureShape)
    return item


def _fields() -> tuple[SourceField, ...]:
    """Each source field, read from the API's source item: nested structures (sourceFiles)
    flatten into their members, as the source properties have them; required ones first,
    then in the field table's order (the order of ``ReadSetImportSourceArgs``)."""
    order = list(SOURCE_FIELD_NAMES)
    found: list[SourceField] = []

    def walk(shape: StructureShape, prefix: tuple[str, ...], required: bool) -> None:
        for member, sub in shape.members.items():
            path = (*prefix, member)
            needed = required and member in shape.required_members
            if isinstance(sub, StructureShape):
                walk(sub, path, needed)
            elif _snake(member) in order:
                found.append(SourceField(_snake(member), path, needed, isinstance(sub, MapShape)))

    walk(source_item_shape(), (), True)
    return tuple(sorted(found, key=lambda f: (not f.required, order.index(f.name))))


FIELDS: Final = _fields()
FIELD_BY_API_PATH: Final = {f.api_path: f for f in FIELDS}
#: A sample sheet's columns (besides ``tag:<key>``), required ones first; ``tags`` last.
SHEET_COLUMNS: Final = tuple(f.name for f in FIELDS)
#: The columns every sample sheet needs.
REQUIRED_SHEET_COLUMNS: Final = tuple(f.name for f in FIELDS if f.required)
COLUMN_BY_HEADER: Final = {
    **{f.api_path[-1]: f for f in FIELDS},
    **{f.name: f for f in FIELDS},
}
TAGS_FIELD: Final = next(f.name for f in FIELDS if f.is_map)
DELIMITER_BY_SUFFIX: Final = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


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
        shown = [f"  {p}" for p in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:
            shown.append(f"  ... and {len(self.problems) - SHOWN_PROBLEMS} more")
        count = len(self.problems)
        super().__init__(f"{file}: {count} problem{'s' * (count != 1)}:\n" + "\n".join(shown))


def opened(file: str, text: str | None, newline: str | None = None) -> IO[str]:
    """The file to read sources from: ``text`` itself when given (a program that read the
    file), else the file at ``file``; a UTF-8 byte-order mark is skipped either way."""
    if text is not None:
        return io.StringIO(text.removeprefix("\ufeff"), newline=newline)
    return open(file, encoding="utf-8-sig", newline=newline)
