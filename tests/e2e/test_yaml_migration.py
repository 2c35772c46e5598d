"""Moving a stack from the dynamic CohortImport (a Python program) to the `omics` provider
(here a YAML program), as docs/languages.md tells it: the same project and stack, the
resource declared with the same name and an alias to its old URN. Nothing is imported
again, nothing replaced; a refresh rewrites the state in the provider's names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from harness.yaml_program import YamlProgram
from omics_resources.core.cohort.sheets import sources_from_sample_sheet
from omics_resources.provider.names import camel
from tests.e2e.conftest import START, World
from tests.e2e.test_cohort import PROGRAM, cohort_stack, sample_sheet
from tests.e2e.test_yaml_provider import COHORT, omics_calls
from tests.support.cohort import read_sets_by_sample
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import PulumiStack
from tests.support.scenario import ROLE_ARN

#: The type of the dynamic CohortImport in a URN.
DYNAMIC_TYPE = "pulumi-python:dynamic/omics:CohortImport"


def test_dynamic_cohort_moves_to_the_provider_without_a_second_import(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    world.upload(*(f"S{i}.fq" for i in range(12)))
    sheet = sample_sheet(tmp_path / "cohort.csv", 12)
    stack = cohort_stack(make_stack, world, sheet)
    stack.up()
    [job] = control.new_jobs(START)
    before = read_sets_by_sample(world.omics, world.store)
    old_urn = next(r["urn"] for r in stack.export()["deployment"]["resources"]
                   if r["type"] == DYNAMIC_TYPE)

    # The same project name and stack, now a YAML program: the cohort under the same name,
    # its sources as the sheet gives them (camelCase), aliased to the old URN.
    program = YamlProgram(tmp_path / "yaml")
    program.program["name"] = yaml.safe_load((PROGRAM / "Pulumi.yaml").read_text())["name"]
    sources = [{camel(k): v for k, v in s.items()} for s in sources_from_sample_sheet(sheet)]
    program.replace_resources({"cohort": {
        "type": COHORT,
        "properties": {"sequenceStoreId": "${sequenceStoreId}", "roleArn": "${roleArn}",
                       "sources": sources},
        "options": {"aliases": [old_urn]},
    }}, {"readSetIds": "${cohort.readSetIds}"})
    config = stack.project_dir / f"Pulumi.{stack.name}.yaml"
    (program.directory / config.name).write_text(config.read_text())
    stack.project_dir = program.directory
    stack.set_config("omics:endpoint", world.omics.meta.endpoint_url)
    stack.set_config("omics:region", "us-east-1")
    stack.set_config("sequenceStoreId", world.store)
    stack.set_config("roleArn", ROLE_ARN)
    stack.set_config("bucket", "unused")

    calls = omics_calls(control)
    preview = stack.preview("--expect-no-changes")
    assert preview.code == 0, preview.output
    assert omics_calls(control) == calls
    stack.up("--expect-no-changes")
    stack.refresh()  # the state in the provider's names from here on
    [moved] = [r for r in stack.export()["deployment"]["resources"] if r["type"] == COHORT]
    assert set(moved["outputs"]["readSetIds"]) == set(before)
    assert "read_set_ids" not in moved["outputs"]
    assert "__provider" not in moved["outputs"]  # no pickled provider in state any more
    stack.preview("--expect-no-changes", check=True)
    assert control.new_jobs(START) == [job]
    assert read_sets_by_sample(world.omics, world.store) == before

