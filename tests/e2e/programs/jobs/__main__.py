"""Declares the job resources listed in stack config, so one program serves many e2e tests.

Config ``imports`` and ``activations``: lists of ``{"name": ..., "props": {...}}`` where props
are the resource's inputs in snake_case; ``adopt``: a list of ``{"name", "kind", "id"}`` of
jobs started elsewhere, adopted with ``.get``. Props are passed through unchecked on purpose: the
bad-input tests rely on the providers' check, as a user's typo would.
"""

from __future__ import annotations

from typing import Any

import pulumi

from omics_resources import (
    ReadSetActivationJob,
    ReadSetActivationJobArgs,
    ReadSetImportJob,
    ReadSetImportJobArgs,
)

config = pulumi.Config()
REQUIRED = {"import": ("sequence_store_id", "role_arn", "sources"),
            "activation": ("sequence_store_id", "read_set_ids")}


def args(kind: str, props: dict[str, Any]) -> dict[str, Any]:
    # A missing required input is passed as None, so check (not Python) reports it.
    return {**dict.fromkeys(REQUIRED[kind]), **props}


for item in config.get_object("imports") or []:
    job = ReadSetImportJob(item["name"], ReadSetImportJobArgs(**args("import", item["props"])))
    pulumi.export(item["name"], {"job_id": job.job_id, "status": job.status,
                                 "read_set_ids": job.read_set_ids})

for item in config.get_object("activations") or []:
    job = ReadSetActivationJob(item["name"],
                               ReadSetActivationJobArgs(**args("activation", item["props"])))
    pulumi.export(item["name"], {"job_id": job.job_id, "status": job.status})

KINDS = {"import": ReadSetImportJob, "activation": ReadSetActivationJob}
for item in config.get_object("adopt") or []:
    adopted = KINDS[item["kind"]].get(item["name"], item["id"])
    pulumi.export(item["name"], {"job_id": adopted.job_id, "status": adopted.status,
                                 "read_set_ids": adopted.read_set_ids,
                                 "read_set_statuses": adopted.read_set_statuses})
