import pulumi

from omics_resources import (
    CohortImport,
    CohortImportArgs,
    ReadSetImportSourceArgs,
    ReferenceImportJob,
    ReferenceImportJobArgs,
    ReferenceSourceArgs,
)

ROLE = "arn:aws:iam::123456789012:role/OmicsImportRole"

genome = ReferenceImportJob("grch38", ReferenceImportJobArgs(
    reference_store_id="2345678901",
    role_arn=ROLE,
    references=[ReferenceSourceArgs(name="GRCh38", source_file="s3://omics-example-sources/GRCh38.fa")],
))
aligned = CohortImport("aligned", CohortImportArgs(
    sequence_store_id="1234567890",
    role_arn=ROLE,
    sources=[
        ReadSetImportSourceArgs(
            source_file_type="CRAM",
            source1=f"s3://omics-example-sources/{sample}.cram",
            subject_id=sample,
            sample_id=sample,
            reference_arn=genome.reference_arns["GRCh38"],  # no ARN typed by hand
        )
        for sample in ("HG00096", "HG00097")
    ],
))
pulumi.export("reference", genome.reference_arns["GRCh38"])
pulumi.export("readSets", aligned.read_set_ids)
