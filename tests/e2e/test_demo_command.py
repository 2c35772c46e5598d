"""The README's demo command, as a new user runs it: up, a look around, destroy."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.pulumi_cli import REPO


def demo(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PULUMI_"))}
    env["OMICS_DEMO_STATE"] = str(state)
    return subprocess.run(["bash", "scripts/demo.sh", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_demo_up_look_around_destroy(tmp_path: Path) -> None:
    stack_config = REPO / "Pulumi.emulator.yaml"
    had_config = stack_config.exists()
    try:
        up = demo(tmp_path)
        assert up.returncode == 0, up.stdout + up.stderr
        assert "importStatus              COMPLETED" in up.stdout
        assert "activationStatus          COMPLETED" in up.stdout
        assert "bash scripts/demo.sh destroy" in up.stderr
        refresh = demo(tmp_path, "pulumi", "refresh", "--yes", "--expect-no-changes")
        assert refresh.returncode == 0, refresh.stdout + refresh.stderr
    finally:
        down = demo(tmp_path, "destroy")
        if not had_config:
            stack_config.unlink(missing_ok=True)
    assert down.returncode == 0, down.stdout + down.stderr
    assert "emulator stopped" in down.stderr
    assert not (tmp_path / "emulator.pid").exists()
