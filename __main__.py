"""Example stack: import read sets into a HealthOmics sequence store, then activate them.

``target: emulator`` (the default) runs everything against the local HealthOmics emulator
(``python -m omics_resources.emulator``): it creates a sequence store, uploads generated
paired-end FASTQ and uBAM files to the emulator's S3, imports them, archives the read sets
through the emulator's control API (standing in for HealthOmics' 30-day archive) and
activates them again. ``target: aws`` imports files you already have in S3 into a store you
already have, as a service role it creates with ``pulumi_aws`` (or the one config ``roleArn``
names; see docs/configuration.md).

Against the emulator the stack also imports a cohort from a sample sheet
(``examples/cohort.csv``; ``cohortSheet: <path>`` for another, ``cohort: false`` for none) as
one ``CohortImport``, its files generated and uploaded first. Add rows and run ``pulumi up``:
only the new samples are imported. On AWS the cohort is opt-in (``cohort: true``).
"""

from __future__ import annotations

from typing import Any

import pulumi

from omics_resources import (
    CohortImport,
    CohortImportArgs,
    ReadSetActivationJob,
    ReadSetActivationJobArgs,
    ReadSetImportJob,
    ReadSetImportJobArgs,
    ReadSetImportSourceArgs,
    sources_from_sample_sheet,
)

config = pulumi.Config()
target = config.get("target") or "emulator"
samples: list[str] = config.get_object("samples") or ["NA12878", "NA12891"]
tags: dict[str, str] = config.get_object("tags") or {"project": "omics-resources-example"}
wait_timeout = config.get_float("waitTimeout") or 3600.0
delete_on_destroy = config.get_bool("deleteReadSetsOnDestroy") or False
# The cohort is on by default against the emulator (its files are generated); on AWS the
# sheet must name files you have, so it is opt-in there.
with_cohort = config.get_bool("cohort")
if with_cohort is None:
    with_cohort = target == "emulator"
cohort_sheet = config.get("cohortSheet") or ("examples/cohort.csv" if with_cohort else None)
# Plain Python at program time: a bad row fails here, naming the file, line and column.
cohort_sources = sources_from_sample_sheet(cohort_sheet) if cohort_sheet else []


def sources_for(uri: Any) -> list[ReadSetImportSourceArgs]:
    """One paired-end FASTQ and one uBAM source per sample; ``uri(sample, file)`` locates them."""
    sources = []
    for sample in samples:
        sources.append(
            ReadSetImportSourceArgs(
                source_file_type="FASTQ",
                source1=uri(sample, f"{sample}_R1.fastq"),
                source2=uri(sample, f"{sample}_R2.fastq"),
                subject_id=f"subject-{sample}",
                sample_id=sample,
                name=f"{sample}-fastq",
                description=f"Paired-end reads of {sample}",
                tags=tags,
            )
        )
        sources.append(
            ReadSetImportSourceArgs(
                source_file_type="UBAM",
                source1=uri(sample, f"{sample}.unaligned.bam"),
                subject_id=f"subject-{sample}",
                sample_id=sample,
                name=f"{sample}-ubam",
                tags=tags,
            )
        )
    return sources


if target == "emulator":
    from demo_support import EmulatorArchive, EmulatorObject, EmulatorSequenceStore

    endpoint = pulumi.Config("omics-resources").get("endpoint") or "http://127.0.0.1:4566"
    region = pulumi.Config("aws").get("region") or "us-east-1"
    bucket = config.get("sourceBucket") or "omics-example-sources"
    store = EmulatorSequenceStore("example-store", endpoint, region)
    store_id: pulumi.Input[str] = store.store_id
    role_arn: pulumi.Input[str] = "arn:aws:iam::123456789012:role/OmicsImportRole"
    uploads: list[pulumi.Resource] = []

    def emulator_uri(sample: str, file_name: str) -> pulumi.Output[str]:
        kind, mate = (
            ("bam", 1)
            if file_name.endswith(".bam")
            else ("fastq", 1 + file_name.endswith("_R2.fastq"))
        )
        obj = EmulatorObject(
            f"upload-{file_name}",
            endpoint=endpoint,
            region=region,
            bucket=bucket,
            key=f"reads/{file_name}",
            kind=kind,
            sample=sample,
            mate=mate,
        )
        uploads.append(obj)
        return obj.uri

    sources = sources_for(emulator_uri)
else:
    store_id = config.require("sequenceStoreId")
    source_bucket = config.require("sourceBucket")
    sources = sources_for(lambda _sample, file_name: f"s3://{source_bucket}/reads/{file_name}")
    uploads = []
    # A role you already have (roleArn), else one this stack creates that may read the
    # buckets of every source it imports (pulumi_aws: the `example` extra).
    configured_role = config.get("roleArn")
    if configured_role:
        role_arn = configured_role
    else:
        from demo_support.aws_role import import_role

        role_arn = import_role(
            "omics-import-role",
            [uri for s in (*sources, *cohort_sources) for uri in (s.source1, s.source2)],
        ).arn
        pulumi.export("importRoleArn", role_arn)

reads = ReadSetImportJob(
    "reads",
    ReadSetImportJobArgs(
        sequence_store_id=store_id,
        role_arn=role_arn,
        sources=sources,
        wait_timeout=wait_timeout,
        delete_read_sets_on_destroy=delete_on_destroy,
    ),
    opts=pulumi.ResourceOptions(depends_on=uploads),
)

if target == "emulator":
    # HealthOmics archives read sets unused for 30 days; the emulator does it on request.
    archived = EmulatorArchive(
        "archive-after-30-days",
        endpoint=endpoint,
        sequence_store_id=reads.sequence_store_id,
        read_set_ids=reads.read_set_ids,
    )
    to_activate: pulumi.Input[list[str]] | None = archived.read_set_ids
else:
    # Freshly imported read sets are ACTIVE; on AWS only the archived ones you name are
    # activated (config activateReadSetIds), or nothing.
    to_activate = config.get_object("activateReadSetIds")

pulumi.export("sequenceStoreId", reads.sequence_store_id)
pulumi.export("importJobId", reads.job_id)
pulumi.export("importStatus", reads.status)
pulumi.export("readSetIds", reads.read_set_ids)
pulumi.export("readSetStatuses", reads.read_set_statuses)

if to_activate is not None:
    activation = ReadSetActivationJob(
        "activation",
        ReadSetActivationJobArgs(
            sequence_store_id=reads.sequence_store_id,
            read_set_ids=to_activate,
            wait_timeout=wait_timeout,
        ),
    )
    pulumi.export("activationJobId", activation.job_id)
    pulumi.export("activationStatus", activation.status)
    pulumi.export("activatedReadSetStatuses", activation.read_set_statuses)

if cohort_sheet:
    cohort_uploads: list[pulumi.Resource] = []
    if target == "emulator":
        for source in cohort_sources:
            for mate, uri in enumerate((source.source1, source.source2), start=1):
                if not isinstance(uri, str):
                    continue
                cohort_bucket, _, key = uri.removeprefix("s3://").partition("/")
                cohort_uploads.append(
                    EmulatorObject(
                        f"upload-{key}",
                        endpoint=endpoint,
                        region=region,
                        bucket=cohort_bucket,
                        key=key,
                        kind="fastq",
                        sample=str(source.sample_id),
                        mate=mate,
                    )
                )
    cohort = CohortImport(
        "cohort",
        CohortImportArgs(
            sequence_store_id=store_id,
            role_arn=role_arn,
            sources=cohort_sources,
            wait_timeout=wait_timeout,
            delete_read_sets_on_destroy=delete_on_destroy,
        ),
        opts=pulumi.ResourceOptions(depends_on=cohort_uploads),
    )
    pulumi.export("cohortReadSetIds", cohort.read_set_ids)
    pulumi.export("cohortCounts", cohort.counts)
