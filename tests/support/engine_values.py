"""Engine property values written as plain data, for tests that play the engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue

from omics_resources.provider.types import ANY
from omics_resources.provider.values import plain, to_engine


def engine_props(values: Mapping[str, Any]) -> dict[str, PropertyValue]:
    """``values`` (names as the engine writes them) as the engine's property map."""
    return to_engine(values, ANY, {}, set())


def engine_value(value: Any) -> PropertyValue:
    """One value as the engine sends it."""
    return engine_props({"v": value})["v"]


def as_plain(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """An engine property map back as plain data (names as they are)."""
    return {k: plain(v) for k, v in props.items()}
