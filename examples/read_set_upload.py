import pulumi

from omics_resources import ReadSetUpload, ReadSetUploadArgs

reads = ReadSetUpload("hg00096", ReadSetUploadArgs(
    sequence_store_id="1234567890",
    source1="examples/reads/HG00096_1.fq",
    source2="examples/reads/HG00096_2.fq",
    source_file_type="FASTQ",
    subject_id="NA-HG00096",
    sample_id="HG00096",
    name="HG00096",
    part_size=16 * 1024 * 1024,  # 16 MiB parts (at most 100 MiB; default 64 MiB)
    tags={"cohort": "1kg"},
))
pulumi.export("readSetId", reads.read_set_id)
