"""Declares the cohorts listed in stack config, each from a sample sheet file.

Config ``cohorts``: a list of ``{"name": ..., "sheet": <path of a CSV/TSV sample sheet>,
"props": {...}}``, props being the other CohortImportArgs in snake_case.
"""

from __future__ import annotations

import pulumi

from omics_resources import CohortImport, CohortImportArgs, sources_from_sample_sheet

for item in pulumi.Config().get_object("cohorts") or []:
    cohort = CohortImport(
        item["name"],
        CohortImportArgs(sources=sources_from_sample_sheet(item["sheet"]), **item["props"]),
    )
    pulumi.export(item["name"], {"read_set_ids": cohort.read_set_ids, "counts": cohort.counts,
                                 "jobs": cohort.jobs})
