"""Stack config of the shared scheduler: rates and job slots, and the errors that name the
key, the value and the rule."""

from __future__ import annotations

from typing import Any

import pytest

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.scheduling_config import (
    RATE_CONFIG_KEY,
    SLOT_CONFIG_KEYS,
    SchedulingConfigError,
    SchedulingSettings,
    shared_scheduler,
)
from omics_resources.core.errors import OmicsResourceError

IMPORT_SLOTS, ACTIVATION_SLOTS = SLOT_CONFIG_KEYS["import"], SLOT_CONFIG_KEYS["activation"]
PUBLISHED = {b.name: b.requests_per_second for b in limits.RATE_BUDGETS}


def read(config: dict[str, Any]) -> SchedulingSettings:
    return SchedulingSettings.from_config(config.get)


def test_the_keys_are_the_documented_ones() -> None:
    assert RATE_CONFIG_KEY == "omics-resources:maxRequestsPerSecond"
    assert SLOT_CONFIG_KEYS == {"import": "omics-resources:maxConcurrentImportJobs",
                                "activation": "omics-resources:maxConcurrentActivationJobs",
                                "export": "omics-resources:maxConcurrentExportJobs",
                                "reference": "omics-resources:maxConcurrentReferenceImportJobs"}


@pytest.mark.parametrize("config", [{}, {RATE_CONFIG_KEY: None}, {RATE_CONFIG_KEY: "", IMPORT_SLOTS: ""}])
def test_no_config_means_the_published_defaults(config: dict[str, Any]) -> None:
    chosen = read(config)
    assert dict(chosen.rates) == PUBLISHED
    assert dict(chosen.slots) == limits.DEFAULT_JOB_SLOTS
    assert chosen == SchedulingSettings()


@pytest.mark.parametrize("value", ["2", 2, 2.0, " 2 "])
def test_a_number_caps_every_budget(value: Any) -> None:
    rates = dict(read({RATE_CONFIG_KEY: value}).rates)
    assert rates == {name: min(rate, 2.0) for name, rate in PUBLISHED.items()}
    assert rates["batchDelete"] == 1.0  # already under the cap


def test_a_number_above_the_published_rates_changes_nothing() -> None:
    assert dict(read({RATE_CONFIG_KEY: "50"}).rates) == PUBLISHED


@pytest.mark.parametrize("value", ['{"importJobs": 8, "readSets": 0.5}',
                                   {"importJobs": 8, "readSets": 0.5}])
def test_an_object_sets_named_budgets_up_or_down(value: Any) -> None:
    rates = dict(read({RATE_CONFIG_KEY: value}).rates)
    assert rates == {**PUBLISHED, "importJobs": 8.0, "readSets": 0.5}


@pytest.mark.parametrize(("kind", "key"), SLOT_CONFIG_KEYS.items())
@pytest.mark.parametrize("value", ["4", 4, 4.0])
def test_job_slots_per_kind(kind: str, key: str, value: Any) -> None:
    slots = dict(read({key: value}).slots)
    assert slots == {**limits.DEFAULT_JOB_SLOTS, kind: 4}
    assert isinstance(slots[kind], int)


@pytest.mark.parametrize(("key", "value", "message"), [
    (IMPORT_SLOTS, "0", f"{IMPORT_SLOTS} must be a whole number above 0, not 0"),
    (IMPORT_SLOTS, "-3", f"{IMPORT_SLOTS} must be a whole number above 0, not -3"),
    (ACTIVATION_SLOTS, "2.5", f"{ACTIVATION_SLOTS} must be a whole number above 0, not 2.5"),
    (IMPORT_SLOTS, "many", f"{IMPORT_SLOTS} must be a whole number above 0, not 'many'"),
    (IMPORT_SLOTS, "true", f"{IMPORT_SLOTS} must be a whole number above 0, not True"),
    (IMPORT_SLOTS, "Infinity", f"{IMPORT_SLOTS} must be a whole number above 0, not inf"),
    (IMPORT_SLOTS, "1e999", f"{IMPORT_SLOTS} must be a whole number above 0, not inf"),
    (IMPORT_SLOTS, "[4]", f"{IMPORT_SLOTS} must be a whole number above 0, not [4]"),
    # Beyond any float (a slot count or rate is compared with float time): refused, not
    # an OverflowError.
    (IMPORT_SLOTS, "1" + "0" * 400, f"{IMPORT_SLOTS} must be a whole number above 0, not {10**400}"),
    (RATE_CONFIG_KEY, "1" + "0" * 400, f"{RATE_CONFIG_KEY} must be a number above 0, not {10**400}"),
    (RATE_CONFIG_KEY, "0", f"{RATE_CONFIG_KEY} must be a number above 0, not 0"),
    (RATE_CONFIG_KEY, "fast", f"{RATE_CONFIG_KEY} must be a number above 0, not 'fast'"),
    (RATE_CONFIG_KEY, "NaN", f"{RATE_CONFIG_KEY} must be a number above 0, not nan"),
    (RATE_CONFIG_KEY, "Infinity", f"{RATE_CONFIG_KEY} must be a number above 0, not inf"),
    (RATE_CONFIG_KEY, '{"importJobs": -1}',
     f"{RATE_CONFIG_KEY}.importJobs must be a number above 0, not -1"),
    (RATE_CONFIG_KEY, '{"importJobs": "x"}',
     f"{RATE_CONFIG_KEY}.importJobs must be a number above 0, not 'x'"),
    (RATE_CONFIG_KEY, '{"imports": 3}',
     f"{RATE_CONFIG_KEY}: 'imports' is not a budget (known: {', '.join(PUBLISHED)})"),
])
def test_a_bad_value_names_key_value_and_rule(key: str, value: str, message: str) -> None:
    with pytest.raises(SchedulingConfigError) as bad:
        read({key: value})
    assert str(bad.value) == message
    # One of our errors: the user must fix the config, and our host shows just this.
    assert isinstance(bad.value, OmicsResourceError)


def test_one_scheduler_per_endpoint_and_settings() -> None:
    here = aws.AwsSettings(region="us-east-1", endpoint_url="http://127.0.0.1:9")
    there = aws.AwsSettings(region="us-east-1", endpoint_url="http://127.0.0.1:10")
    slow = read({RATE_CONFIG_KEY: "1", IMPORT_SLOTS: "3"})
    assert shared_scheduler(here, SchedulingSettings()) is shared_scheduler(here, SchedulingSettings())
    assert shared_scheduler(here, SchedulingSettings()) is not shared_scheduler(there, SchedulingSettings())
    scheduler = shared_scheduler(here, slow)
    assert scheduler is not shared_scheduler(here, SchedulingSettings())
    assert scheduler.api.limiter.rates == dict(slow.rates)
    assert {k: s.capacity for k, s in scheduler.slots.items()} == dict(slow.slots)
