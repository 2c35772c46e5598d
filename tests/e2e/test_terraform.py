"""The Terraform front-end end to end: the OpenTofu built by setup, the provider installed
from a filesystem mirror (init offline), the emulator with its limits on.

One configuration walks the life of a cohort and its active read sets (the issue's "must
show"): a bad input fails the plan at its attribute with no AWS call; apply, then a plan
with no change; two samples added are one job; read sets archived out of band show in the
plan and the apply activates only them; destroy keeps the read sets. Then ``import`` of
every type, a failed create fixed by the next apply, and a 20,000-source cohort's plan
(messages far above gRPC's 4 MiB default)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.clients import ROLE_ARN
from harness.tofu_cli import TofuWorkspace, tofu_executable
from tests.e2e.conftest import BUCKET, World
from tests.support.emulator_control import EmulatorControl

pytestmark = pytest.mark.e2e
START = "StartReadSetImportJob"
ACTIVATE = "StartReadSetActivationJob"
SECRET = "tf-secret-7f3a91"


@pytest.fixture(scope="module", autouse=True)
def tofu_cli() -> str:
    try:
        return tofu_executable()
    except FileNotFoundError as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture
def workspace(tmp_path: Path, emulator_url: str, control: EmulatorControl) -> TofuWorkspace:
    return TofuWorkspace(tmp_path / "tf", emulator_url)


def calls(control: EmulatorControl) -> int:
    return sum(int(n) for n in control.log()["counts"].values())


def rows(world: World, *samples: str) -> list[dict[str, Any]]:
    world.upload(*(f"{s}.fastq" for s in samples))
    return [{"sample": s, "file": f"s3://{BUCKET}/{s}.fastq"} for s in samples]


def cohort_config(world: World) -> str:
    """A cohort from a sample sheet (JSON rows) and the read sets it made, kept active."""
    return f'''
variable "secret_tag" {{
  type      = string
  sensitive = true
  default   = "{SECRET}"
}}

locals {{
  samples = jsondecode(file("samples.json"))
}}

resource "omics_cohort_import" "cohort" {{
  sequence_store_id = "{world.store}"
  role_arn          = "{ROLE_ARN}"
  sources = [for row in local.samples : {{
    source_file_type = "FASTQ"
    source1          = row.file
    subject_id       = "subject"
    sample_id        = row.sample
    tags             = {{ token = var.secret_tag }}
  }}]
}}

resource "omics_active_read_sets" "active" {{
  sequence_store_id = omics_cohort_import.cohort.sequence_store_id
  read_set_ids      = sort(values(omics_cohort_import.cohort.read_set_ids))
}}
'''


def test_a_cohort_and_its_active_read_sets_through_their_life(
    workspace: TofuWorkspace, world: World, control: EmulatorControl
) -> None:
    six = rows(world, *(f"s{i}" for i in range(6)))
    bad = [*six[:2], {"sample": "s2", "file": "s3:/missing-slash/s2.fastq"}, *six[3:]]
    workspace.write(cohort_config(world), samples__json=bad)
    init = workspace.run("init", check=True)
    assert "Installed terraform.local/omics-resources/omics" in init.output

    before = calls(control)
    failed = workspace.run("plan")
    assert failed.code == 1
    assert "sources[2].source1" in failed.output and "s3:/missing-slash" in failed.output
    assert calls(control) == before  # validated offline

    workspace.write(cohort_config(world), samples__json=six)
    applied = workspace.run("apply", "-auto-approve", extra_log=True, check=True)
    assert "Apply complete! Resources: 2 added" in applied.stdout
    assert "omics_cohort_import.omics_cohort_import" in applied.stderr  # progress in the log
    cohort = workspace.state()["omics_cohort_import.cohort"]["values"]
    assert len(cohort["read_set_ids"]) == 6 and cohort["counts"]["imported"] == 6
    assert workspace.run("plan", "-detailed-exitcode").code == 0

    starts = control.count(START)
    workspace.write(cohort_config(world), samples__json=[*six, *rows(world, "s6", "s7")])
    added = workspace.run("apply", "-auto-approve", check=True)
    assert "0 added, 2 changed" in added.stdout  # the cohort, and the read sets kept active
    assert control.count(START) == starts + 1
    assert len(workspace.state()["omics_cohort_import.cohort"]["values"]["read_set_ids"]) == 8

    archived = sorted(workspace.state()["omics_cohort_import.cohort"]["values"]
                      ["read_set_ids"].values())[:2]
    control.archive(world.store, archived)
    drift = workspace.run("plan", "-detailed-exitcode")
    assert drift.code == 2 and "omics_active_read_sets.active will be updated" in drift.stdout
    activations = control.count(ACTIVATE)
    workspace.run("apply", "-auto-approve", check=True)
    assert control.count(ACTIVATE) == activations + 1
    statuses = workspace.state()["omics_active_read_sets.active"]["values"]["read_set_statuses"]
    assert set(statuses.values()) == {"ACTIVE"} and len(statuses) == 8
    assert workspace.run("plan", "-detailed-exitcode").code == 0

    workspace.run("destroy", "-auto-approve", check=True)
    kept = world.omics.list_read_sets(sequenceStoreId=world.store)["readSets"]
    assert len(kept) == 8
    # In no plan, apply or log (`show -json` prints the state's values: Terraform's own).
    for run in workspace.runs:
        if run.args[0] != "show":
            assert SECRET not in run.output, run.args


def test_import_brings_every_type_under_management(
    workspace: TofuWorkspace, world: World, control: EmulatorControl
) -> None:
    sources = rows(world, "i0", "i1")
    workspace.write(cohort_config(world) + f'''
resource "omics_read_set_import_job" "job" {{
  sequence_store_id = "{world.store}"
  role_arn          = "{ROLE_ARN}"
  sources = [{{ source_file_type = "FASTQ", source1 = "{sources[0]["file"]}",
               subject_id = "subject", sample_id = "job" }}]
}}

resource "omics_read_set_activation_job" "activation" {{
  sequence_store_id = "{world.store}"
  read_set_ids      = [omics_read_set_import_job.job.sources[0].read_set_id]
}}
''', samples__json=sources)
    workspace.run("init", check=True)
    workspace.run("apply", "-auto-approve", check=True)
    ids = {address: r["values"]["id"] for address, r in workspace.state().items()}
    assert len(ids) == 4
    for address in ids:
        workspace.run("state", "rm", address, check=True)
    starts = control.count(START)
    for address, id_ in ids.items():
        workspace.run("import", address, id_, check=True)
    assert set(workspace.state()) == set(ids)
    assert control.count(START) == starts  # adopted, nothing started again
    plan = workspace.run("plan", "-detailed-exitcode")
    assert plan.code in (0, 2), plan
    assert "must be replaced" not in plan.stdout


def test_a_failed_row_fixed_is_the_only_one_imported_next(
    workspace: TofuWorkspace, world: World, control: EmulatorControl
) -> None:
    good = rows(world, "t0", "t1", "t2")
    typo = [*good[:2], {"sample": "t2", "file": f"s3://{BUCKET}/t2.fastqq"}]
    workspace.write(cohort_config(world).split('resource "omics_active_read_sets"')[0],
                    samples__json=typo)
    workspace.run("init", check=True)
    first = workspace.run("apply", "-auto-approve")
    assert first.code == 1 and "t2" in first.output
    cohort = workspace.state()["omics_cohort_import.cohort"]
    assert len(cohort["values"]["read_set_ids"]) == 2
    starts = control.count(START)
    workspace.write(cohort_config(world).split('resource "omics_active_read_sets"')[0],
                    samples__json=good)
    workspace.run("apply", "-auto-approve", check=True)
    assert control.count(START) == starts + 1
    values = workspace.state()["omics_cohort_import.cohort"]["values"]
    assert len(values["read_set_ids"]) == 3
    assert len(world.omics.list_read_sets(sequenceStoreId=world.store)["readSets"]) == 3


def test_a_20000_source_cohort_plans_through_the_cli(
    workspace: TofuWorkspace, world: World, control: EmulatorControl
) -> None:
    sheet = [{"sample": f"big{i:05d}", "file": f"s3://{BUCKET}/big{i:05d}.fastq"}
             for i in range(20_000)]
    workspace.write(cohort_config(world).split('resource "omics_active_read_sets"')[0],
                    samples__json=sheet)
    assert len(json.dumps(sheet)) > 1_000_000
    workspace.run("init", check=True)
    before = calls(control)
    plan = workspace.run("plan", "-out=big.plan", check=True)
    assert "Plan: 1 to add" in plan.stdout
    assert calls(control) == before
