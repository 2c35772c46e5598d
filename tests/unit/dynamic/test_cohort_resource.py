"""What a program's ``CohortImport`` registers, under Pulumi's unit-test mocks: plain sources
(a sample sheet's) as one packed string, sources that wait on another resource's output as
a list. The program runs in a child process (``python -m
tests.unit.dynamic.test_cohort_resource``): ``set_mocks`` rewires the SDK process-wide."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pulumi

from omics_resources import CohortImport, CohortImportArgs, ReadSetImportSourceArgs
from omics_resources.core.cohort.packing import unpack
from tests.support.cohort import sample_source
from tests.support.inputs import ROLE_ARN, STORE_ID
from tests.support.provider_server import REPO


class _Recording(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.inputs: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.inputs[args.name] = {k: v for k, v in args.inputs.items() if k != "__provider"}
        return f"{args.name}-id", {}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        raise AssertionError(args.token)


def _program() -> dict[str, Any]:
    mocks = _Recording()
    pulumi.runtime.set_mocks(mocks, project="p", stack="s", preview=False)

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> None:
        plain = [ReadSetImportSourceArgs(**sample_source(i)) for i in range(3)]
        CohortImport("plain", CohortImportArgs(sequence_store_id=STORE_ID, role_arn=ROLE_ARN,
                                               sources=plain))
        later = [dict(sample_source(0), source1=pulumi.Output.from_input("s3://b/later.fq"))]
        CohortImport("later", CohortImportArgs(sequence_store_id=STORE_ID, role_arn=ROLE_ARN,
                                               sources=later))

    program()
    return mocks.inputs


def test_plain_sources_are_packed_and_sources_with_outputs_are_not() -> None:
    run = subprocess.run([sys.executable, "-m", "tests.unit.dynamic.test_cohort_resource"],
                         cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    registered = json.loads(run.stdout.splitlines()[-1])
    plain = registered["plain"]["sources"]
    assert isinstance(plain, str)
    assert unpack(plain) == [sample_source(i) for i in range(3)]
    later = registered["later"]["sources"]
    assert isinstance(later, list) and later[0]["source1"] == "s3://b/later.fq"


if __name__ == "__main__":
    print(json.dumps(_program()))
