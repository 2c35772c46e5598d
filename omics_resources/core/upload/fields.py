"""``ReadSetUpload``'s properties and outputs, described once (see
:mod:`omics_resources.core.fields`): the read set's metadata goes to
CreateMultipartReadSetUpload; the local files, the part size and the waiting are ours."""

from __future__ import annotations

from typing import Final

from omics_resources.core import limits
from omics_resources.core.fields import Change, Field, Output
from omics_resources.core.service_model import UPLOAD_PART_MAX_BYTES
from omics_resources.core.validation import SettingRule

__all__ = [
    "DEFAULT_PARALLEL_PARTS",
    "DEFAULT_PART_SIZE",
    "KEY_TAG",
    "OPERATION",
    "OUTPUTS",
    "OWNER_TAG",
    "UPLOAD_FIELDS",
]

#: The request that the fields' ``api`` paths are members of.
OPERATION: Final = "CreateMultipartReadSetUpload"
#: 64 MiB: a 30x genome's FASTQ pair (~2 x 60 GiB) in ~2,000 parts, well under 10,000, and a
#: part lost to a failure costs seconds to send again.
DEFAULT_PART_SIZE: Final = 64 * 1024 * 1024
#: Parts in flight at once: enough to fill the 10-a-second budget from one disk.
DEFAULT_PARALLEL_PARTS: Final = 4
#: The tag that names an upload's identity (and then its read set's): a digest of the
#: files' content, the metadata, the part size and the resource (see ``session.upload_key``).
KEY_TAG: Final = "omics-resources:upload"
#: The tag that names the resource an upload belongs to, so an upload of an earlier version
#: of its files that never completed is found and aborted, not left behind.
OWNER_TAG: Final = "omics-resources:upload-owner"

UPLOAD_FIELDS: tuple[Field, ...] = (
    Field(
        "sequence_store_id",
        api=("sequenceStoreId",),
        doc="The sequence store to upload into (10 to 36 digits).",
    ),
    Field(
        "source1",
        change=Change.SETTING,
        setting=SettingRule(str, None),
        doc="The local file to upload (a path; FASTQ, BAM, CRAM or uBAM). Its content is the "
        "read set's identity: a changed file is a new read set.",
    ),
    Field(
        "source2",
        change=Change.SETTING,
        setting=SettingRule(str, None),
        doc="The second file of a FASTQ pair (a path), if any.",
    ),
    Field("source_file_type", api=("sourceFileType",), doc="FASTQ, BAM, CRAM or UBAM."),
    Field("subject_id", api=("subjectId",), doc="The subject the reads come from."),
    Field("sample_id", api=("sampleId",), doc="The sample the reads come from."),
    Field("name", api=("name",), doc="The read set's name."),
    Field(
        "reference_arn",
        api=("referenceArn",),
        doc="The reference genome's ARN (needed for BAM and CRAM).",
    ),
    Field("generated_from", api=("generatedFrom",), doc="Where the reads were generated."),
    Field("description", api=("description",), doc="The read set's description."),
    Field(
        "tags",
        api=("tags",),
        change=Change.UPDATE,
        doc="Tags of the read set (changed in place, with no new upload).",
    ),
    Field(
        "part_size",
        change=Change.SETTING,
        setting=SettingRule(int, DEFAULT_PART_SIZE, positive=True, unit="bytes"),
        doc=f"Bytes per part (default 64 MiB, at most {UPLOAD_PART_MAX_BYTES // 2**20} MiB); "
        "each file is read as a stream, one part at a time.",
    ),
    Field(
        "parallel_parts",
        change=Change.SETTING,
        setting=SettingRule(int, DEFAULT_PARALLEL_PARTS, positive=True, unit="parts"),
        doc="Parts sent at once (default 4), all within the account's 10 parts a second.",
    ),
    Field(
        "wait",
        change=Change.SETTING,
        setting=SettingRule(bool, True),
        doc="Wait for the read set to be ACTIVE during ``pulumi up`` (else refresh reports).",
    ),
    Field(
        "wait_timeout",
        change=Change.SETTING,
        setting=SettingRule(float, float(limits.DEFAULT_WAIT_TIMEOUT_SECONDS), positive=True),
        doc="Seconds to wait for the upload and its processing (default 12 hours).",
    ),
    Field(
        "delete_read_set_on_destroy",
        change=Change.SETTING,
        setting=SettingRule(bool, False),
        doc="Delete the read set when the resource is destroyed or replaced (a changed "
        "file); by default it is kept.",
    ),
)

OUTPUTS: tuple[Output, ...] = (
    Output("read_set_id", "The read set made by the upload."),
    Output("read_set_arn", "The read set's ARN."),
    Output("status", "The read set's status (ACTIVE once processed; UPLOAD_FAILED)."),
    Output("status_message", "The service's message about the read set, if any.", optional=True),
    Output(
        "content_digest",
        "The SHA-256 of each file (``source1``, ``source2``): the read set's identity.",
        many="map",
    ),
    Output("size_bytes", "The bytes uploaded (both files).", kind="integer"),
    Output("part_count", "The parts the upload was made of (both files).", kind="integer"),
    Output(
        "parts_sent",
        "The parts this resource's last create sent; fewer than ``part_count`` when it "
        "resumed an upload that an interrupted run had begun.",
        kind="integer",
    ),
    Output("upload_id", "The multipart upload the read set was made from."),
)
