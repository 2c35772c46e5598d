"""Progress lines for long waits.

``pulumi.log`` has no engine connection in a dynamic provider (pulumi issue 6065), but the
engine shows the provider's stdout in ``pulumi up`` (since 3.146), not attached to a
resource: so every line starts with the resource name and the job id.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from omics_resources import limits

__all__ = ["Progress"]

_print_lock = threading.Lock()


@dataclass
class Progress:
    """Prints what one resource's job is doing: when something changed, and every
    ``heartbeat`` seconds while nothing does."""

    resource: str
    noun: str
    stream: TextIO | None = None
    heartbeat: float = limits.PROGRESS_HEARTBEAT_SECONDS
    clock: Callable[[], float] = time.monotonic
    _last: str | None = field(default=None, init=False)
    _changed_at: float = field(default=0.0, init=False)
    _said_at: float = field(default=0.0, init=False)

    def say(self, text: str, job_id: str | None = None) -> None:
        """Print one line about the job, prefixed with the resource name (and job id)."""
        subject = f"{self.noun} {job_id}" if job_id else self.noun
        line = f"[{self.resource}] {subject}: {text}"
        with _print_lock:
            print(line, file=self.stream or sys.stdout, flush=True)

    def status(self, job_id: str, text: str) -> None:
        """Print ``text`` if it changed; if not, only once a ``heartbeat`` has passed, with
        how long it has been unchanged."""
        now = self.clock()
        if text != self._last:
            self._last, self._changed_at, self._said_at = text, now, now
            self.say(text, job_id)
        elif now - self._said_at >= self.heartbeat:
            self._said_at = now
            self.say(f"{text}, unchanged for {_duration(now - self._changed_at)}", job_id)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
