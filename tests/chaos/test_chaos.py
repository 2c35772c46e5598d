"""The CI set of chaos runs: a fixed range of seeds, each a random sequence of runs, kills,
edits, faults and changes out of band, then a refresh, one clean ``pulumi up`` and the
invariants (see docs/reliability.md). A failure prints the whole sequence and the command
that replays it from its seed alone."""

from __future__ import annotations

import os

import pytest

from tests.chaos.runner import run_seed
from tests.support.fake_time import FakeTimeEmulator

#: How many seeds CI runs (``CHAOS_SEEDS`` overrides, e.g. for a quick local look).
SEEDS = int(os.environ.get("CHAOS_SEEDS", "300"))


@pytest.mark.parametrize("seed", range(SEEDS))
def test_seed(seed: int, fake_emulator: FakeTimeEmulator) -> None:
    run_seed(seed, fake_emulator)
