"""Read-set export jobs and S3 access over boto3: each ACTIVE read set's stored bytes
written under the destination, per-read-set status and message, answers by their shapes,
the exportJobs budget and job quota; ``files.*.s3Access`` only while ACTIVE."""

from __future__ import annotations

from typing import Any

from botocore.validate import ParamValidator

from omics_resources.core.service_model import operation_model
from omics_resources.emulator.limits import JOB_QUOTAS, budget_of
from tests.integration.emulator.conftest import (
    BUCKET,
    ROLE,
    error_of,
    fastq_source,
    imported,
    wait_for,
)
from tests.support.emulator_control import EmulatorControl

R1 = b"@a/1\nACGT\n+\nIIII\n"
R2 = b"@a/2\nTTGA\n+\nIIII\n"


def _valid(operation: str, answer: dict[str, Any]) -> dict[str, Any]:
    answer = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    report = ParamValidator().validate(answer, operation_model(operation).output_shape)
    assert not report.has_errors(), report.generate_report()
    return answer


def test_export_writes_each_read_sets_files_and_reports_per_read_set(
        omics: Any, s3: Any, store: str, control: EmulatorControl) -> None:
    s3.put_object(Bucket=BUCKET, Key="in/r1.fq", Body=R1)
    s3.put_object(Bucket=BUCKET, Key="in/r2.fq", Body=R2)
    pair = {**fastq_source("in/r1.fq"), "sourceFiles": {"source1": f"s3://{BUCKET}/in/r1.fq",
                                                        "source2": f"s3://{BUCKET}/in/r2.fq"}}
    good, archived = imported(omics, store, pair, fastq_source("in/r1.fq", "b"))
    control.archive(store, [archived])
    started = _valid("StartReadSetExportJob", omics.start_read_set_export_job(
        sequenceStoreId=store, destination=f"s3://{BUCKET}/out/", roleArn=ROLE,
        sources=[{"readSetId": good}, {"readSetId": archived}, {"readSetId": "1111111111"}]))
    assert started["destination"] == f"s3://{BUCKET}/out/"
    job = wait_for(lambda: omics.get_read_set_export_job(sequenceStoreId=store, id=started["id"]),
                   "COMPLETED_WITH_FAILURES")
    job = _valid("GetReadSetExportJob", job)
    by_id = {r["id"]: r for r in job["readSets"]}
    assert by_id[good]["status"] == "FINISHED"
    assert by_id[archived]["status"] == "FAILED" and "ARCHIVED" in by_id[archived]["statusMessage"]
    assert by_id["1111111111"]["statusMessage"] == "Read set 1111111111 not found"
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="out/")["Contents"]
    assert sorted(o["Key"] for o in listed) == [f"out/{good}/r1.fq", f"out/{good}/r2.fq"]
    body = s3.get_object(Bucket=BUCKET, Key=f"out/{good}/r2.fq")["Body"].read()
    assert body == R2
    jobs = _valid("ListReadSetExportJobs", omics.list_read_set_export_jobs(
        sequenceStoreId=store, filter={"status": "COMPLETED_WITH_FAILURES"}))
    assert [j["id"] for j in jobs["exportJobs"]] == [started["id"]]


def test_s3_access_only_while_active(omics: Any, s3: Any, store: str,
                                     control: EmulatorControl) -> None:
    s3.put_object(Bucket=BUCKET, Key="s.fq", Body=R1)
    [read_set] = imported(omics, store, fastq_source("s.fq"))
    meta = _valid("GetReadSetMetadata", omics.get_read_set_metadata(sequenceStoreId=store,
                                                                    id=read_set))
    store_uri = omics.get_sequence_store(id=store)["s3Access"]["s3Uri"]
    assert meta["files"]["source1"]["s3Access"]["s3Uri"] == f"{store_uri}readSet/{read_set}/s.fq"
    control.archive(store, [read_set])
    meta = omics.get_read_set_metadata(sequenceStoreId=store, id=read_set)
    assert "s3Access" not in meta["files"]["source1"]


def test_export_budget_and_quota(omics: Any, bare: Any, s3: Any, store: str,
                                 control: EmulatorControl) -> None:
    assert {budget_of(op).name for op in ("StartReadSetExportJob", "GetReadSetExportJob",
                                          "ListReadSetExportJobs")} == {"exportJobs"}
    assert budget_of("StartReadSetExportJob").rate == 5 and JOB_QUOTAS["export"] == 10
    s3.put_object(Bucket=BUCKET, Key="q.fq", Body=R1)
    [read_set] = imported(omics, store, fastq_source("q.fq"))
    control.quota(1, kind="export")
    request = {"sequenceStoreId": store, "destination": f"s3://{BUCKET}/q/", "roleArn": ROLE,
               "sources": [{"readSetId": read_set}]}
    bare.start_read_set_export_job(**request)
    code, status, _ = error_of(bare.start_read_set_export_job, **request)
    assert (code, status) == ("ServiceQuotaExceededException", 402)
