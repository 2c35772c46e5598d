"""How a cohort knows its own jobs and read sets when its state does not.

A failed or interrupted ``pulumi up`` writes nothing to the state (a failed create writes
no state at all), yet its jobs may have imported read sets. So every source a cohort sends
to StartReadSetImportJob carries one tag of ours, :data:`COHORT_TAG`, whose value names
the cohort and the batch: ``<cohort hash>:<batch id>``. The cohort hash is a digest of
project, stack and resource name (the same one its resource id ends with), so another
stack's cohort in the same store, even with the same sample names, never matches.

The service copies the tag onto each read set (visible with ListTagsForResource) and
echoes it in ``GetReadSetImportJob``'s sources, which is where discovery
(:mod:`omics_resources.core.cohort.discovery`) reads it. The tag is ours alone: it is not
in the ``tags`` a user declares, so re-tagging never touches it, and it does not count in
a source's import signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

__all__ = [
    "ANY_ROLE_LOOKBACK",
    "COHORT_TAG",
    "LOOKBACK",
    "batch_of",
    "cohort_hash",
    "tagged",
    "user_tags",
]

#: The tag key every cohort source carries (its value: ``<cohort hash>:<batch id>``).
COHORT_TAG: Final = "omics-resources:cohort"
_HASH_CHARS: Final = 12
#: How far back a cohort with no state looks for its jobs (an earlier failed or
#: interrupted create of the same cohort; an update looks back to its newest job).
LOOKBACK: Final = timedelta(days=30)
#: How far back such a create reads jobs of any role, not only of its own (a role changed
#: since the failed run: the state that would have named the old one is lost or was never
#: written). Older jobs cost a Get only with the cohort's role.
ANY_ROLE_LOOKBACK: Final = timedelta(days=1)


def cohort_hash(scope: Any) -> str:
    """The cohort's identity: a digest of the project, stack and resource name in
    ``scope`` (what the front-end passes in, see ``SCOPE_PROPERTY``)."""
    scope = scope if isinstance(scope, Mapping) else {}
    canonical = json.dumps([scope.get(k) for k in ("project", "stack", "resource_name")])
    return hashlib.sha256(canonical.encode()).hexdigest()[:_HASH_CHARS]


def tagged(source: Mapping[str, Any], cohort: str, batch: str) -> dict[str, Any]:
    """``source`` (snake_case props) with the cohort's tag for ``batch`` among its tags."""
    tags = dict(source.get("tags") or {})
    tags[COHORT_TAG] = f"{cohort}:{batch}"
    return {**source, "tags": tags}


def batch_of(tags: Any, cohort: str) -> str | None:
    """The batch id that ``tags`` (a job source's or read set's) put it in, if the tags
    are this cohort's; None for anything else (another cohort's, or untagged)."""
    value = tags.get(COHORT_TAG) if isinstance(tags, Mapping) else None
    if not isinstance(value, str):
        return None
    owner, sep, batch = value.partition(":")
    return batch if sep and owner == cohort and batch.isdigit() else None


def user_tags(tags: Any) -> dict[str, str]:
    """``tags`` without ours: what the user declared."""
    if not isinstance(tags, Mapping):
        return {}
    return {str(k): str(v) for k, v in tags.items() if k != COHORT_TAG}
