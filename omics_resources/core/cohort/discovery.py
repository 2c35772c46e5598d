"""Finding a cohort's jobs that its state does not hold, and taking them in.

A ``pulumi up`` that fails or is interrupted writes nothing to the state, yet the jobs it
started go on and import read sets. Before it plans, every create and update of a cohort
looks for such jobs, so the next ``pulumi up`` imports only what has no read set yet,
whatever the user changed in between (a fixed row, edited metadata, rows added, removed
or reordered).

How (the cost is what the user pays once per create or update):

- ``ListReadSetImportJobs`` pages of the store (100 jobs a call), created since the
  cohort's newest job in the state (an update) or in the last :data:`LOOKBACK` (a create,
  which has no state to start from);
- one ``GetReadSetImportJob`` for each listed job that the state does not hold (an update,
  whose window is short: of any role, as a run that failed under a role the state never
  held may have left jobs; a create: of its role, or of any role in the last
  :data:`~omics_resources.core.cohort.identity.ANY_ROLE_LOOKBACK`): its sources carry the
  cohort's tag (:mod:`omics_resources.core.cohort.identity`) or not.

So a store with J jobs in the window, G of them unknown to the state (and, for a create,
with the cohort's role or recent), costs ``ceil(J / 100)`` List calls and G Get calls, all paced by
the scheduler's budget for import jobs. A batch whose client token turns out taken by a
job of another role (older than that) looks at jobs of every role once (see
:meth:`~omics_resources.core.cohort.batch_run.BatchRun.taken_by`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from omics_resources.core.account.api import OmicsApi
from omics_resources.core.cohort import identity
from omics_resources.core.cohort.batching import Assignment, source_key
from omics_resources.core.cohort.run import BATCH_KIND, job_samples
from omics_resources.core.cohort.state import SAMPLE_FAILED, CohortState, import_signature
from omics_resources.core.fields import from_api
from omics_resources.core.jobs.import_job import SOURCE_FIELDS

__all__ = ["LOOKBACK", "Absorbed", "absorb", "find_jobs", "window_start"]

Props = dict[str, Any]

LOOKBACK: Final = identity.LOOKBACK
# The service does not say whether createdAfter is inclusive: widen the window a little.
_MARGIN: Final = timedelta(seconds=2)


def window_start(state: CohortState, now: datetime) -> datetime:
    """Since when jobs the state does not hold can have been created."""
    newest = state.ledger.newest
    if newest:
        return datetime.fromisoformat(newest) - _MARGIN
    since = state.since
    return since - _MARGIN if since is not None else now - LOOKBACK


def find_jobs(
    api: OmicsApi,
    store: str,
    *,
    cohort: str,
    roles: Collection[str] | None,
    since: datetime | None,
    known: Collection[str],
    any_role_since: datetime | None = None,
) -> list[Props]:
    """This cohort's jobs in ``store`` created since ``since`` (None: ever, as ``pulumi
    import`` reads them) and not in ``known``: their Get answers, oldest first. Only jobs
    run with one of ``roles`` (None: any) are read, or created since ``any_role_since``."""
    found: list[Props] = []
    window = {"filter": {"createdAfter": since}} if since is not None else {}
    pages = api.pages(BATCH_KIND.operations.list, sequenceStoreId=store, **window)
    for page in pages:
        for item in page:
            if item.get("id") in known or not _role_read(item, roles, any_role_since):
                continue
            job = api.get_job(BATCH_KIND.operations, store, str(item["id"]))
            sources = job.get("sources") or []
            if any(identity.batch_of(s.get("tags"), cohort) for s in sources):
                found.append(job)
    earliest = datetime.min.replace(tzinfo=UTC)
    return sorted(found, key=lambda j: (_created(j) or earliest, str(j["id"])))


@dataclass
class Absorbed:
    """What :func:`absorb` took in: the keys, and the read sets it found replaced."""

    keys: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    """Read sets of the cohort that a later import of the same key replaced (or that an
    import of content the user has since reverted made): the user's setting decides
    whether they are deleted, as for any superseded read set."""


def absorb(
    state: CohortState,
    jobs: Sequence[Mapping[str, Any]],
    cohort: str,
    declared: Mapping[str, str],
) -> Absorbed:
    """Take ``jobs`` (this cohort's, oldest first) into ``state`` as if the runs that
    started them had written it: each key's batch, job, result, signature and tags.

    A later job's result for a key replaces an earlier one's read set (which is then
    superseded), unless the later import failed (it undoes nothing), or it imported
    content that the declared source (``declared``: key -> import signature) no longer
    has while the earlier read set matches it (the user reverted the change: that import
    is superseded instead). A job left running with such an import is not recorded, so the
    next run looks at it again once it has made its read set."""
    batches = {b: list(keys) for b, keys in state.ledger.assignment.batches.items()}
    next_batch = state.ledger.assignment.next_batch
    found = Absorbed()
    for job in jobs:
        sources = list(job.get("sources") or [])
        props = [from_api(SOURCE_FIELDS, s) for s in sources]
        keys = [source_key(p) for p in props]
        results = job_samples(job, keys)
        revisit = False
        for source, prop, key in zip(sources, props, keys, strict=True):
            batch = identity.batch_of(source.get("tags"), cohort)
            if key is None or batch is None:
                continue
            result, signature = results[key], import_signature(prop)
            known = state.samples.get(key)
            if known is not None and known.has_read_set:
                if result.read_set_id == known.read_set_id:
                    continue
                if result.status == SAMPLE_FAILED:
                    continue  # a retry that failed does not undo the read set made before
                known_signature = state.ledger.signatures.get(key)
                if declared.get(key) == known_signature != signature:
                    if result.read_set_id:
                        found.superseded.append(result.read_set_id)
                    else:
                        revisit = True
                    continue
                found.superseded.append(str(known.read_set_id))
            for members in batches.values():
                if key in members:
                    members.remove(key)
            batches.setdefault(batch, []).append(key)
            state.samples[key] = result
            state.ledger.signatures[key] = signature
            tags = identity.user_tags(prop.get("tags"))
            if tags:
                state.ledger.tags[key] = tags
            else:
                state.ledger.tags.pop(key, None)
            found.keys.append(key)
        # The job's batch id is used, whatever was taken from it: never planned again.
        next_batch = max(next_batch, int(_batch_of_job(job, cohort)) + 1)
        if not revisit:
            state.record_jobs(
                _batch_of_job(job, cohort),
                [(str(job["id"]), str(job["status"]))],
                job.get("creationTime"),
            )
    state.ledger.assignment = Assignment(
        {b: tuple(k) for b, k in sorted(batches.items(), key=lambda i: int(i[0])) if k},
        next_batch,
    )
    found.keys = list(dict.fromkeys(found.keys))
    return found


def _batch_of_job(job: Mapping[str, Any], cohort: str) -> str:
    for source in job.get("sources") or []:
        batch = identity.batch_of(source.get("tags"), cohort)
        if batch:
            return batch
    raise ValueError(f"import job {job.get('id')} has no source of cohort {cohort}")


def _role_read(
    item: Mapping[str, Any], roles: Collection[str] | None, any_role_since: datetime | None
) -> bool:
    if roles is None or item.get("roleArn") in roles:
        return True
    created = _created(item)
    return any_role_since is not None and created is not None and created >= any_role_since


def _created(job: Mapping[str, Any]) -> datetime | None:
    created = job.get("creationTime")
    return created if isinstance(created, datetime) else None
