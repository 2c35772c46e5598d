"""``kind: active``: one ActiveReadSets of ``readSetIds``; ``kind: job``: one
ReadSetActivationJob of them (at most 20). Both in ``sequenceStoreId``."""

from __future__ import annotations

import pulumi

from omics_resources import (
    ActiveReadSets,
    ActiveReadSetsArgs,
    ReadSetActivationJob,
    ReadSetActivationJobArgs,
)

config = pulumi.Config()
store = config.require("sequenceStoreId")
ids = config.require_object("readSetIds")
if config.require("kind") == "active":
    active = ActiveReadSets("cohort", ActiveReadSetsArgs(sequence_store_id=store, read_set_ids=ids))
    pulumi.export("statusCounts", active.status_counts)
    pulumi.export("activationJobs", active.activation_jobs)
else:
    job = ReadSetActivationJob("one-job", ReadSetActivationJobArgs(
        sequence_store_id=store, read_set_ids=ids))
    pulumi.export("status", job.status)
