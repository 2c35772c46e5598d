"""End-to-end fixtures: the emulator, and stacks of real project directories driven by the
pinned `pulumi` CLI (see tests/support/pulumi_cli.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import REPO, PulumiStack, pulumi_executable

EXAMPLE = REPO
JOBS_PROGRAM = Path(__file__).parent / "programs" / "jobs"


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
                    **(config or {})}
        stack = PulumiStack(project, tmp_path / f"pulumi-{len(made)}", settings, **kwargs)
        made.append(stack)
        return stack

    yield make
    for stack in made:
        stack.remove()
