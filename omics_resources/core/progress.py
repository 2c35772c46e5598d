"""Progress lines for long waits, to a sink the front-end chooses.

Every line starts with the resource name and the job id, because a sink may not attach it
to the resource: in a dynamic provider ``pulumi.log`` has no engine connection (pulumi
issue 6065), so the default sink is stdout, which the engine shows in ``pulumi up`` (since
3.146) under the stack's diagnostics.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from omics_resources.core import limits

__all__ = ["Progress", "Sink", "StatusLine", "print_line"]

#: Where progress lines go: one call per line, from any thread.
Sink = Callable[[str], None]

_print_lock = threading.Lock()


class StatusLine(str):
    """A line that says how a wait stands now, replaced by the next one (a job's status, the
    cohort's count). Every sink takes it as the ``str`` it is; one that can show such lines
    in place (the engine's ephemeral status) tells them by this type. Other lines are
    events and results, which stay in the resource's diagnostics."""

    __slots__ = ()


def print_line(line: str, stream: TextIO | None = None) -> None:
    """The default sink: ``line`` on stdout (or ``stream``), whole even when threads race."""
    with _print_lock:
        print(line, file=stream or sys.stdout, flush=True)


@dataclass
class Progress:
    """Prints what one resource's job is doing: when something changed, and every
    ``heartbeat`` seconds while nothing does."""

    resource: str
    noun: str
    stream: TextIO | None = None
    heartbeat: float = limits.PROGRESS_HEARTBEAT_SECONDS
    clock: Callable[[], float] = time.monotonic
    #: Where lines go instead of ``stream`` (a front-end's log, a test's list).
    sink: Sink | None = None
    _last: str | None = field(default=None, init=False)
    _changed_at: float = field(default=0.0, init=False)
    _said_at: float = field(default=0.0, init=False)

    def say(self, text: str, job_id: str | None = None, *, status: bool = False) -> None:
        """Print one line about the job, prefixed with the resource name (and job id); with
        ``status``, as a :class:`StatusLine`."""
        subject = f"{self.noun} {job_id}" if job_id else self.noun
        line = f"[{self.resource}] {subject}: {text}"
        if status:
            line = StatusLine(line)
        if self.sink is not None:
            self.sink(line)
        else:
            print_line(line, self.stream)

    def status(self, job_id: str, text: str, *, final: bool = False) -> None:
        """Print ``text`` if it changed; if not, only once a ``heartbeat`` has passed, with
        how long it has been unchanged. A :class:`StatusLine`, unless ``final`` (the wait's
        end: a result to keep)."""
        now = self.clock()
        if text != self._last:
            self._last, self._changed_at, self._said_at = text, now, now
            self.say(text, job_id, status=not final)
        elif now - self._said_at >= self.heartbeat and not final:
            self._said_at = now
            self.say(
                f"{text}, unchanged for {_duration(now - self._changed_at)}", job_id, status=True
            )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
