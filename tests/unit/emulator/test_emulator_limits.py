"""The emulator's limits under a fake clock: token buckets per budget, the table covering
every operation served, configuration checks, and the log's peak rate."""

from __future__ import annotations

import pytest

from omics_resources.emulator.exceptions import ThrottlingException, ValidationException
from omics_resources.emulator.limits import BUDGETS, LimitConfig, Limits, budget_of
from omics_resources.emulator.request_log import RequestLog, peak_per_second
from omics_resources.emulator.responses import OPERATIONS


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def admitted(limits: Limits, operation: str, count: int) -> int:
    served = 0
    for _ in range(count):
        try:
            limits.admit(operation)
            served += 1
        except ThrottlingException:
            pass
    return served


def test_every_served_operation_spends_exactly_one_budget() -> None:
    listed = [op for budget in BUDGETS for op in budget.operations]
    assert sorted(listed) == sorted(OPERATIONS)
    assert budget_of("GetReadSetImportJob").name == budget_of("StartReadSetImportJob").name


def test_a_budget_serves_its_burst_then_its_rate() -> None:
    clock = Clock()
    limits = Limits(clock=clock)
    # Start, Get and List of import jobs share one budget of 5 per second, 1 s of burst.
    assert admitted(limits, "StartReadSetImportJob", 3) == 3
    assert admitted(limits, "GetReadSetImportJob", 3) == 2
    assert admitted(limits, "ListReadSetImportJobs", 1) == 0
    assert admitted(limits, "GetReadSetMetadata", 5) == 5  # another budget, still full
    clock.now += 0.2  # one more token
    assert admitted(limits, "GetReadSetImportJob", 2) == 1
    clock.now += 60  # never more than the burst
    assert admitted(limits, "GetReadSetImportJob", 10) == 5
    clock.now += 10
    assert admitted(limits, "BatchDeleteReadSet", 3) == 1  # 1 TPS, a burst of one
    with pytest.raises(ThrottlingException, match="batchDelete budget of 1 requests"):
        limits.admit("BatchDeleteReadSet")


def test_sustained_calls_at_the_rate_are_never_throttled() -> None:
    clock = Clock()
    limits = Limits(clock=clock)
    for _ in range(200):
        clock.now += 0.2
        assert admitted(limits, "GetSequenceStore", 1) == 1


def test_rates_off_and_changed() -> None:
    clock = Clock()
    limits = Limits(LimitConfig(rate_limits=False), clock=clock)
    assert admitted(limits, "CreateSequenceStore", 50) == 50
    limits.update({"rateLimits": True, "rates": {"sequenceStoreChanges": 3}, "burstSeconds": 2})
    assert admitted(limits, "CreateSequenceStore", 10) == 6
    limits.reset()  # back to the start: off
    assert admitted(limits, "CreateSequenceStore", 50) == 50


@pytest.mark.parametrize("changes", [
    {"rates": {"nope": 1}}, {"rates": {"readSets": -1}}, {"rates": {"readSets": True}},
    {"rates": []}, {"burstSeconds": 0}, {"rateLimits": 1}, {"maxActiveJobs": {"import": 1.5}},
    {"maxActiveJobs": {"upload": 1}}, {"other": 1},
])
def test_config_changes_are_checked(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationException):
        LimitConfig().updated(changes)


def test_quotas_per_kind() -> None:
    config = LimitConfig().updated({"maxActiveJobs": {"activation": None}})
    limits = Limits(config)
    assert (limits.job_quota("import"), limits.job_quota("activation")) == (10, None)


def test_peak_per_second_and_log_summary() -> None:
    assert peak_per_second([]) == 0
    assert peak_per_second([0.0, 0.5, 0.99, 1.0, 1.2, 3.0]) == 4  # 0.5..1.2
    assert peak_per_second([0.0, 1.0, 2.0]) == 1
    log = RequestLog()
    for time, error, fault in [(0.0, None, False), (0.1, "ThrottlingException", False),
                               (0.2, "ThrottlingException", True), (5.0, None, False)]:
        log.add({"time": time, "operation": "GetReadSetMetadata", "budget": "readSets",
                 "status": 429 if error else 200, "error": error, "fault": fault})
    log.add({"time": 6.0, "operation": "StartReadSetImportJob", "budget": "importJobs",
             "status": 402, "error": "ServiceQuotaExceededException", "fault": False})
    summary = log.snapshot()
    assert summary["budgets"]["readSets"] == {"requests": 4, "throttled": 1, "peakPerSecond": 3.0}
    assert summary["quotaExceeded"] == 1
    assert summary["counts"] == {"GetReadSetMetadata": 4, "StartReadSetImportJob": 1}
