"""Requests in and answers out, by botocore's shapes.

:func:`serialize` writes an answer strictly by the operation's output shape: only the
members the model gives that structure, timestamps in the member's format, no nulls. So a
model's ``describe()`` may say more than one answer needs (a read set's ``creationJobId``
belongs in GetReadSetMetadata's answer, not in a ListReadSets item) and every answer is
exactly what the service would send. :func:`parse` reads what JSON cannot type
(timestamps) and finds what :mod:`omics_resources.core.service_model` does not check (integer
ranges such as ``maxResults``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from omics_resources.core import service_model
from omics_resources.core.service_model import Violation

Path = tuple[str | int, ...]

__all__ = ["parse", "serialize"]


def _format_timestamp(shape: Shape, value: Any) -> Any:
    if isinstance(value, str):
        return value
    moment = datetime.fromtimestamp(float(value), UTC)
    if shape.serialization.get("timestampFormat", "iso8601") != "iso8601":
        return moment.timestamp()
    return moment.isoformat().replace("+00:00", "Z")


def serialize(shape: Shape | None, value: Any) -> Any:
    """``value`` as ``shape`` has it on the wire: members the shape does not have and
    ``None`` values are dropped, timestamps (epoch seconds) formatted."""
    if shape is None or value is None:
        return None
    if isinstance(shape, StructureShape):
        out = {}
        for name, member in shape.members.items():
            # Header and status-code members travel outside the body; none of ours has any.
            if member.serialization.get("location") or value.get(name) is None:
                continue
            out[name] = serialize(member, value[name])
        return out
    if isinstance(shape, ListShape):
        return [serialize(shape.member, item) for item in value]
    if isinstance(shape, MapShape):
        return {key: serialize(shape.value, item) for key, item in value.items()}
    if shape.type_name == "timestamp":
        return _format_timestamp(shape, value)
    return value


def _timestamp(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    return None


def _integer_problem(shape: Shape, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number"
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and value < low:
        return f"must be greater than or equal to {low}"
    if high is not None and value > high:
        return f"must be less than or equal to {high}"
    return None


def _parse(shape: Shape, value: Any, path: Path, found: list[Violation]) -> Any:
    if value is None:
        return None
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        members = shape.members
        return {
            name: _parse(members[name], item, (*path, name), found) if name in members else item
            for name, item in value.items()
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_parse(shape.member, item, (*path, i), found) for i, item in enumerate(value)]
    if shape.type_name == "timestamp":
        moment = _timestamp(value)
        if moment is None:
            found.append(Violation(path, value, "must be a timestamp (ISO 8601 or epoch seconds)"))
        return moment
    if shape.type_name in ("integer", "long"):
        problem = _integer_problem(shape, value)
        if problem is not None:
            found.append(Violation(path, value, problem))
    return value


def parse(operation: str, params: Mapping[str, Any]) -> tuple[dict[str, Any], list[Violation]]:
    """The request's members with timestamps as epoch seconds, and the violations of what
    :func:`~omics_resources.core.service_model.check_input` does not check (timestamps that are
    none, integers out of the model's range)."""
    shape = service_model.operation_model(operation).input_shape
    if shape is None:
        return dict(params), []
    found: list[Violation] = []
    return dict(_parse(shape, dict(params), (), found)), found
