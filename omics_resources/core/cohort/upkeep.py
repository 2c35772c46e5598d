"""What a cohort's update and refresh do besides importing: take in the results of jobs
that had not ended, re-tag read sets in place, and delete read sets (only when asked)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import botocore.exceptions

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.api import OmicsApi, ReadSetInfo
from omics_resources.core.cohort.run import BATCH_KIND, job_samples, reported_keys
from omics_resources.core.cohort.state import (
    SAMPLE_FAILED,
    SAMPLE_PENDING,
    CohortState,
    Declared,
    Sample,
    source_tags,
)
from omics_resources.core.cohort.verdict import CohortImportError
from omics_resources.core.errors import ReadSetDeletionError
from omics_resources.core.jobs.import_job import delete_read_sets
from omics_resources.core.progress import Progress

__all__ = ["mark_duplicates", "remove_read_sets", "retag", "settle"]

#: How many read-set ids a progress line lists.
_SHOWN_IDS = 10


def settle(api: OmicsApi, store: str, state: CohortState) -> None:
    """Read each job that has not ended (one Get each) and take in its results for the
    samples still pending on it. A job record that no longer exists changes nothing for
    samples with a read set; a sample pending on it is marked failed (the next update
    imports it again)."""
    pending = {s.job_id for s in state.samples.values() if s.status == SAMPLE_PENDING}
    running = {j for j, s in state.jobs.items() if s not in limits.TERMINAL_JOB_STATUSES}
    for job_id in sorted(j for j in pending | running if j):
        try:
            job = api.get_job(BATCH_KIND.operations, store, job_id)
        except botocore.exceptions.ClientError as error:
            if aws.error_code(error) != limits.NOT_FOUND_ERROR_CODE:
                raise
            for sample in state.samples.values():
                if sample.status == SAMPLE_PENDING and sample.job_id == job_id:
                    sample.status = SAMPLE_FAILED
                    sample.status_message = f"import job {job_id} no longer exists"
            continue
        state.jobs[job_id] = str(job["status"])
        for key, result in job_samples(job, reported_keys(job)).items():
            known = state.samples.get(key)
            if known and known.status == SAMPLE_PENDING and known.job_id == job_id:
                state.samples[key] = result


def mark_duplicates(samples: Mapping[str, Sample], infos: Mapping[str, ReadSetInfo]) -> None:
    """Mark each sample whose read set shares a file's ETag (its ``source1`` or ``source2``
    digest) with another sample's read set: the same data stored twice, which costs
    storage. AWS's duplicate finder matches read sets the same way, file by file. Read sets
    without an ETag are never marked."""
    holders: dict[str, list[str]] = {}
    for key, sample in samples.items():
        info = infos.get(sample.read_set_id or "")
        etag = info.get("etag") if info is not None and sample.has_read_set else None
        for part in ("source1", "source2"):
            digest = etag.get(part) if etag else None
            if digest:
                holders.setdefault(str(digest), []).append(key)
    others: dict[str, set[str]] = {key: set() for key in samples}
    for keys in holders.values():
        for key in keys:
            others[key].update(k for k in keys if k != key)
    for key, sample in samples.items():
        sample.duplicate_of = tuple(sorted(str(samples[k].read_set_id) for k in others[key]))


def retag(
    api: OmicsApi,
    state: CohortState,
    declared: Declared,
    keys: Sequence[str],
    *,
    store: str,
    progress: Progress,
) -> None:
    """Set each key's read set's tags to its declared ones (Tag/UntagResource; the ARNs
    come from ListReadSets pages, not one call per read set)."""
    if not keys:
        return
    ids = {k: state.samples[k].read_set_id or "" for k in keys}
    infos = api.read_sets(store, list(ids.values()), created_after=state.since)
    for key in keys:
        info = infos.get(ids[key])
        if not info or not info["arn"]:
            raise CohortImportError(
                f"{progress.resource}: {declared.label(key)} has no read set to tag "
                f"(read set {ids[key]}: {info['status'] if info else 'unknown'})"
            )
        before, after = state.ledger.tags.get(key, {}), source_tags(declared.sources[key])
        removed = [k for k in before if k not in after]
        if removed:
            api.call("UntagResource", resourceArn=info["arn"], tagKeys=removed)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        if changed:
            api.call("TagResource", resourceArn=info["arn"], tags=changed)
    progress.say(f"re-tagged {len(keys)} read set(s) in place")


def remove_read_sets(
    api: OmicsApi, ids: Sequence[str], *, store: str, delete: bool, progress: Progress
) -> None:
    """The read sets of removed (or re-imported) samples: kept and listed, or deleted."""
    if not ids:
        return
    if not delete:
        shown = ", ".join(ids[:_SHOWN_IDS]) + (" ..." if len(ids) > _SHOWN_IDS else "")
        progress.say(
            f"kept {len(ids)} read set(s) of removed or re-imported samples "
            f"(delete_removed_read_sets is false): {shown}"
        )
        return
    errors = delete_read_sets(api, store, ids)
    if errors:
        raise ReadSetDeletionError(progress.resource, errors)
    progress.say(f"deleted {len(ids)} read set(s) of removed or re-imported samples")
