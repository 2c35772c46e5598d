"""End-to-end fixtures: the emulator, a world (a store and a bucket in it), and stacks of
real project directories driven by the pinned `pulumi` CLI (see tests/support/pulumi_cli.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import REPO, PulumiStack, pulumi_executable
from tests.support.scenario import ROLE_ARN, aws_client

EXAMPLE = REPO
JOBS_PROGRAM = Path(__file__).parent / "programs" / "jobs"
START = "StartReadSetImportJob"
BUCKET = "omics-e2e-sources"


class World:
    """A sequence store and a bucket in the emulator, and import-job inputs for them."""

    def __init__(self, url: str) -> None:
        self.omics = aws_client("omics", url)
        self.s3 = aws_client("s3", url)
        self.store = self.omics.create_sequence_store(name="e2e")["id"]
        self.s3.create_bucket(Bucket=BUCKET)

    def upload(self, *keys: str) -> None:
        for key in keys:
            self.s3.put_object(Bucket=BUCKET, Key=key, Body=f"@{key}/1\nACGT\n+\nIIII\n".encode())

    def job(self, name: str, *keys: str, **settings: Any) -> dict[str, Any]:
        sources = [{"source_file_type": "FASTQ", "source1": f"s3://{BUCKET}/{key}",
                    "subject_id": "subject", "sample_id": key.split(".")[0]} for key in keys]
        return {"name": name, "props": {"sequence_store_id": self.store, "role_arn": ROLE_ARN,
                                        "sources": sources, **settings}}


def wait_until(condition: Callable[[], bool], process: Any, timeout: float = 60) -> None:
    """Wait for ``condition`` while ``process`` runs (its output is shown if it ends first)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"pulumi ended early:\n{process.stdout.read()}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def world(emulator_url: str, control: EmulatorControl) -> World:
    return World(emulator_url)


def jobs_stack(make_stack: Callable[..., PulumiStack], *imports: dict[str, Any],
               **kwargs: Any) -> PulumiStack:
    return make_stack(JOBS_PROGRAM, {"imports": list(imports)}, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def pulumi_cli() -> str:
    """The pinned CLI; the e2e tests fail with what to install when it is missing."""
    try:
        return pulumi_executable()
    except FileNotFoundError as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture
def make_stack(
    tmp_path: Path, emulator_url: str, control: EmulatorControl
) -> Iterator[Callable[..., PulumiStack]]:
    """Build stacks of a project directory pointed at the emulator; removed afterwards."""
    made: list[PulumiStack] = []

    def make(project: Path = EXAMPLE, config: dict[str, Any] | None = None,
             **kwargs: Any) -> PulumiStack:
        settings = {"aws:region": "us-east-1", "omics-resources:endpoint": emulator_url,
                    # The example's job resources are what these tests count; the example's
                    # cohort (on by default) has its own test in test_cohort.py.
                    **({"cohort": False} if project == EXAMPLE else {}),
                    **(config or {})}
        stack = PulumiStack(project, tmp_path / f"pulumi-{len(made)}", settings, **kwargs)
        made.append(stack)
        return stack

    yield make
    for stack in made:
        stack.remove()
