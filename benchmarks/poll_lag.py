"""Completion lag and calls: our watcher vs botocore's own waiter, on real jobs.

Lag is the time from a job's end (the emulator's completionTime) to the moment the waiting
side returns. Both sides start one job each, of the same length, at the same time, in their
own store, and count the calls their client makes (a botocore event hook, so it sees every
call the waiter or our watcher makes). A one-hour job is computed from the interval policy
(the same code the watcher runs), not waited for.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from harness.clients import ROLE_ARN, aws_client
from omics_resources.core import limits
from omics_resources.core.account.api import JobOperations, OmicsApi
from omics_resources.core.account.ratelimit import RateLimiter
from omics_resources.core.account.scheduler import Watcher
from omics_resources.core.watch.polling import PollState, wait_proportional

OPERATIONS = JobOperations(
    start="StartReadSetImportJob", get="GetReadSetImportJob", list="ListReadSetImportJobs"
)
BUCKET = "benchmark-lag"
WAITER_DELAY_SECONDS = 30  # botocore's ReadSetImportJobCompleted


@dataclass
class Lag:
    seconds: float
    calls: int


def _counted_client(url: str) -> tuple[Any, list[str]]:
    client = aws_client("omics", url)
    calls: list[str] = []
    client.meta.events.register(
        "before-call.omics.*", lambda model, **_: calls.append(model.name)
    )
    return client, calls


def _source(label: str) -> dict[str, Any]:
    return {"sourceFiles": {"source1": f"s3://{BUCKET}/{label}.fq"},
            "sourceFileType": "FASTQ", "subjectId": "s", "sampleId": label}


def _start(client: Any, url: str, label: str) -> dict[str, Any]:
    s3 = aws_client("s3", url)
    s3.put_object(Bucket=BUCKET, Key=f"{label}.fq", Body=b"@r/1\nACGT\n+\nIIII\n")
    store = client.create_sequence_store(name=label)["id"]
    return dict(client.start_read_set_import_job(
        sequenceStoreId=store, roleArn=ROLE_ARN, sources=[_source(label)]))


def ours(url: str, label: str, out: dict[str, Lag]) -> None:
    client, calls = _counted_client(url)
    started = _start(client, url, label)
    api = OmicsApi(lambda: client, RateLimiter(limits.RATE_BUDGETS))
    job = api.get_job(OPERATIONS, started["sequenceStoreId"], started["id"])
    watcher = Watcher(api, OPERATIONS, started["sequenceStoreId"])
    # As a create waits: with its request's sources, so a COMPLETED job's answer comes from
    # its read sets (one ListReadSets page) rather than its Get.
    final = watcher.wait(job, deadline=None, cancel=None, sources=[_source(label)])
    returned = time.time()
    polls = len(calls) - calls.count("CreateSequenceStore") - calls.count("StartReadSetImportJob")
    out["ours"] = Lag(returned - final["completionTime"].timestamp(), polls)


def waiter(url: str, label: str, out: dict[str, Lag]) -> None:
    client, calls = _counted_client(url)
    started = _start(client, url, label)
    client.get_waiter("read_set_import_job_completed").wait(
        sequenceStoreId=started["sequenceStoreId"], id=started["id"])
    returned = time.time()
    polls = calls.count("GetReadSetImportJob")
    final = client.get_read_set_import_job(sequenceStoreId=started["sequenceStoreId"],
                                           id=started["id"])
    out["waiter"] = Lag(returned - final["completionTime"].timestamp(), polls)


def measure(url: str, job_seconds: float, control: Any) -> dict[str, Lag]:
    """One job each for our watcher and botocore's waiter, side by side."""
    control.handle("POST", "durations", {"importSeconds": job_seconds, "submitSeconds": 0})
    out: dict[str, Lag] = {}
    label = f"lag{int(job_seconds)}"
    threads = [threading.Thread(target=f, args=(url, f"{label}{f.__name__}", out))
               for f in (ours, waiter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=job_seconds + 4 * WAITER_DELAY_SECONDS)
    return out


def polls_per_job(job_seconds: float) -> int:
    """List calls our watcher makes for one job of ``job_seconds`` (from its policy)."""
    interval = wait_proportional(
        limits.WATCH_INTERVAL_FRACTION,
        limits.WATCH_MIN_INTERVAL_SECONDS,
        limits.WATCH_MAX_INTERVAL_SECONDS,
    )
    elapsed, polls = 0.0, 0
    while elapsed < job_seconds:
        polls += 1
        elapsed += interval(PollState(polls, elapsed))
    return polls + 1  # and the one that sees the end
