"""The schema is generated from the core's tables and botocore's model; the committed copy
(what the provider serves and the SDKs are generated from) is the generated one."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from omics_resources.core.registry import BEHAVIOURS, behaviour
from omics_resources.core.service_model import file_types
from omics_resources.provider import schema
from omics_resources.provider.names import camel


def generated() -> dict[str, Any]:
    return schema.generate()


def test_the_committed_schema_is_the_generated_one() -> None:
    assert schema.SCHEMA_PATH.read_text() == schema.render(), (
        "omics_resources/provider/schema.json is stale: run "
        "`python -m omics_resources.provider.schema` and commit it"
    )


@pytest.mark.parametrize("type_name", list(BEHAVIOURS))
def test_every_field_and_output_is_a_camel_case_property(type_name: str) -> None:
    found = behaviour(type_name)
    resource = generated()["resources"][f"omics:index:{type_name}"]
    assert set(resource["inputProperties"]) == {camel(f.name) for f in found.fields}
    repeated = {f.name for f in found.fields} - set(found.inputs_not_in_outputs)
    assert set(resource["properties"]) == (
        {camel(n) for n in repeated} | {camel(o.name) for o in found.outputs})
    for name, prop in [*resource["inputProperties"].items(), *resource["properties"].items()]:
        assert prop.get("description"), name


def test_no_cohort_sources_output_it_never_sets() -> None:
    cohort = generated()["resources"]["omics:index:CohortImport"]
    assert "sources" in cohort["inputProperties"] and "sources" not in cohort["properties"]


def test_every_named_type_and_its_members_are_described() -> None:
    for name, spec in generated()["types"].items():
        assert spec.get("description"), name
        for member, prop in spec.get("properties", {}).items():
            assert prop.get("description"), f"{name}.{member}"


def test_outputs_always_set_are_required_and_the_others_are_not() -> None:
    spec = generated()
    job = spec["resources"]["omics:index:ReadSetImportJob"]
    assert {"jobId", "status", "readSetIds", "readSetStatuses", "sources", "wait"} <= set(
        job["required"])
    assert not {"statusMessage", "completionTime", "clientToken"} & set(job["required"])
    cohort = spec["resources"]["omics:index:CohortImport"]
    assert {"readSetIds", "samples", "jobs", "counts", "sequenceStoreId"} <= set(cohort["required"])
    sample = spec["types"]["omics:index:CohortImportSample"]
    assert sample["required"] == ["status"]
    result = spec["types"]["omics:index:ReadSetImportJobSourceResult"]
    assert "readSetId" not in result["required"] and "status" in result["required"]


def test_what_the_api_requires_is_required() -> None:
    spec = generated()
    job = spec["resources"]["omics:index:ReadSetImportJob"]
    assert job["requiredInputs"] == ["roleArn", "sequenceStoreId", "sources"]
    source = spec["types"]["omics:index:ReadSetImportJobSource"]
    assert source["required"] == ["sampleId", "source1", "sourceFileType", "subjectId"]
    active = spec["resources"]["omics:index:ActiveReadSets"]
    assert active["requiredInputs"] == ["readSetIds", "sequenceStoreId"]
    assert active["inputProperties"]["waitTimeout"]["default"] == 43200.0


def test_constraints_where_the_schema_holds_them() -> None:
    spec = generated()
    assert {e["value"] for e in spec["types"]["omics:index:FileType"]["enum"]} == file_types()
    source = spec["types"]["omics:index:ReadSetImportJobSource"]["properties"]
    assert source["sourceFileType"]["$ref"] == "#/types/omics:index:FileType"
    assert source["tags"]["additionalProperties"] == {"type": "string"}
    store = spec["resources"]["omics:index:CohortImport"]["inputProperties"]["sequenceStoreId"]
    assert "10 to 36 characters, pattern `[0-9]+`" in store["description"]


def test_descriptions_name_properties_as_users_write_them() -> None:
    text = json.dumps(generated())
    assert ":mod:" not in text and "``" not in text
    spec = generated()
    cohort = spec["resources"]["omics:index:CohortImport"]["inputProperties"]
    assert "`sampleId`" in cohort["sources"]["description"]
    # No snake_case property name in code spans.
    assert not [m for m in re.findall(r"`([a-z0-9_]+)`", text) if "_" in m]


def test_config_keys() -> None:
    variables = generated()["config"]["variables"]
    assert set(variables) == {"region", "profile", "endpoint", "maxRequestsPerSecond",
                              "maxConcurrentImportJobs", "maxConcurrentActivationJobs",
                              "maxConcurrentExportJobs", "maxConcurrentReferenceImportJobs"}
    assert variables["maxConcurrentImportJobs"]["type"] == "integer"
    assert generated()["provider"]["inputProperties"] == variables


def test_an_output_object_that_echoes_inputs_is_its_own_type() -> None:
    spec = generated()
    outputs = spec["resources"]["omics:index:ReadSetImportJob"]["properties"]
    result = outputs["sources"]["items"]["$ref"].rsplit("/", 1)[1]
    assert result == "omics:index:ReadSetImportJobSourceResult"
    members = spec["types"][result]["properties"]
    assert {"sourceFileType", "tags", "status", "readSetId", "readSetArn"} <= set(members)
    samples = spec["resources"]["omics:index:CohortImport"]["properties"]["samples"]
    assert samples["additionalProperties"]["$ref"] == "#/types/omics:index:CohortImportSample"
