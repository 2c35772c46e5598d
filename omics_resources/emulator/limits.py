"""The service's limits, on by default: API rates per budget and concurrent jobs per kind.

:data:`BUDGETS` and :data:`JOB_QUOTAS` are the one table of them; the budget of an
operation, the command-line flags, the control API's checks and its answers are derived
from it. A budget is a token bucket: it holds up to ``rate x burst_seconds`` requests
(at least one) and refills at ``rate`` per second; a request that finds it empty is
answered ThrottlingException (429, as botocore's model defines it). Starting a job while
``max_active_jobs[kind]`` jobs of that kind have not ended is answered
ServiceQuotaExceededException (402).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from omics_resources.emulator.exceptions import ThrottlingException, ValidationException
from omics_resources.emulator.jobs import ActivationJob, ExportJob, ImportJob
from omics_resources.emulator.reference_entities import ReferenceImportJob

__all__ = [
    "BUDGETS",
    "DEFAULT_BURST_SECONDS",
    "JOB_QUOTAS",
    "Budget",
    "LimitConfig",
    "Limits",
    "budget_of",
]


@dataclass(frozen=True)
class Budget:
    """Operations that share one rate, in requests per second."""

    name: str
    rate: float
    operations: tuple[str, ...]


#: HealthOmics' API quotas (developer guide, "HealthOmics API quotas", storage API table):
#: per account and Region, shared by every caller; each row one budget.
BUDGETS: Final = (
    Budget(
        "importJobs", 5, ("StartReadSetImportJob", "GetReadSetImportJob", "ListReadSetImportJobs")
    ),
    Budget("activationStarts", 5, ("StartReadSetActivationJob",)),
    Budget("activationJobs", 5, ("GetReadSetActivationJob", "ListReadSetActivationJobs")),
    Budget(
        "exportJobs", 5, ("StartReadSetExportJob", "GetReadSetExportJob", "ListReadSetExportJobs")
    ),
    Budget("readSets", 5, ("GetReadSetMetadata", "ListReadSets")),
    Budget("tags", 5, ("TagResource", "UntagResource", "ListTagsForResource")),
    Budget("batchDelete", 1, ("BatchDeleteReadSet",)),
    Budget("sequenceStores", 5, ("GetSequenceStore", "ListSequenceStores")),
    # The guide's row also has UpdateSequenceStore.
    Budget(
        "sequenceStoreChanges",
        1,
        (
            "CreateSequenceStore",
            "DeleteSequenceStore",
            "CreateReferenceStore",
            "DeleteReferenceStore",
        ),
    ),
    # Direct upload (the guide's rows; the two lists' rates are our assumption, see
    # docs/emulator.md).
    Budget("uploadCreates", 1, ("CreateMultipartReadSetUpload",)),
    Budget("uploadCompletes", 1, ("CompleteMultipartReadSetUpload",)),
    Budget("uploadAborts", 1, ("AbortMultipartReadSetUpload",)),
    Budget("uploadParts", 10, ("UploadReadSetPart",)),
    Budget("uploadLists", 5, ("ListMultipartReadSetUploads", "ListReadSetUploadParts")),
    Budget(
        "referenceImportJobs",
        5,
        ("StartReferenceImportJob", "GetReferenceImportJob", "ListReferenceImportJobs"),
    ),
    Budget("referenceStores", 5, ("GetReferenceStore", "ListReferenceStores")),
    Budget("references", 5, ("GetReferenceMetadata", "ListReferences", "DeleteReference")),
)

#: Concurrent jobs per kind: the service quotas "Storage - Maximum concurrent sequence or
#: reference store import jobs" (L-F57A8D18) and "Storage - Maximum concurrent read set
#: activation jobs" (L-911E26A1). Their defaults are not in any copy of the guide we could
#: read: 10 is our assumption (docs/emulator.md), adjustable like the service's. Export
#: jobs: "Storage - Maximum concurrent read set export jobs", 10 assumed the same way.
#: Reference imports have their own count here (and one job at a time per reference store).
JOB_QUOTAS: Final[Mapping[str, int | None]] = {
    ImportJob.KIND: 10,
    ActivationJob.KIND: 10,
    ExportJob.KIND: 10,
    ReferenceImportJob.KIND: 10,
}

#: The service does not publish its burst capacity: ours holds one second of the rate.
DEFAULT_BURST_SECONDS: Final = 1.0

_BUDGET_OF = {operation: budget for budget in BUDGETS for operation in budget.operations}


def budget_of(operation: str) -> Budget:
    """The budget an operation spends (every operation the emulator serves has one)."""
    return _BUDGET_OF[operation]


def _positive(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValidationException(f"{what} must be a number above 0, not {value!r}")
    return float(value)


def _quota(value: Any, kind: str) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValidationException(
            f"maxActiveJobs.{kind} must be a whole number (0 or more) or null, not {value!r}"
        )
    return None if value is None else int(value)


def _known(given: Mapping[str, Any], known: Mapping[str, Any], what: str) -> None:
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValidationException(
            f"unknown {what} {', '.join(unknown)} (known: {', '.join(known)})"
        )


@dataclass(frozen=True)
class LimitConfig:
    """How the limits are set: at start, changed through the control API, and what a
    reset returns to. ``rate_limits=False`` lifts every rate (the job quotas stay);
    a job quota of None lifts it."""

    rate_limits: bool = True
    rates: Mapping[str, float] = field(default_factory=lambda: {b.name: b.rate for b in BUDGETS})
    burst_seconds: float = DEFAULT_BURST_SECONDS
    max_active_jobs: Mapping[str, int | None] = field(default_factory=lambda: dict(JOB_QUOTAS))

    def updated(self, changes: Mapping[str, Any]) -> LimitConfig:
        """A copy with the control API's camelCase ``changes`` applied (checked); rates and
        quotas not named keep their value."""
        wire = {"rateLimits", "rates", "burstSeconds", "maxActiveJobs"}
        _known(changes, dict.fromkeys(wire), "limit")
        config = self
        if "rateLimits" in changes:
            if not isinstance(changes["rateLimits"], bool):
                raise ValidationException("rateLimits must be true or false")
            config = replace(config, rate_limits=changes["rateLimits"])
        if "burstSeconds" in changes:
            config = replace(
                config, burst_seconds=_positive(changes["burstSeconds"], "burstSeconds")
            )
        if "rates" in changes:
            rates = changes["rates"]
            if not isinstance(rates, Mapping):
                raise ValidationException("rates must be an object of budget names to rates")
            _known(rates, config.rates, "budget")
            new = {name: _positive(rate, f"rates.{name}") for name, rate in rates.items()}
            config = replace(config, rates={**config.rates, **new})
        if "maxActiveJobs" in changes:
            quotas = changes["maxActiveJobs"]
            if not isinstance(quotas, Mapping):
                raise ValidationException("maxActiveJobs must be an object of job kinds to numbers")
            _known(quotas, config.max_active_jobs, "job kind")
            new_quotas = {kind: _quota(n, kind) for kind, n in quotas.items()}
            config = replace(config, max_active_jobs={**config.max_active_jobs, **new_quotas})
        return config

    def to_wire(self) -> dict[str, Any]:
        """The control API's view, with each budget's operations."""
        return {
            "rateLimits": self.rate_limits,
            "burstSeconds": self.burst_seconds,
            "rates": dict(self.rates),
            "operations": {b.name: list(b.operations) for b in BUDGETS},
            "maxActiveJobs": dict(self.max_active_jobs),
        }


class _Bucket:
    """A token bucket: ``capacity`` tokens at most, refilled at ``rate`` per second."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.last = capacity, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Limits:
    """The emulator's live limits (thread-safe): one bucket per budget, and the quotas."""

    def __init__(
        self, config: LimitConfig | None = None, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._initial = config or LimitConfig()
        self._clock = clock
        self._lock = threading.Lock()
        self._apply(self._initial)

    def _apply(self, config: LimitConfig) -> None:
        now = self._clock()
        self._config = config
        self._buckets = {
            name: _Bucket(rate, max(1.0, rate * config.burst_seconds), now)
            for name, rate in config.rates.items()
        }

    @property
    def config(self) -> LimitConfig:
        """The limits in force."""
        return self._config

    def admit(self, operation: str) -> None:
        """Spend one request of ``operation``'s budget, or raise ThrottlingException."""
        budget = budget_of(operation)
        with self._lock:
            if not self._config.rate_limits or self._buckets[budget.name].take(self._clock()):
                return
            rate = self._config.rates[budget.name]
        raise ThrottlingException(
            f"Rate exceeded: {operation} shares the {budget.name} budget of {rate:g} "
            "requests per second"
        )

    def job_quota(self, kind: str) -> int | None:
        """At most this many jobs of ``kind`` not yet ended (None: no limit)."""
        return self._config.max_active_jobs.get(kind)

    def update(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply the control API's ``changes`` (buckets start full); the limits in force."""
        with self._lock:
            self._apply(self._config.updated(changes))
            return self._config.to_wire()

    def reset(self) -> None:
        """Back to the limits the emulator was started with, buckets full."""
        with self._lock:
            self._apply(self._initial)
