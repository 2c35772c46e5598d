"""One provider process of a chaos run: a runtime on the run's fake clock, with its own
scheduler and client, and the hooks that kill it at a chosen API call.

A kill is what SIGKILL does to a provider: from the chosen call on, the process is gone.
Its calls raise :class:`Killed` (a call the service served before its answer was lost,
with ``after``), its cancel event is set so its other threads wind down, and whatever the
engine call it was in returns is thrown away: the state holds nothing of it.
"""

from __future__ import annotations

import random
import threading
from typing import Any

import boto3
import botocore.config

from harness.clients import REGION
from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.api import OmicsApi
from omics_resources.core.account.ratelimit import RateLimiter
from omics_resources.core.account.scheduler import JobSlots, Scheduler
from omics_resources.core.registry import behaviour
from omics_resources.core.resource import ResourceBehaviour, Runtime
from omics_resources.core.watch.polling import Clock, default_policy, wait_proportional

#: One session for every process of a run (its loaded service model is what clients cost).
_SESSION = boto3.session.Session(region_name=REGION)
#: The watcher's interval policy here: a quarter of the youngest job's age, from 5 s. Fewer
#: polls than the default (the tester is about outcomes, not latency), same code paths.
WATCH_INTERVAL = wait_proportional(0.25, 5.0, limits.WATCH_MAX_INTERVAL_SECONDS)


class Killed(BaseException):
    """The process was killed (a BaseException: nothing in core may catch it as an error)."""


class Process:
    """A provider process: behaviours on one runtime. ``kill_at`` (the n-th API call, 1
    based, of ``kill_operation`` or any) kills it, before that call is sent or, with
    ``kill_after``, once it was served; with ``cancel_only`` it is cancelled there instead."""

    def __init__(self, clock: Clock, url: str, *, slots: int, kill_at: int | None = None,
                 kill_after: bool = False, kill_operation: str | None = None,
                 cancel_only: bool = False) -> None:
        self.clock = clock
        self.cancel = threading.Event()
        self.kill_at, self.kill_after, self.kill_operation = kill_at, kill_after, kill_operation
        #: A Ctrl-C rather than a kill: the engine's Cancel, the call's answer kept.
        self.cancel_only = cancel_only
        self.killed = False
        self.calls = 0
        self.lines: list[str] = []
        self._lock = threading.Lock()
        # One attempt per call: the core's own retries (on the fake clock) are what is
        # tested; botocore's would sleep real seconds.
        config = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"},
                                        inject_host_prefix=False)
        self.client = _SESSION.client(aws.SERVICE_NAME, endpoint_url=url, config=config)
        self.client.meta.events.register("before-call.omics", self._before)
        self.client.meta.events.register("after-call.omics", self._after)
        limiter = RateLimiter(limits.RATE_BUDGETS, clock=clock)
        api = OmicsApi(lambda: self.client, limiter, clock=clock, cancel=self.cancel,
                       rng=random.Random(7))
        self.scheduler = Scheduler(
            api=api, slots={k: JobSlots(slots, clock) for k in limits.DEFAULT_JOB_SLOTS},
            clock=clock, interval=WATCH_INTERVAL)
        self.runtime = Runtime(
            clock=clock, cancel=self.cancel,
            policy=lambda timeout: default_policy(timeout, jitter=False),
            settings=aws.AwsSettings(region=REGION, endpoint_url=url),
            given_scheduler=self.scheduler, sink=self._say)

    def behaviour(self, type_name: str) -> ResourceBehaviour:
        return behaviour(type_name)(self.runtime)

    def _say(self, line: str) -> None:
        with self._lock:
            self.lines.append(line)

    def _counts(self, operation: str) -> bool:
        return self.kill_operation is None or operation == self.kill_operation

    def _before(self, model: Any, **_: Any) -> None:
        with self._lock:
            if self.killed:
                raise Killed()
            if not self._counts(model.name):
                return
            self.calls += 1
            if self.kill_at is not None and not self.kill_after and self.calls >= self.kill_at:
                self._die()

    def _after(self, model: Any, **_: Any) -> None:
        with self._lock:
            if self.killed:
                raise Killed()
            if (self.kill_at is not None and self.kill_after and self._counts(model.name)
                    and self.calls >= self.kill_at):
                self._die()

    def _die(self) -> None:
        if self.cancel_only:
            self.cancel.set()
            self.kill_at = None
            return
        self.killed = True
        self.cancel.set()
        raise Killed()

    def stop(self) -> None:
        """The process ends (its engine call returned): its threads stop waiting."""
        self.cancel.set()
