"""One class per AWS error code the emulator answers: the class name is the code sent in
``x-amzn-ErrorType``, ``status`` the HTTP status (as moto does it)."""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AccessDeniedException",
    "ConflictException",
    "EmulatorError",
    "InternalServerException",
    "RequestEntityTooLargeException",
    "RequestTimeoutException",
    "ResourceNotFoundException",
    "SerializationException",
    "ServiceQuotaExceededException",
    "ThrottlingException",
    "UnknownOperationException",
    "ValidationException",
    "error_class",
]


class EmulatorError(Exception):
    """An AWS-shaped error answer."""

    status: ClassVar[int] = 400

    def __init__(self, message: str, *, injected: bool = False) -> None:
        super().__init__(message)
        self.message = message
        #: Raised by a fault rule, not by the request: the request log says so.
        self.injected = injected

    @property
    def code(self) -> str:
        """The AWS error code: the class name."""
        return type(self).__name__


class ValidationException(EmulatorError):
    """The input breaks a constraint of the API."""

    status = 400


class SerializationException(EmulatorError):
    """The body is not JSON, or not sent as JSON."""

    status = 400


class ServiceQuotaExceededException(EmulatorError):
    """The job-concurrency quota is full."""

    status = 402


class AccessDeniedException(EmulatorError):
    """The request is not signed."""

    status = 403


class ConflictException(EmulatorError):
    """The resource is in a state that forbids the request (a store that still holds data)."""

    status = 409


class ResourceNotFoundException(EmulatorError):
    """No such store, job or read set."""

    status = 404


class UnknownOperationException(EmulatorError):
    """No operation at this method and path."""

    status = 404


class RequestTimeoutException(EmulatorError):
    """Injected: the request timed out."""

    status = 408


class RequestEntityTooLargeException(EmulatorError):
    """The body is larger than the emulator accepts."""

    status = 413


class ThrottlingException(EmulatorError):
    """Injected: too many requests."""

    status = 429


class InternalServerException(EmulatorError):
    """Injected, or a bug in the emulator."""

    status = 500


# The transient errors, and AccessDeniedException: a permanent refusal (a role without the
# permission), which no retry and no re-run as it is can get past.
_INJECTABLE = {
    c.__name__: c
    for c in (
        ThrottlingException,
        InternalServerException,
        RequestTimeoutException,
        AccessDeniedException,
    )
}


def error_class(code: str) -> type[EmulatorError]:
    """The error class an injected fault raises, by its code."""
    try:
        return _INJECTABLE[code]
    except KeyError:
        raise ValidationException(
            f"error must be one of {', '.join(sorted(_INJECTABLE))}, not {code!r}"
        ) from None
