"""The ``omics`` provider: each engine call is one call of the resource's core behaviour
(:class:`~omics_resources.core.resource.ResourceBehaviour`), its values mapped by
:class:`~omics_resources.provider.calls.ResourceCall`.

All calls share one event loop (the SDK's server), so the core's blocking work runs in a
thread pool sized like the dynamic providers' (a create that waits hours holds a thread):
the loop stays free for ``Cancel``, which sets the event every wait watches.
"""

from __future__ import annotations

import asyncio
import functools
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import botocore.exceptions
from pulumi.provider.experimental import provider as rpc

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.scheduler import Scheduler
from omics_resources.core.account.scheduling_config import SchedulingSettings
from omics_resources.core.errors import OmicsResourceError, PartialCreateError
from omics_resources.core.functions import InvalidArgumentsError
from omics_resources.core.resource import ResourceBehaviour, Runtime
from omics_resources.core.watch.polling import Clock, PollPolicy, SystemClock, default_policy
from omics_resources.core.watch.wakeup import CancelSignal
from omics_resources.provider.calls import EngineProps, ResourceCall, renamed
from omics_resources.provider.config import config_getter, config_names
from omics_resources.provider.invokes import FunctionCall
from omics_resources.provider.logs import EngineLog
from omics_resources.provider.names import camel
from omics_resources.provider.schema import SCHEMA_PATH
from omics_resources.provider.values import mask, plain

__all__ = ["OmicsProvider", "ProviderError"]

T = TypeVar("T")
#: What reaches the user as a message alone (no traceback): ours, and the AWS SDK's.
USER_ERRORS = (
    OmicsResourceError,
    botocore.exceptions.ClientError,
    botocore.exceptions.BotoCoreError,
)


def _top(path: str) -> str:
    """The top-level property of a path (``sources[3].tags`` -> ``sources``)."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]


class ProviderError(Exception):
    """An error for the engine: its message, and for a partly created resource its id and
    properties (the engine records them, and the next ``pulumi up`` updates it)."""

    def __init__(
        self, message: str, partial: tuple[str, dict[str, Any], dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.partial = partial


class OmicsProvider(rpc.Provider):
    """Serves every resource type of the core registry; ``clock``, ``policy`` and
    ``scheduler`` are injection points for tests."""

    def __init__(
        self,
        *,
        engine: str | None = None,
        clock: Clock | None = None,
        policy: Callable[[float], PollPolicy] | None = None,
        scheduler: Scheduler | None = None,
    ) -> None:
        # A signal, not a bare Event: it wakes every wait at once (core/watch/wakeup.py).
        self.cancelled: threading.Event = CancelSignal()
        self._log = EngineLog(engine)
        self._clock = clock or SystemClock()
        self._policy = policy or default_policy
        self._scheduler = scheduler
        self._settings = aws.AwsSettings()
        self._scheduling = SchedulingSettings()
        self._pool = ThreadPoolExecutor(limits.PROVIDER_WORKERS, thread_name_prefix="omics")

    # -- plumbing -------------------------------------------------------------------------

    def _behaviour(self, call: ResourceCall) -> ResourceBehaviour:
        runtime = Runtime(
            clock=self._clock,
            cancel=self.cancelled,
            policy=self._policy,
            settings=self._settings,
            scheduling=self._scheduling,
            given_scheduler=self._scheduler,
            sink=self._log.sink(call.urn, call.message),
        )
        return call.behaviour(runtime)

    async def _run(self, call: ResourceCall, work: Callable[[], T], *sent: EngineProps) -> T:
        """``work`` in the pool; what it raises for the user as a :class:`ProviderError`
        (a partly created resource's properties mapped with the values ``sent``)."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, work)
        except PartialCreateError as error:
            inputs = dict(sent[0]) if sent else {}
            partial = (error.resource_id, call.engine(error.outputs, *sent), inputs)
            raise ProviderError(call.message(str(error)), partial) from error
        except USER_ERRORS as error:
            raise ProviderError(call.message(str(error))) from error

    # -- configuration --------------------------------------------------------------------

    async def get_schema(self, request: rpc.GetSchemaRequest) -> rpc.GetSchemaResponse:
        """The generated schema (:mod:`omics_resources.provider.schema`)."""
        return rpc.GetSchemaResponse(schema=SCHEMA_PATH.read_text())

    async def check_config(self, request: rpc.CheckRequest) -> rpc.CheckResponse:
        """Scheduling keys that cannot be used, by key; no AWS call."""
        args = {k: plain(v) for k, v in request.new_inputs.items()}
        try:
            SchedulingSettings.from_config(config_getter(args))
        except OmicsResourceError as error:
            message = renamed(str(error))
            key = next((n for k, n in config_names().items() if k in str(error)), "")
            return rpc.CheckResponse(
                inputs=request.new_inputs, failures=[rpc.CheckFailure(key, message)]
            )
        return rpc.CheckResponse(inputs=request.new_inputs)

    async def configure(self, request: rpc.ConfigureRequest) -> rpc.ConfigureResponse:
        """Region, profile, endpoint and scheduling limits (never credentials)."""
        args = {k: plain(v) for k, v in request.args.items()}
        get = config_getter(args)
        self._settings = aws.AwsSettings.from_config(get)
        self._scheduling = SchedulingSettings.from_config(get)
        # Unknowns arrive as the sentinel string, secrets with their marks; create and
        # update are not called at preview (their outputs are unknown until then).
        return rpc.ConfigureResponse(accept_secrets=True, supports_preview=False)

    async def cancel(self) -> None:
        """Ctrl-C: every wait ends at its next tick ("still running, re-run to resume")."""
        self.cancelled.set()

    # -- functions ------------------------------------------------------------------------

    async def invoke(self, request: rpc.InvokeRequest) -> rpc.InvokeResponse:
        """A function of the core (a loader): offline, its problems by argument."""
        call = FunctionCall.of(request.tok)
        args = call.core(request.args)
        work = functools.partial(call.function.run, **args)
        try:
            result = await asyncio.get_running_loop().run_in_executor(self._pool, work)
        except InvalidArgumentsError as error:
            # Not renamed: a sheet's columns are snake_case, as its file has them.
            failures = [
                rpc.CheckFailure(camel(p.argument), mask(p.reason, call.secrets))
                for p in error.problems
            ]
            return rpc.InvokeResponse(failures=failures)
        return rpc.InvokeResponse(return_value=call.engine(result))

    # -- resources ------------------------------------------------------------------------

    async def check(self, request: rpc.CheckRequest) -> rpc.CheckResponse:
        """Defaults and every problem, by property path; no AWS call."""
        call = ResourceCall.of(request.urn, request.old_inputs, request.new_inputs)
        core = self._behaviour(call)
        olds, news = call.core(request.old_inputs), call.core(request.new_inputs)
        checked = await self._run(call, lambda: core.check(olds, news))
        return rpc.CheckResponse(
            inputs=call.engine(checked.inputs, request.new_inputs),
            failures=[
                rpc.CheckFailure(call.path(p.path), call.message(p.reason))
                for p in checked.problems
            ],
        )

    async def diff(self, request: rpc.DiffRequest) -> rpc.DiffResponse:
        """What replaces and what updates in place; no AWS call."""
        call = ResourceCall.of(request.urn, request.old_state, request.new_inputs)
        core = self._behaviour(call)
        olds, news = call.core(request.old_state), call.core(request.new_inputs)
        diff = await self._run(call, lambda: core.diff(request.resource_id, olds, news))
        kinds = [(p, rpc.PropertyDiffKind.UPDATE_REPLACE) for p in diff.replaces]
        kinds += [(p, rpc.PropertyDiffKind.UPDATE) for p in diff.updates]
        return rpc.DiffResponse(
            changes=diff.changes,
            replaces=[call.path(p) for p in diff.replaces],
            delete_before_replace=diff.delete_before_replace,
            diffs=sorted({call.path(_top(p)) for p, _ in kinds}),
            detailed_diff={
                call.path(p): rpc.PropertyDiff(kind, call.input_name(_top(p))) for p, kind in kinds
            },
        )

    async def create(self, request: rpc.CreateRequest) -> rpc.CreateResponse:
        """Create, and wait as the inputs ask; a cohort that fails part-way is recorded."""
        call = ResourceCall.of(request.urn, request.properties)
        core = self._behaviour(call)
        props = call.core(request.properties)
        created = await self._run(call, lambda: core.create(props), request.properties)
        return rpc.CreateResponse(created.id, call.engine(created.outputs, request.properties))

    async def read(self, request: rpc.ReadRequest) -> rpc.ReadResponse:
        """Refresh; with no state (``pulumi import``) the inputs are rebuilt from the job."""
        call = ResourceCall.of(request.urn, request.properties, request.inputs)
        core = self._behaviour(call)
        props = call.core(request.properties)
        found = await self._run(call, lambda: core.read(request.resource_id, props))
        if found.id is None:
            return rpc.ReadResponse()
        originals: tuple[EngineProps, ...] = (request.properties, request.inputs)
        inputs = (
            dict(request.inputs)
            if request.inputs
            else call.engine(found.outputs, *originals, inputs_only=True)
        )
        return rpc.ReadResponse(found.id, call.engine(found.outputs, *originals), inputs)

    async def update(self, request: rpc.UpdateRequest) -> rpc.UpdateResponse:
        """Apply in-place changes; every output."""
        call = ResourceCall.of(request.urn, request.olds, request.news)
        core = self._behaviour(call)
        olds, news = call.core(request.olds), call.core(request.news)
        outputs = await self._run(call, lambda: core.update(request.resource_id, olds, news))
        return rpc.UpdateResponse(call.engine(outputs, request.news, request.olds))

    async def delete(self, request: rpc.DeleteRequest) -> None:
        """Destroy (data is kept unless the inputs ask)."""
        call = ResourceCall.of(request.urn, request.properties)
        core = self._behaviour(call)
        props = call.core(request.properties)
        await self._run(call, lambda: core.delete(request.resource_id, props))
