"""The exported objects in S3: what a refresh compares with the state, what destroy may
delete.

HealthOmics writes each read set's files under ``<destination><readSetId>/`` (the emulator
does; docs/emulator.md says what we assumed of the names inside), so one ListObjectsV2 walk
of the destination prefix (1,000 keys a call) finds every read set's objects: a refresh of
any number of read sets costs a call per 1,000 objects, not a HEAD each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["S3_DELETE_MAX_KEYS", "Destination", "missing_objects"]

#: DeleteObjects takes at most this many keys per call (S3's limit).
S3_DELETE_MAX_KEYS = 1000
# Keys of one read set are listed below "<prefix><readSetId>/": a page budget per 1,000.
_MAX_PAGES = 10_000
_DESTINATION = re.compile(r"s3://([^/]+)/?(.*)")


@dataclass(frozen=True)
class Destination:
    """``s3://bucket/prefix/`` as a bucket and a key prefix (empty, or ending in ``/``)."""

    bucket: str
    prefix: str

    @classmethod
    def parse(cls, uri: str) -> Destination:
        """The bucket and prefix of an export destination (checked by the model first)."""
        match = _DESTINATION.fullmatch(uri)
        if match is None:
            raise ValueError(f"not an S3 destination: {uri!r}")
        prefix = match.group(2).strip("/")
        return cls(match.group(1), f"{prefix}/" if prefix else "")

    def uri(self, key: str) -> str:
        """The S3 URI of one key of the bucket."""
        return f"s3://{self.bucket}/{key}"

    def owner(self, uri: str) -> str | None:
        """The read set an exported object's URI belongs to (its folder under the prefix)."""
        head = f"s3://{self.bucket}/{self.prefix}"
        if not uri.startswith(head):
            return None
        folder, sep, _ = uri[len(head) :].partition("/")
        return folder if sep and folder else None

    def objects(self, s3: Any, wanted: Iterable[str]) -> dict[str, list[str]]:
        """Each wanted read set's objects under the destination now (URIs, sorted); read
        sets with none are left out. One walk of the prefix, bounded in pages."""
        wanted_ids = set(wanted)
        found: dict[str, list[str]] = {}
        token: str | None = None
        for _ in range(_MAX_PAGES):
            extra = {"ContinuationToken": token} if token else {}
            page = s3.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, **extra)
            for item in page.get("Contents") or []:
                uri = self.uri(str(item["Key"]))
                owner = self.owner(uri)
                if owner in wanted_ids:
                    found.setdefault(str(owner), []).append(uri)
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                break
        return {k: sorted(v) for k, v in found.items()}

    def delete(self, s3: Any, uris: Iterable[str], say: Callable[[str], None]) -> int:
        """Delete these objects (DeleteObjects, 1,000 a call); how many S3 deleted."""
        head = f"s3://{self.bucket}/"
        keys = [u[len(head) :] for u in uris if u.startswith(head)]
        deleted = 0
        for start in range(0, len(keys), S3_DELETE_MAX_KEYS):
            chunk = keys[start : start + S3_DELETE_MAX_KEYS]
            answer = s3.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True}
            )
            errors = answer.get("Errors") or []
            deleted += len(chunk) - len(errors)
            for error in errors:
                say(f"could not delete {self.uri(str(error.get('Key')))}: {error.get('Message')}")
        return deleted


def missing_objects(
    recorded: Mapping[str, Any], present: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """The recorded objects (``object_uris`` of the state) not present now, by read set."""
    missing: dict[str, list[str]] = {}
    for read_set_id, uris in recorded.items():
        if not isinstance(uris, list):
            continue
        gone = sorted(set(map(str, uris)) - set(present.get(read_set_id, [])))
        if gone:
            missing[read_set_id] = gone
    return missing
