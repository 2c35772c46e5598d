"""The field tables: the ``*Args`` classes mirror them, requests round-trip through them, and
a request member's path names the property behind it."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pytest
from botocore.model import ListShape, Shape, StructureShape

from omics_resources.core import fields
from omics_resources.core.fields import Change, Field
from omics_resources.core.jobs.activation_job import ACTIVATION_FIELDS, ActivationKind
from omics_resources.core.jobs.import_job import IMPORT_FIELDS, SOURCE_FIELDS, ImportKind
from omics_resources.core.service_model import operation_model
from omics_resources.core.upload.fields import UPLOAD_FIELDS
from omics_resources.dynamic.activation_job import ReadSetActivationJobArgs
from omics_resources.dynamic.import_job import ReadSetImportJobArgs, ReadSetImportSourceArgs
from omics_resources.dynamic.read_set_upload import ReadSetUploadArgs
from tests.support.inputs import activation_props, import_props

IMPORT, ACTIVATION = ImportKind(), ActivationKind()
MIRRORS = [
    (ReadSetImportJobArgs, IMPORT_FIELDS, "StartReadSetImportJob"),
    (ReadSetImportSourceArgs, SOURCE_FIELDS, "StartReadSetImportJob.sources"),
    (ReadSetActivationJobArgs, ACTIVATION_FIELDS, "StartReadSetActivationJob"),
    (ReadSetUploadArgs, UPLOAD_FIELDS, "CreateMultipartReadSetUpload"),
]


def input_shape(where: str) -> StructureShape:
    """An operation's input shape, or (``Operation.member``) its list member's item shape."""
    operation, _, member = where.partition(".")
    shape = operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    if not member:
        return shape
    items = shape.members[member]
    assert isinstance(items, ListShape) and isinstance(items.member, StructureShape)
    return items.member


def api_requires(shape: Shape, path: Sequence[str]) -> bool:
    """Whether the API requires the member at ``path`` (every step of it required)."""
    for part in path:
        assert isinstance(shape, StructureShape), (shape, part)
        if part not in shape.required_members:
            return False
        shape = shape.members[part]
    return True


def required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


@pytest.mark.parametrize(("args", "table", "where"), MIRRORS, ids=lambda m: getattr(m, "__name__", None))
def test_args_mirror_their_field_table(args: type, table: tuple[Field, ...], where: str) -> None:
    declared = {f.name: f for f in dataclasses.fields(args)}
    assert set(declared) == {f.name for f in table}
    shape = input_shape(where)
    for field in table:
        arg = declared[field.name]
        if field.setting is not None:
            # Our own settings: the default the user gets is the rule's default.
            assert not required(arg) and arg.default == field.setting.default, field.name
        else:
            # What the API requires, the Args require; nothing else.
            assert required(arg) == api_requires(shape, field.api), field.name


def test_settings_are_exactly_the_fields_without_an_api_path() -> None:
    for table in (IMPORT_FIELDS, ACTIVATION_FIELDS, UPLOAD_FIELDS):
        for field in table:
            assert (field.change is Change.SETTING) == (not field.api) == (field.setting is not None)


def test_args_to_props_keep_every_field_by_its_name() -> None:
    source = ReadSetImportSourceArgs(source_file_type="FASTQ", source1="s3://b/k", subject_id="s",
                                     sample_id="x", tags={"a": "1"})
    props = ReadSetImportJobArgs(sequence_store_id="1234567890", role_arn="arn", sources=[source],
                                 wait=False).to_props()
    assert props["sources"] == [{"source_file_type": "FASTQ", "source1": "s3://b/k",
                                 "subject_id": "s", "sample_id": "x", "tags": {"a": "1"}}]
    assert (props["wait"], props["allow_partial"], props["client_token"]) == (False, False, None)
    assert set(props) == {f.name for f in IMPORT_FIELDS}


def test_an_import_request_round_trips() -> None:
    props = import_props()
    request = IMPORT.request(props)
    assert request["sources"][0]["sourceFiles"] == {
        "source1": "s3://omics-demo-bucket/sample1_R1.fastq",
        "source2": "s3://omics-demo-bucket/sample1_R2.fastq"}
    assert request["sources"][1]["referenceArn"] == props["sources"][1]["reference_arn"]
    assert "wait" not in request and "scope" not in request  # settings are not sent
    api_named = {f.name for f in IMPORT_FIELDS if f.api}
    assert IMPORT.inputs_from_job(request) == {k: v for k, v in props.items() if k in api_named}


def test_an_activation_request_round_trips() -> None:
    props = activation_props(client_token="t-1")
    request = ACTIVATION.request(props)
    assert request == {"sequenceStoreId": "1234567890", "clientToken": "t-1",
                       "sources": [{"readSetId": "1111111111"}, {"readSetId": "2222222222"}]}
    assert ACTIVATION.inputs_from_job(request) == {
        "sequence_store_id": "1234567890", "client_token": "t-1",
        "read_set_ids": ["1111111111", "2222222222"]}


def test_a_job_answer_gives_back_only_what_was_asked() -> None:
    """A Get*Job answer carries the request's members and much more (statuses, ids)."""
    answer = {"id": "9", "status": "COMPLETED", "sequenceStoreId": "1234567890",
              "roleArn": "arn", "creationTime": "t",
              "sources": [{"sourceFiles": {"source1": "s3://b/k"}, "sourceFileType": "FASTQ",
                           "subjectId": "s", "sampleId": "x", "status": "FINISHED",
                           "readSetId": "123", "statusMessage": None}]}
    assert IMPORT.inputs_from_job(answer) == {
        "sequence_store_id": "1234567890", "role_arn": "arn",
        "sources": [{"source1": "s3://b/k", "source_file_type": "FASTQ", "subject_id": "s",
                     "sample_id": "x"}]}


def test_unset_and_wrong_kind_values() -> None:
    assert IMPORT.request({"sequence_store_id": None, "sources": None}) == {}
    # Not a list of sources: passed on as it is, for the model's check to name.
    assert IMPORT.request({"sources": "nope"}) == {"sources": "nope"}
    assert IMPORT.request({"sources": ["nope"]}) == {"sources": ["nope"]}


@pytest.mark.parametrize(("kind", "api_path", "path"), [
    (IMPORT, ("roleArn",), "role_arn"),
    (IMPORT, ("sources",), "sources"),
    (IMPORT, ("sources", 1), "sources[1]"),
    (IMPORT, ("sources", 3, "sourceFiles", "source1"), "sources[3].source1"),
    (IMPORT, ("sources", 0, "sourceFiles", "source2"), "sources[0].source2"),
    (IMPORT, ("sources", 0, "sourceFileType"), "sources[0].source_file_type"),
    # A source with no sourceFiles at all: the first property below it.
    (IMPORT, ("sources", 2, "sourceFiles"), "sources[2].source1"),
    (IMPORT, ("sources", 0, "tags", "project"), "sources[0].tags['project']"),
    (IMPORT, ("sources", 0, "bogus"), "sources[0].bogus"),
    (IMPORT, ("bogus", 1), "bogus.1"),
    (ACTIVATION, ("sources", 4, "readSetId"), "read_set_ids[4]"),
    (ACTIVATION, ("sources",), "read_set_ids"),
    (ACTIVATION, ("clientToken",), "client_token"),
])
def test_property_path_of_a_request_member(
    kind: ImportKind | ActivationKind, api_path: tuple[str | int, ...], path: str
) -> None:
    assert kind.property_path(api_path) == path


def test_changes_are_sorted_by_what_they_do() -> None:
    olds = import_props()
    news = import_props(wait_timeout=60.0)
    news["sources"][0]["tags"] = {"project": "other"}
    assert fields.changed_fields(IMPORT_FIELDS, olds, news, Change.SETTING) == ["wait_timeout"]
    assert IMPORT.replaces(olds, news) == []
    assert IMPORT.in_place_changes(olds, news) == [("sources", 0, "tags")]
    news["sources"][1]["sample_id"] = "renamed"
    assert IMPORT.replaces(olds, news) == ["sources"]
    assert IMPORT.in_place_changes(olds, news) == []
