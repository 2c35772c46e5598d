"""The stack settings of the shared scheduler, and the one scheduler per provider process.

Stack config (all optional; defaults are HealthOmics' published quotas):

=============================================  ==============================================
``omics-resources:maxRequestsPerSecond``       a number (every budget at most this rate) or an
                                               object ``{budget: rate}`` (see
                                               :data:`omics_resources.core.limits.RATE_BUDGETS`)
``omics-resources:maxConcurrentImportJobs``    import jobs of this stack running at once
``omics-resources:maxConcurrentActivationJobs`` activation jobs of this stack running at once
``omics-resources:maxConcurrentReferenceImportJobs`` reference import jobs of this stack running
                                               at once (1: a store imports one at a time)
=============================================  ==============================================
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.api import OmicsApi
from omics_resources.core.account.ratelimit import RateLimiter
from omics_resources.core.account.scheduler import JobSlots, Scheduler
from omics_resources.core.errors import OmicsResourceError

__all__ = [
    "RATE_CONFIG_KEY",
    "SLOT_CONFIG_KEYS",
    "SchedulingSettings",
    "shared_scheduler",
]

RATE_CONFIG_KEY = "omics-resources:maxRequestsPerSecond"
#: Job kind -> the stack-config key of its slot count.
SLOT_CONFIG_KEYS: Mapping[str, str] = {
    "import": "omics-resources:maxConcurrentImportJobs",
    "activation": "omics-resources:maxConcurrentActivationJobs",
    "export": "omics-resources:maxConcurrentExportJobs",
    "reference": "omics-resources:maxConcurrentReferenceImportJobs",
}


class SchedulingConfigError(OmicsResourceError, ValueError):
    """A scheduling key of the stack config has a value we cannot use (the user must fix
    the config: under our provider host it reads as its message alone)."""


@dataclass(frozen=True)
class SchedulingSettings:
    """Rates per budget and job slots per kind (the published defaults unless configured)."""

    rates: tuple[tuple[str, float], ...] = tuple(
        (b.name, b.requests_per_second) for b in limits.RATE_BUDGETS
    )
    slots: tuple[tuple[str, int], ...] = tuple(limits.DEFAULT_JOB_SLOTS.items())

    @classmethod
    def from_config(cls, get: Callable[[str], Any]) -> SchedulingSettings:
        """Read the keys above (``get`` is ``ConfigureRequest.config.get``); a bad value
        raises naming the key, the value and what it must be."""
        rates = dict(cls().rates)
        raw = get(RATE_CONFIG_KEY)
        if raw not in (None, ""):
            value = _json(raw)
            if isinstance(value, Mapping):
                for name, rate in value.items():
                    if name not in rates:
                        raise SchedulingConfigError(
                            f"{RATE_CONFIG_KEY}: {name!r} is not a budget "
                            f"(known: {', '.join(rates)})"
                        )
                    rates[name] = _positive(f"{RATE_CONFIG_KEY}.{name}", rate, float)
            else:
                cap = _positive(RATE_CONFIG_KEY, value, float)
                rates = {name: min(rate, cap) for name, rate in rates.items()}
        slots = dict(cls().slots)
        for kind, key in SLOT_CONFIG_KEYS.items():
            raw = get(key)
            if raw not in (None, ""):
                slots[kind] = int(_positive(key, _json(raw), int))
        return cls(rates=tuple(rates.items()), slots=tuple(slots.items()))


def _json(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
    return raw


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond any float: no rate or slot count is that big
        return False


def _positive(key: str, value: Any, kind: type) -> float:
    ok = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and _finite(value)
        and value > 0
    )
    if ok and kind is int and float(value) != int(value):
        ok = False
    if not ok:
        what = "a whole number above 0" if kind is int else "a number above 0"
        raise SchedulingConfigError(f"{key} must be {what}, not {value!r}")
    return float(value)


@dataclass
class _Registry:
    lock: threading.Lock = field(default_factory=threading.Lock)
    schedulers: dict[tuple[aws.AwsSettings, SchedulingSettings], Scheduler] = field(
        default_factory=dict
    )


_REGISTRY = _Registry()


def shared_scheduler(settings: aws.AwsSettings, scheduling: SchedulingSettings) -> Scheduler:
    """The scheduler of this process for one account endpoint: every job resource of the
    stack (whichever provider object serves it) shares its rate limiter, slots and watchers."""
    key = (settings, scheduling)
    with _REGISTRY.lock:
        scheduler = _REGISTRY.schedulers.get(key)
        if scheduler is None:
            limiter = RateLimiter(limits.RATE_BUDGETS, overrides=dict(scheduling.rates))
            # A call's turn comes within a fraction of a second at our pace: waiting for it
            # is not cancelled, so a started job's answer is never dropped on the floor.
            api = OmicsApi(lambda: aws.omics_client(settings), limiter)
            scheduler = Scheduler(api=api, slots={k: JobSlots(n) for k, n in scheduling.slots})
            _REGISTRY.schedulers[key] = scheduler
    return scheduler
