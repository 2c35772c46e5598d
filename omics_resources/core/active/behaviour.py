"""``ActiveReadSets``' behaviour: "these read sets are ACTIVE", as desired state, for any
number of them.

HealthOmics archives read sets that go unread for 30 days, and a workflow that reads an
archived one fails. This resource keeps a whole cohort active: create and update activate
only the ARCHIVED read sets (jobs of at most 20, side by side, see
:mod:`omics_resources.core.active.batches`), refresh reports every read set's status (see
:mod:`omics_resources.core.active.census`: a few ListReadSets pages, not one call each), and a
refresh that found any ARCHIVED makes the next ``pulumi up`` an update in place that
activates exactly those.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from omics_resources.core import fields, limits
from omics_resources.core.active.batches import (
    ACTIVATION_JOB_MAX_READ_SETS,
    USABLE_STATUSES,
    Desired,
    Reconciled,
    Reconciler,
    batches,
)
from omics_resources.core.active.census import Window, counts, take_census
from omics_resources.core.errors import InvalidInputError, OmicsResourceError
from omics_resources.core.fields import Change, Field, Output, documented
from omics_resources.core.jobs.activation_job import ActivationKind
from omics_resources.core.jobs.kind import COMMON_FIELDS
from omics_resources.core.jobs.run import iso
from omics_resources.core.resource import (
    SCOPE_PROPERTY,
    Checked,
    Created,
    Diff,
    Props,
    Read,
    ResourceBehaviour,
    plain_inputs,
    resource_name,
    with_defaults,
)
from omics_resources.core.validation import (
    Problem,
    api_problems,
    duplicate_problems,
    setting_problems,
)

__all__ = ["ACTIVE_FIELDS", "ActiveReadSetsBehaviour", "lost_read_sets", "resource_id"]

#: Every property: the store (a different store is a different resource), the read sets
#: (changed in place: only added ones can need a job) and the settings jobs share.
ACTIVE_FIELDS: tuple[Field, ...] = (
    Field(
        "sequence_store_id",
        api=("sequenceStoreId",),
        doc="The sequence store holding the read sets (10 to 36 digits).",
    ),
    Field(
        "read_set_ids",
        api=("sources",),
        scalar_item=("readSetId",),
        change=Change.UPDATE,
        doc="The read sets to keep active, any number, each listed once (e.g. a cohort's ids).",
    ),
    *documented(
        [f for f in COMMON_FIELDS if f.change is Change.SETTING],
        wait="Wait for the activation jobs to end during ``pulumi up`` (else refresh reports).",
        wait_timeout="Seconds to wait for all of them (default 12 hours); the jobs go on after it.",
        allow_partial="Report deleted or unknown read sets (and jobs COMPLETED_WITH_FAILURES) and "
        "keep the others active, instead of failing.",
    ),
)
#: Outputs besides the inputs (each needs a key in the props, or it is no attribute).
OUTPUTS = (
    Output(
        "read_set_statuses",
        "Each read set's status (ACTIVE, ACTIVATING, ARCHIVED, DELETED ...) at the last "
        "create, update or refresh.",
        many="map",
    ),
    Output("status_counts", "How many read sets are in each status.", kind="integer", many="map"),
    Output(
        "activation_jobs",
        "The activation jobs of the last create or update: ``job_id``, ``status``, "
        "``read_set_ids``, ``creation_time``, ``completion_time``.",
        kind="object",
        many="list",
        members=(
            Output("job_id", "The job's id."),
            Output("status", "The job's status."),
            Output("read_set_ids", "The read sets it activates.", many="list"),
            Output("creation_time", "When it was created (ISO 8601)."),
            Output("completion_time", "When it ended (ISO 8601), if it has.", optional=True),
        ),
    ),
    Output(
        "s3_uris",
        "Each ACTIVE read set's S3 URI: its folder under the store's S3 access point (its "
        "files are below it), for tools that read S3.",
        many="map",
    ),
    Output(
        "created_between",
        "The earliest and latest creation time of the read sets (narrows later lookups).",
        many="list",
        optional=True,
    ),
)
_START = ActivationKind.operations.start


def resource_id(store: str, scope: Any) -> str:
    """``<sequenceStoreId>/active/<hash of project, stack and name>``: stable across updates."""
    canonical = json.dumps(scope if isinstance(scope, Mapping) else {}, sort_keys=True)
    return f"{store}/active/{hashlib.sha256(canonical.encode()).hexdigest()[:16]}"


def _jobs(outputs: Mapping[str, Any], *, running: bool = False) -> list[Props]:
    """The ``activation_jobs`` of some outputs (only those not ended, with ``running``)."""
    jobs = outputs.get("activation_jobs")
    return [
        dict(j)
        for j in (jobs if isinstance(jobs, list) else [])
        if isinstance(j, Mapping)
        and not (running and j.get("status") in limits.TERMINAL_JOB_STATUSES)
    ]


def lost_read_sets(outputs: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, str]:
    """Read sets the outputs (after a refresh) show out of the desired state, and still
    wanted by ``news``: ARCHIVED with no job of ours on it and, unless ``allow_partial``,
    any that cannot be made active (DELETED ...). Their statuses, in declaration order."""
    statuses = outputs.get("read_set_statuses")
    if not isinstance(statuses, Mapping):
        return {}
    wanted = next(
        (v for v in (news.get("read_set_ids"), outputs.get("read_set_ids")) if isinstance(v, list)),
        [],
    )
    covered = {
        str(i) for job in _jobs(outputs, running=True) for i in job.get("read_set_ids") or []
    }
    partial = news.get("allow_partial") is True
    lost: dict[str, str] = {}
    for read_set_id in wanted:
        status = statuses.get(read_set_id) if isinstance(read_set_id, str) else None
        archived = status == limits.READ_SET_ARCHIVED and read_set_id not in covered
        gone = status is not None and status not in USABLE_STATUSES and not partial
        if archived or gone:
            lost[read_set_id] = str(status)
    return lost


def _job_output(job: Mapping[str, Any]) -> Props:
    return {
        "job_id": job.get("id"),
        "status": job.get("status"),
        "read_set_ids": [s.get("readSetId") for s in job.get("sources") or []],
        "creation_time": iso(job.get("creationTime")),
        "completion_time": iso(job.get("completionTime")),
    }


class ActiveReadSetsBehaviour(ResourceBehaviour):
    """``ActiveReadSets``: every engine call, over plain dicts (see the module)."""

    type_name = "ActiveReadSets"
    summary = (
        "Read sets kept ACTIVE, any number of them (e.g. a cohort's). Create and update "
        "activate only the ARCHIVED ones, in jobs of at most 20 run side by side; refresh "
        "reports each read set's status, and any found ARCHIVED is drift that the next "
        "``pulumi up`` repairs in place. Destroying it changes nothing."
    )
    fields = ACTIVE_FIELDS
    outputs = OUTPUTS
    operation = _START

    # -- engine calls ---------------------------------------------------------------------

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Fill in defaults and report every problem with the inputs; no AWS call."""
        inputs = with_defaults(fields.settings(ACTIVE_FIELDS), news)
        return Checked(inputs, self.problems(inputs))

    def problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """Every rule ``props`` break: StartReadSetActivationJob's (from botocore's model,
        each read set id as a job would send it), each id listed once, the settings."""
        ids = props.get("read_set_ids")
        size = ACTIVATION_JOB_MAX_READ_SETS
        chunks: list[Any] = (batches(ids, size) or [[]]) if isinstance(ids, list) else [ids]
        found: list[Problem] = []
        for number, chunk in enumerate(chunks):
            request = fields.to_api(
                ACTIVE_FIELDS,
                {"sequence_store_id": props.get("sequence_store_id"), "read_set_ids": chunk},
            )

            def path(api_path: tuple[str | int, ...], offset: int = number * size) -> str:
                if len(api_path) > 1 and isinstance(api_path[1], int):
                    api_path = (api_path[0], api_path[1] + offset, *api_path[2:])
                return fields.property_path(ACTIVE_FIELDS, api_path)

            for problem in api_problems(_START, request, path):
                # One job's size limit is ours to meet (by batching), and the store is
                # judged once.
                if isinstance(ids, list) and problem.path == "read_set_ids":
                    continue
                if number and problem.path == "sequence_store_id":
                    continue
                found.append(problem)
        return [
            *found,
            *duplicate_problems("read_set_ids", ids),
            *setting_problems(fields.settings(ACTIVE_FIELDS), props),
        ]

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Replace for another store; update in place for changed read sets or settings, and
        for drift (read sets a refresh found ARCHIVED or gone). Pure: no API call."""
        replaces = fields.changed_fields(ACTIVE_FIELDS, olds, news, Change.REPLACE)
        updates = [
            *fields.changed_fields(ACTIVE_FIELDS, olds, news, Change.UPDATE),
            *fields.changed_fields(ACTIVE_FIELDS, olds, news, Change.SETTING),
        ]
        drift = bool(lost_read_sets(olds, news))
        return Diff(changes=bool(replaces or updates or drift), replaces=replaces, updates=updates)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Activate the ARCHIVED read sets, wait for those ACTIVATING, leave ACTIVE alone."""
        reconciled = self._reconcile(props, olds={})
        store = str(props["sequence_store_id"])
        return Created(
            resource_id(store, props.get(SCOPE_PROPERTY)), self._outputs(props, reconciled)
        )

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
        """The same as create, for the new inputs: only what is ARCHIVED now gets a job
        (added read sets, and any a refresh found archived). Returns every output."""
        return self._outputs(news, self._reconcile(news, olds=olds))

    def read(self, id_: str, props: Mapping[str, Any]) -> Read:
        """Every read set's status now, and the status of jobs still running; with no state
        (``pulumi import``), the store and read sets that ``id_`` names
        (``<sequenceStoreId>/<readSetId>,<readSetId>...``) at the defaults."""
        store, ids = props.get("sequence_store_id"), props.get("read_set_ids")
        if not isinstance(store, str) or not isinstance(ids, list):
            store, ids = _import_id(id_)
            props = with_defaults(
                fields.settings(ACTIVE_FIELDS),
                {**props, "sequence_store_id": store, "read_set_ids": ids},
            )
        api = self.runtime.scheduler().api
        window = Window.from_output(props.get("created_between"))
        census = take_census(api, store, ids, window=window)
        jobs = _jobs(props)
        running = [j for j in jobs if j.get("status") not in limits.TERMINAL_JOB_STATUSES]
        if running:
            created = [_parse_time(j.get("creation_time")) for j in running]
            known = [c for c in created if c is not None]
            statuses = api.job_statuses(
                ActivationKind.operations,
                store,
                [str(j["job_id"]) for j in running],
                min(known) - timedelta(seconds=1) if len(known) == len(created) else None,
            )
            for job in running:
                job["status"] = statuses.get(str(job["job_id"]), job["status"])
        reconciled = Reconciled(census.statuses, [], census.window() or window)
        outs = self._outputs(props, reconciled)
        outs["activation_jobs"] = jobs
        lost = lost_read_sets(outs, props)
        if lost:
            self.runtime.progress(resource_name(props, id_), "read sets").say(
                f"{len(lost)} of {len(ids)} not ACTIVE: "
                + ", ".join(f"{i} {s}" for i, s in lost.items())
                + " (the next `pulumi up` activates the ARCHIVED ones)"
            )
        return Read(id_, outs)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Nothing to undo: the read sets stay as they are (archived again when unused)."""

    # -- helpers --------------------------------------------------------------------------

    def _reconcile(self, props: Mapping[str, Any], olds: Mapping[str, Any]) -> Reconciled:
        resource = resource_name(props, "read sets")
        problems = self.problems(props)
        if problems:
            raise InvalidInputError(resource, problems)
        store = str(props["sequence_store_id"])
        scheduler = self.runtime.scheduler()
        same_store = olds.get("sequence_store_id") == store
        previous = _jobs(olds) if same_store else []
        # Jobs the last create or update left running (wait=False): waited for, not repeated.
        running = [
            job
            for job in (
                scheduler.api.get_job(ActivationKind.operations, store, str(j["job_id"]))
                for j in _jobs(olds, running=True)
                if same_store
            )
            if job.get("status") not in limits.TERMINAL_JOB_STATUSES
        ]
        reconciler = Reconciler(
            scheduler=scheduler,
            clock=self.runtime.clock,
            cancel=self.runtime.cancel,
            policy=self.runtime.policy,
            resource=resource,
            scope=props.get(SCOPE_PROPERTY) or {},
            previous_jobs=[str(j.get("job_id")) for j in previous],
            running_jobs=running,
            sink=self.runtime.sink,
        )
        desired = Desired(
            store=store,
            read_set_ids=tuple(str(i) for i in props.get("read_set_ids") or []),
            wait=bool(props.get("wait", True)),
            wait_timeout=float(props.get("wait_timeout") or limits.DEFAULT_WAIT_TIMEOUT_SECONDS),
            allow_partial=bool(props.get("allow_partial")),
        )
        window = Window.from_output(olds.get("created_between")) if same_store else None
        return reconciler.reconcile(desired, window)

    def _outputs(self, inputs: Mapping[str, Any], reconciled: Reconciled) -> Props:
        outs = plain_inputs(inputs)
        active = {i: i for i, s in reconciled.statuses.items() if s == limits.READ_SET_ACTIVE}
        api = self.runtime.scheduler().api
        outs.update(
            read_set_statuses=reconciled.statuses,
            status_counts=counts(reconciled.statuses),
            activation_jobs=[_job_output(j) for j in reconciled.jobs],
            s3_uris=api.read_set_s3_uris(str(inputs["sequence_store_id"]), active),
            created_between=reconciled.window.to_output() if reconciled.window else None,
        )
        return outs


def _import_id(id_: str) -> tuple[str, list[str]]:
    """The store and the read sets of an import id, ``<sequenceStoreId>/<id>,<id>...``."""
    store, _, listed = id_.partition("/")
    ids = [i for i in listed.split(",") if i]
    if not store.isdigit() or not ids or not all(i.isdigit() for i in ids):
        raise OmicsResourceError(
            f"{id_}: an ActiveReadSets is imported by its store and read sets, "
            "<sequenceStoreId>/<readSetId>,<readSetId>... (e.g. 1234567890/1111111111,2222222222)"
        )
    return store, ids


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
