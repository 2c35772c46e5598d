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


def test_the_state_lost_and_the_role_changed_the_earlier_jobs_are_still_found(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """Found by seed 1000153 (issue 26's known gap): with its state lost and its role
    changed, the cohort's create did not find the jobs of its first run (discovery reads
    only jobs of its roles) and imported every sample a second time. The batch's taken
    client token now sends it to look at jobs of every role."""
    run_plan(Plan(seed=1000153, rows=3, submit_seconds=0.5, import_seconds=5,
                  activation_seconds=60, slots=10, delete_removed=True, steps=(
                      Step("up"),
                      Step("state-lost", {"what": "cohort"}),
                      Step("edit", {"what": "role", "pick": 4}),
                      Step("up"),
                  )), fake_emulator)


def test_a_role_changed_after_a_failed_update_to_one_the_state_never_held(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """Issue 26's known gap: an update under role B is killed once its job started (the
    state still holds role A), then the role becomes C: the job of B is found, its sample
    is not imported again."""
    run_plan(Plan(seed=0, rows=3, submit_seconds=0.5, import_seconds=30, activation_seconds=1,
                  slots=10, delete_removed=False, steps=(
                      Step("up"),
                      Step("edit", {"what": "add", "pick": 3}),
                      Step("edit", {"what": "role", "pick": 0}),
                      Step("up", {"kill-after": 1, "on": "StartReadSetImportJob"}),
                      Step("edit", {"what": "role", "pick": 0}),
                      Step("up"),
                  )), fake_emulator)


def test_a_killed_first_up_then_the_role_changed_and_rows_reordered(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """Found by seed 1000196: the first `up` killed once its job started (no state), the
    role changed and the rows reordered (another batch token): the next create read only
    its new role's jobs and imported both samples again. A create reads the last day's
    jobs of every role."""
    run_plan(Plan(seed=1000196, rows=2, submit_seconds=0.5, import_seconds=5,
                  activation_seconds=1, slots=2, delete_removed=False, steps=(
                      Step("up", {"kill-after": 1, "on": "GetReadSetImportJob"}),
                      Step("edit", {"what": "role", "pick": 71}),
                      Step("edit", {"what": "reorder", "pick": 4}),
                      Step("up"),
                  )), fake_emulator)
