"""The provider block: each core setting (:data:`~omics_resources.core.schema.config.
CONFIG_DOCS`) as the attribute :func:`~omics_resources.terraform.schema.config_key` names
(``region``, ``profile``, ``endpoint``, ``rate``, ``max_concurrent_import_jobs`` ...). Unset
ones fall back to the AWS SDK's chain (``AWS_REGION``, ``AWS_PROFILE``, ``~/.aws/config``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from omics_resources.terraform.schema import config_key

__all__ = ["config_getter"]


def config_getter(config: Mapping[str, Any]) -> Callable[[str], Any]:
    """``get(core_key)`` over the provider block's attributes."""
    return lambda core_key: config.get(config_key(core_key))
