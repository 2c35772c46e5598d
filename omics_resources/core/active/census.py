"""The statuses of many read sets from few calls.

A cohort's read sets are read from ListReadSets pages (100 a call), not one
GetReadSetMetadata each: 1,000 read sets would be 200 s at the 5 TPS budget. Two things keep
the walk short in a store that holds far more than the cohort:

- **a creation-time window.** Once the read sets have been seen, the earliest and latest
  creation time bound every later walk (``createdAfter``/``createdBefore``); ids outside it
  (added since) are looked for before and after it.
- **a walk never costs much more than looking the rest up one by one.** It stops once the
  pages read reach the number of read sets still missing (an enormous store, or ids that do
  not exist), and those get one GetReadSetMetadata each (DELETED when the service has no such
  read set). So a census costs at most about twice the cheaper of the two ways.

Which read sets are still ACTIVATING is read from ListReadSets filtered by that status:
one page a look, whatever the size of the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import botocore.exceptions

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.api import READ_SET_GET_LIMIT, OmicsApi

__all__ = ["Census", "Window", "activating", "counts", "take_census"]

LIST_OPERATION = "ListReadSets"
# The service does not say whether its created* bounds are inclusive: widen them a little.
_WINDOW_PAD_SECONDS = 1.0


@dataclass(frozen=True)
class Window:
    """The creation times (epoch seconds) of the earliest and the latest read set seen."""

    first: float
    last: float

    @classmethod
    def around(cls, times: Iterable[float]) -> Window | None:
        """The window holding ``times`` (None if there are none)."""
        found = list(times)
        return cls(min(found), max(found)) if found else None

    def to_output(self) -> list[str]:
        """``[first, last]`` as ISO 8601, for state."""
        return [_iso(self.first), _iso(self.last)]

    @classmethod
    def from_output(cls, value: Any) -> Window | None:
        """The window a :meth:`to_output` wrote (None for anything else)."""
        if not (isinstance(value, Sequence) and len(value) == 2):
            return None
        try:
            first, last = (datetime.fromisoformat(str(v)).timestamp() for v in value)
        except ValueError:
            return None
        return cls(first, last) if first <= last else None

    def filters(self) -> list[dict[str, datetime]]:
        """ListReadSets filters: inside the window first, then before it, then after it."""
        after = _at(self.first - _WINDOW_PAD_SECONDS)
        before = _at(self.last + _WINDOW_PAD_SECONDS)
        return [
            {"createdAfter": after, "createdBefore": before},
            {"createdBefore": after},
            {"createdAfter": before},
        ]


@dataclass
class Census:
    """What a look at some read sets found: each one's status (in the order asked,
    DELETED when gone) and the creation time of those a page showed."""

    statuses: dict[str, str]
    created: dict[str, float] = field(default_factory=dict)

    def window(self) -> Window | None:
        """The creation-time window of the read sets seen (narrows the next census)."""
        return Window.around(self.created.values())

    def with_status(self, status: str) -> list[str]:
        """The read sets in ``status``, in the order asked."""
        return [i for i, s in self.statuses.items() if s == status]


def take_census(
    api: OmicsApi, store: str, ids: Sequence[str], *, window: Window | None = None
) -> Census:
    """The status of each of ``ids`` in ``store`` (see the module's docstring for the cost).
    A store that no longer exists has no read sets: every one is DELETED."""
    unique = list(dict.fromkeys(ids))
    census = Census(statuses={}, created={})
    if len(unique) > READ_SET_GET_LIMIT:
        try:
            _walk(api, store, unique, window, census)
        except botocore.exceptions.ClientError as error:
            code = aws.error_code(error)
            if code == limits.NOT_FOUND_ERROR_CODE:
                return Census(dict.fromkeys(unique, limits.READ_SET_DELETED))
            # Allowed GetReadSetMetadata but not ListReadSets: one Get each still works.
            if code != limits.ACCESS_DENIED_ERROR_CODE:
                raise
    missing = [i for i in unique if i not in census.statuses]
    # In groups the API looks up one GetReadSetMetadata each (never another walk).
    for start in range(0, len(missing), READ_SET_GET_LIMIT):
        group = missing[start : start + READ_SET_GET_LIMIT]
        for read_set_id, info in api.read_sets(store, group).items():
            census.statuses[read_set_id] = info["status"]
    census.statuses = {i: census.statuses[i] for i in unique}
    return census


def _walk(
    api: OmicsApi, store: str, ids: Sequence[str], window: Window | None, census: Census
) -> None:
    missing = set(ids)
    pages = 0
    for query_filter in window.filters() if window else [{}]:
        if not missing or pages >= len(missing):
            return
        query: dict[str, Any] = {"sequenceStoreId": store}
        if query_filter:
            query["filter"] = query_filter
        for page in api.pages(LIST_OPERATION, **query):
            pages += 1
            for item in page:
                read_set_id = str(item.get("id"))
                if read_set_id in missing:
                    missing.discard(read_set_id)
                    census.statuses[read_set_id] = str(item.get("status"))
                    created = item.get("creationTime")
                    if isinstance(created, datetime):
                        census.created[read_set_id] = created.timestamp()
            # Looking the rest up one by one is now as cheap as reading on.
            if not missing or pages >= len(missing):
                break


def activating(api: OmicsApi, store: str, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are ACTIVATING now (ListReadSets filtered by that status)."""
    wanted = set(ids)
    found: set[str] = set()
    query = {"sequenceStoreId": store, "filter": {"status": limits.READ_SET_ACTIVATING}}
    for page in api.pages(LIST_OPERATION, **query):
        found.update(str(item.get("id")) for item in page if item.get("id") in wanted)
    return found


def counts(statuses: Mapping[str, str]) -> dict[str, int]:
    """How many read sets are in each status (statuses with none left out)."""
    found: dict[str, int] = {}
    for status in statuses.values():
        found[status] = found.get(status, 0) + 1
    return dict(sorted(found.items()))


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def _iso(epoch: float) -> str:
    return _at(epoch).isoformat()
