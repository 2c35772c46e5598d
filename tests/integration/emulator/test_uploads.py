"""Multipart read-set uploads in the emulator, over HTTP with boto3: parts and their
checksums, Complete's refusals, Abort, the listings, the read set's statuses, the part
limit, and every answer cut to its output shape (read from the raw JSON)."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from omics_resources.core.service_model import UPLOAD_PART_MAX_BYTES, service_model
from tests.integration.emulator.conftest import error_of, raw, wait_for

FASTQ = b"@r1\nACGT\n+\nIIII\n" * 64
META = {"sourceFileType": "FASTQ", "subjectId": "subject", "sampleId": "sample", "name": "reads"}


def opened(omics: Any, store: str, **extra: Any) -> str:
    return str(omics.create_multipart_read_set_upload(sequenceStoreId=store, **META,
                                                      **extra)["uploadId"])


def part(omics: Any, store: str, upload: str, number: int, body: bytes, *,
         source: str = "SOURCE1") -> str:
    answer = omics.upload_read_set_part(sequenceStoreId=store, uploadId=upload, partSource=source,
                                        partNumber=number, payload=body)
    return str(answer["checksum"])


def test_upload_in_parts_makes_an_active_read_set(omics: Any, store: str) -> None:
    upload = opened(omics, store, tags={"k": "v"})
    halves = FASTQ[:500], FASTQ[500:]
    sums = [part(omics, store, upload, n + 1, half) for n, half in enumerate(halves)]
    mate = part(omics, store, upload, 1, FASTQ, source="SOURCE2")
    listed = omics.list_read_set_upload_parts(sequenceStoreId=store, uploadId=upload,
                                              partSource="SOURCE1")["parts"]
    assert [(p["partNumber"], p["partSize"], p["checksum"]) for p in listed] == [
        (1, 500, sums[0]), (2, len(FASTQ) - 500, sums[1])]
    [item] = omics.list_multipart_read_set_uploads(sequenceStoreId=store)["uploads"]
    assert item["uploadId"] == upload and item["tags"] == {"k": "v"}
    parts = [{"partNumber": n + 1, "partSource": "SOURCE1", "checksum": s}
             for n, s in enumerate(sums)] + [
        {"partNumber": 1, "partSource": "SOURCE2", "checksum": mate}]
    read_set = omics.complete_multipart_read_set_upload(sequenceStoreId=store, uploadId=upload,
                                                        parts=parts)["readSetId"]
    assert omics.list_multipart_read_set_uploads(sequenceStoreId=store)["uploads"] == []
    meta = omics.get_read_set_metadata(sequenceStoreId=store, id=read_set)
    assert meta["status"] == "PROCESSING_UPLOAD" and meta["creationType"] == "UPLOAD"
    meta = wait_for(lambda: omics.get_read_set_metadata(sequenceStoreId=store, id=read_set),
                    "ACTIVE")
    assert meta["sequenceInformation"]["totalReadCount"] == 64
    assert omics.list_tags_for_resource(resourceArn=meta["arn"])["tags"] == {"k": "v"}


def test_complete_refuses_missing_and_mismatched_parts(bare: Any, omics: Any, store: str) -> None:
    upload = opened(omics, store)
    one = part(omics, store, upload, 1, FASTQ[:100])
    part(omics, store, upload, 3, FASTQ[100:])
    item = {"partSource": "SOURCE1", "checksum": one}
    complete = omics.complete_multipart_read_set_upload  # retries the 1-a-second throttles
    code, status, message = error_of(complete, sequenceStoreId=store, uploadId=upload,
                                     parts=[{**item, "partNumber": 1}, {**item, "partNumber": 2}])
    assert (code, status) == ("ValidationException", 400) and "SOURCE1/2 was not uploaded" in message
    code, _, message = error_of(complete, sequenceStoreId=store, uploadId=upload,
                                parts=[{**item, "partNumber": 1, "checksum": "0" * 64}])
    assert code == "ValidationException" and "checksum" in message
    code, _, message = error_of(complete, sequenceStoreId=store, uploadId=upload,
                                parts=[{**item, "partNumber": 1}])
    assert code == "ValidationException" and "not numbered 1 to 2" in message
    # Still open after every refusal; Abort ends it and its parts.
    assert len(omics.list_multipart_read_set_uploads(sequenceStoreId=store)["uploads"]) == 1
    omics.abort_multipart_read_set_upload(sequenceStoreId=store, uploadId=upload)
    assert omics.list_multipart_read_set_uploads(sequenceStoreId=store)["uploads"] == []
    code, status, _ = error_of(bare.list_read_set_upload_parts, sequenceStoreId=store,
                               uploadId=upload, partSource="SOURCE1")
    assert (code, status) == ("ResourceNotFoundException", 404)


def test_a_file_that_is_not_its_type_is_upload_failed(omics: Any, store: str) -> None:
    upload = opened(omics, store)
    checksum = part(omics, store, upload, 1, b"not a fastq")
    read_set = omics.complete_multipart_read_set_upload(
        sequenceStoreId=store, uploadId=upload,
        parts=[{"partNumber": 1, "partSource": "SOURCE1", "checksum": checksum}])["readSetId"]
    meta = wait_for(lambda: omics.get_read_set_metadata(sequenceStoreId=store, id=read_set),
                    "UPLOAD_FAILED")
    assert "not a FASTQ file" in meta["statusMessage"]


def test_create_with_a_client_token_returns_the_open_upload(omics: Any, bare: Any,
                                                            store: str) -> None:
    first = opened(omics, store, clientToken="token-1")
    assert opened(omics, store, clientToken="token-1") == first
    code, _, _ = error_of(omics.create_multipart_read_set_upload, sequenceStoreId=store,
                          clientToken="token-1", **{**META, "name": "other"})
    assert code == "ValidationException"


def test_a_part_over_the_limit_is_refused(emulator_url: str, omics: Any, store: str) -> None:
    upload = opened(omics, store)
    path = f"/sequencestore/{store}/upload/{upload}/part?partSource=SOURCE1&partNumber=1"
    # The length is judged before the body is read: the header alone is refused.
    length = str(UPLOAD_PART_MAX_BYTES + 1)
    request = AWSRequest(method="PUT", url=emulator_url + path, headers={"Content-Length": length})
    SigV4Auth(Credentials("AKIAUPLOAD", "secret"), "omics", "us-east-1").add_auth(request)
    host, port = emulator_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("PUT", path)
    for name, value in request.headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(b"x" * 1024)
    answer = connection.getresponse()
    assert answer.status == 413
    assert answer.headers.get("x-amzn-ErrorType") == "RequestEntityTooLargeException"
    connection.close()


def test_upload_answers_have_only_their_shapes_members(emulator_url: str, omics: Any,
                                                       store: str) -> None:
    model = service_model()
    upload = opened(omics, store)
    part(omics, store, upload, 1, FASTQ)
    for path, shape, key in (
            (f"/sequencestore/{store}/uploads", "MultipartReadSetUploadListItem", "uploads"),
            (f"/sequencestore/{store}/upload/{upload}/parts", "ReadSetUploadPartListItem",
             "parts")):
        status, _, body = raw(emulator_url, "POST", path,
                              json.dumps({"partSource": "SOURCE1"} if key == "parts" else {})
                              .encode())
        assert status == 200, body
        [item] = json.loads(body)[key]
        members = model.shape_for(shape)
        assert set(item) <= set(members.members)
        assert set(members.required_members) <= set(item), (shape, item)


@pytest.mark.parametrize("operation", ["CreateMultipartReadSetUpload",
                                       "CompleteMultipartReadSetUpload",
                                       "AbortMultipartReadSetUpload"])
def test_create_complete_and_abort_are_one_a_second(control: Any, operation: str) -> None:
    budgets = control.limits()
    [name] = [b for b, ops in budgets["operations"].items() if operation in ops]
    assert budgets["rates"][name] == 1
    [parts] = [b for b, ops in budgets["operations"].items() if "UploadReadSetPart" in ops]
    assert budgets["rates"][parts] == 10
