"""The Pulumi dynamic-provider front-end (Python programs): the ``*Args`` and Resource
classes, one provider adapter over the core, and our plugin host.

Each provider method maps one engine call to one core call and back; behaviour lives in
:mod:`omics_resources.core`.
"""
