"""The pinned requirement files install what pyproject declares, at the same versions:
requirements.txt the required dependencies (a user's stack), requirements-dev.txt also the
``emulator`` extra (the tests and the demo run against it)."""

from __future__ import annotations

import tomllib

from tests.support.provider_server import REPO


def pins(name: str) -> set[str]:
    """The requirement lines of one file, following ``-r`` includes."""
    found: set[str] = set()
    for raw in (REPO / name).read_text().splitlines():
        line = raw.split("#")[0].strip()
        if line.startswith("-r "):
            found |= pins(line[3:].strip())
        elif line:
            found.add(line)
    return found


PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_required_dependencies_are_exactly_requirements_txt() -> None:
    assert set(PROJECT["dependencies"]) == pins("requirements.txt")


def test_dev_requirements_include_the_emulator_extra() -> None:
    emulator = set(PROJECT["optional-dependencies"]["emulator"])
    assert {pin.split("[")[0].split("=")[0] for pin in emulator} == {"moto", "werkzeug"}
    assert emulator <= pins("requirements-dev.txt")
    assert not emulator & pins("requirements.txt")
