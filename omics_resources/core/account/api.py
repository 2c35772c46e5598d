"""The HealthOmics calls the providers make, in one object: each call waits for its turn
under the rate limiter (which slows a budget the service throttles), lists are read page by
page as botocore's paginator model says, and an endpoint that has never answered is told
apart from a service that is busy.

Everything that decides (when to start, how long to wait, what a status means) lives
elsewhere; this module only talks to the service.
"""

from __future__ import annotations

import functools
import random
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

import botocore
import botocore.exceptions
import botocore.session

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.attempts import hear_attempts, paced_by
from omics_resources.core.account.quota_gate import QuotaGate
from omics_resources.core.account.ratelimit import RateLimiter
from omics_resources.core.errors import EndpointUnreachableError, RoleNotAssumableError
from omics_resources.core.service_model import SERVICE_NAME
from omics_resources.core.watch.polling import Clock, SystemClock

__all__ = ["JobOperations", "OmicsApi", "ReadSetInfo"]

Props = dict[str, Any]

#: At most this many read sets are looked up one GetReadSetMetadata each; more are read
#: from ListReadSets pages (100 a call), so a refresh of 100 read sets costs a few calls.
READ_SET_GET_LIMIT = 5
# Errors of the transport, not of the service: nothing answered.
_NO_ANSWER_ERRORS = (
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ConnectTimeoutError,
    botocore.exceptions.ProxyConnectionError,
)


class ReadSetInfo(TypedDict):
    """What we learn of one read set: ``status`` (DELETED if gone), ``arn`` (if known) and
    ``etag`` (the service's digest of its content: ``algorithm``, ``source1``, ``source2``;
    None when not given)."""

    status: str
    arn: str | None
    etag: Mapping[str, Any] | None


@dataclass(frozen=True)
class JobOperations:
    """The three operations of one job kind, and the request member naming its store."""

    start: str
    get: str
    list: str
    store: str = "sequenceStoreId"


@functools.cache
def _paging(operation: str) -> tuple[str, str, str, int]:
    """(input token, output token, result key, page size) from botocore's paginator model."""
    session = botocore.session.get_session()
    config = session.get_paginator_model(SERVICE_NAME).get_paginator(operation)
    shape = session.get_service_model(SERVICE_NAME).operation_model(operation).input_shape
    assert shape is not None, operation
    limit = int(shape.members[config["limit_key"]].metadata["max"])
    return config["input_token"], config["output_token"], config["result_key"], limit


class OmicsApi:
    """HealthOmics as the providers use it: ``client`` builds (or returns the cached) boto3
    client, ``limiter`` paces every call (each of botocore's retries too) and hears every
    throttled attempt (:mod:`omics_resources.core.account.attempts`), ``clock`` times how long an
    endpoint has been silent, ``cancel`` ends a wait for a turn. It also holds what the
    process learns of the service's job quota: one :class:`QuotaGate` per Start operation
    (``rng`` draws their waits)."""

    def __init__(
        self,
        client: Callable[[], Any],
        limiter: RateLimiter,
        *,
        clock: Clock | None = None,
        cancel: threading.Event | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self.limiter = limiter
        self._clock = clock or SystemClock()
        self._cancel = cancel
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._answered = False
        self._silent_since: float | None = None
        self._gates: dict[str, QuotaGate] = {}
        self._store_uris: dict[str, str | None] = {}

    def quota_gate(self, start_operation: str) -> QuotaGate:
        """The line of this process's Starts of one job kind, shared by every create that
        uses this object (:mod:`omics_resources.core.account.quota_gate`)."""
        with self._lock:
            gate = self._gates.get(start_operation)
            if gate is None:
                gate = self._gates[start_operation] = QuotaGate(self._clock, self._rng)
            return gate

    def call(self, operation: str, **params: Any) -> Props:
        """One call of ``operation`` (e.g. ``GetReadSetImportJob``), in its turn."""
        self.limiter.acquire(operation, self._cancel)
        return self._send(operation, params)

    def call_if_idle(self, operation: str, **params: Any) -> Props | None:
        """The call only if its budget has a request to spare right now, else None: for
        details nobody waits on (progress counts), never at the expense of Starts."""
        if not self.limiter.try_acquire(operation):
            return None
        return self._send(operation, params)

    def _send(self, operation: str, params: Mapping[str, Any]) -> Props:
        client = self._client()
        hear_attempts(client)
        began = self._clock.monotonic()
        try:
            with paced_by(self.limiter, self._cancel):
                answer = dict(getattr(client, botocore.xform_name(operation))(**params))
        except _NO_ANSWER_ERRORS as error:
            self._no_answer(client, error, began)
            raise
        except botocore.exceptions.ClientError:
            self._heard()
            raise
        self._heard()
        return answer

    def pages(self, operation: str, **params: Any) -> Iterator[list[Props]]:
        """The items of a list operation, a full page per call, as long as the caller reads."""
        return self._pages(operation, params, first_paid=False)

    def _pages(
        self, operation: str, params: Mapping[str, Any], *, first_paid: bool
    ) -> Iterator[list[Props]]:
        """:meth:`pages`; ``first_paid``: the first call's turn was taken already."""
        input_token, output_token, result_key, limit = _paging(operation)
        token: str | None = None
        while True:
            extra = {input_token: token} if token else {}
            if first_paid and token is None:
                answer = self._send(operation, {"maxResults": limit, **params})
            else:
                answer = self.call(operation, maxResults=limit, **params, **extra)
            yield list(answer.get(result_key) or [])
            token = answer.get(output_token)
            if not token:
                return

    def is_transient(self, error: BaseException) -> bool:
        """Whether another try may succeed: throttling, 5xx, 408, and dropped connections
        from an endpoint that has answered before. One that never has is given
        :data:`limits.NO_ANSWER_GIVE_UP_SECONDS`, then :class:`EndpointUnreachableError`."""
        if isinstance(error, EndpointUnreachableError):
            return False
        return aws.is_transient_error(error)

    # -- jobs -------------------------------------------------------------------------------

    def start_job(self, operations: JobOperations, request: Mapping[str, Any], token: str) -> Props:
        """Start a job (or, with a token already used, get the job it started). A role the
        service cannot assume yet (a new one, while IAM propagates it) is tried again with
        backoff for :data:`~omics_resources.core.limits.ROLE_PROPAGATION_SECONDS`, then the
        refusal is a :class:`RoleNotAssumableError` naming the role."""
        role = str(request.get("roleArn") or "")
        began = self._clock.monotonic()
        delay = limits.ROLE_RETRY_FIRST_SECONDS
        while True:
            try:
                return self.call(operations.start, **request, clientToken=token)
            except botocore.exceptions.ClientError as error:
                if not role or not aws.role_not_assumable(error, role):
                    raise
                waited = self._clock.monotonic() - began
                left = limits.ROLE_PROPAGATION_SECONDS - waited
                if left <= 0 or self._clock.sleep(min(delay, left), self._cancel):
                    raise RoleNotAssumableError(
                        role=role, waited=waited, error=f"{aws.error_code(error)}: {error}"
                    ) from error
                delay = min(2 * delay, limits.ROLE_RETRY_MAX_SECONDS)

    def get_job(self, operations: JobOperations, store: str, job_id: str) -> Props:
        """The job's full description."""
        return self.call(operations.get, **{operations.store: store}, id=job_id)

    def get_job_if_idle(self, operations: JobOperations, store: str, job_id: str) -> Props | None:
        """The job's full description if its budget is idle (see :meth:`call_if_idle`)."""
        return self.call_if_idle(operations.get, **{operations.store: store}, id=job_id)

    def job_statuses(
        self,
        operations: JobOperations,
        store: str,
        wanted: Sequence[str],
        created_after: datetime | None,
    ) -> dict[str, str]:
        """The status of each ``wanted`` job of the store (see :meth:`listed_jobs`)."""
        listed = self.listed_jobs(operations, store, wanted, created_after) or {}
        return {job_id: str(item.get("status")) for job_id, item in listed.items()}

    def listed_jobs(
        self,
        operations: JobOperations,
        store: str,
        wanted: Sequence[str],
        created_after: datetime | None,
        *,
        if_idle: bool = False,
    ) -> dict[str, Props] | None:
        """Each ``wanted`` job of the store as List*Jobs shows it (id, status, creation and
        completion times), read from its pages (newest first is not promised, so pages are
        read until every wanted job was seen). With ``if_idle``, only if the budget has a
        request to spare right now (see :meth:`call_if_idle`), else None."""
        if if_idle and not self.limiter.try_acquire(operations.list):
            return None
        missing = set(wanted)
        found: dict[str, Props] = {}
        query: Props = {operations.store: store}
        if created_after is not None:
            query["filter"] = {"createdAfter": created_after}
        for page in self._pages(operations.list, query, first_paid=if_idle):
            for item in page:
                if item.get("id") in missing:
                    found[str(item["id"])] = item
                    missing.discard(str(item["id"]))
            if not missing:
                break
        return found

    # -- read sets --------------------------------------------------------------------------

    def read_sets(
        self, store: str, ids: Sequence[str], *, created_after: datetime | None = None
    ) -> dict[str, ReadSetInfo]:
        """Status and ARN of each read set: a few are looked up one by one, more are read
        from ListReadSets pages (``created_after`` narrows them); a read set no page shows
        is looked up alone, and reported DELETED if the service no longer has it."""
        unique = list(dict.fromkeys(ids))
        found: dict[str, ReadSetInfo] = {}
        if len(unique) > READ_SET_GET_LIMIT:
            try:
                found = self._listed_read_sets(store, set(unique), created_after)
            except botocore.exceptions.ClientError as error:
                # Allowed GetReadSetMetadata but not ListReadSets: one Get each still works.
                if aws.error_code(error) != limits.ACCESS_DENIED_ERROR_CODE:
                    raise
        for read_set_id in unique:
            if read_set_id not in found:
                found[read_set_id] = self._read_set(store, read_set_id)
        return {i: found[i] for i in unique}

    def _listed_read_sets(
        self, store: str, wanted: set[str], created_after: datetime | None
    ) -> dict[str, ReadSetInfo]:
        found: dict[str, ReadSetInfo] = {}
        query: Props = {"sequenceStoreId": store}
        if created_after is not None:
            query["filter"] = {"createdAfter": created_after}
        for page in self.pages("ListReadSets", **query):
            for item in page:
                if item.get("id") in wanted:
                    found[str(item["id"])] = ReadSetInfo(
                        status=str(item.get("status")), arn=item.get("arn"), etag=item.get("etag")
                    )
            if len(found) == len(wanted):
                break
        return found

    def _read_set(self, store: str, read_set_id: str) -> ReadSetInfo:
        try:
            meta = self.call("GetReadSetMetadata", sequenceStoreId=store, id=read_set_id)
        except botocore.exceptions.ClientError as error:
            if aws.error_code(error) == limits.NOT_FOUND_ERROR_CODE:
                return ReadSetInfo(status=limits.READ_SET_DELETED, arn=None, etag=None)
            raise
        return ReadSetInfo(
            status=str(meta.get("status")), arn=meta.get("arn"), etag=meta.get("etag")
        )

    def read_set_s3_uris(self, store: str, read_sets: Mapping[str, str]) -> dict[str, str]:
        """Where each read set of ``read_sets`` (key -> id; the caller passes those it knows
        ACTIVE) is readable through S3: its folder under the store's access point,
        ``<store s3Uri>readSet/<id>/`` (its files, as GetReadSetMetadata names them, are
        below it). One GetSequenceStore per store and process, no call per read set; empty
        when the store has no S3 access (or we may not read it)."""
        if not read_sets:
            return {}
        with self._lock:
            known = store in self._store_uris
        if not known:
            try:
                answer = self.call("GetSequenceStore", id=store)
                uri = (answer.get("s3Access") or {}).get("s3Uri")
            except botocore.exceptions.ClientError as error:
                if aws.error_code(error) not in (
                    limits.ACCESS_DENIED_ERROR_CODE,
                    limits.NOT_FOUND_ERROR_CODE,
                ):
                    raise
                uri = None
            with self._lock:
                self._store_uris[store] = str(uri) if uri else None
        root = self._store_uris[store]
        if root is None:
            return {}
        root = root if root.endswith("/") else f"{root}/"
        return {key: f"{root}readSet/{read_set_id}/" for key, read_set_id in read_sets.items()}

    # -- is anybody there -------------------------------------------------------------------

    def _heard(self) -> None:
        with self._lock:
            self._answered = True
            self._silent_since = None

    def _no_answer(self, client: Any, error: Exception, began: float) -> None:
        with self._lock:
            if self._answered:
                return
            now = self._clock.monotonic()
            if self._silent_since is None:
                # From the call's start: its connect timeouts and botocore's retries were
                # trying too (a black-holed address fails a call only after minutes).
                self._silent_since = began
            silent_for = now - self._silent_since
        if silent_for >= limits.NO_ANSWER_GIVE_UP_SECONDS:
            raise EndpointUnreachableError(
                endpoint=str(client.meta.endpoint_url),
                region=str(client.meta.region_name),
                error=str(error),
                waited=silent_for,
            ) from error
