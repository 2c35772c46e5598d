"""``CohortImport``'s behaviour: any number of samples as read sets of one store, updated by delta.

The provider plans the cohort's sources into batches of at most 100 (one import job each,
:mod:`omics_resources.core.cohort.batching`), imports them all at once through the shared scheduler
(:mod:`omics_resources.core.cohort.run`), and keeps per sample its read set, status and job
(:mod:`omics_resources.core.cohort.state`). What each engine call does:

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

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import botocore.exceptions

from omics_resources.core import fields, limits
from omics_resources.core.account import aws
from omics_resources.core.cohort import identity
from omics_resources.core.cohort.adoption import adopt
from omics_resources.core.cohort.batching import plan_batches
from omics_resources.core.cohort.declaration import declared_sources, problems_of
from omics_resources.core.cohort.discovery import absorb, find_jobs, window_start
from omics_resources.core.cohort.properties import (
    COHORT_FIELDS,
    OUTPUTS,
    SETTINGS,
    cohort_problems,
)
from omics_resources.core.cohort.run import BATCH_KIND, CohortRun
from omics_resources.core.cohort.state import (
    LEDGER_OUTPUT,
    NOT_IN_OUTPUTS,
    CohortState,
    Declared,
    plan_delta,
)
from omics_resources.core.cohort.upkeep import mark_duplicates, remove_read_sets, retag, settle
from omics_resources.core.cohort.verdict import (
    CohortImportError,
    CohortPartlyCreatedError,
    verdict,
)
from omics_resources.core.errors import InvalidInputError, ReadSetDeletionError
from omics_resources.core.fields import Change
from omics_resources.core.jobs.import_job import delete_read_sets
from omics_resources.core.progress import Progress
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

__all__ = ["COHORT_FIELDS", "CohortImportBehaviour", "cohort_id", "cohort_problems"]

_OPERATION = BATCH_KIND.operations.start


def cohort_id(store: str, scope: Any) -> str:
    """The resource id, ``<storeId>/cohort/<hash of project, stack and resource name>``."""
    return f"{store}/cohort/{identity.cohort_hash(scope)}"


class CohortImportBehaviour(ResourceBehaviour):
    """``CohortImport``: every engine call, over plain dicts (see the module)."""

    type_name = "CohortImport"
    summary = (
        "A cohort of samples as read sets of one sequence store, imported in as many jobs as "
        "it takes and kept up to date by delta: added samples are imported, failed ones "
        "retried, none imported twice. Destroying it keeps the read sets unless asked."
    )
    fields = COHORT_FIELDS
    outputs = OUTPUTS
    inputs_not_in_outputs = NOT_IN_OUTPUTS
    operation = _OPERATION

    # -- preview --------------------------------------------------------------------------

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Defaults, and every problem of every source; no AWS call."""
        inputs = with_defaults(SETTINGS, news)
        # The inputs go back as they came (sources packed or not: see packing).
        return Checked(inputs, problems_of(inputs, cohort_problems))

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Replace for another store; update for anything else that differs, and for
        samples whose import failed or whose read set is gone. Pure."""
        replaces = fields.changed_fields(COHORT_FIELDS, olds, news, Change.REPLACE)
        updates = fields.changed_fields(COHORT_FIELDS, olds, news, Change.SETTING)
        if olds.get("role_arn") != news.get("role_arn"):
            updates.append("role_arn")
        if not (replaces or updates):
            declared = declared_sources(news.get("sources"))
            if declared is None or LEDGER_OUTPUT not in olds:
                updates.append("sources")
            else:
                state = CohortState.of(olds)
                # A failed create's state: its re-run is due.
                if state.ledger.partial or plan_delta(state.ledger, state.samples, declared):
                    updates.append("sources")
        return Diff(changes=bool(replaces or updates), replaces=replaces, updates=updates)

    # -- up -------------------------------------------------------------------------------

    def create(self, props: Mapping[str, Any]) -> Created:
        """Import every source (batches of at most 100, all at once) and wait; what an
        earlier failed or interrupted create imported is found and kept (see
        :mod:`~omics_resources.core.cohort.discovery`)."""
        id_ = cohort_id(str(props["sequence_store_id"]), props.get(SCOPE_PROPERTY))
        resource = resource_name(props, "cohort")
        return Created(id_, self._converge(resource, props, CohortState(), (), created=id_))

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
        """Import what is new, changed, failed or gone; re-tag; forget (or, if asked,
        delete) removed samples' read sets. Returns every output (pulumi #13983)."""
        roles = [str(olds["role_arn"])] if olds.get("role_arn") else []
        state = CohortState.of(olds)
        if state.ledger.partial:
            # A failed create's state: converge as its re-run would (its jobs are found
            # again, as a create finds them), not from a ledger that run never finished.
            state = CohortState()
        return self._converge(resource_name(news, id_), news, state, roles)

    def read(self, id_: str, props: Mapping[str, Any]) -> Read:
        """Each read set's status (ListReadSets pages) and each pending sample's job; with
        no state (``pulumi import``), the cohort rebuilt from the store (see adoption)."""
        if LEDGER_OUTPUT not in props and "samples" not in props:  # no state at all
            adopted = adopt(self.runtime.scheduler().api, id_, props.get(SCOPE_PROPERTY))
            return Read(id_, adopted) if adopted is not None else Read(None, {})
        try:
            state = CohortState.of(props)
        except ValueError:
            return Read(None, {})
        store = str(props.get("sequence_store_id"))
        api = self.runtime.scheduler().api
        ids = [s.read_set_id for s in state.samples.values() if s.has_read_set and s.read_set_id]
        try:
            infos = api.read_sets(store, ids, created_after=state.since)
        except botocore.exceptions.ClientError as error:
            if aws.error_code(error) == limits.NOT_FOUND_ERROR_CODE:
                return Read(None, {})  # the store is gone, and the read sets with it
            raise
        for sample in state.samples.values():
            info = infos.get(sample.read_set_id or "")
            if info is not None and sample.has_read_set:
                sample.status = info["status"]
        mark_duplicates(state.samples, infos)
        settle(api, store, state)
        inputs = plain_inputs(props)
        return Read(id_, self._outputs(state, inputs))

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Keep the read sets unless ``delete_read_sets_on_destroy``."""
        progress = self.runtime.progress(resource_name(props, id_), "cohort")
        ids = [i for i in (props.get("read_set_ids") or {}).values() if i]
        if not props.get("delete_read_sets_on_destroy"):
            if ids:
                progress.say(f"kept {len(ids)} read set(s) (delete_read_sets_on_destroy is false)")
            return
        errors = delete_read_sets(
            self.runtime.scheduler().api, str(props.get("sequence_store_id")), ids
        )
        if errors:
            raise ReadSetDeletionError(progress.resource, errors)
        progress.say(f"deleted {len(ids)} read set(s)")

    def _outputs(self, state: CohortState, inputs: Mapping[str, Any]) -> Props:
        """Every output, with each ACTIVE sample's ``s3_uris`` (no call per read set)."""
        outs = state.outputs(inputs)
        active = {
            key: read_set_id
            for key, read_set_id in outs["read_set_ids"].items()
            if state.samples[key].status == limits.READ_SET_ACTIVE
        }
        store = str(inputs.get("sequence_store_id"))
        outs["s3_uris"] = self.runtime.scheduler().api.read_set_s3_uris(store, active)
        return outs

    # -- steps ----------------------------------------------------------------------------

    def _converge(
        self,
        resource: str,
        props: Mapping[str, Any],
        state: CohortState,
        old_roles: Collection[str],
        created: str | None = None,
    ) -> Props:
        """Bring the store to the declared sources from ``state`` (empty on a create, whose
        id is ``created``): take in the jobs the state misses (run with the role or
        ``old_roles``), then import what is new, changed, failed or gone. A create that
        fails raises :class:`CohortPartlyCreatedError` with the state it leaves."""
        progress = self.runtime.progress(resource, "cohort")
        declared = self._declared(progress, props)
        store = str(props["sequence_store_id"])
        api = self.runtime.scheduler().api
        first = not state.ledger.signatures
        settle(api, store, state)
        run = self._run(progress, props, declared)
        replaced = self._take_in_earlier_jobs(
            progress, props, state=state, run=run, old_roles=old_roles, declared=declared
        )
        delta = plan_delta(state.ledger, state.samples, declared)
        if not first or state.ledger.signatures:
            progress.say(f"update: {delta.summary()}")
        plan = plan_batches(state.ledger.assignment, declared.keys, reimport=delta.reimported)
        superseded = {
            k: state.samples[k].read_set_id for k in delta.changed if state.samples[k].has_read_set
        }
        removed = {k: state.samples.pop(k) for k in delta.removed if k in state.samples}
        state.ledger.assignment = plan.assignment
        failure: CohortImportError | None = None
        try:
            self._import(
                run, progress, declared=declared, state=state, batches=plan.new_batches, props=props
            )
        except CohortImportError as error:
            failure = error  # re-tag first: it is safe to repeat
        retag(api, state, declared, delta.retagged, store=store, progress=progress)
        if failure is not None:  # nothing deleted: the state this run leaves still names them
            if created is None:
                raise failure
            state.ledger.partial = True
            state.ledger.record_sources(declared)
            raise CohortPartlyCreatedError(
                str(failure), resource_id=created, outputs=state.outputs(props)
            ) from failure
        # A changed sample's old read set goes only once its new one exists.
        gone = [
            old
            for k, old in superseded.items()
            if old and state.samples[k].read_set_id not in (None, old)
        ]
        gone += [str(s.read_set_id) for s in removed.values() if s.has_read_set]
        gone += replaced
        remove_read_sets(
            api,
            list(dict.fromkeys(gone)),
            store=store,
            delete=bool(props.get("delete_removed_read_sets")),
            progress=progress,
        )
        state.ledger.record_sources(declared)
        return self._outputs(state, props)

    def _take_in_earlier_jobs(
        self,
        progress: Progress,
        props: Mapping[str, Any],
        *,
        state: CohortState,
        run: CohortRun,
        old_roles: Collection[str],
        declared: Declared,
    ) -> list[str]:
        """Find this cohort's jobs that the state does not hold (an earlier run failed or
        was interrupted), wait for those still running (with ``wait``), and take their
        results in; the read sets they show superseded."""
        store = str(props["sequence_store_id"])
        cohort = identity.cohort_hash(props.get(SCOPE_PROPERTY))
        now = datetime.fromtimestamp(self.runtime.clock.time(), tz=UTC)
        jobs = find_jobs(
            self.runtime.scheduler().api,
            store,
            cohort=cohort,
            # An update's window is short (since its newest job): every role's jobs are
            # read, so a failed run's under a role the state never held are found.
            roles=None if state.ledger.newest else {str(props["role_arn"]), *old_roles},
            since=window_start(state, now),
            known=set(state.jobs),
            any_role_since=now - identity.ANY_ROLE_LOOKBACK,
        )
        if not jobs:
            return []
        running = [j for j in jobs if j.get("status") not in limits.TERMINAL_JOB_STATUSES]
        stopped: str | None = None
        if running:
            waited, stopped = run.wait_for(running)
            by_id = {str(j["id"]): j for j in waited}
            jobs = [by_id.get(str(j["id"]), j) for j in jobs]
        found = absorb(state, jobs, cohort, declared.signatures)
        keys = found.keys
        # A read set the job made may be gone since: such a sample is imported again.
        made = [s.read_set_id for k in keys if (s := state.samples[k]).read_set_id]
        infos = self.runtime.scheduler().api.read_sets(store, made, created_after=state.since)
        for key in keys:
            sample = state.samples[key]
            info = infos.get(sample.read_set_id or "")
            if info is not None and sample.has_read_set:
                sample.status = info["status"]
        done = sum(1 for k in keys if state.samples[k].has_read_set)
        progress.say(
            f"found {len(jobs)} import job{'s' * (len(jobs) != 1)} of this cohort that its "
            f"state did not hold (an earlier run failed or was interrupted): {done} of their "
            f"{len(keys)} samples have read sets and are not imported again"
        )
        if stopped is not None:
            raise CohortImportError(
                f"{progress.resource}: {stopped}. Run `pulumi up` again to keep waiting: "
                "the job is found again and nothing is imported twice."
            )
        return found.superseded

    def _declared(self, progress: Progress, props: Mapping[str, Any]) -> Declared:
        problems = problems_of(props, cohort_problems)
        declared = declared_sources(props.get("sources") or [])
        if problems or declared is None:
            raise InvalidInputError(progress.resource, problems or ["sources: not all known"])
        return declared

    @staticmethod
    def _import(
        run: CohortRun,
        progress: Progress,
        *,
        declared: Declared,
        state: CohortState,
        batches: Mapping[str, Sequence[str]],
        props: Mapping[str, Any],
    ) -> None:
        results = run.run(batches)
        for result in results:
            state.samples.update(result.samples)
            state.record_jobs(result.batch, result.jobs, result.created, result.newest)
        verdict(progress, declared, results, allow_partial=bool(props.get("allow_partial")))

    def _run(self, progress: Progress, props: Mapping[str, Any], declared: Declared) -> CohortRun:
        return CohortRun(
            resource=progress.resource,
            scope=props.get(SCOPE_PROPERTY) or {},
            store=str(props["sequence_store_id"]),
            role_arn=str(props["role_arn"]),
            declared=declared,
            wait=bool(props.get("wait", True)),
            wait_timeout=float(props.get("wait_timeout") or limits.DEFAULT_WAIT_TIMEOUT_SECONDS),
            scheduler=self.runtime.scheduler(),
            clock=self.runtime.clock,
            cancel=self.runtime.cancel,
            policy=self.runtime.policy,
            sink=self.runtime.sink,
        )
