"""``pulumi-resource-omics``: the SDK's provider server (``pulumi.provider.experimental``)
serving :class:`~omics_resources.provider.provider.OmicsProvider`, with two changes:

* a :class:`~omics_resources.provider.provider.ProviderError` (bad input, a failed job, a
  wait that ended) reaches the user as its message alone, with a gRPC code the engine
  treats as a clean failure; the SDK sends every exception with its traceback under
  UNKNOWN, which the engine reads as "the resource may be in any state". A partly created
  resource goes with the engine's ``ErrorResourceInitFailed`` detail (its id and
  properties), so the engine records it and the next ``pulumi up`` updates it. Any other
  exception keeps the SDK's traceback: it is a bug, and the frames are what a report needs.
* the engine is watched (:mod:`omics_resources.dynamic.engine`): when the CLI that started
  the plugin is killed, the process exits instead of waiting for jobs nobody will hear of.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from importlib import metadata
from typing import Any

import grpc
import grpc.aio
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc, status_pb2

from omics_resources.dynamic.engine import watch_engine
from omics_resources.provider.provider import OmicsProvider, ProviderError

__all__ = ["OmicsServicer", "main", "serve"]

#: The servicer's methods that run provider code (each may raise a ProviderError).
_CALLS = (
    "CheckConfig",
    "Configure",
    "Check",
    "Diff",
    "Create",
    "Read",
    "Update",
    "Delete",
    "Invoke",
)
#: A clean failure for the engine (not UNKNOWN or INTERNAL: "may be in any state").
_FAILED = grpc.StatusCode.FAILED_PRECONDITION


def _status(error: ProviderError) -> grpc.Status:
    """The gRPC status for ``error``, with the init-failure detail of a partial create."""
    status = grpc.Status()
    status.code = _FAILED
    status.details = str(error)
    status.trailing_metadata = ()
    if error.partial is not None:
        id_, properties, inputs = error.partial
        detail = provider_pb2.ErrorResourceInitFailed(
            id=id_,
            properties=PropertyValue.marshal_map(properties),
            inputs=PropertyValue.marshal_map(inputs),
            reasons=[str(error)],
        )
        rich = status_pb2.Status(code=_FAILED.value[0], message=str(error))
        rich.details.add().Pack(detail)
        status.trailing_metadata = (("grpc-status-details-bin", rich.SerializeToString()),)
    return status


def _clean(call: Callable[[Any, Any], Awaitable[Any]]) -> Callable[[Any, Any], Awaitable[Any]]:
    async def wrapped(request: Any, context: Any) -> Any:
        try:
            return await call(request, context)
        except Exception as error:
            # The SDK re-raises with the traceback in the message: ours is what it handled.
            cause = error if isinstance(error, ProviderError) else error.__context__
            if isinstance(cause, ProviderError):
                await context.abort_with_status(_status(cause))
            raise

    return wrapped


class OmicsServicer(ProviderServicer):
    """The SDK's servicer, with our errors sent as their message (see the module)."""

    def __init__(self, args: list[str], version: str, provider: OmicsProvider, engine: str) -> None:
        super().__init__(args, version, provider, engine)
        for name in _CALLS:
            setattr(self, name, _clean(getattr(self, name)))


async def serve(provider: OmicsProvider, engine: str, args: list[str]) -> None:
    """Serve on a free loopback port, printed on stdout for the engine, until stopped."""
    server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
    version = metadata.version("omics-resources")
    servicer = OmicsServicer(args, version, provider, engine)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await server.wait_for_termination()


def main(argv: list[str] | None = None) -> None:
    """The plugin's entry point: ``pulumi-resource-omics <engine address>``."""
    args = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="pulumi-resource-omics")
    parser.add_argument("engine", help="the Pulumi engine's address")
    known, _ = parser.parse_known_args(args)
    watch_engine(known.engine)
    provider = OmicsProvider(engine=known.engine)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(provider, known.engine, args))


if __name__ == "__main__":
    main()
