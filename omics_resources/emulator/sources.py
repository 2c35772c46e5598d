"""What the sources of a Start* request become: import sources are read from S3 and checked
when the job starts, activation sources are looked up among the read sets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from omics_resources.core.service_model import FILE_TYPES_NEEDING_REFERENCE
from omics_resources.emulator.entities import ReadSet, ReadSetStatus
from omics_resources.emulator.etags import etag
from omics_resources.emulator.exceptions import ValidationException
from omics_resources.emulator.jobs import JobSource
from omics_resources.emulator.lifecycle import Durations, content_problem
from omics_resources.emulator.s3 import S3Objects

__all__ = ["activation_sources", "check_import_request", "import_sources"]


def check_import_request(items: list[dict[str, Any]]) -> None:
    """What the model cannot say but the service refuses at Start: aligned reads without
    their reference."""
    for index, item in enumerate(items):
        file_type = item["sourceFileType"]
        if file_type in FILE_TYPES_NEEDING_REFERENCE and not item.get("referenceArn"):
            raise ValidationException(
                f"sources[{index}].referenceArn is required for {file_type} sources"
            )


def _import_source(
    item: dict[str, Any],
    starts: float,
    s3: S3Objects,
    durations: Durations,
    etag_family: str,
    *,
    reference_exists: Callable[[str], bool],
) -> JobSource:
    source = JobSource(request=item, ends=starts)
    reference = str(item.get("referenceArn") or "")
    if item["sourceFileType"] in FILE_TYPES_NEEDING_REFERENCE and not reference_exists(reference):
        # The service aligns against the reference: one it does not have fails the source.
        source.failure = f"Reference {reference} not found"
        source.ends = starts + durations.importing(0)
        return source
    files = [item["sourceFiles"]["source1"], item["sourceFiles"].get("source2")]
    contents = []
    for uri in filter(None, files):
        data = s3.read(uri)
        if data is None:
            source.failure = f"S3 object {uri} not found"
            break
        problem = content_problem(item["sourceFileType"], data)
        if problem is not None:
            source.failure = f"{uri}: {problem}"
            break
        contents.append(data)
        source.size += len(data)
        source.reads += data.count(b"\n@") + data.startswith(b"@")
    if source.failure is None:
        source.etag = etag(item["sourceFileType"], etag_family, contents)
    source.ends = starts + durations.importing(source.size)
    return source


def import_sources(
    items: list[dict[str, Any]],
    starts: float,
    *,
    s3: S3Objects,
    durations: Durations,
    new_read_set_id: Callable[[], str],
    etag_family: str,
    reference_exists: Callable[[str], bool],
) -> list[JobSource]:
    """The sources of an import job that starts processing at ``starts``: each one that
    will succeed is given the id of the read set it becomes, and its ETag (hashed with the
    store's ``etag_family``) from the content read now. BAM and CRAM need their
    ``referenceArn`` to name a reference ``reference_exists`` knows."""
    built = []
    for item in items:
        source = _import_source(
            item, starts, s3, durations, etag_family, reference_exists=reference_exists
        )
        if source.failure is None:
            source.read_set_id = new_read_set_id()
        built.append(source)
    return built


def activation_sources(
    items: list[dict[str, Any]],
    starts: float,
    *,
    store_id: str,
    read_sets: Mapping[str, ReadSet],
    durations: Durations,
) -> list[JobSource]:
    """The sources of an activation job. A read set that is already ACTIVE finishes at once
    as a no-op; one that does not exist fails its source (our documented choice)."""
    built = []
    for item in items:
        read_set_id = item["readSetId"]
        source = JobSource(
            request=item, ends=starts + durations.activating(), read_set_id=read_set_id
        )
        read_set = read_sets.get(read_set_id)
        if (
            read_set is None
            or read_set.store_id != store_id
            or read_set.status in (ReadSetStatus.DELETED, ReadSetStatus.DELETING)
        ):
            source.failure = f"Read set {read_set_id} not found"
        elif read_set.status in (ReadSetStatus.ACTIVE, ReadSetStatus.ACTIVATING):
            source.ends = starts
            source.message = "Read set is already active"
        built.append(source)
    return built
