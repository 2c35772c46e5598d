import pulumi

from omics_resources import ReadSetImportJob, ReadSetImportJobArgs, ReadSetImportSourceArgs

reads = ReadSetImportJob("reads", ReadSetImportJobArgs(
    sequence_store_id="1234567890",
    role_arn="arn:aws:iam::123456789012:role/OmicsImportRole",
    sources=[
        ReadSetImportSourceArgs(
            source_file_type="FASTQ",
            source1="s3://my-bucket/NA12878_R1.fastq.gz",
            source2="s3://my-bucket/NA12878_R2.fastq.gz",
            subject_id="NA12878", sample_id="NA12878-1",
            tags={"project": "cohort-7"},
        ),
        ReadSetImportSourceArgs(
            source_file_type="BAM", source1="s3://my-bucket/NA12891.bam",
            subject_id="NA12891", sample_id="NA12891-1",
            reference_arn="arn:aws:omics:us-east-1:123456789012:referenceStore/1234567890/reference/1234567890",
        ),
    ],
))
pulumi.export("readSets", reads.read_set_statuses)
