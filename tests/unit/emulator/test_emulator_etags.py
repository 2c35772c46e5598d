"""The emulator's ETags (omics_resources/emulator/etags.py): what each file type hashes."""

from __future__ import annotations

import gzip
import hashlib
import struct

import pytest

from omics_resources.emulator.etags import alignment_section, etag

RECORDS = b"\x10\x00\x00\x00" + b"r" * 16


def raw_bam(header: bytes, references: list[tuple[bytes, int]], records: bytes) -> bytes:
    body = b"BAM\x01" + struct.pack("<i", len(header)) + header + struct.pack("<i", len(references))
    for name, length in references:
        body += struct.pack("<i", len(name) + 1) + name + b"\0" + struct.pack("<i", length)
    return body + records


def test_the_alignment_section_follows_the_header_and_references() -> None:
    one = gzip.compress(raw_bam(b"@HD\tVN:1.6\n", [(b"chr1", 1000), (b"chr2", 500)], RECORDS))
    other = gzip.compress(raw_bam(b"@CO\tx\n", [(b"chrM", 16569)], RECORDS), compresslevel=1)
    assert alignment_section(one) == alignment_section(other) == RECORDS


def test_what_cannot_be_read_as_bam_is_hashed_whole() -> None:
    truncated = raw_bam(b"", [], b"")[:10]  # the reference count cut off
    assert alignment_section(gzip.compress(truncated)) == truncated
    negative = b"BAM\x01" + struct.pack("<i", -8) + RECORDS
    assert alignment_section(gzip.compress(negative)) == negative
    assert alignment_section(b"not gzip") == b"not gzip"


def test_etag_names_the_models_algorithm_and_hashes_each_source() -> None:
    assert etag("FASTQ", "SHA256up", [b"@a\n", b"@b\n"]) == {
        "algorithm": "FASTQ_SHA256up", "source1": hashlib.sha256(b"@a\n").hexdigest(),
        "source2": hashlib.sha256(b"@b\n").hexdigest()}
    bam = gzip.compress(raw_bam(b"", [], RECORDS))
    assert etag("UBAM", "MD5up", [bam]) == {
        "algorithm": "BAM_MD5up", "source1": hashlib.md5(RECORDS, usedforsecurity=False).hexdigest()}
    with pytest.raises(ValueError, match="no ETag algorithm FASTQ_CRC32up"):
        etag("FASTQ", "CRC32up", [b"@a\n"])
