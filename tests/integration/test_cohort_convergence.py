"""A cohort converges after a failed or interrupted `pulumi up`, whatever the user then
changes in its sources: every declared sample ends with exactly one read set, none is
imported twice, and only new or changed samples go into new jobs (issue 16).

Each test walks the user's path through the real provider server against the emulator
(its limits on): the failed create or update (which writes no state), the edit, the next
create or update. Jobs are counted from the emulator's request log, read sets from
ListReadSets. The headline paths run under both readings of a client token reused for a
different request (the service's documentation is silent): refused, or answered with the
earlier job.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cohort import sample_source, upload_samples
from tests.support.cohort_driver import START, Cohort, lines
from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure, ProviderServer
from tests.support.scenario import BUCKET, Scenario

TYPO = f"s3://{BUCKET}/S7_R1.fastqq"


@pytest.fixture(params=["refuse", "earlier-job"])
def token_reuse(request: pytest.FixtureRequest, control: EmulatorControl) -> str:
    """Both readings of a reused client token (the control fixture resets it after)."""
    control.behaviour(tokenReuse=request.param)
    return str(request.param)


def sources(indexes: Any, **changes: dict[str, Any]) -> list[dict[str, Any]]:
    """Sources ``S<i>`` in the order of ``indexes``; ``changes["S7"]`` overrides S7's fields."""
    return [{**sample_source(i, bucket=BUCKET), **changes.get(f"S{i}", {})} for i in indexes]


def started_sources(scenario: Scenario, job_ids: list[str]) -> list[list[str]]:
    """The sample ids each job imports, in order."""
    omics = scenario.omics()
    return [[s["sampleId"] for s in omics.get_read_set_import_job(
        sequenceStoreId=scenario.store_id, id=j)["sources"]] for j in job_ids]


def assert_one_read_set_each(cohort: Cohort, samples: list[str]) -> None:
    stored = cohort.store_read_sets()
    assert sorted(stored) == sorted(samples), stored
    assert all(len(ids) == 1 for ids in stored.values()), stored
    assert {k: [v] for k, v in cohort.outs["read_set_ids"].items()} == stored


def test_a_typo_fixed_in_the_sheet_imports_that_row_alone(
    scenario: Scenario, control: EmulatorControl, token_reuse: str
) -> None:
    upload_samples(scenario.s3(), BUCKET, range(12))
    cohort = Cohort(scenario)
    failure = cohort.create(cohort.props_of(sources(range(12), S7={"source1": TYPO})))
    assert isinstance(failure, Failure)
    assert "sources[7] (S7, " in failure.details and "11/12 sources imported" in failure.details
    assert "run `pulumi up` again to resume" not in failure.details
    assert len(cohort.store_read_sets()) == 11

    # The user fixes row 7 and runs `pulumi up`: the engine calls create again.
    assert not isinstance(cohort.create(cohort.props_of(sources(range(12)))), Failure)
    jobs = control.new_jobs(START)
    assert len(jobs) == 2, jobs
    assert started_sources(scenario, jobs[1:]) == [["S7"]]
    assert_one_read_set_each(cohort, [f"S{i}" for i in range(12)])
    assert cohort.outs["counts"]["imported"] == 12
    assert lines(scenario, "found 1 import job of this cohort that its state did not hold")
    # And the next `pulumi up` has nothing to do.
    assert cohort.diff(cohort.props_of(sources(range(12)))) == (False, [])


def test_two_bad_rows_fixed_one_per_up(scenario: Scenario, control: EmulatorControl) -> None:
    upload_samples(scenario.s3(), BUCKET, range(12))
    cohort = Cohort(scenario)
    bad = {"S3": {"source1": f"s3://{BUCKET}/S3.fq"}, "S8": {"source1": f"s3://{BUCKET}/S8.fq"}}
    assert isinstance(cohort.create(cohort.props_of(sources(range(12), **bad))), Failure)

    failure = cohort.create(cohort.props_of(sources(range(12), S8=bad["S8"])))
    assert isinstance(failure, Failure)
    assert "sources[8] (S8, " in failure.details and "sources[3]" not in failure.details
    assert len(cohort.store_read_sets()) == 11

    assert not isinstance(cohort.create(cohort.props_of(sources(range(12)))), Failure)
    jobs = control.new_jobs(START)
    assert [len(s) for s in started_sources(scenario, jobs)] == [12, 2, 1]
    assert started_sources(scenario, jobs)[2] == ["S8"]
    assert_one_read_set_each(cohort, [f"S{i}" for i in range(12)])


def interrupt(own_server: ProviderServer, scenario: Scenario, control: EmulatorControl,
              call: Any, jobs_before: int = 0) -> None:
    """Run ``call`` (a create or update) and cancel it once its job has started, as a
    Ctrl-C'd `pulumi up` does; it must fail saying the jobs keep running."""

    def cancel_once_running() -> None:
        scenario.eventually(lambda: len(control.new_jobs(START)), lambda n: n > jobs_before)
        own_server.cancel()

    failure = Scenario.in_background(cancel_once_running, call)
    assert isinstance(failure, Failure)
    assert "started jobs keep running" in failure.details


def test_an_interrupted_create_then_an_edited_row_and_three_more(
    own_server: ProviderServer, scenario: Scenario, control: EmulatorControl, token_reuse: str
) -> None:
    control.durations(importSeconds=3)
    upload_samples(scenario.s3(), BUCKET, range(13))
    interrupted = Cohort(Scenario(scenario.url, own_server, scenario.stack))
    interrupted.scenario.store_id = scenario.store_id
    first = interrupted.props_of(sources(range(10)), delete_removed_read_sets=True)
    interrupt(own_server, scenario, control, lambda: interrupted.create(first))
    [started] = control.new_jobs(START)

    # The next `pulumi up` (a new provider process) with S4's description changed and
    # S10 to S12 added: the job is found and waited for, then S4 and the new rows go into
    # one new job, and S4's first read set is deleted as asked.
    cohort = Cohort(scenario)
    edited = sources(range(13), S4={"description": "re-sequenced"})
    assert not isinstance(cohort.create(cohort.props_of(edited, delete_removed_read_sets=True)),
                          Failure)
    jobs = control.new_jobs(START)
    assert jobs[0] == started and len(jobs) == 2, jobs
    assert started_sources(scenario, jobs[1:]) == [["S4", "S10", "S11", "S12"]]
    assert_one_read_set_each(cohort, [f"S{i}" for i in range(13)])
    assert cohort.outs["samples"]["S0"]["job_id"] == started
    assert lines(scenario, "reattached to the job an earlier run started")


def test_an_interrupted_update_then_an_edited_row_and_one_more(
    own_server: ProviderServer, scenario: Scenario, control: EmulatorControl
) -> None:
    upload_samples(scenario.s3(), BUCKET, range(11))
    cohort = Cohort(scenario)
    assert not isinstance(cohort.create(cohort.props(range(5))), Failure)
    control.durations(importSeconds=3)

    interrupted = Cohort(Scenario(scenario.url, own_server, scenario.stack))
    interrupted.scenario.store_id = scenario.store_id
    interrupted.id, interrupted.outs = cohort.id, cohort.outs
    interrupt(own_server, scenario, control, lambda: interrupted.update(cohort.props(range(10))),
              jobs_before=1)
    assert len(control.new_jobs(START)) == 2

    # The state is still the one before the update; the next update finds its job.
    edited = sources(range(11), S6={"description": "re-sequenced"})
    assert not isinstance(cohort.update(cohort.props_of(edited, delete_removed_read_sets=True)),
                          Failure)
    jobs = control.new_jobs(START)
    assert len(jobs) == 3, jobs
    assert started_sources(scenario, jobs[2:]) == [["S6", "S10"]]
    assert_one_read_set_each(cohort, [f"S{i}" for i in range(11)])


def test_rows_reordered_and_one_removed_after_a_failed_create(
    scenario: Scenario, control: EmulatorControl
) -> None:
    upload_samples(scenario.s3(), BUCKET, range(12))
    cohort = Cohort(scenario)
    assert isinstance(cohort.create(cohort.props_of(sources(range(12), S7={"source1": TYPO}))),
                      Failure)

    reordered = [i for i in reversed(range(12)) if i != 2]
    assert not isinstance(
        cohort.create(cohort.props_of(sources(reordered), delete_removed_read_sets=True)), Failure)
    jobs = control.new_jobs(START)
    assert len(jobs) == 2 and started_sources(scenario, jobs[1:]) == [["S7"]]
    assert_one_read_set_each(cohort, [f"S{i}" for i in reordered])


def test_another_cohort_never_adopts_this_ones_read_sets(
    scenario: Scenario, control: EmulatorControl
) -> None:
    """Same store, same sample names, another resource (or stack): its own jobs, its own
    read sets. This is also what a cohort whose state was lost gets under a new stack
    name; under the same project, stack and name it finds its jobs again (see
    test_cohort_import's recreated cohort)."""
    upload_samples(scenario.s3(), BUCKET, range(4))
    ours = Cohort(scenario)
    assert not isinstance(ours.create(ours.props(range(4))), Failure)
    theirs = Cohort(scenario, name="other-cohort")
    assert not isinstance(theirs.create(theirs.props(range(4))), Failure)
    assert len(control.new_jobs(START)) == 2
    assert not set(ours.outs["read_set_ids"].values()) & set(theirs.outs["read_set_ids"].values())
    assert all(len(ids) == 2 for ids in theirs.store_read_sets().values())


def test_a_refused_batch_says_what_to_fix_not_to_run_up_again_as_it_is(
    scenario: Scenario, control: EmulatorControl
) -> None:
    upload_samples(scenario.s3(), BUCKET, range(3))
    cohort = Cohort(scenario)
    control.fault(operation=START, error="AccessDeniedException", count=1)
    failure = cohort.create(cohort.props(range(3)))
    assert isinstance(failure, Failure)
    assert "AccessDeniedException" in failure.details
    assert "fix what the service refused (above), then run `pulumi up` again" in failure.details
    assert "again to resume" not in failure.details

    # The role's permission fixed (the fault is spent): the next create imports all three.
    assert not isinstance(cohort.create(cohort.props(range(3))), Failure)
    assert len(control.new_jobs(START)) == 1
    assert_one_read_set_each(cohort, ["S0", "S1", "S2"])


def test_one_batchs_failed_poll_fails_that_batch_alone_and_the_rerun_takes_both_jobs(
    scenario: Scenario, control: EmulatorControl
) -> None:
    control.durations(importSeconds=2)
    upload_samples(scenario.s3(), BUCKET, range(101))
    cohort = Cohort(scenario)
    control.fault(operation="GetReadSetImportJob", error="AccessDeniedException", count=1)
    failure = cohort.create(cohort.props(range(101)))
    assert isinstance(failure, Failure)
    assert "GetReadSetImportJob of this job failed (AccessDeniedException" in failure.details
    assert "1 batch(es) not finished" in failure.details
    assert "fix what the service refused (above)" in failure.details
    assert len(control.new_jobs(START)) == 2

    # Access fixed (the fault is spent): both jobs are found; nothing is imported again.
    assert not isinstance(cohort.create(cohort.props(range(101))), Failure)
    assert len(control.new_jobs(START)) == 2
    assert_one_read_set_each(cohort, [f"S{i}" for i in range(101)])


def test_a_wait_timeout_then_a_row_added_waits_for_the_job_and_imports_the_row(
    scenario: Scenario, control: EmulatorControl
) -> None:
    control.durations(importSeconds=4)
    upload_samples(scenario.s3(), BUCKET, range(6))
    cohort = Cohort(scenario)
    failure = cohort.create(cohort.props(range(5), wait_timeout=1))
    assert isinstance(failure, Failure)
    assert "is still" in failure.details and "timeout" in failure.details
    [started] = control.new_jobs(START)

    assert not isinstance(cohort.create(cohort.props(range(6))), Failure)
    jobs = control.new_jobs(START)
    assert jobs[0] == started and started_sources(scenario, jobs[1:]) == [["S5"]]
    assert_one_read_set_each(cohort, [f"S{i}" for i in range(6)])


def test_refresh_reports_samples_holding_the_same_data(
    scenario: Scenario, control: EmulatorControl
) -> None:
    """Two rows naming one file are two read sets with one ETag: refresh says so, and
    AWS's way of finding duplicates (group by ETag) finds those two and no others."""
    upload_samples(scenario.s3(), BUCKET, range(4))
    cohort = Cohort(scenario)
    copy = {**sample_source(1, bucket=BUCKET), "name": "S1-again", "sample_id": "S1b"}
    assert not isinstance(cohort.create(cohort.props_of([*sources(range(4)), copy])), Failure)
    assert cohort.outs["counts"]["duplicates"] == 0  # not known before a refresh

    cohort.refresh()
    ids = cohort.outs["read_set_ids"]
    assert cohort.outs["counts"]["duplicates"] == 2
    assert cohort.outs["samples"]["S1"]["duplicate_of"] == [ids["S1-again"]]
    assert cohort.outs["samples"]["S1-again"]["duplicate_of"] == [ids["S1"]]
    assert "duplicate_of" not in cohort.outs["samples"]["S0"]
    groups: dict[str, list[str]] = {}
    for page in scenario.omics().get_paginator("list_read_sets").paginate(
            sequenceStoreId=scenario.store_id):
        for item in page["readSets"]:
            for part in ("source1", "source2"):
                if item["etag"].get(part):
                    groups.setdefault(item["etag"][part], []).append(item["id"])
    assert [sorted(g) for g in groups.values() if len(g) > 1] == [
        sorted([ids["S1"], ids["S1-again"]])]
