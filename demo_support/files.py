"""Tiny, valid genomics files for the demo: paired-end FASTQ and an unaligned BAM."""

from __future__ import annotations

import random
import struct
import zlib

_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def fastq(sample: str, mate: int, reads: int = 8, length: int = 50) -> bytes:
    """FASTQ records for one mate of a paired-end run (deterministic per sample and mate)."""
    rng = random.Random(f"{sample}/{mate}")
    lines = []
    for n in range(reads):
        bases = "".join(rng.choice("ACGT") for _ in range(length))
        lines += [f"@{sample}:{n}/{mate}", bases, "+", "I" * length]
    return ("\n".join(lines) + "\n").encode()


def _bgzf_block(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush()
    block_size = len(deflated) + 25  # header (18) + footer (8) - 1
    header = (
        b"\x1f\x8b\x08\x04"
        + b"\x00" * 4
        + b"\x00\xff"
        + struct.pack("<HBBHH", 6, 66, 67, 2, block_size)
    )
    return header + deflated + struct.pack("<II", zlib.crc32(data), len(data))


def unaligned_bam(sample: str) -> bytes:
    """A BGZF-compressed BAM with a header and no references (what uBAM import expects)."""
    text = f"@HD\tVN:1.6\tSO:unsorted\n@RG\tID:{sample}\tSM:{sample}\n".encode()
    body = b"BAM\x01" + struct.pack("<i", len(text)) + text + struct.pack("<i", 0)
    return _bgzf_block(body) + _BGZF_EOF
