"""How the emulator answers where the service's documentation allows more than one reading,
so clients can be tested under each: set at start, changed through the control API, and
back to the start's on reset (as the limits are).

``tokenReuse`` (see :data:`~omics_resources.emulator.jobs.TokenReuse`): what a Start* gets
when its client token already started a job for a different request: ``"refuse"`` (the
default, a 400 ValidationException) or ``"earlier-job"`` (that job, as a retry gets it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from omics_resources.emulator.exceptions import ValidationException
from omics_resources.emulator.jobs import TOKEN_REUSE, TokenReuse

__all__ = ["Behaviour"]


def _not_allowed(key: str, value: Any) -> str:
    return f"{key} must be one of {', '.join(TOKEN_REUSE)}, not {value!r}"


@dataclass(frozen=True)
class Behaviour:
    """The readings in force (snake_case here, camelCase on the control API)."""

    token_reuse: TokenReuse = "refuse"  # noqa: S105 - a policy's name, not a secret

    def __post_init__(self) -> None:
        if self.token_reuse not in TOKEN_REUSE:
            raise ValueError(_not_allowed("token_reuse", self.token_reuse))

    def updated(self, changes: Mapping[str, Any]) -> Behaviour:
        """A copy with the control API's camelCase ``changes`` applied (checked: an
        unknown key or value is a ValidationException naming what is allowed)."""
        unknown = sorted(set(changes) - {"tokenReuse"})
        if unknown:
            raise ValidationException(f"unknown behaviour {', '.join(unknown)} (known: tokenReuse)")
        if "tokenReuse" not in changes:
            return self
        value = changes["tokenReuse"]
        if value not in TOKEN_REUSE:
            raise ValidationException(_not_allowed("tokenReuse", value))
        return replace(self, token_reuse=value)

    def to_wire(self) -> dict[str, Any]:
        """The control API's view."""
        return {"tokenReuse": self.token_reuse}
