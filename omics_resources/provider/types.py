"""Each resource's properties as types: :mod:`omics_resources.core.schema.types`, which
every front-end that declares a schema shares (this provider's, the Terraform one's)."""

from omics_resources.core.schema.types import (
    ANY,
    Prop,
    Type,
    function_type,
    resource_type,
    value_type,
)

__all__ = ["ANY", "Prop", "Type", "function_type", "resource_type", "value_type"]
