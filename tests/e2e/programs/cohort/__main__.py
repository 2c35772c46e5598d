"""Declares the cohorts listed in stack config, each from a sample sheet file.

Config ``cohorts``: a list of ``{"name": ..., "sheet": <path of a CSV/TSV sample sheet>,
"props": {...}}``, props being the other CohortImportArgs in snake_case. With
``"noop": true`` the same inputs go to a dynamic resource that does nothing (the
benchmark's baseline for `pulumi preview`).
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

from omics_resources import CohortImport, CohortImportArgs, sources_from_sample_sheet


class NoOpProvider(ResourceProvider):
    """Accepts any inputs; creates nothing."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult("noop", props)


class NoOp(Resource, module="bench", name="NoOp"):
    """A dynamic resource that does nothing with its inputs."""


for item in pulumi.Config().get_object("cohorts") or []:
    args = CohortImportArgs(sources=sources_from_sample_sheet(item["sheet"]), **item["props"])
    if item.get("noop"):
        NoOp(NoOpProvider(), item["name"], args.to_props())
        continue
    cohort = CohortImport(item["name"], args)
    pulumi.export(item["name"], {"read_set_ids": cohort.read_set_ids, "counts": cohort.counts,
                                 "jobs": cohort.jobs})
