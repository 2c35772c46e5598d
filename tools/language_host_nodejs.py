"""A Node.js language host for the Pulumi engine, to `pulumi-language-nodejs`'s contract.

Test infrastructure for these machines (Pulumi's own host is not served by the Go module
proxy they reach); users keep Pulumi's. The LanguageRuntime service is
tools/language_host.py's; only the program's command differs: `node` runs the
`@pulumi/pulumi/cmd/run` the program's folder resolves, with the engine's settings as
flags, `PULUMI_CONFIG` and `PULUMI_CONFIG_SECRET_KEYS`, and TypeScript on (ts-node, as
Pulumi's host does by default). Exit code 32 means the program already reported its error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from language_host import LanguageHost, main

#: The Node.js 22 that scripts/setup_sdks.sh links (else PULUMI_NODEJS_CMD, or node on PATH).
NODE = Path(__file__).resolve().parents[1] / ".tools" / "node" / "bin" / "node"


def run_script(program_dir: str) -> Path:
    """``@pulumi/pulumi/cmd/run`` as Node resolves it from ``program_dir`` (its
    node_modules, then each parent's)."""
    for folder in (Path(program_dir), *Path(program_dir).parents):
        script = folder / "node_modules" / "@pulumi" / "pulumi" / "cmd" / "run" / "index.js"
        if script.exists():
            return script
    raise FileNotFoundError(
        f"@pulumi/pulumi is not installed for {program_dir}: run `npm install` there"
    )


class NodeLanguageHost(LanguageHost):
    """The LanguageRuntime service for Node.js programs."""

    def command(
        self, request: Any, root: str, program_dir: str, entry: str, options: dict[str, Any]
    ) -> tuple[list[str], dict[str, str]]:
        node = os.environ.get("PULUMI_NODEJS_CMD") or (
            str(NODE) if NODE.exists() else "node"
        )
        command = [
            node,
            str(run_script(program_dir)),
            "--monitor", request.monitor_address,
            "--engine", self.engine_address,
            "--project", request.project,
            "--stack", request.stack,
            "--organization", request.organization,
            "--root-directory", root,
            "--pwd", request.pwd or program_dir,
            "--parallel", str(request.parallel),
        ]
        if request.dryRun:
            command.append("--dry-run")
        command.append(entry)
        return command, {"PULUMI_NODEJS_TYPESCRIPT": "true"}


if __name__ == "__main__":
    main(sys.argv[1:], NodeLanguageHost)
