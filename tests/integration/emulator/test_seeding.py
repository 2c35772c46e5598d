"""Bulk seeding over HTTP (``POST /_emulator/objects``): the objects are moto's, seen by
boto3's S3 client as PUT objects are, accepted by import jobs of their file type, each with
content of its own (distinct ETags); bad bodies are 400s naming the problem."""

from __future__ import annotations

import urllib.error
from typing import Any

import pytest

from tests.integration.emulator.conftest import ROLE, imported_reference, wait_for
from tests.support.emulator_control import EmulatorControl

SEEDED = "seeded-sources"


def listed(s3: Any) -> list[str]:
    return [item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=SEEDED)
            for item in page.get("Contents", [])]


def test_a_pattern_makes_every_object_in_one_call(control: EmulatorControl, s3: Any) -> None:
    before = sum(control.log()["counts"].values())
    answer = control.call("POST", "objects", {
        "uri": f"s3://{SEEDED}/cohort/sample-{{i:06d}}_R1.fastq.gz", "count": 2500, "start": 10})
    assert answer == {"bucket": SEEDED, "created": 2500, "first": "cohort/sample-000010_R1.fastq.gz",
                      "last": "cohort/sample-002509_R1.fastq.gz"}
    # No HealthOmics or S3 request was logged for them: one control call made them all.
    assert sum(control.log()["counts"].values()) == before
    keys = listed(s3)
    assert len(keys) == 2500 and keys[0] == "cohort/sample-000010_R1.fastq.gz"
    first = s3.get_object(Bucket=SEEDED, Key=keys[0])["Body"].read()
    other = s3.get_object(Bucket=SEEDED, Key=keys[1])["Body"].read()
    assert first.startswith(b"@") and first != other
    # Seeding again over the same keys replaces them (as PUTs would): still 2,500 objects.
    control.call("POST", "objects", {"uri": f"s3://{SEEDED}/cohort/sample-{{i:06d}}_R1.fastq.gz",
                                     "count": 5, "start": 10})
    assert listed(s3) == keys


@pytest.mark.parametrize("file_type", ["FASTQ", "UBAM", "BAM", "CRAM"])
def test_seeded_objects_import_with_distinct_etags(control: EmulatorControl, omics: Any, s3: Any,
                                                  store: str, file_type: str) -> None:
    control.durations(submitSeconds=0, importSeconds=0.2)
    control.call("POST", "objects", {"uri": f"s3://{SEEDED}/{file_type}/s-{{i}}", "count": 3,
                                     "fileType": file_type})
    aligned = file_type in ("BAM", "CRAM")
    reference = {"referenceArn": imported_reference(omics, s3)} if aligned else {}
    sources = [{"sourceFiles": {"source1": f"s3://{SEEDED}/{file_type}/s-{i}"},
                "sourceFileType": file_type, "subjectId": "subject", "sampleId": f"s{i}",
                **reference} for i in range(3)]
    job = omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE, sources=sources)
    done = wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=job["id"]),
                    "COMPLETED")
    etags = [omics.get_read_set_metadata(sequenceStoreId=store, id=s["readSetId"])["etag"]["source1"]
             for s in done["sources"]]
    assert len(set(etags)) == 3


@pytest.mark.parametrize(("body", "message"), [
    ({"uri": f"s3://{SEEDED}/fixed-key", "count": 2}, "must hold the field {i} once"),
    ({"uri": f"s3://{SEEDED}/{{i:.1e}}", "count": 200}, "gives two objects one key"),
    ({"uri": f"s3://{SEEDED}/{{j}}", "count": 1}, "not a key pattern"),
    ({"uri": "s3://no!such-bucket/{i}", "count": 1}, "is not a valid bucket name"),
    ({"uri": f"{SEEDED}/{{i}}", "count": 1}, "uri must be s3://bucket/key-pattern"),
    ({"uri": f"s3://{SEEDED}/{{i}}", "count": 0}, "count must be a whole number, 1 or more"),
    ({"uri": f"s3://{SEEDED}/{{i}}", "count": 2_000_000}, "count must be at most 1,000,000"),
    ({"uri": f"s3://{SEEDED}/{{i}}", "count": 1, "fileType": "VCF"}, "fileType must be one of"),
    ({"uri": f"s3://{SEEDED}/{{i}}", "count": 1, "size": 5}, "unknown field(s) size"),
])
def test_a_bad_seed_is_a_400_naming_the_problem(control: EmulatorControl, body: dict[str, Any],
                                               message: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        control.call("POST", "objects", body)
    assert caught.value.code == 400
    assert message in caught.value.read().decode()
