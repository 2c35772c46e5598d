"""Progress lines on the resource's own row: the engine's ``Log`` with the resource's URN.

A :class:`~omics_resources.core.progress.StatusLine` (how a wait stands now) goes as an
ephemeral message: the engine shows it in the resource's status column while it waits,
replaced by the next. Every other line (started, reattached, the final count, what was
kept) goes to the resource's diagnostics, shown under it when the update ends.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from omics_resources.core.progress import Sink, StatusLine, print_line

__all__ = ["EngineLog"]


class EngineLog:
    """The engine's log service (or stderr, when no engine address was given: tests)."""

    def __init__(self, address: str | None) -> None:
        self._address = address
        self._stub: engine_pb2_grpc.EngineStub | None = None
        self._lock = threading.Lock()

    def _engine(self) -> engine_pb2_grpc.EngineStub | None:
        with self._lock:
            if self._stub is None and self._address:
                channel = grpc.insecure_channel(self._address)
                self._stub = engine_pb2_grpc.EngineStub(channel)
            return self._stub

    def sink(self, urn: str, edit: Callable[[str], str]) -> Sink:
        """A sink for one resource: each line passed through ``edit`` (names, secrets)."""

        def log(line: str) -> None:
            text = edit(line)
            engine = self._engine()
            if engine is None:
                print_line(text, sys.stderr)
                return
            request = engine_pb2.LogRequest(
                severity=engine_pb2.INFO,
                message=text,
                urn=urn,
                ephemeral=isinstance(line, StatusLine),
            )
            try:
                engine.Log(request)
            except grpc.RpcError:
                # The engine is gone or busy: the line is lost, the work goes on.
                with contextlib.suppress(OSError):
                    print_line(text, sys.stderr)

        return log
