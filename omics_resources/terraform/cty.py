"""Values between Terraform's wire form and the core's plain data.

Terraform sends and expects each object as a ``DynamicValue``: MessagePack of the value in
cty's encoding, typed by the schema. An object carries every attribute (null where unset),
an unknown value is extension 0 (a refined one 12), and a ``dynamic`` attribute is a pair
of its type (JSON) and its value. The core's plain dicts leave unset members out, so
nulls are dropped on the way in and filled on the way out; what the type walks comes from
:mod:`omics_resources.core.schema.types`, the same types every front-end declares.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import msgpack

from omics_resources.core.schema.types import Type
from omics_resources.core.validation import UNKNOWN, is_unknown

__all__ = ["cty_type", "decode", "encode", "is_null"]

_KINDS = {"string": "string", "number": "number", "integer": "number", "boolean": "bool"}
#: cty's extension codes: an unknown value, and an unknown refined (not null, a prefix...).
_UNKNOWN_CODES = (0, 12)


def cty_type(type_: Type) -> Any:
    """``type_`` as cty's JSON type (``["list", ["object", {...}]]``)."""
    if type_.kind in _KINDS:
        return _KINDS[type_.kind]
    if type_.kind in ("array", "map"):
        items = cty_type(type_.items) if type_.items is not None else "dynamic"
        return ["list" if type_.kind == "array" else "map", items]
    if type_.kind == "object":
        return ["object", {n: cty_type(p.type) for n, p in type_.props.items()}]
    return "dynamic"


def _ext(code: int, data: bytes) -> Any:
    if code in _UNKNOWN_CODES:
        return UNKNOWN
    return msgpack.ExtType(code, data)


def _plain(value: Any, type_: Type) -> Any:
    """A decoded value as the core's data: no null members, ``dynamic`` pairs opened."""
    if is_unknown(value) or value is None:
        return value
    if type_.kind == "any":
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], bytes):
            return value[1]
        return value
    if type_.kind == "object" and isinstance(value, Mapping):
        found = {}
        for name, member in value.items():
            prop = type_.props.get(name)
            plain = _plain(member, prop.type if prop is not None else Type("any"))
            if plain is not None:
                found[name] = plain
        return found
    if type_.kind == "map" and isinstance(value, Mapping):
        return {k: _plain(v, type_.items or Type("any")) for k, v in value.items()}
    if type_.kind == "array" and isinstance(value, list):
        return [_plain(v, type_.items or Type("any")) for v in value]
    return value


def decode(msgpack_bytes: bytes, json_bytes: bytes, type_: Type) -> Any:
    """A ``DynamicValue`` (either encoding) as plain data; None for a null object."""
    if msgpack_bytes:
        raw = msgpack.unpackb(msgpack_bytes, ext_hook=_ext, raw=False, strict_map_key=False)
    elif json_bytes:
        raw = json.loads(json_bytes)
    else:
        return None
    return _plain(raw, type_)


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def _wire(value: Any, type_: Type) -> Any:
    if is_unknown(value):
        return msgpack.ExtType(0, b"")
    if value is None:
        return None
    if type_.kind in ("number", "integer"):
        return _number(value)
    if type_.kind == "string":
        return value if isinstance(value, str) else json.dumps(value)
    if type_.kind == "object":
        given = value if isinstance(value, Mapping) else {}
        return {n: _wire(given.get(n), p.type) for n, p in type_.props.items()}
    if type_.kind == "map":
        given = value if isinstance(value, Mapping) else {}
        return {str(k): _wire(v, type_.items or Type("any")) for k, v in given.items()}
    if type_.kind == "array":
        return [_wire(v, type_.items or Type("any")) for v in value]
    if type_.kind == "any":
        return [json.dumps(_inferred(value)).encode(), value]
    return value


def _inferred(value: Any) -> Any:
    """The cty type of a plain JSON value (for a ``dynamic`` attribute)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, Mapping):
        return ["object", {k: _inferred(v) for k, v in value.items()}]
    if isinstance(value, list):
        return ["tuple", [_inferred(v) for v in value]]
    return "string"


def encode(value: Mapping[str, Any] | None, type_: Type) -> bytes:
    """Plain data (an object of ``type_``, or None) as a ``DynamicValue``'s MessagePack."""
    packed: bytes = msgpack.packb(None if value is None else _wire(value, type_))
    return packed


def is_null(msgpack_bytes: bytes, json_bytes: bytes) -> bool:
    """Whether a ``DynamicValue`` holds a null object (a create's prior state, a destroy's plan)."""
    return decode(msgpack_bytes, json_bytes, Type("any")) is None
