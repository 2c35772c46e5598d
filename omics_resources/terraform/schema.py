"""The provider's Terraform schema, generated from the core: every resource of
:data:`omics_resources.core.registry.BEHAVIOURS` as ``omics_<snake_case type>``, its
attributes from the field and output tables (:mod:`omics_resources.core.schema.types`),
and the provider block from the core's settings (:mod:`omics_resources.core.schema.config`).

Which attribute is required, optional or computed follows from the tables: a field the
Start request needs is required, a setting with a default is optional and computed (the
plan fills the default in), an output is computed. A list of objects among the inputs is a
nested attribute (``sources = [{...}]``), its members flagged the same way, the results a
job adds to each of them computed. Two attributes are the front-end's own: ``id``, and
``resource_name``, what a Pulumi resource's name is to the core (client tokens, messages),
which Terraform never tells a provider.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from omics_resources.core.registry import BEHAVIOURS, behaviour
from omics_resources.core.resource import ResourceBehaviour
from omics_resources.core.schema.config import CONFIG_DOCS
from omics_resources.core.schema.types import Prop, Type, resource_type, value_type
from omics_resources.terraform.cty import cty_type
from omics_resources.terraform.proto import tfplugin6_pb2 as pb

__all__ = [
    "ID",
    "NAME",
    "ResourceSchema",
    "config_key",
    "config_type",
    "provider_schema",
    "resource_schemas",
    "terraform_name",
]

ID = "id"
NAME = "resource_name"
_PREFIX = "omics_"
_ROLE = re.compile(r":\w+:`~?([^`]+)`")
_SEE = re.compile(r"\s*\(see :\w+:`[^`]+`\)")
_LITERAL = re.compile(r"``([^`]+)``")
_KINDS = {"any": "any", "string": "string", "integer": "integer", "boolean": "boolean"}


def terraform_name(type_name: str) -> str:
    """A core type's Terraform name: ``CohortImport`` -> ``omics_cohort_import``."""
    return _PREFIX + re.sub(r"(?<!^)(?=[A-Z])", "_", type_name).lower()


def describe(doc: str) -> str:
    """A docstring as a plain description (Terraform shows it in docs and editors)."""
    text = _SEE.sub("", doc)
    text = _ROLE.sub(lambda m: f"`{m.group(1).rsplit('.', 1)[-1]}`", text)
    return _LITERAL.sub(lambda m: f"`{m.group(1)}`", text).strip()


def config_key(core_key: str) -> str:
    """The provider-block attribute of a core setting key: ``omics-resources:maxConcurrent
    ImportJobs`` -> ``max_concurrent_import_jobs``, ``aws:region`` -> ``region``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", core_key.partition(":")[2]).lower()


@functools.cache
def config_type() -> Type:
    """The provider block's attributes as an object type."""
    props = {
        config_key(key): Prop(Type(_KINDS.get(kind, "string")), doc)
        for key, (kind, doc) in CONFIG_DOCS.items()
    }
    return Type("object", props=props)


@dataclass(frozen=True)
class ResourceSchema:
    """One resource type: its behaviour, its inputs and its state (every attribute)."""

    name: str
    behaviour: type[ResourceBehaviour]
    inputs: Type
    state: Type

    def computed_only(self, name: str) -> bool:
        """Whether a top-level attribute is the provider's alone (no input)."""
        return name not in self.inputs.props

    def block(self) -> pb.Schema.Block:
        """The resource's block: every attribute, flagged from the tables."""
        return pb.Schema.Block(
            attributes=[
                _attribute(n, p, self.inputs.props.get(n)) for n, p in self.state.props.items()
            ],
            description=describe(self.behaviour.summary),
            description_kind=pb.StringKind.PLAIN,
        )


def _flags(given: Prop | None) -> dict[str, bool]:
    if given is None:
        return {"computed": True}
    if given.required:
        return {"required": True}
    return {"optional": True, "computed": given.default is not None}


def _attribute(name: str, prop: Prop, given: Prop | None) -> pb.Schema.Attribute:
    attribute = pb.Schema.Attribute(
        name=name,
        description=describe(prop.doc),
        description_kind=pb.StringKind.PLAIN,
        **_flags(given),
    )
    items = prop.type.items
    given_items = given.type.items if given is not None else None
    if given_items is not None and items is not None and items.kind == "object":
        # A list of objects among the inputs: members required, optional or the results.
        attribute.nested_type.CopyFrom(
            pb.Schema.Object(
                attributes=[
                    _attribute(n, p, given_items.props.get(n)) for n, p in items.props.items()
                ],
                nesting=pb.Schema.Object.LIST,
            )
        )
    else:
        attribute.type = json.dumps(cty_type(prop.type)).encode()
    return attribute


def _with_own(type_: Type, *, inputs: bool) -> Type:
    own = {NAME: Prop(Type("string"), _NAME_DOC, default="")}
    if not inputs:
        own[ID] = Prop(Type("string"), "The resource's id (what `terraform import` takes).")
    return Type("object", props={**type_.props, **own})


_NAME_DOC = (
    "The resource's name for the core, as a Pulumi resource's name is: its client tokens "
    "and cohort id derive from it. Give each resource of one type in one store its own "
    "(default: the type's name)."
)


@functools.cache
def resource_schemas() -> Mapping[str, ResourceSchema]:
    """Every resource type, by Terraform name."""
    found = {}
    for type_name in BEHAVIOURS:
        behaviour_class = behaviour(type_name)
        # Terraform keeps every attribute: the inputs and outputs together.
        inputs, state = resource_type(behaviour_class)[0], value_type(behaviour_class)
        name = terraform_name(type_name)
        found[name] = ResourceSchema(
            name, behaviour_class, _with_own(inputs, inputs=True), _with_own(state, inputs=False)
        )
    return found


def provider_schema() -> pb.Schema:
    """The provider block: region, profile, endpoint, the scheduling settings."""
    return pb.Schema(
        block=pb.Schema.Block(
            attributes=[
                pb.Schema.Attribute(
                    name=n,
                    type=json.dumps(cty_type(p.type)).encode(),
                    description=describe(p.doc),
                    description_kind=pb.StringKind.PLAIN,
                    optional=True,
                )
                for n, p in config_type().props.items()
            ],
            description="The omics provider: AWS HealthOmics read-set jobs.",
        )
    )
