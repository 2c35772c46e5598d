"""Engine values <-> the core's: unknowns both ways, secrets kept at any depth, anything
derived from a secret marked, secrets masked in messages."""

from __future__ import annotations

import asyncio
import json

from pulumi.provider.experimental import provider as engine
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime import rpc

from omics_resources.core.validation import UNKNOWN
from omics_resources.provider.calls import ResourceCall
from omics_resources.provider.provider import OmicsProvider
from omics_resources.provider.types import ANY
from omics_resources.provider.values import mask, to_core, to_engine
from tests.support.engine_values import engine_value

URN = "urn:pulumi:dev::genomics::omics:index:CohortImport::cohort"


def source(tags: PropertyValue) -> PropertyValue:
    return PropertyValue({"sourceFileType": PropertyValue("FASTQ"), "tags": tags})


def test_unknowns_both_ways() -> None:
    sent = {"a": PropertyValue(rpc.UNKNOWN), "b": PropertyValue([PropertyValue(1.0)])}
    assert to_core(sent, ANY, set()) == {"a": UNKNOWN, "b": [1.0]}
    back = to_engine({"a": UNKNOWN, "b": [1.0], "c": UNKNOWN}, ANY, {}, set())
    # The protocol's sentinel: PropertyValue.computed() cannot be marshalled.
    assert back["a"] == PropertyValue(rpc.UNKNOWN)
    PropertyValue(back).marshal()


def test_a_nested_secret_survives_the_round_trip() -> None:
    tags = PropertyValue({"study": PropertyValue("x"), "patient": PropertyValue("p-1", is_secret=True)})
    sent = {"sources": PropertyValue([source(tags)]), "wait": PropertyValue(True)}
    call = ResourceCall.of(URN, sent)
    core = call.core(sent)
    assert core["sources"][0]["tags"] == {"study": "x", "patient": "p-1"}
    outputs = {**core, "sources": [{**core["sources"][0], "status": "ACTIVE"}], "extra": 2}
    back = call.engine(outputs, sent)
    back_tags = back["sources"].value[0].value["tags"]  # type: ignore[index]
    assert back_tags.value["patient"].is_secret and not back_tags.value["study"].is_secret
    assert back["extra"] == PropertyValue(2.0) and "scope" not in back


def test_what_a_secret_went_into_is_marked() -> None:
    secrets: set[str] = set()
    to_core({"x": PropertyValue({"t": PropertyValue("p-1", is_secret=True)})}, ANY, secrets)
    assert secrets == {"p-1"}
    ledger = {"tagsets": [{"patient": "p-1"}], "sig": {"p-1/S1": "abc"}, "v": 1}
    inner = to_engine(ledger, ANY, {}, secrets)
    assert inner["tagsets"].value[0].value["patient"].is_secret  # type: ignore[index]
    assert inner["sig"].is_secret  # a map keyed by the secret: secret as a whole
    assert not inner["v"].is_secret
    # The cohort's ledger is one JSON string: holding the secret, it is secret as a whole.
    text = json.dumps({"tagsets": [{"patient": "p-1"}], "sig": ["abc/0"]})
    assert to_engine({"l": text}, ANY, {}, secrets)["l"].is_secret
    assert not to_engine({"l": json.dumps({"id": "5p-12"})}, ANY, {}, secrets)["l"].is_secret


def test_messages_mask_secrets() -> None:
    assert mask("sources[1] (p-1, s3://b/p-1.fq): FAILED", {"p-1"}) == (
        "sources[1] ([secret], s3://b/[secret].fq): FAILED")
    sent = {"sources": PropertyValue([source(PropertyValue({"p": PropertyValue("zz9", is_secret=True)}))])}
    assert ResourceCall.of(URN, sent).message("tags of zz9 and wait_timeout") == (
        "tags of [secret] and waitTimeout")


def test_whole_numbers_where_a_string_is_declared() -> None:
    # A YAML program's config that looks like a number reaches the provider as one.
    sent = {"sequenceStoreId": PropertyValue(1234567890.0), "waitTimeout": PropertyValue(60.0)}
    core = ResourceCall.of(URN, sent).core(sent)
    assert core["sequence_store_id"] == "1234567890" and core["wait_timeout"] == 60.0


def test_diff_names_what_replaces_and_what_updates() -> None:
    urn = "urn:pulumi:dev::genomics::omics:index:ReadSetImportJob::reads"
    olds = engine_value({"sequenceStoreId": "1234567890", "roleArn": "arn:aws:iam::1:role/r",
                       "sources": [{"sourceFileType": "FASTQ", "source1": "s3://b/k",
                                    "subjectId": "s", "sampleId": "x", "tags": {"a": "1"},
                                    "status": "FINISHED"}], "waitTimeout": 60.0})
    news = dict(olds.value)  # type: ignore[arg-type]
    news["sources"] = engine_value([{"sourceFileType": "FASTQ", "source1": "s3://b/k",
                                   "subjectId": "s", "sampleId": "x", "tags": {"a": "2"}}])
    request = engine.DiffRequest(urn, "1234567890/1", dict(olds.value), news, [])  # type: ignore[arg-type]
    answer = asyncio.run(OmicsProvider().diff(request))
    assert answer.changes and answer.replaces == []
    assert {k: v.kind for k, v in answer.detailed_diff.items()} == {
        "sources[0].tags": engine.PropertyDiffKind.UPDATE}
    news["sequenceStoreId"] = PropertyValue("9999999999")
    answer = asyncio.run(OmicsProvider().diff(engine.DiffRequest(urn, "x", dict(olds.value), news, [])))  # type: ignore[arg-type]
    assert answer.replaces == ["sequenceStoreId"] and answer.diffs == ["sequenceStoreId", "sources"]
