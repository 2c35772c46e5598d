"""Every attempt botocore makes for one of our calls, paced and heard by the rate limiter that
paced the call.

botocore retries a throttled call inside the client call (its standard mode: up to
``total_max_attempts``), so the code around the call sees one answer however many were
throttled. Two hooks on the client's event system see each attempt: before a retry is
signed it waits for its own turn of the budget (so a retry never adds to a burst), and each
answer the service throttled is told to the limiter, which cuts that budget's pace
(:mod:`omics_resources.core.account.aimd`). The limiter is the calling thread's, set by
:func:`paced_by` around the call: botocore makes every attempt on the thread that called.
A call made outside :func:`paced_by` (a user's own client) is neither paced nor heard.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from omics_resources.core import limits
from omics_resources.core.account.ratelimit import RateLimiter

__all__ = ["hear_attempts", "paced_by"]

_HOOK_ID = "omics-resources-attempts"
_THROTTLED_STATUS = 429


@dataclass
class _Call:
    limiter: RateLimiter
    cancel: threading.Event | None
    sent_at: float


_current = threading.local()


@contextmanager
def paced_by(limiter: RateLimiter, cancel: threading.Event | None) -> Iterator[None]:
    """Within the block, this thread's calls' retries wait for ``limiter``'s turns (a wait
    ``cancel`` ends) and their throttled answers are told to it."""
    outer = getattr(_current, "call", None)
    _current.call = _Call(limiter, cancel, limiter.now())
    try:
        yield
    finally:
        _current.call = outer


def hear_attempts(client: Any) -> None:
    """Hook a HealthOmics client's attempts (once per client; idempotent)."""
    events = client.meta.events
    service = client.meta.service_model.service_id.hyphenize()
    # First: a retry waits for its turn before it is signed, not with a stale signature.
    events.register_first(
        f"request-created.{service}", _before_attempt, unique_id=f"{_HOOK_ID}-send"
    )
    events.register(f"response-received.{service}", _after_attempt, unique_id=f"{_HOOK_ID}-answer")


def _before_attempt(request: Any, operation_name: str, **_: Any) -> None:
    call: _Call | None = getattr(_current, "call", None)
    if call is None:
        return
    context = getattr(request, "context", None) or {}
    if int(context.get("retries", {}).get("attempt", 1)) > 1:
        # The first attempt took its turn before the call (OmicsApi.call).
        call.limiter.acquire(operation_name, call.cancel)
    call.sent_at = call.limiter.now()


def _after_attempt(
    event_name: str,
    response_dict: Mapping[str, Any] | None = None,
    parsed_response: Mapping[str, Any] | None = None,
    **_: Any,
) -> None:
    call: _Call | None = getattr(_current, "call", None)
    if call is None or response_dict is None:
        return
    code = (parsed_response or {}).get("Error", {}).get("Code")
    status = response_dict.get("status_code")
    if status == _THROTTLED_STATUS or code == limits.THROTTLING_ERROR_CODE:
        call.limiter.throttled(event_name.rsplit(".", 1)[-1], call.sent_at)
