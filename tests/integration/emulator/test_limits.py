"""The service's limits, on by default: API rates per budget (ThrottlingException 429),
concurrent jobs per kind (ServiceQuotaExceededException 402), both configurable at start
and through the control API, and the request log that shows them."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from omics_resources.emulator.limits import BUDGETS, JOB_QUOTAS
from tests.integration.emulator.conftest import (
    BUCKET,
    ROLE,
    bare_client,
    fastq_source,
    start_emulator,
)
from tests.support.emulator_control import EmulatorControl


def outcome(call: Any, **params: Any) -> str:
    try:
        call(**params)
    except ClientError as error:
        code = error.response["Error"]["Code"]
        return f"{code} {error.response['ResponseMetadata']['HTTPStatusCode']}"
    return "ok"


def test_limits_are_on_at_the_published_defaults(control: EmulatorControl) -> None:
    limits = control.limits()
    assert limits["rateLimits"] is True and limits["burstSeconds"] == 1.0
    assert limits["rates"] == {b.name: b.rate for b in BUDGETS}
    assert limits["operations"]["importJobs"] == [
        "StartReadSetImportJob", "GetReadSetImportJob", "ListReadSetImportJobs"]
    assert limits["rates"]["importJobs"] == 5 and limits["rates"]["batchDelete"] == 1
    assert limits["maxActiveJobs"] == {"import": 10, "activation": 10, "export": 10,
                                       "reference": 10} == dict(JOB_QUOTAS)


def test_a_burst_beyond_the_default_rate_is_throttled(bare: Any, store: str,
                                                      control: EmulatorControl) -> None:
    """30 requests at once on a 5-TPS budget (5 in the bucket): they would need 5 s to all
    pass, and take well under one."""
    with ThreadPoolExecutor(max_workers=10) as pool:
        seen = list(pool.map(lambda _n: outcome(bare.get_sequence_store, id=store), range(30)))
    assert "ThrottlingException 429" in seen
    assert 5 <= seen.count("ok") < 30
    assert control.throttled("sequenceStores") == seen.count("ThrottlingException 429")
    assert control.throttled("importJobs") == 0


def test_beyond_the_rate_throttled_below_it_not(bare: Any, store: str,
                                                control: EmulatorControl) -> None:
    # A slow budget (one request per 2 s, two in the bucket): the third at once is refused.
    control.limits(rates={"sequenceStores": 0.5}, burstSeconds=4)
    seen = [outcome(bare.get_sequence_store, id=store) for _ in range(3)]
    assert seen == ["ok", "ok", "ThrottlingException 429"]
    assert "sequenceStores budget of 0.5 requests per second" in bare_error(bare, store)
    # Below the rate: 30 requests at ~13 per second against 20 per second (the bucket holds
    # 20, so the last 10 pass only because it refills) are all served.
    control.limits(rates={"sequenceStores": 20}, burstSeconds=1)
    seen = []
    for _ in range(30):
        seen.append(outcome(bare.get_sequence_store, id=store))
        time.sleep(0.075)
    assert seen == ["ok"] * 30


def bare_error(bare: Any, store: str) -> str:
    with pytest.raises(ClientError) as caught:
        bare.get_sequence_store(id=store)
    return str(caught.value.response["Error"]["Message"])


def test_concurrent_job_quotas_are_per_kind(omics: Any, s3: Any, store: str,
                                            control: EmulatorControl) -> None:
    # botocore retries throttles, never a 402: these clients see each quota answer as it is.
    control.durations(submitSeconds=30)
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=b"@r\nA\n+\nI\n")
    for _ in range(10):  # the default quota
        omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE,
                                        sources=[fastq_source("a.fq")])
    assert outcome(omics.start_read_set_import_job, sequenceStoreId=store, roleArn=ROLE,
                   sources=[fastq_source("a.fq")]) == "ServiceQuotaExceededException 402"
    # Ten running imports leave the activation quota untouched.
    activate = {"sequenceStoreId": store, "sources": [{"readSetId": "1234567890"}]}
    assert [outcome(omics.start_read_set_activation_job, **activate) for _ in range(2)] == [
        "ok", "ok"]
    assert control.quota(2, kind="activation")["maxActiveJobs"] == {"import": 10, "activation": 2,
                                                                   "export": 10, "reference": 10}
    assert outcome(omics.start_read_set_activation_job, **activate) == (
        "ServiceQuotaExceededException 402")
    assert control.quota_exceeded() == 2
    # A client token's earlier job is answered even with the quota full: no new job starts.
    control.quota(None, kind="activation")
    again = omics.start_read_set_activation_job(**activate, clientToken="kept")
    control.quota(0, kind="activation")
    assert omics.start_read_set_activation_job(**activate, clientToken="kept")["id"] == again["id"]


def test_control_api_checks_and_reset(control: EmulatorControl) -> None:
    for bad in ({"rates": {"nope": 1}}, {"rates": {"importJobs": 0}}, {"burstSeconds": -1},
                {"maxActiveJobs": {"nope": 1}}, {"maxActiveJobs": {"import": -1}},
                {"rateLimits": "no"}, {"limits": 1}):
        with pytest.raises(urllib.error.HTTPError) as caught:
            control.limits(**bad)
        assert caught.value.code == 400, bad
        assert caught.value.headers["x-amzn-ErrorType"] == "ValidationException"
    with pytest.raises(urllib.error.HTTPError):
        control.quota(1, kind="nope")
    changed = control.limits(rateLimits=False, rates={"readSets": 50},
                             maxActiveJobs={"import": None})
    assert (changed["rateLimits"], changed["rates"]["readSets"]) == (False, 50)
    assert changed["maxActiveJobs"] == {"import": None, "activation": 10, "export": 10,
                                        "reference": 10}
    assert control.quota(3)["maxActiveJobs"] == {"import": 3, "activation": 3, "export": 3,
                                                  "reference": 3}
    control.reset()
    assert control.limits()["rates"]["readSets"] == 5 and control.limits()["rateLimits"] is True
    assert control.limits()["maxActiveJobs"] == {"import": 10, "activation": 10, "export": 10,
                                                  "reference": 10}


def test_the_log_keeps_each_answer_with_its_time_and_budget(bare: Any, store: str,
                                                            control: EmulatorControl) -> None:
    control.call("DELETE", "log")
    control.limits(rates={"readSets": 0.5}, burstSeconds=2)  # one in the bucket
    before = time.time()
    first = outcome(bare.list_read_sets, sequenceStoreId=store)
    second = outcome(bare.get_read_set_metadata, sequenceStoreId=store, id="9999999999")
    after = time.time()
    assert (first, second) == ("ok", "ThrottlingException 429")
    log = control.log()
    entries = log["requests"]
    assert [(e["operation"], e["budget"], e["status"], e["error"], e["fault"])
            for e in entries] == [("ListReadSets", "readSets", 200, None, False),
                                  ("GetReadSetMetadata", "readSets", 429,
                                   "ThrottlingException", False)]
    assert all(isinstance(e["time"], float) and before <= e["time"] <= after for e in entries)
    assert entries[0]["time"] <= entries[1]["time"]
    assert log["budgets"]["readSets"] == {"requests": 2, "throttled": 1, "peakPerSecond": 2.0}
    assert control.peak_rate("readSets") == 2.0 and control.throttled() == 1


def test_started_with_rate_limits_off_and_flags() -> None:
    process, url = start_emulator("--rate-limits", "off", "--max-import-jobs", "none",
                                  "--max-activation-jobs", "1", "--rate", "readSets=2")
    try:
        control = EmulatorControl(url)
        limits = control.limits()
        assert (limits["rateLimits"], limits["rates"]["readSets"]) == (False, 2)
        assert limits["maxActiveJobs"] == {"import": None, "activation": 1, "export": 10,
                                           "reference": 10}
        omics = bare_client(url)
        store = omics.create_sequence_store(name="unlimited")["id"]
        seen = [outcome(omics.get_sequence_store, id=store) for _ in range(30)]
        assert seen == ["ok"] * 30  # 30 at once on a 5-TPS budget: no limit
        jobs = [outcome(omics.start_read_set_import_job, sequenceStoreId=store, roleArn=ROLE,
                        sources=[fastq_source("a.fq")]) for _ in range(12)]
        assert jobs == ["ok"] * 12
        assert control.throttled() == 0 and control.peak_rate("sequenceStores") > 5
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    refused = subprocess.run([sys.executable, "-m", "omics_resources.emulator", "--rate", "nope=1"],
                             capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 2 and "unknown budget nope" in refused.stderr
