"""The part planner and resume decisions of ReadSetUpload, on a fake clock: parts cut from
file sizes, the parts an open upload lacks, streams of one part, the upload's key, and the
progress line's bytes, rate and ETA."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from omics_resources.core.upload.plan import (
    Meter,
    Part,
    PartReader,
    file_digest,
    missing_parts,
    plan_parts,
)
from omics_resources.core.upload.session import owner_key, upload_key
from tests.support.clock import FakeClock

MIB = 1024 * 1024


def test_each_file_is_cut_into_numbered_parts_the_last_shorter() -> None:
    plan = plan_parts({"SOURCE1": ("a", 25 * MIB), "SOURCE2": ("b", 10 * MIB)}, 10 * MIB)
    assert [(p.source, p.number, p.offset, p.length) for p in plan] == [
        ("SOURCE1", 1, 0, 10 * MIB),
        ("SOURCE1", 2, 10 * MIB, 10 * MIB),
        ("SOURCE1", 3, 20 * MIB, 5 * MIB),
        ("SOURCE2", 1, 0, 10 * MIB),
    ]


def test_more_than_ten_thousand_parts_or_an_empty_file_is_refused() -> None:
    with pytest.raises(ValueError, match="use a part_size of at least 2"):
        plan_parts({"SOURCE1": ("big", 10_001)}, 1)
    assert len(plan_parts({"SOURCE1": ("big", 10_000)}, 1)) == 10_000
    with pytest.raises(ValueError, match="is empty"):
        plan_parts({"SOURCE1": ("empty", 0)}, 1)


def test_resume_sends_only_parts_not_listed_or_listed_with_another_size() -> None:
    plan = plan_parts({"SOURCE1": ("a", 30), "SOURCE2": ("b", 20)}, 10)
    listed = {("SOURCE1", 1): 10, ("SOURCE1", 3): 10, ("SOURCE2", 2): 7}
    assert [p.key for p in missing_parts(plan, listed)] == [
        ("SOURCE1", 2), ("SOURCE2", 1), ("SOURCE2", 2)]
    everything = {p.key: p.length for p in plan}
    assert missing_parts(plan, everything) == []  # never restarts at part 1
    assert missing_parts(plan, {}) == plan


def test_a_part_reader_streams_its_window_and_seeks_back(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(bytes(range(100)))
    with PartReader(str(path), 40, 25) as body:
        assert len(body) == 25
        assert body.read(10) == bytes(range(40, 50))
        assert body.read() == bytes(range(50, 65))
        assert body.read(5) == b""
        assert body.seek(0) == 0 and body.tell() == 0
        assert body.read(3) == bytes(range(40, 43))
        assert body.seek(0, os.SEEK_END) == 25


def test_the_digest_is_the_content_and_a_changed_file_is_read_again(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_bytes(b"ACGT" * 1000)
    two.write_bytes(b"ACGT" * 1000)
    assert file_digest(str(one)) == file_digest(str(two))
    two.write_bytes(b"ACGA" * 1000)
    os.utime(two, ns=(1, 1))
    assert file_digest(str(one)) != file_digest(str(two))


def test_the_upload_key_is_the_same_for_the_same_inputs_and_changes_with_any() -> None:
    scope = {"project": "p", "stack": "s", "resource_name": "reads"}
    request = {"sequenceStoreId": "1234567890", "name": "r", "tags": {"a": "1"}}
    digests = {"source1": "ab"}
    key = upload_key(scope, request, digests, 10)
    assert key == upload_key(dict(scope), dict(request), dict(digests), 10)
    # Tags change in place: not part of the key.
    assert key == upload_key(scope, {**request, "tags": {"b": "2"}}, digests, 10)
    assert key != upload_key(scope, request, {"source1": "cd"}, 10)
    assert key != upload_key(scope, request, digests, 20)
    assert key != upload_key({**scope, "stack": "t"}, request, digests, 10)
    assert owner_key(scope) != owner_key({**scope, "resource_name": "other"})


def test_progress_says_bytes_done_rate_and_eta_on_the_clock() -> None:
    clock = FakeClock()
    meter = Meter(total=200 * MIB, done=50 * MIB, clock=clock.monotonic)
    assert meter.line() == "50.0 MiB of 200.0 MiB (25%)"  # nothing sent yet: no rate
    clock.sleep(2.0, None)
    meter.add(30 * MIB)
    # 30 MiB in 2 s this run (the 50 resumed do not count): 120 MiB left at 15 MiB/s.
    assert meter.line() == "80.0 MiB of 200.0 MiB (40%), 15.0 MiB/s, ETA 8 s"
    clock.sleep(8.0, None)
    meter.add(120 * MIB)
    assert meter.line() == "200.0 MiB of 200.0 MiB (100%), 15.0 MiB/s, ETA 0 s"


def test_parts_are_values() -> None:
    part = Part("SOURCE2", 4, "b", 30, 10)
    assert part.key == ("SOURCE2", 4)
