"""Kept for stacks created before the core/front-end split: their state holds the
pickled provider as ``omics_resources.active_read_sets.ActiveReadSetsProvider``
(dill pickles a class by its module path), and refresh and destroy load it from there.
The class lives in :mod:`omics_resources.dynamic.active_read_sets`.
"""

from omics_resources.dynamic.active_read_sets import ActiveReadSetsProvider

__all__ = ["ActiveReadSetsProvider"]
