"""The service's answers as botocore's model has them: filters (createdAfter/Before and every
ReadSetFilter member), pagination, answers cut to their output shape, request ids."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import pytest

from omics_resources.core.service_model import service_model
from tests.integration.emulator.conftest import (
    BUCKET,
    ROLE,
    bam_bytes,
    error_of,
    fastq_source,
    imported,
    raw,
    wait_for,
)
from tests.support.emulator_control import EmulatorControl

FASTQ = b"@r\nACGT\n+\nIIII\n"



def ids(items: list[dict[str, Any]]) -> list[str]:
    return sorted(item["id"] for item in items)


def test_created_filters_on_every_list(omics: Any, s3: Any, store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=FASTQ)
    [early] = imported(omics, store, fastq_source("a.fq", "early"))
    [late] = imported(omics, store, fastq_source("a.fq", "late"))
    created = {r: omics.get_read_set_metadata(sequenceStoreId=store, id=r)["creationTime"]
               for r in (early, late)}
    assert created[early] < created[late]

    def read_sets(**bounds: datetime) -> list[str]:
        return ids(omics.list_read_sets(sequenceStoreId=store, filter=bounds)["readSets"])

    assert read_sets(createdAfter=created[late]) == [late]
    assert read_sets(createdBefore=created[early]) == [early]
    assert read_sets(createdAfter=created[early], createdBefore=created[late]) == ids(
        [{"id": early}, {"id": late}])

    first, second = omics.list_read_set_import_jobs(sequenceStoreId=store)["importJobs"]
    assert first["creationTime"] < second["creationTime"]

    def import_jobs(**bounds: datetime) -> list[str]:
        return ids(omics.list_read_set_import_jobs(sequenceStoreId=store, filter=bounds)["importJobs"])

    assert import_jobs(createdAfter=second["creationTime"]) == [second["id"]]
    assert import_jobs(createdBefore=first["creationTime"]) == [first["id"]]

    for _ in range(2):
        omics.start_read_set_activation_job(sequenceStoreId=store, sources=[{"readSetId": early}])
        time.sleep(0.01)
    first, second = omics.list_read_set_activation_jobs(sequenceStoreId=store)["activationJobs"]
    assert first["creationTime"] < second["creationTime"]

    def activation_jobs(**bounds: datetime) -> list[str]:
        answer = omics.list_read_set_activation_jobs(sequenceStoreId=store, filter=bounds)
        return ids(answer["activationJobs"])

    assert activation_jobs(createdAfter=second["creationTime"]) == [second["id"]]
    assert activation_jobs(createdBefore=first["creationTime"]) == [first["id"]]

    other = omics.create_sequence_store(name="later")
    mine = omics.get_sequence_store(id=store)
    after = omics.list_sequence_stores(filter={"createdAfter": other["creationTime"]})
    assert ids(after["sequenceStores"]) == [other["id"]]
    before = ids(omics.list_sequence_stores(filter={"createdBefore": mine["creationTime"]})[
        "sequenceStores"])
    assert store in before and other["id"] not in before
    updated = omics.list_sequence_stores(filter={"updatedAfter": other["creationTime"]})
    assert ids(updated["sequenceStores"]) == [other["id"]]


def test_answers_have_only_their_shapes_members(emulator_url: str, omics: Any, s3: Any,
                                                store: str) -> None:
    """boto3 ignores members a shape does not have, so this reads the raw JSON."""
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=FASTQ)
    [read_set] = imported(omics, store, fastq_source("a.fq"))
    status, _, body = raw(emulator_url, "POST", f"/sequencestore/{store}/readsets", b"{}")
    assert status == 200
    [item] = json.loads(body)["readSets"]
    assert set(item) <= set(service_model().shape_for("ReadSetListItem").members)
    assert "creationJobId" not in item
    assert set(item["etag"]) == {"algorithm", "source1"}  # no source2 for one file
    assert set(item["etag"]) <= set(service_model().shape_for("ETag").members)
    assert omics.get_read_set_metadata(sequenceStoreId=store, id=read_set)["creationJobId"]
    status, _, body = raw(emulator_url, "GET", f"/sequencestore/{store}/readset/{read_set}/metadata")
    assert status == 200 and json.loads(body)["etag"] == item["etag"]
    status, _, body = raw(emulator_url, "POST", f"/sequencestore/{store}/importjobs", b"{}")
    [job] = json.loads(body)["importJobs"]
    assert set(job) <= set(service_model().shape_for("ImportReadSetJobItem").members)


def test_every_answer_has_a_request_id(emulator_url: str, omics: Any, store: str) -> None:
    first = omics.get_sequence_store(id=store)["ResponseMetadata"]["RequestId"]
    second = omics.list_sequence_stores()["ResponseMetadata"]["RequestId"]
    assert first and second and first != second
    with pytest.raises(Exception) as caught:
        omics.get_sequence_store(id="9999999999")
    assert caught.value.response["ResponseMetadata"]["RequestId"]  # type: ignore[attr-defined]
    for answer in (raw(emulator_url, "GET", "/no/such/path"),
                   raw(emulator_url, "POST", f"/sequencestore/{store}/importjob", b"{bad"),
                   raw(emulator_url, "GET", f"/sequencestore/{store}", sign=False)):
        assert answer[0] >= 400 and answer[1].get("x-amzn-RequestId"), answer


def test_list_read_sets_filters_every_member(omics: Any, s3: Any, store: str,
                                             control: EmulatorControl, reference: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=FASTQ)
    s3.put_object(Bucket=BUCKET, Key="u.bam", Body=bam_bytes())
    bam = {"sourceFiles": {"source1": f"s3://{BUCKET}/u.bam"}, "subjectId": "subj-a"}
    fastq, ubam, aligned = imported(
        omics, store,
        fastq_source("a.fq", "s1", subjectId="subj-a", name="n1", generatedFrom="lab-1"),
        {**bam, "sourceFileType": "UBAM", "sampleId": "s2", "subjectId": "subj-b", "name": "n2"},
        {**bam, "sourceFileType": "BAM", "sampleId": "s3", "referenceArn": reference,
         "generatedFrom": "lab-2"})
    control.archive(store, [ubam])

    def listed(**wanted: Any) -> list[str]:
        return ids(omics.list_read_sets(sequenceStoreId=store, filter=wanted)["readSets"])

    assert listed(status="ARCHIVED") == [ubam]
    assert listed(status="ACTIVE") == sorted([fastq, aligned])
    assert listed(sampleId="s1") == [fastq]
    assert listed(subjectId="subj-a") == sorted([fastq, aligned])
    assert listed(name="n2") == [ubam]
    assert listed(referenceArn=reference) == [aligned]
    assert listed(referenceArn="") == sorted([fastq, ubam])
    assert listed(generatedFrom="lab-2") == [aligned]
    assert listed(creationType="IMPORT") == sorted([fastq, ubam, aligned])
    assert listed(creationType="UPLOAD") == []
    assert listed(subjectId="subj-a", status="ACTIVE", generatedFrom="lab-1") == [fastq]


def test_list_read_sets_pages_up_to_the_models_maximum(omics: Any, unchecked_omics: Any, s3: Any,
                                                       store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=FASTQ)
    every = imported(omics, store, *(fastq_source("a.fq", f"s{n}") for n in range(5)))
    assert len(omics.list_read_sets(sequenceStoreId=store, maxResults=100)["readSets"]) == 5
    code, status, message = error_of(unchecked_omics.list_read_sets, sequenceStoreId=store,
                                     maxResults=101)
    assert (code, status) == ("ValidationException", 400)
    assert "at 'maxResults' failed to satisfy constraint: must be less than or equal to 100" in message
    first = omics.list_read_sets(sequenceStoreId=store, maxResults=2)
    # Items added between pages do not shift the walk: each earlier read set is seen once.
    added = imported(omics, store, fastq_source("a.fq", "added"))
    seen = [r["id"] for r in first["readSets"]]
    token = first["nextToken"]
    while token:
        page = omics.list_read_sets(sequenceStoreId=store, maxResults=2, nextToken=token)
        seen += [r["id"] for r in page["readSets"]]
        token = page.get("nextToken")
    assert sorted(set(seen) - set(added)) == sorted(every) and len(seen) == len(set(seen))
    assert error_of(omics.list_read_sets, sequenceStoreId=store, nextToken="not-a-token")[0] == (
        "ValidationException")


def test_list_jobs_filter_by_status_and_page(omics: Any, unchecked_omics: Any, s3: Any,
                                             store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=FASTQ)
    good = [omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE,
                                            sources=[fastq_source("a.fq")])["id"] for _ in range(2)]
    bad = omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE,
                                          sources=[fastq_source("missing.fq")])["id"]
    wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=bad), "FAILED")
    failed = omics.list_read_set_import_jobs(sequenceStoreId=store, filter={"status": "FAILED"})
    assert ids(failed["importJobs"]) == [bad]
    pages = omics.get_paginator("list_read_set_import_jobs").paginate(
        sequenceStoreId=store, PaginationConfig={"PageSize": 2})
    walked = [[j["id"] for j in p["importJobs"]] for p in pages]
    assert walked == [good, [bad]]  # oldest first, in pages of two
    assert error_of(unchecked_omics.list_read_set_import_jobs, sequenceStoreId=store,
                    maxResults=0)[0] == "ValidationException"

    read_set = wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=good[0]),
                        "COMPLETED")["sources"][0]["readSetId"]
    done = omics.start_read_set_activation_job(sequenceStoreId=store,
                                               sources=[{"readSetId": read_set}])["id"]
    missing = omics.start_read_set_activation_job(sequenceStoreId=store,
                                                  sources=[{"readSetId": "9999999999"}])["id"]
    wait_for(lambda: omics.get_read_set_activation_job(sequenceStoreId=store, id=missing), "FAILED")
    wait_for(lambda: omics.get_read_set_activation_job(sequenceStoreId=store, id=done), "COMPLETED")

    def activations(**wanted: Any) -> list[str]:
        return ids(omics.list_read_set_activation_jobs(sequenceStoreId=store, filter=wanted)[
            "activationJobs"])

    assert activations(status="FAILED") == [missing]
    assert activations(status="COMPLETED") == [done]
    [first_page] = [p["activationJobs"] for p in omics.get_paginator(
        "list_read_set_activation_jobs").paginate(sequenceStoreId=store,
                                                  PaginationConfig={"MaxItems": 1})]
    assert [j["id"] for j in first_page] == [done]
