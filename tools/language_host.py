"""A Python language host for the Pulumi engine: what `pulumi-language-python` does.

Why this exists: the Go module of Pulumi's own Python language host
(github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is not served by the
Go module proxy these machines reach (403 "This module version is not available"), so it
cannot be built here. The CLI itself can. This host speaks the engine's LanguageRuntime
gRPC protocol with the stubs the `pulumi` SDK ships, and runs the program the way the
stock host does: a child Python (the project's virtualenv) that configures the SDK from
the engine's settings and runs `__main__.py` inside the stack. It does what `pulumi up`,
`preview`, `refresh --run-program` and `destroy` need; `pulumi new`, code generation and
packing are not implemented (UNIMPLEMENTED is answered).

Started by the engine as `pulumi-language-python [flags] <engine-address>`; prints its port.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent import futures
from importlib.metadata import version
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format
from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

from omics_resources.dynamic.engine import engine_address, watch_engine

RUNNER = Path(__file__).with_name("run_program.py")
BAIL_EXIT_CODE = 32  # the program already told the user what went wrong


def _version() -> str:
    return version("pulumi")


def program_python(root: str, options: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The interpreter for the program (the project's virtualenv if it names one) and the
    environment changes that go with it."""
    env: dict[str, str] = {}
    venv = options.get("virtualenv")
    if venv:
        path = Path(venv) if os.path.isabs(venv) else Path(root) / venv
        python = path / "bin" / "python"
        if not python.exists():
            raise FileNotFoundError(
                f"The 'virtualenv' option in Pulumi.yaml is set to {venv!r}, but {python} does "
                f"not exist. Create it: python3 -m venv {path} && {path}/bin/pip install -r "
                f"{root}/requirements.txt"
            )
        env["VIRTUAL_ENV"] = str(path)
        env["PATH"] = f"{path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        return str(python), env
    return os.environ.get("PULUMI_PYTHON_CMD", "python3"), env


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    """The LanguageRuntime service for Python programs."""

    def __init__(self, engine_address: str) -> None:
        self.engine_address = engine_address
        self.root_directory = os.getcwd()

    def Handshake(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC names
        if request.engine_address:
            self.engine_address = request.engine_address
        if request.root_directory:
            self.root_directory = request.root_directory
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request: Any, context: Any) -> Any:  # noqa: N802
        return plugin_pb2.PluginInfo(version=_version())

    def GetRequiredPlugins(self, request: Any, context: Any) -> Any:  # noqa: N802
        # Dynamic providers need no plugin download: the engine runs pulumi-resource-pulumi-python.
        return language_pb2.GetRequiredPluginsResponse(plugins=[])

    def GetRequiredPackages(self, request: Any, context: Any) -> Any:  # noqa: N802
        return language_pb2.GetRequiredPackagesResponse(packages=[])

    def GetProgramDependencies(self, request: Any, context: Any) -> Any:  # noqa: N802
        return language_pb2.GetProgramDependenciesResponse(dependencies=[])

    def About(self, request: Any, context: Any) -> Any:  # noqa: N802
        return language_pb2.AboutResponse(executable=sys.executable, version=sys.version.split()[0])

    def RuntimeOptionsPrompts(self, request: Any, context: Any) -> Any:  # noqa: N802
        return language_pb2.RuntimeOptionsResponse(prompts=[])

    def InstallDependencies(self, request: Any, context: Any) -> Any:  # noqa: N802
        # Dependencies are installed by the project's setup script (scripts/setup.sh).
        return iter(())

    def Run(self, request: Any, context: Any) -> Any:  # noqa: N802
        info = request.info
        root = info.root_directory or self.root_directory
        program_dir = info.program_directory or request.pwd or root
        entry = info.entry_point or request.program or "."
        options = json_format.MessageToDict(info.options) if info.HasField("options") else {}
        try:
            command, env_changes = self.command(request, root, program_dir, entry, options)
        except FileNotFoundError as missing:
            return language_pb2.RunResponse(error=str(missing))
        env = {
            **os.environ,
            **env_changes,
            "PULUMI_CONFIG": json.dumps(dict(request.config)),
            "PULUMI_CONFIG_SECRET_KEYS": json.dumps(list(request.configSecretKeys)),
        }
        # The program's stdout and stderr are ours: the engine shows what plugins print.
        code = subprocess.call(command, env=env, cwd=program_dir)  # noqa: S603
        if code == 0:
            return language_pb2.RunResponse()
        if code == BAIL_EXIT_CODE:
            return language_pb2.RunResponse(bail=True)
        return language_pb2.RunResponse(error=f"Program exited with non-zero exit code: {code}")

    def command(
        self, request: Any, root: str, program_dir: str, entry: str, options: dict[str, Any]
    ) -> tuple[list[str], dict[str, str]]:
        """The program's command line and its environment changes (a subclass per language)."""
        python, env_changes = program_python(root, options)
        return [
            python,
            "-u",
            str(RUNNER),
            "--monitor",
            request.monitor_address,
            "--engine",
            self.engine_address,
            "--project",
            request.project,
            "--stack",
            request.stack,
            "--organization",
            request.organization,
            "--root-directory",
            root,
            "--pwd",
            request.pwd or program_dir,
            "--parallel",
            str(request.parallel),
            "--dry-run",
            "true" if request.dryRun else "false",
            str(Path(program_dir) / entry),
        ], env_changes


def main(argv: list[str], host: type[LanguageHost] = LanguageHost) -> None:
    """Serve until the engine goes away; print the port first, as plugins do."""
    address = engine_address(argv) or ""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)],
    )
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(host(address), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    if address:
        watch_engine(address)  # orphaned by a killed CLI: exit, as the stock host does
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        # The engine interrupts its plugins when it is done with them: a normal end.
        server.stop(0)


if __name__ == "__main__":
    main(sys.argv[1:])
