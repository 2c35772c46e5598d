"""FASTQ files paired into sources.

:func:`pair_fastq_uris` pairs the R1 and R2 files of paired-end FASTQ reads by name: a read
marker ``R1``/``R2`` between ``_`` or ``.`` separators (``S1_R1.fq``, ``S1.R1.fastq.gz``,
Illumina's ``S1_S1_L001_R1_001.fastq.gz``, ``S1_R1.trimmed.fq``), else ``_1``/``_2`` ending the
name (SRA's ``SRR1_1.fastq``); ``.fastq`` or ``.fq``, optionally ``.gz``. Mates sit in the
same folder and their names differ only in the read number (and maybe the extension); each
lane is its own pair (one read set).
What it cannot pair for certain it reports, with the reason, and never guesses: an R1
without its R2 and the reverse, several candidates for one mate (``x_R1.fastq`` next to
``x_R1.fastq.gz``), a name with no marker or with several.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from omics_resources.core.cohort.source_files import SHOWN_PROBLEMS

__all__ = [
    "FastqPair",
    "FastqPairingError",
    "PairingResult",
    "UnpairedFile",
    "pair_fastq_uris",
    "sources_from_fastq_pairs",
]

Props = dict[str, Any]

_FASTQ_SUFFIX: Final = re.compile(r"\.(?:fastq|fq)(?:\.gz)?$", re.IGNORECASE)
# R1/R2 between separators, anywhere in the name: x_R1, x.R1.trimmed, S1_L001_R1_001.
_READ_MARKER: Final = re.compile(r"(?<=[_.])[Rr]([12])(?=[_.]|$)")
# Only at the very end, since _1 inside a name is as often a sample or run number.
_NUMBER_MARKER: Final = re.compile(r"(?<=_)([12])$")
# Illumina's file chunk number right after the read marker (_R1_001) belongs to no stem.
_CHUNK: Final = re.compile(r"_\d{3}")
_FASTQ: Final = "FASTQ"


class FastqPair(NamedTuple):
    """The two files of one paired-end read set; ``stem`` is the file name without its read
    marker, chunk number and extension (``S1_L001`` for ``S1_L001_R1_001.fastq.gz``)."""

    stem: str
    r1: str
    r2: str


class UnpairedFile(NamedTuple):
    """A file that :func:`pair_fastq_uris` could not pair, and why."""

    uri: str
    reason: str


@dataclass(frozen=True)
class PairingResult:
    """The pairs (in the order of their first file) and the files left out (in input order)."""

    pairs: list[FastqPair]
    unpaired: list[UnpairedFile]


@dataclass(frozen=True)
class _Read:
    position: int
    uri: str
    read: str  # "1" or "2"
    mate_key: str  # folder and name with the read number left out: the same for both mates
    stem: str
    mate_name: str  # the name the other file should have


def _parse_fastq(position: int, uri: str) -> _Read | UnpairedFile:
    folder, _, name = uri.rpartition("/")
    suffix = _FASTQ_SUFFIX.search(name)
    if suffix is None:
        return UnpairedFile(uri, "not a FASTQ file name (.fastq or .fq, optionally .gz)")
    base = name[: suffix.start()]
    markers = list(_READ_MARKER.finditer(base)) or list(_NUMBER_MARKER.finditer(base))
    if not markers:
        return UnpairedFile(uri, "no read number in the name (_R1/_R2, .R1./.R2., _1/_2)")
    if len(markers) > 1:
        found = ", ".join(m.group() for m in markers)
        return UnpairedFile(uri, f"several read markers in the name ({found})")
    marker = markers[0]
    read = marker.group(1)
    before, after = base[: marker.start()], base[marker.end() :]
    letter = marker.group()[:-1].upper()
    other = "2" if read == "1" else "1"
    return _Read(
        position=position,
        uri=uri,
        read=read,
        mate_key=f"{folder}/{before}{letter}*{after}",
        stem=before[:-1] + ("" if _CHUNK.fullmatch(after) else after),
        mate_name=name[: marker.start(1)] + other + name[marker.end(1) :],
    )


def pair_fastq_uris(uris: Iterable[str]) -> PairingResult:
    """Pair R1 and R2 FASTQ files by their names (conventions: see the module); a URI given
    twice counts once. Files that cannot be paired for certain are in ``unpaired``."""
    unpaired: list[tuple[int, UnpairedFile]] = []
    groups: dict[str, dict[str, list[_Read]]] = {}
    for position, uri in enumerate(dict.fromkeys(uris)):
        parsed = _parse_fastq(position, uri)
        if isinstance(parsed, UnpairedFile):
            unpaired.append((position, parsed))
        else:
            groups.setdefault(parsed.mate_key, {"1": [], "2": []})[parsed.read].append(parsed)
    pairs: list[tuple[int, FastqPair]] = []
    for reads in groups.values():
        ones, twos = reads["1"], reads["2"]
        if len(ones) == 1 and len(twos) == 1:
            first = min(ones[0].position, twos[0].position)
            pairs.append((first, FastqPair(ones[0].stem, ones[0].uri, twos[0].uri)))
            continue
        names = ", ".join(r.uri.rpartition("/")[2] for r in ones + twos)
        for read in ones + twos:
            if ones and twos:
                why = f"ambiguous: {len(ones)} R1 and {len(twos)} R2 files could pair ({names})"
            else:
                mate = "2" if read.read == "1" else "1"
                why = f"R{read.read} without its R{mate} (no {read.mate_name} in its folder)"
            unpaired.append((read.position, UnpairedFile(read.uri, why)))
    return PairingResult(
        pairs=[pair for _, pair in sorted(pairs)],
        unpaired=[file for _, file in sorted(unpaired)],
    )


class FastqPairingError(ValueError):
    """FASTQ files that :func:`sources_from_fastq_pairs` could not pair (``unpaired``)."""

    def __init__(self, unpaired: Sequence[UnpairedFile]) -> None:
        self.unpaired = tuple(unpaired)
        shown = [f"  {u.uri}: {u.reason}" for u in self.unpaired[:SHOWN_PROBLEMS]]
        if len(self.unpaired) > SHOWN_PROBLEMS:
            shown.append(f"  ... and {len(self.unpaired) - SHOWN_PROBLEMS} more")
        super().__init__(f"{len(self.unpaired)} FASTQ file(s) not paired:\n" + "\n".join(shown))


def sources_from_fastq_pairs(
    uris: Iterable[str],
    *,
    subject_id: str | Callable[[str], str],
    sample_id: Callable[[str], str] | None = None,
    generated_from: str | None = None,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> list[Props]:
    """One paired FASTQ source per pair of :func:`pair_fastq_uris`, named by the pair's
    stem (so the stem is its key). ``subject_id`` is one subject for all, or a function
    of the stem; ``sample_id`` a function of the stem (default: the stem itself). Raises
    :class:`FastqPairingError` if any file is left unpaired."""
    result = pair_fastq_uris(uris)
    if result.unpaired:
        raise FastqPairingError(result.unpaired)
    sources = [
        {
            "source_file_type": _FASTQ,
            "source1": pair.r1,
            "source2": pair.r2,
            "subject_id": subject_id if isinstance(subject_id, str) else subject_id(pair.stem),
            "sample_id": sample_id(pair.stem) if sample_id else pair.stem,
            "name": pair.stem,
            "generated_from": generated_from,
            "description": description,
            "tags": dict(tags) if tags else None,
        }
        for pair in result.pairs
    ]
    return [{k: v for k, v in source.items() if v is not None} for source in sources]
