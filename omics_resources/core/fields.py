"""Each resource property described once: where it goes in the Start request, what a
change to it means, and (for our own settings) its type and default.

Everything else is derived from these tables: the request create sends, the property path
a check failure names, which changes replace the job and which update in place, and the
inputs rebuilt from a job adopted with ``get``. The ``*Args`` classes mirror the tables
(a unit test holds them to it), as Pulumi's generated SDKs mirror a schema.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from omics_resources.core.validation import SettingRule, is_unknown

__all__ = [
    "Change",
    "Field",
    "Output",
    "changed_fields",
    "documented",
    "from_api",
    "item_changes",
    "names",
    "property_path",
    "replaced",
    "settings",
    "to_api",
]

ApiPath = tuple[str | int, ...]


class Change(enum.Enum):
    """What a change of the property does to the resource."""

    REPLACE = "replace"
    """Sent to Start*Job: a different value is a different job."""
    UPDATE = "update"
    """Applied to what the job made, in place (a read set's tags)."""
    SETTING = "setting"
    """Ours alone (waiting, deleting on destroy): stored, no API call."""


@dataclass(frozen=True)
class Field:
    """One property. ``api`` is its path in the Start request (none for settings). A list
    of objects names its items' fields in ``items``; a list of strings sent as objects
    names where each string goes in ``scalar_item``
    (``read_set_ids`` -> ``sources[].readSetId``). ``doc`` is what users read about it (the
    Python classes' docstrings, the schema's descriptions)."""

    name: str
    api: tuple[str, ...] = ()
    change: Change = Change.REPLACE
    setting: SettingRule | None = None
    items: tuple[Field, ...] = ()
    scalar_item: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class Output:
    """One output besides the inputs, described for users and for front-ends that type
    their properties (a schema): ``kind`` is ``string``, ``number``, ``integer``,
    ``boolean``, ``object`` (with ``members``) or ``any``; ``many`` is ``list``, ``map``
    (keys are data: sample keys, read-set ids) or None for one value. Every output is set
    (not null) once a create has returned, unless ``optional``: a typed language reads the
    others without a check for undefined."""

    name: str
    doc: str
    kind: str = "string"
    many: str | None = None
    members: tuple[Output, ...] = ()
    #: Input fields each object also holds, as declared (a source's inputs beside its result).
    inputs: tuple[Field, ...] = ()
    #: May be null or absent (a message, an end time, a read set not imported yet).
    optional: bool = False


def replaced(outputs: Sequence[Output], *changed: Output) -> tuple[Output, ...]:
    """``outputs`` with some of them (by name) as ``changed`` says them."""
    by_name = {o.name: o for o in changed}
    unknown = set(by_name) - {o.name for o in outputs}
    if unknown:
        raise ValueError(f"no such outputs: {sorted(unknown)}")
    return tuple(by_name.get(o.name, o) for o in outputs)


def documented(fields: Sequence[Field], **docs: str) -> tuple[Field, ...]:
    """``fields`` with the docs of some of them (by name) said as one resource says them."""
    unknown = set(docs) - {f.name for f in fields}
    if unknown:
        raise ValueError(f"no such fields: {sorted(unknown)}")
    return tuple(dataclasses.replace(f, doc=docs[f.name]) if f.name in docs else f for f in fields)


def names(fields: Sequence[Field], change: Change) -> tuple[str, ...]:
    """The properties whose change means ``change``."""
    return tuple(f.name for f in fields if f.change is change)


def settings(fields: Sequence[Field]) -> dict[str, SettingRule]:
    """Our own settings and their rules."""
    return {f.name: f.setting for f in fields if f.setting is not None}


def _put(target: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _get(source: Any, path: Sequence[str]) -> Any:
    for part in path:
        source = source.get(part) if isinstance(source, Mapping) else None
    return source


def to_api(fields: Sequence[Field], props: Mapping[str, Any]) -> dict[str, Any]:
    """The request members for ``props`` (unset properties and unknown fields left out;
    values of the wrong kind are passed on for the model's check to name)."""
    request: dict[str, Any] = {}
    for field in fields:
        value = props.get(field.name)
        if not field.api or value is None:
            continue
        if isinstance(value, list) and field.items:
            value = [to_api(field.items, v) if isinstance(v, Mapping) else v for v in value]
        elif isinstance(value, list) and field.scalar_item:
            nested: list[Any] = []
            for item in value:
                one: dict[str, Any] = {}
                _put(one, field.scalar_item, item)
                nested.append(one)
            value = nested
        _put(request, field.api, value)
    return request


def from_api(fields: Sequence[Field], answer: Mapping[str, Any]) -> dict[str, Any]:
    """The properties that would have sent ``answer``'s members (a Get*Job answer carries
    the request's members at the same paths)."""
    props: dict[str, Any] = {}
    for field in fields:
        if not field.api:
            continue
        value = _get(answer, field.api)
        if isinstance(value, list) and field.items:
            value = [from_api(field.items, v) for v in value]
        elif isinstance(value, list) and field.scalar_item:
            value = [_get(v, field.scalar_item) for v in value]
        if value is not None:
            props[field.name] = value
    return props


def property_path(fields: Sequence[Field], api_path: ApiPath) -> str:
    """The property path behind a request member: ``("sources", 3, "sourceFiles",
    "source1")`` -> ``sources[3].source1``. A member that only leads to fields (a source
    with no ``sourceFiles`` at all) names the first of them; an unknown one is kept as it is."""
    words = [str(p) for p in api_path]
    best = max(
        (f for f in fields if f.api and tuple(words[: len(f.api)]) == f.api),
        key=lambda f: len(f.api),
        default=None,
    )
    if best is None:
        below = [f for f in fields if f.api and f.api[: len(words)] == tuple(words)]
        return below[0].name if below else ".".join(words)
    path = best.name
    rest = api_path[len(best.api) :]
    if not rest:
        return path
    index, *inner = rest
    path = f"{path}[{index}]" if isinstance(index, int) else f"{path}[{str(index)!r}]"
    if best.items and inner:
        inner_path = property_path(best.items, tuple(inner))
        return f"{path}.{inner_path}"
    return path


def changed_fields(
    fields: Sequence[Field], olds: Mapping[str, Any], news: Mapping[str, Any], change: Change
) -> list[str]:
    """The properties with this kind of change whose value changed (an unknown counts)."""
    return [
        f.name
        for f in fields
        if f.change is change
        and (is_unknown(news.get(f.name)) or olds.get(f.name) != news.get(f.name))
    ]


def item_changes(
    field: Field, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> tuple[bool, list[tuple[int, str]]]:
    """For a list of objects: whether anything sent to the API changed (a different job),
    and which items' in-place fields changed ``(index, field name)``."""
    old, new = olds.get(field.name), news.get(field.name)
    if is_unknown(new) or not isinstance(old, list) or not isinstance(new, list):
        return old != new, []
    if len(old) != len(new):
        return True, []
    in_place: list[tuple[int, str]] = []
    for index, (before, after) in enumerate(zip(old, new, strict=True)):
        if not isinstance(after, Mapping) or not isinstance(before, Mapping):
            return before != after, []
        for item in field.items:
            was, now = before.get(item.name), after.get(item.name)
            if item.change is Change.UPDATE:
                if (was or None) != (now or None):
                    in_place.append((index, item.name))
            elif is_unknown(now) or was != now:
                return True, []
    return False, in_place
