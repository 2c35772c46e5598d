"""What the chaos runs found, each kept as the plan that found it (cut to the steps that
matter), so it runs whatever the generator draws from later."""

from __future__ import annotations

from tests.chaos.runner import run_plan
from tests.chaos.steps import Plan, Step
from tests.support.fake_time import FakeTimeEmulator


def test_a_cancel_while_discovery_waits_for_a_calls_turn_ends_in_our_error(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """Found by seed 46: Ctrl-C while the cohort's discovery waited for its rate limiter's
    turn ended the run in a bare RateLimitWaitCancelledError (a traceback for the user, and
    not one of our errors); now it is one, as every other way a cancel ends a call."""
    run_plan(Plan(seed=46, rows=5, submit_seconds=60, import_seconds=5, activation_seconds=10,
                  slots=1, delete_removed=True, steps=(
                      Step("up", {"kill-after": 38, "on": None}),
                      Step("state-lost", {"what": "cohort"}),
                      Step("up", {"cancel": 2, "on": None}),
                  )), fake_emulator)
