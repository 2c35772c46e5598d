"""A cohort's bookkeeping, pure (no API call): the sources declared now, what the state
remembers of each sample, the delta between the two, and the outputs.

State (the resource's outputs)
------------------------------
``samples`` (sample key -> its result: ``status``, ``read_set_id``, ``job_id``,
``status_message`` when there is one), ``read_set_ids`` (key -> read set id), ``jobs`` (job
id -> status), ``counts``, and ``ledger``, what the provider needs to plan the next
update. The ledger is one JSON string (no user reads it, and one string costs the engine
one value where 200,000 would cost it seconds at 100,000 samples, see
:mod:`~omics_resources.core.cohort.packing`) of an object with:

- ``next``/``batches``: the batch assignment (:meth:`batching.Assignment.to_state`);
- ``jobs``: batch id -> the ids of the jobs it started, oldest first (a batch starts more
  than one job only when a later ``pulumi up`` retries sources that failed in it);
- ``sig``: each key's import signature (a hash of every field sent to
  StartReadSetImportJob but its tags), in the order ``batches`` lists the keys (so a key
  is written once), ``/<n>`` appended when it has tags: ``n`` indexes ``tagsets``, the
  distinct tag maps of the cohort (a cohort's samples mostly share one);
- ``since``: one second before the creation of its oldest job (the read sets are younger:
  ``ListReadSets`` pages are filtered by it);
- ``newest``: the creation of its newest job (jobs a failed run started are younger: the
  next update looks for them from there, see :mod:`omics_resources.core.cohort.discovery`);
- ``partial``: only in the state of a create that failed (recorded by a front-end whose
  engine keeps partly created resources).

A release before 2 kept the ledger as an object (version 1, ``sig`` a map from key to
signature): it is read as well, and written back in the current form.

A sample's ``status``: :data:`SAMPLE_PENDING` (its job has not ended), :data:`SAMPLE_FAILED`
(its last import failed; ``status_message`` says why), else its read set's status (ACTIVE,
ARCHIVED, ACTIVATING ..., DELETED when the read set is gone).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from omics_resources.core import limits
from omics_resources.core.cohort.batching import Assignment, source_key
from omics_resources.core.fields import Change
from omics_resources.core.jobs.import_job import SOURCE_FIELDS

__all__ = [
    "LEDGER_OUTPUT",
    "NOT_IN_OUTPUTS",
    "SAMPLE_FAILED",
    "SAMPLE_PENDING",
    "CohortState",
    "Declared",
    "Delta",
    "Ledger",
    "Sample",
    "count_samples",
    "import_signature",
    "plan_delta",
    "source_tags",
]

Props = dict[str, Any]

#: The output that holds the ledger.
LEDGER_OUTPUT: Final = "ledger"
#: Inputs the outputs leave out: the state keeps the sources as inputs (the engine stores
#: them there anyway; a second copy of 100,000 sources is what packing saves).
NOT_IN_OUTPUTS: Final = ("sources",)
SAMPLE_PENDING: Final = "PENDING"
SAMPLE_FAILED: Final = "FAILED"
#: The source fields whose change means the sample is imported again (all but its tags).
IMPORTED_FIELDS: Final = tuple(f.name for f in SOURCE_FIELDS if f.change is Change.REPLACE)
#: The source fields changed in place on the read set.
RETAGGED_FIELDS: Final = tuple(f.name for f in SOURCE_FIELDS if f.change is Change.UPDATE)
_SIGNATURE_CHARS = 10
_LEDGER_VERSION = 2
#: The ledger as an object of its own, ``sig`` a map (what releases before 2 wrote).
_LEDGER_OBJECT_VERSION = 1


# json.dumps(values, sort_keys=True, separators=(",", ":"), default=str), the encoder
# built once (json.dumps builds one per call: a third of the time at 100,000 sources).
# The text must never change: the ledger keeps its hashes.
_CANONICAL: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def import_signature(source: Mapping[str, Any]) -> str:
    """A short stable hash of what StartReadSetImportJob would import for ``source``."""
    canonical = _CANONICAL.encode([source.get(name) for name in IMPORTED_FIELDS])
    return hashlib.sha256(canonical.encode()).hexdigest()[:_SIGNATURE_CHARS]


def source_tags(source: Mapping[str, Any]) -> dict[str, str]:
    """The source's tags as plain strings (none: empty)."""
    tags = source.get("tags")
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {}


@dataclass(frozen=True)
class Declared:
    """The sources declared now, by key (declaration order kept)."""

    keys: tuple[str, ...]
    sources: Mapping[str, Mapping[str, Any]]
    index: Mapping[str, int]

    @classmethod
    def of(cls, sources: Sequence[Any]) -> Declared | None:
        """The declared sources, or None while a key cannot be known yet (a value unknown
        at preview). Raises ValueError on a repeated key (check reports those first)."""
        by_key: dict[str, Mapping[str, Any]] = {}
        index: dict[str, int] = {}
        for position, source in enumerate(sources):
            key = source_key(source) if isinstance(source, Mapping) else None
            if key is None:
                return None
            if key in by_key:
                raise ValueError(f"sources[{position}] repeats the key {key!r}")
            by_key[key] = source
            index[key] = position
        return cls(tuple(by_key), by_key, index)

    @functools.cached_property
    def signatures(self) -> Mapping[str, str]:
        """Each key's :func:`import_signature` (computed once: a diff, an update's plan and
        the ledger it records all ask for every key's)."""
        return {k: import_signature(self.sources[k]) for k in self.keys}

    def label(self, key: str) -> str:
        """How a message names one source: ``sources[3] (S3, s3://bucket/S3_R1.fastq)``."""
        return f"sources[{self.index[key]}] ({key}, {self.sources[key].get('source1')})"


@dataclass
class Sample:
    """What the state knows of one sample (see the module for ``status``)."""

    status: str
    read_set_id: str | None = None
    job_id: str | None = None
    status_message: str | None = None
    #: Other read sets of the cohort with the same ETag (the same data), as a refresh found.
    duplicate_of: tuple[str, ...] = ()

    @property
    def has_read_set(self) -> bool:
        """Whether the sample has a read set that still exists."""
        return bool(self.read_set_id) and self.status not in (
            SAMPLE_PENDING,
            SAMPLE_FAILED,
            limits.READ_SET_DELETED,
        )

    def to_output(self) -> Props:
        """The sample's output (the message only when there is one)."""
        out: Props = {"status": self.status, "read_set_id": self.read_set_id, "job_id": self.job_id}
        if self.status_message:
            out["status_message"] = self.status_message
        if self.duplicate_of:
            out["duplicate_of"] = list(self.duplicate_of)
        return out

    @classmethod
    def from_output(cls, out: Mapping[str, Any]) -> Sample:
        """Read :meth:`to_output` back."""
        return cls(
            status=str(out.get("status") or SAMPLE_PENDING),
            read_set_id=out.get("read_set_id") or None,
            job_id=out.get("job_id") or None,
            status_message=out.get("status_message") or None,
            duplicate_of=tuple(str(i) for i in out.get("duplicate_of") or ()),
        )


@dataclass
class Ledger:
    """What the provider keeps to plan updates (see the module)."""

    assignment: Assignment = field(default_factory=Assignment)
    batch_jobs: dict[str, list[str]] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    since: str | None = None
    newest: str | None = None
    #: Left by a create that failed (the state a front-end recorded for it): the next
    #: update starts as that create's re-run would (see the behaviour).
    partial: bool = False

    def record_sources(self, declared: Declared) -> None:
        """Remember each declared source's signature and tags (after they were applied)."""
        self.signatures = dict(declared.signatures)
        self.tags = {k: t for k in declared.keys if (t := source_tags(declared.sources[k]))}

    def to_state(self) -> str:
        """The compact form kept in the ``ledger`` output (a JSON string, see the module)."""
        tagsets: list[dict[str, str]] = []
        seen: dict[str, int] = {}

        def signed(key: str) -> str | None:
            signature = self.signatures.get(key)
            tags = self.tags.get(key)
            if signature is None or not tags:
                return signature
            canonical = json.dumps(tags, sort_keys=True)
            if canonical not in seen:
                seen[canonical] = len(tagsets)
                tagsets.append(dict(sorted(tags.items())))
            return f"{signature}/{seen[canonical]}"

        batches = self.assignment.batches
        placed = self.assignment.batch_of
        ledger: Props = {
            "v": _LEDGER_VERSION,
            **self.assignment.to_state(),
            "jobs": {b: list(j) for b, j in self.batch_jobs.items() if b in batches},
            "sig": [signed(k) for keys in batches.values() for k in keys],
        }
        # Signatures of keys in no batch (none, after a run that ended well): by key.
        unplaced = {k: signed(k) for k in self.signatures if k not in placed}
        if unplaced:
            ledger["sigOther"] = unplaced
        ledger.update(tagsets=tagsets, since=self.since, newest=self.newest)
        if self.partial:
            ledger["partial"] = True
        return json.dumps(ledger, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_state(cls, state: Any) -> Ledger:
        """Read :meth:`to_state`'s form back, or the object a release before 2 kept; raises
        ValueError when it is neither."""
        if isinstance(state, str):
            try:
                state = json.loads(state)
            except ValueError:
                state = None
        version = state.get("v") if isinstance(state, Mapping) else None
        if not isinstance(state, Mapping) or version not in (
            _LEDGER_VERSION,
            _LEDGER_OBJECT_VERSION,
        ):
            raise ValueError(f"the cohort's ledger in state is not one we can read: {state!r:.200}")
        next_batch = state.get("next")
        if isinstance(next_batch, float) and next_batch.is_integer():
            state = {**state, "next": int(next_batch)}  # numbers come back from gRPC as floats
        assignment = Assignment.from_state(state)
        if version == _LEDGER_VERSION:
            keys = [k for members in assignment.batches.values() for k in members]
            listed = state.get("sig") or []
            if not isinstance(listed, list) or len(listed) != len(keys):
                raise ValueError(
                    "the cohort's ledger in state has a signature list that does "
                    "not match its batches"
                )
            signed = {k: v for k, v in zip(keys, listed, strict=True) if v is not None}
            signed.update(state.get("sigOther") or {})
        else:
            signed = dict(state.get("sig") or {})
        tagsets = list(state.get("tagsets") or [])
        signatures: dict[str, str] = {}
        tags: dict[str, dict[str, str]] = {}
        for key, value in signed.items():
            signature, _, tagset = str(value).partition("/")
            signatures[key] = signature
            if tagset:
                tags[key] = dict(tagsets[int(tagset)])
        return cls(
            assignment=assignment,
            batch_jobs={
                str(b): [str(j) for j in ids] for b, ids in (state.get("jobs") or {}).items()
            },
            signatures=signatures,
            tags=tags,
            since=state.get("since"),
            newest=state.get("newest"),
            partial=state.get("partial") is True,
        )


@dataclass(frozen=True)
class Delta:
    """What an update does to each sample key."""

    added: tuple[str, ...] = ()
    """Declared, not in state: imported (new jobs)."""
    changed: tuple[str, ...] = ()
    """Its import fields changed: imported again (its old read set is superseded)."""
    retried: tuple[str, ...] = ()
    """Its import failed, or its read set is gone: imported again."""
    removed: tuple[str, ...] = ()
    """In state, no longer declared."""
    retagged: tuple[str, ...] = ()
    """Only its tags changed: re-tagged in place."""

    @property
    def reimported(self) -> tuple[str, ...]:
        """Keys with a batch already that go into a new one."""
        return self.changed + self.retried

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.retried or self.removed or self.retagged)

    def summary(self) -> str:
        """``30 added, 2 to retry`` (the parts that are not empty)."""
        parts = [
            (len(self.added), "added"),
            (len(self.changed), "changed"),
            (len(self.retried), "to retry"),
            (len(self.removed), "removed"),
            (len(self.retagged), "re-tagged"),
        ]
        return ", ".join(f"{n} {what}" for n, what in parts if n) or "no sample changes"


def plan_delta(ledger: Ledger, samples: Mapping[str, Sample], declared: Declared) -> Delta:
    """Compare the state with the declared sources. Pure and linear in the samples."""
    added, changed, retried, retagged = [], [], [], []
    for key in declared.keys:
        signature = ledger.signatures.get(key)
        sample = samples.get(key)
        source = declared.sources[key]
        if signature is None or sample is None:
            added.append(key)
        elif signature != declared.signatures[key]:
            changed.append(key)
        elif sample.status in (SAMPLE_FAILED, limits.READ_SET_DELETED):
            retried.append(key)
        elif sample.has_read_set and ledger.tags.get(key, {}) != source_tags(source):
            retagged.append(key)
    declared_keys = set(declared.keys)
    removed = [k for k in ledger.signatures if k not in declared_keys]
    return Delta(tuple(added), tuple(changed), tuple(retried), tuple(removed), tuple(retagged))


def count_samples(samples: Mapping[str, Sample]) -> dict[str, int]:
    """``imported`` (a read set exists), ``failed``, ``pending``, ``deleted`` (the read
    set is gone: the next ``pulumi up`` imports it again), and ``duplicates`` (samples whose
    read set holds the same data as another sample's, by ETag, as the last refresh found)."""
    counts = {"imported": 0, "failed": 0, "pending": 0, "deleted": 0}
    for sample in samples.values():
        if sample.has_read_set:
            counts["imported"] += 1
        elif sample.status == SAMPLE_FAILED:
            counts["failed"] += 1
        elif sample.status == limits.READ_SET_DELETED:
            counts["deleted"] += 1
        else:
            counts["pending"] += 1
    counts["duplicates"] = sum(1 for s in samples.values() if s.duplicate_of and s.has_read_set)
    return counts


@dataclass
class CohortState:
    """A cohort as its outputs hold it: the ledger, each sample, each job's status."""

    ledger: Ledger = field(default_factory=Ledger)
    samples: dict[str, Sample] = field(default_factory=dict)
    jobs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, outs: Mapping[str, Any]) -> CohortState:
        """Read a resource's outputs; raises ValueError when they hold no ledger we can read."""
        samples = {k: Sample.from_output(v) for k, v in (outs.get("samples") or {}).items()}
        return cls(
            Ledger.from_state(outs.get(LEDGER_OUTPUT)), samples, dict(outs.get("jobs") or {})
        )

    @property
    def since(self) -> datetime | None:
        """A lower bound on the creation time of every read set of the cohort."""
        return datetime.fromisoformat(self.ledger.since) if self.ledger.since else None

    def record_jobs(
        self, batch: str, jobs: Iterable[tuple[str, str]], created: Any, newest: Any = None
    ) -> None:
        """Add a batch's jobs ``(id, status)``, oldest first, the oldest created at
        ``created``, the newest at ``newest`` (default: ``created``)."""
        newest = created if newest is None else newest
        chain = self.ledger.batch_jobs.setdefault(batch, [])
        for job_id, status in jobs:
            if job_id not in chain:
                chain.append(job_id)
            self.jobs[job_id] = status
        if isinstance(created, datetime):
            bound = created - timedelta(seconds=1)
            if self.since is None or bound < self.since:
                self.ledger.since = bound.isoformat()
        if isinstance(newest, datetime) and (
            self.ledger.newest is None or newest > datetime.fromisoformat(self.ledger.newest)
        ):
            self.ledger.newest = newest.isoformat()

    def outputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Every output: the inputs but the sources (the state keeps those as inputs), the
        samples in batch order, and the jobs of the batches still assigned."""
        batches = self.ledger.assignment.batches
        live = {j for b in batches for j in self.ledger.batch_jobs.get(b, [])}
        samples = {k: self.samples[k] for k in self.ledger.assignment.batch_of if k in self.samples}
        outs = {
            k: v for k, v in inputs.items() if not k.startswith("__") and k not in NOT_IN_OUTPUTS
        }
        outs.update(
            read_set_ids={k: s.read_set_id for k, s in samples.items() if s.has_read_set},
            samples={k: s.to_output() for k, s in samples.items()},
            jobs={j: s for j, s in self.jobs.items() if j in live},
            counts=count_samples(samples),
        )
        outs[LEDGER_OUTPUT] = self.ledger.to_state()
        return outs
