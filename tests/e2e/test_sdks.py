"""The omics provider's TypeScript and Go SDKs (sdk/): generated from the provider's schema
by Pulumi's code generators (tools/sdkgen) and never stale against it, and compiling
against the pinned Pulumi SDKs, from npm and from the Go module proxy, together with the
usage examples in examples/typescript and examples/go.

What runs here is what a user would run: the TypeScript SDK is built with its own
tsconfig (`npm run build`), installed, and the example type-checked against it with
`tsc --noEmit`; the Go SDK and the Go example are built with `go build`. The TypeScript
program runs in tests/e2e/test_typescript_program.py; the Go program does not run here.

scripts/setup_sdks.sh (run by scripts/setup.sh) builds the generator and fills the npm
and Go caches; these tests run it too (a tenth of a second when warm) for its paths, and
build with the Go proxy off, so they never reach the network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.pulumi_cli import REPO
from tests.support.typescript import setup_tools
from tests.support.typescript import typescript_project as support_project

SCHEMA = REPO / "omics_resources" / "provider" / "schema.json"
LANGUAGES = REPO / "tools" / "sdkgen" / "languages.json"
SDK = REPO / "sdk"
TS_EXAMPLE = REPO / "examples" / "typescript"
GO_EXAMPLE = REPO / "examples" / "go"
#: The npm name the TypeScript SDK is installed as (tools/sdkgen/languages.json).
NPM_NAME = json.loads(LANGUAGES.read_text())["nodejs"]["packageName"]
#: setup_pulumi.sh's build flags: Go's build cache then holds most of what the SDK
#: compiles (the Pulumi Go SDK and its dependencies) from building the CLI.
GO_BUILD = ["go", "build", "-trimpath", "-tags", "osusergo,grpcnotrace"]


@pytest.fixture(scope="module")
def tools() -> dict[str, str]:
    """What scripts/setup_sdks.sh made: sdkgen, node_modules and the Go caches, by name."""
    return setup_tools()


def sdkgen(tools: dict[str, str], out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tools["sdkgen"], "-schema", str(SCHEMA), "-languages", str(LANGUAGES),
                           "-out", str(out), *flags], capture_output=True, text=True,
                          timeout=60, check=False)


def go_env(tools: dict[str, str]) -> dict[str, str]:
    """The caches setup filled, the proxy off, no toolchain download, go.sum as committed."""
    return {**os.environ, "GOMODCACHE": tools["gomodcache"], "GOCACHE": tools["gocache"],
            "GOPROXY": "off", "GOFLAGS": "-mod=readonly", "GOTOOLCHAIN": "local",
            "CGO_ENABLED": "0"}


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900, check=False)


# --- generated, and not stale ------------------------------------------------------------


def test_committed_sdks_are_what_the_schema_generates(tools: dict[str, str]) -> None:
    check = sdkgen(tools, SDK, "-check")
    assert check.returncode == 0, check.stderr


def test_a_stale_sdk_is_named_file_by_file_and_regenerating_keeps_the_go_module(
        tools: dict[str, str], tmp_path: Path) -> None:
    sdk = tmp_path / "sdk"
    shutil.copytree(SDK, sdk)
    with (sdk / "nodejs" / "index.ts").open("a") as edited:
        edited.write("// edited by hand\n")
    removed = next((sdk / "go").glob("*/init.go"))
    removed.unlink()
    (sdk / "nodejs" / "extra.ts").write_text("export {};\n")

    check = sdkgen(tools, sdk, "-check")
    assert check.returncode == 1
    assert "the SDKs in" in check.stderr and "are stale against" in check.stderr
    named = {line.strip() for line in check.stderr.splitlines()[1:]}
    assert named == {"differs: nodejs/index.ts",
                     f"missing: {removed.relative_to(sdk).as_posix()}",
                     "not generated: nodejs/extra.ts"}

    written = sdkgen(tools, sdk)
    assert written.returncode == 0, written.stderr
    assert sdkgen(tools, sdk, "-check").returncode == 0
    assert not (sdk / "nodejs" / "extra.ts").exists()
    for kept in ("go.mod", "go.sum"):  # the hand-kept module files beside the generated code
        assert (sdk / "go" / kept).read_bytes() == (SDK / "go" / kept).read_bytes()


# --- TypeScript ----------------------------------------------------------------------------


def test_typescript_sdk_pins_what_the_example_installs() -> None:
    """The example's lock (what setup installs, and what the tests compile with) holds the
    versions the SDK's package.json asks for, so the SDK is built against its own pins."""
    sdk = json.loads((SDK / "nodejs" / "package.json").read_text())
    example = json.loads((TS_EXAMPLE / "package.json").read_text())
    lock = json.loads((TS_EXAMPLE / "package-lock.json").read_text())["packages"]
    wanted = {**sdk["dependencies"], **sdk["devDependencies"]}
    assert wanted == {**example["dependencies"], **example["devDependencies"]}
    assert {name: lock[f"node_modules/{name}"]["version"] for name in wanted} == wanted


@pytest.fixture(scope="module")
def typescript_project(tools: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/typescript with the SDK built and installed (tests/support)."""
    return support_project(tools, tmp_path_factory.mktemp("typescript"))


def tsc(tools: dict[str, str], project: Path) -> subprocess.CompletedProcess[str]:
    tsc_js = Path(tools["node_modules"]) / "typescript" / "bin" / "tsc"
    return run(["node", str(tsc_js), "--noEmit", "-p", str(project)], project)


def test_typescript_example_type_checks_against_the_built_sdk(
        tools: dict[str, str], typescript_project: Path) -> None:
    checked = tsc(tools, typescript_project)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_typescript_type_check_catches_a_misspelt_input(
        tools: dict[str, str], typescript_project: Path, tmp_path: Path) -> None:
    """The example is checked against the SDK's types, not `any`: a misspelt input fails."""
    project = tmp_path / "project"
    shutil.copytree(typescript_project, project, symlinks=True)
    index = project / "index.ts"
    assert index.read_text().count("roleArn:") == 1
    index.write_text(index.read_text().replace("roleArn:", "roleARN:"))
    checked = tsc(tools, project)
    assert checked.returncode != 0
    assert "index.ts" in checked.stdout and "'roleARN'" in checked.stdout, checked.stdout


# --- Go ------------------------------------------------------------------------------------


def test_go_sdk_builds(tools: dict[str, str]) -> None:
    built = run([*GO_BUILD, "./..."], SDK / "go", go_env(tools))
    assert built.returncode == 0, built.stderr


def test_go_example_builds_against_the_sdk(tools: dict[str, str], tmp_path: Path) -> None:
    built = run([*GO_BUILD, "-o", str(tmp_path / "example"), "."], GO_EXAMPLE, go_env(tools))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "example").stat().st_size > 0


def test_go_build_catches_a_misspelt_input(tools: dict[str, str], tmp_path: Path) -> None:
    """The same build with main.go overlaid by a copy whose RoleArn is misspelt fails."""
    source = (GO_EXAMPLE / "main.go").read_text()
    assert source.count("RoleArn:") == 1
    misspelt = tmp_path / "main.go"
    misspelt.write_text(source.replace("RoleArn:", "RoleARN:"))
    overlay = tmp_path / "overlay.json"
    overlay.write_text(json.dumps({"Replace": {str(GO_EXAMPLE / "main.go"): str(misspelt)}}))
    built = run([*GO_BUILD, f"-overlay={overlay}", "-o", str(tmp_path / "example"), "."],
                GO_EXAMPLE, go_env(tools))
    assert built.returncode != 0
    assert "unknown field RoleARN" in built.stderr, built.stderr


# --- the example projects ------------------------------------------------------------------


@pytest.mark.parametrize(("example", "runtime"), [(TS_EXAMPLE, "nodejs"), (GO_EXAMPLE, "go")])
def test_example_project_names_its_runtime_and_the_provider_plugin(example: Path, runtime: str) -> None:
    """The project's Pulumi.yaml finds `pulumi-resource-omics` by its plugins entry, as
    docs/languages.md says (the engine would run it from there)."""
    project = yaml.safe_load((example / "Pulumi.yaml").read_text())
    assert project["runtime"] == runtime
    [entry] = project["plugins"]["providers"]
    assert entry["name"] == "omics"
    plugin = (example / entry["path"] / "pulumi-resource-omics").resolve()
    assert plugin.is_file() and os.access(plugin, os.X_OK), plugin
