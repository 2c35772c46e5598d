"""The Terraform schema is generated from the core's tables: every registered kind, each
attribute flagged from its field (required, optional with a default, computed), lists of
objects as nested attributes, and a kind declared in the core alone served as well."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from omics_resources.core import registry
from omics_resources.terraform import schema
from omics_resources.terraform.proto import tfplugin6_pb2 as pb
from omics_resources.terraform.provider import OmicsTerraformProvider


def attributes(block: pb.Schema.Block) -> dict[str, pb.Schema.Attribute]:
    return {a.name: a for a in block.attributes}


def served() -> dict[str, pb.Schema]:
    response = OmicsTerraformProvider().GetProviderSchema(pb.GetProviderSchema.Request(), None)
    return dict(response.resource_schemas)


@pytest.fixture
def fresh_schemas() -> Iterator[None]:
    schema.resource_schemas.cache_clear()
    yield
    schema.resource_schemas.cache_clear()


def test_every_registered_kind_is_a_resource_type(fresh_schemas: None) -> None:
    names = {schema.terraform_name(t) for t in registry.BEHAVIOURS}
    assert set(served()) == names
    assert {"omics_read_set_import_job", "omics_read_set_activation_job",
            "omics_cohort_import", "omics_active_read_sets"} <= names


def test_attributes_are_flagged_from_the_field_tables(fresh_schemas: None) -> None:
    cohort = attributes(served()["omics_cohort_import"].block)
    store = cohort["sequence_store_id"]
    assert (store.required, store.optional, store.computed) == (True, False, False)
    assert json.loads(store.type) == "string"
    wait = cohort["wait"]  # a setting with a default: the plan fills it in
    assert (wait.required, wait.optional, wait.computed) == (False, True, True)
    assert json.loads(cohort["read_set_ids"].type) == ["map", "string"]
    assert cohort["read_set_ids"].computed and not cohort["read_set_ids"].optional
    assert cohort["id"].computed
    assert "sample" in cohort["samples"].description.lower()


def test_a_list_of_objects_is_a_nested_attribute_with_its_results_computed(
    fresh_schemas: None,
) -> None:
    sources = attributes(served()["omics_read_set_import_job"].block)["sources"]
    assert sources.required and sources.nested_type.nesting == pb.Schema.Object.LIST
    members = {a.name: a for a in sources.nested_type.attributes}
    assert members["source1"].required
    assert members["source2"].optional and not members["source2"].computed
    assert json.loads(members["tags"].type) == ["map", "string"]
    assert members["status"].computed and not members["status"].optional


def test_a_kind_declared_in_the_core_only_appears_in_the_schema(
    fresh_schemas: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.BEHAVIOURS, "ReadSetCensus",
                        "tests.unit.terraform.extra_kind:ReadSetCensusBehaviour")
    census = attributes(served()["omics_read_set_census"].block)
    assert census["census_time"].computed
    assert census["read_set_ids"].required
    assert census["census_time"].description == "When it counted."


def test_the_provider_block_has_the_core_settings() -> None:
    block = attributes(schema.provider_schema().block)
    assert {"region", "profile", "endpoint", "max_requests_per_second", "max_concurrent_import_jobs",
            "max_concurrent_activation_jobs", "max_concurrent_export_jobs"} <= set(block)
    assert json.loads(block["max_requests_per_second"].type) == "dynamic"
    assert all(a.optional for a in block.values())


def test_the_plugin_loads_no_pulumi_module() -> None:
    code = ("import sys, omics_resources.terraform.plugin; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pulumi'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
