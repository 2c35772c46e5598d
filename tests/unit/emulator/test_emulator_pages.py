"""Paging ListReadSets from the sorted ids serves exactly what sorting every item per page
served: the same pages, the same tokens, whatever the filter and page size; the read sets'
order is rebuilt after their ids changed."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from omics_resources.emulator.entities import ReadSet, ReadSets
from omics_resources.emulator.exceptions import ValidationException
from omics_resources.emulator.pages import page, page_in_order

Serve = Callable[[int, "str | None"], tuple[list[str], "str | None"]]


def walk(serve: Serve, size: int) -> list[tuple[list[str], str | None]]:
    pages: list[tuple[list[str], str | None]] = []
    token: str | None = None
    while True:
        served, token = serve(size, token)
        pages.append((served, token))
        if token is None:
            return pages


@pytest.mark.parametrize("size", [1, 7, 100, 1000])
def test_pages_from_the_sorted_ids_are_the_pages_of_a_full_sort(size: int) -> None:
    rng = random.Random(7)
    ids = [str(rng.randrange(10**9, 10**10)) for _ in range(600)]
    wanted = set(rng.sample(ids, 250))  # the filter keeps these

    def by_sort(n: int, token: str | None) -> tuple[list[str], str | None]:
        return page([i for i in ids if i in wanted], lambda i: (i,), n, token)

    def by_index(n: int, token: str | None) -> tuple[list[str], str | None]:
        return page_in_order(sorted(ids), lambda i: i if i in wanted else None, n, token)

    assert walk(by_index, size) == walk(by_sort, size)


def test_a_token_of_another_list_is_refused() -> None:
    with pytest.raises(ValidationException, match="Invalid nextToken"):
        page_in_order(["1"], lambda i: i, 1, page([1.5, 2.5], lambda t: (t,), 1, None)[1])


def read_set(read_set_id: str) -> ReadSet:
    return ReadSet(read_set_id, "1234567890", f"arn/{read_set_id}", "ACTIVE", "FASTQ", "s", "s",
                   0.0, "9")


def test_the_order_follows_added_read_sets_and_a_clear() -> None:
    read_sets = ReadSets()
    for read_set_id in ("3", "1"):
        read_sets[read_set_id] = read_set(read_set_id)
    assert read_sets.ordered_ids() == ["1", "3"]
    read_sets["2"] = read_set("2")
    assert read_sets.ordered_ids() == ["1", "2", "3"]
    read_sets.clear()
    for read_set_id in ("9", "8", "7"):  # as many as before the clear, other ids
        read_sets[read_set_id] = read_set(read_set_id)
    assert read_sets.ordered_ids() == ["7", "8", "9"]
