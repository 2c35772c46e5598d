"""CohortImport through the real dynamic-provider server, against the emulator with the
service's limits on: every job and read set counted from the emulator itself."""

from __future__ import annotations

import json
import time

import pytest

from tests.support.cohort import upload_samples
from tests.support.cohort_driver import START, Cohort, lines
from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure, ProviderServer
from tests.support.scenario import BUCKET, Scenario


def test_250_samples_then_30_more_in_exactly_one_new_job(scenario: Scenario, control: EmulatorControl) -> None:
    assert control.limits()["rateLimits"] is True
    upload_samples(scenario.s3(), BUCKET, range(280))
    cohort = Cohort(scenario)
    began = time.monotonic()
    assert not isinstance(cohort.create(cohort.props(range(250))), Failure)
    print(f"250-sample cohort create: {time.monotonic() - began:.1f} s")
    first = control.new_jobs(START)
    assert len(first) == 3
    assert cohort.outs["counts"] == {"imported": 250, "failed": 0, "pending": 0, "deleted": 0, "duplicates": 0}
    assert cohort.outs["jobs"] == dict.fromkeys(first, "COMPLETED")
    assert len(cohort.outs["read_set_ids"]) == 250
    assert cohort.outs["samples"]["S249"]["job_id"] in first
    # Before the test's own listing below (a burst of unpaced calls on the readSets budget).
    assert control.throttled() == 0 and control.quota_exceeded() == 0
    stored = cohort.store_read_sets()
    assert len(stored) == 250 and all(len(ids) == 1 for ids in stored.values())
    assert cohort.outs["read_set_ids"]["S7"] == stored["S7"][0]
    assert lines(scenario, "[cohort] cohort: 250/250 sources imported, 0 jobs running, 0 queued")

    before = dict(cohort.outs["read_set_ids"])
    grown = cohort.props(range(280))
    assert cohort.diff(grown) == (True, [])
    assert not isinstance(cohort.update(grown), Failure)
    jobs = control.new_jobs(START)
    assert len(jobs) == 4 and jobs[:3] == first  # exactly one new job, nothing replaced
    assert cohort.outs["counts"]["imported"] == 280
    assert {k: v for k, v in cohort.outs["read_set_ids"].items() if k in before} == before
    stored = cohort.store_read_sets()
    assert sum(len(ids) for ids in stored.values()) == 280 and len(stored) == 280
    assert {cohort.outs["samples"][f"S{i}"]["job_id"] for i in range(250, 280)} == {jobs[3]}
    assert cohort.diff(grown) == (False, [])


def test_missing_objects_fail_naming_them_then_exactly_those_are_imported(
    scenario: Scenario, control: EmulatorControl
) -> None:
    missing = list(range(3, 120, 20))  # 6 of 120: 5%
    upload_samples(scenario.s3(), BUCKET, [i for i in range(120) if i not in missing])
    cohort = Cohort(scenario)
    props = cohort.props(range(120))
    failure = cohort.create(props)
    assert isinstance(failure, Failure)
    assert "114/120 sources imported, 6 failed" in failure.details
    for i in missing:
        assert f"sources[{i}] (S{i}, s3://{BUCKET}/S{i}_R1.fastq): FAILED: S3 object " \
               f"s3://{BUCKET}/S{i}_R1.fastq not found" in failure.details
    assert len(control.new_jobs(START)) == 2
    assert len(cohort.store_read_sets()) == 114

    # Upload them; the engine calls create again (nothing was saved): the two jobs are
    # found by the cohort's tag, and the six failed sources go into one new job.
    upload_samples(scenario.s3(), BUCKET, missing)
    assert not isinstance(cohort.create(props), Failure)
    jobs = control.new_jobs(START)
    assert len(jobs) == 3, jobs
    job = scenario.omics().get_read_set_import_job(sequenceStoreId=scenario.store_id, id=jobs[2])
    assert sorted(s["sampleId"] for s in job["sources"]) == sorted(f"S{i}" for i in missing)
    stored = cohort.store_read_sets()
    assert len(stored) == 120 and all(len(ids) == 1 for ids in stored.values())
    assert cohort.outs["counts"]["imported"] == 120
    assert lines(scenario, "found 2 import jobs of this cohort that its state did not hold")


def test_allow_partial_keeps_failures_and_the_next_update_retries_only_them(
    scenario: Scenario, control: EmulatorControl
) -> None:
    upload_samples(scenario.s3(), BUCKET, [0, 1, 3])
    cohort = Cohort(scenario)
    props = cohort.props(range(4), allow_partial=True)
    assert not isinstance(cohort.create(props), Failure)
    assert cohort.outs["counts"] == {"imported": 3, "failed": 1, "pending": 0, "deleted": 0, "duplicates": 0}
    assert cohort.outs["samples"]["S2"]["status"] == "FAILED"
    assert "not found" in cohort.outs["samples"]["S2"]["status_message"]
    assert cohort.diff(props) == (True, [])  # the desired state is not reached yet

    upload_samples(scenario.s3(), BUCKET, [2])
    assert not isinstance(cohort.update(props), Failure)
    [_, retry] = control.new_jobs(START)
    job = scenario.omics().get_read_set_import_job(sequenceStoreId=scenario.store_id, id=retry)
    assert [s["sampleId"] for s in job["sources"]] == ["S2"]
    assert cohort.outs["counts"]["imported"] == 4
    assert sum(len(ids) for ids in cohort.store_read_sets().values()) == 4
    assert cohort.diff(props) == (False, [])


def test_refresh_sees_a_deleted_read_set_and_update_reimports_only_it(
    scenario: Scenario, control: EmulatorControl
) -> None:
    upload_samples(scenario.s3(), BUCKET, range(12))
    cohort = Cohort(scenario)
    props = cohort.props(range(12))
    cohort.create(props)
    gone = cohort.outs["read_set_ids"]["S5"]
    scenario.omics().batch_delete_read_set(sequenceStoreId=scenario.store_id, ids=[gone])
    control.archive(scenario.store_id, [cohort.outs["read_set_ids"]["S6"]])
    lists = control.count("ListReadSets")
    cohort.refresh()
    assert control.count("ListReadSets") - lists == 1  # one page, not one call per read set
    assert cohort.outs["samples"]["S5"]["status"] == "DELETED"
    assert cohort.outs["samples"]["S6"]["status"] == "ARCHIVED"  # still there: not drift
    assert "S5" not in cohort.outs["read_set_ids"]
    assert cohort.diff(props) == (True, [])
    cohort.update(props)
    [_, again] = control.new_jobs(START)
    job = scenario.omics().get_read_set_import_job(sequenceStoreId=scenario.store_id, id=again)
    assert [s["sampleId"] for s in job["sources"]] == ["S5"]
    assert cohort.outs["counts"]["imported"] == 12


def test_tags_change_in_place_and_removed_samples_keep_their_read_sets_unless_asked(
    scenario: Scenario, control: EmulatorControl
) -> None:
    upload_samples(scenario.s3(), BUCKET, range(5))
    cohort = Cohort(scenario)
    cohort.create(cohort.props(range(5)))
    retagged = cohort.props(range(4))
    retagged["sources"][1]["tags"] = {"owner": "lab-7"}
    assert cohort.diff(retagged) == (True, [])
    cohort.update(retagged)
    assert len(control.new_jobs(START)) == 1
    omics = scenario.omics()
    arn = omics.get_read_set_metadata(sequenceStoreId=scenario.store_id,
                                      id=cohort.outs["read_set_ids"]["S1"])["arn"]
    # The user's tag, beside the cohort's own (its identity, see core/cohort/identity.py).
    tags = omics.list_tags_for_resource(resourceArn=arn)["tags"]
    assert tags.pop("omics-resources:cohort").endswith(":1")
    assert tags == {"owner": "lab-7"}
    assert set(cohort.outs["read_set_ids"]) == {"S0", "S1", "S2", "S3"}
    assert len(cohort.store_read_sets()) == 5  # S4's read set is kept
    assert lines(scenario, "kept 1 read set(s) of removed or re-imported samples")

    dropped = cohort.props(range(3), delete_removed_read_sets=True)
    dropped["sources"][1]["tags"] = {"owner": "lab-7"}
    cohort.update(dropped)
    assert set(cohort.store_read_sets()) == {"S0", "S1", "S2", "S4"}
    assert len(control.new_jobs(START)) == 1


def test_an_expired_job_record_never_reimports(scenario: Scenario, control: EmulatorControl) -> None:
    upload_samples(scenario.s3(), BUCKET, range(3))
    cohort = Cohort(scenario)
    props = cohort.props(range(3))
    cohort.create(props)
    # As if the service had forgotten the job: its id names no job any more.
    [job_id] = cohort.outs["jobs"]
    forgotten = "1000000001"
    outs = cohort.outs
    outs["jobs"] = {forgotten: "COMPLETED"}
    outs["samples"] = {k: {**v, "job_id": forgotten} for k, v in outs["samples"].items()}
    ledger = json.loads(outs["ledger"])
    ledger["jobs"] = {b: [forgotten] for b in ledger["jobs"]}
    outs["ledger"] = json.dumps(ledger)
    cohort.refresh()
    assert cohort.outs["counts"]["imported"] == 3
    assert cohort.diff(props) == (False, [])
    assert control.new_jobs(START) == [job_id]


@pytest.mark.parametrize("samples", [150])
def test_wait_false_returns_once_started_and_refresh_settles(
    samples: int, scenario: Scenario, control: EmulatorControl
) -> None:
    control.durations(importSeconds=1.5)
    upload_samples(scenario.s3(), BUCKET, range(samples))
    cohort = Cohort(scenario)
    props = cohort.props(range(samples), wait=False)
    cohort.create(props)
    assert cohort.outs["counts"]["pending"] == samples
    assert set(cohort.outs["jobs"].values()) <= {"SUBMITTED", "IN_PROGRESS"}
    scenario.eventually(lambda: (cohort.refresh(), cohort.outs["counts"]["imported"])[1],
                        lambda n: n == samples, timeout=60)
    assert set(cohort.outs["jobs"].values()) == {"COMPLETED"}
    assert len(control.new_jobs(START)) == 2




def test_cancel_ends_the_wait_and_the_rerun_reattaches_every_batch(
    own_server: ProviderServer, scenario: Scenario, control: EmulatorControl
) -> None:
    control.durations(importSeconds=3)
    upload_samples(scenario.s3(), BUCKET, range(150))
    interrupted = Cohort(Scenario(scenario.url, own_server, scenario.stack + "-own"))
    interrupted.scenario.store_id = scenario.store_id
    props = interrupted.props(range(150))

    def cancel_once_running() -> None:
        scenario.eventually(lambda: len(control.new_jobs(START)), lambda n: n == 2)
        own_server.cancel()

    failure = Scenario.in_background(cancel_once_running, lambda: interrupted.create(props))
    assert isinstance(failure, Failure)
    assert "the update was cancelled; started jobs keep running" in failure.details
    started = control.new_jobs(START)
    for job_id in started:
        assert f"import job {job_id} (batch" in failure.details

    # The next `pulumi up` runs a new provider process: same tokens, the same two jobs.
    interrupted.resource = interrupted.resource.on(scenario.server)
    assert not isinstance(interrupted.create(props), Failure)
    assert control.new_jobs(START) == started
    assert interrupted.outs["counts"]["imported"] == 150
    assert len(lines(scenario, "reattached to the job an earlier run started")) == 2


def test_recreated_cohort_adopts_its_read_sets_and_replaces_only_a_deleted_one(
    scenario: Scenario, control: EmulatorControl
) -> None:
    """A create with the tokens of an earlier cohort of the same name (destroyed, or its
    state lost): its jobs are picked up; a read set deleted since is imported again alone."""
    upload_samples(scenario.s3(), BUCKET, range(6))
    cohort = Cohort(scenario)
    props = cohort.props(range(6))
    cohort.create(props)
    [first] = control.new_jobs(START)
    kept = dict(cohort.outs["read_set_ids"])
    scenario.omics().batch_delete_read_set(sequenceStoreId=scenario.store_id, ids=[kept["S2"]])

    again = Cohort(scenario)
    assert not isinstance(again.create(props), Failure)
    [_, second] = control.new_jobs(START)
    job = scenario.omics().get_read_set_import_job(sequenceStoreId=scenario.store_id, id=second)
    assert [s["sampleId"] for s in job["sources"]] == ["S2"]
    assert {k: v for k, v in again.outs["read_set_ids"].items() if k != "S2"} == \
        {k: v for k, v in kept.items() if k != "S2"}
    assert again.outs["samples"]["S0"]["job_id"] == first
    assert again.outs["samples"]["S2"]["job_id"] == second
    stored = again.store_read_sets()
    assert len(stored) == 6 and all(len(ids) == 1 for ids in stored.values())
