"""The README's demo command, as a new user runs it: up, a look around, destroy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from tests.support.pulumi_cli import REPO


def demo(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PULUMI_"))}
    env["OMICS_DEMO_STATE"] = str(state)
    return subprocess.run(["bash", "scripts/demo.sh", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def stop_emulator(state: Path) -> None:
    """Stop the demo's emulator as a reboot would, and wait until it is gone (bounded)."""
    pid = int((state / "emulator.pid").read_text())
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"the emulator (pid {pid}) did not stop")


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

        # The emulator goes away (a reboot); the next command restarts it from its state
        # file: the stack is as it was, and a new import still finds the uploaded sources.
        stop_emulator(tmp_path)
        refresh = demo(tmp_path, "pulumi", "refresh", "--yes", "--expect-no-changes")
        assert refresh.returncode == 0, refresh.stdout + refresh.stderr
        assert "emulator running at" in refresh.stderr
        samples = '["NA12878", "NA12891", "NA12892"]'
        assert demo(tmp_path, "pulumi", "config", "set", "samples", samples).returncode == 0
        grown = demo(tmp_path, "pulumi", "up", "--yes")
        assert grown.returncode == 0, grown.stdout + grown.stderr
        outputs = demo(tmp_path, "pulumi", "stack", "output", "--json")
        assert json.loads(outputs.stdout)["importStatus"] == "COMPLETED"
        assert len(json.loads(outputs.stdout)["readSetIds"]) == 6
        # The example's cohort (examples/cohort.csv, on by default against the emulator).
        assert json.loads(outputs.stdout)["cohortCounts"]["imported"] == 8
    finally:
        down = demo(tmp_path, "destroy")
        if not had_config:
            stack_config.unlink(missing_ok=True)
    assert down.returncode == 0, down.stdout + down.stderr
    assert "emulator stopped" in down.stderr
    assert not (tmp_path / "emulator.pid").exists()
