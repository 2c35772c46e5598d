"""The core is IaC-neutral: every one of its modules loads in a fresh interpreter without
Pulumi, the emulator's S3 mock, or any front-end."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import omics_resources.core
from omics_resources.core import registry
from tests.support.provider_server import REPO


def core_modules() -> list[str]:
    """Every module of ``omics_resources.core``, found on disk (so a new one is included)."""
    found = pkgutil.walk_packages(omics_resources.core.__path__, "omics_resources.core.")
    return ["omics_resources.core", *sorted(m.name for m in found)]


def test_the_walk_finds_every_resource_behaviour() -> None:
    # The assertion below would pass on an empty walk.
    modules = core_modules()
    for path in registry.BEHAVIOURS.values():
        assert path.partition(":")[0] in modules
    assert len(modules) >= 30


def test_importing_all_of_core_loads_no_pulumi_no_moto_and_no_front_end() -> None:
    modules = core_modules()
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                         text=True, timeout=120, check=True)
    loaded = set(json.loads(run.stdout.splitlines()[-1]))
    assert set(modules) <= loaded  # the walk did load them all
    top = {name.split(".")[0] for name in loaded}
    assert not {"pulumi", "moto", "werkzeug", "grpc", "dill"} & top, sorted(
        {"pulumi", "moto", "werkzeug", "grpc", "dill"} & top)
    ours = {m for m in loaded if m.startswith("omics_resources.")}
    assert {m for m in ours if not m.startswith("omics_resources.core")} == set()


def test_every_resource_type_has_a_behaviour_with_its_field_table() -> None:
    for type_name in registry.BEHAVIOURS:
        behaviour = registry.behaviour(type_name)
        assert behaviour.type_name == type_name
        assert behaviour.fields and behaviour.output_names()
        names = [f.name for f in behaviour.fields]
        assert len(names) == len(set(names)), names
