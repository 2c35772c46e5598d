"""A reference imported, then a cohort of CRAM rows whose ``reference_arn`` is that
reference's ARN output: the whole chain in one ``pulumi up``, no ARN in the program.

Config: ``referenceStoreId``, ``sequenceStoreId``, ``roleArn``, ``bucket`` and ``samples``
(the CRAM files are ``s3://<bucket>/<sample>.cram``, the FASTA ``s3://<bucket>/genome.fa``).
"""

from __future__ import annotations

import pulumi

from omics_resources import (
    CohortImport,
    CohortImportArgs,
    ReadSetImportSourceArgs,
    ReferenceImportJob,
    ReferenceImportJobArgs,
    ReferenceSourceArgs,
)

config = pulumi.Config()
bucket = config.require("bucket")
role = config.require("roleArn")

genome = ReferenceImportJob("genome", ReferenceImportJobArgs(
    reference_store_id=config.require("referenceStoreId"),
    role_arn=role,
    references=[ReferenceSourceArgs(name="GRCh38", source_file=f"s3://{bucket}/genome.fa")],
))
aligned = CohortImport("aligned", CohortImportArgs(
    sequence_store_id=config.require("sequenceStoreId"),
    role_arn=role,
    sources=[
        ReadSetImportSourceArgs(source_file_type="CRAM", source1=f"s3://{bucket}/{sample}.cram",
                                subject_id=sample, sample_id=sample, name=sample,
                                reference_arn=genome.reference_arns["GRCh38"])
        for sample in config.require_object("samples")
    ],
))
pulumi.export("referenceArns", genome.reference_arns)
pulumi.export("readSetIds", aligned.read_set_ids)
