import pulumi

from omics_resources import (
    ActiveReadSets,
    ActiveReadSetsArgs,
    CohortImport,
    CohortImportArgs,
    sources_from_sample_sheet,
)

cohort = CohortImport("cohort", CohortImportArgs(
    sequence_store_id="1234567890",
    role_arn="arn:aws:iam::123456789012:role/OmicsImportRole",
    sources=sources_from_sample_sheet("examples/cohort.csv"),
))
active = ActiveReadSets("cohort-active", ActiveReadSetsArgs(
    sequence_store_id="1234567890",
    # sample key -> read set id; sorted by sample, so the list changes only with the cohort
    read_set_ids=cohort.read_set_ids.apply(lambda ids: [ids[k] for k in sorted(ids)]),
))
pulumi.export("readSetStatuses", active.read_set_statuses)
