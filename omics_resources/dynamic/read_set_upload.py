"""``ReadSetUpload``: a read set from local files, by multipart upload (the behaviour:
:mod:`omics_resources.core.upload.behaviour`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from omics_resources.core import limits
from omics_resources.core.upload.behaviour import ReadSetUploadBehaviour
from omics_resources.core.upload.fields import DEFAULT_PARALLEL_PARTS, DEFAULT_PART_SIZE
from omics_resources.dynamic.provider import CoreProvider
from omics_resources.dynamic.resources import args_props, resource_props

__all__ = ["ReadSetUpload", "ReadSetUploadArgs", "ReadSetUploadProvider"]


class ReadSetUploadProvider(CoreProvider):
    """The dynamic provider behind :class:`ReadSetUpload` (usable directly in tests)."""

    behaviour = ReadSetUploadBehaviour


@dataclass(frozen=True, kw_only=True)
class ReadSetUploadArgs:
    """The inputs of a :class:`ReadSetUpload`."""

    sequence_store_id: pulumi.Input[str]
    """The sequence store to upload into (10 to 36 digits)."""
    source_file_type: pulumi.Input[str]
    """FASTQ, BAM, CRAM or UBAM."""
    subject_id: pulumi.Input[str]
    """The subject the reads come from."""
    sample_id: pulumi.Input[str]
    """The sample the reads come from."""
    name: pulumi.Input[str]
    """The read set's name."""
    source1: pulumi.Input[str] | None = None
    """The local file to upload (a path; FASTQ, BAM, CRAM or uBAM). Its content is the read
    set's identity: a changed file is a new read set."""
    source2: pulumi.Input[str] | None = None
    """The second file of a FASTQ pair (a path), if any."""
    reference_arn: pulumi.Input[str] | None = None
    """The reference genome's ARN (needed for BAM and CRAM)."""
    generated_from: pulumi.Input[str] | None = None
    """Where the reads were generated."""
    description: pulumi.Input[str] | None = None
    """The read set's description."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Tags of the read set (changed in place, with no new upload)."""
    part_size: pulumi.Input[int] = DEFAULT_PART_SIZE
    """Bytes per part (default 64 MiB, at most 100 MiB); each file is read as a stream, one
    part at a time."""
    parallel_parts: pulumi.Input[int] = DEFAULT_PARALLEL_PARTS
    """Parts sent at once (default 4), all within the account's 10 parts a second."""
    wait: pulumi.Input[bool] = True
    """Wait for the read set to be ACTIVE during ``pulumi up`` (else refresh reports)."""
    wait_timeout: pulumi.Input[float] = float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
    """Seconds to wait for the upload and its processing (default 12 hours)."""
    delete_read_set_on_destroy: pulumi.Input[bool] = False
    """Delete the read set when the resource is destroyed or replaced (a changed file); by
    default it is kept."""

    def to_props(self) -> dict[str, Any]:
        """The inputs as the provider sees them."""
        return args_props(self)


class ReadSetUpload(Resource, module="omics", name="ReadSetUpload"):
    """One read set uploaded from one or two local files (a FASTQ pair, a BAM, CRAM or uBAM)
    straight into a sequence store, with no S3 staging. The files' content is its identity:
    a changed file is a new read set (the old one kept unless
    ``delete_read_set_on_destroy``). Parts are read as streams and sent side by side within
    the account's rates; an interrupted upload resumes where it stopped.
    """

    read_set_id: pulumi.Output[str | None]
    """The read set made by the upload."""
    read_set_arn: pulumi.Output[str | None]
    """The read set's ARN."""
    status: pulumi.Output[str | None]
    """The read set's status (ACTIVE once processed; UPLOAD_FAILED)."""
    status_message: pulumi.Output[str | None]
    """The service's message about the read set, if any."""
    content_digest: pulumi.Output[dict[str, str] | None]
    """The SHA-256 of each file (``source1``, ``source2``): the read set's identity."""
    size_bytes: pulumi.Output[int | None]
    """The bytes uploaded (both files)."""
    part_count: pulumi.Output[int | None]
    """The parts the upload was made of (both files)."""
    parts_sent: pulumi.Output[int | None]
    """The parts this resource's last create sent; fewer than ``part_count`` when it resumed an
    upload that an interrupted run had begun."""
    upload_id: pulumi.Output[str | None]
    """The multipart upload the read set was made from."""

    def __init__(
        self,
        resource_name: str,
        args: ReadSetUploadArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the read set to upload.

        :param str resource_name: The name of the resource (unique in the stack; part of the
            upload's key).
        :param ReadSetUploadArgs args: The store, the files and the read set's metadata.
        :param pulumi.ResourceOptions opts: Options for the resource.
        """
        props = resource_props(ReadSetUploadBehaviour, resource_name, args.to_props())
        super().__init__(ReadSetUploadProvider(), resource_name, props, opts)
