"""The emulator's shape-driven pieces against botocore's model: answers cut to their output
shape, filters covering every member of the model's filter shapes, keyset pages."""

from __future__ import annotations

from typing import Any

import pytest

from omics_resources.core.service_model import operation_model, service_model
from omics_resources.emulator import wire
from omics_resources.emulator.entities import ReadSet, Store
from omics_resources.emulator.exceptions import ValidationException
from omics_resources.emulator.filters import JOB_FILTER, READ_SET_FILTER, STORE_FILTER, Filter
from omics_resources.emulator.jobs import ActivationJob, ImportJob, Job, JobSource
from omics_resources.emulator.pages import page

NOW = 1_700_000_000.25


def store() -> Store:
    return Store("1234567890", "s", None, NOW, "us-east-1")


def read_set(**changes: Any) -> ReadSet:
    values: dict[str, Any] = {
        "id": "2345678901", "store_id": "1234567890", "arn": "arn:aws:omics:x", "status": "ACTIVE",
        "file_type": "FASTQ", "subject_id": "subj", "sample_id": "s1", "created": NOW,
        "job_id": "3456789012"}
    return ReadSet(**{**values, **changes})


def jobs() -> list[Job]:
    common: dict[str, Any] = {"id": "4567890123", "store_id": "1234567890", "token": None,
                              "fingerprint": "f", "created": NOW, "starts": NOW,
                              "sources": [JobSource(request={"readSetId": "1"}, ends=NOW)]}
    return [ImportJob(role_arn="arn:aws:iam::1:role/r", **common), ActivationJob(**common)]


@pytest.mark.parametrize("filter_", [READ_SET_FILTER, JOB_FILTER, STORE_FILTER],
                         ids=["read sets", "jobs", "stores"])
def test_filters_cover_every_member_of_the_models_filter_shapes(filter_: Filter[Any]) -> None:
    for name in filter_.shapes:
        assert filter_.members == set(service_model().shape_for(name).members), name


def test_views_only_use_members_of_their_get_operations_answer() -> None:
    """A misspelt member in a describe() would be dropped silently by the serializer."""
    views: list[tuple[str, dict[str, Any]]] = [
        ("GetSequenceStore", store().describe()),
        ("GetReadSetMetadata", read_set().describe()),
        *((j.GET_OPERATION, j.describe()) for j in jobs()),
    ]
    for operation, view in views:
        members = operation_model(operation).output_shape.members
        assert set(view) <= set(members), operation


def test_serialize_keeps_only_the_shapes_members_and_formats_times() -> None:
    shape = operation_model("ListReadSets").output_shape
    answer = wire.serialize(shape, {"readSets": [read_set().describe()], "nextToken": None,
                                    "surprise": 1})
    assert answer.keys() == {"readSets"}
    [item] = answer["readSets"]
    assert "creationJobId" not in item and "name" not in item  # not in the shape / None
    assert item["creationTime"] == "2023-11-14T22:13:20.250000Z"
    assert item["sequenceInformation"] == {"totalReadCount": 0, "alignment": "UNALIGNED"}


def test_parse_reads_timestamps_and_checks_integer_ranges() -> None:
    params, found = wire.parse("ListReadSets", {
        "sequenceStoreId": "1234567890", "maxResults": 100,
        "filter": {"createdAfter": "2023-11-14T22:13:20.25Z", "createdBefore": NOW}})
    assert (params["filter"]["createdAfter"], params["filter"]["createdBefore"]) == (NOW, NOW)
    assert found == []
    _, found = wire.parse("ListReadSets", {"maxResults": 101, "filter": {"createdAfter": "soon"}})
    assert sorted((v.path, v.rule) for v in found) == [
        (("filter", "createdAfter"), "must be a timestamp (ISO 8601 or epoch seconds)"),
        (("maxResults",), "must be less than or equal to 100")]


def test_filters_match_members_and_inclusive_bounds() -> None:
    unaligned, aligned = read_set(), read_set(reference_arn="arn:aws:omics:ref", sample_id="s2")
    assert READ_SET_FILTER.matches(unaligned, {"referenceArn": ""})
    assert not READ_SET_FILTER.matches(aligned, {"referenceArn": ""})
    assert READ_SET_FILTER.matches(aligned, {"sampleId": "s2", "createdAfter": NOW,
                                             "createdBefore": NOW})
    assert not READ_SET_FILTER.matches(aligned, {"createdAfter": NOW + 0.001})
    assert not READ_SET_FILTER.matches(aligned, {"createdBefore": NOW - 0.001})
    assert STORE_FILTER.matches(store(), {"status": "ACTIVE", "updatedBefore": NOW})


def test_pages_walk_by_key_and_reject_foreign_tokens() -> None:
    items = [(n, str(n)) for n in range(5)]
    first, token = page(items, lambda i: (float(i[0]), i[1]), 2, None)
    second, token = page(items, lambda i: (float(i[0]), i[1]), 2, token)
    third, last = page(items, lambda i: (float(i[0]), i[1]), 2, token)
    assert [first, second, third, last] == [items[:2], items[2:4], items[4:], None]
    with pytest.raises(ValidationException):
        page(items, lambda i: (float(i[0]), i[1]), 2, "%%%")
    with pytest.raises(ValidationException):
        page(items, lambda i: (i[1],), 2, page(items, lambda i: (float(i[0]),), 2, None)[1])
