"""What an upload sends: each file cut into numbered parts, read as a stream one part at a
time, and which of them an open upload still lacks.

Nothing here talks to the service: :func:`plan_parts` cuts files, :func:`missing_parts`
compares a plan with what ListReadSetUploadParts listed, :class:`PartReader` is one part of
a file as the body of one request (botocore reads it in blocks and seeks back to retry),
:func:`file_digest` is a file's SHA-256 (read in blocks, remembered per file version), and
:class:`Meter` says bytes done, rate and ETA on an injected clock.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SOURCES",
    "Meter",
    "Part",
    "PartReader",
    "file_digest",
    "missing_parts",
    "plan_parts",
]

#: The parts' sources, in order: ``source1`` is SOURCE1, ``source2`` SOURCE2.
SOURCES = {"source1": "SOURCE1", "source2": "SOURCE2"}
#: The API's part numbers run 1..10000 per source (botocore's model).
MAX_PARTS = 10_000
_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class Part:
    """One part of one file: ``source`` (SOURCE1/SOURCE2), ``number`` (from 1), where it
    starts in the file and how long it is."""

    source: str
    number: int
    path: str
    offset: int
    length: int

    @property
    def key(self) -> tuple[str, int]:
        """``(source, number)``, as listed parts are matched."""
        return self.source, self.number


def plan_parts(files: Mapping[str, tuple[str, int]], part_size: int) -> list[Part]:
    """Every part of ``files`` (source -> (path, size)), ``part_size`` bytes each but the
    last of a file. Raises ValueError for an empty file or one of more than 10,000 parts."""
    parts: list[Part] = []
    for source, (path, size) in files.items():
        if size <= 0:
            raise ValueError(f"{path} is empty: a read set needs at least one byte")
        count = -(-size // part_size)
        if count > MAX_PARTS:
            raise ValueError(
                f"{path} ({size} bytes) would be {count} parts of {part_size} bytes; the API "
                f"takes at most {MAX_PARTS} a file: use a part_size of at least "
                f"{-(-size // MAX_PARTS)}"
            )
        for index in range(count):
            offset = index * part_size
            parts.append(Part(source, index + 1, path, offset, min(part_size, size - offset)))
    return parts


def missing_parts(plan: Sequence[Part], listed: Mapping[tuple[str, int], int]) -> list[Part]:
    """The planned parts that the upload lacks: not listed, or listed with another size
    (``listed``: (source, number) -> size)."""
    return [p for p in plan if listed.get(p.key) != p.length]


class PartReader:
    """Bytes ``offset`` to ``offset + length`` of a file, as a seekable stream: never more
    than one read's block in memory."""

    def __init__(self, path: str, offset: int, length: int) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close(), as a stream is
        self._start, self._length = offset, length
        self._position = 0
        self._file.seek(offset)

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the part (all that is left if negative)."""
        left = self._length - self._position
        size = left if size is None or size < 0 else min(size, left)
        data = self._file.read(size) if size > 0 else b""
        self._position += len(data)
        return data

    def seek(self, position: int, whence: int = os.SEEK_SET) -> int:
        """Move within the part (botocore seeks back to the start to retry)."""
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._length}[whence]
        self._position = max(0, min(self._length, base + position))
        self._file.seek(self._start + self._position)
        return self._position

    def tell(self) -> int:
        """Where in the part the stream is."""
        return self._position

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __enter__(self) -> PartReader:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()


_digests: dict[tuple[str, int, int, int], str] = {}
_digests_lock = threading.Lock()


def file_digest(path: str) -> str:
    """The file's SHA-256 (hex), read in 1 MiB blocks; remembered for this version of the
    file (inode, size, modification time), so check, diff and create read it once."""
    stat = os.stat(path)
    version = (os.path.abspath(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _digests_lock:
        known = _digests.get(version)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    with _digests_lock:
        _digests[version] = digest.hexdigest()
    return digest.hexdigest()


def _size(count: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


class Meter:
    """Bytes done of ``total``, the rate of this run's bytes and the ETA: ``done`` bytes
    were uploaded before (a resumed upload), ``clock`` gives monotonic seconds."""

    def __init__(self, total: int, done: int, clock: Callable[[], float]) -> None:
        self.total, self.done = total, done
        self._clock = clock
        self._started = clock()
        self._sent = 0
        self._lock = threading.Lock()

    def add(self, count: int) -> None:
        """``count`` more bytes were uploaded."""
        with self._lock:
            self.done += count
            self._sent += count

    def rate(self) -> float:
        """Bytes a second this run (0 before anything was sent)."""
        elapsed = self._clock() - self._started
        return self._sent / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """``120.0 MiB of 200.0 MiB (60%), 35.2 MiB/s, ETA 2 s``."""
        with self._lock:
            done, total = self.done, self.total
        rate = self.rate()
        percent = 100 * done // total if total else 100
        text = f"{_size(done)} of {_size(total)} ({percent}%)"
        if rate > 0:
            text += f", {_size(rate)}/s, ETA {round((total - done) / rate)} s"
        return text
