"""``terraform-provider-omics mirror DIR``: this installation as a filesystem mirror, so
``tofu init`` / ``terraform init`` install the provider offline (docs/terraform.md).

The unpacked layout the CLIs read is ``HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/`` holding an
executable named ``terraform-provider-TYPE...``; here that is a two-line wrapper that runs
this installation's console script, so the mirror follows an editable install."""

from __future__ import annotations

import platform
import shutil
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["HOST", "NAMESPACE", "SOURCE", "TYPE", "lay_out", "version"]

HOST = "terraform.local"
NAMESPACE = "omics-resources"
TYPE = "omics"
#: What ``required_providers`` names: ``source = "terraform.local/omics-resources/omics"``.
SOURCE = f"{HOST}/{NAMESPACE}/{TYPE}"
_ARCHES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def version() -> str:
    """The provider's version: the package's."""
    return metadata.version("omics-resources")


def _target() -> str:
    machine = platform.machine().lower()
    return f"{sys.platform.removesuffix('2')}_{_ARCHES.get(machine, machine)}"


def lay_out(directory: Path, executable: str | None = None) -> Path:
    """Write the mirror under ``directory``; the wrapper's path."""
    command = executable or shutil.which("terraform-provider-omics") or sys.argv[0]
    folder = directory / HOST / NAMESPACE / TYPE / version() / _target()
    folder.mkdir(parents=True, exist_ok=True)
    wrapper = folder / f"terraform-provider-{TYPE}_v{version()}"
    wrapper.write_text(f'#!/bin/sh\nexec "{Path(command).resolve()}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper
