"""The Terraform front-end end to end: the OpenTofu built by setup, the provider installed
from a filesystem mirror (init offline), the emulator with its limits on.

The README's configuration (examples/terraform/main.tf) walks the life of a cohort and
its active read sets (the issue's "must show"): a bad input fails the plan at its attribute with no AWS call; apply, then a plan
with no change; two samples added are one job; read sets archived out of band show in the
plan and the apply activates only them; destroy keeps the read sets. Then ``import`` of
every type, a failed create fixed by the next apply, and a 20,000-source cohort's plan
(messages far above gRPC's 4 MiB default)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from harness.clients import ROLE_ARN
from harness.pulumi_cli import REPO
from harness.tofu_cli import TofuRun, TofuWorkspace, tofu_executable
from tests.e2e.conftest import BUCKET, World
from tests.support.emulator_control import EmulatorControl

pytestmark = pytest.mark.e2e
START = "StartReadSetImportJob"
ACTIVATE = "StartReadSetActivationJob"
SECRET = "tf-secret-7f3a91"
EXAMPLE = REPO / "examples" / "terraform"


@pytest.fixture(scope="module", autouse=True)
def tofu_cli() -> str:
    try:
        return tofu_executable()
    except FileNotFoundError as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture
def workspace(tmp_path: Path, world: World, emulator_url: str) -> TofuWorkspace:
    """The example configuration, its variables pointing at the world's store."""
    workspace = TofuWorkspace(tmp_path / "tf", emulator_url)
    workspace.use(EXAMPLE)
    workspace.variables(sequence_store_id=world.store, role_arn=ROLE_ARN, study_tag=SECRET)
    return workspace


def tofu(workspace: TofuWorkspace, *args: str, check: bool = False,
         extra_log: bool = False) -> TofuRun:
    """``tofu ARGS`` as docs/terraform.md writes it, in ``workspace``."""
    return workspace.command(["tofu", *args], check=check, extra_log=extra_log)


def calls(control: EmulatorControl) -> int:
    return sum(int(n) for n in control.log()["counts"].values())


def sheet(world: World, *samples: str, upload: bool = True, **files: str) -> str:
    """samples.csv for ``samples`` (their files uploaded); ``files`` overrides a sample's r1."""
    if upload:
        world.upload(*(f"{s}.fastq" for s in samples))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sample", "subject", "r1"])
    for s in samples:
        writer.writerow([s, "subject", files.get(s, f"s3://{BUCKET}/{s}.fastq")])
    return out.getvalue()


def read_set_ids(workspace: TofuWorkspace) -> dict[str, str]:
    return dict(workspace.state()["omics_cohort_import.cohort"]["values"]["read_set_ids"])


def test_a_cohort_and_its_active_read_sets_through_their_life(
    workspace: TofuWorkspace, world: World, control: EmulatorControl
) -> None:
    six = [f"s{i}" for i in range(6)]
    workspace.write(samples__csv=sheet(world, *six, s2="s3:/missing-slash/s2.fastq"))
    init = tofu(workspace, "init", check=True)
    assert "Installed terraform.local/omics-resources/omics" in init.output

    before = calls(control)
    failed = tofu(workspace, "plan")
    assert failed.code == 1
    assert "sources[2].source1" in failed.output and "s3:/missing-slash" in failed.output
    assert calls(control) == before  # validated offline

    workspace.write(samples__csv=sheet(world, *six))
    applied = tofu(workspace, "apply", "-auto-approve", extra_log=True, check=True)
    assert "Apply complete! Resources: 2 added" in applied.stdout
    assert "omics_cohort_import.omics_cohort_import" in applied.stderr  # progress in the log
    cohort = workspace.state()["omics_cohort_import.cohort"]["values"]
    assert len(cohort["read_set_ids"]) == 6 and cohort["counts"]["imported"] == 6
    assert tofu(workspace, "plan", "-detailed-exitcode").code == 0

    starts = control.count(START)
    workspace.write(samples__csv=sheet(world, *six, "s6", "s7"))
    added = tofu(workspace, "apply", "-auto-approve", check=True)
    assert "0 added, 2 changed" in added.stdout  # the cohort, and the read sets kept active
    assert control.count(START) == starts + 1
    assert len(read_set_ids(workspace)) == 8

    archived = sorted(read_set_ids(workspace).values())[:2]
    control.archive(world.store, archived)
    drift = tofu(workspace, "plan", "-detailed-exitcode")
    assert drift.code == 2 and "omics_active_read_sets.active will be updated" in drift.stdout
    activations = control.count(ACTIVATE)
    tofu(workspace, "apply", "-auto-approve", check=True)
    assert control.count(ACTIVATE) == activations + 1
    statuses = workspace.state()["omics_active_read_sets.active"]["values"]["read_set_statuses"]
    assert set(statuses.values()) == {"ACTIVE"} and len(statuses) == 8
    assert tofu(workspace, "plan", "-detailed-exitcode").code == 0

    tofu(workspace, "destroy", "-auto-approve", check=True)
    kept = world.omics.list_read_sets(sequenceStoreId=world.store)["readSets"]
    assert len(kept) == 8
    # In no plan, apply or log (`show -json` prints the state's values: Terraform's own).
    for run in workspace.runs:
        if run.args[0] != "show":
            assert SECRET not in run.output, run.args


def test_import_adopts_every_type(
    workspace: TofuWorkspace, world: World, control: EmulatorControl
) -> None:
    workspace.write(samples__csv=sheet(world, "i0", "i1"), jobs__tf=f'''
resource "omics_read_set_import_job" "job" {{
  sequence_store_id = var.sequence_store_id
  role_arn          = var.role_arn
  sources = [{{ source_file_type = "FASTQ", source1 = "s3://{BUCKET}/i0.fastq",
               subject_id = "subject", sample_id = "job" }}]
}}

resource "omics_read_set_activation_job" "activation" {{
  sequence_store_id = var.sequence_store_id
  read_set_ids      = [omics_read_set_import_job.job.sources[0].read_set_id]
}}
''')
    tofu(workspace, "init", check=True)
    tofu(workspace, "apply", "-auto-approve", check=True)
    ids = {address: r["values"]["id"] for address, r in workspace.state().items()}
    assert len(ids) == 4
    cohort_read_sets = sorted(read_set_ids(workspace).values())
    for address in ids:
        tofu(workspace, "state", "rm", address, check=True)
    starts = control.count(START)
    # Each by its id; the read sets kept active by their store and read sets.
    given = {**ids, "omics_active_read_sets.active": f"{world.store}/{','.join(cohort_read_sets)}"}
    for address, id_ in given.items():
        tofu(workspace, "import", address, id_, check=True)
    assert set(workspace.state()) == set(ids)
    assert control.count(START) == starts  # adopted, nothing started again
    assert sorted(read_set_ids(workspace).values()) == cohort_read_sets
    plan = tofu(workspace, "plan", "-detailed-exitcode")
    assert plan.code == 0, plan  # the imported objects are what the configuration says


def test_a_failed_row_fixed_is_the_only_one_imported_next(
    workspace: TofuWorkspace, world: World, control: EmulatorControl
) -> None:
    samples = ("t0", "t1", "t2")
    workspace.write(samples__csv=sheet(world, *samples, t2=f"s3://{BUCKET}/t2.fastqq"))
    tofu(workspace, "init", check=True)
    first = tofu(workspace, "apply", "-auto-approve")
    assert first.code == 1 and "t2" in first.output
    assert len(read_set_ids(workspace)) == 2  # the partial create is recorded
    starts = control.count(START)
    workspace.write(samples__csv=sheet(world, *samples))
    tofu(workspace, "apply", "-auto-approve", check=True)
    assert control.count(START) == starts + 1
    assert len(read_set_ids(workspace)) == 3
    assert len(world.omics.list_read_sets(sequenceStoreId=world.store)["readSets"]) == 3


def test_a_20000_source_cohort_plans_through_the_cli(
    workspace: TofuWorkspace, world: World, control: EmulatorControl
) -> None:
    samples = [f"big{i:05d}" for i in range(20_000)]
    # Without the sensitive tag on every row: the CLI's own handling of 20,000 marked
    # values takes minutes (docs/terraform.md, "Limits").
    main_tf = (EXAMPLE / "main.tf").read_text()
    workspace.write(main__tf=main_tf.replace("    tags             = { study = var.study_tag }\n", ""),
                    samples__csv=sheet(world, *samples, upload=False))
    tofu(workspace, "init", check=True)
    before = calls(control)
    plan = tofu(workspace, "plan", "-out=big.plan", check=True)
    assert "Plan: 2 to add" in plan.stdout
    assert calls(control) == before
