"""Each ACTIVE read set's S3 URI as an output of CohortImport and ActiveReadSets, through the
real dynamic-provider server against the emulator: the URI is the folder of the file URIs
GetReadSetMetadata names, archived read sets get none, and the outputs cost no call per
read set (one GetSequenceStore, counted in the emulator's request log)."""

from __future__ import annotations

from typing import Any

from tests.integration.test_active_read_sets import active, inputs, read_sets
from tests.support.cohort import upload_samples
from tests.support.cohort_driver import Cohort
from tests.support.emulator_control import EmulatorControl
from tests.support.provider_server import Failure
from tests.support.scenario import BUCKET, Scenario


def file_folder(scenario: Scenario, read_set_id: str) -> str:
    meta: dict[str, Any] = scenario.omics().get_read_set_metadata(
        sequenceStoreId=scenario.store_id, id=read_set_id)
    uri = str(meta["files"]["source1"]["s3Access"]["s3Uri"])
    return uri.rsplit("/", 1)[0] + "/"


def test_active_read_sets_outputs_each_active_ones_s3_uri(
        scenario: Scenario, control: EmulatorControl) -> None:
    ids = read_sets(scenario, 12)
    control.archive(scenario.store_id, ids[:2])
    control.durations(activationSeconds=0.5)
    before = dict(control.log()["counts"])
    resource = active(scenario)
    id_, outs = scenario.create(resource, inputs(scenario, ids))
    counts = control.log()["counts"]
    assert counts.get("GetSequenceStore", 0) - before.get("GetSequenceStore", 0) == 1
    assert counts.get("GetReadSetMetadata", 0) == before.get("GetReadSetMetadata", 0)
    assert outs["s3_uris"] == {i: file_folder(scenario, i) for i in ids}

    control.archive(scenario.store_id, ids[5:6])
    _, refreshed = resource.read(id_, outs)
    assert sorted(refreshed["s3_uris"]) == sorted(set(ids) - {ids[5]})


def test_cohort_import_outputs_each_samples_s3_uri(
        scenario: Scenario, control: EmulatorControl) -> None:
    upload_samples(scenario.s3(), BUCKET, range(8))
    cohort = Cohort(scenario)
    before = dict(control.log()["counts"])
    assert not isinstance(cohort.create(cohort.props(range(8))), Failure)
    counts = control.log()["counts"]
    assert counts.get("GetSequenceStore", 0) - before.get("GetSequenceStore", 0) == 1
    assert counts.get("GetReadSetMetadata", 0) == before.get("GetReadSetMetadata", 0)
    ids = cohort.outs["read_set_ids"]
    assert cohort.outs["s3_uris"] == {k: file_folder(scenario, i) for k, i in ids.items()}
