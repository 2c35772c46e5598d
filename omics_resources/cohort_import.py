"""``CohortImport``: any number of samples as read sets of one store, updated by delta.

The provider plans the cohort's sources into batches of at most 100 (one import job each,
:mod:`omics_resources.batching`), imports them all at once through the shared scheduler
(:mod:`omics_resources.cohort_run`), and keeps per sample its read set, status and job
(:mod:`omics_resources.cohort_state`). What each engine call does:

- **check**: every source exactly as ``ReadSetImportJob`` checks its sources (the API's
  rules from botocore's model, run on chunks of 100, so paths read ``sources[734].source1``;
  the source rules of the import kind), the settings, and no two sources with one key.
- **diff**: pure. Replace only when ``sequence_store_id`` changes; update in place for
  added, removed and changed samples, tag changes, the role and the settings, and for
  samples whose import failed or whose read set is gone (drift found by a refresh).
- **create**/**update**: import the keys without a read set (new batches; nothing already
  imported moves or is imported again), re-tag in place, delete read sets of removed or
  superseded samples only with ``delete_removed_read_sets``.
- **read** (refresh): read-set statuses from ``ListReadSets`` pages, pending samples from
  their jobs. A job record that no longer exists changes nothing for samples with a read set.
- **delete**: keeps the read sets unless ``delete_read_sets_on_destroy``.

``role_arn`` updates in place (the next jobs use it): replacing the cohort would import every
sample a second time into the same store.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import botocore.exceptions
import pulumi
from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    UpdateResult,
)

from omics_resources import aws, fields, limits
from omics_resources.batching import MAX_SOURCES_PER_JOB, Assignment, duplicate_keys, plan_batches
from omics_resources.cohort_run import BATCH_KIND, CohortRun
from omics_resources.cohort_state import LEDGER_OUTPUT, CohortState, Declared, Ledger, plan_delta
from omics_resources.cohort_upkeep import remove_read_sets, retag, settle
from omics_resources.cohort_verdict import CohortImportError, verdict
from omics_resources.errors import InvalidInputError, ReadSetDeletionError
from omics_resources.fields import Change, Field
from omics_resources.import_job import (
    IMPORT_FIELDS,
    ReadSetImportSourceArgs,
    delete_read_sets,
    with_source_props,
)
from omics_resources.jobs import SCOPE_PROPERTY
from omics_resources.progress import Progress
from omics_resources.provider_base import ScheduledProvider, with_defaults
from omics_resources.resources import args_props, token_scope
from omics_resources.validation import Problem, SettingRule, api_problems, setting_problems

__all__ = ["CohortImport", "CohortImportArgs", "CohortImportError", "CohortImportProvider"]

Props = dict[str, Any]


def _import_field(name: str, **changes: Any) -> Field:
    found = next(f for f in IMPORT_FIELDS if f.name == name)
    return dataclasses.replace(found, **changes)


#: Every property: the import job's, less its client token (each batch derives its own),
#: with the role and the sources changed in place, plus delete_removed_read_sets.
COHORT_FIELDS: Final = (
    _import_field("sequence_store_id"),
    _import_field("role_arn", change=Change.UPDATE),
    _import_field("sources", change=Change.UPDATE),
    _import_field("wait"),
    _import_field("wait_timeout"),
    _import_field("allow_partial"),
    _import_field("delete_read_sets_on_destroy"),
    Field("delete_removed_read_sets", change=Change.SETTING, setting=SettingRule(bool, False)),
)
SETTINGS: Final = fields.settings(COHORT_FIELDS)
#: Outputs besides the inputs (each needs a key in the props, or it is no attribute).
OUTPUT_NAMES: Final = ("read_set_ids", "samples", "jobs", "counts")
_OPERATION = BATCH_KIND.operations.start


def _shifted(offset: int) -> Callable[[tuple[str | int, ...]], str]:
    """The property path of a member of a chunk's request whose sources start at ``offset``."""

    def path(api_path: tuple[str | int, ...]) -> str:
        if len(api_path) > 1 and api_path[0] == "sources" and isinstance(api_path[1], int):
            api_path = ("sources", api_path[1] + offset, *api_path[2:])
        return fields.property_path(COHORT_FIELDS, api_path)

    return path


def cohort_problems(props: Mapping[str, Any]) -> list[Problem]:
    """Every rule ``props`` break: each source as ``ReadSetImportJob`` checks its sources,
    the settings, and repeated keys (naming both sources)."""
    request = fields.to_api(COHORT_FIELDS, props)
    sources = request.get("sources")
    found: list[Problem] = []
    if isinstance(sources, list) and len(sources) > MAX_SOURCES_PER_JOB:
        # Chunks of one job's size: the API's list-size rule is the batches' business.
        for start in range(0, len(sources), MAX_SOURCES_PER_JOB):
            chunk = {**request, "sources": sources[start : start + MAX_SOURCES_PER_JOB]}
            found += [  # the store and the role are in every chunk: said once
                p
                for p in api_problems(_OPERATION, chunk, _shifted(start))
                if not start or p.path.startswith("sources[")
            ]
    else:
        found += api_problems(_OPERATION, request, _shifted(0))
    found += setting_problems(SETTINGS, props)
    found += BATCH_KIND.own_problems(props)
    declared = props.get("sources")
    if isinstance(declared, list):
        found += [d.problem() for d in duplicate_keys(declared)]
    return found


def cohort_id(store: str, scope: Any) -> str:
    """The resource id, ``<storeId>/cohort/<hash of project, stack and resource name>``."""
    scope = scope if isinstance(scope, Mapping) else {}
    canonical = json.dumps([scope.get(k) for k in ("project", "stack", "resource_name")])
    return f"{store}/cohort/{hashlib.sha256(canonical.encode()).hexdigest()[:12]}"


def _resource_name(props: Mapping[str, Any], fallback: str) -> str:
    scope = props.get(SCOPE_PROPERTY)
    return str(scope.get("resource_name") or fallback) if isinstance(scope, Mapping) else fallback


class CohortImportProvider(ScheduledProvider):
    """The dynamic provider behind :class:`CohortImport` (usable directly in tests; the
    injection points and the shared scheduler are :class:`ScheduledProvider`'s)."""

    # -- preview --------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Defaults, and every problem of every source; no AWS call."""
        inputs = with_defaults(SETTINGS, news)
        return CheckResult(inputs, [p.to_check_failure() for p in cohort_problems(inputs)])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace for another store; update for anything else that differs, and for
        samples whose import failed or whose read set is gone. Pure."""
        replaces = fields.changed_fields(COHORT_FIELDS, olds, news, Change.REPLACE)
        changed = bool(
            replaces
            or fields.changed_fields(COHORT_FIELDS, olds, news, Change.SETTING)
            or olds.get("role_arn") != news.get("role_arn")
        )
        if not changed:
            sources = news.get("sources")
            declared = Declared.of(sources) if isinstance(sources, list) else None
            if declared is None or LEDGER_OUTPUT not in olds:
                changed = True
            else:
                state = CohortState.of(olds)
                changed = bool(plan_delta(state.ledger, state.samples, declared))
        return DiffResult(changes=changed, replaces=replaces, delete_before_replace=False)

    # -- up -------------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Import every source (batches of at most 100, all at once) and wait."""
        progress = Progress(_resource_name(props, "cohort"), "cohort")
        declared = self._declared(progress, props)
        plan = plan_batches(Assignment(), declared.keys)
        state = CohortState(Ledger(plan.assignment))
        self._import(progress, props, declared, state, plan.new_batches)
        state.ledger.record_sources(declared)
        store = str(props["sequence_store_id"])
        return CreateResult(cohort_id(store, props.get(SCOPE_PROPERTY)), state.outputs(props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Import what is new, changed, failed or gone; re-tag; forget (or, if asked,
        delete) removed samples' read sets. Returns every output (pulumi #13983)."""
        progress = Progress(_resource_name(news, id_), "cohort")
        declared = self._declared(progress, news)
        state = CohortState.of(olds)
        store = str(news["sequence_store_id"])
        api = self.scheduler().api
        settle(api, store, state)
        delta = plan_delta(state.ledger, state.samples, declared)
        progress.say(f"update: {delta.summary()}")
        plan = plan_batches(state.ledger.assignment, declared.keys, reimport=delta.reimported)
        superseded = {
            k: state.samples[k].read_set_id for k in delta.changed if state.samples[k].has_read_set
        }
        removed = {k: state.samples.pop(k) for k in delta.removed if k in state.samples}
        state.ledger.assignment = plan.assignment
        failure: CohortImportError | None = None
        try:
            self._import(progress, news, declared, state, plan.new_batches)
        except CohortImportError as error:
            failure = error  # re-tag and delete first: both are safe to repeat
        retag(api, state, declared, delta.retagged, store=store, progress=progress)
        gone = [*superseded.values(), *(s.read_set_id for s in removed.values() if s.has_read_set)]
        remove_read_sets(
            api,
            [i for i in gone if i],
            store=store,
            delete=bool(news.get("delete_removed_read_sets")),
            progress=progress,
        )
        if failure is not None:
            raise failure
        state.ledger.record_sources(declared)
        return UpdateResult(state.outputs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Each read set's status (ListReadSets pages) and each pending sample's job."""
        try:
            state = CohortState.of(props)
        except ValueError:
            return ReadResult(None, {})
        store = str(props.get("sequence_store_id"))
        api = self.scheduler().api
        ids = [s.read_set_id for s in state.samples.values() if s.has_read_set and s.read_set_id]
        try:
            infos = api.read_sets(store, ids, created_after=state.since)
        except botocore.exceptions.ClientError as error:
            if aws.error_code(error) == limits.NOT_FOUND_ERROR_CODE:
                return ReadResult(None, {})  # the store is gone, and the read sets with it
            raise
        for sample in state.samples.values():
            info = infos.get(sample.read_set_id or "")
            if info is not None and sample.has_read_set:
                sample.status = info["status"]
        settle(api, store, state)
        inputs = {k: v for k, v in props.items() if not k.startswith("__")}
        return ReadResult(id_, state.outputs(inputs))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Keep the read sets unless ``delete_read_sets_on_destroy``."""
        progress = Progress(_resource_name(props, id_), "cohort")
        ids = [i for i in (props.get("read_set_ids") or {}).values() if i]
        if not props.get("delete_read_sets_on_destroy"):
            if ids:
                progress.say(f"kept {len(ids)} read set(s) (delete_read_sets_on_destroy is false)")
            return
        errors = delete_read_sets(self.scheduler().api, str(props.get("sequence_store_id")), ids)
        if errors:
            raise ReadSetDeletionError(progress.resource, errors)
        progress.say(f"deleted {len(ids)} read set(s)")

    # -- steps ----------------------------------------------------------------------------

    def _declared(self, progress: Progress, props: Mapping[str, Any]) -> Declared:
        problems = cohort_problems(props)
        declared = Declared.of(props.get("sources") or [])
        if problems or declared is None:
            raise InvalidInputError(progress.resource, problems or ["sources: not all known"])
        return declared

    def _import(
        self,
        progress: Progress,
        props: Mapping[str, Any],
        declared: Declared,
        state: CohortState,
        batches: Mapping[str, Sequence[str]],
    ) -> None:
        run = CohortRun(
            resource=progress.resource,
            scope=props.get(SCOPE_PROPERTY) or {},
            store=str(props["sequence_store_id"]),
            role_arn=str(props["role_arn"]),
            declared=declared,
            wait=bool(props.get("wait", True)),
            wait_timeout=float(props.get("wait_timeout") or limits.DEFAULT_WAIT_TIMEOUT_SECONDS),
            scheduler=self.scheduler(),
            clock=self._clock,
            cancel=self._cancel,
            policy=self._policy,
        )
        results = run.run(batches)
        for result in results:
            state.samples.update(result.samples)
            state.record_jobs(result.batch, result.jobs, result.created)
        verdict(progress, declared, results, allow_partial=bool(props.get("allow_partial")))


@dataclass(frozen=True, kw_only=True)
class CohortImportArgs:
    """The inputs of a :class:`CohortImport`."""

    sequence_store_id: pulumi.Input[str]
    """The sequence store to import into (10 to 36 digits); a change replaces the cohort."""
    role_arn: pulumi.Input[str]
    """A service role HealthOmics assumes to read the sources; a change applies to new jobs."""
    sources: Sequence[ReadSetImportSourceArgs | Mapping[str, Any]] | pulumi.Input[Sequence[Any]]
    """Any number of sources, each a read set; a source's key is its ``name``, else its
    ``sample_id`` and files (see :mod:`omics_resources.batching`)."""
    wait: pulumi.Input[bool] = True
    """Wait for the jobs to end during ``pulumi up`` (else refresh reports them)."""
    wait_timeout: pulumi.Input[float] = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    """Seconds to wait for all jobs of one ``pulumi up`` (default 12 hours)."""
    allow_partial: pulumi.Input[bool] = False
    """Accept failed sources (listed in the outputs; the next ``pulumi up`` retries them)."""
    delete_read_sets_on_destroy: pulumi.Input[bool] = False
    """Delete every read set of the cohort when it is destroyed (default: keep them)."""
    delete_removed_read_sets: pulumi.Input[bool] = False
    """Delete the read set of a sample removed from ``sources``, or of one whose files
    changed and was imported again (default: keep them)."""

    def to_props(self) -> dict[str, Any]:
        """The inputs as the provider sees them."""
        return with_source_props(args_props(self))


class CohortImport(Resource, module="omics", name="CohortImport"):
    """A cohort of samples as read sets of one sequence store, imported in as many jobs as
    it takes and kept up to date by delta: added samples are imported, failed ones retried,
    none imported twice. Destroying it keeps the read sets unless asked."""

    read_set_ids: pulumi.Output[dict[str, str]]
    """Sample key -> its read set's id (samples with a read set)."""
    samples: pulumi.Output[dict[str, dict[str, Any]]]
    """Sample key -> ``status``, ``read_set_id``, ``job_id``, ``status_message`` (if any)."""
    jobs: pulumi.Output[dict[str, str]]
    """Import job id -> its status."""
    counts: pulumi.Output[dict[str, int]]
    """``imported``, ``failed``, ``pending`` and ``deleted`` samples."""

    def __init__(
        self, resource_name: str, args: CohortImportArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Declare the cohort.

        :param str resource_name: The name of the resource (part of every batch's token).
        :param CohortImportArgs args: The cohort's inputs.
        :param pulumi.ResourceOptions opts: Options for the resource.
        """
        props: dict[str, Any] = dict.fromkeys(OUTPUT_NAMES)
        props.update(args.to_props())
        props[SCOPE_PROPERTY] = token_scope(resource_name)
        super().__init__(CohortImportProvider(), resource_name, props, opts)
