"""HealthOmics ETags: each source of an imported read set hashed from its ingested content.

The guide ("HealthOmics ETags and data provenance") says an ETag hashes a source's
semantic content, not its bits: ``FASTQ_*up`` the uncompressed, complete FASTQ;
``BAM_*up`` (BAM and uBAM) and ``CRAM_*up`` the alignment section of the uncompressed
file "as represented in SAM". The hash (MD5, SHA-256 or SHA-512) is the store's
``eTagAlgorithmFamily`` (``MD5up`` unless the store was created with another). What the
emulator hashes, and where that differs from the service, is in docs/emulator.md
(Deviations): the same content always gives the same ETag and other content another, as
the service's do, but the values are not the service's.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import struct
import zlib
from collections.abc import Sequence

from omics_resources.core.service_model import service_model

__all__ = ["DEFAULT_FAMILY", "alignment_section", "etag"]

#: The family a store hashes with when created without one (the model's documentation of
#: CreateSequenceStore's ``eTagAlgorithmFamily``: "The default value is MD5up").
DEFAULT_FAMILY = "MD5up"

#: The algorithms' file-type prefix by import ``sourceFileType``: uBAM is hashed as BAM.
_KIND = {"FASTQ": "FASTQ", "BAM": "BAM", "UBAM": "BAM", "CRAM": "CRAM"}


@functools.cache
def _algorithms() -> frozenset[str]:
    return frozenset(service_model().shape_for("ETagAlgorithm").metadata["enum"])


def _algorithm(file_type: str, family: str) -> str:
    name = f"{_KIND[file_type]}_{family}"
    if name not in _algorithms():
        raise ValueError(f"no ETag algorithm {name} in the service model")
    return name


def _hash_name(family: str) -> str:
    # MD5up -> md5, SHA256up -> sha256, SHA512up -> sha512 (hashlib's names).
    return family.removesuffix("up").lower()


def _length(raw: bytes, offset: int) -> int:
    # A BAM header's int32 length; a negative one is no BAM's.
    (value,) = struct.unpack_from("<i", raw, offset)
    if value < 0:
        raise struct.error(f"negative length {value} at {offset}")
    return int(value)


def alignment_section(bam: bytes) -> bytes:
    """The alignment records of a BAM (BGZF) file, decompressed: everything after its
    header (magic, SAM header text, reference list). A file whose header cannot be read
    that far is returned whole (decompressed if it can be)."""
    try:
        raw = gzip.decompress(bam)
    except (OSError, EOFError, zlib.error):
        return bam
    try:
        offset = 8 + _length(raw, 4)  # the magic, the SAM header text's length and text
        references = _length(raw, offset)
        offset += 4
        for _ in range(references):  # each: its name's length, the name, its length
            offset += 4 + _length(raw, offset) + 4
    except struct.error:
        return raw
    return raw[offset:] if offset <= len(raw) else raw


def _content(file_type: str, data: bytes) -> bytes:
    if _KIND[file_type] == "BAM":
        return alignment_section(data)
    # FASTQ arrives uncompressed (the emulator accepts no other); CRAM is not decoded.
    return data


def etag(file_type: str, family: str, sources: Sequence[bytes]) -> dict[str, str]:
    """The read set's ETag as the API has it: ``algorithm``, then ``source1`` (and
    ``source2``) the hex digest of each source's content, in the request's order."""
    answer = {"algorithm": _algorithm(file_type, family)}
    for number, data in enumerate(sources, start=1):
        digest = hashlib.new(_hash_name(family), _content(file_type, data), usedforsecurity=False)
        answer[f"source{number}"] = digest.hexdigest()
    return answer
