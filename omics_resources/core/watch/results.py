"""An ended import job's per-source results from ``ListReadSets`` pages, not its Get.

``GetReadSetImportJob`` shares the ``importJobs`` budget (5 requests/s for the account)
with every ``StartReadSetImportJob``: one Get per job at its end doubles the budget's floor
(200 Starts and 200 Gets at 20,000 samples). ``ListReadSets`` is on the ``readSets``
budget, which the import itself leaves idle, and a page holds 100 read sets.

A job the List call shows ``COMPLETED`` imported every source: each ``FINISHED`` with a
read set in the store, created after the job. So for the jobs of one store that ended
meanwhile, one pass over ``ListReadSets`` pages (read sets created since the oldest of
those jobs, by import) finds them: a source's read set is the one listed item, created
after its job, whose metadata is what the source declared (sample and subject ids, file
type, and its name, description, reference and ``generatedFrom`` where declared).
Anything less than certain keeps the Get for that job: a source with no such item or with
more than one (look-alike data imported meanwhile, by this stack or anyone), two sources of
the job on one item, or an item two jobs point at. A job that ended any other way
(``COMPLETED_WITH_FAILURES``, ``FAILED``, ``CANCELLED``) is always read with its Get: which
source failed, and why, is only there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from omics_resources.core import limits
from omics_resources.core.account.api import OmicsApi, ReadSetInfo

__all__ = [
    "READ_SETS_SEEN",
    "READ_SET_LIST",
    "Asked",
    "Found",
    "answers_from_read_sets",
    "resolvable",
    "seen_read_sets",
]

Props = dict[str, Any]
#: The call these answers cost (on the readSets budget).
READ_SET_LIST: Final = "ListReadSets"
#: Our own member of such an answer: what the pages said of each read set (id ->
#: :class:`~omics_resources.core.account.api.ReadSetInfo`), so nobody asks again.
READ_SETS_SEEN: Final = "readSetsSeen"
# A read set is created after its job; the service does not say how its clocks compare.
_MARGIN: Final = timedelta(seconds=1)
# (source field, read-set list item field path): compared where the source declares it.
_SAME: Final = (
    ("sampleId", ("sampleId",)),
    ("subjectId", ("subjectId",)),
    ("sourceFileType", ("fileType",)),
    ("name", ("name",)),
    ("description", ("description",)),
    ("referenceArn", ("referenceArn",)),
    ("generatedFrom", ("sequenceInformation", "generatedFrom")),
)


@dataclass(frozen=True)
class Asked:
    """One ended job: ``job`` as the List call showed it (id, status, creation and
    completion times, role), ``sources`` as its Start request sent them."""

    job: Mapping[str, Any]
    sources: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class Found:
    """Full answers (as GetReadSetImportJob gives them) of the jobs found, by job id, and
    the ListReadSets pages read."""

    answers: dict[str, Props]
    pages: int


def resolvable(job: Mapping[str, Any]) -> bool:
    """Whether this ended job's answer can come from read sets (every source finished)."""
    return job.get("status") in limits.JOB_OUTCOMES.success


def answers_from_read_sets(api: OmicsApi, store: str, jobs: Sequence[Asked]) -> Found:
    """The full answers of those ``jobs`` (each :func:`resolvable`) whose read sets are
    certain, from one pass over the store's ListReadSets pages."""
    created = {str(a.job["id"]): _created(a.job) for a in jobs}
    if not jobs or None in created.values():
        return Found({}, 0)
    since = min(c for c in created.values() if c is not None) - _MARGIN
    by_sample: dict[tuple[Any, Any, Any], list[Props]] = {}
    pages = 0
    query = {"filter": {"createdAfter": since, "creationType": "IMPORT"}}
    for page in api.pages(READ_SET_LIST, sequenceStoreId=store, **query):
        pages += 1
        for item in page:
            key = (item.get("sampleId"), item.get("subjectId"), item.get("fileType"))
            by_sample.setdefault(key, []).append(item)
    picked: dict[str, list[Props]] = {}
    for asked in jobs:
        job_id = str(asked.job["id"])
        after = created[job_id]
        assert after is not None
        found = [_the_one(s, by_sample, after - _MARGIN) for s in asked.sources]
        items = [i for i in found if i is not None]
        ids = {i["id"] for i in items}
        if asked.sources and len(items) == len(found) == len(ids):
            picked[job_id] = items
    shared = Counter(i["id"] for items in picked.values() for i in items)
    answers = {}
    for asked in jobs:
        chosen = picked.get(str(asked.job["id"]), [])
        if chosen and all(shared[i["id"]] == 1 for i in chosen):
            answers[str(asked.job["id"])] = _answer(asked, chosen)
    return Found(answers, pages)


def _the_one(
    source: Mapping[str, Any],
    by_sample: Mapping[tuple[Any, Any, Any], list[Props]],
    after: datetime,
) -> Props | None:
    key = (source.get("sampleId"), source.get("subjectId"), source.get("sourceFileType"))
    found = [
        item
        for item in by_sample.get(key, [])
        if (_created(item) or after) >= after and _declared_same(source, item)
    ]
    return found[0] if len(found) == 1 else None


def _declared_same(source: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    for name, path in _SAME:
        wanted = source.get(name)
        if wanted is None:
            continue
        value: Any = item
        for step in path:
            value = value.get(step) if isinstance(value, Mapping) else None
        if value != wanted:
            return False
    return True


def seen_read_sets(job: Mapping[str, Any]) -> dict[str, ReadSetInfo]:
    """What the ListReadSets pages that answered ``job`` said of its read sets (empty for
    an answer that came from its Get)."""
    return dict(job.get(READ_SETS_SEEN) or {})


def _answer(asked: Asked, items: Sequence[Mapping[str, Any]]) -> Props:
    sources = [
        {**source, "status": limits.SOURCE_FINISHED, "readSetId": item["id"]}
        for source, item in zip(asked.sources, items, strict=True)
    ]
    seen = {
        str(item["id"]): ReadSetInfo(
            status=str(item.get("status")), arn=item.get("arn"), etag=item.get("etag")
        )
        for item in items
    }
    return {**asked.job, "sources": sources, READ_SETS_SEEN: seen}


def _created(item: Mapping[str, Any]) -> datetime | None:
    value = item.get("creationTime")
    return value if isinstance(value, datetime) else None
