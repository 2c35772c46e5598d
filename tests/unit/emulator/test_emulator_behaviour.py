"""The emulator's behaviour switch, on the backend and the in-process control API: what a
client token reused for a different request gets under each reading (``tokenReuse``), the
checks on a change, and a reset going back to the start's reading."""

from __future__ import annotations

import re
from typing import Any

import pytest

from omics_resources.emulator import Behaviour
from omics_resources.emulator.control import Control
from omics_resources.emulator.exceptions import ValidationException
from omics_resources.emulator.faults import FaultInjector
from omics_resources.emulator.jobs import TOKEN_REUSE, ActivationJob, ImportJob, Job
from omics_resources.emulator.models import OmicsBackend
from omics_resources.emulator.request_log import RequestLog

ROLE = "arn:aws:iam::123456789012:role/OmicsImportRole"


def fastq(sample: str) -> dict[str, Any]:
    # No such bucket: the source will fail, but the Start is accepted (all these tests need).
    return {"sourceFiles": {"source1": "s3://no-such-bucket/a.fq"}, "sourceFileType": "FASTQ",
            "subjectId": "subject", "sampleId": sample}


def start(backend: OmicsBackend, kind: type[Job], store: str, sample: str, token: str) -> Any:
    """Start a job of ``kind`` whose request is told apart by ``sample``."""
    if kind is ImportJob:
        return backend.start_read_set_import_job(
            sequenceStoreId=store, roleArn=ROLE, sources=[fastq(sample)], clientToken=token)
    return backend.start_read_set_activation_job(
        sequenceStoreId=store, sources=[{"readSetId": sample}], clientToken=token)


def backend_with(behaviour: Behaviour | None = None) -> tuple[OmicsBackend, str]:
    backend = OmicsBackend(clock=lambda: 1000.0, behaviour=behaviour)
    return backend, backend.create_sequence_store(name="s")["id"]


def test_the_readings_and_the_default() -> None:
    assert TOKEN_REUSE == ("refuse", "earlier-job")
    assert Behaviour().token_reuse == "refuse"
    assert Behaviour().to_wire() == {"tokenReuse": "refuse"}
    assert Behaviour(fresh_role_seconds=20).to_wire() == {"tokenReuse": "refuse",
                                                          "freshRoleSeconds": 20.0}
    assert OmicsBackend().behaviour == Behaviour()
    with pytest.raises(ValueError, match="token_reuse must be one of refuse, earlier-job"):
        Behaviour(token_reuse="sometimes")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", [ImportJob, ActivationJob])
def test_refuse_a_different_request_retry_gets_the_job(kind: type[Job]) -> None:
    backend, store = backend_with()
    first = start(backend, kind, store, "1111111111", "t")
    assert first.created
    again = start(backend, kind, store, "1111111111", "t")
    assert (again.job, again.created) == (first.job, False)
    with pytest.raises(ValidationException, match="clientToken 't' was already used for a "
                                                  "different request"):
        start(backend, kind, store, "2222222222", "t")
    assert list(backend.jobs) == [first.job.id]


@pytest.mark.parametrize("kind", [ImportJob, ActivationJob])
def test_earlier_job_answers_any_request_with_the_tokens_job(kind: type[Job]) -> None:
    backend, store = backend_with(Behaviour(token_reuse="earlier-job"))
    first = start(backend, kind, store, "1111111111", "t")
    other = start(backend, kind, store, "2222222222", "t")
    retry = start(backend, kind, store, "1111111111", "t")
    assert (other.job, other.created) == (retry.job, retry.created) == (first.job, False)
    assert list(backend.jobs) == [first.job.id]
    # The job is the first request's, whatever the second one asked for.
    assert [s.request for s in first.job.sources] == [
        fastq("1111111111") if kind is ImportJob else {"readSetId": "1111111111"}]
    # Still per kind and store: another store's token is another job.
    elsewhere = backend.create_sequence_store(name="t")["id"]
    assert start(backend, kind, elsewhere, "2222222222", "t").created


@pytest.mark.parametrize(("changes", "named"), [
    ({"tokenReuse": "sometimes"}, "tokenReuse must be one of refuse, earlier-job, not 'sometimes'"),
    ({"tokenReuse": None}, "tokenReuse must be one of refuse, earlier-job, not None"),
    ({"tokenReuse": ["refuse"]}, "tokenReuse must be one of refuse, earlier-job"),
    ({"tokenReuses": "refuse"},
     "unknown behaviour tokenReuses (known: tokenReuse, freshRoleSeconds)"),
    ({"freshRoleSeconds": -1}, "freshRoleSeconds must be a number of seconds, 0 or more"),
    ({"freshRoleSeconds": "10"}, "freshRoleSeconds must be a number of seconds, 0 or more"),
])
def test_changes_are_checked(changes: dict[str, Any], named: str) -> None:
    with pytest.raises(ValidationException, match=re.escape(named)):
        Behaviour().updated(changes)


def test_the_control_api_changes_it_and_a_reset_goes_back_to_the_start() -> None:
    backend, _store = backend_with(Behaviour(token_reuse="earlier-job"))
    control = Control(backend, FaultInjector(), RequestLog())
    assert control.handle("GET", "behaviour") == {"tokenReuse": "earlier-job"}
    assert control.handle("POST", "behaviour", {}) == {"tokenReuse": "earlier-job"}
    assert control.handle("POST", "behaviour", {"tokenReuse": "refuse"}) == {"tokenReuse": "refuse"}
    assert backend.behaviour.token_reuse == "refuse"
    with pytest.raises(ValidationException):
        control.handle("POST", "behaviour", {"tokenReuse": "no"})
    assert backend.behaviour.token_reuse == "refuse"  # a refused change changes nothing
    backend.reset()  # the backend's own reset forgets state, not configuration
    assert backend.behaviour.token_reuse == "refuse"
    control.handle("POST", "reset")
    assert control.handle("GET", "behaviour") == {"tokenReuse": "earlier-job"}
