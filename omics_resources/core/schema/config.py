"""Every setting a front-end's configuration carries (region, profile, endpoint, the
scheduling limits), by the core's key, with its kind and what users read about it: each
front-end names them its own way (``omics:region``, Terraform's ``region``)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from omics_resources.core.account.aws import ENDPOINT_CONFIG_KEY
from omics_resources.core.account.scheduling_config import RATE_CONFIG_KEY, SLOT_CONFIG_KEYS

__all__ = ["CONFIG_DOCS"]


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
