"""The emulator's state in a JSON file, written atomically, so a demo survives a restart.

The HealthOmics state (stores, read sets, jobs, tags, durations) and the S3 buckets and
objects are kept; faults, limits, behaviour and the request log are configuration or
history, not state, and are not. The file is written only when something changed (the
backend says so), never on a read: with large S3 objects in it a write takes a noticeable
fraction of a second.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from omics_resources.emulator.entities import ReadSet, ReadSets, Store
from omics_resources.emulator.jobs import JOB_KINDS, ClientTokens, Job, JobSource
from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.models import OmicsBackend
from omics_resources.emulator.reference_entities import (
    Reference,
    ReferenceImportJob,
    ReferenceState,
    ReferenceStore,
)
from omics_resources.emulator.s3 import S3Objects

__all__ = ["StateFile", "dump", "load"]

_KINDS: dict[str, type[Job]] = {**JOB_KINDS, ReferenceImportJob.KIND: ReferenceImportJob}


def _dump_job(job: Job) -> dict[str, Any]:
    return {"kind": job.KIND, **asdict(job)}


def _load_job(raw: dict[str, Any]) -> Job:
    kind = _KINDS[raw["kind"]]
    known = {f.name for f in fields(kind)}
    # Files written before each kind had its own class carry role_arn on every job.
    values = {k: v for k, v in raw.items() if k in known}
    values["sources"] = [JobSource(**s) for s in raw["sources"]]
    return kind(**values)


def dump(backend: OmicsBackend, objects: S3Objects) -> dict[str, Any]:
    """Everything worth keeping, as JSON-ready data."""
    with backend.lock:
        return {
            "stores": [asdict(s) for s in backend.stores.values()],
            "readSets": [asdict(r) for r in backend.read_sets.values()],
            "jobs": [_dump_job(j) for j in backend.jobs.values()],
            "tags": backend.tags,
            "referenceStores": [asdict(s) for s in backend.refs.stores.values()],
            "references": [asdict(r) for r in backend.refs.references.values()],
            "durations": asdict(backend.durations),
            "s3": objects.dump(),
        }


def load(backend: OmicsBackend, objects: S3Objects, data: dict[str, Any]) -> None:
    """Replace the backend's state (and add S3's objects) with what :func:`dump` wrote."""
    with backend.lock:
        backend.stores = {s["id"]: Store(**s) for s in data.get("stores", [])}
        backend.read_sets = ReadSets((r["id"], ReadSet(**r)) for r in data.get("readSets", []))
        backend.refs = ReferenceState(
            {s["id"]: ReferenceStore(**s) for s in data.get("referenceStores", [])},
            {r["id"]: Reference(**r) for r in data.get("references", [])},
        )
        backend.jobs = {}
        for raw in data.get("jobs", []):
            job = _load_job(raw)
            backend.jobs[job.id] = job
        backend.tokens = ClientTokens(backend.jobs.values())
        backend.tags = {k: dict(v) for k, v in data.get("tags", {}).items()}
        backend.durations = Durations(**data.get("durations", {}))
        objects.load(data.get("s3", {}))


class StateFile:
    """Reads and (atomically) writes one state file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def read(self) -> dict[str, Any] | None:
        """The saved state, or None when there is no file yet."""
        if not self.path.exists():
            return None
        data = json.loads(self.path.read_text())
        return data if isinstance(data, dict) else None

    def write(self, data: dict[str, Any]) -> None:
        """Replace the file's content in one step (a crash leaves the old or the new)."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
            try:
                with os.fdopen(fd, "w") as handle:
                    json.dump(data, handle, indent=1)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
