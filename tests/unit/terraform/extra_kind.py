"""A resource kind declared in the core alone (a behaviour and its tables), for the test
that the Terraform front-end serves it with no code of its own."""

from __future__ import annotations

from omics_resources.core.active.behaviour import ActiveReadSetsBehaviour
from omics_resources.core.fields import Output


class ReadSetCensusBehaviour(ActiveReadSetsBehaviour):
    """An ``ActiveReadSets`` with one more output: a new type name and table, nothing else."""

    type_name = "ReadSetCensus"
    summary = "Counts the read sets of a store by status."
    outputs = (*ActiveReadSetsBehaviour.outputs, Output("census_time", "When it counted."))
