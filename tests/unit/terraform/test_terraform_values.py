"""cty values over MessagePack, and core property paths as Terraform attribute paths."""

from __future__ import annotations

import json

import msgpack

from omics_resources.core.schema.types import Prop, Type
from omics_resources.core.validation import UNKNOWN, Problem
from omics_resources.terraform import cty, diagnostics

SOURCE = Type("object", props={"source1": Prop(Type("string")), "tags": Prop(
    Type("map", items=Type("string")))})
OBJECT = Type("object", props={
    "name": Prop(Type("string")),
    "count": Prop(Type("integer")),
    "sources": Prop(Type("array", items=SOURCE)),
    "rate": Prop(Type("any")),
})


def test_an_object_carries_every_attribute_and_comes_back_without_nulls() -> None:
    wire = cty.encode({"name": "a", "sources": [{"source1": "s3://b/k"}]}, OBJECT)
    raw = msgpack.unpackb(wire)
    assert raw == {"name": "a", "count": None, "rate": None,
                   "sources": [{"source1": "s3://b/k", "tags": None}]}
    assert cty.decode(wire, b"", OBJECT) == {"name": "a", "sources": [{"source1": "s3://b/k"}]}


def test_unknown_values_travel_as_extension_zero() -> None:
    wire = cty.encode({"name": UNKNOWN, "count": 3.0}, OBJECT)
    assert msgpack.unpackb(wire)["name"] == msgpack.ExtType(0, b"")
    assert msgpack.unpackb(wire)["count"] == 3  # a whole number as an integer
    decoded = cty.decode(wire, b"", OBJECT)
    assert decoded["name"] is UNKNOWN
    # A refined unknown (extension 12) is as unknown.
    refined = msgpack.packb({"name": msgpack.ExtType(12, b"\x81\x01\xc3")})
    assert cty.decode(refined, b"", OBJECT)["name"] is UNKNOWN


def test_a_dynamic_attribute_is_a_type_and_value_pair() -> None:
    wire = cty.encode({"rate": {"importJobs": 10}}, OBJECT)
    type_json, _ = msgpack.unpackb(wire)["rate"]
    assert json.loads(type_json) == ["object", {"importJobs": "number"}]
    assert cty.decode(wire, b"", OBJECT)["rate"] == {"importJobs": 10}


def test_json_state_decodes_and_null_objects_are_null() -> None:
    assert cty.decode(b"", b'{"name": "x", "gone": 1}', OBJECT) == {"name": "x", "gone": 1}
    assert cty.is_null(msgpack.packb(None), b"")


def test_a_property_path_is_attribute_steps() -> None:
    steps = diagnostics.attribute_path("sources[3].tags['my key']").steps
    assert [s.WhichOneof("selector") for s in steps] == [
        "attribute_name", "element_key_int", "attribute_name", "element_key_string"]
    assert (steps[0].attribute_name, steps[1].element_key_int, steps[3].element_key_string) == (
        "sources", 3, "my key")


def test_a_problem_names_its_path_value_and_rule() -> None:
    found = diagnostics.problem(Problem("sources[1].source1", "s3:/x", "must match ^s3://"))
    assert found.summary.startswith("sources[1].source1: ")
    assert "s3:/x" in found.summary and "^s3://" in found.summary
    assert found.attribute.steps[1].element_key_int == 1


def test_setting_keys_are_named_as_the_provider_block_has_them() -> None:
    text = diagnostics.renamed("omics-resources:maxConcurrentImportJobs must be at least 1")
    assert text == "max_concurrent_import_jobs must be at least 1"


def test_commands_are_the_ones_a_terraform_user_runs() -> None:
    text = diagnostics.renamed("run `pulumi up` again to resume waiting for it")
    assert text == "run `tofu apply` (`terraform apply`) again to resume waiting for it"
