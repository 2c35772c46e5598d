"""A role that is not assumable yet: IAM propagates a new role for some seconds, and a
service that tries to assume it meanwhile refuses the request.

With the behaviour ``freshRoleSeconds`` N (0: off), a Start* naming a ``roleArn`` the
emulator has not seen for N seconds (counted from the first request that named it) is
refused with a ValidationException naming the role; after N seconds it is served. The
service's exact answer is not documented (see docs/emulator.md's deviations).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from omics_resources.emulator.behaviour import Behaviour
from omics_resources.emulator.exceptions import ValidationException

__all__ = ["FreshRoles"]


class FreshRoles:
    """When each role was first named, under the behaviour in force (a new behaviour, as a
    reset or a control call sets, starts the count again)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._first_seen: dict[str, float] = {}
        self._under: Behaviour | None = None
        self._lock = threading.Lock()

    def check(self, operation: str, params: Mapping[str, Any], behaviour: Behaviour) -> None:
        """Refuse ``operation`` if it names a role still fresh under ``behaviour``."""
        role = params.get("roleArn")
        if not (operation.startswith("Start") and isinstance(role, str)):
            return
        with self._lock:
            if behaviour is not self._under:
                self._under, self._first_seen = behaviour, {}
            if behaviour.fresh_role_seconds <= 0:
                return
            now = self._clock()
            first = self._first_seen.setdefault(role, now)
        if now - first < behaviour.fresh_role_seconds:
            raise ValidationException(
                f"Unable to assume role {role}: the service could not assume the role "
                "(check its trust policy; a role just created may take a few seconds to "
                "propagate)"
            )
