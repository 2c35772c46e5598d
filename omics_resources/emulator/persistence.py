"""The emulator's state in a JSON file, written atomically, so a demo survives a restart.

The HealthOmics state (stores, read sets, jobs, tags, durations, quota) and the S3 buckets
and objects are kept; faults and the request log are not.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

__all__ = ["StateFile"]


class StateFile:
    """Reads and (atomically) writes one state file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def read(self) -> dict[str, Any] | None:
        """The saved state, or None when there is no file yet."""
        if not self.path.exists():
            return None
        data = json.loads(self.path.read_text())
        return data if isinstance(data, dict) else None

    def write(self, data: dict[str, Any]) -> None:
        """Replace the file's content in one step (a crash leaves the old or the new)."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
            try:
                with os.fdopen(fd, "w") as handle:
                    json.dump(data, handle, indent=1)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
