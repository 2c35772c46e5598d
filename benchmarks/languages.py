"""The same cohort through the `omics` provider (a Pulumi YAML program) and through the
Python dynamic resource, in one run, against the emulator with HealthOmics' published
limits on.

    python -m benchmarks.languages            # 1,000 samples, jobs of 20 s
    python -m benchmarks.languages --smoke    # 120 samples, jobs of 1 s (CI)

One `pulumi up` each, from an empty stack, of the sources of one sample sheet: the
dynamic CohortImport of tests/e2e/programs/cohort, and a YAML program declaring the same
sources (camelCase) in an `omics:index:CohortImport`. Each in its own store. The goal is
YAML within 1.1x of Python: the provider runs the same core; what differs is the language
host, the plugin and the values' mapping.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from benchmarks.cohort import BUCKET, cohort_world, sizes, stack_for
from benchmarks.report import table
from benchmarks.stacks import CREDENTIALS
from harness.clients import ROLE_ARN, aws_client
from harness.pulumi_cli import PulumiStack
from harness.yaml_program import YamlProgram
from omics_resources.core.cohort.sheets import sources_from_sample_sheet
from omics_resources.provider.names import camel

GOAL = 1.1


def yaml_stack(url: str, root: Path, sheet: Path, store: str) -> PulumiStack:
    """A YAML program of the sheet's cohort, on the emulator."""
    program = YamlProgram(root / "yaml-program")
    sources = [{camel(k): v for k, v in s.items()} for s in sources_from_sample_sheet(str(sheet))]
    program.replace_resources({"cohort": {
        "type": "omics:index:CohortImport",
        "properties": {"sequenceStoreId": "${sequenceStoreId}", "roleArn": "${roleArn}",
                       "sources": sources},
    }}, {"counts": "${cohort.counts}"})
    return PulumiStack(program.directory, root / "yaml",
                       {"omics:region": "us-east-1", "omics:endpoint": url,
                        "sequenceStoreId": store, "roleArn": ROLE_ARN, "bucket": BUCKET},
                       credentials=None, extra_env=dict(CREDENTIALS))


def timed_up(stack: PulumiStack, samples: int) -> float:
    try:
        began = time.monotonic()
        stack.up()
        wall = time.monotonic() - began
        outputs = stack.outputs()
        counts = (outputs.get("cohort") or outputs)["counts"]
        assert counts["imported"] == samples, counts
        return wall
    finally:
        stack.remove()


def main(argv: list[str] | None = None) -> int:
    samples, seconds = sizes(argv, __doc__)
    with cohort_world(samples, seconds) as (emulator, root, sheet):
        omics = aws_client("omics", emulator.url)
        python = stack_for(emulator.url, root, "python", sheet,
                           omics.create_sequence_store(name="python")["id"])
        python_s = timed_up(python, samples)
        yaml_s = timed_up(yaml_stack(emulator.url, root, sheet,
                                     omics.create_sequence_store(name="yaml")["id"]), samples)
    ratio = yaml_s / python_s
    print(f"\n{samples} samples ({math.ceil(samples / 100)} jobs of {seconds:g} s), one "
          f"`pulumi up` each, emulator limits on; goal YAML <= {GOAL:g}x Python\n")
    print(table(["program", "wall s", "x Python"], [
        ["Python, dynamic CohortImport", f"{python_s:.1f}", "1.00"],
        ["YAML, omics:index:CohortImport", f"{yaml_s:.1f}", f"{ratio:.2f}"],
    ]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
