"""One dynamic provider for every resource: each engine call is one call of the
resource's core behaviour, its plain result mapped onto the SDK's result classes.

``clock``, ``cancel``, ``policy``, ``settings`` and ``scheduler`` are injection points for
tests (a fake clock makes hours of waiting instant); in a stack, every provider object of
the process shares one scheduler
(:func:`omics_resources.core.account.scheduling_config.shared_scheduler`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.scheduler import Scheduler
from omics_resources.core.resource import ResourceBehaviour, Runtime
from omics_resources.core.watch.polling import Clock, PollPolicy, SystemClock, default_policy
from omics_resources.dynamic.cancellation import ENGINE_CANCELLED
from omics_resources.dynamic.server_pool import widen_stock_server_pool
from omics_resources.dynamic.values import to_core, to_engine

__all__ = ["CoreProvider"]


def _widen_pool() -> None:
    widen_stock_server_pool(limits.PROVIDER_WORKERS)


class CoreProvider(ResourceProvider):
    """A dynamic provider serving one core :class:`ResourceBehaviour` (named by subclasses)."""

    behaviour: ClassVar[type[ResourceBehaviour]]

    # The pickled provider holds no secret (no client, no credentials): keep it readable.
    serialize_as_secret_always = False

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        cancel: threading.Event | None = None,
        policy: Callable[[float], PollPolicy] | None = None,
        settings: aws.AwsSettings | None = None,
        scheduler: Scheduler | None = None,
    ) -> None:
        super().__init__()
        self._runtime = Runtime(
            clock=clock or SystemClock(),
            cancel=cancel if cancel is not None else ENGINE_CANCELLED,
            policy=policy or default_policy,
            settings=settings or aws.AwsSettings(),
            given_scheduler=scheduler,
            before_work=_widen_pool,
        )
        self._core = self.behaviour(self._runtime)

    # Pickled into the state by reference to the class alone: the next run builds its own.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def configure(self, req: ConfigureRequest) -> None:
        """Take region, profile, endpoint and scheduling limits from stack config (never
        credentials)."""
        self._runtime.configure(req.config.get)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Defaults and every problem, by property path; no AWS call."""
        checked = self._core.check(to_core(_olds), to_core(news))
        failures = [CheckFailure(p.path, p.reason) for p in checked.problems]
        return CheckResult(to_engine(checked.inputs), failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """What replaces and what updates in place; no AWS call."""
        diff = self._core.diff(_id, to_core(olds), to_core(news))
        return DiffResult(
            changes=diff.changes,
            replaces=diff.replaces,
            delete_before_replace=diff.delete_before_replace,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create, and wait as the inputs ask."""
        created = self._core.create(props)
        return CreateResult(created.id, created.outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh (an empty answer when the resource is gone)."""
        found = self._core.read(id_, props)
        return ReadResult(found.id, found.outputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Apply in-place changes; every output."""
        return UpdateResult(self._core.update(_id, olds, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Destroy (data is kept unless the inputs ask)."""
        self._core.delete(id_, props)
