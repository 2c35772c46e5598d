"""``pulumi import`` of a ``CohortImport``: its state rebuilt from the store alone.

A cohort's jobs carry its identity tag (:mod:`omics_resources.core.cohort.identity`), so the
store holds all the state needs: the jobs found by their tag are taken in as a create
takes in an earlier interrupted run's (:func:`~omics_resources.core.cohort.discovery.absorb`),
and the inputs are rebuilt from the jobs' sources (the user's tags, not ours). A following
``pulumi up`` with the same sources then has nothing to import.

The id to import is the cohort's resource id, ``<storeId>/cohort/<cohort hash>`` (the hash
is the tag's first part), or ``<storeId>`` alone for the cohort of the same project, stack
and resource name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from omics_resources.core.account.api import OmicsApi
from omics_resources.core.cohort import identity
from omics_resources.core.cohort.batching import source_key
from omics_resources.core.cohort.discovery import absorb, find_jobs
from omics_resources.core.cohort.properties import SETTINGS
from omics_resources.core.cohort.state import CohortState, Declared
from omics_resources.core.cohort.upkeep import settle
from omics_resources.core.errors import InvalidInputError
from omics_resources.core.fields import from_api
from omics_resources.core.jobs.import_job import SOURCE_FIELDS
from omics_resources.core.resource import Props, with_defaults

__all__ = ["adopt", "parse_import_id"]


def parse_import_id(id_: str, scope: Any) -> tuple[str, str]:
    """The store and the cohort hash an import id names."""
    store, sep, cohort = id_.partition("/cohort/")
    if not store.isdigit() or (sep and not cohort):
        raise InvalidInputError(
            "pulumi import",
            [f"id {id_!r} is not <sequenceStoreId>/cohort/<cohort hash> nor <sequenceStoreId>"],
        )
    return store, cohort or identity.cohort_hash(scope)


def _declared(jobs: Sequence[Mapping[str, Any]], cohort: str, keys: set[str]) -> list[Props]:
    """Each key's source as its newest job sent it, with the user's tags alone."""
    sources: dict[str, Props] = {}
    for job in jobs:
        for item in job.get("sources") or []:
            prop = from_api(SOURCE_FIELDS, item)
            key = source_key(prop)
            if key in keys and identity.batch_of(item.get("tags"), cohort) is not None:
                tags = identity.user_tags(prop.get("tags"))
                prop = {k: v for k, v in prop.items() if k != "tags" and v is not None}
                sources[str(key)] = {**prop, "tags": tags} if tags else prop
    return list(sources.values())


def adopt(api: OmicsApi, id_: str, scope: Any) -> Props | None:
    """The outputs, with the rebuilt ``sources``, of the cohort ``id_`` names; None when
    no job of it is in the store."""
    store, cohort = parse_import_id(id_, scope)
    jobs = find_jobs(api, store, cohort=cohort, roles=None, since=None, known=())
    if not jobs:
        return None
    state = CohortState()
    absorb(state, jobs, cohort, {})
    settle(api, store, state)
    ids = [s.read_set_id for s in state.samples.values() if s.has_read_set and s.read_set_id]
    infos = api.read_sets(store, ids, created_after=state.since)
    for sample in state.samples.values():
        info = infos.get(sample.read_set_id or "")
        if info is not None and sample.has_read_set:
            sample.status = info["status"]
    order = [k for keys in state.ledger.assignment.batches.values() for k in keys]
    by_key = {source_key(s): s for s in _declared(jobs, cohort, set(order))}
    sources = [by_key[k] for k in order if k in by_key]
    inputs = with_defaults(
        SETTINGS,
        {"sequence_store_id": store, "role_arn": jobs[-1].get("roleArn"), "sources": sources},
    )
    declared = Declared.of(sources)
    if declared is not None:
        state.ledger.record_sources(declared)
    return {**state.outputs(inputs), "sources": sources}
