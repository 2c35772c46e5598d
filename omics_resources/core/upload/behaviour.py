"""``ReadSetUpload``'s behaviour: one read set from one or two local files, sent with the
multipart upload API (no S3 staging).

The read set's identity is its files' content (SHA-256 each, see
:func:`~omics_resources.core.upload.plan.file_digest`): diff replaces the resource when a
file's content changed, whatever its path, and keeps the old read set unless
``delete_read_set_on_destroy``. Create first looks for what an earlier run left (a
completed read set with the upload's key, or its open upload) and so never sends a part
twice across kills, never makes a second read set and never leaves an upload open behind
(see :mod:`omics_resources.core.upload.session`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import botocore.exceptions

from omics_resources.core import fields, limits
from omics_resources.core.account import aws
from omics_resources.core.errors import InvalidInputError, OmicsResourceError
from omics_resources.core.fields import Change
from omics_resources.core.jobs.import_job import delete_read_sets
from omics_resources.core.resource import (
    SCOPE_PROPERTY,
    Checked,
    Created,
    Diff,
    Props,
    Read,
    ResourceBehaviour,
    plain_inputs,
    resource_name,
    with_defaults,
)
from omics_resources.core.service_model import (
    FILE_TYPES_NEEDING_REFERENCE,
    FILE_TYPES_WITH_SOURCE2,
    UPLOAD_PART_MAX_BYTES,
)
from omics_resources.core.upload.fields import KEY_TAG, OPERATION, OUTPUTS, OWNER_TAG, UPLOAD_FIELDS
from omics_resources.core.upload.plan import SOURCES, file_digest, plan_parts
from omics_resources.core.upload.session import UploadSession, owner_key, upload_key
from omics_resources.core.validation import Problem, api_problems, is_unknown, setting_problems
from omics_resources.core.watch.polling import Poller, PollTimeoutError

__all__ = ["ReadSetUploadBehaviour", "parse_resource_id", "resource_id"]

_SETTINGS = fields.settings(UPLOAD_FIELDS)
_OURS = (KEY_TAG, OWNER_TAG)


def resource_id(store: str, read_set_id: str) -> str:
    """``<sequenceStoreId>/<readSetId>``."""
    return f"{store}/{read_set_id}"


def parse_resource_id(id_: str) -> tuple[str, str]:
    """Split ``<sequenceStoreId>/<readSetId>``; ValueError naming the form."""
    store, sep, read_set = id_.partition("/")
    if not (sep and store.isdigit() and read_set.isdigit()):
        raise ValueError(f"resource id {id_!r} is not of the form <sequenceStoreId>/<readSetId>")
    return store, read_set


def _files(props: Mapping[str, Any]) -> dict[str, str]:
    """The declared files by property (``source1``, and ``source2`` if set)."""
    return {name: str(props[name]) for name in SOURCES if isinstance(props.get(name), str)}


def _digests(props: Mapping[str, Any]) -> dict[str, str] | None:
    """Each file's SHA-256, or None while a path is unknown or a file is missing."""
    if any(is_unknown(props.get(name)) for name in SOURCES):
        return None
    files = _files(props)
    if not all(os.path.isfile(path) for path in files.values()):
        return None
    return {name: file_digest(path) for name, path in files.items()}


class ReadSetUploadBehaviour(ResourceBehaviour):
    """``ReadSetUpload``: every engine call, over plain dicts (see the module)."""

    type_name = "ReadSetUpload"
    summary = (
        "One read set uploaded from one or two local files (a FASTQ pair, a BAM, CRAM or "
        "uBAM) straight into a sequence store, with no S3 staging. The files' content is its "
        "identity: a changed file is a new read set (the old one kept unless "
        "``delete_read_set_on_destroy``). Parts are read as streams and sent side by side "
        "within the account's rates; an interrupted upload resumes where it stopped."
    )
    fields = UPLOAD_FIELDS
    outputs = OUTPUTS
    operation = OPERATION

    # -- engine calls ---------------------------------------------------------------------

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Fill in defaults and report every problem with the inputs; no AWS call."""
        inputs = with_defaults(_SETTINGS, news)
        return Checked(inputs, self.problems(inputs))

    def problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """CreateMultipartReadSetUpload's rules (botocore's model), the files (there, not
        empty, a second one only for FASTQ, at most 10,000 parts each), the part size (at
        most 100 MiB) and the settings."""
        request = fields.to_api(UPLOAD_FIELDS, props)
        found = api_problems(OPERATION, request, lambda p: fields.property_path(UPLOAD_FIELDS, p))
        found += setting_problems(_SETTINGS, props)
        kind = props.get("source_file_type")
        if kind in FILE_TYPES_NEEDING_REFERENCE and props.get("reference_arn") is None:
            found.append(Problem("reference_arn", None, f"is required for {kind} read sets"))
        if props.get("source1") is None:
            found.append(Problem("source1", None, "is required: the path of the file to upload"))
        source2 = props.get("source2")
        if source2 is not None and isinstance(kind, str) and kind not in FILE_TYPES_WITH_SOURCE2:
            found.append(Problem("source2", source2, f"is only for FASTQ, not {kind}"))
        size = _whole(props.get("part_size"))
        if size is not None and size > UPLOAD_PART_MAX_BYTES:
            found.append(
                Problem("part_size", size, f"must be at most {UPLOAD_PART_MAX_BYTES} (100 MiB)")
            )
        for name, path in _files(props).items():
            if is_unknown(path):
                continue
            if not os.path.isfile(path):
                found.append(Problem(name, path, "must be a file that exists"))
            elif size is not None and 0 < size <= UPLOAD_PART_MAX_BYTES:
                try:
                    plan_parts({SOURCES[name]: (path, os.path.getsize(path))}, size)
                except ValueError as error:
                    found.append(Problem(name, path, str(error)))
        return found

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Replace for another store, other metadata or other file content (read locally, no
        API call); update in place for tags and our settings (a moved file is a setting)."""
        replaces = fields.changed_fields(UPLOAD_FIELDS, olds, news, Change.REPLACE)
        digests = _digests(news)
        before = olds.get("content_digest")
        if digests is None or not isinstance(before, Mapping):
            replaces += [n for n in SOURCES if olds.get(n) != news.get(n) and n not in replaces]
        else:
            replaces += [n for n in SOURCES if digests.get(n) != before.get(n)]
        updates = [
            name
            for name in (
                *fields.changed_fields(UPLOAD_FIELDS, olds, news, Change.UPDATE),
                *fields.changed_fields(UPLOAD_FIELDS, olds, news, Change.SETTING),
            )
            if name not in replaces
        ]
        return Diff(changes=bool(replaces or updates), replaces=replaces, updates=updates)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Upload the files (resuming an open upload of the same content), complete, and
        wait for the read set to be ACTIVE (with ``wait``)."""
        resource = resource_name(props, "read set upload")
        problems = self.problems(props)
        if problems:
            raise InvalidInputError(resource, problems)
        store = str(props["sequence_store_id"])
        files = _files(props)
        digests = {name: file_digest(path) for name, path in files.items()}
        request = fields.to_api(UPLOAD_FIELDS, props)
        part_size = int(props["part_size"])
        scope = props.get(SCOPE_PROPERTY)
        key = upload_key(scope, request, digests, part_size)
        api = self.runtime.scheduler().api
        progress = self.runtime.progress(resource, "upload")
        session = UploadSession(
            api,
            store,
            key,
            owner_key(scope),
            progress,
            monotonic=self.runtime.clock.monotonic,
            cancel=self.runtime.cancel,
        )
        plan = plan_parts(
            {SOURCES[n]: (path, os.path.getsize(path)) for n, path in files.items()}, part_size
        )
        read_set_id = session.completed(request)
        upload_id: str | None = None
        sent = 0
        if read_set_id is not None:
            progress.say(f"read set {read_set_id} was uploaded by an earlier run")
        else:
            upload_id = session.open_upload() or session.create(request)
            checksums, sent = session.send(upload_id, plan, int(props["parallel_parts"]))
            read_set_id = session.complete(upload_id, checksums)
            progress.say(f"completed upload {upload_id}: read set {read_set_id}")
        meta = self._settled(store, read_set_id, props, progress.resource)
        outs = plain_inputs(props)
        outs.update(
            content_digest=digests,
            size_bytes=sum(p.length for p in plan),
            part_count=len(plan),
            parts_sent=sent,
            upload_id=upload_id,
        )
        outs.update(_read_set_outputs(meta))
        return Created(resource_id(store, read_set_id), outs)

    def read(self, id_: str, props: Mapping[str, Any]) -> Read:
        """The read set's status now; gone (id None) when it was deleted."""
        store, read_set_id = parse_resource_id(id_)
        meta = self._metadata(store, read_set_id)
        if meta is None:
            return Read(None, {})
        outs = dict(props)
        outs.update(_read_set_outputs(meta))
        return Read(id_, outs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
        """Tags changed in place on the read set; settings stored. Every output."""
        outs = dict(olds)
        outs.update(plain_inputs(news))
        old_tags = dict(olds.get("tags") or {})
        new_tags = dict(news.get("tags") or {})
        arn = olds.get("read_set_arn")
        if old_tags != new_tags and isinstance(arn, str):
            api = self.runtime.scheduler().api
            gone = [k for k in old_tags if k not in new_tags and k not in _OURS]
            if gone:
                api.call("UntagResource", resourceArn=arn, tagKeys=gone)
            if new_tags:
                api.call("TagResource", resourceArn=arn, tags=new_tags)
        return outs

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Keep the read set, unless ``delete_read_set_on_destroy``."""
        store, read_set_id = parse_resource_id(id_)
        progress = self.runtime.progress(resource_name(props, id_), "read set")
        if not props.get("delete_read_set_on_destroy"):
            progress.say(f"kept {read_set_id} (delete_read_set_on_destroy is false)")
            return
        errors = delete_read_sets(self.runtime.scheduler().api, store, [read_set_id])
        if errors:
            raise OmicsResourceError(f"{id_}: could not delete: {'; '.join(errors)}")
        progress.say(f"deleted {read_set_id}")

    # -- helpers --------------------------------------------------------------------------

    def _metadata(self, store: str, read_set_id: str) -> Props | None:
        api = self.runtime.scheduler().api
        try:
            return api.call("GetReadSetMetadata", sequenceStoreId=store, id=read_set_id)
        except botocore.exceptions.ClientError as error:
            if aws.error_code(error) == limits.NOT_FOUND_ERROR_CODE:
                return None
            raise

    def _settled(self, store: str, read_set_id: str, props: Mapping[str, Any], who: str) -> Props:
        """The read set's metadata once processed (ACTIVE), without waiting unless ``wait``;
        UPLOAD_FAILED is an error naming the service's message."""
        api = self.runtime.scheduler().api

        def probe() -> Props | None:
            meta = api.call("GetReadSetMetadata", sequenceStoreId=store, id=read_set_id)
            return meta if meta.get("status") != "PROCESSING_UPLOAD" else None

        if props.get("wait") is False:
            return api.call("GetReadSetMetadata", sequenceStoreId=store, id=read_set_id)
        poller = Poller(
            self.runtime.policy(float(props["wait_timeout"])),
            clock=self.runtime.clock,
            cancel=self.runtime.cancel,
            is_transient=api.is_transient,
        )
        try:
            meta = poller.run(probe)
        except PollTimeoutError as error:
            raise OmicsResourceError(
                f"{who}: read set {read_set_id} still PROCESSING_UPLOAD after "
                f"{error.state.elapsed:.0f} s"
            ) from error
        if meta.get("status") == "UPLOAD_FAILED":
            raise OmicsResourceError(
                f"{who}: read set {read_set_id} is UPLOAD_FAILED: {meta.get('statusMessage')}"
            )
        return meta


def _whole(value: Any) -> int | None:
    """A whole number the engine may carry as a float (4.0), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None


def _read_set_outputs(meta: Mapping[str, Any]) -> Props:
    return {
        "read_set_id": meta.get("id"),
        "read_set_arn": meta.get("arn"),
        "status": meta.get("status"),
        "status_message": meta.get("statusMessage"),
    }
