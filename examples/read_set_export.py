import pulumi

from omics_resources import (
    ActiveReadSets,
    ActiveReadSetsArgs,
    CohortImport,
    CohortImportArgs,
    ReadSetExport,
    ReadSetExportArgs,
    sources_from_sample_sheet,
)

cohort = CohortImport("cohort", CohortImportArgs(
    sequence_store_id="1234567890",
    role_arn="arn:aws:iam::123456789012:role/OmicsImportRole",
    sources=sources_from_sample_sheet("examples/cohort.csv"),
))
# sample key -> read set id; sorted by sample, so the list changes only with the cohort
ids = cohort.read_set_ids.apply(lambda found: [found[k] for k in sorted(found)])
active = ActiveReadSets("cohort-active", ActiveReadSetsArgs(
    sequence_store_id="1234567890",
    read_set_ids=ids,
))
shared = ReadSetExport("cohort-share", ReadSetExportArgs(
    sequence_store_id="1234567890",
    destination="s3://collaborator-bucket/cohort/",
    role_arn="arn:aws:iam::123456789012:role/OmicsExportRole",
    read_set_ids=ids,
), opts=pulumi.ResourceOptions(depends_on=[active]))  # exported once they are ACTIVE
pulumi.export("exportedObjects", shared.object_uris)
