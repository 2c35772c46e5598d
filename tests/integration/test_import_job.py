"""ReadSetImportJob through the real dynamic-provider server, against the emulator."""

from __future__ import annotations

from typing import Any

import boto3

from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure
from tests.support.scenario import Scenario

START = "StartReadSetImportJob"


def test_create_imports_every_source_once(scenario: Scenario, control: EmulatorControl) -> None:
    resource = scenario.import_resource("reads")
    props = scenario.import_props(samples=["A", "B"])
    id_, outs = scenario.create(resource, props)

    store_id, job_id = id_.split("/")
    assert store_id == scenario.store_id
    assert outs["job_id"] == job_id
    assert outs["status"] == "COMPLETED"
    assert [s["status"] for s in outs["sources"]] == ["FINISHED"] * 2
    assert [s["sample_id"] for s in outs["sources"]] == ["A", "B"]
    assert outs["read_set_ids"] == [s["read_set_id"] for s in outs["sources"]]
    assert len(set(outs["read_set_ids"])) == 2
    assert outs["read_set_statuses"] == dict.fromkeys(outs["read_set_ids"], "ACTIVE")
    assert outs["creation_time"] and outs["completion_time"]
    assert control.new_jobs(START) == [job_id]
    # The read sets carry their source's metadata.
    omics = scenario.omics()
    meta = omics.get_read_set_metadata(sequenceStoreId=store_id, id=outs["read_set_ids"][1])
    assert (meta["sampleId"], meta["subjectId"], meta["fileType"]) == ("B", "subject-B", "FASTQ")
    assert meta["creationJobId"] == job_id


def test_a_completed_job_is_answered_from_its_read_sets_not_its_get(
    scenario: Scenario, control: EmulatorControl
) -> None:
    """The job's answer and its read sets' ARNs come from one ListReadSets page (the
    readSets budget), not a GetReadSetImportJob (the budget the Starts need) nor a
    GetReadSetMetadata per read set."""
    _, outs = scenario.create(scenario.import_resource("answers"), scenario.import_props(["Z"]))
    counts = control.log()["counts"]
    assert outs["status"] == "COMPLETED"
    assert counts.get("GetReadSetImportJob", 0) == 0, counts
    assert counts.get("GetReadSetMetadata", 0) == 0, counts
    assert counts["ListReadSets"] == 1, counts
    [read_set] = outs["read_set_ids"]
    meta = scenario.omics().get_read_set_metadata(sequenceStoreId=scenario.store_id, id=read_set)
    assert outs["sources"][0]["read_set_arn"] == meta["arn"]
    assert outs["read_set_statuses"] == {read_set: "ACTIVE"}
    assert meta["creationJobId"] == outs["job_id"]


def test_progress_lines_name_resource_and_job(scenario: Scenario, control: EmulatorControl) -> None:
    control.durations(importSeconds=2.5)
    props = scenario.import_props(["p1", "p2"])
    _, outs = scenario.create(scenario.import_resource("progress"), props)
    lines = [line for line in scenario.server.output if line.startswith("[progress] import job")]
    job = outs["job_id"]
    assert any(f"import job {job}: started" in line for line in lines), lines
    assert any(f"import job {job}: IN_PROGRESS (0/2 sources finished)" in line for line in lines), lines
    # Each status is said once: the List's word of the end, the full answer and the verdict
    # do not repeat each other.
    ended = [line for line in lines if f"import job {job}: COMPLETED" in line]
    assert ended == [f"[progress] import job {job}: COMPLETED (2/2 sources finished)"], lines


def test_missing_object_fails_naming_source_message_and_job(
    scenario: Scenario, control: EmulatorControl
) -> None:
    resource = scenario.import_resource("missing")
    props = scenario.import_props(samples=["gone"], upload=False)
    failure = resource.create(props)
    assert isinstance(failure, Failure)
    [job_id] = control.new_jobs(START)
    assert f"import job {job_id} ended FAILED" in failure.details
    assert "sources[0] (s3://omics-it-sources/gone_R1.fastq)" in failure.details
    assert "not found" in failure.details

    # Fix the cause: the next create starts exactly one new job (the next token generation).
    scenario.upload("gone")
    _, outs = scenario.create(resource, props)
    assert outs["status"] == "COMPLETED"
    assert control.new_jobs(START) == [job_id, outs["job_id"]]
    assert any("an earlier run's job ended FAILED; starting a new one" in line
               for line in scenario.server.output)


def test_partial_failure_fails_unless_allowed(scenario: Scenario, control: EmulatorControl) -> None:
    props = scenario.import_props(samples=["ok"])
    props["sources"].append(scenario.source("absent"))  # never uploaded
    failure = scenario.import_resource("partial").create(props)
    assert isinstance(failure, Failure)
    assert "ended COMPLETED_WITH_FAILURES" in failure.details
    assert "sources[1] (s3://omics-it-sources/absent_R1.fastq): FAILED" in failure.details
    assert "set allow_partial" in failure.details

    _, outs = scenario.create(scenario.import_resource("partial-ok"), {**props, "allow_partial": True})
    assert outs["status"] == "COMPLETED_WITH_FAILURES"
    assert [s["status"] for s in outs["sources"]] == ["FINISHED", "FAILED"]
    assert len(outs["read_set_ids"]) == 1
    assert len(control.new_jobs(START)) == 2


def test_timeout_then_resume_starts_no_second_job(scenario: Scenario, control: EmulatorControl) -> None:
    control.durations(importSeconds=4)
    resource = scenario.import_resource("slow")
    props = scenario.import_props()
    failure = resource.create({**props, "wait_timeout": 1.5})
    assert isinstance(failure, Failure)
    [job_id] = control.new_jobs(START)
    assert f"import job {job_id} is still IN_PROGRESS (wait_timeout of 1.5 s expired)" in failure.details
    assert "run `pulumi up` again to resume waiting" in failure.details

    _, outs = scenario.create(resource, {**props, "wait_timeout": 60})
    assert outs["job_id"] == job_id
    assert outs["status"] == "COMPLETED"
    assert control.new_jobs(START) == [job_id]
    assert control.count(START) == 2
    assert any(f"import job {job_id}: reattached" in line for line in scenario.server.output)


def test_quota_full_waits_for_a_slot(scenario: Scenario, control: EmulatorControl) -> None:
    control.durations(importSeconds=2)
    control.quota(1)
    blocker = scenario.import_props(samples=["blocker"])
    scenario.omics().start_read_set_import_job(
        sequenceStoreId=scenario.store_id, roleArn=blocker["role_arn"],
        sources=[{"sourceFiles": {"source1": "s3://omics-it-sources/blocker_R1.fastq"},
                  "sourceFileType": "FASTQ", "subjectId": "s", "sampleId": "b"}],
    )
    _, outs = scenario.create(scenario.import_resource("queued"), scenario.import_props())
    assert outs["status"] == "COMPLETED"
    assert len(control.new_jobs(START)) == 2
    assert control.log()["counts"][START] >= 3  # at least one 402 in between
    assert any("waiting for a free job slot (ServiceQuotaExceededException" in line
               for line in scenario.server.output)


def test_throttling_and_server_errors_are_retried(scenario: Scenario, control: EmulatorControl) -> None:
    control.fault(operation="*", error="ThrottlingException", rate=0.3, seed=11)
    control.fault(operation="*", error="InternalServerException", rate=0.1, seed=12)
    _, outs = scenario.create(scenario.import_resource("flaky"), scenario.import_props(samples=["a", "b"]))
    assert outs["status"] == "COMPLETED"
    assert len(control.new_jobs(START)) == 1
    faults = [r for r in control.log()["requests"] if r.get("fault")]
    assert faults, "the fault rules injected nothing"


def test_lost_start_answers_start_one_job(scenario: Scenario, control: EmulatorControl) -> None:
    """The Start is served but its answer lost (twice): botocore retries with the same client
    token, so the job started by the first call is the one the resource gets."""
    control.fault(operation=START, error="InternalServerException", count=2, after=True)
    _, outs = scenario.create(scenario.import_resource("lost"), scenario.import_props())
    starts = [r for r in control.log()["requests"] if r["operation"] == START]
    assert [(r["status"], r["newJob"]) for r in starts] == [(500, True), (500, False),
                                                            (200, False)]
    assert control.new_jobs(START) == [outs["job_id"]]
    assert outs["status"] == "COMPLETED"


def test_tag_only_update_retags_read_sets_in_place(scenario: Scenario, control: EmulatorControl) -> None:
    resource = scenario.import_resource("tagged")
    props = scenario.import_props(tags={"project": "demo", "owner": "lab-1"})
    id_, outs = scenario.create(resource, props)
    news = scenario.import_props(tags={"project": "demo", "cohort": "b"})
    diff = resource.diff(id_, outs, scenario.checked(resource, news))
    assert list(diff.replaces) == []
    assert diff.changes == diff.DIFF_SOME

    updated = resource.update(id_, outs, scenario.checked(resource, news))
    assert not isinstance(updated, Failure), updated
    arn = outs["sources"][0]["read_set_arn"]
    assert scenario.omics().list_tags_for_resource(resourceArn=arn)["tags"] == {
        "project": "demo", "cohort": "b"}
    assert updated["sources"][0]["tags"] == {"project": "demo", "cohort": "b"}
    assert updated["job_id"] == outs["job_id"] and updated["status"] == "COMPLETED"
    assert len(control.new_jobs(START)) == 1


def test_settings_update_makes_no_api_call(scenario: Scenario, control: EmulatorControl) -> None:
    resource = scenario.import_resource("settings")
    id_, outs = scenario.create(resource, scenario.import_props())
    before = sum(control.log()["counts"].values())
    news = scenario.checked(resource, {**scenario.import_props(), "wait_timeout": 99, "allow_partial": True})
    updated = resource.update(id_, outs, news)
    assert updated["wait_timeout"] == 99 and updated["allow_partial"] is True
    assert updated["read_set_ids"] == outs["read_set_ids"]
    assert sum(control.log()["counts"].values()) == before


def test_refresh_reports_status_and_deleted_read_sets(scenario: Scenario) -> None:
    resource = scenario.import_resource("refresh")
    id_, outs = scenario.create(resource, scenario.import_props(samples=["a", "b"]))
    first, second = outs["read_set_ids"]
    scenario.omics().batch_delete_read_set(sequenceStoreId=scenario.store_id, ids=[first])
    read_id, refreshed = resource.read(id_, outs)
    assert read_id == id_
    assert refreshed["read_set_statuses"] == {first: "DELETED", second: "ACTIVE"}
    assert refreshed["status"] == "COMPLETED"


def test_read_of_a_vanished_job_says_gone(scenario: Scenario, control: EmulatorControl) -> None:
    resource = scenario.import_resource("vanished")
    id_, outs = scenario.create(resource, scenario.import_props())
    control.reset()
    assert resource.read(id_, outs) == ("", {})


def test_adopt_by_id_rebuilds_inputs(scenario: Scenario) -> None:
    id_, outs = scenario.create(scenario.import_resource("original"), scenario.import_props())
    read_id, adopted = scenario.import_resource("adopted").read(id_, {})
    assert read_id == id_
    assert adopted["job_id"] == outs["job_id"]
    assert adopted["role_arn"] == outs["role_arn"]
    assert adopted["sources"][0]["source1"] == outs["sources"][0]["source1"]
    assert adopted["read_set_ids"] == outs["read_set_ids"]


def test_wait_false_returns_at_once_and_refresh_completes(
    scenario: Scenario, control: EmulatorControl
) -> None:
    control.durations(importSeconds=1)
    resource = scenario.import_resource("nowait")
    id_, outs = scenario.create(resource, {**scenario.import_props(), "wait": False})
    assert outs["status"] in ("SUBMITTED", "IN_PROGRESS")
    final = scenario.eventually(lambda: resource.read(id_, outs)[1], lambda o: o["status"] == "COMPLETED")
    assert len(final["read_set_ids"]) == 1


def test_destroy_keeps_read_sets_by_default(scenario: Scenario) -> None:
    resource = scenario.import_resource("keep")
    id_, outs = scenario.create(resource, scenario.import_props())
    assert resource.delete(id_, outs) is None
    meta = scenario.omics().get_read_set_metadata(sequenceStoreId=scenario.store_id,
                                                  id=outs["read_set_ids"][0])
    assert meta["status"] == "ACTIVE"
    assert any("kept 1 read set(s)" in line for line in scenario.server.output)


def test_destroy_deletes_read_sets_when_asked(scenario: Scenario) -> None:
    resource = scenario.import_resource("purge")
    id_, outs = scenario.create(resource, {**scenario.import_props(samples=["a", "b"]),
                                           "delete_read_sets_on_destroy": True})
    assert resource.delete(id_, outs) is None
    omics = scenario.omics()
    for read_set_id in outs["read_set_ids"]:
        try:
            status = omics.get_read_set_metadata(sequenceStoreId=scenario.store_id, id=read_set_id)["status"]
        except omics.exceptions.ResourceNotFoundException:
            status = "GONE"
        assert status in ("GONE", "DELETED", "DELETING")
    # Deleting again (read sets already gone) is not an error.
    assert resource.delete(id_, outs) is None


def test_cancelled_job_fails_with_its_id(scenario: Scenario, control: EmulatorControl) -> None:
    control.durations(importSeconds=5)
    resource = scenario.import_resource("cancelled")

    def cancel_when_started() -> None:
        job_id = scenario.eventually(lambda: control.new_jobs(START), bool)[0]
        control.cancel(scenario.store_id, job_id)

    failure = scenario.in_background(cancel_when_started, lambda: resource.create(scenario.import_props()))
    assert isinstance(failure, Failure)
    assert "ended CANCELLED" in failure.details


def test_preview_check_through_the_server(scenario: Scenario) -> None:
    resource = scenario.import_resource("checked")
    props: dict[str, Any] = scenario.import_props()
    props["sources"][0]["source1"] = "s3://Bad_Bucket/x"
    inputs, failures = resource.check(props)
    assert failures == [("sources[0].source1",
                         "must be an S3 URI s3://bucket/key; bucket 'Bad_Bucket' must be 3 to 63 "
                         "lowercase letters, digits, dots or hyphens, beginning and ending with a "
                         "letter or digit (got 's3://Bad_Bucket/x')")]
    assert inputs["wait_timeout"] == 43200


def test_pickled_provider_is_small_and_holds_no_secret(scenario: Scenario) -> None:
    from pulumi.dynamic.dynamic import serialize_provider

    blob = serialize_provider(scenario.import_resource("x").provider)
    assert len(blob) < 400
    import base64

    raw = base64.b64decode(blob)
    for secret in (b"AKIAINTEGRATIONTEST", b"integration-secret-key"):
        assert secret not in raw
    assert isinstance(boto3, object)
