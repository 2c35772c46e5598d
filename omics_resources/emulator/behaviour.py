"""How the emulator answers where the service's documentation allows more than one reading,
so clients can be tested under each: set at start, changed through the control API, and
back to the start's on reset (as the limits are).

``tokenReuse`` (see :data:`~omics_resources.emulator.jobs.TokenReuse`): what a Start* gets
when its client token already started a job for a different request: ``"refuse"`` (the
default, a 400 ValidationException) or ``"earlier-job"`` (that job, as a retry gets it).

``freshRoleSeconds`` (see :mod:`~omics_resources.emulator.roles`): how long a role named
for the first time is refused as not assumable yet (0, the default: never).
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
    fresh_role_seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.token_reuse not in TOKEN_REUSE:
            raise ValueError(_not_allowed("token_reuse", self.token_reuse))
        if self.fresh_role_seconds < 0:
            raise ValueError("fresh_role_seconds must be 0 or more")

    def updated(self, changes: Mapping[str, Any]) -> Behaviour:
        """A copy with the control API's camelCase ``changes`` applied (checked: an
        unknown key or value is a ValidationException naming what is allowed)."""
        unknown = sorted(set(changes) - {"tokenReuse", "freshRoleSeconds"})
        if unknown:
            raise ValidationException(
                f"unknown behaviour {', '.join(unknown)} (known: tokenReuse, freshRoleSeconds)"
            )
        updated = self
        if "tokenReuse" in changes:
            value = changes["tokenReuse"]
            if value not in TOKEN_REUSE:
                raise ValidationException(_not_allowed("tokenReuse", value))
            updated = replace(updated, token_reuse=value)
        if "freshRoleSeconds" in changes:
            seconds = changes["freshRoleSeconds"]
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
                raise ValidationException(
                    f"freshRoleSeconds must be a number of seconds, 0 or more, not {seconds!r}"
                )
            updated = replace(updated, fresh_role_seconds=float(seconds))
        return updated

    def to_wire(self) -> dict[str, Any]:
        """The control API's view (``freshRoleSeconds`` only while it is on)."""
        wire: dict[str, Any] = {"tokenReuse": self.token_reuse}
        if self.fresh_role_seconds:
            wire["freshRoleSeconds"] = self.fresh_role_seconds
        return wire
