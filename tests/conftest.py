"""Fixtures shared by every test layer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.inputs import activation_props, import_props


@pytest.fixture
def valid_import_props() -> dict[str, Any]:
    """Valid import-job inputs."""
    return import_props()


@pytest.fixture
def valid_activation_props() -> dict[str, Any]:
    """Valid activation-job inputs."""
    return activation_props()
