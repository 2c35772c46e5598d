"""One engine ``Invoke`` (a program's ``fn::invoke``, ``omics.sourcesFromSampleSheet``) on
one of the core's functions (:func:`omics_resources.core.registry.functions`): its token to
the function, its arguments to the core's names, its result back in the engine's. No code
per function: a new one in a core table is served as it is."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue

from omics_resources.core.functions import Function
from omics_resources.core.registry import functions
from omics_resources.provider.config import PACKAGE
from omics_resources.provider.names import camel
from omics_resources.provider.types import Type, function_type
from omics_resources.provider.values import to_core, to_engine

__all__ = ["FunctionCall", "function_token"]


def function_token(name: str) -> str:
    """The schema token of a function: ``omics:index:sourcesFromSampleSheet``."""
    return f"{PACKAGE}:index:{camel(name)}"


@functools.cache
def _by_token() -> dict[str, Function]:
    return {function_token(f.name): f for f in functions().values()}


@dataclass
class FunctionCall:
    """The function a token names, its types, and the secrets among its arguments."""

    function: Function
    arguments: Type
    result: Type
    secrets: set[str]

    @classmethod
    def of(cls, token: str) -> FunctionCall:
        """The call of the function ``token`` names (ValueError: no such function)."""
        found = _by_token().get(token)
        if found is None:
            raise ValueError(f"{token!r} is not a function of this provider")
        arguments, result = function_type(found)
        return cls(found, arguments, result, set())

    def core(self, args: Mapping[str, PropertyValue]) -> dict[str, Any]:
        """The engine's arguments by the core's names."""
        return to_core(args, self.arguments, self.secrets)

    def engine(self, result: Any) -> dict[str, PropertyValue]:
        """The function's result as the engine's return value."""
        return to_engine({self.function.result: result}, self.result, {}, self.secrets)
