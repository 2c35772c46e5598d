"""The IaC-neutral core: every resource's behaviour, over plain data.

Nothing here imports Pulumi or the emulator (``tests/unit/core/test_boundary.py`` checks it
in a fresh interpreter). Each front-end (:mod:`omics_resources.dynamic`, and later a real
provider) maps its engine's calls onto a
:class:`~omics_resources.core.resource.ResourceBehaviour` and back;
:mod:`omics_resources.core.registry` names every resource type's behaviour.
"""
