"""The real `pulumi` CLI on a real project directory, isolated: its own PULUMI_HOME, a
`file://` backend in a temporary folder, a passphrase secrets provider, no update check,
no plugin downloads, never the user's ~/.pulumi."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
TOOLS_BIN = REPO / ".tools" / "pulumi" / "bin"
PASSPHRASE = "e2e-passphrase"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAE2EFAKEKEY0001",
    "AWS_SECRET_ACCESS_KEY": "e2e-fake-secret-9f8e7d6c5b4a",
    "AWS_SESSION_TOKEN": "e2e-fake-session-token-1a2b3c4d",
}


def pulumi_executable() -> str:
    """The pinned CLI from scripts/setup.sh, or a `pulumi` on PATH; else a clear error."""
    for candidate in (TOOLS_BIN / "pulumi", shutil.which("pulumi")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise FileNotFoundError(
        "the pulumi CLI is not installed: run `bash scripts/setup.sh` (it builds the pinned "
        "CLI from the Go module proxy into .tools/pulumi/bin)"
    )


@dataclass
class Run:
    """What one CLI command did."""

    args: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return f"pulumi {' '.join(self.args)} -> {self.code}\n{self.output}"


@dataclass
class PulumiStack:
    """One stack of one project directory, driven through the CLI."""

    project_dir: Path
    state_dir: Path
    config: dict[str, Any] = field(default_factory=dict)
    credentials: dict[str, str] | None = field(default_factory=lambda: dict(FAKE_CREDENTIALS))
    extra_env: dict[str, str] = field(default_factory=dict)
    name: str = field(default_factory=lambda: f"e2e-{uuid.uuid4().hex[:8]}")

    def __post_init__(self) -> None:
        (self.state_dir / "backend").mkdir(parents=True, exist_ok=True)
        (self.state_dir / "home").mkdir(parents=True, exist_ok=True)
        self.run("stack", "init", self.name, check=True)
        for key, value in self.config.items():
            self.set_config(key, value)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PULUMI_"))}
        env.update(
            # .tools/pulumi/bin holds the CLI and (linked) our plugin shims: the engine
            # prefers plugins next to its binary and warns when PATH has others first.
            PATH=os.pathsep.join([str(TOOLS_BIN), str(REPO / ".venv" / "bin"), env.get("PATH", "")]),
            PULUMI_HOME=str(self.state_dir / "home"),
            PULUMI_BACKEND_URL=f"file://{self.state_dir / 'backend'}",
            PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="true",
            AWS_EC2_METADATA_DISABLED="true",
        )
        env.update(self.credentials or {})
        env.update(self.extra_env)
        return env

    def command(self, *args: str) -> list[str]:
        return [pulumi_executable(), *args, "--non-interactive", "--cwd", str(self.project_dir)]

    def run(self, *args: str, check: bool = False, timeout: float = 600) -> Run:
        """Run one CLI command to its end (bounded by ``timeout``)."""
        done = subprocess.run(self.command(*args), env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)
        result = Run(list(args), done.returncode, done.stdout, done.stderr)
        if check and result.code != 0:
            raise AssertionError(str(result))
        return result

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start a CLI command in its own process group (to interrupt or kill it)."""
        return subprocess.Popen(self.command(*args), env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def set_config(self, key: str, value: Any) -> None:
        """Set one config value (any JSON value) by editing the stack's config file, which is
        what `pulumi config set` does (and much faster than one CLI run per key)."""
        if ":" not in key:
            key = f"{yaml.safe_load((self.project_dir / 'Pulumi.yaml').read_text())['name']}:{key}"
        path = self.project_dir / f"Pulumi.{self.name}.yaml"
        settings = (yaml.safe_load(path.read_text()) if path.exists() else None) or {}
        settings.setdefault("config", {})[key] = value
        path.write_text(yaml.safe_dump(settings))

    def up(self, *extra: str, check: bool = True) -> Run:
        return self.run("up", "--yes", "--skip-preview", "--stack", self.name, *extra, check=check)

    def preview(self, *extra: str, check: bool = False) -> Run:
        return self.run("preview", "--stack", self.name, *extra, check=check)

    def refresh(self, *extra: str, check: bool = True) -> Run:
        return self.run("refresh", "--yes", "--stack", self.name, *extra, check=check)

    def destroy(self, *extra: str, check: bool = True) -> Run:
        return self.run("destroy", "--yes", "--stack", self.name, *extra, check=check)

    def outputs(self) -> dict[str, Any]:
        run = self.run("stack", "output", "--json", "--show-secrets", "--stack", self.name, check=True)
        return dict(json.loads(run.stdout))

    def export(self) -> dict[str, Any]:
        run = self.run("stack", "export", "--show-secrets", "--stack", self.name, check=True)
        return dict(json.loads(run.stdout))

    def resources(self, type_suffix: str) -> list[dict[str, Any]]:
        return [r for r in self.export()["deployment"].get("resources", [])
                if r["type"].endswith(type_suffix)]

    def remove(self) -> None:
        """Forget the stack and its config file (the project directory stays clean)."""
        self.run("stack", "rm", self.name, "--yes", "--force")
        (self.project_dir / f"Pulumi.{self.name}.yaml").unlink(missing_ok=True)


def _state_and_parent(pid: int | str) -> tuple[str, int] | None:
    """A process's state letter and parent pid from /proc, or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The fields after the command (which may hold spaces and parentheses): state, ppid, ...
    state, ppid = stat.rsplit(")", 1)[1].split()[:2]
    return state, int(ppid)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``: the CLI's plugins and program."""
    return [int(entry.name) for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and (_state_and_parent(entry.name) or ("", 0))[1] == pid]


def alive(pid: int) -> bool:
    """Whether ``pid`` is still a running (not zombie) process."""
    found = _state_and_parent(pid)
    return found is not None and found[0] != "Z"


def interrupt(process: subprocess.Popen[str], how: str) -> list[int]:
    """Interrupt a running CLI and return its plugins' pids (each in a process group of its
    own, as the engine starts them). ``sigint``: Ctrl-C to the CLI. ``sigkill``: SIGKILL to
    the CLI and its plugins. ``sigkill-cli``: SIGKILL to the CLI alone, orphaning them."""
    plugins = children(process.pid)
    if how == "sigint":
        process.send_signal(signal.SIGINT)
        return plugins
    os.killpg(process.pid, signal.SIGKILL)
    if how == "sigkill":
        for pid in plugins:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    return plugins
