"""The design test: a new job kind in the core is a provider resource with no provider code.

A draft of a reference import (StartReferenceImportJob, a kind declared here only) is
declared as the core declares its kinds (a field table, a JobKind, a JobBehaviour) and put
in the registry beside the real ``ReferenceImportJob``: the schema has it with camelCase
properties, and the provider checks it through the same calls as the other resources,
naming its properties as users write them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue

from omics_resources.core import registry
from omics_resources.core.account.api import JobOperations, ReadSetInfo
from omics_resources.core.fields import Field
from omics_resources.core.jobs.behaviour import JobBehaviour
from omics_resources.core.jobs.kind import COMMON_FIELDS, JobKind, Props
from omics_resources.provider import calls, schema
from omics_resources.provider.provider import OmicsProvider
from tests.support.engine_values import engine_value

REFERENCE_FIELDS = (
    Field("reference_store_id", api=("referenceStoreId",), doc="The reference store."),
    Field("role_arn", api=("roleArn",), doc="The role HealthOmics assumes."),
    Field("sources", api=("sources",), doc="The references to import.", items=(
        Field("source_file", api=("sourceFile",), doc="The FASTA file's S3 URI."),
        Field("name", api=("name",), doc="The reference's name."),
    )),
    *(f for f in COMMON_FIELDS if f.setting is not None),
)


class ReferenceKind(JobKind):
    noun = "reference import job"
    operations = JobOperations(start="StartReferenceImportJob", get="GetReferenceImportJob",
                               list="ListReferenceImportJobs")
    slot = "import"
    fields = REFERENCE_FIELDS

    def source_outputs(self, job: Mapping[str, Any], props: Mapping[str, Any],
                       read_sets: Mapping[str, ReadSetInfo]) -> list[Props]:
        return [dict(s) for s in job.get("sources") or []]

    def source_label(self, index: int, source: Mapping[str, Any]) -> str:
        return f"sources[{index}]"


class DraftReferenceImportBehaviour(JobBehaviour):
    """A reference import job."""

    type_name = "DraftReferenceImport"
    summary = "A HealthOmics reference import job."
    kind = ReferenceKind()


@pytest.fixture
def registered() -> Iterator[None]:
    registry.BEHAVIOURS["DraftReferenceImport"] = f"{__name__}:DraftReferenceImportBehaviour"
    calls._types.cache_clear()
    calls._renamer.cache_clear()
    yield
    del registry.BEHAVIOURS["DraftReferenceImport"]
    calls._types.cache_clear()
    calls._renamer.cache_clear()


def test_a_new_kind_is_in_the_schema(registered: None) -> None:
    spec = schema.generate()
    resource = spec["resources"]["omics:index:DraftReferenceImport"]
    assert resource["requiredInputs"] == ["referenceStoreId", "roleArn", "sources"]
    item = spec["types"]["omics:index:DraftReferenceImportSource"]
    assert set(item["properties"]) == {"sourceFile", "name"}
    assert item["required"] == ["name", "sourceFile"]


def test_a_new_kind_is_checked_by_the_provider(registered: None) -> None:
    urn = "urn:pulumi:dev::refs::omics:index:DraftReferenceImport::grch38"
    news = engine_value({"referenceStoreId": "12345678x0", "roleArn": "arn:aws:iam::1:role/r",
                       "sources": [{"sourceFile": "s3:/bucket/ref.fa", "name": "GRCh38"}],
                       "waitTimeout": 0.0})
    assert isinstance(news.value, Mapping)
    request = rpc.CheckRequest(urn, {}, dict(news.value), b"")
    answer = asyncio.run(OmicsProvider().check(request))
    problems = {f.property: f.reason for f in answer.failures or []}
    assert set(problems) == {"referenceStoreId", "sources[0].sourceFile", "waitTimeout"}
    assert "must be digits only" in problems["referenceStoreId"]
    assert "must be a positive number of seconds" in problems["waitTimeout"]
    inputs = answer.inputs or {}
    assert inputs["wait"] == PropertyValue(True)  # defaults filled in, camelCase
    assert "scope" not in inputs
