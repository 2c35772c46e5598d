"""The engine's side of a chaos run: a stack's state and the calls ``pulumi up`` and
``pulumi refresh`` make on each resource, in dependency order, as the Pulumi engine makes
them (check, then create, or diff and update or replace; a partial create's outputs kept;
nothing kept of a killed call)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import botocore.exceptions

from omics_resources.core.errors import OmicsResourceError, PartialCreateError
from tests.chaos.process import Killed, Process
from tests.chaos.program import Program, scope

#: What the engine tells apart in a run's end.
OK, FAILED, KILLED, PREVIEW = "ok", "failed", "killed", "preview failed"


@dataclass
class Held:
    """One resource in the state."""

    id: str
    outputs: dict[str, Any]


@dataclass
class RunResult:
    outcome: str
    detail: str = ""


@dataclass
class Engine:
    """A stack: its state, and the program's resources in dependency order."""

    store: str
    bucket: str
    state: dict[str, Held] = field(default_factory=dict)

    def declared(self, program: Program) -> list[tuple[str, str, Callable[[], dict[str, Any]]]]:
        """(name, type, inputs) in dependency order; inputs are built when the resource's
        turn comes (they read the outputs of the ones before)."""
        found: list[tuple[str, str, Callable[[], dict[str, Any]]]] = [
            ("cohort", "CohortImport", lambda: program.cohort_inputs(self.store, self.bucket))]
        if program.active:
            found.append(("active", "ActiveReadSets", lambda: self._active_inputs(program)))
        if program.single:
            found.append(("single", "ReadSetImportJob",
                          lambda: program.single_inputs(self.store, self.bucket)))
            found.append(("activation", "ReadSetActivationJob", self._activation_inputs))
        return found

    def _active_inputs(self, program: Program) -> dict[str, Any]:
        ids = self.state["cohort"].outputs.get("read_set_ids") or {}
        ordered = [ids[r.key] for r in program.rows if r.key in ids]
        return {"sequence_store_id": self.store, "read_set_ids": ordered, "scope": scope("active")}

    def _activation_inputs(self) -> dict[str, Any]:
        ids = list(self.state["single"].outputs.get("read_set_ids") or [])
        return {"sequence_store_id": self.store, "read_set_ids": ids,
                "scope": scope("activation")}

    def _ready(self, name: str) -> bool:
        needs = {"active": "cohort", "activation": "single"}.get(name)
        return needs is None or needs in self.state

    def up(self, program: Program, process: Process) -> RunResult:
        """``pulumi up``: preview every resource's check, then each create/update/replace."""
        try:
            for name, type_name, inputs in self.declared(program):
                if not self._ready(name):
                    continue
                held = self.state.get(name)
                checked = process.behaviour(type_name).check(
                    held.outputs if held else {}, inputs())
                if checked.problems:
                    return RunResult(PREVIEW, "; ".join(str(p) for p in checked.problems))
            for name, type_name, inputs in self.declared(program):
                if not self._ready(name):
                    return RunResult(FAILED, f"{name}: a resource it depends on failed")
                self._step(process, name, type_name, inputs())
        except Killed:
            return RunResult(KILLED)
        except (OmicsResourceError, botocore.exceptions.ClientError,
                botocore.exceptions.BotoCoreError) as error:
            if process.killed:
                return RunResult(KILLED)
            return RunResult(FAILED, f"{type(error).__name__}: {error}")
        finally:
            process.stop()
        return RunResult(KILLED if process.killed else OK)

    def _step(self, process: Process, name: str, type_name: str, news: dict[str, Any]) -> None:
        behaviour = process.behaviour(type_name)
        news = behaviour.check({}, news).inputs
        held = self.state.get(name)
        if held is None:
            self.state[name] = self._create(process, name, type_name, news)
            return
        diff = behaviour.diff(held.id, held.outputs, news)
        if not diff.changes:
            return
        if diff.replaces:
            created = self._create(process, name, type_name, news)
            old, self.state[name] = held, created
            # Create before delete (the engine's default); the old one is pending deletion
            # until its delete succeeds.
            self._guard(process)
            behaviour.delete(old.id, old.outputs)
            return
        outputs = behaviour.update(held.id, held.outputs, news)
        self._guard(process)
        self.state[name] = Held(held.id, outputs)

    def _create(self, process: Process, name: str, type_name: str,
                news: dict[str, Any]) -> Held:
        try:
            created = process.behaviour(type_name).create(news)
        except PartialCreateError as error:
            self._guard(process)
            self.state[name] = Held(error.resource_id, dict(error.outputs))
            raise
        self._guard(process)
        return Held(created.id, created.outputs)

    @staticmethod
    def _guard(process: Process) -> None:
        """A killed process saves nothing, whatever its call returned."""
        if process.killed:
            raise Killed()

    def refresh(self, process: Process) -> RunResult:
        """``pulumi refresh``: read every resource; gone ones leave the state."""
        fresh = dict(self.state)
        try:
            for name, held in self.state.items():
                type_name = {"cohort": "CohortImport", "active": "ActiveReadSets",
                             "single": "ReadSetImportJob",
                             "activation": "ReadSetActivationJob"}[name]
                read = process.behaviour(type_name).read(held.id, held.outputs)
                self._guard(process)
                if read.id is None:
                    del fresh[name]
                else:
                    fresh[name] = Held(read.id, read.outputs)
        except Killed:
            return RunResult(KILLED)
        except (OmicsResourceError, botocore.exceptions.ClientError,
                botocore.exceptions.BotoCoreError) as error:
            return RunResult(FAILED, f"{type(error).__name__}: {error}")
        finally:
            process.stop()
        self.state = fresh
        return RunResult(OK)

    def diffs(self, program: Program, process: Process) -> list[str]:
        """The resources the next ``pulumi up`` would change (a preview)."""
        changed = []
        for name, type_name, inputs in self.declared(program):
            held = self.state.get(name)
            if held is None:
                changed.append(f"{name}: create")
                continue
            behaviour = process.behaviour(type_name)
            diff = behaviour.diff(held.id, held.outputs, behaviour.check({}, inputs()).inputs)
            if diff.changes:
                changed.append(f"{name}: {diff.replaces or diff.updates or 'drift'}")
        return changed
