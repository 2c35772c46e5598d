"""Lift the stock dynamic-provider server's 4-worker ceiling from inside it.

``python -m pulumi.dynamic`` (what a stock Pulumi install runs for every dynamic resource of
a stack) serves gRPC on a pool of 4 threads, and a create that waits for its job holds one:
40 job resources ran in waves of 4 whatever the job quota. Our creates wait cheaply (one
shared poll per store, see :mod:`omics_resources.core.account.scheduler`), so the pool is the only
ceiling left. When this package is first used inside that server, the server's own pool is
given more workers (``ThreadPoolExecutor`` reads ``_max_workers`` each time it considers
starting a thread). Under :mod:`omics_resources.dynamic.provider_host` the pool is already sized
and nothing changes.
"""

from __future__ import annotations

import gc
import sys
import threading
from concurrent import futures

__all__ = ["HOST_MODULE", "STOCK_SERVER_MODULE", "widen_stock_server_pool"]

STOCK_SERVER_MODULE = "pulumi.dynamic.__main__"
HOST_MODULE = "omics_resources.dynamic.provider_host"
_done = threading.Event()


def _in_stock_server() -> bool:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    # Our host runs the same module (runpy) on a pool it sized itself, maybe smaller on
    # purpose (OMICS_RESOURCES_PROVIDER_WORKERS): the interpreter's command line tells them apart.
    return (
        spec is not None and spec.name == STOCK_SERVER_MODULE and HOST_MODULE not in sys.orig_argv
    )


def widen_stock_server_pool(workers: int) -> int:
    """Give the stock server's gRPC pool at least ``workers`` threads (once per process);
    returns how many pools were widened (0 outside the stock server, or when done before)."""
    if _done.is_set() or not _in_stock_server():
        return 0
    _done.set()
    widened = 0
    for candidate in gc.get_objects():
        if isinstance(candidate, futures.ThreadPoolExecutor):
            current = getattr(candidate, "_max_workers", workers)
            if current < workers:
                candidate._max_workers = workers
                # A pool starts a thread only when work is submitted: calls queued before
                # the widening (creates sent together) would still wait for the 4 threads.
                for _ in range(candidate._work_queue.qsize()):
                    candidate._adjust_thread_count()
                widened += 1
    return widened
