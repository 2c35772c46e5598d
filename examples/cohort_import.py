import pulumi

from omics_resources import CohortImport, CohortImportArgs, sources_from_sample_sheet

cohort = CohortImport("cohort", CohortImportArgs(
    sequence_store_id="1234567890",
    role_arn="arn:aws:iam::123456789012:role/OmicsImportRole",
    sources=sources_from_sample_sheet("examples/cohort.csv"),
))
pulumi.export("readSets", cohort.read_set_ids)   # {"HG00096": "4455667788", ...}
