"""The wheel, installed as a user installs it: built from the package's own files, into a
fresh virtualenv with only its required dependencies (from PyPI or pip's cache), then a
resource checked there. Slow (about 15 s: the install of pulumi, boto3 and their
dependencies), so it is the only test of its kind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from tests.support.bad_inputs import BAD_INPUTS
from tests.support.provider_server import REPO

#: A bad input from the shared matrix: what the user sees first, at preview.
CASE = next(case for case in BAD_INPUTS if case.id == "source1-bucket-uppercase")

#: Runs in the fresh virtualenv (its own interpreter, outside the repository): reads the
#: case on stdin, prints what it found as JSON.
PROBE = """
import importlib.util, json, sys
case = json.load(sys.stdin)
import omics_resources
from omics_resources import ReadSetImportJobProvider
result = ReadSetImportJobProvider().check({}, case["props"])
try:
    import omics_resources.emulator
    emulator_error = None
except ImportError as error:
    emulator_error = str(error)
print(json.dumps({
    "package": omics_resources.__file__,
    "failures": [[f.property, f.reason] for f in result.failures],
    "missing": [m for m in ("moto", "werkzeug", "pytest", "tests")
                if importlib.util.find_spec(m) is None],
    "emulator_error": emulator_error,
}))
"""


def installed_env() -> dict[str, str]:
    """This environment as a user's shell has it: no PYTHONPATH (or other PYTHON* setting)
    that would put a checkout's package ahead of the installed wheel."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def probe(venv: Path, cwd: Path) -> dict[str, object]:
    """Run PROBE in the virtualenv, as a user's program would; what it found."""
    done = subprocess.run([venv / "bin" / "python", "-c", PROBE], cwd=cwd,
                          input=json.dumps(asdict(CASE)), env=installed_env(),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def run(*args: str | Path, cwd: Path) -> str:
    """Run a command (in a user's environment), failing the test with its output if it
    fails."""
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False, env=installed_env())
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built (as pip builds it, in an isolated environment) from a copy of what
    the package is made of, so the build leaves nothing in the working tree."""
    work = tmp_path_factory.mktemp("build")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "omics_resources", source / "omics_resources",
                    ignore=shutil.ignore_patterns("__pycache__"))
    started = time.monotonic()
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", work / "dist",
        source, cwd=work)
    print(f"wheel built in {time.monotonic() - started:.1f} s")
    [built] = (work / "dist").glob("omics_resources-*.whl")
    return built


def test_wheel_holds_the_typed_package_and_declares_the_extra(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        requires = [line.removeprefix("Requires-Dist: ")
                    for line in archive.read(metadata).decode().splitlines()
                    if line.startswith("Requires-Dist: ")]
    assert "omics_resources/py.typed" in names
    assert "omics_resources/emulator/server.py" in names
    assert all(n.startswith(("omics_resources/", "omics_resources-")) for n in names), names
    required = {r.split("==")[0] for r in requires if "extra ==" not in r}
    extra = {r.split("[")[0].split("==")[0] for r in requires if 'extra == "emulator"' in r}
    # msgpack and cryptography: the Terraform provider (cty values, its TLS certificate).
    assert required == {"pulumi", "boto3", "botocore", "regex", "msgpack", "cryptography"}
    assert "omics_resources/terraform/proto/tfplugin6_pb2.py" in names
    assert extra == {"moto", "werkzeug"}


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel and its required dependencies only."""
    started = time.monotonic()
    venv = tmp_path_factory.mktemp("installed") / "venv"
    # No pip inside: this interpreter's pip installs into it (--python), which saves the
    # ensurepip step; .pyc files are not compiled ahead (the probe compiles what it loads).
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv.parent)
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet",
        "--no-compile", wheel, cwd=venv.parent)
    print(f"virtualenv with the wheel in {time.monotonic() - started:.1f} s")
    return venv


def test_installed_wheel_checks_inputs_without_the_emulator(venv: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    found = probe(venv, tmp_path)
    print(f"probe in {time.monotonic() - started:.1f} s")

    assert Path(str(found["package"])).is_relative_to(venv)  # the wheel, not the checkout
    [(path, reason)] = found["failures"]  # type: ignore[misc]
    assert path == CASE.path
    assert CASE.rule in reason
    assert found["missing"] == ["moto", "werkzeug", "pytest", "tests"]
    assert "pip install 'omics-resources[emulator]'" in str(found["emulator_error"])
    assert "moto" in str(found["emulator_error"])


def test_a_pythonpath_to_the_checkout_does_not_leak_into_the_installed_wheel(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 26: run with PYTHONPATH at the checkout (as an IDE or `PYTHONPATH=. pytest`
    sets it), the probe imported the checkout's package and found pytest and tests."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    found = probe(venv, tmp_path)
    assert Path(str(found["package"])).is_relative_to(venv)
    assert found["missing"] == ["moto", "werkzeug", "pytest", "tests"]


def test_installed_wheel_has_the_omics_provider_plugin(wheel: Path, venv: Path) -> None:
    """`pip install omics-resources` puts pulumi-resource-omics on the virtualenv's PATH:
    started as the engine starts it, it serves the schema shipped in the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        assert "omics_resources/provider/schema.json" in archive.namelist()
    plugin = venv / "bin" / "pulumi-resource-omics"
    # The engine passes its address; nothing answers there, so the watch would end the
    # plugin after its first interval: the test is done well before.
    process = subprocess.Popen([plugin, "127.0.0.1:1"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=installed_env())
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), process.stderr.read() if process.stderr else port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            answer = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
    finally:
        process.terminate()
        process.wait(timeout=10)
    served = json.loads(answer.schema)
    assert served == json.loads((REPO / "omics_resources/provider/schema.json").read_text())
