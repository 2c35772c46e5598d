"""Dynamic resources that prepare the emulator for the example stack."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3
import pulumi
from botocore.config import Config
from pulumi.dynamic import CreateResult, ReadResult, Resource, ResourceProvider

from demo_support import files
from omics_resources.core import limits


def _client(service: str, endpoint: str, region: str) -> Any:
    # The same retry policy as the providers' clients, so the demo rides out throttling too.
    retries = {"mode": limits.DEFAULT_RETRY_MODE, "total_max_attempts": limits.DEFAULT_MAX_ATTEMPTS}
    config = Config(inject_host_prefix=False, s3={"addressing_style": "path"}, retries=retries)
    return boto3.client(service, endpoint_url=endpoint, region_name=region, config=config)


class _StoreProvider(ResourceProvider):
    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        omics = _client("omics", props["endpoint"], props["region"])
        store = omics.create_sequence_store(name=props["name"])
        return CreateResult(store["id"], {**props, "store_id": store["id"], "arn": store["arn"]})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        omics = _client("omics", props["endpoint"], props["region"])
        try:
            store = omics.get_sequence_store(id=id_)
        except omics.exceptions.ResourceNotFoundException:
            return ReadResult(None, {})
        return ReadResult(id_, {**props, "store_id": store["id"], "arn": store["arn"]})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        omics = _client("omics", props["endpoint"], props["region"])
        # A store that still holds read sets is kept, like the read sets themselves.
        if not omics.list_read_sets(sequenceStoreId=id_).get("readSets"):
            omics.delete_sequence_store(id=id_)


class EmulatorSequenceStore(Resource, module="demo", name="EmulatorSequenceStore"):
    """A sequence store in the emulator."""

    store_id: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, endpoint: str, region: str, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props = {
            "name": name,
            "endpoint": endpoint,
            "region": region,
            "store_id": None,
            "arn": None,
        }
        super().__init__(_StoreProvider(), name, props, opts)


class _ObjectProvider(ResourceProvider):
    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        s3 = _client("s3", props["endpoint"], props["region"])
        bucket, key = props["bucket"], props["key"]
        if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=bucket)
        if props["kind"] == "fastq":
            body = files.fastq(props["sample"], int(props["mate"]))
        else:
            body = files.unaligned_bam(props["sample"])
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        return CreateResult(
            f"{bucket}/{key}", {**props, "uri": f"s3://{bucket}/{key}", "size": len(body)}
        )

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        s3 = _client("s3", props["endpoint"], props["region"])
        s3.delete_object(Bucket=props["bucket"], Key=props["key"])


class EmulatorObject(Resource, module="demo", name="EmulatorObject"):
    """A generated FASTQ mate or unaligned BAM uploaded to the emulator's S3."""

    uri: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        endpoint: str,
        region: str,
        bucket: str,
        key: str,
        kind: str,
        sample: str,
        mate: int = 1,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "endpoint": endpoint,
            "region": region,
            "bucket": bucket,
            "key": key,
            "kind": kind,
            "sample": sample,
            "mate": mate,
            "uri": None,
            "size": None,
        }
        super().__init__(_ObjectProvider(), name, props, opts)


class _ArchiveProvider(ResourceProvider):
    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        body = json.dumps(
            {"sequenceStoreId": props["sequence_store_id"], "readSetIds": props["read_set_ids"]}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the emulator's loopback control API
            props["endpoint"].rstrip("/") + "/_emulator/archive",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            answer.read()
        return CreateResult(f"archive-{props['sequence_store_id']}", dict(props))


class EmulatorArchive(Resource, module="demo", name="EmulatorArchive"):
    """Archives read sets through the emulator's control API (HealthOmics does this after
    30 days unused), so that the example can show an activation job."""

    read_set_ids: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        *,
        endpoint: str,
        sequence_store_id: pulumi.Input[str],
        read_set_ids: pulumi.Input[list[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "endpoint": endpoint,
            "sequence_store_id": sequence_store_id,
            "read_set_ids": read_set_ids,
        }
        super().__init__(_ArchiveProvider(), name, props, opts)
