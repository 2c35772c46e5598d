"""The HealthOmics API's own constraints, read from botocore's service model.

Both the providers (to reject bad input at preview) and the local emulator (to answer
``ValidationException`` as the service does) check requests against the same shapes,
so neither hand-copies a length, a pattern or an enum. This module knows nothing of
either of them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import botocore.session
import regex
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

__all__ = [
    "FILE_TYPES_NEEDING_REFERENCE",
    "FILE_TYPES_WITH_SOURCE2",
    "SERVICE_NAME",
    "UPLOAD_PART_MAX_BYTES",
    "JobOutcomes",
    "Violation",
    "check_input",
    "check_value",
    "job_outcomes",
    "matches_pattern",
    "operation_model",
    "service_model",
]

SERVICE_NAME = "omics"

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (member names as the API spells them, and list indexes),
    the offending value, and the rule as the service states it. A broken pattern also
    carries the model's raw ``pattern``, for callers that explain it in their own words."""

    path: Path
    value: Any
    rule: str
    pattern: str | None = None


@functools.cache
def service_model() -> ServiceModel:
    """botocore's model of the ``omics`` service (loaded once per process)."""
    return botocore.session.get_session().get_service_model(SERVICE_NAME)


@functools.cache
def operation_model(name: str) -> OperationModel:
    """The model of one operation, e.g. ``StartReadSetImportJob``."""
    return service_model().operation_model(name)


@dataclass(frozen=True)
class JobOutcomes:
    """What a job's status means, as botocore's waiter for the job kind says: ``success``
    ends the wait well, ``failure`` ends it badly, ``pending`` keeps it going."""

    success: frozenset[str]
    failure: frozenset[str]
    pending: frozenset[str]

    @property
    def terminal(self) -> frozenset[str]:
        """Statuses a job never leaves."""
        return self.success | self.failure


#: The waiter that says what each job kind's statuses mean, by its Get operation.
_WAITER_OF_GET_OPERATION = {
    "GetReadSetImportJob": "ReadSetImportJobCompleted",
    "GetReadSetActivationJob": "ReadSetActivationJobCompleted",
    "GetReadSetExportJob": "ReadSetExportJobCompleted",
    "GetReferenceImportJob": "ReferenceImportJobCompleted",
}


@functools.cache
def job_outcomes(get_operation: str) -> JobOutcomes:
    """The meaning of each status of the job that ``get_operation`` reads, from botocore's
    waiter model (``waiters-2.json``); raises if the waiter changed shape (an acceptor
    that is not a plain ``status`` match), rather than guess."""
    name = _WAITER_OF_GET_OPERATION[get_operation]
    waiter = botocore.session.get_session().get_waiter_model(SERVICE_NAME).get_waiter(name)
    found: dict[str, set[str]] = {"success": set(), "failure": set(), "retry": set()}
    for acceptor in waiter.acceptors:
        if acceptor.matcher != "path" or acceptor.argument != "status":
            raise ValueError(f"{name}: unexpected acceptor {acceptor.explanation}")
        found[acceptor.state].add(str(acceptor.expected))
    return JobOutcomes(
        success=frozenset(found["success"]),
        failure=frozenset(found["failure"]),
        pending=frozenset(found["retry"]),
    )


# What the model cannot say: aligned reads (BAM, CRAM) need their reference genome, and only
# FASTQ comes as a pair of files. The service enforces both at Start (the emulator too).
FILE_TYPES_NEEDING_REFERENCE = frozenset({"BAM", "CRAM"})
FILE_TYPES_WITH_SOURCE2 = frozenset({"FASTQ"})
#: UploadReadSetPart's payload is at most 100 MB (developer guide, "Direct upload to a
#: sequence store"; the model says only that it is streamed): read as MiB, as the guide's
#: own TransferManager sends 100 MiB parts.
UPLOAD_PART_MAX_BYTES = 100 * 1024 * 1024


@functools.cache
def file_types() -> frozenset[str]:
    """Every ``sourceFileType`` the model knows (FASTQ, BAM, CRAM, UBAM)."""
    return frozenset(service_model().shape_for("FileType").metadata["enum"])


@functools.cache
def _compiled(pattern: str) -> regex.Pattern[str]:
    # The model's patterns use \p{..} classes, which only the `regex` package knows.
    return regex.compile(pattern)


def matches_pattern(pattern: str, value: str) -> bool:
    """Whether ``value`` satisfies a pattern of the model. Smithy patterns are not anchored,
    but the service rejects partial matches (e.g. a store id "12345678901x"), so the whole
    value must match."""
    return _compiled(pattern).fullmatch(value) is not None


def _kind(value: Any) -> str:
    return type(value).__name__


def check_value(
    shape: Shape,
    value: Any,
    path: Path = (),
    *,
    skip: Callable[[Any], bool] = lambda _v: False,
) -> list[Violation]:
    """Every violation of ``shape``'s constraints by ``value``.

    ``skip`` marks values that cannot be judged yet (Pulumi's unknowns at preview):
    they and everything below them pass.
    """
    if skip(value):
        return []
    meta = shape.metadata
    if isinstance(shape, StructureShape):
        return _check_structure(shape, value, path, skip)
    if isinstance(shape, ListShape):
        if not isinstance(value, Sequence) or isinstance(value, str | bytes):
            return [Violation(path, value, f"must be a list, not {_kind(value)}")]
        found = _check_size(meta, len(value), path, value, "item")
        for index, item in enumerate(value):
            found += check_value(shape.member, item, (*path, index), skip=skip)
        return found
    if isinstance(shape, MapShape):
        if not isinstance(value, Mapping):
            return [Violation(path, value, f"must be a map of strings, not {_kind(value)}")]
        found = []
        for key, item in value.items():
            found += check_value(shape.key, key, (*path, str(key)), skip=skip)
            found += check_value(shape.value, item, (*path, str(key)), skip=skip)
        return found
    if shape.type_name == "string":
        return _check_string(shape, value, path)
    return []


def _check_structure(
    shape: StructureShape, value: Any, path: Path, skip: Callable[[Any], bool]
) -> list[Violation]:
    if not isinstance(value, Mapping):
        return [Violation(path, value, f"must be an object, not {_kind(value)}")]
    found: list[Violation] = []
    for name in shape.required_members:
        if value.get(name) is None:
            found.append(Violation((*path, name), None, "is required"))
    for name, item in value.items():
        member = shape.members.get(name)
        if member is None:
            found.append(Violation((*path, name), item, "is not a known field"))
        elif item is not None:
            found += check_value(member, item, (*path, name), skip=skip)
    return found


def _check_size(
    meta: Mapping[str, Any], size: int, path: Path, value: Any, unit: str
) -> list[Violation]:
    low, high = meta.get("min"), meta.get("max")
    if low is not None and size < low:
        return [Violation(path, value, f"must have at least {low} {unit}{'s' * (low != 1)}")]
    if high is not None and size > high:
        return [Violation(path, value, f"must have at most {high} {unit}{'s' * (high != 1)}")]
    return []


def _check_string(shape: Shape, value: Any, path: Path) -> list[Violation]:
    if not isinstance(value, str):
        return [Violation(path, value, f"must be a string, not {_kind(value)}")]
    meta = shape.metadata
    enum = meta.get("enum")
    if enum and value not in enum:
        return [Violation(path, value, f"must be one of {', '.join(enum)}")]
    found = _check_size(meta, len(value), path, value, "character")
    pattern = meta.get("pattern")
    # A value of the wrong length is reported once, not also as a pattern mismatch.
    if not found and pattern and not matches_pattern(pattern, value):
        found.append(Violation(path, value, f"must match the pattern {pattern}", pattern))
    return found


def check_input(
    operation: str,
    params: Mapping[str, Any],
    *,
    skip: Callable[[Any], bool] = lambda _v: False,
) -> list[Violation]:
    """Every violation of ``operation``'s input shape by ``params`` (URI and body members)."""
    shape = operation_model(operation).input_shape
    if shape is None:
        return []
    return check_value(shape, params, skip=skip)
