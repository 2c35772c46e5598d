"""The provider's configuration: ``omics:region``, ``omics:profile``, ``omics:endpoint`` and
the scheduling keys, each the core's setting of the same name.

The core reads its settings by the dynamic providers' stack-config keys (``aws:region``,
``omics-resources:endpoint``, ``omics-resources:maxConcurrentImportJobs`` ...); here each
is the ``omics:`` key named by the part after the colon, so no setting is written twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from omics_resources.core.account.aws import ENDPOINT_CONFIG_KEY
from omics_resources.core.account.scheduling_config import RATE_CONFIG_KEY, SLOT_CONFIG_KEYS

__all__ = ["CONFIG_DOCS", "PACKAGE", "config_getter", "config_key_renames"]

#: The package's name: resource types are ``omics:index:<Type>``, config keys ``omics:<key>``.
PACKAGE = "omics"


def _slot_doc(key: str) -> str:
    """``...:maxConcurrentReferenceImportJobs`` -> its description, so a new job kind's
    slot key needs no line here."""
    words = re.findall(r"[A-Z][a-z]*", key.partition(":maxConcurrent")[2].removesuffix("Jobs"))
    noun = " ".join(w.lower() for w in words)
    return f"How many of this stack's {noun} jobs run at once (default: the service's quota)."


#: Each core setting's key, and what users read about it (schema and docs).
CONFIG_DOCS: Mapping[str, tuple[str, str]] = {
    "aws:region": (
        "string",
        "The AWS Region (else AWS_REGION, AWS_DEFAULT_REGION or the profile's).",
    ),
    "aws:profile": ("string", "The AWS profile to use (else AWS_PROFILE); never credentials."),
    ENDPOINT_CONFIG_KEY: (
        "string",
        "A HealthOmics endpoint URL instead of AWS's (the local emulator, a VPC endpoint); "
        "else AWS_ENDPOINT_URL_OMICS or AWS_ENDPOINT_URL.",
    ),
    RATE_CONFIG_KEY: (
        "any",
        "Requests per second: a number (every quota budget at most that) or an object "
        '{budget: rate} (e.g. {"importJobs": 10} after a quota increase).',
    ),
    **{key: ("integer", _slot_doc(key)) for key in SLOT_CONFIG_KEYS.values()},
}


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
