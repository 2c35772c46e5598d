"""Functions a front-end serves besides resources (a provider's ``fn::invoke``): each
described once, as a table, so that a provider and its schema serve every one with no code
of its own. They compute from their arguments alone: no AWS call, no state."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Argument", "Function", "FunctionProblem", "InvalidArgumentsError"]


@dataclass(frozen=True)
class Argument:
    """One argument: ``kind`` is ``string``, ``boolean``, or ``array``/``map`` of strings."""

    name: str
    doc: str
    kind: str = "string"
    required: bool = False


@dataclass(frozen=True)
class Function:
    """One function: its snake_case ``name``, what it does, its arguments, and its result
    (one value named ``result``, typed as the input ``result_like`` of a resource type:
    ``("CohortImport", "sources")``). ``run`` takes the arguments by name."""

    name: str
    summary: str
    arguments: tuple[Argument, ...]
    result: str
    result_doc: str
    result_like: tuple[str, str]
    run: Callable[..., Any]


@dataclass(frozen=True)
class FunctionProblem:
    """One reason the arguments give no result: the argument it is about and why."""

    argument: str
    reason: str


class InvalidArgumentsError(ValueError):
    """Arguments a function cannot compute from (every problem, by argument)."""

    def __init__(self, function: str, problems: Sequence[FunctionProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            f"{function}: " + "; ".join(f"{p.argument}: {p.reason}" for p in self.problems)
        )


def given(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments that were given (a null is one left out)."""
    return {k: v for k, v in arguments.items() if v is not None}
