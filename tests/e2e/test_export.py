"""ReadSetExport from Pulumi YAML through the `omics` provider and the real CLI, against the
emulator with the service's limits on: in one `up`, a reference imported
(ReferenceImportJob), a cohort of CRAM rows aligned to it, and the cohort exported; an
exported object deleted out of band; `pulumi refresh` names it; the next `up` exports only
its read set (Starts and their sources counted in the emulator's request log)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harness.yaml_program import YamlProgram, source
from tests.e2e.conftest import BUCKET, World
from tests.e2e.test_reference_import import reference_world
from tests.e2e.test_yaml_provider import yaml_stack
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import PulumiStack

EXPORT_START = "StartReadSetExportJob"
OUT = "omics-e2e-exports"


def exported(world: World, control: EmulatorControl) -> list[list[str]]:
    """The read sets of each export job the emulator started, oldest first."""
    return [[r["id"] for r in world.omics.get_read_set_export_job(
        sequenceStoreId=world.store, id=job_id)["readSets"]]
        for job_id in control.new_jobs(EXPORT_START)]


def test_yaml_export_drift_refresh_and_repair_of_only_the_missing(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    samples = ["S1", "S2", "S3"]
    references = reference_world(world, control, *samples)
    world.s3.create_bucket(Bucket=OUT)
    program = YamlProgram(tmp_path / "program")
    cram = {"sourceFileType": "CRAM", "referenceArn": '${genome.referenceArns["GRCh38"]}'}
    program.replace_resources({
        "genome": {"type": "omics:index:ReferenceImportJob", "properties": {
            "referenceStoreId": references, "roleArn": "${roleArn}", "references": [
                {"name": "GRCh38", "sourceFile": f"s3://{BUCKET}/genome.fa"}]}},
        "cohort": {"type": "omics:index:CohortImport", "properties": {
            "sequenceStoreId": "${sequenceStoreId}", "roleArn": "${roleArn}",
            "sources": [source(s, **cram, source1=f"s3://{BUCKET}/{s}.cram") for s in samples]}},
        "share": {"type": "omics:index:ReadSetExport", "properties": {
            "sequenceStoreId": "${sequenceStoreId}", "roleArn": "${roleArn}",
            "destination": f"s3://{OUT}/share/",
            "readSetIds": [f'${{cohort.readSetIds["{s}"]}}' for s in samples]}},
    }, {"objectUris": "${share.objectUris}", "readSetIds": "${cohort.readSetIds}"})
    stack = yaml_stack(make_stack, world, program)

    stack.up()
    outputs = stack.outputs()
    ids = [outputs["readSetIds"][s] for s in samples]
    assert exported(world, control) == [ids]
    assert outputs["objectUris"] == {i: [f"s3://{OUT}/share/{i}/{s}.cram"]
                                     for i, s in zip(ids, samples, strict=True)}

    body = world.s3.get_object(Bucket=OUT, Key=f"share/{ids[0]}/S1.cram")["Body"].read()
    assert body == b"CRAM\x03\x00S1"  # the read set's stored bytes
    meta = world.omics.get_read_set_metadata(sequenceStoreId=world.store, id=ids[0])
    [genome] = world.omics.list_references(referenceStoreId=references)["references"]
    assert meta["referenceArn"] == genome["arn"]  # from the ReferenceImportJob, not typed

    gone = outputs["objectUris"][ids[1]][0]
    world.s3.delete_object(Bucket=OUT, Key=gone.removeprefix(f"s3://{OUT}/"))
    refreshed = stack.refresh()
    assert gone in refreshed.output and "missing" in refreshed.output, refreshed.output
    [state] = stack.resources("ReadSetExport")
    assert state["outputs"]["missingObjects"] == [gone]
    assert ids[1] not in state["outputs"]["objectUris"]

    repaired = stack.up()
    assert "2 exported already; exporting 1 in 1 job" in repaired.output, repaired.output
    assert exported(world, control) == [ids, [ids[1]]]
    assert stack.outputs()["objectUris"] == outputs["objectUris"]
    stack.preview("--expect-no-changes", check=True)
