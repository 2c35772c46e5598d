"""Read-set statuses from few calls (omics_resources.core.active.census), against the emulator
with its limits on; call counts read from the emulator's request log."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from harness.clients import aws_client
from harness.read_sets import import_read_sets
from omics_resources.core import limits
from omics_resources.core.account.api import OmicsApi
from omics_resources.core.account.ratelimit import RateLimiter
from omics_resources.core.active.census import Window, activating, take_census
from tests.conftest import FAST
from tests.support.emulator_control import EmulatorControl

BUCKET = "census-sources"


@dataclass
class Store:
    """A store of 250 read sets imported in three rounds more than a second apart."""

    id: str
    older: list[str]
    cohort: list[str]
    api: OmicsApi
    control: EmulatorControl

    def calls(self, since: dict[str, int]) -> dict[str, int]:
        now = self.control.log()["counts"]
        return {op: n - since.get(op, 0) for op, n in now.items() if n != since.get(op, 0)}


@pytest.fixture(scope="module")
def store(emulator_url: str) -> Iterator[Store]:
    """Built once for the module (no test here resets the emulator)."""
    control = EmulatorControl(emulator_url)
    control.reset()
    control.durations(**FAST.to_wire())
    omics, s3 = aws_client("omics", emulator_url), aws_client("s3", emulator_url)
    s3.create_bucket(Bucket=BUCKET)
    store_id = omics.create_sequence_store(name="census")["id"]
    older = import_read_sets(omics, s3, store_id, BUCKET, 100, prefix="a")
    time.sleep(1.5)
    older += import_read_sets(omics, s3, store_id, BUCKET, 100, prefix="b")
    time.sleep(1.5)
    cohort = import_read_sets(omics, s3, store_id, BUCKET, 50, prefix="c")
    api = OmicsApi(lambda: omics, RateLimiter(limits.RATE_BUDGETS))
    yield Store(store_id, older, cohort, api, control)
    control.reset()


def test_a_cohort_costs_pages_not_one_call_each(store: Store) -> None:
    before = store.control.log()["counts"]
    census = take_census(store.api, store.id, store.cohort)
    assert census.statuses == dict.fromkeys(store.cohort, "ACTIVE")
    calls = store.calls(before)
    assert calls.get("GetReadSetMetadata", 0) == 0
    assert 1 <= calls["ListReadSets"] <= 3  # the store is 3 pages; the cohort is scattered


def test_the_window_reads_only_the_cohorts_own_page(store: Store) -> None:
    window = take_census(store.api, store.id, store.cohort).window()
    assert window is not None
    before = store.control.log()["counts"]
    census = take_census(store.api, store.id, store.cohort, window=window)
    assert set(census.statuses.values()) == {"ACTIVE"}
    assert store.calls(before) == {"ListReadSets": 1}


def test_read_sets_outside_the_window_are_found_before_and_after_it(store: Store) -> None:
    window = take_census(store.api, store.id, store.cohort[:10]).window()
    wanted = [*store.older[:3], *store.cohort[:10]]
    before = store.control.log()["counts"]
    census = take_census(store.api, store.id, wanted, window=window)
    assert census.statuses == dict.fromkeys(wanted, "ACTIVE")
    # The window's page, then pages before it until reading on costs more than a Get for
    # each of the (at most 3) still missing: never more than 1 + 2 x 3 calls.
    calls = store.calls(before)
    assert calls["ListReadSets"] >= 2
    assert sum(calls.values()) <= 7


def test_an_unknown_id_is_looked_up_alone_instead_of_reading_the_store(store: Store) -> None:
    window = take_census(store.api, store.id, store.cohort).window()
    before = store.control.log()["counts"]
    census = take_census(store.api, store.id, [*store.cohort, "9999999999"], window=window)
    assert census.statuses["9999999999"] == "DELETED"
    # One page inside the window; then one Get is cheaper than the two pages outside it.
    assert store.calls(before) == {"ListReadSets": 1, "GetReadSetMetadata": 1}


def test_a_few_read_sets_are_looked_up_one_by_one(store: Store) -> None:
    before = store.control.log()["counts"]
    census = take_census(store.api, store.id, store.older[:2])
    assert list(census.statuses) == store.older[:2]
    assert store.calls(before) == {"GetReadSetMetadata": 2}


def test_a_store_that_is_gone_has_every_read_set_deleted(store: Store) -> None:
    census = take_census(store.api, "1111111111", store.cohort)
    assert set(census.statuses.values()) == {"DELETED"}


def test_archived_and_activating_are_seen(store: Store) -> None:
    store.control.archive(store.id, store.cohort[:4])
    try:
        census = take_census(store.api, store.id, store.cohort)
        assert census.with_status("ARCHIVED") == store.cohort[:4]
        assert activating(store.api, store.id, store.cohort) == set()
    finally:
        _activate(store, store.cohort[:4])


def _activate(store: Store, ids: list[str]) -> Any:
    omics = aws_client("omics", store.control.url)
    job = omics.start_read_set_activation_job(
        sequenceStoreId=store.id, sources=[{"readSetId": i} for i in ids])
    deadline = time.monotonic() + 30
    while omics.get_read_set_activation_job(sequenceStoreId=store.id, id=job["id"])["status"] != "COMPLETED":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    return job


def test_window_none_without_creation_times() -> None:
    assert Window.around([]) is None
