"""The package schema, generated from the core: every resource of
:data:`omics_resources.core.registry.BEHAVIOURS`, its properties from its field and output
tables (:mod:`omics_resources.provider.types`), their descriptions from the tables' docs,
and the API's constraints from botocore's model (enums as enum types; lengths and patterns
in the descriptions, where a schema has no place for them).

``python -m omics_resources.provider.schema`` writes :data:`SCHEMA_PATH`, the committed
copy the provider serves and the SDKs are generated from; a unit test regenerates it and
fails when the copy is stale.
"""

from __future__ import annotations

import json
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from botocore.model import Shape

from omics_resources.core.registry import BEHAVIOURS, behaviour, functions
from omics_resources.provider.config import CONFIG_DOCS, PACKAGE, config_names
from omics_resources.provider.invokes import function_token
from omics_resources.provider.names import camel
from omics_resources.provider.types import Prop, Type, function_type, resource_type

__all__ = ["SCHEMA_PATH", "generate", "main", "render", "token"]

#: The committed schema, shipped in the package.
SCHEMA_PATH = Path(__file__).with_name("schema.json")
_DIST = "omics-resources"
_ROLE = re.compile(r":\w+:`([^`]+)`")
_SEE = re.compile(r"\s*\(see :\w+:`[^`]+`\)")
_LITERAL = re.compile(r"``([^`]+)``")


def token(name: str) -> str:
    """The schema token of a type: ``omics:index:<name>``."""
    return f"{PACKAGE}:index:{name}"


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def describe(doc: str) -> str:
    """A docstring as a schema description: Markdown code spans, camelCase names, no
    pointers into the Python modules."""
    text = _SEE.sub("", doc)
    text = _ROLE.sub(lambda m: f"`{m.group(1)}`", text)
    return _LITERAL.sub(
        lambda m: f"`{camel(m.group(1)) if '_' in m.group(1) else m.group(1)}`", text
    )


def _constraints(shape: Shape | None, enums: bool = True) -> str:
    if shape is None or shape.type_name != "string":
        return ""
    meta = shape.metadata
    parts = []
    if meta.get("enum") and not enums:
        parts.append("one of " + ", ".join(f"`{v}`" for v in meta["enum"]))
    low, high = meta.get("min"), meta.get("max")
    if low is not None and high is not None:
        parts.append(f"{low} to {high} characters")
    elif high is not None:
        parts.append(f"at most {high} characters")
    elif low:
        parts.append(f"at least {low} characters")
    if meta.get("pattern"):
        parts.append(f"pattern `{meta['pattern']}`")
    return f" Constraints: {', '.join(parts)}." if parts else ""


def _without_doc(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k != "description"}


class _Builder:
    """Collects the named object and enum types while properties are rendered."""

    def __init__(self) -> None:
        self.types: dict[str, Any] = {}
        #: Whether enums are rendered as enum types (else as strings, their values described).
        self.enums = True

    def prop(self, prop: Prop, name: str, enums: bool | None = None) -> dict[str, Any]:
        if enums is not None:
            self.enums, outer = enums, self.enums
            try:
                return self.prop(prop, name)
            finally:
                self.enums = outer
        description = describe(prop.doc) + _constraints(prop.type.shape, self.enums)
        spec = self.type(prop.type, name, describe(prop.doc))
        if description.strip():
            spec["description"] = description.strip()
        if prop.default is not None:
            spec["default"] = prop.default
        return spec

    def signature(self, type_: Type, name: str) -> dict[str, Any]:
        """A function's arguments: their properties and which must be given."""
        spec: dict[str, Any] = {
            "properties": {
                camel(n): self.prop(p, _pascal(name) + _pascal(n)) for n, p in type_.props.items()
            }
        }
        required = sorted(camel(n) for n, p in type_.props.items() if p.required)
        if required:
            spec["required"] = required
        return spec

    def type(self, type_: Type, name: str, doc: str) -> dict[str, Any]:
        """``type_``'s spec; a named type (object, enum) is described by ``doc``, what the
        property that holds it first says."""
        shape = type_.shape
        enum = shape is not None and bool(shape.metadata.get("enum"))
        if type_.kind == "string" and shape is not None and enum and self.enums:
            enum_name = token(shape.name)
            self.types.setdefault(enum_name, {"description": f"The values of `{shape.name}`."})
            self.types[enum_name].update(
                type="string", enum=[{"value": v} for v in shape.metadata["enum"]]
            )
            return {"$ref": f"#/types/{enum_name}"}
        if type_.kind in ("array", "map"):
            items = self.type(type_.items or Type("any"), name.removesuffix("s"), doc)
            return (
                {"type": "array", "items": items}
                if type_.kind == "array"
                else {"type": "object", "additionalProperties": items}
            )
        if type_.kind == "object":
            return {"$ref": f"#/types/{self.object(type_, name, doc)}"}
        if type_.kind == "any":
            return {"$ref": "pulumi.json#/Any"}
        return {"type": type_.kind}

    def object(self, type_: Type, name: str, doc: str) -> str:
        spec = {
            "description": doc.strip() or name,
            "type": "object",
            "properties": {
                camel(n): self.prop(p, name + _pascal(n)) for n, p in type_.props.items()
            },
            "required": sorted(camel(n) for n, p in type_.props.items() if p.required),
        }
        if not spec["required"]:
            del spec["required"]
        # One name per shape: an output object that differs from the input of the same
        # name (a source with its results) is that name's Result.
        candidate = token(name)
        while candidate in self.types and _without_doc(self.types[candidate]) != _without_doc(spec):
            candidate += "Result"
        self.types.setdefault(candidate, spec)
        return candidate


def generate() -> dict[str, Any]:
    """The schema as a JSON-able dict."""
    builder = _Builder()
    resources: dict[str, Any] = {}
    # What a function returns goes into a resource input as it is: no enum types in it
    # (Pulumi YAML cannot assign an output's enum to an input's: "Cannot assign
    # 'omics:index:FileType' to 'omics:index:FileType'"). The values stay in the
    # description, and check enforces them at preview.
    returned = {f.result_like for f in functions().values()}
    for type_name in BEHAVIOURS:
        found = behaviour(type_name)
        inputs, outputs = resource_type(found)
        input_props = {
            camel(n): builder.prop(p, type_name + _pascal(n), (type_name, n) not in returned)
            for n, p in inputs.props.items()
        }
        output_props = {
            camel(n): builder.prop(p, type_name + _pascal(n), (type_name, n) not in returned)
            for n, p in outputs.props.items()
        }
        resources[token(type_name)] = {
            "description": describe(found.summary),
            "properties": output_props,
            "required": sorted(camel(n) for n, p in outputs.props.items() if p.required),
            "inputProperties": input_props,
            "requiredInputs": sorted(camel(n) for n, p in inputs.props.items() if p.required),
        }
    invokes: dict[str, Any] = {}
    for function in functions().values():
        arguments, result = function_type(function)
        like = function.result_like[0] + _pascal(function.result_like[1])
        invokes[function_token(function.name)] = {
            "description": describe(function.summary),
            "inputs": builder.signature(arguments, function.name),
            "outputs": {
                "properties": {
                    camel(n): builder.prop(p, like, enums=False) for n, p in result.props.items()
                },
                "required": sorted(camel(n) for n in result.props),
            },
        }
    variables = {
        name: {
            **({"$ref": "pulumi.json#/Any"} if kind == "any" else {"type": kind}),
            "description": CONFIG_DOCS[key][1],
        }
        for key, name in config_names().items()
        for kind in [CONFIG_DOCS[key][0]]
    }
    return {
        "name": PACKAGE,
        "displayName": "AWS HealthOmics read sets",
        "description": (
            "AWS HealthOmics read-set imports and activations as declarative resources: "
            "import jobs, activation jobs, whole cohorts updated by delta, and read sets kept "
            "active."
        ),
        "version": metadata.version(_DIST),
        "keywords": ["pulumi", "aws", "healthomics", "omics", "genomics"],
        "license": "Apache-2.0",
        "meta": {"moduleFormat": "(.*)"},
        "config": {"variables": variables},
        "provider": {"description": "The omics provider.", "inputProperties": variables},
        "resources": resources,
        "functions": invokes,
        "types": dict(sorted(builder.types.items())),
    }


def render() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(generate(), indent=2, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to :data:`SCHEMA_PATH` (or the path given)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SCHEMA_PATH
    path.write_text(render())
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
