"""A resource's Terraform object, mapped to the core's props and back.

Terraform holds what its schema declares and nothing else, and it holds a provider to its
plan: every known value of a planned object must come back from the apply as planned,
and an input the configuration leaves null must stay null. So the object returned is the
planned one with only what the plan left to the provider (the computed attributes and a
list's computed members, such as each source's ``status``) taken from the core's outputs
(:func:`merged`). What the core keeps besides the declared outputs (the cohort's ledger)
goes in the resource's private data, which Terraform stores with the state and hands back
on every call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from omics_resources.core.resource import SCOPE_PROPERTY, Props
from omics_resources.core.schema.types import Prop, Type
from omics_resources.core.validation import UNKNOWN, is_unknown
from omics_resources.terraform.schema import ID, NAME, ResourceSchema

__all__ = ["core_props", "known", "merged", "private_of", "scope", "state_of"]

#: The scope's project and stack: Terraform tells a provider neither (see :data:`NAME`).
_PROJECT = "terraform"


def scope(schema: ResourceSchema, value: Mapping[str, Any] | None) -> dict[str, str]:
    """What the core derives client tokens and ids from besides the request."""
    name = (value or {}).get(NAME)
    name = name if isinstance(name, str) and name else schema.name
    return {"project": _PROJECT, "stack": _PROJECT, "resource_name": name}


def known(value: Any) -> Any:
    """``value`` without unknown members (what a plan left to the apply)."""
    if isinstance(value, Mapping):
        return {k: known(v) for k, v in value.items() if not is_unknown(v)}
    if isinstance(value, list):
        return [known(v) for v in value]
    return value


def core_props(
    schema: ResourceSchema,
    value: Mapping[str, Any] | None,
    private: bytes = b"",
    *,
    unknowns: bool = True,
) -> Props:
    """The core's props of a Terraform object (and the private data kept with it);
    ``unknowns`` False leaves out what a plan left unknown (the computed attributes)."""
    props: Props = json.loads(private) if private else {}
    given = {k: v for k, v in (value or {}).items() if k not in (ID, NAME)}
    props.update(given if unknowns else known(given))
    props[SCOPE_PROPERTY] = scope(schema, value)
    return props


def _merge(planned: Any, outputs: Any, type_: Type, given: Prop | None, keep_null: bool) -> Any:
    if given is None or is_unknown(planned) or (planned is None and not keep_null):
        return outputs
    items, given_items = type_.items, given.type.items
    if (
        isinstance(planned, list)
        and items is not None
        and given_items is not None
        and items.kind == "object"
    ):
        if isinstance(outputs, list) and len(outputs) == len(planned):
            rows = outputs
        else:  # the outputs have no such list: a plan's results are unknown, a read's none
            rows = [UNKNOWN if is_unknown(outputs) else None] * len(planned)
        return [_object(p, rows[i], items, given_items, keep_null) for i, p in enumerate(planned)]
    return planned


def _object(planned: Any, outputs: Any, type_: Type, given: Type, keep_null: bool) -> Any:
    if not isinstance(planned, Mapping):
        return planned
    found = outputs if isinstance(outputs, Mapping) else {}
    return {
        name: _merge(
            planned.get(name),
            UNKNOWN if is_unknown(outputs) else found.get(name),
            prop.type,
            given.props.get(name),
            keep_null,
        )
        for name, prop in type_.props.items()
    }


def merged(
    schema: ResourceSchema, planned: Mapping[str, Any], outputs: Any, *, keep_null: bool = True
) -> dict[str, Any]:
    """``planned`` with what the provider decides taken from ``outputs`` (UNKNOWN: all
    of it unknown, for a plan). ``keep_null`` False takes an output where ``planned`` is
    null too (a read after ``terraform import``, whose state holds only the id)."""
    result = _object(planned, outputs, schema.state, schema.inputs, keep_null)
    return dict(result)


def state_of(
    schema: ResourceSchema,
    id_: str,
    outputs: Mapping[str, Any],
    planned: Mapping[str, Any],
    *,
    keep_null: bool = True,
) -> dict[str, Any]:
    """The object Terraform stores for a resource the core answered ``outputs`` for."""
    plain = {k: v for k, v in outputs.items() if k != SCOPE_PROPERTY}
    state = merged(schema, {**planned, ID: None}, {**plain, ID: id_}, keep_null=keep_null)
    state[ID] = id_
    state[NAME] = scope(schema, planned)["resource_name"]
    return state


def private_of(schema: ResourceSchema, outputs: Mapping[str, Any]) -> bytes:
    """What the core keeps besides the declared attributes, as the resource's private data."""
    extra = {
        k: v for k, v in outputs.items() if k not in schema.state.props and k != SCOPE_PROPERTY
    }
    return json.dumps(extra, separators=(",", ":")).encode() if extra else b""
