"""Inputs to problems: each a property path, the offending value and the rule it breaks.

Runs in ``check``, i.e. at ``pulumi preview``, with no AWS call and no credentials. The
API's own rules come from botocore's model (:mod:`omics_resources.service_model`), checked
on the very request that create would send, so preview and the service cannot disagree;
only the error paths are translated back to the resource's snake_case properties.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.dynamic import CheckFailure
from pulumi.output import Unknown
from pulumi.runtime import rpc

from omics_resources import service_model

__all__ = [
    "Problem",
    "SettingRule",
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

    def to_check_failure(self) -> CheckFailure:
        """The form the Pulumi engine reports at preview."""
        return CheckFailure(self.path, self.reason)


def is_unknown(value: Any) -> bool:
    """Whether ``value`` is a preview-time placeholder for a value not yet known: the engine
    sends unknowns to Check and Diff as ``Unknown`` objects (or, nested, as the sentinel)."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


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
        Problem(property_path(v.path), v.value, v.rule)
        for v in service_model.check_input(operation, request, skip=is_unknown)
    ]


@dataclass(frozen=True)
class SettingRule:
    """A resource setting that the API never sees: its type, default and what it must be."""

    kind: type
    default: Any
    positive: bool = False

    def problem(self, path: str, value: Any) -> Problem | None:
        """Why ``value`` is not acceptable for this setting, or None."""
        if value is None or is_unknown(value):
            return None
        if self.kind is bool:
            if not isinstance(value, bool):
                return Problem(path, value, f"must be true or false, not {type(value).__name__}")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return Problem(path, value, f"must be a number of seconds, not {type(value).__name__}")
        if not math.isfinite(value) or (self.positive and value <= 0):
            return Problem(path, value, "must be a positive number of seconds")
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
