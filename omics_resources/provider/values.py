"""The engine's property values <-> the core's plain values: one walk each way.

Each walk follows the resource's type (:mod:`omics_resources.provider.types`) and does at
once everything a value needs on its way:

* **engine -> core** (:func:`to_core`): camelCase object keys to snake_case (a map's keys
  are data, kept), the protocol's unknown sentinel to :data:`UNKNOWN`, a whole number where
  a string is declared to that string (a YAML program's store id), a resource reference to
  its id, and every string inside a secret collected, so that what goes back and every
  message can keep it secret.
* **core -> engine** (:func:`to_engine`): snake_case back to camelCase; with ``keep``, only
  what that type declares (the inputs among the outputs); the engine's own value wherever
  the core's is unchanged (with its secret mark and dependencies: turning values into
  plain dicts loses the marks of nested secrets); and anything derived from a secret (a
  string equal to one, a JSON text holding one, a map keyed by one) marked secret. Unknowns
  go back as the sentinel string (``PropertyValue.computed()`` cannot be marshalled in SDK
  3.272.0).

A key the type does not declare is renamed mechanically and what it holds is kept as it is
(the core's own bookkeeping), so a misspelt property reaches the core's check and comes
back as written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi.provider.experimental.property_value import (
    Computed,
    PropertyValue,
    ResourceReference,
)
from pulumi.runtime import rpc

from omics_resources.core.validation import UNKNOWN, is_unknown
from omics_resources.provider.names import camel, snake
from omics_resources.provider.types import ANY, Type

__all__ = ["SECRET_MASK", "mask", "plain", "to_core", "to_engine"]

#: What a secret value reads as in a message or a progress line.
SECRET_MASK = "[secret]"  # noqa: S105 - the mask, not a password


def _key_and_type(key: str, type_: Type, core_key: str) -> tuple[str, Type]:
    """An object's member (by its core name) or a map's entry: its type."""
    if type_.kind == "object":
        return core_key, type_.member(core_key) or ANY
    if type_.kind == "map":
        return key, type_.items or ANY
    return key, ANY


def _core(value: PropertyValue, type_: Type, secrets: set[str], secret: bool) -> Any:
    secret = secret or value.is_secret
    inner = value.value
    if isinstance(inner, Computed) or (isinstance(inner, str) and inner == rpc.UNKNOWN):
        return UNKNOWN
    if isinstance(inner, ResourceReference):
        if inner.resource_id is None:
            return UNKNOWN
        return _core(inner.resource_id, type_, secrets, secret)
    if isinstance(inner, Mapping):
        out = {}
        for key, item in inner.items():
            name, member = _key_and_type(key, type_, snake(key))
            out[name] = _core(item, member, secrets, secret)
        return out
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        items = (type_.items or ANY) if type_.kind == "array" else ANY
        return [_core(item, items, secrets, secret) for item in inner]
    if isinstance(inner, str) and secret and inner:
        secrets.add(inner)
    if type_.kind == "string" and isinstance(inner, float) and inner.is_integer():
        # Integers above 2**53 cannot come through a JSON number intact anyway.
        return str(int(inner))
    return inner


def to_core(props: Mapping[str, PropertyValue], type_: Type, secrets: set[str]) -> dict[str, Any]:
    """The engine's properties as the core's plain values (see the module); every string
    inside a secret is added to ``secrets``."""
    return {
        name: _core(item, member, secrets, False)
        for key, item in props.items()
        for name, member in [_key_and_type(key, type_, snake(key))]
    }


def plain(value: PropertyValue) -> Any:
    """``value`` as plain Python with its names as they are (provider configuration)."""
    return _core(value, ANY, set(), False)


def _holds(text: str, secrets: set[str]) -> bool:
    # A JSON text (the cohort's ledger is one string) with a secret as one of its strings.
    return any(json.dumps(s, ensure_ascii=False) in text for s in secrets)


class _Engine:
    """One walk from the core's values to the engine's."""

    def __init__(self, secrets: set[str]) -> None:
        self.secrets = secrets

    def leaf(self, value: Any, original: PropertyValue | None) -> PropertyValue:
        if original is not None and plain(original) == value:
            built = original
        elif is_unknown(value):
            built = PropertyValue(rpc.UNKNOWN)
        elif value is None or isinstance(value, bool | str):
            built = PropertyValue(value)
        elif isinstance(value, int | float):
            built = PropertyValue(float(value))
        else:
            built = PropertyValue(str(value))
        text = built.value
        derived = isinstance(text, str) and text != rpc.UNKNOWN and self.secrets
        if derived and (text in self.secrets or _holds(str(text), self.secrets)):
            return built.with_secret(True)
        return built

    def walk(
        self, value: Any, type_: Type, original: PropertyValue | None, keep: Type | None
    ) -> PropertyValue:
        was = original.value if original is not None else None
        if isinstance(value, Mapping):
            olds = was if isinstance(was, Mapping) else {}
            out: dict[str, PropertyValue] = {}
            for core_key, item in value.items():
                key = str(core_key)
                name = camel(key) if type_.kind == "object" else key
                if keep is not None and keep.kind == "object" and key not in keep.props:
                    continue
                inner_keep = None
                if keep is not None:
                    inner_keep = keep.member(key) if keep.kind == "object" else keep.items
                _, member = _key_and_type(name, type_, key)
                out[name] = self.walk(item, member, olds.get(name), inner_keep)
            keyed = any(s in k for k in out for s in self.secrets)
            return self.container(out, original, olds, keyed)
        if isinstance(value, list | tuple):
            olds_list = was if isinstance(was, Sequence) and not isinstance(was, str) else ()
            items = (type_.items or ANY) if type_.kind == "array" else ANY
            inner = keep.items if keep is not None else None
            built = [
                self.walk(v, items, olds_list[i] if i < len(olds_list) else None, inner)
                for i, v in enumerate(value)
            ]
            return self.container(built, original, dict(enumerate(olds_list)), False)
        return self.leaf(value, original)

    @staticmethod
    def container(
        built: Mapping[str, PropertyValue] | list[PropertyValue],
        original: PropertyValue | None,
        olds: Mapping[Any, PropertyValue],
        keyed: bool,
    ) -> PropertyValue:
        """An object, map or list; the engine's own where nothing in it changed; secret as
        a whole when the engine's was or when its keys hold a secret (a key cannot be
        secret on its own)."""
        pairs = built.items() if isinstance(built, Mapping) else enumerate(built)
        same = len(built) == len(olds) and all(olds.get(k) is v for k, v in pairs)
        if original is not None and same:
            result = original
        elif original is not None:
            result = original.with_value(built)
        else:
            result = PropertyValue(built)
        return result.with_secret(True) if keyed and not result.is_secret else result


def to_engine(
    values: Mapping[str, Any],
    type_: Type,
    originals: Mapping[str, PropertyValue],
    secrets: set[str],
    keep: Type | None = None,
) -> dict[str, PropertyValue]:
    """The core's values as the engine's properties (see the module): ``originals`` are the
    engine's values by camelCase name, ``keep`` the type whose members alone go back."""
    built = _Engine(secrets).walk(values, type_, PropertyValue(dict(originals)), keep).value
    if not isinstance(built, Mapping):
        raise TypeError(f"properties must be an object, not {type(built).__name__}")
    return dict(built)


def mask(text: str, secrets: set[str]) -> str:
    """``text`` with every secret string in it replaced by :data:`SECRET_MASK`."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, SECRET_MASK)
    return text
