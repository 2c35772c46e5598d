"""What every provider of this package shares: settings from stack config, the process's
scheduler, and a pickle that carries nothing but the class.

``clock``, ``cancel``, ``policy``, ``settings`` and ``scheduler`` are injection points for
tests (a fake clock makes hours of waiting instant); in a stack, every provider object of
the process shares one scheduler (:func:`omics_resources.scheduling_config.shared_scheduler`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from omics_resources import aws, limits
from omics_resources.cancellation import ENGINE_CANCELLED
from omics_resources.polling import Clock, PollPolicy, SystemClock, default_policy
from omics_resources.scheduler import Scheduler
from omics_resources.scheduling_config import SchedulingSettings, shared_scheduler
from omics_resources.server_pool import widen_stock_server_pool
from omics_resources.validation import SettingRule

__all__ = ["ScheduledProvider", "with_defaults"]


def with_defaults(rules: Mapping[str, SettingRule], news: Mapping[str, Any]) -> dict[str, Any]:
    """``news`` with each unset setting at its default (what check returns as inputs)."""
    inputs = dict(news)
    for name, rule in rules.items():
        if inputs.get(name) is None:
            inputs[name] = rule.default
    return inputs


class ScheduledProvider(ResourceProvider):
    """A dynamic provider whose work goes through the process's shared scheduler."""

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
        self._clock = clock or SystemClock()
        self._cancel = cancel if cancel is not None else ENGINE_CANCELLED
        self._policy = policy or default_policy
        self._aws = settings or aws.AwsSettings()
        self._scheduling = SchedulingSettings()
        self._scheduler = scheduler

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def configure(self, req: ConfigureRequest) -> None:
        """Take region, profile, endpoint and scheduling limits from stack config (never
        credentials)."""
        self._aws = aws.AwsSettings.from_config(req.config.get)
        self._scheduling = SchedulingSettings.from_config(req.config.get)

    def scheduler(self) -> Scheduler:
        """The scheduler this provider's work shares (the process's, unless one was given)."""
        if self._scheduler is not None:
            return self._scheduler
        widen_stock_server_pool(limits.PROVIDER_WORKERS)
        return shared_scheduler(self._aws, self._scheduling)
