"""Every operation the emulator serves, over boto3: shapes, lifecycle, errors, idempotency."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.emulator.conftest import (
    BUCKET,
    ROLE,
    bam_bytes,
    error_of,
    fastq_source,
    wait_for,
)
from tests.support.emulator_control import EmulatorControl


def test_sequence_stores(omics: Any, control: EmulatorControl) -> None:
    # Four creates in a row at the service's 1 TPS cost seconds of retries; this test is
    # about the stores, not the rate (tests/integration/emulator/test_limits.py is).
    control.limits(rates={"sequenceStoreChanges": 20})
    created = omics.create_sequence_store(name="one", description="first")
    assert created["id"].isdigit() and 10 <= len(created["id"]) <= 36
    assert created["arn"].endswith(f":sequenceStore/{created['id']}")
    got = omics.get_sequence_store(id=created["id"])
    assert (got["name"], got["description"]) == ("one", "first")
    for n in range(3):
        omics.create_sequence_store(name=f"extra-{n}")
    first = omics.list_sequence_stores(maxResults=2)
    assert len(first["sequenceStores"]) == 2 and first["nextToken"]
    rest = omics.list_sequence_stores(maxResults=2, nextToken=first["nextToken"])
    assert len(rest["sequenceStores"]) == 2 and "nextToken" not in rest
    named = omics.list_sequence_stores(filter={"name": "one"})["sequenceStores"]
    assert [s["id"] for s in named] == [created["id"]]
    omics.delete_sequence_store(id=created["id"])
    assert error_of(omics.get_sequence_store, id=created["id"])[:2] == ("ResourceNotFoundException", 404)


def test_import_lifecycle_and_read_sets(omics: Any, s3: Any, store: str,
                                        control: EmulatorControl) -> None:
    control.durations(submitSeconds=0.3, importSeconds=0.6)
    s3.put_object(Bucket=BUCKET, Key="r1.fq", Body=b"@a/1\nACGT\n+\nIIII\n@b/1\nACGT\n+\nIIII\n")
    s3.put_object(Bucket=BUCKET, Key="r2.fq", Body=b"@a/2\nACGT\n+\nIIII\n")
    s3.put_object(Bucket=BUCKET, Key="u.bam", Body=bam_bytes())
    started = omics.start_read_set_import_job(
        sequenceStoreId=store, roleArn=ROLE,
        sources=[
            {**fastq_source("r1.fq", "s1", name="pair", tags={"k": "v"}),
             "sourceFiles": {"source1": f"s3://{BUCKET}/r1.fq", "source2": f"s3://{BUCKET}/r2.fq"}},
            {"sourceFiles": {"source1": f"s3://{BUCKET}/u.bam"}, "sourceFileType": "UBAM",
             "subjectId": "subject", "sampleId": "s2"},
        ])
    assert started["status"] == "SUBMITTED"
    job = omics.get_read_set_import_job(sequenceStoreId=store, id=started["id"])
    assert job["status"] == "SUBMITTED"
    assert [s["status"] for s in job["sources"]] == ["NOT_STARTED", "NOT_STARTED"]
    job = wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=started["id"]),
                   "IN_PROGRESS")
    assert {s["status"] for s in job["sources"]} == {"IN_PROGRESS"}
    job = wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=started["id"]),
                   "COMPLETED")
    assert job["completionTime"] >= job["creationTime"]
    ids = [s["readSetId"] for s in job["sources"]]
    assert all(i.isdigit() and 10 <= len(i) <= 36 for i in ids)
    meta = omics.get_read_set_metadata(sequenceStoreId=store, id=ids[0])
    assert (meta["status"], meta["fileType"], meta["sampleId"], meta["name"]) == (
        "ACTIVE", "FASTQ", "s1", "pair")
    assert meta["creationJobId"] == started["id"]
    assert meta["sequenceInformation"]["totalReadCount"] == 3
    assert omics.list_tags_for_resource(resourceArn=meta["arn"])["tags"] == {"k": "v"}
    listed = omics.list_read_sets(sequenceStoreId=store)["readSets"]
    assert sorted(r["id"] for r in listed) == sorted(ids)
    ubam = omics.list_read_sets(sequenceStoreId=store, filter={"sampleId": "s2"})["readSets"]
    assert [r["fileType"] for r in ubam] == ["UBAM"]
    jobs = omics.list_read_set_import_jobs(sequenceStoreId=store,
                                           filter={"status": "COMPLETED"})["importJobs"]
    assert [j["id"] for j in jobs] == [started["id"]]


def test_failed_sources_and_outcomes(omics: Any, s3: Any, store: str, reference: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="ok.fq", Body=b"@r\nA\n+\nI\n")
    s3.put_object(Bucket=BUCKET, Key="text.bam", Body=b"not a bam")
    s3.put_object(Bucket=BUCKET, Key="bad.fq", Body=b"ACGT\n")
    s3.put_object(Bucket=BUCKET, Key="bad.cram", Body=b"XRAM")
    partial = omics.start_read_set_import_job(
        sequenceStoreId=store, roleArn=ROLE,
        sources=[fastq_source("ok.fq"), fastq_source("missing.fq"),
                 {"sourceFiles": {"source1": f"s3://{BUCKET}/text.bam"}, "sourceFileType": "UBAM",
                  "subjectId": "s", "sampleId": "x"}])
    job = wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=partial["id"]),
                   "COMPLETED_WITH_FAILURES")
    assert [s["status"] for s in job["sources"]] == ["FINISHED", "FAILED", "FAILED"]
    assert job["sources"][1]["statusMessage"] == f"S3 object s3://{BUCKET}/missing.fq not found"
    assert "no BGZF BAM header" in job["sources"][2]["statusMessage"]
    assert "readSetId" not in job["sources"][1]
    failed = omics.start_read_set_import_job(
        sequenceStoreId=store, roleArn=ROLE,
        sources=[fastq_source("bad.fq"),
                 {"sourceFiles": {"source1": f"s3://{BUCKET}/bad.cram"}, "sourceFileType": "CRAM",
                  "subjectId": "s", "sampleId": "x", "referenceArn": reference},
                 # A reference the service does not have fails its source (made-up ARN).
                 {"sourceFiles": {"source1": f"s3://{BUCKET}/ok.fq"}, "sourceFileType": "CRAM",
                  "subjectId": "s", "sampleId": "y", "referenceArn": "arn:aws:omics:ref"}])
    job = wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=failed["id"]),
                   "FAILED")
    assert "records must start with '@'" in job["sources"][0]["statusMessage"]
    assert "not a CRAM file" in job["sources"][1]["statusMessage"]
    assert job["sources"][2]["statusMessage"] == "Reference arn:aws:omics:ref not found"
    assert job["statusMessage"] == "3 of 3 sources failed"


def test_bam_without_reference_is_rejected(omics: Any, store: str) -> None:
    code, status, message = error_of(
        omics.start_read_set_import_job, sequenceStoreId=store, roleArn=ROLE,
        sources=[{"sourceFiles": {"source1": f"s3://{BUCKET}/a.bam"}, "sourceFileType": "BAM",
                  "subjectId": "s", "sampleId": "x"}])
    assert (code, status) == ("ValidationException", 400)
    assert "sources[0].referenceArn" in message


@pytest.mark.parametrize(
    ("params", "where", "rule"),
    [
        ({"sequenceStoreId": "123"}, "sequenceStoreId", "must have at least 10 characters"),
        ({"roleArn": "role/abcdefghijklmnopqrstuvwxyz"}, "roleArn", "must match the pattern arn:.*"),
        ({"sources": []}, "sources", "must have at least 1 item"),
        ({"sources": [fastq_source("a.fq")] * 101}, "sources", "must have at most 100 items"),
        ({"sources": [{**fastq_source("a.fq"), "sourceFileType": "SAM"}]},
         "sources[0].sourceFileType", "must be one of FASTQ, BAM, CRAM, UBAM"),
        ({"sources": [{**fastq_source("a.fq"), "sourceFiles": {"source1": "http://x/y"}}]},
         "sources[0].sourceFiles.source1", "must match the pattern"),
        ({"clientToken": "t\x00"}, "clientToken", "must match the pattern"),
    ],
)
def test_validation_names_the_field(unchecked_omics: Any, store: str, params: dict[str, Any],
                                    where: str, rule: str) -> None:
    omics = unchecked_omics
    request = {"sequenceStoreId": store, "roleArn": ROLE, "sources": [fastq_source("a.fq")], **params}
    code, status, message = error_of(omics.start_read_set_import_job, **request)
    assert (code, status) == ("ValidationException", 400)
    assert f"at '{where}' failed to satisfy constraint: {rule}" in message
    assert message.startswith("1 validation error detected")


def test_activation_sizes_and_required_members(unchecked_omics: Any, store: str) -> None:
    omics = unchecked_omics
    sources = [{"readSetId": str(1000000000 + i)} for i in range(21)]
    code, _, message = error_of(omics.start_read_set_activation_job, sequenceStoreId=store,
                                sources=sources)
    assert code == "ValidationException" and "must have at most 20 items" in message
    code, _, message = error_of(omics.start_read_set_activation_job, sequenceStoreId=store,
                                sources=[{}])
    assert "at 'sources[0].readSetId' failed to satisfy constraint: is required" in message


def test_not_found_errors(omics: Any, store: str) -> None:
    missing = "9999999999"
    for call, params in [
        (omics.get_read_set_import_job, {"sequenceStoreId": store, "id": missing}),
        (omics.get_read_set_activation_job, {"sequenceStoreId": store, "id": missing}),
        (omics.get_read_set_metadata, {"sequenceStoreId": store, "id": missing}),
        (omics.list_read_sets, {"sequenceStoreId": missing}),
        (omics.list_tags_for_resource, {"resourceArn": "arn:aws:omics:us-east-1:1:nothing"}),
    ]:
        assert error_of(call, **params)[:2] == ("ResourceNotFoundException", 404)


def test_client_token_idempotency(omics: Any, s3: Any, store: str, control: EmulatorControl) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=b"@r\nA\n+\nI\n")
    request = {"sequenceStoreId": store, "roleArn": ROLE, "sources": [fastq_source("a.fq")],
               "clientToken": "release-1"}
    first = omics.start_read_set_import_job(**request)
    again = omics.start_read_set_import_job(**request)
    assert again["id"] == first["id"]
    starts = [r for r in control.log()["requests"] if r["operation"] == "StartReadSetImportJob"]
    assert [r["newJob"] for r in starts] == [True, False]
    code, status, message = error_of(omics.start_read_set_import_job,
                                     **{**request, "sources": [fastq_source("a.fq", "other")]})
    assert (code, status) == ("ValidationException", 400)
    assert "release-1" in message and "different request" in message
    assert len(omics.list_read_set_import_jobs(sequenceStoreId=store)["importJobs"]) == 1


def test_activation_lifecycle_and_documented_outcomes(omics: Any, s3: Any, store: str,
                                                      control: EmulatorControl) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=b"@r\nA\n+\nI\n")
    s3.put_object(Bucket=BUCKET, Key="b.fq", Body=b"@r\nA\n+\nI\n")
    job = omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE,
                                          sources=[fastq_source("a.fq"), fastq_source("b.fq")])
    done = wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=job["id"]),
                    "COMPLETED")
    archived, active = (s["readSetId"] for s in done["sources"])
    assert control.archive(store, [archived]) == {"archived": [archived]}
    assert omics.get_read_set_metadata(sequenceStoreId=store, id=archived)["status"] == "ARCHIVED"
    control.durations(submitSeconds=0.1, activationSeconds=0.6)
    started = omics.start_read_set_activation_job(
        sequenceStoreId=store,
        sources=[{"readSetId": archived}, {"readSetId": active}, {"readSetId": "9999999999"}])
    wait_for(lambda: omics.get_read_set_metadata(sequenceStoreId=store, id=archived), "ACTIVATING")
    result = wait_for(lambda: omics.get_read_set_activation_job(sequenceStoreId=store,
                                                                id=started["id"]),
                      "COMPLETED_WITH_FAILURES")
    outcomes = [(s["readSetId"], s["status"], s.get("statusMessage")) for s in result["sources"]]
    assert outcomes == [(archived, "FINISHED", None),
                        (active, "FINISHED", "Read set is already active"),
                        ("9999999999", "FAILED", "Read set 9999999999 not found")]
    assert omics.get_read_set_metadata(sequenceStoreId=store, id=archived)["status"] == "ACTIVE"
    listed = omics.list_read_set_activation_jobs(sequenceStoreId=store)["activationJobs"]
    assert [j["id"] for j in listed] == [started["id"]]


def test_tags_and_batch_delete(omics: Any, s3: Any, store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=b"@r\nA\n+\nI\n")
    job = omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE,
                                          sources=[fastq_source("a.fq", tags={"a": "1"})])
    done = wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=job["id"]),
                    "COMPLETED")
    read_set = done["sources"][0]["readSetId"]
    arn = omics.get_read_set_metadata(sequenceStoreId=store, id=read_set)["arn"]
    omics.tag_resource(resourceArn=arn, tags={"b": "2"})
    omics.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert omics.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    answer = omics.batch_delete_read_set(sequenceStoreId=store, ids=[read_set, "8888888888"])
    assert answer["errors"] == [{"id": "8888888888", "code": "ResourceNotFoundException",
                                 "message": "Read set 8888888888 not found"}]
    assert error_of(omics.get_read_set_metadata, sequenceStoreId=store, id=read_set)[0] == (
        "ResourceNotFoundException")
    assert omics.list_read_sets(sequenceStoreId=store)["readSets"] == []


def test_read_set_pagination(omics: Any, s3: Any, store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=b"@r\nA\n+\nI\n")
    job = omics.start_read_set_import_job(
        sequenceStoreId=store, roleArn=ROLE, sources=[fastq_source("a.fq", f"s{n}") for n in range(5)])
    wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=job["id"]), "COMPLETED")
    pages = omics.get_paginator("list_read_sets").paginate(
        sequenceStoreId=store, PaginationConfig={"PageSize": 2})
    sizes = [len(page["readSets"]) for page in pages]
    assert sizes == [2, 2, 1]
