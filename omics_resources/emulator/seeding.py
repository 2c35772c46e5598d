"""Many S3 objects at once, by a key pattern (the control API's ``POST /_emulator/objects``).

A benchmark of 100,000 samples needs 100,000 source files; one HTTP PUT each takes minutes
and nothing of what is measured. A seed names them by a pattern instead,
``s3://bucket/cohort/sample-{i:06d}_R1.fastq.gz`` with ``i`` running from ``start`` for
``count`` objects, and the emulator writes them straight into moto's S3 backend: the same
objects a PUT would make (GetObject, ListObjectsV2 and import jobs see them).

Each object's content is a small file of its ``fileType`` that an import accepts, and no
two objects' contents are alike (the read name carries a digest of the object's URI), so
their read sets' ETags differ as real samples' do: a seeded cohort has no duplicates.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import string
import struct
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from omics_resources.core.service_model import file_types
from omics_resources.emulator.exceptions import ValidationException

__all__ = ["MAX_SEED_OBJECTS", "Seed"]

#: The most objects one seed makes (each costs moto a few KiB of memory).
MAX_SEED_OBJECTS: Final = 1_000_000
_URI: Final = re.compile(r"s3://([^/]+)/(.+)")
# S3's general-purpose bucket naming rules (moto checks the length alone).
_BUCKET: Final = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_FIELDS: Final = {"uri", "count", "start", "fileType"}


def _name(uri: str) -> bytes:
    return b"seeded-" + hashlib.sha256(uri.encode()).hexdigest()[:16].encode()


def _fastq(uri: str) -> bytes:
    return b"@" + _name(uri) + b"/1\nACGTACGTAC\n+\nIIIIIIIIII\n"


def _bam(uri: str) -> bytes:
    # One BGZF block: a BAM header with no references, then one unmapped record named after
    # the object (its alignment section is what the ETag hashes, see etags). SAM spec 4.2.
    name = _name(uri) + b"\0"
    # refID, pos, l_read_name, mapq, bin, n_cigar_op, flag (4: unmapped), l_seq (no bases),
    # next refID, next pos, tlen
    fixed = struct.pack("<iiBBHHHiiii", -1, -1, len(name), 0, 4680, 0, 4, 0, -1, -1, 0)
    record = struct.pack("<i", len(fixed) + len(name)) + fixed + name
    body = b"BAM\x01" + struct.pack("<ii", 0, 0) + record
    data = gzip.compress(body, mtime=0)
    # gzip's header with FLG.FEXTRA set and the BGZF "BC" subfield added after it.
    return b"\x1f\x8b\x08\x04" + data[4:10] + struct.pack("<HBBHH", 6, 66, 67, 2, 0) + data[10:]


def _cram(uri: str) -> bytes:
    return b"CRAM\x03\x00" + _name(uri).ljust(20, b"\0")


#: The content of one object by file type (each one accepted by an import of that type).
CONTENTS: Final[Mapping[str, Callable[[str], bytes]]] = {
    "FASTQ": _fastq,
    "BAM": _bam,
    "UBAM": _bam,
    "CRAM": _cram,
}


def _key_pattern(pattern: str) -> None:
    """A pattern whose only field is ``i`` (formatted as an int), e.g. ``s-{i:06d}.fq``."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
        pattern.format(i=0)
    except (ValueError, KeyError, IndexError) as error:
        raise ValidationException(f"uri: not a key pattern ({error}): {pattern!r}") from None
    if fields != ["i"]:
        raise ValidationException(
            f"uri: the key pattern must hold the field {{i}} once (e.g. sample-{{i:06d}}.fq), "
            f"not {pattern!r}"
        )


@dataclass(frozen=True)
class Seed:
    """``count`` objects in ``bucket``, keys ``pattern.format(i=start)`` onwards."""

    bucket: str
    pattern: str
    count: int
    start: int = 0
    file_type: str = "FASTQ"

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> Seed:
        """Read the control API's body ``{"uri", "count", "start"?, "fileType"?}``; raises
        ValidationException naming what is wrong."""
        unknown = sorted(set(body) - _FIELDS)
        if unknown:
            raise ValidationException(f"unknown field(s) {', '.join(unknown)}")
        uri = body.get("uri")
        match = _URI.fullmatch(uri) if isinstance(uri, str) else None
        if match is None:
            raise ValidationException(f"uri must be s3://bucket/key-pattern, not {uri!r}")
        if _BUCKET.fullmatch(match.group(1)) is None:
            raise ValidationException(f"uri: {match.group(1)!r} is not a valid bucket name")
        count, start = body.get("count"), body.get("start", 0)
        for name, value, low in (("count", count, 1), ("start", start, 0)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValidationException(f"{name} must be a whole number, {low} or more")
        assert isinstance(count, int) and isinstance(start, int)
        if count > MAX_SEED_OBJECTS:
            raise ValidationException(f"count must be at most {MAX_SEED_OBJECTS:,}, not {count:,}")
        file_type = body.get("fileType", "FASTQ")
        known = sorted(t for t in file_types() if t in CONTENTS)
        if file_type not in known:
            raise ValidationException(f"fileType must be one of {', '.join(known)}")
        _key_pattern(match.group(2))
        return cls(match.group(1), match.group(2), count, start, str(file_type))

    def keys(self) -> list[str]:
        """Every key, checked to be distinct (``{i:.1e}`` would give 100 and 101 one key)."""
        keys = [self.pattern.format(i=i) for i in range(self.start, self.start + self.count)]
        if len(set(keys)) != len(keys):
            raise ValidationException(
                f"uri: the key pattern {self.pattern!r} gives two objects one key; "
                "format i as a whole number (e.g. {i} or {i:06d})"
            )
        return keys

    def objects(self) -> Iterator[tuple[str, bytes]]:
        """Each object's key and content."""
        content = CONTENTS[self.file_type]
        for key in self.keys():
            yield key, content(f"s3://{self.bucket}/{key}")

    def to_wire(self, created: int) -> dict[str, Any]:
        """The control API's answer: the bucket, how many objects, the first and last key."""
        last = self.start + self.count - 1
        return {
            "bucket": self.bucket,
            "created": created,
            "first": self.pattern.format(i=self.start),
            "last": self.pattern.format(i=last),
        }
