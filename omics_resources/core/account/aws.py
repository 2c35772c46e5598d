"""One place that builds AWS clients: region, profile, endpoint and retry mode.

Credentials are never passed in: boto3's standard chain finds them at run time, so they
never reach Pulumi state. Clients are cached per process (they are thread-safe, and
building one costs tens of milliseconds) and never stored on a provider object (a client
cannot be pickled, and the provider is pickled into state).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import boto3
import botocore.config
import botocore.exceptions

from omics_resources.core import limits
from omics_resources.core.service_model import SERVICE_NAME

__all__ = [
    "ENDPOINT_CONFIG_KEY",
    "AwsSettings",
    "error_code",
    "is_transient_error",
    "omics_client",
    "s3_client",
]

#: Stack-config key for a custom HealthOmics endpoint (the local emulator, a VPC endpoint).
ENDPOINT_CONFIG_KEY = "omics-resources:endpoint"
_ENDPOINT_ENV_VARS = ("AWS_ENDPOINT_URL_OMICS", "AWS_ENDPOINT_URL")

_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()


@dataclass(frozen=True)
class AwsSettings:
    """Where to send HealthOmics calls. Unset fields fall back to botocore's own chain
    (``AWS_REGION``, ``AWS_PROFILE``, ``AWS_ENDPOINT_URL_OMICS``, ``~/.aws/config``)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None

    @classmethod
    def from_config(cls, get: Callable[[str], Any]) -> AwsSettings:
        """Read ``aws:region``, ``aws:profile`` and ``omics-resources:endpoint`` from stack
        config (``get`` is the dynamic provider's ``ConfigureRequest.config.get``)."""

        def text(key: str) -> str | None:
            value = get(key)
            return str(value) if value not in (None, "") else None

        return cls(
            region=text("aws:region"),
            profile=text("aws:profile"),
            endpoint_url=text(ENDPOINT_CONFIG_KEY),
        )

    def custom_endpoint(self) -> str | None:
        """The endpoint that replaces AWS's own, from config or the environment."""
        if self.endpoint_url:
            return self.endpoint_url
        return next((os.environ[v] for v in _ENDPOINT_ENV_VARS if os.environ.get(v)), None)


def _client_config(custom_endpoint: bool) -> botocore.config.Config:
    options: dict[str, Any] = {
        "user_agent_extra": "omics-resources",
        "connect_timeout": 10,
        "read_timeout": 60,
    }
    # The user's own AWS_RETRY_MODE / AWS_MAX_ATTEMPTS win; passing `retries` would hide them.
    if not (os.environ.get("AWS_RETRY_MODE") or os.environ.get("AWS_MAX_ATTEMPTS")):
        options["retries"] = {
            "mode": limits.DEFAULT_RETRY_MODE,
            "total_max_attempts": limits.DEFAULT_MAX_ATTEMPTS,
        }
    if custom_endpoint:
        # botocore prefixes every one of these operations' hosts with "control-storage-"
        # or "tags-", which turns http://127.0.0.1:4566 into an unresolvable name.
        options["inject_host_prefix"] = False
    return botocore.config.Config(**options)


def omics_client(settings: AwsSettings) -> Any:
    """A HealthOmics client for ``settings`` (shared by every thread of this process)."""
    endpoint = settings.custom_endpoint()
    key = (settings, endpoint, os.environ.get("AWS_RETRY_MODE"), os.environ.get("AWS_MAX_ATTEMPTS"))
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            session = boto3.session.Session(
                profile_name=settings.profile, region_name=settings.region
            )
            if session.region_name is None:
                raise botocore.exceptions.NoRegionError()
            # boto3-stubs ship no omics types: the client is untyped (Any) on purpose.
            client = cast(Any, session).client(
                SERVICE_NAME,
                endpoint_url=endpoint,
                config=_client_config(custom_endpoint=endpoint is not None),
            )
            _clients[key] = client
    return client


def error_code(error: BaseException) -> str | None:
    """The AWS error code of a ``ClientError`` (None for anything else)."""
    if isinstance(error, botocore.exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def is_transient_error(error: BaseException) -> bool:
    """Whether another try may succeed: throttling, 5xx, 408, dropped connections."""
    if isinstance(
        error,
        botocore.exceptions.ConnectionError | botocore.exceptions.HTTPClientError,
    ):
        return True
    if isinstance(error, botocore.exceptions.ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return error_code(error) in limits.RETRYABLE_ERROR_CODES or status >= 500
    return False


def s3_client(settings: AwsSettings) -> Any:
    """An S3 client for ``settings``: the stack's configured endpoint when there is one (the
    emulator serves S3 beside HealthOmics), else botocore's chain (``AWS_ENDPOINT_URL_S3``).
    Path-style addressing on a custom endpoint (no bucket host names to resolve)."""
    endpoint = settings.endpoint_url
    key = ("s3", settings, endpoint)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            session = boto3.session.Session(
                profile_name=settings.profile, region_name=settings.region
            )
            config = _client_config(custom_endpoint=False)
            if endpoint is not None:
                config = config.merge(botocore.config.Config(s3={"addressing_style": "path"}))
            client = cast(Any, session).client("s3", endpoint_url=endpoint, config=config)
            _clients[key] = client
    return client


def role_not_assumable(error: BaseException, role: str) -> bool:
    """Whether a Start was refused because the service could not assume ``role`` (as while
    IAM propagates a new role). The service does not document its answer: an
    AccessDeniedException or ValidationException whose message names the role and says
    it could not be assumed."""
    code = error_code(error)
    if code not in ("AccessDeniedException", "ValidationException"):
        return False
    assert isinstance(error, botocore.exceptions.ClientError)
    message = str(error.response.get("Error", {}).get("Message", ""))
    return role in message and "assum" in message.lower()
