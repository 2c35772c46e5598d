"""ReadSetUpload through the real dynamic-provider server, against the emulator (limits
on): a failed part resumes with only the missing parts, a lost Complete answer makes no
second read set, a changed file aborts the old upload, and check names every bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omics_resources.dynamic.read_set_upload import ReadSetUploadProvider
from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure, Resource
from tests.support.scenario import Scenario

PART = "UploadReadSetPart"
RECORD = b"@r/1\nACGTACGTAC\n+\nIIIIIIIIII\n"


def resource(scenario: Scenario, name: str) -> Resource:
    return scenario._resource(ReadSetUploadProvider(), name, "ReadSetUpload")


def fastq(path: Path, reads: int = 400, seed: bytes = b"") -> str:
    path.write_bytes(seed + RECORD * reads)
    return str(path)


def props(scenario: Scenario, source1: str, **extra: Any) -> dict[str, Any]:
    return {"sequence_store_id": scenario.store_id, "source1": source1, "source_file_type": "FASTQ",
            "subject_id": "subject", "sample_id": "sample", "name": "reads",
            "part_size": 4096, "parallel_parts": 1, **extra}


def stored_parts(control: EmulatorControl) -> list[str]:
    return [r["part"] for r in control.log()["requests"]
            if r["operation"] == PART and r["status"] == 200]


def served(control: EmulatorControl, operation: str) -> int:
    """Requests of ``operation`` the emulator answered 200 (throttled ones retried aside)."""
    return sum(1 for r in control.log()["requests"]
               if r["operation"] == operation and r["status"] == 200)


def open_uploads(scenario: Scenario) -> list[dict[str, Any]]:
    return list(scenario.omics().list_multipart_read_set_uploads(
        sequenceStoreId=scenario.store_id)["uploads"])


def test_a_failed_part_resumes_with_only_the_missing_parts(
        scenario: Scenario, control: EmulatorControl, tmp_path: Path) -> None:
    upload = resource(scenario, "reads")
    inputs = props(scenario, fastq(tmp_path / "r1.fq"))  # 10,800 bytes: 3 parts
    # The first part is stored but its answer is an error that is not retried (403).
    control.fault(operation=PART, error="AccessDeniedException", count=1, after=True)
    failure = upload.create(scenario.checked(upload, inputs))
    assert isinstance(failure, Failure)
    assert "the next `pulumi up` sends only the missing parts" in failure.details
    [left] = open_uploads(scenario)
    there = {f"SOURCE1/{p['partNumber']}" for p in scenario.omics().list_read_set_upload_parts(
        sequenceStoreId=scenario.store_id, uploadId=left["uploadId"], partSource="SOURCE1")["parts"]}
    assert "SOURCE1/1" in there and len(there) < 3  # the one in flight may have been sent too
    before = len(stored_parts(control))

    _, outs = scenario.create(upload, inputs)
    sent = stored_parts(control)[before:]
    assert sorted(sent) == sorted({"SOURCE1/1", "SOURCE1/2", "SOURCE1/3"} - there)
    assert (outs["part_count"], outs["parts_sent"]) == (3, len(sent))
    assert outs["upload_id"] == left["uploadId"] and outs["status"] == "ACTIVE"
    assert open_uploads(scenario) == []
    assert served(control, "CreateMultipartReadSetUpload") == 1


def test_a_lost_complete_answer_makes_no_second_read_set(
        scenario: Scenario, control: EmulatorControl, tmp_path: Path) -> None:
    upload = resource(scenario, "reads")
    inputs = props(scenario, fastq(tmp_path / "r1.fq"))
    control.fault(operation="CompleteMultipartReadSetUpload", error="AccessDeniedException",
                  count=1, after=True)
    assert isinstance(upload.create(scenario.checked(upload, inputs)), Failure)
    _, outs = scenario.create(upload, inputs)
    [read_set] = scenario.omics().list_read_sets(sequenceStoreId=scenario.store_id)["readSets"]
    assert outs["read_set_id"] == read_set["id"] and outs["parts_sent"] == 0
    assert len(stored_parts(control)) == 3 and served(control, "CreateMultipartReadSetUpload") == 1


def test_a_changed_file_is_a_new_read_set_and_its_old_upload_is_aborted(
        scenario: Scenario, control: EmulatorControl, tmp_path: Path) -> None:
    upload = resource(scenario, "reads")
    path = tmp_path / "r1.fq"
    inputs = props(scenario, fastq(path))
    control.fault(operation=PART, error="AccessDeniedException", count=1)
    assert isinstance(upload.create(scenario.checked(upload, inputs)), Failure)
    [old] = open_uploads(scenario)
    fastq(path, seed=b"@changed/1\nA\n+\nI\n")
    id_, outs = scenario.create(upload, inputs)
    assert served(control, "AbortMultipartReadSetUpload") == 1
    assert open_uploads(scenario) == [] and outs["upload_id"] != old["uploadId"]

    # Same content under another path: a setting changed, no new read set. Other content:
    # replaced, and the old read set is kept (delete_read_set_on_destroy is false).
    moved = tmp_path / "moved.fq"
    moved.write_bytes(path.read_bytes())
    diff = upload.diff(id_, outs, scenario.checked(upload, {**inputs, "source1": str(moved)}))
    assert list(diff.replaces) == [] and diff.changes == diff.DIFF_SOME
    fastq(path, reads=500)
    diff = upload.diff(id_, outs, scenario.checked(upload, inputs))
    assert list(diff.replaces) == ["source1"]
    assert not isinstance(upload.delete(id_, outs), Failure)
    statuses = [r["status"] for r in scenario.omics().list_read_sets(
        sequenceStoreId=scenario.store_id)["readSets"]]
    assert statuses == ["ACTIVE"]


def test_check_names_each_bad_input(scenario: Scenario, tmp_path: Path) -> None:
    upload = resource(scenario, "bad")
    answer = upload.check(props(scenario, str(tmp_path / "missing.fq"), source_file_type="BAM",
                                source2=fastq(tmp_path / "r2.fq"), part_size=200 * 2**20))
    assert not isinstance(answer, Failure)
    _, failures = answer
    reasons = dict(failures)
    assert "must be a file that exists" in reasons["source1"]
    assert "is only for FASTQ, not BAM" in reasons["source2"]
    assert "must be at most 104857600" in reasons["part_size"]
    assert "is required for BAM" in reasons["reference_arn"]
    assert control_free(scenario)


def control_free(scenario: Scenario) -> bool:
    """Check made no call: the store has no upload."""
    return open_uploads(scenario) == []
