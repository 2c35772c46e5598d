"""The engine's unknowns <-> the core's.

The dynamic provider server hands Check and Diff a not-yet-known value as an ``Unknown``
object (at the top level) or as the protocol's sentinel string (nested); the core knows
one :data:`~omics_resources.core.validation.UNKNOWN`. Check's inputs go back to the engine
with the sentinel, which the server serializes as an unknown again.
"""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import rpc

from omics_resources.core.validation import UNKNOWN

__all__ = ["to_core", "to_engine"]


def to_core(value: Any) -> Any:
    """``value`` with every engine unknown, at any depth, as the core's."""
    if isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: to_core(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_core(v) for v in value]
    return value


def to_engine(value: Any) -> Any:
    """``value`` with every core unknown, at any depth, as the engine's sentinel."""
    if value is UNKNOWN:
        return rpc.UNKNOWN
    if isinstance(value, dict):
        return {k: to_engine(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_engine(v) for v in value]
    return value
