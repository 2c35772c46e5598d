"""Faults, quota, concurrency, abuse and persistence: the emulator under stress."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from omics_resources.emulator import Durations, EmulatorServer, LimitConfig
from tests.integration.emulator.conftest import BUCKET, ROLE, bare_client, raw
from tests.support.emulator_control import EmulatorControl
from tests.support.scenario import aws_client


def assert_aws_error(answer: tuple[int, dict[str, str], bytes], status: int, code: str) -> str:
    got_status, headers, body = answer
    assert (got_status, headers.get("x-amzn-ErrorType")) == (status, code), answer
    message = json.loads(body)["message"]
    assert message
    return str(message)


def still_serving(omics: Any) -> None:
    assert omics.list_sequence_stores()["sequenceStores"] is not None


def test_abuse_gets_aws_shaped_4xx_and_the_server_goes_on(emulator_url: str, omics: Any,
                                                          store: str) -> None:
    path = f"/sequencestore/{store}/importjob"
    message = assert_aws_error(raw(emulator_url, "POST", path, b"{not json"), 400,
                               "SerializationException")
    assert "not valid JSON" in message
    still_serving(omics)
    assert_aws_error(raw(emulator_url, "POST", path, b"roleArn=x", content_type="text/plain"),
                     400, "SerializationException")
    still_serving(omics)
    assert_aws_error(raw(emulator_url, "POST", path, b"[1, 2]"), 400, "SerializationException")
    still_serving(omics)
    big = b'{"roleArn": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    try:
        answer = raw(emulator_url, "POST", path, big)
    except (ConnectionError, urllib.error.URLError):
        answer = None  # the server may close the socket after answering without reading
    if answer is not None:
        assert_aws_error(answer, 413, "RequestEntityTooLargeException")
    still_serving(omics)
    assert_aws_error(raw(emulator_url, "GET", "/no/such/path"), 404, "UnknownOperationException")
    assert_aws_error(raw(emulator_url, "DELETE", f"/sequencestore/{store}/importjob"), 404,
                     "UnknownOperationException")
    still_serving(omics)
    message = assert_aws_error(raw(emulator_url, "GET", f"/sequencestore/{store}", sign=False),
                               403, "AccessDeniedException")
    assert "signed" in message
    still_serving(omics)


def test_injected_faults_by_count_and_by_seeded_rate(emulator_url: str, bare: Any, store: str,
                                                     control: EmulatorControl) -> None:
    # Rate limits off: this test counts injected faults answer by answer (43 quick calls to
    # one 5-TPS budget); the service's own throttles would mix in.
    control.limits(rateLimits=False)
    omics = bare
    control.fault(operation="GetSequenceStore", error="ThrottlingException", count=2)
    codes = []
    for _ in range(3):
        try:
            omics.get_sequence_store(id=store)
            codes.append("ok")
        except ClientError as error:
            codes.append((error.response["Error"]["Code"],
                          error.response["ResponseMetadata"]["HTTPStatusCode"]))
    assert codes == [("ThrottlingException", 429), ("ThrottlingException", 429), "ok"]

    def outcomes(seed: int) -> list[str]:
        control.clear_faults()
        control.fault(operation="*", error="InternalServerException", rate=0.5, seed=seed)
        seen = []
        for _ in range(20):
            try:
                omics.get_sequence_store(id=store)
                seen.append("ok")
            except ClientError as error:
                seen.append(error.response["Error"]["Code"])
        return seen

    first, again = outcomes(7), outcomes(7)
    assert first == again
    assert 3 <= first.count("InternalServerException") <= 17
    control.clear_faults()
    control.fault(operation="ListReadSets", error="RequestTimeoutException", count=1)
    with pytest.raises(ClientError) as caught:
        omics.list_read_sets(sequenceStoreId=store)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 408
    faulted = [r for r in control.log()["requests"] if r["fault"]]
    assert len(faulted) == 2 + first.count("InternalServerException") * 2 + 1


def test_a_lost_answer_is_served_then_replaced(omics: Any, bare: Any, s3: Any, store: str,
                                              control: EmulatorControl) -> None:
    """An `after` fault serves the request and loses its answer: the job exists although
    the caller saw a 500; the same token then returns that job instead of a second one."""
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=b"@r\nA\n+\nI\n")
    request = {"sequenceStoreId": store, "roleArn": ROLE, "clientToken": "lost-answer",
               "sources": [{"sourceFiles": {"source1": f"s3://{BUCKET}/a.fq"},
                            "sourceFileType": "FASTQ", "subjectId": "s", "sampleId": "x"}]}
    control.fault(operation="StartReadSetImportJob", error="InternalServerException", count=1,
                  after=True)
    with pytest.raises(ClientError) as caught:
        bare.start_read_set_import_job(**request)
    assert "after serving it" in caught.value.response["Error"]["Message"]
    [job] = omics.list_read_set_import_jobs(sequenceStoreId=store)["importJobs"]
    assert omics.start_read_set_import_job(**request)["id"] == job["id"]
    assert len(omics.list_read_set_import_jobs(sequenceStoreId=store)["importJobs"]) == 1
    [lost, replayed] = [r for r in control.log()["requests"]
                        if r["operation"] == "StartReadSetImportJob"]
    assert (lost["fault"], lost["newJob"], lost["status"]) == (True, True, 500)
    assert (replayed["fault"], replayed["newJob"], replayed["jobId"]) == (False, False, job["id"])


def test_job_quota_answers_402(omics: Any, s3: Any, store: str, control: EmulatorControl) -> None:
    control.durations(importSeconds=5)
    control.quota(1)  # for each kind: quotas are per job kind, as the service's are
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=b"@r\nA\n+\nI\n")
    source = {"sourceFiles": {"source1": f"s3://{BUCKET}/a.fq"}, "sourceFileType": "FASTQ",
              "subjectId": "s", "sampleId": "x"}
    omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE, sources=[source])
    omics.start_read_set_activation_job(sequenceStoreId=store, sources=[{"readSetId": "1234567890"}])
    with pytest.raises(ClientError) as caught:
        omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE, sources=[source])
    assert caught.value.response["Error"]["Code"] == "ServiceQuotaExceededException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 402
    control.quota(None)
    omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE, sources=[source])


def test_200_concurrent_gets_from_20_threads(emulator_url: str, s3: Any, store: str,
                                             omics: Any, control: EmulatorControl) -> None:
    # Rate limits off: this is the server's thread safety under load (200 answers at once),
    # which two 5-TPS budgets would stretch to 20 s of retries.
    control.limits(rateLimits=False)
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=b"@r\nA\n+\nI\n")
    job = omics.start_read_set_import_job(
        sequenceStoreId=store, roleArn=ROLE,
        sources=[{"sourceFiles": {"source1": f"s3://{BUCKET}/a.fq"}, "sourceFileType": "FASTQ",
                  "subjectId": "s", "sampleId": "x"}])
    clients = [bare_client(emulator_url) for _ in range(20)]

    def get(n: int) -> tuple[str, str]:
        client = clients[n % 20]
        if n % 2:
            answer = client.get_read_set_import_job(sequenceStoreId=store, id=job["id"])
            return answer["id"], answer["sequenceStoreId"]
        answer = client.get_sequence_store(id=store)
        return answer["id"], answer["id"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(get, range(200)))
    assert len(answers) == 200
    assert all(a == ((job["id"], store) if n % 2 else (store, store)) for n, a in enumerate(answers))


def start_process(state: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "omics_resources.emulator", "--port", "0", "--state", str(state),
         "--speed", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[3], env={**os.environ})
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    return process, url


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "emulator.json"
    process, url = start_process(state)
    try:
        omics = bare_client(url)
        store = omics.create_sequence_store(name="durable")["id"]
        job = omics.start_read_set_activation_job(sequenceStoreId=store,
                                                  sources=[{"readSetId": "1234567890"}],
                                                  clientToken="durable-token")
        s3 = aws_client("s3", url)
        s3.create_bucket(Bucket="durable-sources")
        s3.put_object(Bucket="durable-sources", Key="kept.fq", Body=b"@kept/1\nACGT\n+\nIIII\n")
        s3.put_object(Bucket="durable-sources", Key="gone.fq", Body=b"@gone/1\nACGT\n+\nIIII\n")
        s3.delete_object(Bucket="durable-sources", Key="gone.fq")
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    assert json.loads(state.read_text())["stores"][0]["id"] == store
    process, url = start_process(state)
    try:
        omics = bare_client(url)
        assert omics.get_sequence_store(id=store)["name"] == "durable"
        s3 = aws_client("s3", url)
        listed = s3.list_objects_v2(Bucket="durable-sources")["Contents"]
        assert [o["Key"] for o in listed] == ["kept.fq"]
        kept = s3.get_object(Bucket="durable-sources", Key="kept.fq")["Body"].read()
        assert kept == b"@kept/1\nACGT\n+\nIIII\n"
        # A job started after the restart reads the object kept across it.
        imported = omics.start_read_set_import_job(
            sequenceStoreId=store, roleArn=ROLE,
            sources=[{"sourceFiles": {"source1": "s3://durable-sources/kept.fq"},
                      "sourceFileType": "FASTQ", "subjectId": "s", "sampleId": "kept"}])
        assert omics.get_read_set_import_job(sequenceStoreId=store, id=imported["id"])[
            "status"] == "COMPLETED"
        again = omics.start_read_set_activation_job(sequenceStoreId=store,
                                                    sources=[{"readSetId": "1234567890"}],
                                                    clientToken="durable-token")
        assert again["id"] == job["id"]
        got = omics.get_read_set_activation_job(sequenceStoreId=store, id=job["id"])
        assert got["status"] == "FAILED"
    finally:
        process.terminate()
        process.wait(timeout=10)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_state_file_is_written_only_when_something_changed(tmp_path: Path) -> None:
    """Polling a job that has not moved must not rewrite the state file (with large S3
    objects in it, each write took ~0.4 s)."""
    state = tmp_path / "emulator.json"
    clock = FakeClock()
    # Rate limits off: under a clock that stands still the budgets would never refill.
    with EmulatorServer(port=0, state_file=str(state), clock=clock,
                        durations=Durations(submit_seconds=10, activation_seconds=10),
                        limits=LimitConfig(rate_limits=False)) as emulator:
        omics = bare_client(emulator.url)
        store = omics.create_sequence_store(name="quiet")["id"]
        job = omics.start_read_set_activation_job(sequenceStoreId=store,
                                                  sources=[{"readSetId": "1234567890"}])
        written = state.stat().st_ino  # every write replaces the file: a new inode
        for _ in range(3):
            assert omics.get_read_set_activation_job(sequenceStoreId=store,
                                                     id=job["id"])["status"] == "SUBMITTED"
            omics.list_read_set_activation_jobs(sequenceStoreId=store)
        assert state.stat().st_ino == written
        clock.now += 11  # the job leaves SUBMITTED: a real change, written once
        assert omics.get_read_set_activation_job(sequenceStoreId=store,
                                                 id=job["id"])["status"] == "IN_PROGRESS"
        moved = state.stat().st_ino
        assert moved != written
        omics.get_read_set_activation_job(sequenceStoreId=store, id=job["id"])
        assert state.stat().st_ino == moved
        assert json.loads(state.read_text())["jobs"][0]["status"] == "IN_PROGRESS"
