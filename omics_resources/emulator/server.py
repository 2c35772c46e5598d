"""The emulator's HTTP server: one endpoint for HealthOmics, S3 (moto) and `/_emulator/`.

Requests are dispatched by where they go and how they are signed: `/_emulator/` paths to
the control API, requests signed for `s3` to moto, everything else to the HealthOmics API.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request

from omics_resources.emulator.control import PREFIX, Control
from omics_resources.emulator.faults import FaultInjector, FaultRule
from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.models import OmicsBackend, RequestLog
from omics_resources.emulator.persistence import StateFile
from omics_resources.emulator.responses import OmicsApi, signing_service
from omics_resources.emulator.s3 import S3Objects, s3_app

__all__ = ["EmulatorServer"]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Every request is in the request log; don't print each one."""


# S3 requests that may change buckets or objects: the state file is written after them.
_S3_WRITES = frozenset({"PUT", "POST", "DELETE"})


class _Dispatcher:
    def __init__(
        self,
        backend: OmicsBackend,
        faults: FaultInjector,
        log: RequestLog,
        on_s3_write: Callable[[], None],
    ) -> None:
        self.backend = backend
        self.control = Control(backend, faults, log)
        self.omics = OmicsApi(backend, faults, log)
        self.s3 = s3_app()
        self.on_s3_write = on_s3_write

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith(PREFIX):
            return self.control(request)(environ, start_response)
        if signing_service(request) == "s3":
            if request.method not in _S3_WRITES:
                return self.s3(environ, start_response)  # type: ignore[no-any-return]
            # Under the backend's lock, like every HealthOmics change: the state file is
            # written from a consistent view (moto has handled the request when it returns).
            with self.backend.lock:
                answer: Iterable[bytes] = self.s3(environ, start_response)
                self.on_s3_write()
            return answer
        return self.omics(request)(environ, start_response)


class EmulatorServer:
    """A running emulator (a thread of this process); use it as a context manager::

        with EmulatorServer(port=0, durations=Durations(speed=0.1)) as emulator:
            boto3.client("omics", endpoint_url=emulator.url, ...)

    Its methods mirror the control API for callers in the same process.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 4566,
        *,
        state_file: str | None = None,
        durations: Durations | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.log = RequestLog()
        self.faults = FaultInjector()
        self._state = StateFile(state_file) if state_file else None
        self.backend = OmicsBackend(clock=clock, durations=durations, on_change=self._save)
        self.objects = S3Objects()
        if self._state is not None:
            saved = self._state.read()
            if saved is not None:
                self.backend.load(saved)
                self.objects.load(saved.get("s3", {}))
        self._server: BaseWSGIServer = make_server(
            host,
            port,
            _Dispatcher(self.backend, self.faults, self.log, on_s3_write=self._save),
            threaded=True,
            request_handler=_QuietHandler,
        )
        self._thread: threading.Thread | None = None

    def _save(self) -> None:
        if self._state is not None:
            self._state.write({**self.backend.dump(), "s3": self.objects.dump()})

    @property
    def url(self) -> str:
        """The endpoint URL, e.g. ``http://127.0.0.1:4566``."""
        host, port = self._server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}"

    def start(self) -> EmulatorServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="omics-emulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # -- the control API, for callers in this process -------------------------------------

    def archive(self, sequence_store_id: str, read_set_ids: list[str]) -> list[str]:
        """Archive read sets now."""
        return self.backend.archive(sequence_store_id, read_set_ids)

    def set_durations(self, **changes: float) -> Durations:
        """Change job durations (camelCase or snake_case names)."""
        self.backend.durations = self.backend.durations.updated(changes)
        return self.backend.durations

    def add_fault(
        self,
        operation: str,
        error: str,
        *,
        rate: float | None = None,
        count: int | None = None,
        seed: int | None = None,
        after: bool = False,
    ) -> None:
        """Inject ``error`` on ``operation`` (or ``*``): at ``rate``, or the next ``count``;
        with ``after``, once the request has been served (a lost answer)."""
        rule = {"operation": operation, "error": error, "rate": rate, "count": count}
        self.faults.add(FaultRule.from_wire({**rule, "seed": seed, "after": after}))

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self.faults.clear()

    def set_quota(self, max_active_jobs: int | None) -> None:
        """Allow at most this many jobs not yet ended (None: no limit)."""
        self.backend.max_active_jobs = max_active_jobs

    def request_log(self) -> dict[str, Any]:
        """Counts per operation and every request answered."""
        return self.log.snapshot()

    def reset(self) -> None:
        """Forget everything."""
        self.backend.reset()
        self.faults.clear()
        self.log.clear()
