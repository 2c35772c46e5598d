"""Emulator tests talk to it only as clients do: boto3 over HTTP, or raw signed HTTP."""

from __future__ import annotations

import gzip
import os
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.support.emulator_control import EmulatorControl
from tests.support.scenario import aws_client

ROLE = "arn:aws:iam::123456789012:role/OmicsImportRole"
BUCKET = "emulator-tests"


def fastq_source(key: str, sample: str = "x", **extra: Any) -> dict[str, Any]:
    return {"sourceFiles": {"source1": f"s3://{BUCKET}/{key}"}, "sourceFileType": "FASTQ",
            "subjectId": "subject", "sampleId": sample, **extra}


def error_of(call: Any, **params: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
            response["Error"]["Message"])


def wait_for(fetch: Any, status: str, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        answer = fetch()
        if answer["status"] == status or time.monotonic() > deadline:
            assert answer["status"] == status, answer
            return dict(answer)
        time.sleep(0.2)  # under the Get budgets' 5 requests per second


def bam_record(name: str, bases: str) -> bytes:
    """One unmapped alignment record as BAM stores it (SAM spec 4.2): no quality scores."""
    codes = "=ACMGRSVTWYHKDBN"
    padded = bases + "=" * (len(bases) % 2)
    packed = bytes(codes.index(padded[i]) << 4 | codes.index(padded[i + 1])
                   for i in range(0, len(padded), 2))
    read_name = name.encode() + b"\0"
    # refID, pos, l_read_name, mapq, bin, n_cigar_op, flag (4: unmapped), l_seq, next refID,
    # next pos, tlen
    fixed = struct.pack("<iiBBHHHiiii", -1, -1, len(read_name), 0, 4680, 0, 4, len(bases), -1, -1,
                        0)
    body = fixed + read_name + packed + b"\xff" * len(bases)
    return struct.pack("<i", len(body)) + body


def bam_bytes(*records: bytes, header: str = "", level: int = 9) -> bytes:
    """A BAM file (one BGZF block) with this SAM header text, no references, ``records``."""
    text = header.encode()
    body = b"BAM\x01" + struct.pack("<i", len(text)) + text + struct.pack("<i", 0) + b"".join(records)
    data = gzip.compress(body, compresslevel=level)
    # Mark the gzip member as BGZF (FLG.FEXTRA with a BC subfield), as BAM files are.
    member = b"\x1f\x8b\x08\x04" + data[4:10] + struct.pack("<HBBHH", 6, 66, 67, 2, 0)
    return member + data[10:]


def bare_client(url: str, **options: Any) -> Any:
    """An omics client that does not retry, so every answer is seen as it is."""
    config = Config(inject_host_prefix=False, retries={"mode": "standard", "total_max_attempts": 1},
                    **options)
    return boto3.client("omics", endpoint_url=url, region_name="us-east-1", config=config)


def retrying_client(url: str, **options: Any) -> Any:
    """An omics client with botocore's standard retries, as users build it: a throttle from
    the emulator's limits (on in every test unless it says why not) is retried."""
    config = Config(inject_host_prefix=False, retries={"mode": "standard", "total_max_attempts": 10},
                    **options)
    return boto3.client("omics", endpoint_url=url, region_name="us-east-1", config=config)


def raw(url: str, method: str, path: str, body: bytes | None = None, *, sign: bool = True,
        content_type: str | None = "application/json") -> tuple[int, dict[str, str], bytes]:
    """One HTTP request, SigV4-signed for omics like botocore would (or not signed)."""
    headers = {"Content-Type": content_type} if content_type else {}
    request = AWSRequest(method=method, url=url + path, data=body, headers=headers)
    if sign:
        SigV4Auth(Credentials("AKIAROBUST", "secret"), "omics", "us-east-1").add_auth(request)
    prepared = urllib.request.Request(url + path, data=body, method=method,
                                      headers=dict(request.headers.items()))
    try:
        with urllib.request.urlopen(prepared, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def start_emulator(*flags: str) -> tuple[subprocess.Popen[str], str]:
    """``python -m omics_resources.emulator --port 0 FLAGS...`` and the URL it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "omics_resources.emulator", "--port", "0", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[3], env={**os.environ})
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), (url, process.stderr.read() if process.stderr else "")
    return process, url


@pytest.fixture
def omics(emulator_url: str, control: EmulatorControl) -> Any:
    """An omics client with standard retries (the emulator's rate limits are on)."""
    return retrying_client(emulator_url)


@pytest.fixture
def bare(emulator_url: str, control: EmulatorControl) -> Any:
    """An omics client that does not retry: every answer as it is (faults, throttles)."""
    return bare_client(emulator_url)


@pytest.fixture
def unchecked_omics(emulator_url: str, control: EmulatorControl) -> Any:
    """An omics client that skips botocore's own parameter checks, to reach the server's."""
    return retrying_client(emulator_url, parameter_validation=False)


@pytest.fixture
def s3(emulator_url: str, control: EmulatorControl) -> Any:
    """An S3 client (default addressing, as users would build it) with one bucket."""
    client = aws_client("s3", emulator_url)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def store(omics: Any) -> str:
    """A fresh sequence store's id."""
    return str(omics.create_sequence_store(name="emulator-tests")["id"])


def imported_reference(omics: Any, s3: Any) -> str:
    """The ARN of a reference imported into a new reference store (BAM and CRAM imports
    need one the emulator has)."""
    s3.put_object(Bucket=BUCKET, Key="reference.fa", Body=b">chr1\nACGTACGT\n")
    store = omics.create_reference_store(name="emulator-tests")["id"]
    job = omics.start_reference_import_job(
        referenceStoreId=store, roleArn=ROLE,
        sources=[{"sourceFile": f"s3://{BUCKET}/reference.fa", "name": "reference"}])
    done = wait_for(lambda: omics.get_reference_import_job(referenceStoreId=store, id=job["id"]),
                    "COMPLETED")
    return str(omics.get_reference_metadata(referenceStoreId=store,
                                            id=done["sources"][0]["referenceId"])["arn"])


@pytest.fixture
def reference(omics: Any, s3: Any) -> str:
    """An imported reference's ARN."""
    return imported_reference(omics, s3)


def imported(omics: Any, store: str, *sources: dict[str, Any]) -> list[str]:
    """Import ``sources`` in one job, wait for it, return the read set ids in order."""
    job = omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE, sources=list(sources))
    done = wait_for(lambda: omics.get_read_set_import_job(sequenceStoreId=store, id=job["id"]),
                    "COMPLETED")
    return [s["readSetId"] for s in done["sources"]]
