"""Each resource's properties as types: what a front-end's schema declares and what its
value mapping walks (the ``omics`` provider's camelCase, Terraform's attributes).

Nothing here is written per resource: a resource's type comes from its behaviour's field
table (:mod:`omics_resources.core.fields`), the shapes botocore's model gives the Start
request's members, and its output table. An object's keys are property names (renamed);
a map's keys are data (sample keys, tag keys, read-set ids: never renamed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from omics_resources.core.fields import Field, Output
from omics_resources.core.functions import Argument, Function
from omics_resources.core.registry import behaviour
from omics_resources.core.resource import ResourceBehaviour
from omics_resources.core.service_model import operation_model

__all__ = ["ANY", "Prop", "Type", "function_type", "resource_type", "value_type"]

#: The kinds of a Python setting's values.
_SETTING_KINDS = {bool: "boolean", float: "number", int: "integer", str: "string"}


@dataclass(frozen=True)
class Prop:
    """One property of an object: its type, what users read about it, whether it must be set."""

    type: Type
    doc: str = ""
    required: bool = False
    default: Any = None


@dataclass(frozen=True)
class Type:
    """A value's type: ``string``, ``number``, ``integer``, ``boolean``, ``any``, ``array``
    and ``map`` (of ``items``), or ``object`` (with ``props`` by snake_case name). ``shape``
    is botocore's, for the API's constraints (enum, length, pattern)."""

    kind: str
    items: Type | None = None
    props: Mapping[str, Prop] = field(default_factory=dict)
    shape: Shape | None = None

    def member(self, name: str) -> Type | None:
        """The type of an object's property ``name`` (None: not declared)."""
        prop = self.props.get(name)
        return prop.type if prop is not None else None


ANY = Type("any")


def _shape_type(shape: Shape) -> Type:
    if isinstance(shape, StructureShape):
        return Type(
            "object",
            props={n: Prop(_shape_type(m)) for n, m in shape.members.items()},
            shape=shape,
        )
    if isinstance(shape, ListShape):
        return Type("array", items=_shape_type(shape.member), shape=shape)
    if isinstance(shape, MapShape):
        return Type("map", items=_shape_type(shape.value), shape=shape)
    kinds = {"string": "string", "boolean": "boolean", "integer": "integer", "long": "integer"}
    return Type(kinds.get(shape.type_name, "number"), shape=shape)


def _member(shape: Shape, path: Sequence[str]) -> tuple[Shape, bool]:
    """The shape at ``path`` below ``shape``, and whether every step of it is required."""
    required = True
    for part in path:
        if not isinstance(shape, StructureShape):
            raise TypeError(f"{part}: {shape.name} has no members")
        required = required and part in shape.required_members
        shape = shape.members[part]
    return shape, required


def _input_prop(item: Field, shape: Shape) -> Prop:
    if item.setting is not None:
        kind = _SETTING_KINDS[item.setting.kind]
        return Prop(Type(kind), item.doc, default=item.setting.default)
    member, required = _member(shape, item.api)
    if item.items or item.scalar_item:
        if not isinstance(member, ListShape):
            raise TypeError(f"{item.name}: {member.name} is not a list")
        if item.items:
            element = Type("object", props=_input_props(item.items, member.member))
        else:
            element = _shape_type(_member(member.member, item.scalar_item)[0])
        return Prop(Type("array", items=element, shape=member), item.doc, required)
    return Prop(_shape_type(member), item.doc, required)


def _input_props(table: Sequence[Field], shape: Shape) -> dict[str, Prop]:
    return {f.name: _input_prop(f, shape) for f in table}


def _output_type(output: Output, inputs: Mapping[str, Prop]) -> Type:
    if output.kind == "object":
        props = {m.name: Prop(_output_type(m, {}), m.doc, not m.optional) for m in output.members}
        declared = inputs.get(output.name)
        if output.inputs and declared is not None and declared.type.items is not None:
            # The inputs an object echoes keep their input types (a tags map stays a map).
            props = {**declared.type.items.props, **props}
        one = Type("object", props=props)
    else:
        one = Type(output.kind)
    if output.many == "list":
        return Type("array", items=one)
    if output.many == "map":
        return Type("map", items=one)
    return one


def _as_output(prop: Prop) -> Prop:
    """An input among the outputs: always set when it must be given or has a default."""
    return replace(prop, required=prop.required or prop.default is not None)


def resource_type(behaviour: type[ResourceBehaviour]) -> tuple[Type, Type]:
    """The resource's inputs and its outputs (the outputs hold the inputs they repeat), as
    objects; ``required`` on an output means set once a create has returned."""
    request = operation_model(behaviour.operation).input_shape
    if request is None:
        raise TypeError(f"{behaviour.operation} has no input shape")
    inputs = _input_props(behaviour.fields, request)
    outputs = {
        n: _as_output(p) for n, p in inputs.items() if n not in behaviour.inputs_not_in_outputs
    }
    for output in behaviour.outputs:
        declared = inputs.get(output.name)
        typed = _output_type(output, inputs)
        if declared is None or (output.inputs and declared.type != typed):
            required = not output.optional or (declared is not None and declared.required)
            outputs[output.name] = Prop(typed, output.doc, required)
    return Type("object", props=inputs), Type("object", props=outputs)


def value_type(behaviour: type[ResourceBehaviour]) -> Type:
    """One type for every value of the resource (inputs, outputs, state), which the value
    walks follow: the outputs' and the inputs they do not repeat."""
    inputs, outputs = resource_type(behaviour)
    return Type("object", props={**inputs.props, **outputs.props})


def _argument_type(argument: Argument) -> Type:
    if argument.kind in ("array", "map"):
        return Type(argument.kind, items=Type("string"))
    return Type(argument.kind)


def function_type(function: Function) -> tuple[Type, Type]:
    """A function's arguments and its result, as objects; the result has the type of the
    resource input it is like (a loader's sources: ``CohortImport``'s)."""
    arguments = {a.name: Prop(_argument_type(a), a.doc, a.required) for a in function.arguments}
    type_name, input_name = function.result_like
    like = resource_type(behaviour(type_name))[0].props[input_name]
    result = Prop(like.type, function.result_doc, required=True)
    return Type("object", props=arguments), Type("object", props={function.result: result})
