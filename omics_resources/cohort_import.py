"""Kept for stacks created before the core/front-end split: their state holds the
pickled provider as ``omics_resources.cohort_import.CohortImportProvider``
(dill pickles a class by its module path), and refresh and destroy load it from there.
The class lives in :mod:`omics_resources.dynamic.cohort_import`.
"""

from omics_resources.dynamic.cohort_import import CohortImportProvider

__all__ = ["CohortImportProvider"]
