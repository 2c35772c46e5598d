"""What must hold after a chaos run's clean ``pulumi up``, read from the service itself
(ListReadSets, the jobs' Get answers) and compared with the program and the state.

- every declared sample has exactly one live read set that matches its declaration, and it
  is the one the outputs name, with the status ListReadSets gives;
- no intent started two jobs: a sample's declaration (between two edits of it, or two
  deletions of its read set) got at most one read set, and a read set (between two
  archivings of it) at most one activation job;
- the ActiveReadSets outputs are the cohort's read sets, ACTIVE, as ListReadSets says.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tests.support.fake_time import FakeWorld

if TYPE_CHECKING:
    from tests.chaos.engine import Engine
    from tests.chaos.program import Program
    from tests.chaos.runner import History

GONE = frozenset({"DELETED", "DELETING"})


class InvariantBrokenError(AssertionError):
    """An invariant does not hold."""


def read_sets(world: FakeWorld) -> list[dict[str, Any]]:
    """Every read set of the store, as ListReadSets pages give them."""
    found: list[dict[str, Any]] = []
    for page in world.omics.get_paginator("list_read_sets").paginate(
            sequenceStoreId=world.store_id):
        found += page["readSets"]
        world.clock.sleep(0.5, None)
    return found


def _jobs(world: FakeWorld, kind: str) -> Iterator[dict[str, Any]]:
    """Every job of ``kind`` (import, activation), as its Get answers it."""
    lister = f"list_read_set_{kind}_jobs"
    key = "importJobs" if kind == "import" else "activationJobs"
    getter = getattr(world.omics, f"get_read_set_{kind}_job")
    for page in world.omics.get_paginator(lister).paginate(sequenceStoreId=world.store_id):
        for item in page[key]:
            # The store's rate budget refills on the run's fake clock: take a turn.
            world.clock.sleep(0.5, None)
            yield dict(getter(sequenceStoreId=world.store_id, id=item["id"]))


def _epoch(changes: list[float], at: datetime) -> int:
    return sum(1 for t in changes if t < at.timestamp())


def check(world: FakeWorld, engine: Engine, program: Program, history: History) -> None:
    """Raise :class:`InvariantBrokenError` naming the first invariant that does not hold."""
    ids = _cohort(world, engine, program, history)
    _others(world, engine, program, ids)
    _activations(world, history)


def _cohort(world: FakeWorld, engine: Engine, program: Program,
            history: History) -> dict[str, str]:
    """The cohort's invariants; its read set ids by sample."""
    imports = list(_jobs(world, "import"))
    made: dict[str, dict[str, Any]] = {}
    per_intent: dict[tuple[str, int], list[str]] = {}
    for job in imports:
        for source in job["sources"]:
            if source.get("status") == "FINISHED" and source.get("readSetId"):
                made[source["readSetId"]] = source
                sample = source["sampleId"]
                epoch = _epoch(history.intent_changes.get(sample, []), job["creationTime"])
                per_intent.setdefault((sample, epoch), []).append(job["id"])
    twice = {k: v for k, v in per_intent.items() if len(v) > 1}
    if twice:
        raise InvariantBrokenError(f"imported twice for one intent (sample, epoch): jobs {twice}")

    live = {r["id"]: r for r in read_sets(world) if r["status"] not in GONE}
    outs = engine.state["cohort"].outputs
    ids = dict(outs.get("read_set_ids") or {})
    bucket = engine.bucket
    for row in program.rows:
        want = row.source(bucket)
        matching = [i for i, r in live.items() if i in made and made[i]["sampleId"] == row.key
                    and made[i]["sourceFiles"]["source1"] == want["source1"]
                    and made[i].get("description") == want["description"]]
        if len(matching) != 1:
            raise InvariantBrokenError(f"{row.key}: {len(matching)} live read sets match its "
                                  f"declaration ({matching}), not 1")
        if ids.get(row.key) != matching[0]:
            raise InvariantBrokenError(f"{row.key}: outputs name {ids.get(row.key)}, the store "
                                  f"has {matching[0]}")
        status = (outs.get("samples") or {}).get(row.key, {}).get("status")
        if status != live[matching[0]]["status"]:
            raise InvariantBrokenError(f"{row.key}: outputs say {status}, ListReadSets says "
                                  f"{live[matching[0]]['status']}")
    extra = set(ids) - {r.key for r in program.rows}
    if extra:
        raise InvariantBrokenError(f"outputs name samples no longer declared: {sorted(extra)}")
    return ids


def _others(world: FakeWorld, engine: Engine, program: Program, ids: dict[str, str]) -> None:
    """ActiveReadSets holds the cohort's read sets, ACTIVE; ReadSetImportJob's outputs say
    what ListReadSets says."""
    live = {r["id"]: r for r in read_sets(world) if r["status"] not in GONE}

    if "active" in engine.state:
        active = engine.state["active"].outputs
        want_ids = [ids[r.key] for r in program.rows]
        if list(active.get("read_set_ids") or []) != want_ids:
            raise InvariantBrokenError(f"ActiveReadSets holds {active.get('read_set_ids')}, the "
                                  f"cohort's are {want_ids}")
        statuses = active.get("read_set_statuses") or {}
        for read_set_id in want_ids:
            if statuses.get(read_set_id) != "ACTIVE" or live[read_set_id]["status"] != "ACTIVE":
                raise InvariantBrokenError(f"{read_set_id}: ActiveReadSets says "
                                      f"{statuses.get(read_set_id)}, ListReadSets says "
                                      f"{live[read_set_id]['status']}")
    if "single" in engine.state:
        # One job's read sets: one deleted out of band is reported, not imported again
        # (a ReadSetImportJob is the job; a CohortImport is the desired read sets).
        single = engine.state["single"].outputs
        listed = {r["id"]: r["status"] for r in read_sets(world)}
        for read_set_id in single.get("read_set_ids") or []:
            said = (single.get("read_set_statuses") or {}).get(read_set_id)
            if said != listed.get(read_set_id, "DELETED"):
                raise InvariantBrokenError(f"ReadSetImportJob says {read_set_id} is {said}, "
                                      f"ListReadSets says {listed.get(read_set_id)}")


def _activations(world: FakeWorld, history: History) -> None:
    """At most one activation job per read set and archiving."""
    per_archive: dict[tuple[str, int], list[str]] = {}
    for job in _jobs(world, "activation"):
        if job["status"] == "FAILED":
            continue
        for source in job["sources"]:
            read_set_id = source["readSetId"]
            epoch = _epoch(history.archived.get(read_set_id, []), job["creationTime"])
            per_archive.setdefault((read_set_id, epoch), []).append(job["id"])
    twice = {k: v for k, v in per_archive.items() if len(v) > 1}
    if twice:
        raise InvariantBrokenError(f"two activation jobs for one archiving (read set, epoch): {twice}")
