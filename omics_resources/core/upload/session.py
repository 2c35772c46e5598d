"""One upload's calls: find what an earlier run left (the read set, or the open upload and
its parts), open one if there is none, send the missing parts side by side, complete.

Every call goes through :class:`~omics_resources.core.api.OmicsApi`, so it takes its turn in
its budget: parts share the account's 10 a second, Create and Complete their 1 a second,
with every other upload of the process (one rate limiter per process and settings). An
upload is known by its key (a tag, and the client token of its Create): the next run after
a kill or a failed part finds it with ListMultipartReadSetUploads and sends only the parts
ListReadSetUploadParts does not list.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from omics_resources.core.account.api import OmicsApi
from omics_resources.core.errors import OmicsResourceError
from omics_resources.core.progress import Progress
from omics_resources.core.upload.fields import KEY_TAG, OWNER_TAG
from omics_resources.core.upload.plan import Meter, Part, PartReader, missing_parts

__all__ = ["Upload", "UploadSession", "owner_key", "upload_key"]

Props = dict[str, Any]
# A status line at most this often while parts go (and one when the last is sent).
_PROGRESS_SECONDS = 2.0


def owner_key(scope: Any) -> str:
    """The resource's key: a digest of its project, stack and name."""
    canonical = json.dumps(scope if isinstance(scope, Mapping) else {}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def upload_key(
    scope: Any, request: Mapping[str, Any], digests: Mapping[str, str], part_size: int
) -> str:
    """The upload's key: a digest of the resource, the Create request (without tags, which
    change in place), the files' content and the part size (parts of another size do not
    line up). The same inputs give the same key in every run."""
    canonical = json.dumps(
        {
            "owner": owner_key(scope),
            "request": {k: v for k, v in request.items() if k != "tags"},
            "digests": dict(digests),
            "partSize": part_size,
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


@dataclass
class Upload:
    """What a create found or did: the read set (once completed), the upload's id, the parts
    sent in this run."""

    read_set_id: str | None = None
    upload_id: str | None = None
    parts_sent: int = 0


class UploadSession:
    """The calls of one resource's upload, in the store ``store``, keyed ``key``."""

    def __init__(
        self,
        api: OmicsApi,
        store: str,
        key: str,
        owner: str,
        progress: Progress,
        *,
        monotonic: Callable[[], float],
        cancel: threading.Event,
    ) -> None:
        self.api, self.store, self.key, self.owner = api, store, key, owner
        self.progress = progress
        self._monotonic = monotonic
        self._cancel = cancel

    # -- what an earlier run left ---------------------------------------------------------

    def completed(self, request: Mapping[str, Any]) -> str | None:
        """The read set an earlier run completed with this key (its answer may have been
        lost to a kill), else None: the store's uploaded read sets of this name and sample,
        their tags read one call each (a handful)."""
        wanted = {
            "creationType": "UPLOAD",
            **{k: request[k] for k in ("name", "sampleId", "subjectId") if request.get(k)},
        }
        for page in self.api.pages("ListReadSets", sequenceStoreId=self.store, filter=wanted):
            for item in page:
                if item.get("status") in ("DELETED", "DELETING", "UPLOAD_FAILED"):
                    continue
                tags = self.api.call("ListTagsForResource", resourceArn=item["arn"])
                if (tags.get("tags") or {}).get(KEY_TAG) == self.key:
                    return str(item["id"])
        return None

    def open_upload(self) -> str | None:
        """The open upload with this key (the oldest, others aborted); open uploads of this
        resource with another key (files since changed) are aborted, never left behind."""
        mine: list[str] = []
        for page in self.api.pages("ListMultipartReadSetUploads", sequenceStoreId=self.store):
            for item in page:
                tags = item.get("tags") or {}
                if tags.get(KEY_TAG) == self.key:
                    mine.append(str(item["uploadId"]))
                elif tags.get(OWNER_TAG) == self.owner:
                    self.abort(str(item["uploadId"]), "of earlier files")
        for extra in mine[1:]:
            self.abort(extra, "a duplicate")
        return mine[0] if mine else None

    def abort(self, upload_id: str, why: str) -> None:
        """Abort an upload that is no longer wanted."""
        self.api.call("AbortMultipartReadSetUpload", sequenceStoreId=self.store, uploadId=upload_id)
        self.progress.say(f"aborted upload {upload_id} ({why})")

    def listed_parts(self, upload_id: str, sources: Sequence[str]) -> dict[tuple[str, int], Props]:
        """Every part the upload has, by (source, number)."""
        found: dict[tuple[str, int], Props] = {}
        for source in sources:
            for page in self.api.pages(
                "ListReadSetUploadParts",
                sequenceStoreId=self.store,
                uploadId=upload_id,
                partSource=source,
            ):
                for item in page:
                    found[(source, int(item["partNumber"]))] = item
        return found

    # -- this run -------------------------------------------------------------------------

    def create(self, request: Mapping[str, Any]) -> str:
        """Open the upload (its key as client token and tag; a lost answer's retry gets the
        same upload)."""
        tags = {**(request.get("tags") or {}), KEY_TAG: self.key, OWNER_TAG: self.owner}
        answer = self.api.call(
            "CreateMultipartReadSetUpload", **{**request, "tags": tags}, clientToken=self.key
        )
        return str(answer["uploadId"])

    def send(
        self, upload_id: str, plan: Sequence[Part], parallel: int
    ) -> tuple[dict[tuple[str, int], str], int]:
        """Send the parts of ``plan`` the upload lacks, ``parallel`` at a time; every part's
        checksum (listed ones too) and how many were sent now."""
        sources = sorted({p.source for p in plan})
        listed = self.listed_parts(upload_id, sources)
        checksums = {key: str(item["checksum"]) for key, item in listed.items()}
        sizes = {key: int(item["partSize"]) for key, item in listed.items()}
        todo = missing_parts(plan, sizes)
        total = sum(p.length for p in plan)
        meter = Meter(total, total - sum(p.length for p in todo), self._monotonic)
        if listed:
            self.progress.say(
                f"resuming upload {upload_id}: {len(plan) - len(todo)} of {len(plan)} parts "
                f"there, sending {len(todo)}"
            )
        lock = threading.Lock()
        said = [self._monotonic()]

        def one(part: Part) -> None:
            if self._cancel.is_set():
                raise OmicsResourceError("cancelled while sending parts")
            with PartReader(part.path, part.offset, part.length) as body:
                answer = self.api.call(
                    "UploadReadSetPart",
                    sequenceStoreId=self.store,
                    uploadId=upload_id,
                    partSource=part.source,
                    partNumber=part.number,
                    payload=body,
                )
            meter.add(part.length)
            with lock:
                checksums[part.key] = str(answer["checksum"])
                now = self._monotonic()
                if now - said[0] >= _PROGRESS_SECONDS:
                    said[0] = now
                    self.progress.say(meter.line(), upload_id, status=True)

        if todo:
            with ThreadPoolExecutor(max(1, min(parallel, len(todo)))) as pool:
                futures = [pool.submit(one, part) for part in todo]
                done, _ = wait(futures, return_when=FIRST_EXCEPTION)
                failed = next((f for f in done if f.exception() is not None), None)
                if failed is not None:
                    self._cancel_rest(futures)
                    error = failed.exception()
                    sent = sum(
                        1 for f in futures if f.done() and not f.cancelled() and not f.exception()
                    )
                    raise OmicsResourceError(
                        f"upload {upload_id}: a part failed after {sent} of {len(todo)} were "
                        f"sent ({error}); the next `pulumi up` sends only the missing parts"
                    ) from error
            self.progress.say(meter.line(), upload_id)
        return checksums, len(todo)

    @staticmethod
    def _cancel_rest(futures: Sequence[Any]) -> None:
        for future in futures:
            future.cancel()

    def complete(self, upload_id: str, checksums: Mapping[tuple[str, int], str]) -> str:
        """Complete the upload with every part; the read set's id."""
        parts = [
            {"partSource": source, "partNumber": number, "checksum": checksum}
            for (source, number), checksum in sorted(checksums.items())
        ]
        answer = self.api.call(
            "CompleteMultipartReadSetUpload",
            sequenceStoreId=self.store,
            uploadId=upload_id,
            parts=parts,
        )
        return str(answer["readSetId"])
