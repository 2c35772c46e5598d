"""A cohort's sources as one string property: what crosses the engine.

Every value of a resource's properties is handled one by one by the Pulumi engine and by
the SDK's (de)serialization in the program and in the provider, on every preview and
update. A list of 100,000 sources is some 700,000 values; the same sources as one string
are one. Measured on a dynamic resource that does nothing with the inputs of a
20,000-sample sheet (CPU seconds of CLI, program and provider for one ``pulumi preview``):
9.0 with the list, 1.9 with the string (docs/performance.md, "Biobank scale").

So a front-end hands the provider a cohort's sources packed into one JSON string when they
are plain data (a sample sheet's always are): the field names once, then one row of
values per source, in declaration order. Sources holding a value not known until another
resource exists are passed as a list, as before, so that check still names every problem
it can see at preview. The Pulumi CLI shows a change of a JSON string as a JSON diff
(``pulumi preview --diff``: as for a list, every row, the added or changed ones marked).

The provider reads either form, and the state of a release before packing, through
:func:`unpack`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

__all__ = ["FORMAT", "is_plain", "pack", "unpack", "unpacked"]

#: The member that marks a packed string (its value is the format's version).
FORMAT: Final = "packedSources"
_VERSION: Final = 1


def is_plain(value: Any) -> bool:
    """Whether ``value`` is JSON data all through (nothing a program resolves later)."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and is_plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(is_plain(v) for v in value)
    return False


def pack(sources: Sequence[Mapping[str, Any]]) -> str:
    """``sources`` (plain dicts of the source fields) as one compact JSON string."""
    names: dict[str, None] = {}
    for source in sources:
        names.update(dict.fromkeys(k for k, v in source.items() if v is not None))
    fields = list(names)
    rows = [[source.get(name) for name in fields] for source in sources]
    return json.dumps(
        {FORMAT: _VERSION, "fields": fields, "rows": rows},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def unpack(value: Any) -> Any:
    """The sources as a list of dicts when ``value`` is :func:`pack`'s string; anything
    else as it is (a list, or a value that check then reports as not a list)."""
    if not isinstance(value, str) or FORMAT not in value[:32]:
        return value
    try:
        packed = json.loads(value)
    except ValueError:
        return value
    if not isinstance(packed, dict) or packed.get(FORMAT) != _VERSION:
        return value
    fields, rows = packed.get("fields"), packed.get("rows")
    if not isinstance(fields, list) or not isinstance(rows, list):
        return value
    return [
        {name: v for name, v in zip(fields, row, strict=False) if v is not None}
        if isinstance(row, list)
        else row
        for row in rows
    ]


def unpacked(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """``props`` with their ``sources`` unpacked (the same object when not packed)."""
    sources = props.get("sources")
    found = unpack(sources)
    return props if found is sources else {**props, "sources": found}
