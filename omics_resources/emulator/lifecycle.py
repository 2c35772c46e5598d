"""How long things take in the emulator, and what a source's content must look like."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, ClassVar

__all__ = ["Durations", "content_problem"]

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Durations:
    """Seconds a job spends in each phase, all multiplied by ``speed`` (0 makes them instant).

    ``submit_seconds`` in SUBMITTED; then each import source takes ``import_seconds`` plus
    ``import_seconds_per_mib`` per MiB of its files, each activation source
    ``activation_seconds`` (sources of one job run side by side).
    """

    submit_seconds: float = 0.5
    import_seconds: float = 2.0
    import_seconds_per_mib: float = 0.0
    activation_seconds: float = 2.0
    speed: float = 1.0

    _WIRE: ClassVar[dict[str, str]] = {
        "submitSeconds": "submit_seconds",
        "importSeconds": "import_seconds",
        "importSecondsPerMiB": "import_seconds_per_mib",
        "activationSeconds": "activation_seconds",
        "speed": "speed",
    }

    def submit(self) -> float:
        """Seconds in SUBMITTED."""
        return self.submit_seconds * self.speed

    def importing(self, size_bytes: int) -> float:
        """Seconds to import one source of ``size_bytes``."""
        return (self.import_seconds + self.import_seconds_per_mib * size_bytes / _MIB) * self.speed

    def activating(self) -> float:
        """Seconds to activate one read set."""
        return self.activation_seconds * self.speed

    def to_wire(self) -> dict[str, float]:
        """The control API's camelCase form."""
        values = asdict(self)
        return {wire: values[name] for wire, name in self._WIRE.items()}

    def updated(self, changes: dict[str, Any]) -> Durations:
        """A copy with the control API's camelCase ``changes`` applied (checked)."""
        known = {f.name for f in fields(self)}
        updates: dict[str, float] = {}
        for key, value in changes.items():
            name = self._WIRE.get(key, key)
            if name not in known or name.startswith("_"):
                raise ValueError(f"unknown duration {key!r} (known: {', '.join(self._WIRE)})")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{key} must be a number of seconds, 0 or more")
            updates[name] = float(value)
        return replace(self, **updates)


def _starts_as_bam(data: bytes) -> bool:
    # BAM is BGZF: gzip members whose header carries the "BC" extra field.
    if data[:4] != b"\x1f\x8b\x08\x04":
        return False
    try:
        return gzip.decompress(data)[:4] == b"BAM\x01"
    except (OSError, EOFError, zlib.error):
        return False


def content_problem(file_type: str, data: bytes) -> str | None:
    """Why ``data`` is not a ``file_type`` file (None when it looks right)."""
    if file_type == "FASTQ":
        if data.lstrip()[:1] != b"@":
            return "not a FASTQ file: records must start with '@'"
        return None
    if file_type in ("BAM", "UBAM"):
        return None if _starts_as_bam(data) else f"not a {file_type} file: no BGZF BAM header"
    if file_type == "CRAM":
        return None if data[:4] == b"CRAM" else "not a CRAM file: no CRAM header"
    return f"unknown file type {file_type}"
