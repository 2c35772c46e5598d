"""Each resource's properties as types: :mod:`omics_resources.core.property_types`, which
every front-end that declares a schema shares (this provider's, the Terraform one's)."""

from omics_resources.core.property_types import (
    ANY,
    Prop,
    Type,
    as_declared,
    only_inputs,
    resource_type,
    state_type,
)

__all__ = ["ANY", "Prop", "Type", "as_declared", "only_inputs", "resource_type", "state_type"]
