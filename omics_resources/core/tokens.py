"""Deterministic client tokens.

An interrupted ``pulumi up`` leaves a pending create, and the next ``up`` calls create
again (pulumi issue 11599); an exception in create writes nothing to state either
(issue 15958). So the token a create sends must be the same on every re-run of the
same resource with the same inputs: the service then answers with the job already
running instead of starting a second one.

A job that ended FAILED or CANCELLED must not block a retry after the cause is fixed, so
tokens carry a *generation*: create walks 0, 1, 2 ... past jobs that ended that way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["TokenSeed", "batch_seed", "derive_token"]

_PREFIX = "pulumi"


@dataclass(frozen=True)
class TokenSeed:
    """What identifies one resource's job: where it is declared and what it asks for."""

    project: str
    stack: str
    resource_name: str
    request: Mapping[str, Any]

    def digest(self) -> str:
        """A stable hash of the seed (the request's key order does not matter)."""
        canonical = json.dumps(
            [self.project, self.stack, self.resource_name, self.request],
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def batch_seed(
    scope: Mapping[str, Any], request: Mapping[str, Any], previous_jobs: Sequence[str] = ()
) -> TokenSeed:
    """The seed of one batch job of a many-read-set resource: its scope (project, stack,
    resource name), its request, and the resource's earlier jobs (so a later repair of
    the same read sets gets a new token, while a re-run of this one gets the same)."""
    seeded = dict(request)
    if previous_jobs:
        seeded["previousJobs"] = sorted(previous_jobs)
    return TokenSeed(
        project=str(scope.get("project", "")),
        stack=str(scope.get("stack", "")),
        resource_name=str(scope.get("resource_name", "")),
        request=seeded,
    )


def derive_token(seed: TokenSeed, generation: int = 0) -> str:
    """The client token for ``seed``'s job number ``generation`` (0 for the first try).

    The result is ASCII, 50 to 60 characters: inside the API's 1..127 and its pattern.
    """
    if generation < 0:
        raise ValueError(f"generation must be 0 or more, not {generation}")
    return f"{_PREFIX}-{seed.digest()[:40]}-{generation}"
