"""Reference stores, reference import jobs and references, through boto3 over HTTP: the
FASTA read from S3, one job at a time per store, answers that pass botocore's output shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.validate import ParamValidator

from omics_resources.core.service_model import operation_model
from tests.integration.emulator.conftest import (
    BUCKET,
    ROLE,
    bare_client,
    error_of,
    start_emulator,
    wait_for,
)
from tests.support.emulator_control import EmulatorControl
from tests.support.scenario import aws_client

FASTA = b">chr1\nACGTACGTNNACGT\n>chr2\nGGCCTTAA\n"


@pytest.fixture
def ref_store(omics: Any, control: EmulatorControl) -> str:
    control.limits(rates={"sequenceStoreChanges": 20})
    return str(omics.create_reference_store(name="references")["id"])


def source(key: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"sourceFile": f"s3://{BUCKET}/{key}", "name": name, **extra}


def finished(omics: Any, store: str, *sources: dict[str, Any]) -> dict[str, Any]:
    started = omics.start_reference_import_job(referenceStoreId=store, roleArn=ROLE,
                                               sources=list(sources))
    assert started["status"] == "SUBMITTED" and started["referenceStoreId"] == store
    return wait_for(lambda: omics.get_reference_import_job(referenceStoreId=store,
                                                           id=started["id"]),
                    "COMPLETED", timeout=20) if sources else started


def test_a_fasta_becomes_a_reference_with_its_metadata(omics: Any, s3: Any, ref_store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="g.fa", Body=FASTA)
    job = finished(omics, ref_store, source("g.fa", "grch38", description="test genome",
                                            tags={"k": "v"}))
    [item] = job["sources"]
    assert item["status"] == "FINISHED" and item["name"] == "grch38"
    meta = omics.get_reference_metadata(referenceStoreId=ref_store, id=item["referenceId"])
    assert meta["name"] == "grch38" and meta["status"] == "ACTIVE"
    assert meta["arn"].endswith(f"referenceStore/{ref_store}/reference/{item['referenceId']}")
    assert meta["creationJobId"] == job["id"]
    assert omics.list_tags_for_resource(resourceArn=meta["arn"])["tags"] == {"k": "v"}
    listed = omics.list_references(referenceStoreId=ref_store, filter={"name": "grch38"})
    assert [r["id"] for r in listed["references"]] == [item["referenceId"]]


def test_a_source_that_is_not_fasta_fails_with_the_reason(omics: Any, s3: Any,
                                                          ref_store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="g.fa", Body=FASTA)
    s3.put_object(Bucket=BUCKET, Key="reads.fq", Body=b"@r1\nACGT\n+\nIIII\n")
    started = omics.start_reference_import_job(
        referenceStoreId=ref_store, roleArn=ROLE,
        sources=[source("g.fa", "good"), source("reads.fq", "bad"), source("gone.fa", "gone")])
    job = wait_for(lambda: omics.get_reference_import_job(referenceStoreId=ref_store,
                                                          id=started["id"]),
                   "COMPLETED_WITH_FAILURES", timeout=20)
    good, bad, gone = job["sources"]
    assert good["status"] == "FINISHED"
    assert bad["status"] == "FAILED" and "referenceId" not in bad
    assert bad["statusMessage"] == (f"s3://{BUCKET}/reads.fq: not a FASTA file: the first line "
                                    "must start with '>'")
    assert gone["statusMessage"] == f"s3://{BUCKET}/gone.fa: S3 object not found"


def test_a_store_imports_one_job_at_a_time(omics: Any, bare: Any, s3: Any, ref_store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="g.fa", Body=FASTA)
    first = omics.start_reference_import_job(referenceStoreId=ref_store, roleArn=ROLE,
                                             sources=[source("g.fa", "one")])
    code, status, message = error_of(bare.start_reference_import_job, referenceStoreId=ref_store,
                                     roleArn=ROLE, sources=[source("g.fa", "two")])
    assert (code, status) == ("ServiceQuotaExceededException", 402)
    assert f"job {first['id']} is still in progress" in message
    # Another store is not held up.
    other = omics.create_reference_store(name="other")["id"]
    omics.start_reference_import_job(referenceStoreId=other, roleArn=ROLE,
                                     sources=[source("g.fa", "two")])
    wait_for(lambda: omics.get_reference_import_job(referenceStoreId=ref_store, id=first["id"]),
             "COMPLETED", timeout=20)
    later = omics.start_reference_import_job(referenceStoreId=ref_store, roleArn=ROLE,
                                             sources=[source("g.fa", "two")])
    assert later["status"] == "SUBMITTED"


def test_a_cancelled_job_frees_the_store(omics: Any, s3: Any, ref_store: str,
                                         control: EmulatorControl) -> None:
    control.durations(importSeconds=30)
    s3.put_object(Bucket=BUCKET, Key="g.fa", Body=FASTA)
    first = omics.start_reference_import_job(referenceStoreId=ref_store, roleArn=ROLE,
                                             sources=[source("g.fa", "one")])
    assert control.cancel_reference_import(ref_store, first["id"]) == {"id": first["id"], "status": "CANCELLED"}
    second = omics.start_reference_import_job(referenceStoreId=ref_store, roleArn=ROLE,
                                              sources=[source("g.fa", "one")])
    assert second["id"] != first["id"]


def test_stores_list_get_and_delete(omics: Any, bare: Any, s3: Any, ref_store: str) -> None:
    assert omics.get_reference_store(id=ref_store)["name"] == "references"
    listed = omics.list_reference_stores(filter={"name": "references"})["referenceStores"]
    assert [s["id"] for s in listed] == [ref_store]
    s3.put_object(Bucket=BUCKET, Key="g.fa", Body=FASTA)
    [item] = finished(omics, ref_store, source("g.fa", "ggg"))["sources"]
    code, status, _ = error_of(bare.delete_reference_store, id=ref_store)
    assert (code, status) == ("ConflictException", 409)
    omics.delete_reference(referenceStoreId=ref_store, id=item["referenceId"])
    assert omics.list_references(referenceStoreId=ref_store)["references"] == []
    code, _, _ = error_of(bare.get_reference_metadata, referenceStoreId=ref_store,
                          id=item["referenceId"])
    assert code == "ResourceNotFoundException"
    omics.delete_reference_store(id=ref_store)
    code, status, message = error_of(bare.get_reference_store, id=ref_store)
    assert (code, status, message) == ("ResourceNotFoundException", 404,
                                       f"Reference store {ref_store} not found")


def test_reference_answers_pass_botocores_output_shapes(omics: Any, s3: Any,
                                                        ref_store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="g.fa", Body=FASTA)
    s3.put_object(Bucket=BUCKET, Key="bad.fa", Body=b"nope")
    started = omics.start_reference_import_job(
        referenceStoreId=ref_store, roleArn=ROLE,
        sources=[source("g.fa", "ggg", tags={"a": "b"}), source("bad.fa", "bad")])
    job = wait_for(lambda: omics.get_reference_import_job(referenceStoreId=ref_store,
                                                          id=started["id"]),
                   "COMPLETED_WITH_FAILURES", timeout=20)
    reference = job["sources"][0]["referenceId"]
    answers = [
        ("StartReferenceImportJob", started),
        ("GetReferenceImportJob", job),
        ("ListReferenceImportJobs", omics.list_reference_import_jobs(referenceStoreId=ref_store)),
        ("GetReferenceMetadata", omics.get_reference_metadata(referenceStoreId=ref_store,
                                                              id=reference)),
        ("ListReferences", omics.list_references(referenceStoreId=ref_store)),
        ("GetReferenceStore", omics.get_reference_store(id=ref_store)),
        ("ListReferenceStores", omics.list_reference_stores()),
        ("CreateReferenceStore", omics.create_reference_store(name="x", description="d")),
    ]
    for operation, answer in answers:
        answer.pop("ResponseMetadata")
        report = ParamValidator().validate(answer, operation_model(operation).output_shape)
        assert not report.has_errors(), (operation, report.generate_report())


def test_references_survive_a_restart_with_state(tmp_path: Path) -> None:
    process, url = start_emulator("--state", str(tmp_path / "e.json"), "--speed", "0")
    try:
        omics, s3 = bare_client(url), aws_client("s3", url)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="g.fa", Body=FASTA)
        store = omics.create_reference_store(name="durable")["id"]
        job = omics.start_reference_import_job(referenceStoreId=store, roleArn=ROLE,
                                               sources=[source("g.fa", "ggg")])
        [item] = omics.get_reference_import_job(referenceStoreId=store, id=job["id"])["sources"]
    finally:
        process.terminate()
        process.wait()
    process, url = start_emulator("--state", str(tmp_path / "e.json"), "--speed", "0")
    try:
        omics = bare_client(url)
        assert omics.get_reference_import_job(referenceStoreId=store, id=job["id"])["status"] \
            == "COMPLETED"
        assert omics.get_reference_metadata(referenceStoreId=store,
                                            id=item["referenceId"])["name"] == "ggg"
    finally:
        process.terminate()
        process.wait()
