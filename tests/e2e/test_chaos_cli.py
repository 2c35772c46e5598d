"""The real-CLI subset of the chaos tester (see docs/reliability.md, "Search"): seeded
sequences of sample-sheet edits, each followed by a `pulumi up` SIGKILLed with its plugins
at a random moment (before its Start, inside it, while waiting, while deleting), then
Pulumi's documented resume (`pulumi cancel`, `pulumi refresh --clear-pending-creates`).
After the last one, a clean `up` and the invariant: each declared sample has exactly one
live read set, of its row's latest description, named by the outputs; no description of a
sample was imported twice; the next preview has no changes. 4 stacks of 5 kills each."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import World
from tests.e2e.test_cohort import cohort_stack, sample_sheet
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import PulumiStack, interrupt

KILLS = 5
EDITS = ("add", "describe", "remove", "reorder")


@pytest.mark.parametrize("seed", range(4))
def test_killed_ups_with_edits_in_between_converge(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path, seed: int,
) -> None:
    rng = random.Random(seed)
    control.durations(submitSeconds=0.5, importSeconds=rng.choice([1.0, 3.0, 6.0]))
    world.upload(*(f"S{i}.fq" for i in range(3 + KILLS * 3)))
    rows = list(range(rng.randint(2, 4)))
    described = dict.fromkeys(rows, "v0")
    sheet = tmp_path / "cohort.csv"

    def write() -> None:
        sample_sheet(sheet, rows, **{f"S{i}": {"description": described[i]} for i in rows})

    write()
    stack = cohort_stack(make_stack, world, str(sheet), delete_removed_read_sets=True)
    history = []
    for kill in range(KILLS):
        edit = rng.choice(EDITS) if kill else "none"
        if edit == "add":
            added = max(described) + 1
            described[added] = "v0"
            rows.insert(rng.randrange(len(rows) + 1), added)
        elif edit == "describe":
            described[rng.choice(rows)] = f"v{kill}"
        elif edit == "remove" and len(rows) > 1:
            rows.remove(rng.choice(rows))
        elif edit == "reorder":
            rng.shuffle(rows)
        write()
        delay = rng.uniform(0.5, 8.0)
        process = stack.start("up", "--yes", "--skip-preview", "--stack", stack.name)
        time.sleep(delay)  # the moment of the kill: real time, drawn from the seed
        ended = process.poll() is not None
        if not ended:
            interrupt(process, "sigkill")
        process.communicate(timeout=120)
        stack.run("cancel", "--yes", "--stack", stack.name)
        stack.refresh("--clear-pending-creates")
        history.append(f"{edit}, then up {'ended before' if ended else 'killed at'} {delay:.1f} s")

    stack.up()
    why = f"seed {seed}: " + "; ".join(history)
    print(why)
    live = [r for page in world.omics.get_paginator("list_read_sets").paginate(
        sequenceStoreId=world.store) for r in page["readSets"]]
    outs = stack.outputs()["cohort"]["read_set_ids"]
    for i in rows:
        matching = [r["id"] for r in live if r["sampleId"] == f"S{i}"
                    and r.get("description", "") == described[i]]
        assert len(matching) == 1, (why, i, live)
        assert outs[f"S{i}"] == matching[0], why
    assert sorted(outs) == sorted(f"S{i}" for i in rows), why
    imported: dict[tuple[str, str], int] = {}
    for page in world.omics.get_paginator("list_read_set_import_jobs").paginate(
            sequenceStoreId=world.store):
        for item in page["importJobs"]:
            job = world.omics.get_read_set_import_job(sequenceStoreId=world.store, id=item["id"])
            for source in job["sources"]:
                if source.get("status") == "FINISHED":
                    key = (source["sampleId"], source.get("description", ""))
                    imported[key] = imported.get(key, 0) + 1
    assert all(n == 1 for n in imported.values()), (why, imported)
    assert stack.preview("--expect-no-changes").code == 0, why
