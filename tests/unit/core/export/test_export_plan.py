"""ReadSetExport's pure parts: check (preview, no AWS call), diff and drift, what an up
exports, the destination's key layout, missing objects, batching by the model's 100."""

from __future__ import annotations

from typing import Any

import pytest

from omics_resources.core.export.behaviour import ReadSetExportBehaviour, to_export
from omics_resources.core.export.kind import EXPORT_JOB_MAX_READ_SETS, with_sources
from omics_resources.core.export.objects import Destination, missing_objects
from omics_resources.core.export.run import batches

ROLE = "arn:aws:iam::123456789012:role/OmicsExportRole"
IDS = [str(1000000000 + n) for n in range(3)]


def props(**changes: Any) -> dict[str, Any]:
    return {"sequence_store_id": "1234567890", "destination": "s3://share-bucket/cohort/",
            "role_arn": ROLE, "read_set_ids": IDS, **changes}


def test_check_names_each_problem_by_its_property_path() -> None:
    ids = [*(str(1000000000 + n) for n in range(150)), "12", IDS[0]]
    checked = ReadSetExportBehaviour().check({}, props(destination="bucket/x", read_set_ids=ids))
    found = {p.path: p for p in checked.problems}
    assert set(found) == {"destination", "read_set_ids[150]", "read_set_ids[151]"}
    assert "repeats read_set_ids[0]" in found["read_set_ids[151]"].reason
    assert checked.inputs["delete_objects"] is False  # the default filled in


def test_no_objects_recorded_yet_is_no_drift_a_missing_one_is() -> None:
    behaviour = ReadSetExportBehaviour()
    uris = {i: [f"s3://share-bucket/cohort/{i}/{i}.fq"] for i in IDS}
    olds = {**props(), "object_uris": uris, "missing_objects": []}
    assert not behaviour.diff("id", olds, props()).changes
    drifted = {**olds, "missing_objects": [uris[IDS[1]][0]]}
    diff = behaviour.diff("id", drifted, props())
    assert diff.changes and diff.replaces == []
    assert to_export(drifted, props()) == [IDS[1]]
    assert behaviour.diff("id", olds, props(destination="s3://other/")).replaces == [
        "destination"]


def test_an_up_exports_added_read_sets_and_everything_for_a_new_destination() -> None:
    olds = {**props(read_set_ids=IDS[:2]),
            "object_uris": {i: [f"s3://share-bucket/cohort/{i}/a"] for i in IDS[:2]}}
    assert to_export(olds, props()) == [IDS[2]]
    assert to_export(olds, props(destination="s3://other/x/")) == IDS
    assert to_export({}, props()) == IDS


@pytest.mark.parametrize(("uri", "bucket", "prefix"), [
    ("s3://b/cohort/", "b", "cohort/"), ("s3://b/cohort", "b", "cohort/"),
    ("s3://b/", "b", ""), ("s3://b", "b", ""), ("s3://b/a/b/", "b", "a/b/"),
])
def test_destination_parse(uri: str, bucket: str, prefix: str) -> None:
    assert Destination.parse(uri) == Destination(bucket, prefix)


def test_an_objects_owner_is_its_folder_under_the_prefix() -> None:
    where = Destination.parse("s3://b/cohort/")
    assert where.owner("s3://b/cohort/1234567890/x.fq") == "1234567890"
    assert where.owner("s3://b/cohort/x.fq") is None  # not in a read set's folder
    assert where.owner("s3://other/cohort/1234567890/x.fq") is None


def test_missing_objects_by_read_set() -> None:
    recorded = {"1": ["s3://b/p/1/a", "s3://b/p/1/b"], "2": ["s3://b/p/2/a"]}
    assert missing_objects(recorded, {"1": ["s3://b/p/1/a"], "2": ["s3://b/p/2/a"]}) == {
        "1": ["s3://b/p/1/b"]}


def test_batches_of_the_models_maximum_and_the_answers_sources_view() -> None:
    assert EXPORT_JOB_MAX_READ_SETS == 100
    assert [len(b) for b in batches([str(n) for n in range(250)])] == [100, 100, 50]
    job = {"readSets": [{"id": "1", "status": "FAILED", "statusMessage": "gone"}]}
    assert with_sources(job)["sources"] == [
        {"readSetId": "1", "status": "FAILED", "statusMessage": "gone"}]
