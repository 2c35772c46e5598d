"""Inputs to problems: each a property path, the offending value and the rule it breaks.

Runs in ``check``, i.e. at ``pulumi preview``, with no AWS call and no credentials. The
API's own rules come from botocore's model (:mod:`omics_resources.core.service_model`), checked
on the very request that create would send, so preview and the service cannot disagree;
only the error paths are translated back to the resource's snake_case properties, and the
model's patterns into words (:data:`PATTERN_WORDS`; the emulator keeps the raw patterns,
as the service states them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from omics_resources.core import service_model

__all__ = [
    "PATTERN_WORDS",
    "UNKNOWN",
    "Problem",
    "SettingRule",
    "Unknown",
    "api_problems",
    "duplicate_problems",
    "is_unknown",
    "setting_problems",
]


@dataclass(frozen=True)
class Problem:
    """One reason an input cannot be used: ``path`` is the property path as the user wrote it
    (``sources[3].source1``), ``value`` what was given (None if missing), ``rule`` the rule."""

    path: str
    value: Any
    rule: str

    @property
    def reason(self) -> str:
        """The rule, with the offending value when there is one."""
        if self.value is None:
            return self.rule
        return f"{self.rule} (got {self.value!r})"

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class Unknown:
    """A value not known yet (at preview, an output of a resource not yet created). Each
    front-end turns its engine's placeholders into :data:`UNKNOWN` and back."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        """The one instance."""
        # One instance, so that `is` tests and copies (pickle, deepcopy) agree.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __reduce__(self) -> str:
        return "UNKNOWN"

    def __repr__(self) -> str:
        return "UNKNOWN"


#: The one unknown value.
UNKNOWN = Unknown()


def is_unknown(value: Any) -> bool:
    """Whether ``value`` is a placeholder for a value not known yet (rules skip it)."""
    return value is UNKNOWN


#: Explains why a value breaks a pattern: given the value and a test of candidate values
#: against the same pattern (to find which part is wrong), says what the value must be.
PatternWords = Callable[[str, Callable[[str], bool]], str]


def _characters(allowed: str) -> PatternWords:
    """For a ``[class]+`` pattern: what is allowed, and the first character that is not."""

    def words(value: str, fits: Callable[[str], bool]) -> str:
        rule = f"must be {allowed}"
        for place, char in enumerate(value, start=1):
            if not fits(char):
                return f"{rule}, but character {place} is {char!r}"
        return rule

    return words


def _arn(value: str, _fits: Callable[[str], bool]) -> str:
    rule = "must be an ARN (arn:partition:service:region:account:resource)"
    if not value.startswith("arn:"):
        return f"{rule}; it does not start with 'arn:'"
    if value == "arn:":
        return f"{rule}; nothing follows 'arn:'"
    return f"{rule}, on one line (no line breaks)"


def _s3_uri(value: str, fits: Callable[[str], bool]) -> str:
    rule = "must be an S3 URI s3://bucket/key"
    if not value.startswith("s3://"):
        return f"{rule}; it does not start with 's3://'"
    bucket, slash, key = value.removeprefix("s3://").partition("/")
    # Each part is judged by the model's own pattern, with the other part made valid.
    if not fits(f"s3://{bucket}/key"):
        return (
            f"{rule}; bucket {bucket!r} must be 3 to 63 lowercase letters, digits, dots or "
            "hyphens, beginning and ending with a letter or digit"
        )
    if not slash or not key:
        return f"{rule}; the key after 's3://{bucket}/' is missing"
    return f"{rule}; the key must be 1 to 1024 characters, with no line breaks"


#: What each pattern of botocore's model means, by the pattern as the model spells it. A
#: pattern missing here is shown raw ("must match the pattern ..."): the unit tests list
#: every pattern of the operations the resources call, so a new one is noticed.
PATTERN_WORDS: dict[str, PatternWords] = {
    "[0-9]+": _characters("digits only"),
    r"[\p{L}||\p{M}||\p{Z}||\p{S}||\p{N}||\p{P}]+": _characters(
        "printable text: letters, numbers, punctuation, symbols and spaces (no tabs, line "
        "breaks or other control characters)"
    ),
    "arn:.*": _arn,
    "arn:.+": _arn,
    "s3://([a-z0-9][a-z0-9-.]{1,61}[a-z0-9])/(.{1,1024})": _s3_uri,
}


def _in_words(violation: service_model.Violation) -> str:
    """The rule ``violation`` breaks, explained if it is a pattern with a description."""
    pattern = violation.pattern
    words = PATTERN_WORDS.get(pattern) if pattern else None
    if pattern is None or words is None or not isinstance(violation.value, str):
        return violation.rule
    return words(
        violation.value, lambda candidate: service_model.matches_pattern(pattern, candidate)
    )


def api_problems(
    operation: str,
    request: Mapping[str, Any],
    property_path: Callable[[tuple[str | int, ...]], str],
) -> list[Problem]:
    """The service's own rules for ``operation``, broken by ``request``.

    ``property_path`` turns an API path (``("sources", 3, "sourceFiles", "source1")``) into
    the resource's property path.
    """
    return [
        Problem(property_path(v.path), v.value, _in_words(v))
        for v in service_model.check_input(operation, request, skip=is_unknown)
    ]


@dataclass(frozen=True)
class SettingRule:
    """A resource setting that the API never sees: its type, default and what it must be."""

    kind: type
    default: Any
    positive: bool = False
    #: What a number counts (a part size counts bytes), for messages.
    unit: str = "seconds"

    def problem(self, path: str, value: Any) -> Problem | None:
        """Why ``value`` is not acceptable for this setting, or None."""
        if value is None or is_unknown(value):
            return None
        if self.kind is bool:
            if not isinstance(value, bool):
                return Problem(path, value, f"must be true or false, not {type(value).__name__}")
            return None
        if self.kind is str:
            if not isinstance(value, str):
                return Problem(path, value, f"must be a string, not {type(value).__name__}")
            return None
        # The engine carries every number as a float: 4.0 is a whole number.
        whole_only = self.kind is int
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (whole_only and not whole)
        ):
            kind = "whole number" if whole_only else "number"
            shown = repr(value) if isinstance(value, float) else type(value).__name__
            return Problem(path, value, f"must be a {kind} of {self.unit}, not {shown}")
        if not math.isfinite(value) or (self.positive and value <= 0):
            return Problem(path, value, f"must be a positive number of {self.unit}")
        return None


def setting_problems(rules: Mapping[str, SettingRule], props: Mapping[str, Any]) -> list[Problem]:
    """Problems with the resource's own settings (wait, wait_timeout, ...)."""
    found = (rule.problem(name, props.get(name)) for name, rule in rules.items())
    return [p for p in found if p is not None]


def duplicate_problems(path: str, values: Any) -> list[Problem]:
    """One problem per repeated entry of a list (each reported at its second place)."""
    if not isinstance(values, list):
        return []
    seen: dict[Any, int] = {}
    found = []
    for index, value in enumerate(values):
        if not isinstance(value, str) or is_unknown(value):
            continue
        if value in seen:
            found.append(
                Problem(f"{path}[{index}]", value, f"repeats {path}[{seen[value]}]; list each once")
            )
        else:
            seen[value] = index
    return found
