"""Running a chaos plan against the in-process emulator on a fake clock, and checking the
invariants after its clean ``pulumi up``.

Replay a seed: ``python -m tests.chaos.runner SEED`` (prints the sequence, each run's
outcome and the invariants' verdict).
"""

from __future__ import annotations

import os
import random
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from omics_resources.emulator import Durations
from tests.chaos import invariants
from tests.chaos.engine import OK, Engine, RunResult
from tests.chaos.process import Process
from tests.chaos.program import ROLES, Program, Row
from tests.chaos.steps import Plan, Step, draw
from tests.support.clock import FakeClock
from tests.support.fake_time import FakeTimeEmulator, FakeWorld, fake_time_emulator
from tests.support.scenario import BUCKET, fastq
from tests.support.sim_clock import SimClock

T = TypeVar("T")
_START = "StartReadSetImportJob"


class ChaosFailedError(AssertionError):
    """A plan broke an invariant (or the clean up failed): the message holds its sequence."""


@dataclass
class History:
    """What happened, for the failure message and for the invariants' allowances."""

    lines: list[str] = field(default_factory=list)
    #: sample -> fake times at which its declaration changed or its read set was deleted.
    intent_changes: dict[str, list[float]] = field(default_factory=dict)
    #: read set id -> fake times at which it was archived out of band.
    archived: dict[str, list[float]] = field(default_factory=dict)

    def changed(self, sample: str, at: float) -> None:
        self.intent_changes.setdefault(sample, []).append(at)


class Chaos:
    """One plan's run."""

    def __init__(self, plan: Plan, emulator: FakeTimeEmulator) -> None:
        self.plan = plan
        self.clock = FakeClock() if os.environ.get("CHAOS_FAKE") else SimClock()
        durations = Durations(submit_seconds=plan.submit_seconds, import_seconds=plan.import_seconds,
                              activation_seconds=plan.activation_seconds)
        self.world: FakeWorld = emulator.world(self.clock, durations)
        self.engine = Engine(self.world.store_id, BUCKET)
        self.program = Program([Row(i) for i in range(plan.rows)],
                               delete_removed=plan.delete_removed, active=plan.active,
                               single=plan.single)
        self.history = History()
        self.uploaded: set[str] = set()
        self.pending_faults: list[dict[str, Any]] = []
        self.short_wait = False
        self.quota = False
        self.fresh_role = 0

    # -- running ----------------------------------------------------------------------------

    def run(self) -> None:
        for number, step in enumerate(self.plan.steps, 1):
            self.history.lines.append(f"  {number:2}. {step} -> {self._do(step)}")
        self._finish()

    def _do(self, step: Step) -> str:
        kind = step.kind
        if kind == "up":
            return self._up(step.args)
        if kind == "edit":
            return self._edit(str(step.args["what"]), int(step.args["pick"]))
        if kind == "fault":
            return self._fault(str(step.args["what"]), int(step.args["seed"]))
        if kind == "token-reuse":
            self.world.control.behaviour(tokenReuse=step.args["mode"])
            return "set"
        if kind == "out-of-band":
            return self._out_of_band(str(step.args["what"]), int(step.args["pick"]))
        if kind == "refresh":
            return self._engine_call(self.engine.refresh, Process(
                self.clock, self.world.url, slots=self.plan.slots)).outcome
        if kind == "state-lost":
            what = step.args["what"]
            for name in list(self.engine.state):
                if what in ("all", name):
                    del self.engine.state[name]
            return "dropped"
        if kind == "time-passes":
            self.clock.sleep(float(step.args["seconds"]), None)
            return "ok"
        raise ValueError(f"unknown step {step}")

    def _engine_call(self, call: Callable[[Process], RunResult], process: Process) -> RunResult:
        for rule in self.pending_faults:
            self.world.control.fault(**rule)
        if self.quota:
            self.world.control.quota(1)
        if self.fresh_role:
            self.world.control.behaviour(freshRoleSeconds=self.fresh_role)
        try:
            [result] = self._in_time(lambda: call(process))
        finally:
            if self.pending_faults:
                self.world.control.clear_faults()
            if self.quota:
                self.world.control.quota(None)
            if self.fresh_role:
                self.world.control.behaviour(freshRoleSeconds=0)
            self.pending_faults, self.quota, self.fresh_role = [], False, 0
        return result  # type: ignore[no-any-return]

    def _in_time(self, call: Callable[[], T]) -> list[T]:
        if isinstance(self.clock, SimClock):
            return self.clock.run(call, timeout=120)
        return [call()]

    def _up(self, args: dict[str, Any]) -> str:
        self._upload()
        how = next((k for k in ("kill", "kill-after", "cancel") if k in args), None)
        process = Process(
            self.clock, self.world.url, slots=self.plan.slots,
            kill_at=args.get(how) if how else None, kill_after=how == "kill-after",
            kill_operation=args.get("on"), cancel_only=how == "cancel")
        program = self.program
        if self.short_wait:
            program = program.copy()
            program.wait_timeout = 1
            self.short_wait = False
        result = self._engine_call(lambda p: self.engine.up(program, p), process)
        self.clock.sleep(1, None)  # the user reads the output
        return result.outcome + (f": {result.detail[:300]}" if result.detail else "")

    def _upload(self) -> None:
        keys = [r.object_key() for r in self.program.rows] + ["X0_R1.fastq"] * self.program.single
        for key in keys:
            if key not in self.uploaded:
                sample = key.split("_", 1)[0]
                self.world.s3.put_object(Bucket=BUCKET, Key=key, Body=fastq(sample))
                self.uploaded.add(key)

    def _edit(self, what: str, pick: int) -> str:
        rows = self.program.rows
        now = self.clock.time()
        row = rows[pick % len(rows)] if rows else None
        if what in ("bad-missing", "bad-invalid") and row is not None:
            row.bad = what.removeprefix("bad-")
            self.history.changed(row.key, now)
        elif what == "fix":
            bad = [r for r in rows if r.bad]
            if bad:
                bad[pick % len(bad)].bad = None
                self.history.changed(bad[pick % len(bad)].key, now)
        elif what == "add":
            for _ in range(1 + pick % 3):
                rows.insert(pick % (len(rows) + 1), Row(self.program.next_index))
                self.program.next_index += 1
        elif what == "remove" and row is not None and len(rows) > 1:
            rows.remove(row)
            self.history.changed(row.key, now)
        elif what == "reorder":
            random.Random(pick).shuffle(rows)
        elif what == "metadata" and row is not None:
            row.description = f"edit-{pick}"
            self.history.changed(row.key, now)
        elif what == "file" and row is not None:
            row.file += 1
            self.history.changed(row.key, now)
        elif what == "role":
            self.program.role = ROLES[(ROLES.index(self.program.role) + 1 + pick % 2) % len(ROLES)]
            self.history.changed("X0", now)
        elif what == "single":
            self.program.single_description = f"edit-{pick}"
            self.history.changed("X0", now)
        elif what == "delete-removed":
            self.program.delete_removed = not self.program.delete_removed
        else:
            return "nothing to edit"
        self.clock.sleep(1, None)
        return "edited"

    def _fault(self, what: str, seed: int) -> str:
        rules = {
            "throttle": [{"operation": "*", "error": "ThrottlingException", "rate": 0.15,
                          "seed": seed}],
            "500s": [{"operation": "*", "error": "InternalServerException", "rate": 0.1,
                      "seed": seed}],
            "lost-start": [{"operation": op, "error": "InternalServerException", "count": 1,
                            "after": True} for op in (_START, "StartReadSetActivationJob")],
            "access-denied": [{"operation": _START, "error": "AccessDeniedException",
                               "count": 1}],
        }
        if what == "short-wait":
            self.short_wait = True
        elif what == "402":
            # One job of each kind at a time: the run's other Starts are answered 402.
            self.quota = True
        elif what == "fresh-role":
            # A role IAM has not propagated yet: refused for its first seconds (past the
            # provider's bound of 120 s for the longest: that run fails naming the role).
            self.fresh_role = (5, 30, 200)[seed % 3]
        else:
            self.pending_faults += rules[what]
        return "for the next run"

    def _out_of_band(self, what: str, pick: int) -> str:
        live = [r for r in invariants.read_sets(self.world)
                if r["status"] not in invariants.GONE]
        if not live:
            return "no read set"
        now = self.clock.time()
        if what == "archive":
            chosen = [r for i, r in enumerate(live) if (i + pick) % 3 == 0] or live[:1]
            active = [r["id"] for r in chosen if r["status"] == "ACTIVE"]
            if not active:
                return "none ACTIVE"
            self.world.control.archive(self.world.store_id, active)
            for read_set_id in active:
                self.history.archived.setdefault(read_set_id, []).append(now)
            self.clock.sleep(1, None)
            return f"archived {len(active)}"
        # The cohort's read sets only: a ReadSetImportJob does not import a deleted read set
        # again (it is the job, not the read sets), so an activation of it would fail until
        # the user changes it (docs/reliability.md, Limits).
        cohort = [r for r in live if str(r["sampleId"]).startswith("S")]
        if not cohort:
            return "no read set of the cohort"
        victim = cohort[pick % len(cohort)]
        self.world.omics.batch_delete_read_set(sequenceStoreId=self.world.store_id,
                                               ids=[victim["id"]])
        self.history.changed(str(victim["sampleId"]), now)
        self.clock.sleep(1, None)
        return f"deleted {victim['sampleId']}'s {victim['id']}"

    def _finish(self) -> None:
        """Faults off, bad rows fixed: refresh and one clean up, which must succeed, then a
        refresh, the invariants, and nothing left to do."""
        self.world.control.clear_faults()
        self.program = self.program.fixed()
        self.pending_faults = []
        refreshed = self._engine_call(self.engine.refresh, Process(
            self.clock, self.world.url, slots=self.plan.slots))
        self.history.lines.append(f"  refresh -> {refreshed.outcome} {refreshed.detail[:300]}")
        self._upload()
        final = self._engine_call(lambda p: self.engine.up(self.program, p), Process(
            self.clock, self.world.url, slots=self.plan.slots))
        self.history.lines.append(f"  clean up -> {final.outcome} {final.detail[:2000]}")
        if final.outcome != OK:
            raise ChaosFailedError("the clean up failed")
        # Outputs are as of each resource's last call (an activation after the import job
        # changed its read set's status): compared with the service after a refresh.
        again = self._engine_call(self.engine.refresh, Process(
            self.clock, self.world.url, slots=self.plan.slots))
        if again.outcome != OK:
            raise ChaosFailedError(f"the refresh after the clean up failed: {again.detail}")
        invariants.check(self.world, self.engine, self.program, self.history)
        process = Process(self.clock, self.world.url, slots=self.plan.slots)
        [left] = self._in_time(lambda: self.engine.diffs(self.program, process))
        if left:
            raise ChaosFailedError(f"the next up would still change: {left}")


def run_seed(seed: int, emulator: FakeTimeEmulator) -> None:
    """Run ``seed``'s plan; raises :class:`ChaosFailedError` with the whole sequence."""
    run_plan(draw(seed), emulator)


def run_plan(plan: Plan, emulator: FakeTimeEmulator) -> None:
    """Run ``plan``; raises :class:`ChaosFailedError` with the whole sequence."""
    seed = plan.seed
    chaos = Chaos(plan, emulator)
    try:
        chaos.run()
    except Exception as error:
        detail = "".join(traceback.format_exception(error)[-6:]) if not isinstance(
            error, ChaosFailedError) else str(error)
        raise ChaosFailedError(
            f"{plan}\nwhat happened:\n" + "\n".join(chaos.history.lines)
            + f"\nbroken: {detail}\nreplay: python -m tests.chaos.runner {seed}") from error


def main(argv: list[str]) -> int:
    for name, value in {"AWS_ACCESS_KEY_ID": "AKIACHAOSTEST", "AWS_SECRET_ACCESS_KEY": "chaos",
                        "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_EC2_METADATA_DISABLED": "true"}.items():
        os.environ.setdefault(name, value)
    seeds = [int(a) for a in argv] or [0]
    failed = 0
    with fake_time_emulator() as emulator:
        for seed in seeds:
            try:
                run_seed(seed, emulator)
                print(f"seed {seed}: ok")
            except ChaosFailedError as failure:
                failed += 1
                print(failure)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
