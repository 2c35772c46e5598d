"""Peak memory, threads and CPU time of a benchmark's own provider processes, from /proc.

The engine starts the provider plugin itself, so the benchmark never learns its pid: it
finds it by its command line and by a marker in its environment (the CLI passes its
environment on), which leaves alone any other benchmark's providers on the same host.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

PROVIDER_MODULE = "omics_resources.dynamic.provider_host"


@dataclass
class _Seen:
    rss_peak_kib: int = 0
    threads: int = 0
    cpu_ticks: int = 0


def _status(pid: str) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def _cpu_ticks(pid: str) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


@dataclass
class ProcessWatch:
    """Samples every ``interval`` seconds, in a thread, each process whose command line
    holds ``needle`` and whose environment holds ``marker`` (``NAME=value``); use it as a
    context manager around the command. VmHWM is the kernel's own peak, so a sample
    misses only growth in the last interval before the process exits."""

    marker: str
    needle: str = PROVIDER_MODULE
    interval: float = 0.2
    _seen: dict[str, _Seen] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _ours(self, pid: str) -> bool:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if self.needle.encode() not in cmdline:
                return False
            return self.marker.encode() in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            return False

    def sample(self) -> None:
        """Read every matching process once."""
        for pid in (p for p in os.listdir("/proc") if p.isdigit()):
            if pid not in self._seen and not self._ours(pid):
                continue
            try:
                status, ticks = _status(pid), _cpu_ticks(pid)
                peak, threads = int(status["VmHWM"].split()[0]), int(status["Threads"])
            except (OSError, IndexError, KeyError, ValueError):
                continue  # it has just exited (a zombie has no memory to report)
            seen = self._seen.setdefault(pid, _Seen())
            seen.rss_peak_kib = max(seen.rss_peak_kib, peak)
            seen.threads = max(seen.threads, threads)
            seen.cpu_ticks = max(seen.cpu_ticks, ticks)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> ProcessWatch:
        self._thread = threading.Thread(target=self._run, name="procwatch", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def processes(self) -> int:
        """How many matching processes were seen."""
        return len(self._seen)

    @property
    def peak_rss_bytes(self) -> int:
        """The largest peak resident set of any one of them."""
        return max((s.rss_peak_kib for s in self._seen.values()), default=0) * 1024

    @property
    def peak_threads(self) -> int:
        """The most threads any one of them had at a sample."""
        return max((s.threads for s in self._seen.values()), default=0)

    @property
    def cpu_seconds(self) -> float:
        """User and system CPU time of all of them, as last seen."""
        ticks = sum(s.cpu_ticks for s in self._seen.values())
        return ticks / os.sysconf("SC_CLK_TCK")
