"""``ActiveReadSets``: "these read sets are ACTIVE", as desired state, for any number of them.

HealthOmics archives read sets that go unread for 30 days, and a workflow that reads an
archived one fails. This resource keeps a whole cohort active: create and update activate
only the ARCHIVED read sets (jobs of at most 20, side by side, see
:mod:`omics_resources.activation_batches`), refresh reports every read set's status (see
:mod:`omics_resources.read_set_census`: a few ListReadSets pages, not one call each), and a
refresh that found any ARCHIVED makes the next ``pulumi up`` an update in place that
activates exactly those.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    UpdateResult,
)

from omics_resources import fields, limits
from omics_resources.activation_batches import (
    ACTIVATION_JOB_MAX_READ_SETS,
    USABLE_STATUSES,
    Desired,
    Reconciled,
    Reconciler,
    batches,
)
from omics_resources.activation_job import ActivationKind
from omics_resources.errors import InvalidInputError, OmicsResourceError
from omics_resources.fields import Change, Field
from omics_resources.job_run import iso
from omics_resources.jobs import COMMON_FIELDS, SCOPE_PROPERTY
from omics_resources.progress import Progress
from omics_resources.provider_base import ScheduledProvider, with_defaults
from omics_resources.read_set_census import Window, counts, take_census
from omics_resources.resources import args_props, token_scope
from omics_resources.validation import (
    Problem,
    api_problems,
    duplicate_problems,
    setting_problems,
)

__all__ = ["ActiveReadSets", "ActiveReadSetsArgs", "ActiveReadSetsProvider", "lost_read_sets"]

Props = dict[str, Any]

#: Every property: the store (a different store is a different resource), the read sets
#: (changed in place: only added ones can need a job) and the settings jobs share.
ACTIVE_FIELDS: tuple[Field, ...] = (
    Field("sequence_store_id", api=("sequenceStoreId",)),
    Field("read_set_ids", api=("sources",), scalar_item=("readSetId",), change=Change.UPDATE),
    *(f for f in COMMON_FIELDS if f.change is Change.SETTING),
)
#: Outputs besides the inputs (each needs a key in the props, or it is no attribute).
OUTPUT_NAMES = ("read_set_statuses", "status_counts", "activation_jobs", "created_between")
_START = ActivationKind.operations.start


@dataclass(frozen=True, kw_only=True)
class ActiveReadSetsArgs:
    """The inputs of an :class:`ActiveReadSets`."""

    sequence_store_id: pulumi.Input[str]
    """The sequence store holding the read sets (10 to 36 digits)."""
    read_set_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    """The read sets to keep active, any number, each listed once (e.g. a cohort's ids)."""
    wait: pulumi.Input[bool] = True
    """Wait for the activation jobs to end during ``pulumi up`` (else refresh reports)."""
    wait_timeout: pulumi.Input[float] = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    """Seconds to wait for all of them (default 12 hours); the jobs go on after it."""
    allow_partial: pulumi.Input[bool] = False
    """Report deleted or unknown read sets (and jobs COMPLETED_WITH_FAILURES) and keep the
    others active, instead of failing."""

    def to_props(self) -> dict[str, Any]:
        """The inputs as the provider sees them."""
        return args_props(self)


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


class ActiveReadSetsProvider(ScheduledProvider):
    """The dynamic provider behind :class:`ActiveReadSets` (usable directly in tests; the
    injection points are :class:`~omics_resources.provider_base.ScheduledProvider`'s)."""

    # -- engine calls ---------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Fill in defaults and report every problem with the inputs; no AWS call."""
        inputs = with_defaults(fields.settings(ACTIVE_FIELDS), news)
        return CheckResult(inputs, [p.to_check_failure() for p in self.problems(inputs)])

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

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace for another store; update in place for changed read sets or settings, and
        for drift (read sets a refresh found ARCHIVED or gone). Pure: no API call."""
        replaces = fields.changed_fields(ACTIVE_FIELDS, olds, news, Change.REPLACE)
        updates = [
            *fields.changed_fields(ACTIVE_FIELDS, olds, news, Change.UPDATE),
            *fields.changed_fields(ACTIVE_FIELDS, olds, news, Change.SETTING),
        ]
        drift = bool(lost_read_sets(olds, news))
        return DiffResult(
            changes=bool(replaces or updates or drift),
            replaces=replaces,
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Activate the ARCHIVED read sets, wait for those ACTIVATING, leave ACTIVE alone."""
        reconciled = self._reconcile(props, olds={})
        store = str(props["sequence_store_id"])
        return CreateResult(
            resource_id(store, props.get(SCOPE_PROPERTY)), self._outputs(props, reconciled)
        )

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """The same as create, for the new inputs: only what is ARCHIVED now gets a job
        (added read sets, and any a refresh found archived). Returns every output."""
        return UpdateResult(self._outputs(news, self._reconcile(news, olds=olds)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Every read set's status now, and the status of jobs still running."""
        store, ids = props.get("sequence_store_id"), props.get("read_set_ids")
        if not isinstance(store, str) or not isinstance(ids, list):
            raise OmicsResourceError(
                f"{id_}: ActiveReadSets is read from its own state; it cannot be adopted by id "
                "(declare it with its read_set_ids instead)"
            )
        api = self.scheduler().api
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
            Progress(_resource_name(props, id_), "read sets").say(
                f"{len(lost)} of {len(ids)} not ACTIVE: "
                + ", ".join(f"{i} {s}" for i, s in lost.items())
                + " (the next `pulumi up` activates the ARCHIVED ones)"
            )
        return ReadResult(id_, outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Nothing to undo: the read sets stay as they are (archived again when unused)."""

    # -- helpers --------------------------------------------------------------------------

    def _reconcile(self, props: Mapping[str, Any], olds: Mapping[str, Any]) -> Reconciled:
        resource = _resource_name(props, "read sets")
        problems = self.problems(props)
        if problems:
            raise InvalidInputError(resource, problems)
        store = str(props["sequence_store_id"])
        scheduler = self.scheduler()
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
            clock=self._clock,
            cancel=self._cancel,
            policy=self._policy,
            resource=resource,
            scope=props.get(SCOPE_PROPERTY) or {},
            previous_jobs=[str(j.get("job_id")) for j in previous],
            running_jobs=running,
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

    @staticmethod
    def _outputs(inputs: Mapping[str, Any], reconciled: Reconciled) -> Props:
        outs = {k: v for k, v in inputs.items() if not k.startswith("__")}
        outs.update(
            read_set_statuses=reconciled.statuses,
            status_counts=counts(reconciled.statuses),
            activation_jobs=[_job_output(j) for j in reconciled.jobs],
            created_between=reconciled.window.to_output() if reconciled.window else None,
        )
        return outs


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _resource_name(props: Mapping[str, Any], fallback: str) -> str:
    scope = props.get(SCOPE_PROPERTY)
    if isinstance(scope, Mapping) and scope.get("resource_name"):
        return str(scope["resource_name"])
    return fallback


class ActiveReadSets(Resource, module="omics", name="ActiveReadSets"):
    """Read sets kept ACTIVE, any number of them (e.g. a cohort's).

    Create and update activate only the ARCHIVED ones, in jobs of at most 20 run side by
    side; refresh reports each read set's status, and any found ARCHIVED is drift that the
    next ``pulumi up`` repairs in place. Destroying it changes nothing.
    """

    sequence_store_id: pulumi.Output[str]
    """The sequence store."""
    read_set_ids: pulumi.Output[list[str]]
    """The read sets kept active, as declared."""
    read_set_statuses: pulumi.Output[dict[str, str]]
    """Each read set's status (ACTIVE, ACTIVATING, ARCHIVED, DELETED ...) at the last
    create, update or refresh."""
    status_counts: pulumi.Output[dict[str, int]]
    """How many read sets are in each status."""
    activation_jobs: pulumi.Output[list[dict[str, Any]]]
    """The activation jobs of the last create or update: ``job_id``, ``status``,
    ``read_set_ids``, ``creation_time``, ``completion_time``."""
    created_between: pulumi.Output[list[str] | None]
    """The earliest and latest creation time of the read sets (narrows later lookups)."""

    def __init__(
        self,
        resource_name: str,
        args: ActiveReadSetsArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the read sets to keep active.

        :param str resource_name: The name of the resource (unique in the stack; part of the
            derived client tokens).
        :param ActiveReadSetsArgs args: The store and the read sets.
        :param pulumi.ResourceOptions opts: Options for the resource.
        """
        props: Props = dict.fromkeys(OUTPUT_NAMES)
        props.update(args.to_props())
        props[SCOPE_PROPERTY] = token_scope(resource_name)
        super().__init__(ActiveReadSetsProvider(), resource_name, props, opts)
