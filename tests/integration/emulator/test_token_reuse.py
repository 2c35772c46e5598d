"""A client token reused for a different request, over boto3 and real HTTP, under each of
the emulator's two readings (the service's documentation does not say which it takes):
``refuse`` (the default, a 400 ValidationException) and ``earlier-job`` (the job that token
started, as a retry gets it). The switch is set by flag, by ``EmulatorServer(behaviour=)``
and through the control API; a reset goes back to the start's reading."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
from collections.abc import Iterator
from typing import Any

import pytest

from omics_resources.emulator import Behaviour, EmulatorServer
from tests.integration.emulator.conftest import (
    ROLE,
    error_of,
    fastq_source,
    retrying_client,
    start_emulator,
)
from tests.support.emulator_control import EmulatorControl

#: Read set ids that need not exist: an activation of them starts (its sources then fail).
READ_SET, OTHER_READ_SET = "1111111111", "2222222222"


@pytest.fixture
def switch(control: EmulatorControl) -> Iterator[EmulatorControl]:
    """The control API; the session's emulator is put back to ``refuse`` afterwards."""
    yield control
    control.behaviour(tokenReuse="refuse")


def requests(store: str) -> dict[str, tuple[str, dict[str, Any], dict[str, Any]]]:
    """Per kind: the Start operation, a request, and another request (other sources)."""
    return {
        "import": ("start_read_set_import_job",
                   {"sequenceStoreId": store, "roleArn": ROLE, "sources": [fastq_source("a.fq")]},
                   {"sequenceStoreId": store, "roleArn": ROLE,
                    "sources": [fastq_source("a.fq", "other")]}),
        "activation": ("start_read_set_activation_job",
                       {"sequenceStoreId": store, "sources": [{"readSetId": READ_SET}]},
                       {"sequenceStoreId": store, "sources": [{"readSetId": OTHER_READ_SET}]}),
    }


def listed(omics: Any, kind: str, store: str) -> list[str]:
    method = getattr(omics, f"list_read_set_{kind}_jobs")
    return [j["id"] for j in method(sequenceStoreId=store)[f"{kind}Jobs"]]


@pytest.mark.parametrize("kind", ["import", "activation"])
def test_refused_by_default(omics: Any, store: str, switch: EmulatorControl, kind: str) -> None:
    assert switch.behaviour() == {"tokenReuse": "refuse"}
    operation, request, other = requests(store)[kind]
    start = getattr(omics, operation)
    first = start(**request, clientToken="reused")
    assert start(**request, clientToken="reused")["id"] == first["id"]  # a retry
    code, status, message = error_of(start, **other, clientToken="reused")
    assert (code, status) == ("ValidationException", 400)
    assert "'reused' was already used for a different request" in message
    assert listed(omics, kind, store) == [first["id"]]


@pytest.mark.parametrize("kind", ["import", "activation"])
def test_earlier_job_answers_with_the_tokens_job(omics: Any, store: str, switch: EmulatorControl,
                                                 kind: str) -> None:
    assert switch.behaviour(tokenReuse="earlier-job") == {"tokenReuse": "earlier-job"}
    operation, request, other = requests(store)[kind]
    start = getattr(omics, operation)
    first = start(**request, clientToken="reused")
    answer = start(**other, clientToken="reused")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["id"] == first["id"]
    assert {k: answer[k] for k in ("sequenceStoreId", "creationTime")} == {
        k: first[k] for k in ("sequenceStoreId", "creationTime")}
    if kind == "import":
        assert answer["roleArn"] == first["roleArn"]
    assert start(**request, clientToken="reused")["id"] == first["id"]  # a retry, as ever
    # No job was created: not by the service's List, the control API's jobs, or the log.
    assert listed(omics, kind, store) == [first["id"]]
    assert [j["id"] for j in switch.call("GET", "jobs") if j["kind"] == kind] == [first["id"]]
    assert switch.new_jobs(operation_name(operation)) == [first["id"]]
    # The job is the first request's: the other request's sources are nowhere.
    get = getattr(omics, f"get_read_set_{kind}_job")
    sources = get(sequenceStoreId=store, id=first["id"])["sources"]
    assert len(sources) == 1
    if kind == "import":
        assert sources[0]["sampleId"] == "x"
    else:
        assert sources[0]["readSetId"] == READ_SET


def test_a_reset_goes_back_to_the_reading_the_emulator_started_with(
        omics: Any, store: str, switch: EmulatorControl) -> None:
    switch.behaviour(tokenReuse="earlier-job")
    switch.reset()  # the session's emulator was started with the default
    assert switch.behaviour() == {"tokenReuse": "refuse"}
    store = omics.create_sequence_store(name="after-reset")["id"]
    _operation, request, other = requests(store)["activation"]
    omics.start_read_set_activation_job(**request, clientToken="reused")
    assert error_of(omics.start_read_set_activation_job, **other,
                    clientToken="reused")[:2] == ("ValidationException", 400)


def control_error(control: EmulatorControl, body: Any) -> tuple[int, str, str]:
    with pytest.raises(urllib.error.HTTPError) as caught:
        control.call("POST", "behaviour", body)
    error = caught.value
    return error.code, error.headers["x-amzn-ErrorType"], json.loads(error.read())["message"]


@pytest.mark.parametrize(("body", "message"), [
    ({"tokenReuse": "sometimes"}, "tokenReuse must be one of refuse, earlier-job, not 'sometimes'"),
    ({"tokenReuse": True}, "tokenReuse must be one of refuse, earlier-job, not True"),
    ({"tokenReuse": None}, "tokenReuse must be one of refuse, earlier-job, not None"),
    ({"tokenReuses": "refuse"}, "unknown behaviour tokenReuses (known: tokenReuse, freshRoleSeconds)"),
    (["tokenReuse"], "The control API takes a JSON object"),
])
def test_a_bad_change_is_a_400_naming_the_key_and_the_readings(
        switch: EmulatorControl, body: Any, message: str) -> None:
    switch.behaviour(tokenReuse="earlier-job")
    assert control_error(switch, body) == (400, "ValidationException", message)
    assert switch.behaviour() == {"tokenReuse": "earlier-job"}  # unchanged


def test_set_at_start_by_flag() -> None:
    process, url = start_emulator("--token-reuse", "earlier-job")
    try:
        control = EmulatorControl(url)
        assert control.behaviour() == {"tokenReuse": "earlier-job"}
        assert reused_token_answers(url) == "the earlier job"
        control.behaviour(tokenReuse="refuse")
        control.reset()  # back to the flag's reading, not the default
        assert control.behaviour() == {"tokenReuse": "earlier-job"}
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    refused = subprocess.run(
        [sys.executable, "-m", "omics_resources.emulator", "--token-reuse", "sometimes"],
        capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 2
    assert "--token-reuse: invalid choice: 'sometimes'" in refused.stderr
    assert "'refuse', 'earlier-job'" in refused.stderr


def test_set_at_start_through_emulator_server() -> None:
    with EmulatorServer(port=0, behaviour=Behaviour(token_reuse="earlier-job")) as emulator:
        assert emulator.control.handle("GET", "behaviour") == {"tokenReuse": "earlier-job"}
        assert reused_token_answers(emulator.url) == "the earlier job"
        emulator.control.handle("POST", "behaviour", {"tokenReuse": "refuse"})
        assert reused_token_answers(emulator.url) == "ValidationException 400"
        emulator.control.handle("POST", "reset")
        assert reused_token_answers(emulator.url) == "the earlier job"
    with EmulatorServer(port=0) as emulator:
        assert reused_token_answers(emulator.url) == "ValidationException 400"


def reused_token_answers(url: str) -> str:
    """What a second activation with the first one's token but other sources gets, in a
    new store: "the earlier job", or the error's code and status."""
    omics = retrying_client(url)  # each call makes a store: CreateSequenceStore is 1 TPS
    store = omics.create_sequence_store(name="token-reuse")["id"]
    first = omics.start_read_set_activation_job(
        sequenceStoreId=store, sources=[{"readSetId": READ_SET}], clientToken="reused")
    try:
        again = omics.start_read_set_activation_job(
            sequenceStoreId=store, sources=[{"readSetId": OTHER_READ_SET}], clientToken="reused")
    except omics.exceptions.ClientError as error:
        return f"{error.response['Error']['Code']} {error.response['ResponseMetadata']['HTTPStatusCode']}"
    assert again["id"] == first["id"], (again, first)
    assert len(omics.list_read_set_activation_jobs(sequenceStoreId=store)["activationJobs"]) == 1
    return "the earlier job"


def operation_name(method: str) -> str:
    """``start_read_set_import_job`` -> ``StartReadSetImportJob``."""
    return "".join(word.title() for word in method.split("_"))
