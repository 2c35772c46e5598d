"""S3 on the emulator's endpoint, served by moto in the same process.

Import sources are read straight from moto's in-process S3 backend, so an object that a
client uploaded with ``boto3.client("s3", endpoint_url=URL)`` is what a job then reads.
Buckets and objects go into the state file too (base64: the emulator serves test-sized
files), so a restarted emulator still has the sources of the jobs it remembers.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from typing import Any

from moto.moto_server.werkzeug_app import create_backend_app
from moto.s3.models import s3_backends

__all__ = ["ACCOUNT_ID", "S3Objects", "s3_app"]

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
_S3_URI = re.compile(r"s3://([^/]+)/(.+)")


def s3_app() -> Any:
    """moto's S3 WSGI application."""
    return create_backend_app("s3")


class S3Objects:
    """Reads objects from moto's S3 backend (the default account)."""

    def _backend(self) -> Any:
        return s3_backends[ACCOUNT_ID]["aws"]

    def read(self, uri: str) -> bytes | None:
        """The object's bytes, or None when the bucket or key does not exist."""
        match = _S3_URI.fullmatch(uri)
        if match is None:
            return None
        try:
            key = self._backend().get_object(match.group(1), match.group(2))
        except Exception:
            return None
        return None if key is None else bytes(key.value)

    def put_many(self, bucket: str, objects: Iterable[tuple[str, bytes]]) -> int:
        """Write ``(key, content)`` pairs into ``bucket`` (created if missing) straight into
        moto's backend, as PUTs would; how many were written."""
        backend = self._backend()
        if bucket not in backend.buckets:
            backend.create_bucket(bucket, REGION)
        written = 0
        for key, data in objects:
            # No event notifications: nothing listens to them here, and they cost time.
            backend.put_object(bucket, key, data, disable_notification=True)
            written += 1
        return written

    def dump(self) -> dict[str, dict[str, str]]:
        """Every bucket with its objects' current bytes (base64), as JSON-ready data."""
        buckets = dict(self._backend().buckets)
        return {
            name: {
                key: base64.b64encode(bytes(obj.value)).decode("ascii")
                for key, obj in bucket.keys.items()
            }
            for name, bucket in buckets.items()
        }

    def load(self, saved: dict[str, dict[str, str]]) -> None:
        """Recreate the buckets and objects that :meth:`dump` wrote (existing ones stay)."""
        backend = self._backend()
        for name, objects in saved.items():
            if name not in backend.buckets:
                backend.create_bucket(name, REGION)
            for key, data in objects.items():
                backend.put_object(name, key, base64.b64decode(data))

    def reset(self) -> None:
        """Forget every bucket and object."""
        self._backend().reset()
