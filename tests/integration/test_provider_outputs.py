"""What the schema promises a typed language is what create returns: each resource type
created through the real `omics` provider against the emulator, waiting and not.

Every output the schema marks required is set (not null); every output the schema lists
besides the inputs is in the answer, so none is never set; and the answer holds nothing
the schema does not list but the state's own bookkeeping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.clients import ROLE_ARN, aws_client
from omics_resources.core.registry import BEHAVIOURS
from omics_resources.provider import schema
from tests.support.emulator_control import EmulatorControl
from tests.support.omics_provider import OmicsPlugin, omics_provider
from tests.support.provider_server import Failure
from tests.support.scenario import BUCKET, fastq

#: What the state keeps besides the schema's outputs (the core's bookkeeping, no user's).
BOOKKEEPING = {"ledger"}


@dataclass
class World:
    """A store, a bucket of FASTQ files, read sets already there (three archived), and a
    local FASTQ file."""

    store_id: str
    read_set_ids: list[str]
    local_fastq: str
    reference_store_id: str

    @staticmethod
    def source(sample: str) -> dict[str, Any]:
        return {"sourceFileType": "FASTQ", "source1": f"s3://{BUCKET}/{sample}_R1.fastq",
                "subjectId": f"subject-{sample}", "sampleId": sample, "name": sample}


#: Valid inputs of each resource type, as a program would give them.
EXAMPLES: dict[str, Callable[[World], dict[str, Any]]] = {
    "ReadSetImportJob": lambda w: {"sequenceStoreId": w.store_id, "roleArn": ROLE_ARN,
                                   "sources": [w.source("j1")]},
    "ReadSetActivationJob": lambda w: {"sequenceStoreId": w.store_id,
                                       "readSetIds": w.read_set_ids[:1]},
    "CohortImport": lambda w: {"sequenceStoreId": w.store_id, "roleArn": ROLE_ARN,
                               "sources": [w.source("c1"), w.source("c2")]},
    "ActiveReadSets": lambda w: {"sequenceStoreId": w.store_id,
                                 "readSetIds": w.read_set_ids[1:3]},
    "ReadSetExport": lambda w: {"sequenceStoreId": w.store_id, "roleArn": ROLE_ARN,
                                "destination": f"s3://{BUCKET}/exports/",
                                "readSetIds": w.read_set_ids[3:]},
    "ReadSetUpload": lambda w: {"sequenceStoreId": w.store_id, "source1": w.local_fastq,
                                "sourceFileType": "FASTQ", "subjectId": "subject-u1",
                                "sampleId": "u1", "name": "u1"},
    "ReferenceImportJob": lambda w: {"referenceStoreId": w.reference_store_id,
                                     "roleArn": ROLE_ARN, "references": [
                                         {"name": "ref1", "sourceFile": f"s3://{BUCKET}/ref1.fa"}]},
}


@pytest.fixture(scope="module")
def plugin(provider_env: dict[str, str], emulator_url: str) -> Iterator[OmicsPlugin]:
    with omics_provider(provider_env, emulator_url) as served:
        yield served


@pytest.fixture
def world(emulator_url: str, control: EmulatorControl, plugin: OmicsPlugin,
          request: pytest.FixtureRequest, tmp_path: Path) -> World:
    omics, s3 = aws_client("omics", emulator_url), aws_client("s3", emulator_url)
    store = omics.create_sequence_store(name=f"outputs-{request.node.name[:40]}")["id"]
    s3.create_bucket(Bucket=BUCKET)
    for sample in ("j1", "c1", "c2", "a1", "a2", "a3", "a4"):
        s3.put_object(Bucket=BUCKET, Key=f"{sample}_R1.fastq", Body=fastq(sample))
    seeded = plugin.create(plugin.urn("CohortImport", "seed"), {
        "sequenceStoreId": store, "roleArn": ROLE_ARN,
        "sources": [World.source(s) for s in ("a1", "a2", "a3", "a4")]})
    assert not isinstance(seeded, Failure), seeded
    ids = [seeded[1]["readSetIds"][s] for s in ("a1", "a2", "a3", "a4")]
    control.archive(store, ids[:3])  # the last stays ACTIVE: exports read it
    local = tmp_path / "u1_R1.fastq"
    local.write_bytes(fastq("u1"))
    s3.put_object(Bucket=BUCKET, Key="ref1.fa", Body=b">chr1\nACGTACGTAC\n")
    control.limits(rates={"sequenceStoreChanges": 20})
    references = omics.create_reference_store(name=f"refs-{request.node.name[:40]}")["id"]
    return World(store, ids, str(local), references)


def test_every_type_has_example_inputs() -> None:
    assert set(EXAMPLES) == set(BEHAVIOURS), "add valid inputs for each new type to EXAMPLES"


@pytest.mark.parametrize("wait", [True, False])
@pytest.mark.parametrize("type_name", list(BEHAVIOURS))
def test_create_returns_what_the_schema_says(
    plugin: OmicsPlugin, world: World, type_name: str, wait: bool
) -> None:
    spec = schema.generate()["resources"][f"omics:index:{type_name}"]
    inputs = EXAMPLES[type_name](world)
    if "wait" in spec["inputProperties"]:
        inputs["wait"] = wait
    answer = plugin.create(plugin.urn(type_name, f"r-{wait}"), inputs)
    assert not isinstance(answer, Failure) and not isinstance(answer[1], list), answer
    _, outputs = answer
    unset = [name for name in spec["required"] if outputs.get(name) is None]
    assert unset == [], f"required outputs not set: {unset}"
    outputs_only = set(spec["properties"]) - set(spec["inputProperties"])
    assert outputs_only <= set(outputs), f"never set: {outputs_only - set(outputs)}"
    assert set(outputs) - set(spec["properties"]) <= BOOKKEEPING
    # The objects inside: each required member of each item is set.
    for name, prop in spec["properties"].items():
        ref = (prop.get("items") or prop.get("additionalProperties") or {}).get("$ref")
        value = outputs.get(name)
        if ref is None or not ref.startswith("#/types/") or not value:
            continue
        required = schema.generate()["types"][ref.rsplit("/", 1)[1]].get("required", [])
        items = value if isinstance(value, list) else list(value.values())
        missing = [(name, r) for item in items for r in required if item.get(r) is None]
        assert missing == [], missing
