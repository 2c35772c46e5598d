"""The same cohort through the Terraform front-end (`tofu apply` of an HCL configuration)
and through the Python dynamic resource (`pulumi up`), in one run, against the emulator
with HealthOmics' published limits on.

    python -m benchmarks.terraform            # 1,000 samples, jobs of 20 s
    python -m benchmarks.terraform --smoke    # 120 samples, jobs of 1 s (CI)

From an empty state each, in its own store: the dynamic CohortImport of
tests/e2e/programs/cohort on the sample sheet, and one ``omics_cohort_import`` whose
``sources`` are the same sheet's sources (decoded from a JSON file, so HCL does no per-row
work of its own). The OpenTofu built by setup, the provider from a filesystem mirror, as
docs/terraform.md sets them up; ``tofu init`` is timed apart (one-off, offline), ``tofu
apply -auto-approve`` (plan included) is the figure. The goal is Terraform within 1.1x of
Python: the provider runs the same core; what differs is the CLI, the plugin protocol and
the values' mapping.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from benchmarks.cohort import cohort_world, sizes, stack_for
from benchmarks.languages import GOAL, timed_up
from benchmarks.report import table
from harness.clients import ROLE_ARN, aws_client
from harness.tofu_cli import TofuWorkspace
from omics_resources.core.cohort.sheets import sources_from_sample_sheet

CONFIGURATION = """\
terraform {
  required_providers {
    omics = {
      source = "terraform.local/omics-resources/omics"
    }
  }
}

variable "endpoint" {
  type = string
}

variable "sequence_store_id" {
  type = string
}

variable "role_arn" {
  type = string
}

provider "omics" {
  region   = "us-east-1"
  endpoint = var.endpoint
}

resource "omics_cohort_import" "cohort" {
  sequence_store_id = var.sequence_store_id
  role_arn          = var.role_arn
  sources           = jsondecode(file("${path.module}/sources.json"))
}

output "counts" {
  value = omics_cohort_import.cohort.counts
}
"""


def tofu_workspace(url: str, root: Path, sheet: Path, store: str) -> TofuWorkspace:
    """The HCL configuration of the sheet's cohort, on the emulator, initialised."""
    workspace = TofuWorkspace(root / "tofu", url)
    workspace.write(main__tf=CONFIGURATION,
                    sources__json=sources_from_sample_sheet(str(sheet)))
    workspace.variables(sequence_store_id=store, role_arn=ROLE_ARN)
    return workspace


def timed_apply(workspace: TofuWorkspace, samples: int) -> tuple[float, float]:
    """Seconds of ``tofu init`` and of ``tofu apply`` (which must import every sample)."""
    began = time.monotonic()
    workspace.run("init", check=True)
    init = time.monotonic() - began
    began = time.monotonic()
    workspace.run("apply", "-auto-approve", check=True, timeout=1800)
    wall = time.monotonic() - began
    counts = json.loads(workspace.run("output", "-json", check=True).stdout)["counts"]["value"]
    assert counts["imported"] == samples, counts
    return init, wall


def main(argv: list[str] | None = None) -> int:
    samples, seconds = sizes(argv, __doc__)
    with cohort_world(samples, seconds) as (emulator, root, sheet):
        omics = aws_client("omics", emulator.url)
        python = stack_for(emulator.url, root, "python", sheet,
                           omics.create_sequence_store(name="python")["id"])
        python_s = timed_up(python, samples)
        init_s, tofu_s = timed_apply(
            tofu_workspace(emulator.url, root, sheet,
                           omics.create_sequence_store(name="tofu")["id"]), samples)
    ratio = tofu_s / python_s
    print(f"\n{samples} samples ({math.ceil(samples / 100)} jobs of {seconds:g} s), one "
          f"`pulumi up` vs one `tofu apply -auto-approve` (after a `tofu init` of "
          f"{init_s:.2f} s), emulator limits on; goal Terraform <= {GOAL:g}x Python\n")
    print(table(["program", "wall s", "x Python"], [
        ["Python, dynamic CohortImport", f"{python_s:.1f}", "1.00"],
        ["OpenTofu, omics_cohort_import", f"{tofu_s:.1f}", f"{ratio:.2f}"],
    ]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
