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

from omics_resources.emulator import persistence
from omics_resources.emulator.behaviour import Behaviour
from omics_resources.emulator.control import PREFIX, Control
from omics_resources.emulator.faults import FaultInjector
from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.limits import LimitConfig, Limits
from omics_resources.emulator.models import OmicsBackend
from omics_resources.emulator.persistence import StateFile
from omics_resources.emulator.request_log import RequestLog
from omics_resources.emulator.responses import OmicsApi, signing_service
from omics_resources.emulator.s3 import S3Objects, s3_app

__all__ = ["EmulatorServer"]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Every request is in the request log; don't print each one."""


# S3 requests that may change buckets or objects: the state file is written after them.
_S3_WRITES = frozenset({"PUT", "POST", "DELETE"})


class _Dispatcher:
    def __init__(self, backend: OmicsBackend, control: Control, omics: OmicsApi) -> None:
        self.backend = backend
        self.control = control
        self.omics = omics
        self.s3 = s3_app()

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
                self.backend.changed()
            return answer
        return self.omics(request)(environ, start_response)


class EmulatorServer:
    """A running emulator (a thread of this process); use it as a context manager::

        with EmulatorServer(port=0, durations=Durations(speed=0.1)) as emulator:
            boto3.client("omics", endpoint_url=emulator.url, ...)
            emulator.control.handle("POST", "quota", {"maxActiveJobs": 2})

    ``control`` runs the control API in-process, with the same validation as over HTTP.
    The service's limits are on unless ``limits`` says otherwise (e.g.
    ``LimitConfig(rate_limits=False)``). ``behaviour`` picks a reading where the service's
    documentation is silent, e.g. ``Behaviour(token_reuse="earlier-job")``: a client token
    reused for a different request gets the job it started instead of a 400. A reset goes
    back to the limits and behaviour given here.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 4566,
        *,
        state_file: str | None = None,
        durations: Durations | None = None,
        limits: LimitConfig | None = None,
        behaviour: Behaviour | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.log = RequestLog()
        self.faults = FaultInjector()
        self._state = StateFile(state_file) if state_file else None
        self.objects = S3Objects()
        self.backend = OmicsBackend(
            clock=clock,
            durations=durations,
            limits=Limits(limits, clock=clock),
            behaviour=behaviour,
            on_change=self._save,
        )
        if state_file:
            # Uploaded parts and read sets' bytes live beside the state file, not in it.
            self.backend.use_parts_dir(f"{state_file}.parts")
        if self._state is not None:
            saved = self._state.read()
            if saved is not None:
                persistence.load(self.backend, self.objects, saved)
        self.control = Control(self.backend, self.faults, self.log)
        omics = OmicsApi(self.backend, self.faults, self.log)
        self._server: BaseWSGIServer = make_server(
            host,
            port,
            _Dispatcher(self.backend, self.control, omics),
            threaded=True,
            request_handler=_QuietHandler,
        )
        self._thread: threading.Thread | None = None

    def _save(self) -> None:
        if self._state is not None:
            self._state.write(persistence.dump(self.backend, self.objects))

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

    def close(self) -> None:
        """Close the listening socket (after :meth:`serve_forever` returned)."""
        self._server.server_close()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._state is None:
            self.backend.reset_uploads()  # their files are in a temporary directory

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
