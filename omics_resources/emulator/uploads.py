"""Multipart read-set uploads: a read set made from parts sent over HTTP, no S3 staging.

:class:`UploadOperations` is the backend's part of the API for them (mixed into
:class:`~omics_resources.emulator.models.OmicsBackend`). Parts are spooled to files under
the backend's ``parts_dir`` as they arrive, never held in memory: a 2 GiB upload costs the
emulator a few MiB. A completed upload's parts are joined into one file per source, kept as
the read set's stored bytes (:meth:`UploadOperations.stored_files`), so an export can write
them out. The read set is PROCESSING_UPLOAD for ``Durations.upload_seconds`` after Complete,
then ACTIVE, or UPLOAD_FAILED when a source is not of its file type.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from omics_resources.core.service_model import UPLOAD_PART_MAX_BYTES
from omics_resources.emulator.entities import ReadSet, ReadSetStatus
from omics_resources.emulator.exceptions import (
    RequestEntityTooLargeException,
    ResourceNotFoundException,
    ValidationException,
)
from omics_resources.emulator.pages import page

__all__ = ["UPLOAD_OPERATIONS", "Part", "Upload", "UploadOperations"]

#: The operations of this module, as the emulator serves them.
UPLOAD_OPERATIONS = (
    "CreateMultipartReadSetUpload",
    "UploadReadSetPart",
    "ListReadSetUploadParts",
    "CompleteMultipartReadSetUpload",
    "AbortMultipartReadSetUpload",
    "ListMultipartReadSetUploads",
)

_CHUNK = 1024 * 1024
#: How each file type's content starts (a source that does not is UPLOAD_FAILED).
_MAGIC = {"FASTQ": (b"@",), "BAM": (b"\x1f\x8b",), "UBAM": (b"\x1f\x8b",), "CRAM": (b"CRAM",)}
#: After Complete, a read set is processed this long before it is ACTIVE (emulator time).
UPLOAD_PROCESSING_SECONDS = 0.5


@dataclass
class Part:
    """One uploaded part: its size, checksum (hex SHA-256 of its bytes) and times."""

    source: str
    number: int
    size: int
    checksum: str
    created: float
    updated: float

    def describe(self) -> dict[str, Any]:
        """The part as ListReadSetUploadParts lists it."""
        return {
            "partNumber": self.number,
            "partSource": self.source,
            "partSize": self.size,
            "checksum": self.checksum,
            "creationTime": self.created,
            "lastUpdatedTime": self.updated,
        }


@dataclass
class Upload:
    """An open multipart upload: the read set's metadata and the parts so far."""

    id: str
    store_id: str
    token: str | None
    created: float
    metadata: dict[str, Any]
    parts: dict[str, Part] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """The upload as Create answers it and ListMultipartReadSetUploads lists it. The
        list item's model requires ``generatedFrom`` and ``referenceArn``; the service's
        value for an upload without them is not documented: empty strings here."""
        return {
            "sequenceStoreId": self.store_id,
            "uploadId": self.id,
            "generatedFrom": "",
            "referenceArn": "",
            **self.metadata,
            "creationTime": self.created,
        }


def _key(source: str, number: int) -> str:
    return f"{source}/{number}"


@dataclass
class _UploadState:
    uploads: dict[str, Upload] = field(default_factory=dict)
    #: Read sets still PROCESSING_UPLOAD: when each is done, and its failure (if any).
    processing: dict[str, tuple[float, str | None]] = field(default_factory=dict)
    root: Path | None = None


class UploadOperations:
    """The six multipart-upload operations, over the backend's stores and read sets (its
    ``lock``, ``clock``, ``store``, ``read_sets``, ``tags``, ``_new_id``, ``_on_change``)."""

    def _state(self) -> _UploadState:
        state = self.__dict__.get("_upload_state")
        if state is None:
            state = self.__dict__["_upload_state"] = _UploadState()
        return state

    @property
    def uploads(self) -> dict[str, Upload]:
        """The open uploads by id."""
        return self._state().uploads

    @property
    def processing(self) -> dict[str, tuple[float, str | None]]:
        """Read sets still PROCESSING_UPLOAD: when each is done, and its failure if any."""
        return self._state().processing

    def use_parts_dir(self, parts_dir: str) -> None:
        """Spool parts and keep stored files under ``parts_dir`` (by default a temporary
        directory, made on first use)."""
        self._state().root = Path(parts_dir)

    def _parts_dir(self) -> Path:
        state = self._state()
        if state.root is None:
            state.root = Path(tempfile.mkdtemp(prefix="omics-emulator-parts-"))
        state.root.mkdir(parents=True, exist_ok=True)
        return state.root

    def reset_uploads(self) -> None:
        """Forget every upload and remove every spooled part and stored file."""
        state = self._state()
        state.uploads.clear()
        state.processing.clear()
        if state.root is not None:
            shutil.rmtree(state.root, ignore_errors=True)

    def settle_uploads(self, now: float) -> bool:
        """Read sets whose processing time has passed become ACTIVE (or UPLOAD_FAILED)."""
        backend: Any = self
        done = [i for i, (at, _) in self.processing.items() if at <= now]
        for read_set_id in done:
            _, failure = self.processing.pop(read_set_id)
            read_set = backend.read_sets[read_set_id]
            read_set.status = ReadSetStatus.UPLOAD_FAILED if failure else ReadSetStatus.ACTIVE
            read_set.status_message = failure
        return bool(done)

    def _upload(self, store_id: str, upload_id: str) -> Upload:
        backend: Any = self
        backend.store(store_id)
        upload = self.uploads.get(upload_id)
        if upload is None or upload.store_id != store_id:
            raise ResourceNotFoundException(f"Multipart upload {upload_id} not found")
        return upload

    def create_multipart_read_set_upload(
        self, sequenceStoreId: str, clientToken: str | None = None, **metadata: Any
    ) -> dict[str, Any]:
        """CreateMultipartReadSetUpload; a client token of an open upload returns it."""
        backend: Any = self
        with backend.lock:
            backend.store(sequenceStoreId)
            for upload in self.uploads.values():
                if clientToken and upload.token == clientToken:
                    if upload.store_id == sequenceStoreId and upload.metadata == metadata:
                        return upload.describe()
                    raise ValidationException(
                        f"Client token {clientToken} was used for a different upload"
                    )
            upload = Upload(
                backend._new_id(self.uploads, backend.read_sets),
                sequenceStoreId,
                clientToken,
                backend.clock(),
                dict(metadata),
            )
            self.uploads[upload.id] = upload
            backend._on_change()
            return upload.describe()

    def upload_read_set_part(
        self,
        *,
        sequenceStoreId: str,
        uploadId: str,
        partSource: str,
        partNumber: int,
        payload: IO[bytes],
        length: int,
    ) -> dict[str, Any]:
        """UploadReadSetPart: the body is read in chunks straight to the part's file (a part
        sent again replaces it), outside the backend's lock."""
        backend: Any = self
        if length > UPLOAD_PART_MAX_BYTES:
            raise RequestEntityTooLargeException(
                f"Part of {length} bytes exceeds the limit of {UPLOAD_PART_MAX_BYTES} bytes"
            )
        with backend.lock:
            upload = self._upload(sequenceStoreId, uploadId)
            if partSource == "SOURCE2" and upload.metadata.get("sourceFileType") not in (
                "FASTQ",
                None,
            ):
                raise ValidationException("Only FASTQ uploads have a SOURCE2")
            folder = self._parts_dir() / upload.id
            folder.mkdir(exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        spool = folder / f".{partSource}.{partNumber}.{threading.get_ident()}"
        with spool.open("wb") as out:
            while size < length:
                chunk = payload.read(min(_CHUNK, length - size))
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        if size == 0 or size != length:
            spool.unlink(missing_ok=True)
            raise ValidationException(f"Part body of {size} bytes; expected {length} (at least 1)")
        with backend.lock:
            if uploadId not in self.uploads:
                spool.unlink(missing_ok=True)
                raise ResourceNotFoundException(f"Multipart upload {uploadId} not found")
            spool.replace(folder / f"{partSource}.{partNumber}")
            now = backend.clock()
            key = _key(partSource, partNumber)
            earlier = upload.parts.get(key)
            created = earlier.created if earlier else now
            upload.parts[key] = Part(partSource, partNumber, size, digest.hexdigest(), created, now)
            backend._on_change()
        return {"checksum": digest.hexdigest()}

    def list_read_set_upload_parts(
        self,
        *,
        sequenceStoreId: str,
        uploadId: str,
        partSource: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """ListReadSetUploadParts of one source, by part number, with its time filter."""
        backend: Any = self
        with backend.lock:
            upload = self._upload(sequenceStoreId, uploadId)
            after = (filter or {}).get("createdAfter")
            before = (filter or {}).get("createdBefore")
            parts = [
                p
                for p in upload.parts.values()
                if p.source == partSource
                and (after is None or p.created >= after)
                and (before is None or p.created <= before)
            ]
            served, token = page(parts, lambda p: (float(p.number),), maxResults, nextToken)
            return {"parts": [p.describe() for p in served], "nextToken": token}

    def list_multipart_read_set_uploads(
        self,
        sequenceStoreId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        """ListMultipartReadSetUploads: the store's open uploads, oldest first."""
        backend: Any = self
        with backend.lock:
            backend.store(sequenceStoreId)
            open_ = [u for u in self.uploads.values() if u.store_id == sequenceStoreId]
            served, token = page(open_, lambda u: (u.created, u.id), maxResults, nextToken)
            return {"uploads": [u.describe() for u in served], "nextToken": token}

    def abort_multipart_read_set_upload(
        self, sequenceStoreId: str, uploadId: str
    ) -> dict[str, Any]:
        """AbortMultipartReadSetUpload: the upload and its parts are gone."""
        backend: Any = self
        with backend.lock:
            self._upload(sequenceStoreId, uploadId)
            del self.uploads[uploadId]
            shutil.rmtree(self._parts_dir() / uploadId, ignore_errors=True)
            backend._on_change()
            return {}

    def complete_multipart_read_set_upload(
        self, sequenceStoreId: str, uploadId: str, parts: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """CompleteMultipartReadSetUpload: every uploaded part named once with its checksum,
        each source's numbers 1..n with none missing; then the read set, PROCESSING_UPLOAD."""
        backend: Any = self
        with backend.lock:
            upload = self._upload(sequenceStoreId, uploadId)
            named: dict[str, dict[str, Any]] = {}
            for item in parts:
                key = _key(item["partSource"], item["partNumber"])
                if key in named:
                    raise ValidationException(f"Part {key} is listed twice")
                part = upload.parts.get(key)
                if part is None:
                    raise ValidationException(f"Part {key} was not uploaded")
                if part.checksum != item["checksum"]:
                    raise ValidationException(
                        f"Part {key} has checksum {part.checksum}, not {item['checksum']}"
                    )
                named[key] = item
            for source in ("SOURCE1", "SOURCE2"):
                numbers = sorted(p.number for p in upload.parts.values() if p.source == source)
                if numbers != list(range(1, len(numbers) + 1)):
                    raise ValidationException(
                        f"{source}'s parts are not numbered 1 to {len(numbers)}: {numbers}"
                    )
            left_out = sorted(set(upload.parts) - set(named))
            if left_out:
                raise ValidationException(f"Uploaded parts not in the request: {left_out}")
            if not any(p.source == "SOURCE1" for p in upload.parts.values()):
                raise ValidationException("The upload has no SOURCE1 part")
            return {"readSetId": self._finish(backend, upload)}

    def _finish(self, backend: Any, upload: Upload) -> str:
        """Join the parts into the read set's stored files; the new read set's id."""
        read_set_id = backend._new_id(backend.read_sets, self.uploads)
        folder = self._parts_dir() / upload.id
        stored = self._parts_dir() / "readsets" / read_set_id
        stored.mkdir(parents=True)
        meta = upload.metadata
        failure: str | None = None
        size = lines = 0
        for source in ("SOURCE1", "SOURCE2"):
            numbers = sorted(p.number for p in upload.parts.values() if p.source == source)
            if not numbers:
                continue
            with (stored / source.lower()).open("wb") as out:
                for number in numbers:
                    with (folder / f"{source}.{number}").open("rb") as part:
                        shutil.copyfileobj(part, out, _CHUNK)
            with (stored / source.lower()).open("rb") as joined:
                head = joined.read(8)
                magic = _MAGIC.get(str(meta.get("sourceFileType")), ())
                if not any(head.startswith(m) for m in magic):
                    failure = f"{source} is not a {meta.get('sourceFileType')} file"
                if source == "SOURCE1" and meta.get("sourceFileType") == "FASTQ":
                    joined.seek(0)
                    lines = sum(c.count(b"\n") for c in iter(lambda: joined.read(_CHUNK), b""))
            size += (stored / source.lower()).stat().st_size
        shutil.rmtree(folder, ignore_errors=True)
        store = backend.store(upload.store_id)
        now = backend.clock()
        read_set = ReadSet(
            id=read_set_id,
            store_id=upload.store_id,
            arn=f"{store.arn}/readSet/{read_set_id}",
            status=ReadSetStatus.PROCESSING_UPLOAD,
            file_type=str(meta["sourceFileType"]),
            subject_id=str(meta["subjectId"]),
            sample_id=str(meta["sampleId"]),
            created=now,
            job_id="",
            name=meta.get("name"),
            description=meta.get("description"),
            reference_arn=meta.get("referenceArn"),
            generated_from=meta.get("generatedFrom"),
            size=size,
            read_count=lines // 4,
            creation_type="UPLOAD",
        )
        backend.read_sets[read_set_id] = read_set
        backend.tags[read_set.arn] = dict(meta.get("tags") or {})
        self.processing[read_set_id] = (now + UPLOAD_PROCESSING_SECONDS, failure)
        del self.uploads[upload.id]
        backend._on_change()
        return str(read_set_id)

    def stored_files(self, read_set_id: str) -> dict[str, Path]:
        """An uploaded read set's stored bytes: ``source1`` (and ``source2``) files."""
        root = self._state().root
        if root is None:
            return {}
        folder = root / "readsets" / read_set_id
        return {p.name: p for p in sorted(folder.glob("source*"))} if folder.is_dir() else {}
