"""Whether the Pulumi engine that started a plugin is still there.

The engine starts each plugin in a process group of its own and passes its own gRPC
address as the last argument. When the CLI dies without stopping its plugins (SIGKILL, an
out-of-memory kill, a CI runner's timeout), nothing else ends them: Pulumi's Go plugins
ping the engine's health service and exit once it stops answering. Our plugin hosts do
the same, or a killed ``pulumi up`` would leave a provider polling a job for hours (the
job itself runs on; the next ``pulumi up`` reattaches to it).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable

import grpc

from omics_resources.core import limits

__all__ = ["engine_address", "engine_alive", "watch_engine"]

_HEALTH_CHECK = "/grpc.health.v1.Health/Check"


def engine_address(argv: list[str]) -> str | None:
    """The engine's address among a plugin's arguments (the last one that is not a flag)."""
    positional = [a for a in argv if not a.startswith("-")]
    return positional[-1] if positional else None


def engine_alive(address: str, timeout: float = 5.0) -> bool:
    """False only when nothing answers at ``address`` any more (the connection is refused).

    An engine without the health service (UNIMPLEMENTED) or too busy to answer in time is
    alive: a false "gone" would end a provider in the middle of a healthy update.
    """
    with grpc.insecure_channel(address) as channel:
        check = channel.unary_unary(
            _HEALTH_CHECK,
            request_serializer=lambda _request: b"",  # an empty HealthCheckRequest
            response_deserializer=lambda data: data,
        )
        try:
            check(None, timeout=timeout)
        except grpc.RpcError as error:
            return bool(error.code() != grpc.StatusCode.UNAVAILABLE)
        return True


def _exit_process() -> None:
    # A plugin's main thread blocks in its server for good: only a hard exit ends it. The
    # jobs being waited for run on in the service; the next `pulumi up` reattaches.
    os._exit(0)


def watch_engine(
    address: str,
    on_gone: Callable[[], None] = _exit_process,
    interval: float = limits.ENGINE_HEALTH_INTERVAL_SECONDS,
    stop: threading.Event | None = None,
) -> threading.Thread:
    """Check the engine every ``interval`` seconds in a daemon thread; once it has gone,
    call ``on_gone`` (by default: end this process) and stop checking. ``stop`` ends the
    watch early (tests)."""
    stopped = stop or threading.Event()

    def watch() -> None:
        while not stopped.wait(interval):
            if not engine_alive(address):
                # stderr was a pipe to the dead CLI: writing may fail, and must not stop us.
                with contextlib.suppress(OSError):
                    print(f"the Pulumi engine at {address} is gone: exiting", file=sys.stderr)
                on_gone()
                return

    thread = threading.Thread(target=watch, name="engine-watch", daemon=True)
    thread.start()
    return thread
