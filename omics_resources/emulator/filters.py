"""The List* operations' filters (the model's ReadSetFilter, ImportReadSetFilter,
ActivateReadSetFilter and SequenceStoreFilter) as tables of the members they compare.

Members are matched exactly, ``...After`` / ``...Before`` bounds inclusively (our choice:
a timestamp read from an answer and passed back as a bound keeps that item).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from omics_resources.emulator.entities import ReadSet, Store
from omics_resources.emulator.jobs import Job

__all__ = ["JOB_FILTER", "READ_SET_FILTER", "STORE_FILTER", "Filter"]

T = TypeVar("T")


@dataclass(frozen=True)
class Filter(Generic[T]):
    """How one filter shape's members select items: ``equal`` members by value, ``after``
    and ``before`` members as bounds on a timestamp (epoch seconds)."""

    shapes: tuple[str, ...]
    equal: Mapping[str, Callable[[T], Any]] = field(default_factory=dict)
    after: Mapping[str, Callable[[T], float]] = field(default_factory=dict)
    before: Mapping[str, Callable[[T], float]] = field(default_factory=dict)

    @property
    def members(self) -> frozenset[str]:
        """Every member this filter understands."""
        return frozenset({*self.equal, *self.after, *self.before})

    def matches(self, item: T, wanted: Mapping[str, Any] | None) -> bool:
        """Whether ``item`` passes the request's filter (None or {} pass everything)."""
        for name, value in (wanted or {}).items():
            if value is None:
                continue
            if name in self.equal and self.equal[name](item) != value:
                return False
            if name in self.after and _answered(self.after[name](item)) < _answered(value):
                return False
            if name in self.before and _answered(self.before[name](item)) > _answered(value):
                return False
        return True


def _answered(seconds: float) -> datetime:
    # Compared as answers show them (to the microsecond): a bound read from an answer keeps
    # its item, whatever the float's digits beyond.
    return datetime.fromtimestamp(seconds, UTC)


def _created(item: ReadSet | Store | Job) -> float:
    return item.created


READ_SET_FILTER: Filter[ReadSet] = Filter(
    shapes=("ReadSetFilter",),
    equal={
        "name": lambda r: r.name,
        "status": lambda r: r.status,
        "sampleId": lambda r: r.sample_id,
        "subjectId": lambda r: r.subject_id,
        # The model allows an empty referenceArn: read sets without a reference.
        "referenceArn": lambda r: r.reference_arn or "",
        "generatedFrom": lambda r: r.generated_from,
        "creationType": lambda r: r.creation_type,
    },
    after={"createdAfter": _created},
    before={"createdBefore": _created},
)

JOB_FILTER: Filter[Job] = Filter(
    shapes=("ImportReadSetFilter", "ActivateReadSetFilter", "ExportReadSetFilter"),
    equal={"status": lambda j: j.status},
    after={"createdAfter": _created},
    before={"createdBefore": _created},
)

# A store is never updated in the emulator: its update time is its creation time.
STORE_FILTER: Filter[Store] = Filter(
    shapes=("SequenceStoreFilter",),
    equal={"name": lambda s: s.name, "status": lambda s: s.status},
    after={"createdAfter": _created, "updatedAfter": _created},
    before={"createdBefore": _created, "updatedBefore": _created},
)
