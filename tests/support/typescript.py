"""A TypeScript project of examples/typescript as a user has it: the SDK built as `npm run
build` builds it and installed as a package, node_modules from setup's cache."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.support.pulumi_cli import REPO

SDK = REPO / "sdk"
TS_EXAMPLE = REPO / "examples" / "typescript"
#: The npm name the TypeScript SDK is installed as (tools/sdkgen/languages.json).
NPM_NAME = json.loads((REPO / "tools" / "sdkgen" / "languages.json").read_text())[
    "nodejs"]["packageName"]


def setup_tools() -> dict[str, str]:
    """What scripts/setup_sdks.sh made (sdkgen, node_modules, Node 22, the Go caches)."""
    run = subprocess.run(["bash", "scripts/setup_sdks.sh"], cwd=REPO, capture_output=True,
                         text=True, timeout=1200, check=False)
    assert run.returncode == 0, run.stderr
    return dict(line.split("=", 1) for line in run.stdout.splitlines())


def typescript_project(tools: dict[str, str], root: Path) -> Path:
    """``root``/project: examples/typescript with the built SDK installed."""
    node_modules = Path(tools["node_modules"])
    sdk = root / "sdk"
    shutil.copytree(SDK / "nodejs", sdk)
    (sdk / "node_modules").symlink_to(node_modules)
    build = subprocess.run(["node", str(node_modules / "typescript" / "bin" / "tsc"), "-p",
                            str(sdk)], cwd=sdk, capture_output=True, text=True, timeout=900,
                           check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    shutil.copy(sdk / "package.json", sdk / "bin" / "package.json")
    project = root / "project"
    project.mkdir()
    for name in ("index.ts", "tsconfig.json", "package.json", "Pulumi.yaml"):
        shutil.copy(TS_EXAMPLE / name, project / name)
    installed = project / "node_modules"
    installed.mkdir()
    for entry in node_modules.iterdir():
        (installed / entry.name).symlink_to(entry)
    scope, _, name = NPM_NAME.partition("/")
    (installed / scope).mkdir()
    (installed / scope / name).symlink_to(sdk / "bin")
    # The example reads ../cohort.csv, as examples/typescript sits beside it.
    (root / "cohort.csv").symlink_to(REPO / "examples" / "cohort.csv")
    return project
