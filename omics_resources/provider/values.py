"""The engine's property values <-> the core's plain values.

Three things the SDK's ``PropertyValue`` does not do for us:

* An unknown (at preview) arrives as the protocol's sentinel string and becomes the core's
  :data:`~omics_resources.core.validation.UNKNOWN`; going back, it is the sentinel string
  again (``PropertyValue.computed()`` cannot be marshalled in SDK 3.272.0).
* A value the core hands back unchanged is the engine's own value again, with its secret
  mark and dependencies (turning values into plain dicts loses the marks of nested secrets:
  a secret tag would come back in plaintext). A changed value under a secret one stays secret.
* Anything the core derived from a secret (a ledger holding tags, a map keyed by a secret
  sample id, a JSON text holding either) is marked secret too: :func:`mark_secrets`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pulumi.provider.experimental.property_value import (
    Computed,
    PropertyValue,
    ResourceReference,
)
from pulumi.runtime import rpc

from omics_resources.core.validation import UNKNOWN, is_unknown

__all__ = ["SECRET_MASK", "from_plain", "mark_secrets", "mask", "secret_strings", "to_plain"]

#: What a secret value reads as in a message or a progress line.
SECRET_MASK = "[secret]"  # noqa: S105 - the mask, not a password


def to_plain(value: PropertyValue) -> Any:
    """``value`` as plain Python (unknowns as :data:`UNKNOWN`, secrets unwrapped)."""
    inner = value.value
    if isinstance(inner, Computed) or (isinstance(inner, str) and inner == rpc.UNKNOWN):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {k: to_plain(v) for k, v in inner.items()}
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        return [to_plain(v) for v in inner]
    if isinstance(inner, ResourceReference):
        return to_plain(inner.resource_id) if inner.resource_id is not None else UNKNOWN
    return inner


def _child(original: PropertyValue | None, key: str | int) -> PropertyValue | None:
    inner = original.value if original is not None else None
    if isinstance(key, str) and isinstance(inner, Mapping):
        return inner.get(key)
    if isinstance(key, int) and isinstance(inner, Sequence) and not isinstance(inner, str):
        return inner[key] if key < len(inner) else None
    return None


def from_plain(value: Any, original: PropertyValue | None = None) -> PropertyValue:
    """``value`` as a property value; where it equals ``original`` (the engine's value at
    the same place), ``original`` itself."""
    if original is not None and to_plain(original) == value:
        return original
    built: PropertyValue
    if is_unknown(value):
        built = PropertyValue(rpc.UNKNOWN)
    elif isinstance(value, Mapping):
        built = PropertyValue(
            {str(k): from_plain(v, _child(original, str(k))) for k, v in value.items()}
        )
    elif isinstance(value, list | tuple):
        built = PropertyValue([from_plain(v, _child(original, i)) for i, v in enumerate(value)])
    elif value is None or isinstance(value, bool | str):
        built = PropertyValue(value)
    elif isinstance(value, int | float):
        built = PropertyValue(float(value))
    else:
        built = PropertyValue(str(value))
    if original is not None and original.is_secret:
        built = built.with_secret(True)
    return built


def secret_strings(values: Iterable[PropertyValue]) -> set[str]:
    """Every non-empty string inside a secret among ``values`` (at any depth)."""
    found: set[str] = set()

    def walk(value: PropertyValue, secret: bool) -> None:
        secret = secret or value.is_secret
        inner = value.value
        if isinstance(inner, Mapping):
            for item in inner.values():
                walk(item, secret)
        elif isinstance(inner, Sequence) and not isinstance(inner, str):
            for item in inner:
                walk(item, secret)
        elif secret and isinstance(inner, str) and inner and inner != rpc.UNKNOWN:
            found.add(inner)

    for value in values:
        walk(value, False)
    return found


def _holds(text: str, secrets: set[str]) -> bool:
    # A JSON text (the cohort's ledger is one string) with a secret as one of its strings.
    return any(json.dumps(s, ensure_ascii=False) in text for s in secrets)


def mark_secrets(value: PropertyValue, secrets: set[str]) -> PropertyValue:
    """``value`` with every string equal to a secret, or a JSON text holding one, marked
    secret, and every map whose keys hold a secret marked secret as a whole (a key cannot
    be secret on its own)."""
    if not secrets or value.is_secret:
        return value
    inner = value.value
    if isinstance(inner, Mapping):
        if any(s in key for key in inner for s in secrets):
            return value.with_secret(True)
        return value.with_value({k: mark_secrets(v, secrets) for k, v in inner.items()})
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        return value.with_value([mark_secrets(v, secrets) for v in inner])
    if isinstance(inner, str) and (inner in secrets or _holds(inner, secrets)):
        return value.with_secret(True)
    return value


def mask(text: str, secrets: set[str]) -> str:
    """``text`` with every secret string in it replaced by :data:`SECRET_MASK`."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, SECRET_MASK)
    return text
