"""Import manifests (JSON): the sources ``aws omics start-read-set-import-job`` takes (the
format: :mod:`omics_resources.core.cohort.source_files`)."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any, Final

from botocore.model import StructureShape

from omics_resources.core.cohort.source_files import (
    FIELD_BY_API_PATH,
    IMPORT_OPERATION,
    SourceFileError,
    SourceProblem,
    opened,
    source_item_shape,
)
from omics_resources.core.service_model import operation_model

__all__ = ["sources_from_manifest"]

Props = dict[str, Any]

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
        if isinstance(sub, StructureShape) or (*api_path, name) in FIELD_BY_API_PATH
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
        field = FIELD_BY_API_PATH[(*api_path, name)]
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
    shape = operation_model(IMPORT_OPERATION).input_shape
    assert shape is not None
    expected = (
        "must be a JSON array of sources, or an object with a 'sources' array "
        f"(the {IMPORT_OPERATION} request)"
    )
    if not isinstance(document, dict) or "sources" not in document:
        raise SourceFileError(file, [SourceProblem(f"{expected}, not {_kind(document)}")])
    unknown = [name for name in document if name not in shape.members]
    if unknown:
        raise SourceFileError(
            file,
            [
                SourceProblem(
                    f"is not a member of the {IMPORT_OPERATION} request "
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


def sources_from_manifest(path: str | os.PathLike[str], *, text: str | None = None) -> list[Props]:
    """The sources of a JSON import manifest (an array of the API's source items, or an
    object with them under ``sources``; see
    :mod:`~omics_resources.core.cohort.source_files`). With ``text``, the manifest is that
    text and ``path`` only names it (in errors).

    Raises :class:`SourceFileError` listing every bad item by JSON path
    (``[12].sourceFiles.source1``), or the line and column of a JSON syntax error.
    """
    file = os.fspath(path)
    with opened(file, text) as stream:
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
    item_shape = source_item_shape()
    sources: list[Props] = []
    problems: list[SourceProblem] = []
    for index, item in enumerate(items):
        values: dict[str, Any] = {}
        found = _read_structure(item_shape, item, (), f"{prefix}[{index}]", values)
        problems += [dataclasses.replace(p, index=index) for p in found]
        if not found:
            sources.append(values)
    if problems:
        raise SourceFileError(file, problems)
    return sources
