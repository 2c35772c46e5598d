"""Kept for stacks created before the core/front-end split: their state holds the
pickled provider as ``omics_resources.activation_job.ReadSetActivationJobProvider``
(dill pickles a class by its module path), and refresh and destroy load it from there.
The class lives in :mod:`omics_resources.dynamic.activation_job`.
"""

from omics_resources.dynamic.activation_job import ReadSetActivationJobProvider

__all__ = ["ReadSetActivationJobProvider"]
