"""The real OpenTofu CLI (built by scripts/setup_tofu.sh) on a real configuration
directory, isolated: its own CLI config file, whose only installation method is a
filesystem mirror of this checkout's ``terraform-provider-omics`` (so ``init`` is offline,
as docs/terraform.md sets it up), fake AWS
credentials, no checkpoint calls, no prompts. ``OMICS_TF_CLI`` names another binary (a
``terraform`` that a machine happens to have)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.pulumi_cli import FAKE_CREDENTIALS, REPO

__all__ = ["TofuRun", "TofuWorkspace", "tofu_executable"]

TOOLS_BIN = REPO / ".tools" / "tofu" / "bin"
PLUGIN = REPO / ".venv" / "bin" / "terraform-provider-omics"
CLI_CONFIG = REPO / "examples" / "terraform" / "omics.tfrc"
MIRROR_PLACEHOLDER = "/opt/omics-mirror"


def tofu_executable() -> str:
    """The CLI the tests drive: ``OMICS_TF_CLI``, else the pinned OpenTofu from setup."""
    chosen = os.environ.get("OMICS_TF_CLI") or str(TOOLS_BIN / "tofu")
    if Path(chosen).exists() or shutil.which(chosen):
        return chosen
    raise FileNotFoundError(
        "OpenTofu is not installed: run `bash scripts/setup.sh` (it builds the pinned "
        "tofu from the Go module proxy into .tools/tofu/bin)"
    )


@dataclass
class TofuRun:
    """What one CLI command did."""

    args: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return f"tofu {' '.join(self.args)} -> {self.code}\n{self.output}"


@dataclass
class TofuWorkspace:
    """One configuration directory and its local state."""

    directory: Path
    endpoint: str
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Every command run, in order (a test checks what they all printed).
    runs: list[TofuRun] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        mirror = self.directory / "mirror"
        subprocess.run([str(PLUGIN), "mirror", str(mirror)], check=True, capture_output=True)
        # The docs' CLI configuration, with this mirror's path.
        text = CLI_CONFIG.read_text().replace(MIRROR_PLACEHOLDER, str(mirror))
        self.cli_config.write_text(text)

    @property
    def cli_config(self) -> Path:
        return self.directory / "cli.tfrc"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
        env.update(FAKE_CREDENTIALS)
        env.update(
            TF_CLI_CONFIG_FILE=str(self.cli_config),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            CHECKPOINT_DISABLE="1",
        )
        env.update(self.extra_env)
        return env

    def use(self, configuration: Path) -> None:
        """Copy a configuration's ``.tf`` files in (an example of the docs)."""
        for path in configuration.glob("*.tf"):
            shutil.copy(path, self.directory / path.name)

    def write(self, **files: Any) -> None:
        """Files of the configuration, by name with ``__`` for a dot (``samples__csv``);
        a dict or list is written as JSON."""
        for name, content in files.items():
            text = content if isinstance(content, str) else json.dumps(content)
            (self.directory / name.replace("__", ".")).write_text(text)

    def variables(self, **values: str) -> None:
        """``terraform.tfvars``: these values, and the endpoint (the emulator)."""
        lines = [f"{k} = {json.dumps(v)}" for k, v in {"endpoint": self.endpoint, **values}.items()]
        self.write(terraform__tfvars="\n".join(lines) + "\n")

    def run(self, *args: str, check: bool = False, timeout: float = 600,
            extra_log: bool = False) -> TofuRun:
        """``tofu ARGS -no-color`` in the directory (``check``: fail unless it exits 0;
        ``extra_log``: the providers' log at level INFO on stderr)."""
        return self.command(["tofu", *args], check=check, timeout=timeout, extra_log=extra_log)

    def command(self, words: list[str], *, check: bool = False, timeout: float = 600,
                extra_log: bool = False) -> TofuRun:
        """A command line as the docs write it: ``tofu`` is the pinned binary."""
        args = words[1:]
        command = [tofu_executable(), *args]
        if args and args[0] in ("init", "plan", "apply", "destroy", "import", "refresh"):
            command.append("-no-color")
        env = {**self.env, **({"TF_LOG_PROVIDER": "INFO"} if extra_log else {})}
        done = subprocess.run(command, cwd=self.directory, env=env, capture_output=True,
                              text=True, timeout=timeout, check=False)
        run = TofuRun(list(args), done.returncode, done.stdout, done.stderr)
        self.runs.append(run)
        if check and run.code != 0:
            raise AssertionError(str(run))
        return run

    def state(self) -> dict[str, Any]:
        """The resources in the local state, by address, as ``tofu show -json`` has them."""
        shown = json.loads(self.run("show", "-json", check=True).stdout)
        resources = shown.get("values", {}).get("root_module", {}).get("resources", [])
        return {r["address"]: r for r in resources}
