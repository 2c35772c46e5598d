"""Sequence stores and read sets: what the emulator keeps of each, and how the API shows
them (``describe``: the members of the operation's answer, camelCase as on the wire, times
in epoch seconds; :mod:`~omics_resources.emulator.wire` cuts and formats them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omics_resources.emulator.etags import DEFAULT_FAMILY
from omics_resources.emulator.s3 import ACCOUNT_ID

__all__ = [
    "ReadSet",
    "ReadSetStatus",
    "ReadSets",
    "Store",
    "file_name",
    "status_message",
    "store_s3_uri",
]


def status_message(text: str) -> str:
    """A status message cut to the API's 127 characters."""
    return text if len(text) <= 127 else text[:124] + "..."


def store_s3_uri(store_id: str) -> str:
    """The S3 URI of a store's access point (its read sets' files are under it). The
    service's alias has a random part; ours is derived from the store's id."""
    return f"s3://{store_id}-{ACCOUNT_ID}-s3alias/{ACCOUNT_ID}/sequenceStore/{store_id}/"


def file_name(uri: str) -> str:
    """The last part of an S3 URI: the name a read set's file keeps in S3 URIs and exports."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


class ReadSetStatus:
    """The read-set statuses the emulator uses (the model's ReadSetStatus has more)."""

    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    ACTIVATING = "ACTIVATING"
    DELETED = "DELETED"
    DELETING = "DELETING"
    PROCESSING_UPLOAD = "PROCESSING_UPLOAD"
    UPLOAD_FAILED = "UPLOAD_FAILED"


@dataclass
class Store:
    """A sequence store."""

    id: str
    name: str
    description: str | None
    created: float
    region: str
    #: How its read sets' ETags are hashed (the model's ETagAlgorithmFamily).
    etag_algorithm_family: str = DEFAULT_FAMILY

    @property
    def arn(self) -> str:
        """The store's ARN."""
        return f"arn:aws:omics:{self.region}:{ACCOUNT_ID}:sequenceStore/{self.id}"

    @property
    def status(self) -> str:
        """A store is ACTIVE from its creation (the emulator has no slow provisioning)."""
        return "ACTIVE"

    def describe(self) -> dict[str, Any]:
        """The store as GetSequenceStore answers it (and list items, cut to their shape)."""
        return {
            "id": self.id,
            "arn": self.arn,
            "name": self.name,
            "description": self.description,
            "creationTime": self.created,
            # The emulator serves no UpdateSequenceStore: a store is as it was created.
            "updateTime": self.created,
            "status": self.status,
            "sseConfig": {"type": "KMS"},
            "eTagAlgorithmFamily": self.etag_algorithm_family,
            "s3Access": {
                "s3Uri": store_s3_uri(self.id),
                "s3AccessPointArn": (
                    f"arn:aws:s3:{self.region}:{ACCOUNT_ID}:accesspoint/{self.id}-s3alias"
                ),
            },
        }


@dataclass
class ReadSet:
    """A read set: its metadata and status."""

    id: str
    store_id: str
    arn: str
    status: str
    file_type: str
    subject_id: str
    sample_id: str
    created: float
    job_id: str
    name: str | None = None
    description: str | None = None
    reference_arn: str | None = None
    generated_from: str | None = None
    size: int = 0
    read_count: int = 0
    #: ``algorithm``, ``source1`` (and ``source2``): see :mod:`~omics_resources.emulator.etags`.
    etag: dict[str, str] | None = None
    #: IMPORT, or UPLOAD for a read set made by a multipart upload.
    creation_type: str = "IMPORT"
    status_message: str | None = None
    #: The S3 URIs it was imported from, by source (``source1``, ``source2``): where the
    #: emulator reads its stored bytes (an export), and what its files are named.
    files: dict[str, str] | None = None

    @property
    def gone(self) -> bool:
        """Deleted: answered as not found, never listed."""
        return self.status == ReadSetStatus.DELETED

    def describe(self) -> dict[str, Any]:
        """The read set as GetReadSetMetadata answers it; ListReadSets items are this view
        cut to the model's ReadSetListItem (which has no ``creationJobId``, for one)."""
        return {
            "id": self.id,
            "arn": self.arn,
            "sequenceStoreId": self.store_id,
            "subjectId": self.subject_id,
            "sampleId": self.sample_id,
            "status": self.status,
            "name": self.name,
            "description": self.description,
            "fileType": self.file_type,
            "creationTime": self.created,
            "referenceArn": self.reference_arn,
            "creationType": self.creation_type,
            "statusMessage": self.status_message,
            "creationJobId": self.job_id or None,
            "etag": self.etag,
            "sequenceInformation": {
                "totalReadCount": self.read_count,
                "generatedFrom": self.generated_from,
                "alignment": "ALIGNED" if self.reference_arn else "UNALIGNED",
            },
            "files": self._files(),
        }

    def _files(self) -> dict[str, Any] | None:
        """Each file's S3 URI under the store's access point: only while ACTIVE (the
        guide: an archived read set is not readable through S3 until it is activated)."""
        if not self.files:
            return None
        readable = self.status == ReadSetStatus.ACTIVE
        prefix = f"{store_s3_uri(self.store_id)}readSet/{self.id}/"
        return {
            source: {"s3Access": {"s3Uri": prefix + file_name(uri)}} if readable else {}
            for source, uri in self.files.items()
        }


class ReadSets(dict[str, ReadSet]):
    """Read sets by id, and their ids in ListReadSets' page order, sorted again only when
    the ids changed: a walk of 1,000 pages over 100,000 read sets sorts them once. Read
    sets are added, never removed (a deleted one keeps its entry) but all at once by
    :meth:`clear`, so a change of the ids is a change of their number."""

    _order: list[str] | None = None

    def clear(self) -> None:
        """Forget every read set."""
        super().clear()
        self._order = None

    def ordered_ids(self) -> list[str]:
        """Every id, sorted."""
        if self._order is None or len(self._order) != len(self):
            self._order = sorted(self)
        return self._order
