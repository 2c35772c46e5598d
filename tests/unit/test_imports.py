"""The emulator/provider boundary holds at import time, not only in the source: each side
loads in a fresh interpreter without the other's dependencies."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import omics_resources
from tests.support.provider_server import REPO


def loaded_after(statement: str) -> set[str]:
    """Every module a fresh interpreter has loaded after running ``statement``."""
    script = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                         text=True, timeout=120, check=True)
    return set(json.loads(run.stdout.splitlines()[-1]))


def top_level(modules: set[str]) -> set[str]:
    """The distributions' top-level packages among ``modules``."""
    return {name.split(".")[0] for name in modules}


def test_the_emulator_loads_no_pulumi_and_no_provider_code() -> None:
    loaded = loaded_after("import omics_resources.emulator")
    packages = top_level(loaded)
    assert {"moto", "werkzeug"} <= packages  # the emulator itself did load
    assert not {"pulumi", "dill", "grpc"} & packages
    ours = {m for m in loaded if m.startswith("omics_resources.")}
    assert {m for m in ours if not m.startswith("omics_resources.emulator")} == {
        "omics_resources.core",  # the package, on the way to its service model
        "omics_resources.core.service_model",
    }


@pytest.mark.parametrize("statement", [
    "from omics_resources import ReadSetImportJob, ReadSetActivationJob",
    "from omics_resources import ReadSetImportJobProvider, OmicsResourceError",
    "import omics_resources.dynamic.provider_host",
])
def test_the_resources_load_no_emulator_dependency(statement: str) -> None:
    loaded = loaded_after(statement)
    assert not {"moto", "werkzeug", "flask", "responses"} & top_level(loaded)
    assert not any(m.startswith("omics_resources.emulator") for m in loaded)


def test_a_resource_import_loads_the_sdk() -> None:
    # The negative tests above would pass if nothing loaded at all.
    assert "pulumi.dynamic" in loaded_after("from omics_resources import ReadSetImportJob")


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in omics_resources.__all__:
        value = getattr(omics_resources, name)
        assert value.__name__ == name
        assert value.__doc__
    assert set(dir(omics_resources)) >= set(omics_resources.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="ReadSetExportJob"):
        _ = omics_resources.ReadSetExportJob  # type: ignore[attr-defined]
    with pytest.raises(ImportError, match="ReadSetExportJob"):
        exec("from omics_resources import ReadSetExportJob", {})


def test_the_package_is_typed() -> None:
    assert (REPO / "omics_resources" / "py.typed").is_file()
