"""Progress lines for long waits.

``pulumi.log`` has no engine connection in a dynamic provider (pulumi issue 6065), but the
engine shows the provider's stdout in ``pulumi up`` (since 3.146), not attached to a
resource: so every line starts with the resource name and the job id.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from typing import TextIO

__all__ = ["Progress"]

_print_lock = threading.Lock()


@dataclass
class Progress:
    """Prints what one resource's job is doing, only when something changed."""

    resource: str
    noun: str
    stream: TextIO | None = None
    _last: str | None = field(default=None, init=False)

    def say(self, text: str, job_id: str | None = None) -> None:
        """Print one line about the job, prefixed with the resource name (and job id)."""
        subject = f"{self.noun} {job_id}" if job_id else self.noun
        line = f"[{self.resource}] {subject}: {text}"
        with _print_lock:
            print(line, file=self.stream or sys.stdout, flush=True)

    def status(self, job_id: str, text: str) -> None:
        """Print ``text`` unless it is what was printed last for this job."""
        if text != self._last:
            self._last = text
            self.say(text, job_id)
