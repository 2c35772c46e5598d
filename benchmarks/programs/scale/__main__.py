"""One ``CohortImport`` named ``cohort`` from the sample sheet ``sheet`` into
``sequenceStoreId``; with ``noop: true`` the same inputs, as the engine sees them (sources
packed), go to a dynamic resource that does nothing (the preview's baseline). Only the
counts are exported: a stack output of every read set id would double the state the
benchmark measures."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

from omics_resources import CohortImport, CohortImportArgs, sources_from_sample_sheet
from omics_resources.core.cohort.packing import pack


class NoOpProvider(ResourceProvider):
    """Accepts any inputs; creates nothing."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult("noop", props)


class NoOp(Resource, module="bench", name="NoOp"):
    """A dynamic resource that does nothing with its inputs."""


config = pulumi.Config()
args = CohortImportArgs(sources=sources_from_sample_sheet(config.require("sheet")),
                        sequence_store_id=config.require("sequenceStoreId"),
                        role_arn=config.require("roleArn"))
if config.get_bool("noop"):
    props = args.to_props()
    NoOp(NoOpProvider(), "cohort", {**props, "sources": pack(props["sources"])})
else:
    pulumi.export("counts", CohortImport("cohort", args).counts)
