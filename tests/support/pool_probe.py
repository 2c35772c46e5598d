"""A dynamic provider that reports the provider process's thread pools around a widening."""

from __future__ import annotations

import gc
from concurrent import futures
from typing import Any

from pulumi.dynamic import CreateResult, ResourceProvider

from omics_resources.core import limits
from omics_resources.dynamic.server_pool import widen_stock_server_pool


def _pool_sizes() -> list[int]:
    return sorted(p._max_workers for p in gc.get_objects()
                  if isinstance(p, futures.ThreadPoolExecutor))


class PoolProbe(ResourceProvider):
    """Create widens the pool as a job provider does, and returns the pool sizes before
    and after, and what the widening said."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        before = _pool_sizes()
        widened = widen_stock_server_pool(limits.PROVIDER_WORKERS)
        return CreateResult("probe", {"before": before, "after": _pool_sizes(), "widened": widened})
