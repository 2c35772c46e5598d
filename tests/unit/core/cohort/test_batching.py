"""Source keys and stable batching: a source, once in a job, never moves to another."""

from __future__ import annotations

import hashlib
import json
import random
import re
from typing import Any

import pytest

from omics_resources.core.cohort.batching import (
    MAX_SOURCES_PER_JOB,
    Assignment,
    BatchPlan,
    DuplicateKey,
    duplicate_keys,
    plan_batches,
    source_key,
)
from omics_resources.core.validation import UNKNOWN

R1 = "s3://bucket/run/S1_R1.fastq.gz"
R2 = "s3://bucket/run/S1_R2.fastq.gz"


def source(**fields: Any) -> dict[str, Any]:
    values = {"source_file_type": "FASTQ", "source1": R1, "source2": R2,
              "subject_id": "subj-1", "sample_id": "S1"}
    return {k: v for k, v in {**values, **fields}.items() if v is not None}


# --- keys ------------------------------------------------------------------------------

def test_a_job_takes_100_sources() -> None:
    # HealthOmics quotas: "Per job: 100 sources (import), fixed"; read from botocore's model.
    assert MAX_SOURCES_PER_JOB == 100


def test_the_key_is_the_name_when_set() -> None:
    assert source_key(source(name="tumor-1")) == "tumor-1"
    assert source_key(source(name="tumor-1", source1="s3://b/other.fq")) == "tumor-1"


def test_an_unnamed_key_is_sample_id_and_a_digest_of_the_files() -> None:
    digest = hashlib.sha256(json.dumps([R1, R2]).encode()).hexdigest()[:10]
    assert source_key(source()) == f"S1#{digest}"
    assert source_key(source(name="")) == f"S1#{digest}"
    single = hashlib.sha256(json.dumps([R1, None]).encode()).hexdigest()[:10]
    assert source_key(source(source2=None)) == f"S1#{single}"
    assert re.fullmatch(r"S1#[0-9a-f]{10}", source_key(source(source2=None)) or "")


def test_only_sample_and_files_make_an_unnamed_key() -> None:
    key = source_key(source())
    same = [source(tags={"a": "b"}), source(description="d"), source(subject_id="other"),
            source(source_file_type="BAM", reference_arn="arn:aws:omics:x")]
    assert {source_key(s) for s in same} == {key}
    different = [source(sample_id="S2"), source(source1=R2, source2=R1), source(source2=None),
                 source(source2="s3://bucket/run/S1_R2.fq")]
    keys = [source_key(s) for s in different]
    assert key not in keys
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("fields", [
    {"name": UNKNOWN},
    {"sample_id": UNKNOWN},
    {"source1": UNKNOWN},
    {"source2": UNKNOWN},
    {"sample_id": None},
    {"source1": None},
    {"source1": 5},
    {"name": 7},
])
def test_no_key_while_a_value_is_unknown_or_missing(fields: dict[str, Any]) -> None:
    assert source_key(source(**fields)) is None


def test_duplicate_keys_name_both_sources() -> None:
    sources: list[Any] = [
        source(name="a"),
        source(),
        source(name="a", sample_id="S9"),
        "not a source",
        source(sample_id=UNKNOWN),
        source(sample_id=UNKNOWN),
        source(tags={"x": "y"}),
        source(name="b"),
        source(name="a"),
    ]
    unnamed = source_key(source())
    assert unnamed is not None
    assert duplicate_keys(sources) == [
        DuplicateKey("a", 0, 2), DuplicateKey(unnamed, 1, 6), DuplicateKey("a", 0, 8)]
    problem = duplicate_keys(sources)[0].problem()
    assert problem.path == "sources[2]"
    assert str(problem).startswith("sources[2]: has the same key as sources[0] ")
    assert "(got 'a')" in str(problem)
    assert duplicate_keys([source(name="a"), source(name="b"), source()]) == []


# --- batches: examples -----------------------------------------------------------------

def keys(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:04d}" for n in range(count)]


def sizes(batches: dict[str, tuple[str, ...]] | Any) -> dict[str, int]:
    return {batch: len(members) for batch, members in batches.items()}


def test_a_new_cohort_fills_jobs_of_100_in_declaration_order() -> None:
    cohort = keys("s", 250)
    plan = plan_batches(Assignment(), cohort)
    assert sizes(plan.new_batches) == {"1": 100, "2": 100, "3": 50}
    assert [k for b in plan.new_batches.values() for k in b] == cohort
    assert plan.assignment.batches == plan.new_batches
    assert plan.assignment.next_batch == 4
    assert (plan.moved, plan.removed) == ({}, {})


def test_adding_30_samples_makes_exactly_one_new_job() -> None:
    first = plan_batches(Assignment(), keys("s", 250)).assignment
    added = keys("t", 30)
    # Declaration order interleaves old and new: nothing old moves anyway.
    cohort = [k for pair in zip(keys("s", 30), added, strict=True) for k in pair] + keys("s", 250)[30:]
    plan = plan_batches(first, cohort)
    assert plan.new_batches == {"4": tuple(added)}
    assert {k: b for k, b in plan.assignment.batch_of.items() if k.startswith("s")} == dict(
        first.batch_of)


def test_removed_keys_leave_and_an_emptied_batch_id_is_never_reused() -> None:
    first = plan_batches(Assignment(), keys("s", 250)).assignment
    plan = plan_batches(first, keys("s", 200)[1:])
    assert plan.new_batches == {}
    assert sizes(plan.assignment.batches) == {"1": 99, "2": 100}
    assert plan.removed == {"s0000": "1", **{k: "3" for k in keys("s", 250)[200:]}}
    later = plan_batches(plan.assignment, [*keys("s", 200)[1:], "new"])
    assert later.new_batches == {"4": ("new",)}


def test_reimport_moves_only_that_key_to_a_new_job() -> None:
    first = plan_batches(Assignment(), keys("s", 150)).assignment
    plan = plan_batches(first, keys("s", 150), reimport={"s0003", "s0120"})
    assert plan.new_batches == {"3": ("s0003", "s0120")}
    assert plan.moved == {"s0003": "1", "s0120": "2"}
    assert sizes(plan.assignment.batches) == {"1": 99, "2": 49, "3": 2}


def test_a_removed_key_declared_again_is_new() -> None:
    first = plan_batches(Assignment(), ["a", "b"]).assignment
    gone = plan_batches(first, ["b"]).assignment
    plan = plan_batches(gone, ["a", "b"])
    assert plan.new_batches == {"2": ("a",)}
    assert plan.assignment.batch_of == {"a": "2", "b": "1"}


def test_bad_calls_are_refused() -> None:
    with pytest.raises(ValueError, match=r"keys must be unique; repeated: \['a'\]"):
        plan_batches(Assignment(), ["a", "b", "a"])
    with pytest.raises(ValueError, match=r"not declared: \['c'\]"):
        plan_batches(Assignment(), ["a"], reimport=["c"])
    with pytest.raises(ValueError, match="max_per_batch must be 1 to 100, not 101"):
        plan_batches(Assignment(), ["a"], max_per_batch=101)


def test_state_round_trip_and_bad_state() -> None:
    plan = plan_batches(plan_batches(Assignment(), keys("s", 1100)).assignment,
                        keys("s", 1100)[150:])
    state = json.loads(json.dumps(plan.assignment.to_state(), sort_keys=True))
    assert list(state["batches"])[:3] == ["10", "11", "2"]  # how a JSON store may order them
    again = Assignment.from_state(state)
    assert again == plan.assignment
    assert list(again.batches) == [str(n) for n in range(2, 12)]
    assert Assignment.from_state(None) == Assignment.from_state({}) == Assignment()
    for bad, message in [
        ({"next": "3", "batches": {}}, "malformed"),
        ({"next": 3, "batches": {"3": ["a"]}}, "bad batch id '3'"),
        ({"next": 3, "batches": {"x": ["a"]}}, "bad batch id 'x'"),
        ({"next": 3, "batches": {"1": "a"}}, "batch 1 is not a key list"),
        ({"next": 3, "batches": {"1": ["a"], "2": ["a"]}}, r"keys in two batches: \['a'\]"),
    ]:
        with pytest.raises(ValueError, match=message):
            Assignment.from_state(bad)


def test_state_costs_the_key_and_3_bytes_per_sample() -> None:
    cohort = [source_key(source(sample_id=f"SAMPLE-{n:05d}", source1=f"s3://b/{n}_R1.fq"))
              for n in range(10_000)]
    assert all(cohort)
    plan = plan_batches(Assignment(), [k for k in cohort if k])
    size = len(json.dumps(plan.assignment.to_state(), separators=(",", ":")))
    assert size / len(cohort) <= len(cohort[0] or "") + 3 + 1  # + the batch ids' share


# --- batches: properties ---------------------------------------------------------------

def check_step(previous: Assignment, declared: list[str], again: set[str], plan: BatchPlan,
               issued: set[str]) -> None:
    """Every rule of a plan, against the previous assignment and every id issued so far."""
    new = plan.assignment
    old = previous.batch_of
    # Every declared key has exactly one batch; nothing else has one.
    assert sorted(new.batch_of) == sorted(declared)
    assert sum(len(m) for m in new.batches.values()) == len(declared)
    # No job holds more than a job takes; no batch is empty.
    assert all(0 < len(m) <= MAX_SOURCES_PER_JOB for m in new.batches.values())
    # A key with a batch that is not imported again never moves.
    for key in declared:
        if key in old and key not in again:
            assert new.batch_of[key] == old[key]
    # Existing batches never gain a key (a started job takes no more sources).
    for batch, members in new.batches.items():
        if batch in previous.batches:
            assert set(members) <= set(previous.batches[batch])
    # New and re-imported keys go only into new batches, with ids never issued before,
    # filled in declaration order, each full but the last.
    placed = [k for k in declared if k not in old or k in again]
    assert [k for m in plan.new_batches.values() for k in m] == placed
    assert not set(plan.new_batches) & issued
    assert all(int(b) >= previous.next_batch for b in plan.new_batches)
    assert all(len(m) == MAX_SOURCES_PER_JOB for m in list(plan.new_batches.values())[:-1])
    assert {b: m for b, m in new.batches.items() if b not in previous.batches} == plan.new_batches
    assert plan.moved == {k: old[k] for k in placed if k in old}
    assert plan.removed == {k: b for k, b in old.items() if k not in set(declared)}
    assert new.next_batch == previous.next_batch + len(plan.new_batches)


@pytest.mark.parametrize("seed", range(40))
def test_random_adds_removes_and_reimports_never_move_a_source(seed: int) -> None:
    rng = random.Random(seed)
    assignment = Assignment()
    declared: list[str] = []
    issued: set[str] = set()
    counter = 0
    for _step in range(25):
        # Remove some, add some (now and then more than a job takes), shuffle the order,
        # and declare some removed keys again.
        kept = [k for k in declared if rng.random() > rng.choice((0.0, 0.05, 0.5))]
        added = [f"k{counter + n}" for n in range(rng.choice((0, 1, 3, 30, 99, 100, 101, 250)))]
        counter += len(added)
        returning = rng.sample(sorted(set(declared) - set(kept)),
                               k=min(2, len(set(declared) - set(kept))))
        declared = kept + added + returning
        if rng.random() < 0.3:
            rng.shuffle(declared)
        again = set(rng.sample(declared, k=min(len(declared), rng.choice((0, 0, 1, 5, 120)))))
        plan = plan_batches(assignment, declared, again)
        check_step(assignment, declared, again, plan, issued)
        assert plan == plan_batches(assignment, declared, again)  # deterministic
        issued |= set(plan.new_batches)
        # What the next step reads is what the state kept (JSON, keys maybe reordered).
        state = json.loads(json.dumps(plan.assignment.to_state(), sort_keys=True))
        assignment = Assignment.from_state(state)
        assert assignment == plan.assignment
