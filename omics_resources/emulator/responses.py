"""HTTP for the HealthOmics API: route, parse, validate, call the backend, serialize.

Routes, member locations (URI, query string, body), types and success codes all come from
botocore's model of the service; validation from :mod:`omics_resources.core.service_model`.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

import botocore
from botocore.model import OperationModel, Shape, StructureShape
from werkzeug.wrappers import Request, Response

from omics_resources.core import service_model
from omics_resources.core.service_model import UPLOAD_PART_MAX_BYTES
from omics_resources.emulator import wire
from omics_resources.emulator.exceptions import (
    AccessDeniedException,
    EmulatorError,
    InternalServerException,
    RequestEntityTooLargeException,
    SerializationException,
    UnknownOperationException,
    ValidationException,
)
from omics_resources.emulator.faults import FaultInjector
from omics_resources.emulator.jobs import Started
from omics_resources.emulator.limits import budget_of
from omics_resources.emulator.models import OmicsBackend
from omics_resources.emulator.request_log import RequestLog
from omics_resources.emulator.roles import FreshRoles
from omics_resources.emulator.uploads import UPLOAD_OPERATIONS

__all__ = [
    "MAX_BODY_BYTES",
    "OPERATIONS",
    "REQUEST_ID_HEADER",
    "OmicsApi",
    "error_response",
    "signing_service",
]

#: The operations the emulator serves.
OPERATIONS = (
    "CreateSequenceStore",
    "GetSequenceStore",
    "ListSequenceStores",
    "DeleteSequenceStore",
    "StartReadSetImportJob",
    "GetReadSetImportJob",
    "ListReadSetImportJobs",
    "StartReadSetActivationJob",
    "GetReadSetActivationJob",
    "ListReadSetActivationJobs",
    "StartReadSetExportJob",
    "GetReadSetExportJob",
    "ListReadSetExportJobs",
    "GetReadSetMetadata",
    "ListReadSets",
    "BatchDeleteReadSet",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
    *UPLOAD_OPERATIONS,
    "CreateReferenceStore",
    "GetReferenceStore",
    "ListReferenceStores",
    "DeleteReferenceStore",
    "StartReferenceImportJob",
    "GetReferenceImportJob",
    "ListReferenceImportJobs",
    "GetReferenceMetadata",
    "ListReferences",
    "DeleteReference",
)
MAX_BODY_BYTES = 5 * 1024 * 1024
REQUEST_ID_HEADER = "x-amzn-RequestId"
_JSON_TYPES = ("application/json", "application/x-amz-json-1.0", "application/x-amz-json-1.1")
_CREDENTIAL = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/aws4_request")


def signing_service(request: Request) -> str | None:
    """The service a SigV4 request was signed for (None if unsigned)."""
    match = _CREDENTIAL.search(request.headers.get("Authorization", ""))
    return match.group(2) if match else None


def error_response(error: EmulatorError) -> Response:
    """An AWS REST-JSON error: the code in ``x-amzn-ErrorType``, the message in the body."""
    return Response(
        json.dumps({"message": error.message}),
        status=error.status,
        headers={"x-amzn-ErrorType": error.code},
        content_type="application/json",
    )


@dataclass(frozen=True)
class Route:
    """One operation's method and path pattern."""

    operation: OperationModel
    method: str
    pattern: re.Pattern[str]


def _routes(names: Iterable[str]) -> list[Route]:
    routes = []
    for name in names:
        model = service_model.operation_model(name)
        path = model.http["requestUri"].split("?")[0]
        regex = re.sub(r"\{(\w+)\+?\}", lambda m: f"(?P<{m.group(1)}>[^/]+)", path)
        routes.append(Route(model, model.http["method"], re.compile(regex)))
    return routes


def _streamed(model: OperationModel) -> str | None:
    """The member that is the request's streamed body (UploadReadSetPart's ``payload``)."""
    shape = model.input_shape
    name = shape.serialization.get("payload") if isinstance(shape, StructureShape) else None
    return name if name and shape is not None and shape.members[name].type_name == "blob" else None


def _json_default(value: Any) -> Any:
    raise TypeError(f"cannot serialize {type(value).__name__}")


def _coerce(shape: Shape, raw: str, name: str) -> Any:
    if shape.type_name in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise ValidationException(f"{name} must be a whole number, not {raw!r}") from None
    return raw


def _validation_message(violations: list[service_model.Violation]) -> str:
    parts = []
    for v in violations:
        where = ".".join(str(p) for p in v.path) if v.path else "request"
        where = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", where)
        shown = "null" if v.value is None else str(v.value)[:80]
        parts.append(f"Value '{shown}' at '{where}' failed to satisfy constraint: {v.rule}")
    count = len(parts)
    return f"{count} validation error{'s' * (count != 1)} detected: " + "; ".join(parts)


class OmicsApi:
    """The WSGI-level handler of HealthOmics requests."""

    def __init__(self, backend: OmicsBackend, faults: FaultInjector, log: RequestLog) -> None:
        self.backend = backend
        self.faults = faults
        self.log = log
        self.routes = _routes(OPERATIONS)
        self.roles = FreshRoles(backend.clock)

    def _route(self, request: Request) -> tuple[OperationModel, dict[str, str]]:
        # The raw path keeps %2F inside labels such as an ARN; PATH_INFO has it decoded.
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
        raw_path = raw.split("?")[0]
        for route in self.routes:
            match = route.pattern.fullmatch(raw_path)
            if match and route.method == request.method:
                return route.operation, {k: unquote(v) for k, v in match.groupdict().items()}
        raise UnknownOperationException(
            f"No operation at {request.method} {raw_path} (the emulator serves: "
            f"{', '.join(OPERATIONS)})"
        )

    def _params(
        self, request: Request, model: OperationModel, labels: dict[str, str]
    ) -> dict[str, Any]:
        shape = model.input_shape
        if not isinstance(shape, StructureShape):
            return {}
        streamed = _streamed(model)
        body = {} if streamed else self._body(request, model)
        query = parse_qs(request.query_string.decode(), keep_blank_values=True)
        params: dict[str, Any] = {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "uri" and wire_name in labels:
                params[name] = labels[wire_name]
            elif location == "querystring" and wire_name in query:
                values = query[wire_name]
                params[name] = (
                    values if member.type_name == "list" else _coerce(member, values[0], name)
                )
            elif location is None and name in body:
                params[name] = body[name]
            elif name == streamed:
                # Read by the backend in chunks, straight to disk (parts are up to 100 MB).
                params[name] = request.stream
        unknown = sorted(
            set(body)
            - {n for n, m in shape.members.items() if m.serialization.get("location") is None}
        )
        if unknown:
            raise SerializationException(
                f"Unknown field(s) in the request body: {', '.join(unknown)}"
            )
        return params

    def _body(self, request: Request, model: OperationModel) -> dict[str, Any]:
        data = request.get_data(cache=False)
        if not data:
            return {}
        content_type = (request.mimetype or "").lower()
        if content_type and content_type not in _JSON_TYPES:
            raise SerializationException(
                f"{model.name} takes a JSON body (Content-Type application/json), "
                f"not {request.mimetype}"
            )
        try:
            body = json.loads(data)
        except (ValueError, UnicodeDecodeError) as error:
            raise SerializationException(f"The request body is not valid JSON: {error}") from None
        if not isinstance(body, dict):
            raise SerializationException("The request body must be a JSON object")
        return body

    def __call__(self, request: Request) -> Response:
        """Answer one HealthOmics API request, logging it for the control API."""
        operation = "Unknown"
        entry: dict[str, Any] = {
            "time": self.backend.clock(),
            "budget": None,
            "error": None,
            "fault": False,
            "jobId": None,
            "newJob": False,
        }
        try:
            model, labels = self._route(request)
            operation = model.name
            entry["budget"] = budget_of(operation).name
            if signing_service(request) is None:
                raise AccessDeniedException(
                    "Missing Authentication Token: requests to the HealthOmics API must be "
                    "signed with SigV4"
                )
            length = request.content_length or 0
            limit = UPLOAD_PART_MAX_BYTES if _streamed(model) else MAX_BODY_BYTES
            if length > limit:
                raise RequestEntityTooLargeException(
                    f"Request body of {length} bytes exceeds the limit of {limit} bytes"
                )
            self.backend.limits.admit(operation)
            self.faults.check(operation)
            params = self._params(request, model, labels)
            violations = service_model.check_input(operation, params)
            params, unparsed = wire.parse(operation, params)
            if violations or unparsed:
                raise ValidationException(_validation_message(violations + unparsed))
            self.roles.check(operation, params, self.backend.behaviour)
            method: Callable[..., dict[str, Any] | Started] = getattr(
                self.backend, botocore.xform_name(operation)
            )
            if _streamed(model):
                entry["part"] = f"{params.get('partSource')}/{params.get('partNumber')}"
                params["length"] = length
            result = method(**params)
            if isinstance(result, Started):
                entry.update(jobId=result.job.id, newJob=result.created)
                result = result.job.summary()
            self.faults.check(operation, after=True)
            status = int(model.http.get("responseCode", 200))
            answer = wire.serialize(model.output_shape, result) or {}
            payload = json.dumps(answer, default=_json_default)
            response = Response(
                payload if status != 204 else b"", status=status, content_type="application/json"
            )
        except EmulatorError as error:
            entry.update(fault=error.injected, error=error.code)
            response = error_response(error)
        except Exception as error:
            failure = InternalServerException(f"Emulator error: {error!r}")
            entry["error"] = failure.code
            response = error_response(failure)
        # Every AWS answer names its request; botocore reads it into ResponseMetadata.
        request_id = str(uuid.uuid4())
        response.headers[REQUEST_ID_HEADER] = request_id
        self.log.add(
            {"operation": operation, "status": response.status_code, "requestId": request_id}
            | entry
        )
        return response
