"""ReferenceImportJob through the real CLI against the emulator (limits on): a reference
imported and a cohort of CRAM rows referencing it in one `pulumi up`, with no ARN typed by
hand (Python); the same resource from Pulumi YAML through the `omics` provider."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.yaml_program import YamlProgram
from tests.e2e.conftest import BUCKET, World
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import PulumiStack
from tests.support.scenario import ROLE_ARN

PROGRAM = Path(__file__).parent / "programs" / "references"
FASTA = b">chr1\nACGTACGTACGT\n"
REFERENCE_START = "StartReferenceImportJob"


def reference_world(world: World, control: EmulatorControl, *samples: str) -> str:
    """A reference store, the FASTA and a CRAM file per sample; the store's id."""
    control.limits(rates={"sequenceStoreChanges": 20})
    world.s3.put_object(Bucket=BUCKET, Key="genome.fa", Body=FASTA)
    for sample in samples:
        world.s3.put_object(Bucket=BUCKET, Key=f"{sample}.cram", Body=b"CRAM\x03\x00" + sample.encode())
    return str(world.omics.create_reference_store(name="e2e-references")["id"])


def test_a_reference_and_the_cram_cohort_aligned_to_it_in_one_up(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
) -> None:
    store = reference_world(world, control, "HG1", "HG2")
    stack = make_stack(PROGRAM, {"referenceStoreId": store, "sequenceStoreId": world.store,
                                 "roleArn": ROLE_ARN, "bucket": BUCKET,
                                 "samples": ["HG1", "HG2"]})
    stack.up()
    outputs = stack.outputs()
    [reference] = world.omics.list_references(referenceStoreId=store)["references"]
    assert outputs["referenceArns"] == {"GRCh38": reference["arn"]}
    assert reference["name"] == "GRCh38" and reference["status"] == "ACTIVE"
    read_sets = outputs["readSetIds"]
    assert sorted(read_sets) == ["HG1", "HG2"]
    for read_set in read_sets.values():
        meta = world.omics.get_read_set_metadata(sequenceStoreId=world.store, id=read_set)
        assert (meta["fileType"], meta["referenceArn"]) == ("CRAM", reference["arn"])
    assert len(control.new_jobs(REFERENCE_START)) == 1
    # A second up changes nothing and starts nothing.
    again = stack.up()
    assert "3 unchanged" in again.output, again.output  # the stack and both resources
    assert len(control.new_jobs(REFERENCE_START)) == 1
    # A refresh reads the same: the reference ACTIVE, nothing to change.
    stack.refresh("--expect-no-changes")
    world.omics.delete_reference(referenceStoreId=store, id=reference["id"])
    stack.refresh()
    [genome] = stack.resources("ReferenceImportJob")
    assert genome["outputs"]["reference_statuses"] == {"GRCh38": "DELETED"}


def test_yaml_program_imports_a_reference_through_the_provider(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    store = reference_world(world, control)
    world.s3.put_object(Bucket=BUCKET, Key="reads.fq", Body=b"@r\nACGT\n+\nIIII\n")
    program = YamlProgram(tmp_path / "program")
    resources: dict[str, Any] = {"genome": {
        "type": "omics:index:ReferenceImportJob",
        "properties": {"referenceStoreId": store, "roleArn": ROLE_ARN, "references": [
            {"name": "GRCh38", "sourceFile": f"s3://{BUCKET}/genome.fa",
             "tags": {"study": "yaml"}}]}}}
    program.replace_resources(resources, {"arns": "${genome.referenceArns}",
                                          "ids": "${genome.referenceIds}"})
    stack = make_stack(program.directory, {"omics:region": "us-east-1",
                                           "omics:endpoint": world.omics.meta.endpoint_url,
                                           "sequenceStoreId": world.store, "roleArn": ROLE_ARN,
                                           "bucket": BUCKET})
    stack.up()
    [reference] = world.omics.list_references(referenceStoreId=store)["references"]
    assert stack.outputs() == {"arns": {"GRCh38": reference["arn"]},
                               "ids": {"GRCh38": reference["id"]}}

    # A source that is not FASTA fails `up` with the service's message, named in camelCase.
    resources["genome"]["properties"]["references"].append(
        {"name": "notAGenome", "sourceFile": f"s3://{BUCKET}/reads.fq"})
    program.replace_resources(resources, {"arns": "${genome.referenceArns}"})
    failed = stack.up(check=False)
    assert failed.code != 0
    assert (f"reference notAGenome (s3://{BUCKET}/reads.fq): FAILED: s3://{BUCKET}/reads.fq: "
            "not a FASTA file") in failed.output, failed.output
