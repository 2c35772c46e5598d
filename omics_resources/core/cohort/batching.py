"""Source identity and stable batching: which import job imports which source of a cohort.

Pure functions over the provider's plain source dicts (the snake_case fields of
``ReadSetImportSourceArgs``); no API call.

Keys
----
A source's key is its ``name`` when set (and not empty), else
``<sample_id>#<digest>``, where ``<digest>`` is the first 10 hex digits of
``sha256(json.dumps([source1, source2]))`` (``source2`` is ``null`` when unset), e.g.
``S1#3fa2c4d91b``. So a key is as short as the name or sample id, the same in every
Python and on every machine, and changes when (and only when) an unnamed source's files do.
Two sources with one key are a problem naming both (:func:`duplicate_keys`).

Batches
-------
A batch is the set of sources one ``StartReadSetImportJob`` imports: at most
:data:`MAX_SOURCES_PER_JOB` (botocore's model says how many a job takes). Batch ids are
``"1"``, ``"2"``, ... and never reused. :func:`plan_batches` turns the assignment kept in
state, the keys declared now, and the keys to import again into the new assignment:

- a declared key that has a batch keeps it (whatever the declaration order);
- a key without a batch, or one to import again (its file changed, its import failed,
  its read set is gone), goes into a new batch, never into an existing one (a started job
  takes no more sources); new batches are filled up to the maximum in declaration order;
- a key no longer declared leaves the assignment; a batch left empty is dropped (its
  id stays used).

State shape (:meth:`Assignment.to_state`): ``{"next": 4, "batches": {"1": [keys...],
"3": [keys...]}}``: each key once, so a sample costs its key plus 3 bytes (quotes, comma).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from omics_resources.core.service_model import operation_model
from omics_resources.core.validation import Problem, is_unknown

__all__ = [
    "MAX_SOURCES_PER_JOB",
    "Assignment",
    "BatchPlan",
    "DuplicateKey",
    "duplicate_keys",
    "plan_batches",
    "source_key",
]


def _sources_max() -> int:
    shape = operation_model("StartReadSetImportJob").input_shape
    assert shape is not None
    return int(shape.members["sources"].metadata["max"])


#: How many sources one import job takes (StartReadSetImportJob's ``sources`` maximum).
MAX_SOURCES_PER_JOB: Final = _sources_max()
_DIGEST_CHARS: Final = 10


def source_key(source: Mapping[str, Any]) -> str | None:
    """The source's key (see the module), or None while it cannot be known: a value is
    unknown at preview, or ``sample_id``/``source1`` is missing (validation reports that)."""
    name = source.get("name")
    if name is not None and name != "":
        return name if isinstance(name, str) and not is_unknown(name) else None
    sample_id, source1, source2 = (source.get(f) for f in ("sample_id", "source1", "source2"))
    values = (sample_id, source1) if source2 is None else (sample_id, source1, source2)
    if not all(isinstance(v, str) and not is_unknown(v) for v in values):
        return None
    digest = hashlib.sha256(json.dumps([source1, source2]).encode()).hexdigest()
    return f"{sample_id}#{digest[:_DIGEST_CHARS]}"


class DuplicateKey(NamedTuple):
    """Two sources with one key: ``second`` repeats ``first`` (indexes in the list)."""

    key: str
    first: int
    second: int

    def problem(self, path: str = "sources") -> Problem:
        """The check failure, at the second source's path."""
        return Problem(
            f"{path}[{self.second}]",
            self.key,
            f"has the same key as {path}[{self.first}] (a source's key is its name, else its "
            f"sample_id and files); give each source its own name",
        )


def duplicate_keys(sources: Sequence[Any]) -> list[DuplicateKey]:
    """Each source whose key an earlier source already has (paired with the first of
    them); sources without a key yet (see :func:`source_key`) and non-mappings are skipped."""
    first: dict[str, int] = {}
    found = []
    for index, source in enumerate(sources):
        key = source_key(source) if isinstance(source, Mapping) else None
        if key is None:
            continue
        if key in first:
            found.append(DuplicateKey(key, first[key], index))
        else:
            first[key] = index
    return found


def _numeric_order(batches: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    return {b: tuple(batches[b]) for b in sorted(batches, key=int)}


@dataclass(frozen=True)
class Assignment:
    """The batch of each source key, as kept in state: ``batches`` maps a batch id to its
    keys (in the order they were placed), ``next_batch`` is the id the next batch gets."""

    batches: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    next_batch: int = 1

    @functools.cached_property
    def batch_of(self) -> Mapping[str, str]:
        """Each key's batch id."""
        return {key: batch for batch, keys in self.batches.items() for key in keys}

    def to_state(self) -> dict[str, Any]:
        """The compact JSON form kept in the resource's state."""
        return {"next": self.next_batch, "batches": {b: list(k) for b, k in self.batches.items()}}

    @classmethod
    def from_state(cls, state: Mapping[str, Any] | None) -> Assignment:
        """Read :meth:`to_state`'s form back (None or empty: nothing assigned yet); raises
        ValueError when it is not that form, rather than guess which job imported what."""
        if not state:
            return cls()
        next_batch, batches = state.get("next"), state.get("batches")
        if not isinstance(next_batch, int) or not isinstance(batches, Mapping):
            raise ValueError(f"batch assignment in state is malformed: {state!r:.200}")
        for batch, keys in batches.items():
            if not (isinstance(batch, str) and batch.isdigit() and 0 < int(batch) < next_batch):
                raise ValueError(f"batch assignment in state has a bad batch id {batch!r}")
            if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                raise ValueError(f"batch assignment in state: batch {batch} is not a key list")
        repeated = [
            k for k, n in Counter(k for ks in batches.values() for k in ks).items() if n > 1
        ]
        if repeated:
            raise ValueError(f"batch assignment in state has keys in two batches: {repeated[:5]}")
        return cls(_numeric_order(batches), next_batch)


@dataclass(frozen=True)
class BatchPlan:
    """What :func:`plan_batches` decided."""

    assignment: Assignment
    """The assignment to keep in state."""
    new_batches: Mapping[str, tuple[str, ...]]
    """Batch id -> keys, in order: each one job to start (these keys only)."""
    moved: Mapping[str, str]
    """Key imported again -> the batch it left (whose job stays in the history)."""
    removed: Mapping[str, str]
    """Key no longer declared -> the batch it left."""


def plan_batches(
    previous: Assignment,
    keys: Sequence[str],
    reimport: Collection[str] = (),
    *,
    max_per_batch: int = MAX_SOURCES_PER_JOB,
) -> BatchPlan:
    """The new assignment for the declared ``keys`` (in declaration order, each once);
    ``reimport`` names declared keys to import again though they have a batch. Rules:
    see the module. Deterministic: the same inputs give the same batches and ids."""
    if not 0 < max_per_batch <= MAX_SOURCES_PER_JOB:
        raise ValueError(f"max_per_batch must be 1 to {MAX_SOURCES_PER_JOB}, not {max_per_batch}")
    declared = set(keys)
    if len(declared) != len(keys):
        repeated = [k for k, n in Counter(keys).items() if n > 1]
        raise ValueError(f"keys must be unique; repeated: {repeated[:5]}")
    again = set(reimport)
    if not again <= declared:
        raise ValueError(f"keys to import again are not declared: {sorted(again - declared)[:5]}")
    old = previous.batch_of
    kept = {
        batch: tuple(k for k in members if k in declared and k not in again)
        for batch, members in previous.batches.items()
    }
    to_place = [k for k in keys if k not in old or k in again]
    new_batches = {
        str(previous.next_batch + n): tuple(to_place[start : start + max_per_batch])
        for n, start in enumerate(range(0, len(to_place), max_per_batch))
    }
    assignment = Assignment(
        _numeric_order({**{b: k for b, k in kept.items() if k}, **new_batches}),
        previous.next_batch + len(new_batches),
    )
    return BatchPlan(
        assignment=assignment,
        new_batches=new_batches,
        moved={k: old[k] for k in to_place if k in old},
        removed={k: b for k, b in old.items() if k not in declared},
    )
