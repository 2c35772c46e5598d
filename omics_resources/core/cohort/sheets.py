"""Sample sheets (CSV, TSV): one source per row (the columns:
:mod:`omics_resources.core.cohort.source_files`)."""

from __future__ import annotations

import ast
import csv
import itertools
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Final

from omics_resources.core.cohort.source_files import (
    COLUMN_BY_HEADER,
    DELIMITER_BY_SUFFIX,
    REQUIRED_SHEET_COLUMNS,
    SHEET_COLUMNS,
    TAG_COLUMN_PREFIX,
    TAGS_FIELD,
    SourceField,
    SourceFileError,
    SourceProblem,
    opened,
)

__all__ = ["sources_from_sample_sheet"]

Props = dict[str, Any]


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
    field: SourceField | None  # None: a tag column
    tag: str | None = None


_KIND: Final = {
    dict: "a dict",
    list: "a list",
    tuple: "a tuple",
    set: "a set",
    frozenset: "a set",
    str: "a string",
    bytes: "bytes",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    complex: "a number",
    type(None): "null",
}
_TAGS_SHAPE: Final = "a JSON object or a Python dict of strings, like {'project': 'demo'}"


class _Pairs(list[tuple[Any, Any]]):
    """A dict's or JSON object's members in order, repeats kept (``object_pairs_hook``)."""


def _kind(value: Any) -> str:
    return "a dict" if isinstance(value, _Pairs) else _KIND.get(type(value), "something else")


def _literal_pairs(text: str) -> _Pairs | str:
    """The key-value pairs of a Python dict literal, repeats kept, or what is wrong; only
    literals are evaluated (``ast.literal_eval``), never code."""
    failures = (ValueError, TypeError, SyntaxError, MemoryError, RecursionError)
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        return f"is not {_TAGS_SHAPE} ({error.msg})"
    except failures:
        return f"is not {_TAGS_SHAPE}"
    if not isinstance(node, ast.Dict):
        try:
            return f"must be {_TAGS_SHAPE}, not {_kind(ast.literal_eval(node))}"
        except failures:
            return f"is not {_TAGS_SHAPE}"
    not_literal = f"is not {_TAGS_SHAPE} (a key or value is not a quoted string)"
    keys = [key for key in node.keys if key is not None]
    if len(keys) < len(node.keys):  # {**other}
        return not_literal
    try:
        pairs = zip(keys, node.values, strict=True)
        return _Pairs((ast.literal_eval(k), ast.literal_eval(v)) for k, v in pairs)
    except failures:
        return not_literal


def _tags_cell(text: str) -> tuple[dict[str, str], list[str]]:
    """A ``tags`` cell's tags (a JSON object, or the Python dict the HealthOmics manifest
    generator's sheets hold), or what is wrong with it: keys and values must be strings."""
    parsed: Any
    try:
        parsed = json.loads(text, object_pairs_hook=_Pairs)
    except ValueError:
        parsed = _literal_pairs(text)
        if isinstance(parsed, str):  # what is wrong
            return {}, [parsed]
    except RecursionError:
        return {}, [f"is not {_TAGS_SHAPE}"]
    if not isinstance(parsed, _Pairs):
        return {}, [f"must be {_TAGS_SHAPE}, not {_kind(parsed)}"]
    tags: dict[str, str] = {}
    problems = []
    for key, value in parsed:
        if not isinstance(key, str):
            problems.append(f"tag key {key!r} must be a string, not {_kind(key)}")
        elif key in tags:
            problems.append(f"gives the tag {key!r} twice; give each tag once")
        elif not isinstance(value, str):
            shown = "{...}" if isinstance(value, _Pairs) else repr(value)
            problems.append(
                f"the value of tag {key!r} is {_kind(value)} ({shown}), not a string; "
                "tag values are strings (quote it)"
            )
        else:
            tags[key] = value
    return tags, problems


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
        elif header in COLUMN_BY_HEADER:
            column = _Column(header, COLUMN_BY_HEADER[header])
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
    tags_columns = [c.header for c in columns if c is not None and c.field and c.field.is_map]
    tag_columns = [c.header for c in columns if c is not None and c.field is None]
    if tags_columns and tag_columns:
        named = ", ".join(repr(h) for h in tag_columns)
        problems.append(
            SourceProblem(
                f"and the tag column{'s' * (len(tag_columns) > 1)} {named} both give tags; "
                f"use either the {TAGS_FIELD!r} column or {TAG_COLUMN_PREFIX}<key> columns",
                line,
                column=tags_columns[0],
            )
        )
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
) -> tuple[Props | None, list[SourceProblem]]:
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
        elif column.field.is_map:
            found, wrong = _tags_cell(value)
            tags.update(found)
            problems += [SourceProblem(m, line, index, column.header) for m in wrong]
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
        values[TAGS_FIELD] = tags
    return values, []


def sources_from_sample_sheet(
    path: str | os.PathLike[str], *, text: str | None = None
) -> list[Props]:
    """The sources of a CSV or TSV sample sheet, one per row (columns: see
    :mod:`~omics_resources.core.cohort.source_files`). With ``text``, the sheet is that
    text and ``path`` only names it (in errors; its suffix picks the delimiter).

    Raises :class:`SourceFileError` listing every bad row (line, column, what is wrong).
    """
    file = os.fspath(path)
    with opened(file, text, newline="") as stream:
        records = _Records(stream)
        first = next(records, None)
        if first is None:
            raise SourceFileError(file, [SourceProblem("has no header row (the file is empty)")])
        delimiter = DELIMITER_BY_SUFFIX.get(os.path.splitext(file)[1].lower())
        if delimiter is None:
            delimiter = "\t" if "\t" in first else ","
        reader = csv.reader(itertools.chain([first], records), delimiter=delimiter)
        columns = _header_columns(file, records.line, next(reader))
        sources: list[Props] = []
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
