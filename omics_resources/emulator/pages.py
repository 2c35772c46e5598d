"""Pagination of List* answers.

Items are sorted by a key and the ``nextToken`` names the last key served (keyset
pagination, opaque to clients), so a page boundary stays put while items are added or
change status between calls: a poller that walks the pages sees every item once.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from omics_resources.emulator.exceptions import ValidationException

__all__ = ["DEFAULT_PAGE_SIZE", "page", "page_in_order"]

T = TypeVar("T")

#: Items per page when the request gives no maxResults (the service does not publish its own).
DEFAULT_PAGE_SIZE = 50

Key = tuple[float | str, ...]


def _token(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _after(token: str) -> Key:
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationException(f"Invalid nextToken {token!r}") from None
    if not isinstance(key, list) or not all(isinstance(k, float | int | str) for k in key):
        raise ValidationException(f"Invalid nextToken {token!r}")
    return tuple(key)


def page(
    items: Iterable[T],
    key: Callable[[T], Key],
    max_results: int | None,
    next_token: str | None,
) -> tuple[list[T], str | None]:
    """One page of ``items`` in ``key`` order, and the token of the next (None: last page)."""
    ordered = sorted(items, key=key)
    if next_token:
        after = _after(next_token)
        try:
            ordered = [item for item in ordered if key(item) > after]
        except TypeError:  # a token of another list (a str compared with a float)
            raise ValidationException(f"Invalid nextToken {next_token!r}") from None
    size = max_results or DEFAULT_PAGE_SIZE
    served = ordered[:size]
    more = len(ordered) > size
    return served, _token(key(served[-1])) if more and served else None


def page_in_order(
    ids: Sequence[str],
    listed: Callable[[str], T | None],
    max_results: int | None,
    next_token: str | None,
) -> tuple[list[T], str | None]:
    """What :func:`page` serves for items keyed ``(id,)``, from ``ids`` already sorted:
    ``listed`` gives an id's item, or None when the list leaves it out. Only the page's
    stretch of ``ids`` is read (from the token on, by bisection), not every item."""
    start = 0
    if next_token:
        after = _after(next_token)
        if len(after) != 1 or not isinstance(after[0], str):
            raise ValidationException(f"Invalid nextToken {next_token!r}")
        start = bisect.bisect_right(ids, after[0])
    size = max_results or DEFAULT_PAGE_SIZE
    served: list[T] = []
    last = ""
    for index in range(start, len(ids)):
        item = listed(ids[index])
        if item is None:
            continue
        if len(served) == size:  # one more listed item: there is a next page
            return served, _token((last,))
        served.append(item)
        last = ids[index]
    return served, None
