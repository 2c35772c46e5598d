"""What a chaos run draws from, and how: a seeded sequence of steps (each printable, so a
failing run's whole sequence can be read), then one clean ``pulumi up`` with a refresh.

Every step is plain data drawn from ``random.Random(seed)`` before anything runs, so the
sequence of a seed is the same on every machine and every replay.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

#: Operations a kill or cancel can be aimed at (None: any call).
KILL_TARGETS = (None, None, "StartReadSetImportJob", "StartReadSetActivationJob",
                "GetReadSetImportJob", "ListReadSetImportJobs", "ListReadSets",
                "BatchDeleteReadSet")
FAULTS = ("throttle", "500s", "402", "lost-start", "access-denied", "short-wait", "fresh-role")
EDITS = ("bad-missing", "bad-invalid", "fix", "add", "remove", "reorder", "metadata", "file",
         "role", "single", "delete-removed")


@dataclass(frozen=True)
class Step:
    """One thing that happens to the stack."""

    kind: str
    args: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        return f"{self.kind}({args})"


@dataclass(frozen=True)
class Plan:
    """A run's whole sequence: the world it starts from and its steps."""

    seed: int
    rows: int
    submit_seconds: float
    import_seconds: float
    activation_seconds: float
    slots: int
    delete_removed: bool
    steps: tuple[Step, ...]
    #: Which resources the program declares besides the cohort (fewer make a run cheaper).
    active: bool = True
    single: bool = True

    def __str__(self) -> str:
        head = (f"seed {self.seed}: {self.rows} rows, submit {self.submit_seconds:g} s, "
                f"import {self.import_seconds:g} s, "
                f"activation {self.activation_seconds:g} s, {self.slots} job slots, "
                f"delete_removed_read_sets={self.delete_removed}, "
                f"ActiveReadSets={self.active}, ReadSetImportJob+ActivationJob={self.single}")
        return "\n".join([head, *(f"  {i:2}. {s}" for i, s in enumerate(self.steps, 1)),
                          "  then: refresh, clean up, the invariants"])


def draw(seed: int, length: int | None = None) -> Plan:
    """The plan of ``seed``."""
    rng = random.Random(seed)
    steps: list[Step] = [_up(rng)]
    for _ in range(length if length is not None else rng.randint(2, 6)):
        steps.append(_step(rng))
    return Plan(seed=seed, rows=rng.randint(2, 6), submit_seconds=rng.choice([0.5, 5, 60]),
                import_seconds=rng.choice([1, 5, 30]),
                activation_seconds=rng.choice([1, 10, 60]), slots=rng.choice([1, 2, 10]),
                delete_removed=rng.random() < 0.5, steps=tuple(steps),
                active=rng.random() < 0.6, single=rng.random() < 0.5)


def _up(rng: random.Random) -> Step:
    roll = rng.random()
    if roll < 0.35:
        return Step("up")
    how = rng.choice(["kill", "kill-after", "cancel"])
    on = rng.choice(KILL_TARGETS)
    return Step("up", {how: rng.randint(1, 40 if on is None else 3), "on": on})


def _step(rng: random.Random) -> Step:
    roll = rng.random()
    if roll < 0.35:
        return _up(rng)
    if roll < 0.60:
        edit = rng.choice(EDITS)
        return Step("edit", {"what": edit, "pick": rng.randint(0, 99)})
    if roll < 0.75:
        return Step("fault", {"what": rng.choice(FAULTS), "seed": rng.randint(0, 9999)})
    if roll < 0.80:
        return Step("token-reuse", {"mode": rng.choice(["refuse", "earlier-job"])})
    if roll < 0.88:
        return Step("out-of-band", {"what": rng.choice(["archive", "archive", "delete"]),
                                    "pick": rng.randint(0, 99)})
    if roll < 0.93:
        return Step("refresh")
    if roll < 0.97:
        return Step("state-lost", {"what": rng.choice(["cohort", "all", "active", "single"])})
    return Step("time-passes", {"seconds": rng.choice([10, 600, 7200])})
