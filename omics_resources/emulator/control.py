"""The `/_emulator/` control API, for tests and demos (unsigned JSON, not part of AWS):

=======  ===================  ==================================================================
POST     /_emulator/archive    ``{"sequenceStoreId", "readSetIds"}``: ACTIVE read sets -> ARCHIVED
GET/POST /_emulator/durations  current / changed job durations (camelCase seconds, ``speed``)
GET/POST /_emulator/faults     active rules / add ``{"operation", "error", "rate"|"count", "seed"}``
DELETE   /_emulator/faults     remove every rule
POST     /_emulator/quota      ``{"maxActiveJobs": n | null, "kind"?}``: Start* 402s beyond it
GET/POST /_emulator/limits     the limits in force / changed: ``rateLimits``, ``rates``,
                               ``burstSeconds``, ``maxActiveJobs`` (see ``limits``)
GET/POST /_emulator/behaviour  the readings in force / changed, where the docs are silent:
                               ``{"tokenReuse": "refuse" | "earlier-job"}`` (see ``behaviour``)
POST     /_emulator/cancel     ``{"sequenceStoreId", "jobId"}`` (or ``referenceStoreId``): the job
                               becomes CANCELLED
GET      /_emulator/jobs       every job with its kind, status and client token
GET      /_emulator/log        ``{"counts": {op: n}, "requests": [...]}``; DELETE clears it
POST     /_emulator/objects    ``{"uri": "s3://b/s-{i:06d}.fq", "count", "start"?, "fileType"?}``:
                               S3 objects by a key pattern, no PUT each (see ``seeding``)
POST     /_emulator/reset      forget everything (stores, jobs, read sets, S3, faults, log); limits
                               and behaviour back to the emulator's start (durations stay)
=======  ===================  ==================================================================
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from omics_resources.emulator.entities import ReadSetStatus
from omics_resources.emulator.exceptions import (
    EmulatorError,
    ResourceNotFoundException,
    UnknownOperationException,
    ValidationException,
)
from omics_resources.emulator.faults import FaultInjector, FaultRule
from omics_resources.emulator.models import OmicsBackend
from omics_resources.emulator.request_log import RequestLog
from omics_resources.emulator.responses import error_response
from omics_resources.emulator.seeding import Seed

__all__ = ["PREFIX", "Control"]

PREFIX = "/_emulator/"


def _known(body: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(set(body) - known)
    if unknown:
        raise ValidationException(f"unknown field(s) {', '.join(unknown)}")


class Control:
    """Handles the control API for one emulator: over HTTP (``__call__``), or in-process
    through :meth:`handle`, with the same validation."""

    def __init__(self, backend: OmicsBackend, faults: FaultInjector, log: RequestLog) -> None:
        self.backend = backend
        self.limits = backend.limits
        self.faults = faults
        self.log = log
        self._routes: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
            ("POST", "archive"): self.archive,
            ("GET", "durations"): lambda _b: self.backend.durations.to_wire(),
            ("POST", "durations"): self.set_durations,
            ("GET", "faults"): lambda _b: self.faults.rules(),
            ("POST", "faults"): self.add_fault,
            ("DELETE", "faults"): lambda _b: self.faults.clear(),
            ("POST", "quota"): self.set_quota,
            ("GET", "limits"): lambda _b: self.limits.config.to_wire(),
            ("POST", "limits"): self.limits.update,
            ("GET", "behaviour"): lambda _b: self.backend.behaviour.to_wire(),
            ("POST", "behaviour"): lambda b: self.backend.set_behaviour(b).to_wire(),
            ("POST", "cancel"): self.cancel,
            ("GET", "jobs"): self.jobs,
            ("GET", "log"): lambda _b: self.log.snapshot(),
            ("DELETE", "log"): lambda _b: self.log.clear(),
            ("POST", "objects"): self.seed_objects,
            ("POST", "reset"): self.reset,
        }

    def archive(self, body: dict[str, Any]) -> Any:
        """Archive read sets now (HealthOmics does it after 30 days unused): ACTIVE ones
        become ARCHIVED."""
        ids = body.get("readSetIds")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValidationException("readSetIds must be a list of read set ids")
        store_id = str(body.get("sequenceStoreId"))
        backend = self.backend
        with backend.lock:
            backend.advance()
            archived = []
            for read_set_id in ids:
                read_set = backend.read_set(store_id, read_set_id)
                if read_set.status in (ReadSetStatus.ACTIVE, ReadSetStatus.ACTIVATING):
                    read_set.status = ReadSetStatus.ARCHIVED
                    archived.append(read_set_id)
            if archived:
                backend.changed()
        return {"archived": archived}

    def set_durations(self, body: dict[str, Any]) -> Any:
        """Change job durations (for jobs started from now on)."""
        try:
            self.backend.durations = self.backend.durations.updated(body)
        except ValueError as error:
            raise ValidationException(str(error)) from None
        return self.backend.durations.to_wire()

    def add_fault(self, body: dict[str, Any]) -> Any:
        """Add a fault rule."""
        self.faults.add(FaultRule.from_wire(body))
        return self.faults.rules()

    def set_quota(self, body: dict[str, Any]) -> Any:
        """Set (or clear, with null) the concurrent-job quota of one ``kind``, or of every
        kind when none is given."""
        _known(body, {"maxActiveJobs", "kind"})
        kinds = list(self.limits.config.max_active_jobs)
        kind = body.get("kind")
        if kind is not None and kind not in kinds:
            raise ValidationException(f"kind must be one of {', '.join(kinds)}, not {kind!r}")
        quota = body.get("maxActiveJobs")
        wanted = {k: quota for k in ([kind] if kind else kinds)}
        return {"maxActiveJobs": self.limits.update({"maxActiveJobs": wanted})["maxActiveJobs"]}

    def cancel(self, body: dict[str, Any]) -> Any:
        """Move a job that has not ended to CANCELLED."""
        references = "referenceStoreId" in body
        store_id = str(body.get("referenceStoreId" if references else "sequenceStoreId"))
        job_id = str(body.get("jobId"))
        backend = self.backend
        with backend.lock:
            backend.advance()
            backend.reference_store(store_id) if references else backend.store(store_id)
            job = backend.jobs.get(job_id)
            if job is None or job.store_id != store_id:
                raise ResourceNotFoundException(f"Job {job_id} not found")
            if job.cancel(backend.clock()):
                backend.changed()
            return {"id": job.id, "status": job.status}

    def jobs(self, _body: dict[str, Any]) -> Any:
        """Every job with its kind, status and client token."""
        with self.backend.lock:
            self.backend.advance()
            return [
                {
                    "kind": j.KIND,
                    "id": j.id,
                    "sequenceStoreId": j.store_id,
                    "status": j.status,
                    "clientToken": j.token,
                }
                for j in self.backend.jobs.values()
            ]

    def seed_objects(self, body: dict[str, Any]) -> Any:
        """Create ``count`` S3 objects by a key pattern in one call (see
        :mod:`~omics_resources.emulator.seeding`)."""
        seed = Seed.from_wire(body)
        with self.backend.lock:
            created = self.backend.s3.put_many(seed.bucket, seed.objects())
            self.backend.changed()
        return seed.to_wire(created)

    def reset(self, _body: dict[str, Any]) -> Any:
        """Forget everything; the limits and the behaviour go back to how the emulator was
        started (a change through the control API does not survive a reset; durations do)."""
        self.backend.reset()
        self.faults.clear()
        self.log.clear()
        self.limits.reset()
        self.backend.reset_behaviour()
        return {}

    def handle(self, method: str, name: str, body: Any = None) -> Any:
        """Run one control operation, e.g. ``handle("POST", "quota", {"maxActiveJobs": 2})``;
        raises the emulator's error (a ValidationException for a bad body)."""
        handler = self._handler(method, name)
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise ValidationException("The control API takes a JSON object")
        result = handler(body)
        return result if result is not None else {}

    def _handler(self, method: str, name: str) -> Callable[[dict[str, Any]], Any]:
        handler = self._routes.get((method, name.strip("/")))
        if handler is None:
            raise UnknownOperationException(f"No control operation at {method} {PREFIX}{name}")
        return handler

    def __call__(self, request: Request) -> Response:
        """Answer one ``/_emulator/`` request."""
        try:
            name = request.path[len(PREFIX) :]
            self._handler(request.method, name)
            raw = request.get_data(cache=False)
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                raise ValidationException("The control API takes a JSON body") from None
            result = self.handle(request.method, name, body)
            return Response(json.dumps(result), content_type="application/json")
        except EmulatorError as error:
            return error_response(error)
