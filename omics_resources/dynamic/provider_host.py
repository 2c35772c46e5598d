"""Serve dynamic providers to the Pulumi engine: the SDK's own server, two changes.

Run as ``python -u -m omics_resources.dynamic.provider_host`` by our plugin shim
``bin/pulumi-resource-pulumi-python``. It runs the SDK's ``pulumi.dynamic`` server (the
same servicer, the same protocol: any dynamic provider works under it) with:

* a thread pool sized to the work instead of 4 workers. One provider process serves every
  dynamic resource of a stack, and a create that waits hours for a job holds a worker;
  with 4, a stack of 12 import jobs runs in waves of 4 and even other resources' Check
  calls queue behind them. ``OMICS_RESOURCES_PROVIDER_WORKERS`` sets the size.
* ``Cancel`` honoured: the SDK ignores it; here it sets
  :data:`omics_resources.dynamic.cancellation.ENGINE_CANCELLED`, so a Ctrl-C'd ``pulumi up``
  does not wait hours for running jobs: each wait ends with "still running, re-run to resume".
* the engine watched (:mod:`omics_resources.dynamic.engine`): when the CLI that started it is
  killed, the process exits instead of waiting for jobs nobody will hear about.
* our errors (:class:`~omics_resources.core.errors.OmicsResourceError`: a failed job, a wait
  that ended, bad inputs) reach the user as their message alone. The SDK sends every
  exception's traceback as the gRPC error, so each failed job printed ten lines of
  ``pulumi/dynamic/__main__.py`` frames above the message; they say nothing the message
  does not, and the user has something to do. Any other exception keeps its traceback: it
  is a bug, and the frames are what a bug report needs.
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Callable
from concurrent import futures
from typing import Any

from omics_resources.core import limits
from omics_resources.core.errors import OmicsResourceError
from omics_resources.dynamic.cancellation import ENGINE_CANCELLED
from omics_resources.dynamic.engine import engine_address, watch_engine

__all__ = ["DEFAULT_WORKERS", "PROVIDER_CALLS", "WORKERS_ENV", "main"]

WORKERS_ENV = "OMICS_RESOURCES_PROVIDER_WORKERS"
#: The pool's default size (the stock server's pool is widened to the same, see
#: :mod:`omics_resources.dynamic.server_pool`).
DEFAULT_WORKERS = limits.PROVIDER_WORKERS


def _workers() -> int:
    raw = os.environ.get(WORKERS_ENV, "")
    try:
        return max(4, int(raw)) if raw else DEFAULT_WORKERS
    except ValueError:
        raise SystemExit(f"{WORKERS_ENV} must be a whole number, not {raw!r}") from None


#: The servicer's methods that call a provider (the SDK turns what they raise into an abort).
PROVIDER_CALLS = ("Check", "Diff", "Create", "Read", "Update", "Delete")


class _MessageForOurErrors:
    """The gRPC context of one call, except ``abort``: the SDK calls it from inside its
    ``except`` block with the traceback as details; for our errors, the message instead."""

    def __init__(self, context: Any) -> None:
        self._context = context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def abort(self, code: Any, details: str) -> Any:
        handled = sys.exception()
        if isinstance(handled, OmicsResourceError):
            details = str(handled)
        return self._context.abort(code, details)


def _message_for_our_errors(call: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def wrapped(request: Any, context: Any) -> Any:
        return call(request, _MessageForOurErrors(context))

    return wrapped


def main() -> None:
    """Run the SDK's dynamic-provider server with a larger pool, a working Cancel, and our
    errors shown as their message."""
    from pulumi.runtime.proto import provider_pb2_grpc  # noqa: PLC0415 - after env checks

    workers = _workers()
    stock_pool = futures.ThreadPoolExecutor
    stock_register = provider_pb2_grpc.add_ResourceProviderServicer_to_server

    def sized_pool(*_args: Any, **kwargs: Any) -> futures.ThreadPoolExecutor:
        # Only the server's own pool is resized: put the stock class back at once.
        futures.ThreadPoolExecutor = stock_pool  # type: ignore[misc]
        kwargs["max_workers"] = max(workers, int(kwargs.get("max_workers") or 0))
        return stock_pool(**kwargs)

    def register(servicer: Any, server: Any) -> None:
        stock_cancel = servicer.Cancel

        def cancel(request: Any, context: Any) -> Any:
            ENGINE_CANCELLED.set()
            return stock_cancel(request, context)

        servicer.Cancel = cancel
        for name in PROVIDER_CALLS:
            setattr(servicer, name, _message_for_our_errors(getattr(servicer, name)))
        stock_register(servicer, server)

    address = engine_address(sys.argv[1:])
    if address:
        watch_engine(address)
    futures.ThreadPoolExecutor = sized_pool  # type: ignore[misc, assignment]
    provider_pb2_grpc.add_ResourceProviderServicer_to_server = register
    # The SDK's __main__ builds the pool, registers the servicer, prints the port, serves.
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
