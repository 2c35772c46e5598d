"""One engine call on one resource, mapped onto its core behaviour and back.

Everything here is generic: the resource's type comes from its URN, its behaviour from
:data:`omics_resources.core.registry.BEHAVIOURS`, its property types from
:mod:`omics_resources.provider.types`. A new resource type in the core is served with no
code here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue

from omics_resources.core.registry import BEHAVIOURS, behaviour
from omics_resources.core.resource import SCOPE_PROPERTY, Props, ResourceBehaviour
from omics_resources.provider.config import config_key_renames
from omics_resources.provider.names import rename_path, text_renamer
from omics_resources.provider.types import Type, resource_type, value_type
from omics_resources.provider.values import mask, to_core, to_engine

__all__ = ["EngineProps", "ResourceCall", "renamed", "scope_of", "type_name_of"]

EngineProps = Mapping[str, PropertyValue]


def type_name_of(urn: str) -> str:
    """The core type name in a URN (``...::omics:index:CohortImport::name`` -> ``CohortImport``)."""
    parts = urn.split("::")
    qualified = parts[-2] if len(parts) > 2 else ""
    token = qualified.rsplit("$", 1)[-1]  # a child's type is qualified by its parents'
    package, _, name = token.rpartition(":")
    if not package.startswith("omics:") or name not in BEHAVIOURS:
        raise ValueError(f"{token!r} is not a resource type of this provider")
    return name


def scope_of(urn: str) -> dict[str, str]:
    """What client tokens are derived from besides the request, as the dynamic front-end
    builds it (project, stack, resource name), so a resource's tokens are the same
    whichever front-end serves it: ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    stack, project, *_rest = urn.removeprefix("urn:pulumi:").split("::")
    return {"project": project, "stack": stack, "resource_name": urn.rsplit("::", maxsplit=1)[-1]}


@functools.cache
def _types(type_name: str) -> tuple[Type, Type]:
    """The inputs, and the type of every value of the resource (inputs, outputs, state)."""
    found = behaviour(type_name)
    return resource_type(found)[0], value_type(found)


@functools.cache
def _renamer() -> Callable[[str], str]:
    names: set[str] = set()
    for type_name in BEHAVIOURS:
        for type_ in _types(type_name):
            names |= _names(type_)
    return text_renamer(names, config_key_renames())


def renamed(text: str) -> str:
    """A core message with every property and config key named as this provider's users
    write them (``wait_timeout`` -> ``waitTimeout``, ``omics-resources:endpoint`` ->
    ``omics:endpoint``)."""
    return _renamer()(text)


def _names(type_: Type) -> set[str]:
    found = set(type_.props)
    for prop in type_.props.values():
        found |= _names(prop.type)
    if type_.items is not None:
        found |= _names(type_.items)
    return found


@dataclass
class ResourceCall:
    """The resource an engine call is about: its behaviour's class, types, scope, the
    property maps the engine sent as the core's values (each converted once, in one walk)
    and the secrets among them (kept secret in what goes back)."""

    urn: str
    behaviour: type[ResourceBehaviour]
    inputs: Type
    state: Type
    secrets: set[str]
    _core: dict[int, Props]

    @classmethod
    def of(cls, urn: str, *sent: EngineProps) -> ResourceCall:
        """The call on ``urn``, with the property maps the engine sent."""
        type_name = type_name_of(urn)
        inputs, state = _types(type_name)
        secrets: set[str] = set()
        converted = {id(props): to_core(props, state, secrets) for props in sent}
        return cls(urn, behaviour(type_name), inputs, state, secrets, converted)

    def core(self, props: EngineProps) -> Props:
        """One of the maps the engine sent as the core's inputs, with the scope."""
        plain = self._core.get(id(props))
        if plain is None:
            plain = self._core[id(props)] = to_core(props, self.state, self.secrets)
        return {**plain, SCOPE_PROPERTY: scope_of(self.urn)}

    def engine(
        self, values: Mapping[str, Any], *originals: EngineProps, inputs_only: bool = False
    ) -> dict[str, PropertyValue]:
        """The core's values as the engine's properties: camelCase, the engine's own values
        where unchanged (``originals``, the first that has a key wins), secrets kept."""
        plain = {k: v for k, v in values.items() if k != SCOPE_PROPERTY}
        merged: dict[str, PropertyValue] = {}
        for props in reversed(originals):
            merged.update(props)
        keep = self.inputs if inputs_only else None
        return to_engine(plain, self.state, merged, self.secrets, keep)

    def path(self, path: str) -> str:
        """A core property path in the engine's names (``sources[3].sourceFileType``)."""
        return rename_path(path, self.state)

    def message(self, text: str) -> str:
        """A core message in the engine's names, with secrets masked."""
        return mask(renamed(text), self.secrets)

    def input_name(self, name: str) -> bool:
        """Whether ``name`` (snake_case, top level) is an input of the resource."""
        return name in self.inputs.props
