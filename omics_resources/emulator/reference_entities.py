"""Reference stores, references and reference import jobs: what the emulator keeps of
each, and how the API shows them (see :mod:`~omics_resources.emulator.entities` for the
conventions: camelCase members, times in epoch seconds).

A reference import reads its FASTA from the emulator's S3 when the job starts, as a read-set
import reads its sources; a source that is no FASTA file fails with the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, cast

from omics_resources.emulator.entities import status_message
from omics_resources.emulator.filters import Filter
from omics_resources.emulator.jobs import Inventory, Job, JobSource, SourceStatus
from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.s3 import ACCOUNT_ID, S3Objects

__all__ = [
    "REFERENCE_FILTER",
    "REFERENCE_JOB_FILTER",
    "REFERENCE_STORE_FILTER",
    "Reference",
    "ReferenceImportJob",
    "ReferenceState",
    "ReferenceStore",
    "fasta_problem",
    "reference_sources",
]


def fasta_problem(data: bytes) -> str | None:
    """Why ``data`` is not a FASTA file (None when it looks like one): its first record
    must start with '>' and hold a sequence."""
    text = data.lstrip()
    if not text.startswith(b">"):
        return "not a FASTA file: the first line must start with '>'"
    lines = [line for line in text.splitlines()[1:] if line.strip()]
    if not lines or lines[0].startswith(b">"):
        return "not a FASTA file: the first record has no sequence"
    return None


@dataclass
class ReferenceStore:
    """A reference store."""

    id: str
    name: str
    description: str | None
    created: float
    region: str

    @property
    def arn(self) -> str:
        """The store's ARN."""
        return f"arn:aws:omics:{self.region}:{ACCOUNT_ID}:referenceStore/{self.id}"

    def describe(self) -> dict[str, Any]:
        """The store as Create/GetReferenceStore answer it (and list items)."""
        return {
            "id": self.id,
            "arn": self.arn,
            "name": self.name,
            "description": self.description,
            "creationTime": self.created,
        }


@dataclass
class Reference:
    """A reference genome imported into a store."""

    id: str
    store_id: str
    arn: str
    name: str
    description: str | None
    md5: str
    created: float
    job_id: str
    size: int
    status: str = "ACTIVE"

    @property
    def gone(self) -> bool:
        """Deleted: answered as not found, never listed."""
        return self.status == "DELETED"

    def summary(self) -> dict[str, Any]:
        """The reference as ListReferences lists it."""
        return {
            "id": self.id,
            "arn": self.arn,
            "referenceStoreId": self.store_id,
            "md5": self.md5,
            "status": self.status,
            "name": self.name,
            "description": self.description,
            "creationTime": self.created,
            "updateTime": self.created,
        }

    def describe(self) -> dict[str, Any]:
        """The reference as GetReferenceMetadata answers it."""
        return {
            **self.summary(),
            "creationType": "IMPORT",
            "creationJobId": self.job_id,
            "files": {
                "source": {
                    "totalParts": 1,
                    "partSize": self.size or 1,
                    "contentLength": self.size or 1,
                }
            },
        }


@dataclass
class ReferenceState:
    """The backend's reference stores and references."""

    stores: dict[str, ReferenceStore] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)

    def clear(self) -> None:
        """Forget every store and reference."""
        self.stores.clear()
        self.references.clear()


class _WithReferences(Inventory, Protocol):
    refs: ReferenceState


@dataclass(kw_only=True)
class ReferenceImportJob(Job):
    """A reference import job: each source that finishes becomes an ACTIVE reference.
    ``store_id`` is the reference store's id."""

    KIND: ClassVar[str] = "reference"
    GET_OPERATION: ClassVar[str] = "GetReferenceImportJob"

    role_arn: str

    def _finished(self, source: JobSource, inventory: Inventory) -> None:
        refs = cast(_WithReferences, inventory).refs
        store = refs.stores.get(self.store_id)
        if store is None or source.read_set_id is None:
            return
        item = source.request
        reference = Reference(
            id=source.read_set_id,
            store_id=self.store_id,
            arn=f"{store.arn}/reference/{source.read_set_id}",
            name=item["name"],
            description=item.get("description"),
            md5=(source.etag or {}).get("md5", ""),
            created=source.ends,
            job_id=self.id,
            size=source.size,
        )
        refs.references[reference.id] = reference
        inventory.tags[reference.arn] = dict(item.get("tags") or {})

    def summary(self) -> dict[str, Any]:
        """The job as Start/List answer it: by its reference store, with its role."""
        return {
            "id": self.id,
            "referenceStoreId": self.store_id,
            "roleArn": self.role_arn,
            "status": self.status,
            "creationTime": self.created,
            "completionTime": self.completed,
        }

    def _describe_source(self, source: JobSource) -> dict[str, Any]:
        finished = source.status == SourceStatus.FINISHED
        return {
            **source.request,
            "status": source.status,
            "statusMessage": source.message,
            "referenceId": source.read_set_id if finished else None,
        }


def reference_sources(
    items: list[dict[str, Any]],
    starts: float,
    *,
    s3: S3Objects,
    durations: Durations,
    new_id: Callable[[], str],
) -> list[JobSource]:
    """The sources of a reference import that starts processing at ``starts``: each FASTA
    read now; one that will succeed is given the id of the reference it becomes (kept in
    ``read_set_id``, the job source's id of what it makes) and its MD5."""
    built = []
    for item in items:
        uri = item["sourceFile"]
        source = JobSource(request=item, ends=starts)
        data = s3.read(uri)
        problem = "S3 object not found" if data is None else fasta_problem(data)
        if problem is not None:
            source.failure = status_message(f"{uri}: {problem}")
        else:
            assert data is not None
            source.size = len(data)
            source.etag = {"md5": hashlib.md5(data, usedforsecurity=False).hexdigest()}
            source.read_set_id = new_id()
        source.ends = starts + durations.importing(source.size)
        built.append(source)
    return built


def _created(item: ReferenceStore | Reference | Job) -> float:
    return item.created


REFERENCE_STORE_FILTER: Filter[ReferenceStore] = Filter(
    shapes=("ReferenceStoreFilter",),
    equal={"name": lambda s: s.name},
    after={"createdAfter": _created},
    before={"createdBefore": _created},
)
REFERENCE_FILTER: Filter[Reference] = Filter(
    shapes=("ReferenceFilter",),
    equal={"name": lambda r: r.name, "md5": lambda r: r.md5},
    after={"createdAfter": _created},
    before={"createdBefore": _created},
)
REFERENCE_JOB_FILTER: Filter[Job] = Filter(
    shapes=("ImportReferenceFilter",),
    equal={"status": lambda j: j.status},
    after={"createdAfter": _created},
    before={"createdBefore": _created},
)
