"""Cohort outputs to start from, as a create would return them (no API call): shared by the
unit tests and the cohort benchmark's diff timing."""

from __future__ import annotations

from typing import Any

from omics_resources.core.cohort.batching import Assignment, plan_batches
from omics_resources.core.cohort.packing import unpack
from omics_resources.core.cohort.state import CohortState, Declared, Ledger, Sample


def imported_outputs(props: dict[str, Any], **statuses: str) -> dict[str, Any]:
    """The outputs a create of ``props`` returns when every source got a read set, except
    the keys given a status here (e.g. ``S3="FAILED"``)."""
    declared = Declared.of(unpack(props["sources"]))
    assert declared is not None
    plan = plan_batches(Assignment(), declared.keys)
    state = CohortState(Ledger(plan.assignment))
    for batch, keys in plan.new_batches.items():
        job = f"70000000{int(batch):02d}"
        for n, key in enumerate(keys):
            status = statuses.get(key, "ACTIVE")
            read_set = None if status == "FAILED" else f"9{int(batch):04d}{n:05d}"
            message = "S3 object not found" if status == "FAILED" else None
            state.samples[key] = Sample(status, read_set, job, message)
        state.record_jobs(batch, [(job, "COMPLETED")], None)
    state.ledger.record_sources(declared)
    return state.outputs(props)
