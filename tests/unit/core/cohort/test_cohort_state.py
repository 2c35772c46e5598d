"""A cohort's bookkeeping: keys, signatures, the ledger's compact form, the delta an
update applies, per-job results, and the verdict on a run. Pure: no API call."""

from __future__ import annotations

import json
from typing import Any

import pytest

from omics_resources.core.cohort.run import BatchResult, job_samples, reported_keys
from omics_resources.core.cohort.state import (
    SAMPLE_FAILED,
    SAMPLE_PENDING,
    CohortState,
    Declared,
    Ledger,
    Sample,
    count_samples,
    import_signature,
    plan_delta,
)
from omics_resources.core.cohort.verdict import CohortImportError
from omics_resources.core.cohort.verdict import verdict as judge
from omics_resources.core.progress import Progress
from tests.support.cohort import cohort_props, imported_outputs, sample_source


def state_and_declared(outs: dict[str, Any], sources: list[dict[str, Any]]) -> tuple[CohortState, Declared]:
    declared = Declared.of(sources)
    assert declared is not None
    return CohortState.of(outs), declared


# --- declared sources ----------------------------------------------------------------------

def test_declared_keeps_order_and_refuses_a_repeated_key() -> None:
    declared = Declared.of([sample_source(2), sample_source(1)])
    assert declared is not None
    assert declared.keys == ("S2", "S1")
    assert declared.label("S1") == "sources[1] (S1, s3://omics-cohort-bucket/S1_R1.fastq)"
    with pytest.raises(ValueError, match=r"sources\[1\] repeats the key 'S1'"):
        Declared.of([sample_source(1), sample_source(1)])


def test_declared_is_unknown_while_a_key_is() -> None:
    from omics_resources.core.validation import UNKNOWN
    assert Declared.of([sample_source(1), dict(sample_source(2), name=UNKNOWN)]) is None


def test_the_signature_ignores_tags_only() -> None:
    base = sample_source(1)
    assert import_signature(base) == import_signature(dict(base, tags={"a": "b"}))
    for change in ({"source1": "s3://b/other.fq"}, {"subject_id": "x"}, {"description": "d"},
                   {"source2": "s3://b/S1_R2.fastq"}):
        assert import_signature(base) != import_signature({**base, **change})


# --- the ledger ----------------------------------------------------------------------------

def test_the_ledger_round_trips_and_shares_tag_maps() -> None:
    props = cohort_props(0, sources=[sample_source(i, tags={"project": "p7"}) for i in range(150)])
    outs = imported_outputs(props)
    assert isinstance(outs["ledger"], str)  # one value for the engine, whatever the cohort's size
    ledger = json.loads(outs["ledger"])
    assert ledger["next"] == 3 and list(ledger["batches"]) == ["1", "2"]
    assert ledger["tagsets"] == [{"project": "p7"}]  # one map for 150 samples
    # One signature per key, in the batches' order: each key is written once.
    assert len(ledger["sig"]) == 150 and all(sig.endswith("/0") for sig in ledger["sig"])
    assert outs["ledger"].count('"S120"') == 1
    again = Ledger.from_state(outs["ledger"])
    assert again.tags["S149"] == {"project": "p7"}
    assert again.assignment.batch_of["S120"] == "2"
    assert again.to_state() == outs["ledger"]


def test_the_ledger_of_a_release_before_2_is_read_and_written_back_compact() -> None:
    # The object form (version 1): sig a map from key to signature, numbers as gRPC hands
    # them back (floats).
    props = cohort_props(0, sources=[sample_source(i, tags={"t": str(i % 2)}) for i in range(3)])
    current = Ledger.from_state(imported_outputs(props)["ledger"])
    tagsets = [{"t": "0"}, {"t": "1"}]
    old = {"v": 1.0, "next": 2.0, "batches": {"1": ["S0", "S1", "S2"]},
           "jobs": {"1": ["7000000001"]},
           "sig": {f"S{i}": f"{current.signatures[f'S{i}']}/{i % 2}" for i in range(3)},
           "tagsets": tagsets, "since": None, "newest": None}
    again = Ledger.from_state(old)
    assert again.assignment.next_batch == 2 and isinstance(again.assignment.next_batch, int)
    assert again.signatures == current.signatures and again.tags == current.tags
    assert again.batch_jobs == {"1": ["7000000001"]}
    assert again.to_state() == current.to_state()


def test_a_signature_of_a_key_in_no_batch_is_kept_by_key() -> None:
    ledger = Ledger.from_state(imported_outputs(cohort_props(2))["ledger"])
    ledger.signatures["elsewhere"] = "0123456789"
    assert Ledger.from_state(ledger.to_state()).signatures == ledger.signatures


@pytest.mark.parametrize("state", [
    {"batches": {}},
    "not json",
    json.dumps({"v": 2, "next": 2, "batches": {"1": ["a", "b"]}, "sig": ["x"]}),
])
def test_a_ledger_we_cannot_read_is_an_error(state: Any) -> None:
    with pytest.raises(ValueError, match="ledger"):
        Ledger.from_state(state)


def test_outputs_map_samples_to_read_sets_and_count_them() -> None:
    props = cohort_props(3)
    outs = imported_outputs(props, S1="FAILED")
    assert set(outs["read_set_ids"]) == {"S0", "S2"}
    assert outs["samples"]["S1"] == {"status": "FAILED", "read_set_id": None,
                                     "job_id": "7000000001", "status_message": "S3 object not found"}
    assert outs["samples"]["S0"]["status"] == "ACTIVE"
    assert outs["counts"] == {"imported": 2, "failed": 1, "pending": 0, "deleted": 0, "duplicates": 0}
    assert outs["jobs"] == {"7000000001": "COMPLETED"}
    assert "sources" not in outs  # the state keeps them once, as inputs


def test_counts_tell_deleted_and_pending_apart() -> None:
    samples = {"a": Sample("ACTIVE", "1"), "b": Sample("ARCHIVED", "2"), "c": Sample("DELETED", "3"),
               "d": Sample(SAMPLE_PENDING, None, "9"), "e": Sample(SAMPLE_FAILED, None, "9", "x")}
    assert count_samples(samples) == {"imported": 2, "failed": 1, "pending": 1, "deleted": 1, "duplicates": 0}


def test_jobs_of_batches_no_longer_assigned_leave_the_outputs() -> None:
    props = cohort_props(2)
    state = CohortState.of(imported_outputs(props))
    state.ledger.assignment = state.ledger.assignment.__class__({}, 2)
    assert state.outputs(props)["jobs"] == {}


# --- the delta -----------------------------------------------------------------------------

def test_delta_of_unchanged_sources_is_empty() -> None:
    props = cohort_props(120)
    state, declared = state_and_declared(imported_outputs(props), props["sources"])
    delta = plan_delta(state.ledger, state.samples, declared)
    assert not delta
    assert delta.summary() == "no sample changes"


def test_delta_sorts_every_kind_of_change() -> None:
    props = cohort_props(6, sources=[sample_source(i, tags={"t": "1"}) for i in range(6)])
    outs = imported_outputs(props, S3="FAILED", S4="DELETED")
    sources = [sample_source(0, tags={"t": "1"}),
               sample_source(1, tags={"t": "2"}),                        # re-tag
               sample_source(2, tags={"t": "1"}, source1="s3://b/new.fq"),  # changed file
               sample_source(3, tags={"t": "1"}),                        # failed: retry
               sample_source(4, tags={"t": "1"}),                        # read set gone
               sample_source(9)]                                         # added; S5 removed
    state, declared = state_and_declared(outs, sources)
    delta = plan_delta(state.ledger, state.samples, declared)
    assert (delta.added, delta.changed, delta.retried, delta.removed, delta.retagged) == (
        ("S9",), ("S2",), ("S3", "S4"), ("S5",), ("S1",))
    assert delta.reimported == ("S2", "S3", "S4")
    assert delta.summary() == "1 added, 1 changed, 2 to retry, 1 removed, 1 re-tagged"


def test_a_tag_change_of_a_sample_without_read_set_is_no_retag() -> None:
    props = cohort_props(2)
    outs = imported_outputs(props, S1="FAILED")
    state, declared = state_and_declared(outs, [sample_source(0), sample_source(1, tags={"a": "b"})])
    delta = plan_delta(state.ledger, state.samples, declared)
    assert delta.retagged == () and delta.retried == ("S1",)


# --- job results ---------------------------------------------------------------------------

JOB = {"id": "1234567890", "status": "COMPLETED_WITH_FAILURES", "statusMessage": None, "sources": [
    {"status": "FINISHED", "readSetId": "5550000001", "name": "S0", "sampleId": "S0",
     "sourceFiles": {"source1": "s3://b/S0.fq"}},
    {"status": "FAILED", "statusMessage": "S3 object s3://b/S1.fq not found", "name": "S1",
     "sampleId": "S1", "sourceFiles": {"source1": "s3://b/S1.fq"}},
]}


def test_job_samples_by_position() -> None:
    found = job_samples(JOB, ["S0", "S1"])
    assert found["S0"] == Sample("ACTIVE", "5550000001", "1234567890")
    assert found["S1"] == Sample(SAMPLE_FAILED, None, "1234567890", "S3 object s3://b/S1.fq not found")
    running = job_samples({**JOB, "status": "IN_PROGRESS", "sources": [{"status": "IN_PROGRESS"}]}, ["S0"])
    assert running["S0"].status == SAMPLE_PENDING


def test_a_failed_job_without_source_results_fails_every_source_with_its_message() -> None:
    found = job_samples({"id": "1", "status": "FAILED", "statusMessage": "role cannot read"}, ["a", "b"])
    assert {s.status_message for s in found.values()} == {"role cannot read"}


def test_keys_are_read_back_from_a_job_answer() -> None:
    assert reported_keys(JOB) == ["S0", "S1"]


# --- verdict -------------------------------------------------------------------------------

def failed_run() -> tuple[Declared, list[BatchResult]]:
    declared = Declared.of([sample_source(i) for i in range(3)])
    assert declared is not None
    samples = {"S0": Sample("ACTIVE", "1", "77"), "S1": Sample(SAMPLE_FAILED, None, "77", "not found"),
               "S2": Sample("ACTIVE", "2", "77")}
    return declared, [BatchResult("1", samples, [("77", "COMPLETED_WITH_FAILURES")])]


def test_verdict_names_each_failed_source_and_what_to_do() -> None:
    declared, results = failed_run()
    with pytest.raises(CohortImportError) as caught:
        judge(Progress("cohort", "cohort"), declared, results, allow_partial=False)
    message = str(caught.value)
    assert message.startswith("cohort: 2/3 sources imported, 1 failed:")
    assert "sources[1] (S1, s3://omics-cohort-bucket/S1_R1.fastq): FAILED: not found (import job 77)" in message
    assert "only the 1 failed sources are imported again (the 2 with read sets keep them)" in message


def test_verdict_accepts_failures_with_allow_partial_but_never_an_unfinished_batch() -> None:
    declared, results = failed_run()
    judge(Progress("cohort", "cohort"), declared, results, allow_partial=True)
    results.append(BatchResult("2", {}, problem="import job 88 (batch 2) is still IN_PROGRESS"))
    with pytest.raises(CohortImportError, match="run `pulumi up` again to resume"):
        judge(Progress("cohort", "cohort"), declared, results, allow_partial=True)
