"""Property names: the core's snake_case, the schema's camelCase, derived mechanically.

``read_set_ids`` <-> ``readSetIds``, ``source1`` stays ``source1``. Only an object's keys
are names; a map's keys are data and are never renamed (a tag ``my_key``, a sample key
``S1_R1``). Which is which comes from the resource's type
(:mod:`omics_resources.provider.types`); values are renamed in the walks of
:mod:`omics_resources.provider.values`, paths and messages here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from omics_resources.provider.types import ANY, Type

__all__ = ["camel", "rename_path", "snake", "text_renamer"]

_UPPER = re.compile(r"(?<=[a-z0-9])([A-Z])")
_PATH_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"[^\"]*\")\]")


def camel(name: str) -> str:
    """``read_set_ids`` -> ``readSetIds`` (a name without ``_`` is its own)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """``readSetIds`` -> ``read_set_ids`` (the inverse of :func:`camel` on our names)."""
    return _UPPER.sub(lambda m: "_" + m.group(1).lower(), name)


def rename_path(path: str, type_: Type) -> str:
    """A core property path (``sources[3].source_file_type``, ``sources[0].tags['a_b']``)
    with its property names in camelCase; a path that does not parse is kept."""
    out: list[str] = []
    position, current = 0, type_
    for match in _PATH_PART.finditer(path):
        if match.start() != position:
            return path
        position = match.end()
        word, index, key = match.groups()
        if word is not None:
            if current.kind == "map":
                out.append(f"[{word!r}]")
                current = current.items or ANY
                continue
            out.append(("." if out else "") + camel(word))
            current = current.member(word) or ANY
        else:
            out.append(f"[{index if index is not None else key}]")
            current = current.items or ANY
    return "".join(out) if position == len(path) else path


def text_renamer(names: Iterable[str], extra: Mapping[str, str]) -> Callable[[str], str]:
    """A function that puts the camelCase form for every snake_case property name in
    ``names`` (and ``extra``'s replacements) into a message, whole words only."""
    table = {n: camel(n) for n in names if "_" in n} | dict(extra)
    if not table:
        return lambda text: text
    words = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w:-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w])")
    return lambda text: pattern.sub(lambda m: table[m.group(1)], text)
