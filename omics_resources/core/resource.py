"""The operations every resource has, over plain data: what each front-end maps its
engine's calls onto.

A front-end (the dynamic providers, the real provider) turns the engine's values into
plain dicts (unknowns as :data:`~omics_resources.core.validation.UNKNOWN`), calls one
method of a :class:`ResourceBehaviour`, and turns the plain result back. Everything a user
could see in behaviour (rules, plans, tokens, waits, messages, outputs) is decided here.

What a behaviour needs from its surroundings comes in a :class:`Runtime`: the clock, the
cancel event, the poll policy, the AWS and scheduling settings (from the front-end's
config), the scheduler, and the sink for progress lines. Tests inject a fake clock there,
so hours of waiting take milliseconds.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from omics_resources.core.account import aws
from omics_resources.core.account.scheduler import Scheduler
from omics_resources.core.account.scheduling_config import SchedulingSettings, shared_scheduler
from omics_resources.core.fields import Field, Output
from omics_resources.core.progress import Progress, Sink, print_line
from omics_resources.core.validation import Problem, SettingRule
from omics_resources.core.watch.polling import Clock, PollPolicy, SystemClock, default_policy
from omics_resources.core.watch.wakeup import CancelSignal

__all__ = [
    "SCOPE_PROPERTY",
    "Checked",
    "Created",
    "Diff",
    "Props",
    "Read",
    "ResourceBehaviour",
    "Runtime",
    "plain_inputs",
    "resource_name",
    "with_defaults",
]

Props = dict[str, Any]

#: The input that holds what client tokens are derived from besides the request: project,
#: stack and resource name (set by the front-end; inside a provider the engine's stack is
#: not the program's).
SCOPE_PROPERTY = "scope"


@dataclass(frozen=True)
class Checked:
    """What check found: the inputs with defaults filled in, and every problem."""

    inputs: Props
    problems: list[Problem]


@dataclass(frozen=True)
class Diff:
    """What an update would change: ``replaces`` needs a new resource, ``updates`` changes in
    place (property paths, for the engine's detailed diff); ``changes`` says whether anything
    does (a drift with no input change still counts)."""

    changes: bool
    replaces: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)
    delete_before_replace: bool = False


@dataclass(frozen=True)
class Created:
    """A created resource: its id and every output."""

    id: str
    outputs: Props


@dataclass(frozen=True)
class Read:
    """A refreshed resource: its id and outputs, or ``id`` None when it is gone."""

    id: str | None
    outputs: Props


@dataclass
class Runtime:
    """What a behaviour is handed: clock, cancel event, poll policy, settings, scheduler
    and progress sink. One per provider object; the scheduler is the process's (shared by
    every provider object with the same settings) unless one is given."""

    clock: Clock = field(default_factory=SystemClock)
    cancel: threading.Event = field(default_factory=CancelSignal)
    policy: Callable[[float], PollPolicy] = default_policy
    settings: aws.AwsSettings = field(default_factory=aws.AwsSettings)
    scheduling: SchedulingSettings = field(default_factory=SchedulingSettings)
    given_scheduler: Scheduler | None = None
    sink: Sink = print_line
    #: Called before the first call that may wait (a front-end widens its thread pool).
    before_work: Callable[[], None] = lambda: None

    def configure(self, get: Callable[[str], str | None]) -> None:
        """Take region, profile, endpoint and scheduling limits from the front-end's config
        (``get`` answers a key such as ``aws:region``; never credentials)."""
        self.settings = aws.AwsSettings.from_config(get)
        self.scheduling = SchedulingSettings.from_config(get)

    def scheduler(self) -> Scheduler:
        """The scheduler this runtime's work shares (the process's, unless one was given)."""
        if self.given_scheduler is not None:
            return self.given_scheduler
        self.before_work()
        return shared_scheduler(self.settings, self.scheduling)

    def progress(self, resource: str, noun: str) -> Progress:
        """Progress lines about ``resource`` to this runtime's sink."""
        return Progress(resource, noun, sink=self.sink)


def with_defaults(rules: Mapping[str, SettingRule], news: Mapping[str, Any]) -> Props:
    """``news`` with each unset setting at its default (what check returns as inputs)."""
    inputs = dict(news)
    for name, rule in rules.items():
        if inputs.get(name) is None:
            inputs[name] = rule.default
    return inputs


def resource_name(props: Mapping[str, Any], fallback: str) -> str:
    """The resource's name in the program (from its scope), for messages."""
    scope = props.get(SCOPE_PROPERTY)
    if isinstance(scope, Mapping) and scope.get("resource_name"):
        return str(scope["resource_name"])
    return fallback


def plain_inputs(props: Mapping[str, Any]) -> Props:
    """``props`` without the front-end's own members (``__provider`` ...)."""
    return {k: v for k, v in props.items() if not k.startswith("__")}


class ResourceBehaviour(ABC):
    """One resource type's check, diff, create, read, update and delete over plain dicts.

    Subclasses name the type and its field table; a front-end serves any subclass with no
    code of its own for it.
    """

    #: The resource type's name (``ReadSetImportJob``).
    type_name: ClassVar[str]
    #: What the resource is, for its users (the Python class's docstring, the schema's).
    summary: ClassVar[str]
    #: Every input property, described once (see :mod:`omics_resources.core.fields`).
    fields: ClassVar[tuple[Field, ...]]
    #: Outputs besides the inputs, described once.
    outputs: ClassVar[tuple[Output, ...]]
    #: Inputs that the outputs do not repeat (the state keeps them as inputs only).
    inputs_not_in_outputs: ClassVar[tuple[str, ...]] = ()
    #: The Start request that the fields' ``api`` paths are members of (its shapes type them).
    operation: ClassVar[str]

    @classmethod
    def output_names(cls) -> tuple[str, ...]:
        """The names of :attr:`outputs`."""
        return tuple(o.name for o in cls.outputs)

    def __init__(self, runtime: Runtime | None = None) -> None:
        self.runtime = runtime or Runtime()

    @abstractmethod
    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Fill in defaults and report every problem with the inputs; no AWS call."""

    @abstractmethod
    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """What changes between the state's outputs and the new inputs; no AWS call."""

    @abstractmethod
    def create(self, props: Mapping[str, Any]) -> Created:
        """Make the resource real, waiting as its settings ask."""

    @abstractmethod
    def read(self, id_: str, props: Mapping[str, Any]) -> Read:
        """The resource as the service has it now (refresh, adoption)."""

    @abstractmethod
    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
        """Apply in-place changes; every output (the engine keeps only what is returned)."""

    @abstractmethod
    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Undo what the resource's settings say to undo when it is destroyed."""
