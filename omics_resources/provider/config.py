"""The provider's configuration: ``omics:region``, ``omics:profile``, ``omics:endpoint`` and
the scheduling keys, each the core's setting of the same name.

The core reads its settings by the dynamic providers' stack-config keys (``aws:region``,
``omics-resources:endpoint``, ``omics-resources:maxConcurrentImportJobs`` ...); here each
is the ``omics:`` key named by the part after the colon, so no setting is written twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from omics_resources.core.schema.config import CONFIG_DOCS

__all__ = ["CONFIG_DOCS", "PACKAGE", "config_getter", "config_key_renames"]

#: The package's name: resource types are ``omics:index:<Type>``, config keys ``omics:<key>``.
PACKAGE = "omics"


def _name(core_key: str) -> str:
    return core_key.partition(":")[2]


def config_names() -> dict[str, str]:
    """The provider's config name (``region``) of each core key (``aws:region``)."""
    return {key: _name(key) for key in CONFIG_DOCS}


def config_getter(args: Mapping[str, Any]) -> Callable[[str], Any]:
    """``get(core_key)`` over the provider's configuration ``args`` (``{"region": ...}``)."""
    return lambda core_key: args.get(_name(core_key))


def config_key_renames() -> dict[str, str]:
    """Each core key as users of this provider write it (for messages that name one)."""
    return {key: f"{PACKAGE}:{_name(key)}" for key in CONFIG_DOCS}
