"""The real ``omics`` Pulumi provider: every resource of :mod:`omics_resources.core.registry`
served to any Pulumi language, with a schema generated from the core's field tables."""
