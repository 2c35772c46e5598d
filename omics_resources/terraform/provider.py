"""The ``omics`` Terraform provider: each plugin-protocol call is one call of the resource's
core behaviour (:class:`~omics_resources.core.resource.ResourceBehaviour`), as in the
Pulumi front-ends.

- **ValidateResourceConfig** and **PlanResourceChange**: ``check`` (and ``diff`` against
  the prior state); no AWS call. A plan with changes leaves the computed attributes
  unknown, and names the attributes whose change replaces the resource.
- **ApplyResourceChange**: ``create``, ``update`` or ``delete``. A create that fails part
  of the way returns what it made with the error: Terraform records it tainted, and the
  next apply replaces it, which is a delete that keeps the read sets and a create that
  finds the earlier jobs again (the core's discovery), so nothing is imported twice.
- **ReadResource**: ``read`` (refresh, drift, and the read after ``terraform import``).
- **StopProvider**: the cancel signal every wait watches; each ends at once with the
  core's message that a re-run resumes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import botocore.exceptions
import grpc

from omics_resources.core.account import aws
from omics_resources.core.account.scheduler import Scheduler
from omics_resources.core.account.scheduling_config import SchedulingSettings
from omics_resources.core.errors import OmicsResourceError, PartialCreateError
from omics_resources.core.resource import ResourceBehaviour, Runtime
from omics_resources.core.validation import UNKNOWN
from omics_resources.core.watch.polling import Clock, PollPolicy, SystemClock, default_policy
from omics_resources.core.watch.wakeup import CancelSignal
from omics_resources.terraform import cty, diagnostics
from omics_resources.terraform.logs import sink_for
from omics_resources.terraform.proto import tfplugin6_pb2 as pb
from omics_resources.terraform.proto import tfplugin6_pb2_grpc as rpc
from omics_resources.terraform.schema import (
    ID,
    NAME,
    ResourceSchema,
    config_type,
    provider_schema,
    resource_schemas,
)
from omics_resources.terraform.settings import config_getter
from omics_resources.terraform.state import core_props, merged, private_of, scope, state_of

__all__ = ["OmicsTerraformProvider"]

T = TypeVar("T")
#: What reaches the user as a diagnostic (no traceback): ours, and the AWS SDK's.
USER_ERRORS = (
    OmicsResourceError,
    botocore.exceptions.ClientError,
    botocore.exceptions.BotoCoreError,
)


def _value(dynamic: pb.DynamicValue, schema: ResourceSchema) -> dict[str, Any] | None:
    found = cty.decode(dynamic.msgpack, dynamic.json, schema.state)
    return dict(found) if isinstance(found, dict) else None


def _dynamic(value: dict[str, Any] | None, schema: ResourceSchema) -> pb.DynamicValue:
    return pb.DynamicValue(msgpack=cty.encode(value, schema.state))


class OmicsTerraformProvider(rpc.ProviderServicer):  # type: ignore[misc]
    """Serves every resource type of the core registry; ``clock``, ``policy`` and
    ``scheduler`` are injection points for tests."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        policy: Callable[[float], PollPolicy] | None = None,
        scheduler: Scheduler | None = None,
    ) -> None:
        # A signal, not a bare Event: it wakes every wait at once (core/wakeup.py).
        self.cancelled = CancelSignal()
        self._clock = clock or SystemClock()
        self._policy = policy or default_policy
        self._scheduler = scheduler
        self._settings = aws.AwsSettings()
        self._scheduling = SchedulingSettings()

    # -- plumbing -------------------------------------------------------------------------

    def _core(self, schema: ResourceSchema, value: dict[str, Any] | None) -> ResourceBehaviour:
        runtime = Runtime(
            clock=self._clock,
            cancel=self.cancelled,
            policy=self._policy,
            settings=self._settings,
            scheduling=self._scheduling,
            given_scheduler=self._scheduler,
            sink=sink_for(f"{schema.name}.{scope(schema, value)['resource_name']}"),
        )
        return schema.behaviour(runtime)

    @staticmethod
    def _schema(type_name: str, context: grpc.ServicerContext) -> ResourceSchema:
        found = resource_schemas().get(type_name)
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"no resource type {type_name!r}")
            raise KeyError(type_name)  # abort raises; this says so to the type checker
        return found

    # -- provider -------------------------------------------------------------------------

    def GetMetadata(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Every resource type this provider serves."""
        return pb.GetMetadata.Response(
            server_capabilities=pb.ServerCapabilities(plan_destroy=False),
            resources=[pb.GetMetadata.ResourceMetadata(type_name=n) for n in resource_schemas()],
        )

    def GetProviderSchema(self, request: Any, context: Any) -> Any:  # noqa: N802
        """The schema generated from the core's tables (:mod:`.schema`)."""
        return pb.GetProviderSchema.Response(
            provider=provider_schema(),
            resource_schemas={n: pb.Schema(block=s.block()) for n, s in resource_schemas().items()},
        )

    def GetFunctions(self, request: Any, context: Any) -> Any:  # noqa: N802
        """No provider functions."""
        return pb.GetFunctions.Response()

    def ValidateProviderConfig(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Scheduling settings that cannot be used; no AWS call."""
        return pb.ValidateProviderConfig.Response(diagnostics=self._config_problems(request))

    def _config_problems(self, request: Any) -> list[pb.Diagnostic]:
        config = cty.decode(request.config.msgpack, request.config.json, config_type()) or {}
        try:
            SchedulingSettings.from_config(config_getter(config))
        except OmicsResourceError as problem:
            return [diagnostics.error(str(problem))]
        return []

    def ConfigureProvider(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Region, profile, endpoint and scheduling limits (never credentials)."""
        problems = self._config_problems(request)
        if not problems:
            config = cty.decode(request.config.msgpack, request.config.json, config_type())
            get = config_getter(config or {})
            self._settings = aws.AwsSettings.from_config(get)
            self._scheduling = SchedulingSettings.from_config(get)
        return pb.ConfigureProvider.Response(diagnostics=problems)

    def StopProvider(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Ctrl-C: every wait ends at its next tick ("still running, re-run to resume")."""
        self.cancelled.set()
        return pb.StopProvider.Response()

    # -- resources ------------------------------------------------------------------------

    def ValidateResourceConfig(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Every problem of the configuration, at its attribute; no AWS call."""
        schema = self._schema(request.type_name, context)
        config = _value(request.config, schema)
        checked = self._core(schema, config).check({}, core_props(schema, config))
        return pb.ValidateResourceConfig.Response(
            diagnostics=[diagnostics.problem(p) for p in checked.problems]
        )

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:  # noqa: N802
        """The stored JSON as this schema's object (attributes it no longer has dropped)."""
        schema = self._schema(request.type_name, context)
        value = cty.decode(b"", request.raw_state.json, schema.state)
        return pb.UpgradeResourceState.Response(upgraded_state=_dynamic(value, schema))

    def PlanResourceChange(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Defaults filled in, problems by attribute, what replaces; no AWS call."""
        schema = self._schema(request.type_name, context)
        proposed = _value(request.proposed_new_state, schema)
        response = pb.PlanResourceChange.Response(planned_private=request.prior_private)
        if proposed is None:  # destroy
            response.planned_state.CopyFrom(_dynamic(None, schema))
            return response
        config = _value(request.config, schema) or {}
        prior = _value(request.prior_state, schema)
        core = self._core(schema, config)
        olds = core_props(schema, prior, request.prior_private) if prior else {}
        checked = core.check(olds, core_props(schema, config))
        if checked.problems:
            response.diagnostics.extend(diagnostics.problem(p) for p in checked.problems)
            return response
        planned = self._planned_inputs(schema, config, checked.inputs)
        outputs: Any = UNKNOWN
        if prior is not None:
            news = {**checked.inputs, **core_props(schema, planned)}
            try:
                diff = core.diff(str(prior.get(ID)), olds, news)
            except USER_ERRORS as problem:
                response.diagnostics.append(diagnostics.error(str(problem)))
                return response
            if not diff.changes:
                outputs = prior
            elif not diff.replaces:
                outputs = {**{k: UNKNOWN for k in schema.state.props}, ID: prior.get(ID)}
            response.requires_replace.extend(
                diagnostics.attribute_path(p) for p in sorted(set(diff.replaces))
            )
        state = merged(schema, planned, outputs)
        state[NAME] = scope(schema, config)["resource_name"]
        response.planned_state.CopyFrom(_dynamic(state, schema))
        return response

    @staticmethod
    def _planned_inputs(
        schema: ResourceSchema, config: dict[str, Any], inputs: dict[str, Any]
    ) -> dict[str, Any]:
        """The configuration, with each setting the configuration leaves null at its
        default (only optional-and-computed attributes may differ from it)."""
        planned = dict(config)
        for name, prop in schema.inputs.props.items():
            if planned.get(name) is None and prop.default is not None:
                planned[name] = inputs.get(name, prop.default)
        return planned

    def ApplyResourceChange(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Create, update or delete, waiting as the inputs ask."""
        schema = self._schema(request.type_name, context)
        prior = _value(request.prior_state, schema)
        planned = _value(request.planned_state, schema)
        response = pb.ApplyResourceChange.Response()
        core = self._core(schema, planned or prior)
        try:
            if planned is None:
                assert prior is not None
                core.delete(str(prior[ID]), core_props(schema, prior, request.planned_private))
                response.new_state.CopyFrom(_dynamic(None, schema))
                return response
            props = core_props(schema, planned, unknowns=False)
            if prior is None:
                created = core.create(props)
                id_, outputs = created.id, created.outputs
            else:
                olds = core_props(schema, prior, request.planned_private)
                id_ = str(prior[ID])
                outputs = core.update(id_, olds, props)
        except PartialCreateError as error:
            # Recorded, with the error: Terraform taints a create (see the module).
            assert planned is not None
            id_, outputs = error.resource_id, error.outputs
            response.diagnostics.append(diagnostics.error(str(error)))
        except USER_ERRORS as error:
            response.diagnostics.append(diagnostics.error(str(error)))
            response.new_state.CopyFrom(_dynamic(prior, schema))
            response.private = request.planned_private
            return response
        response.new_state.CopyFrom(_dynamic(state_of(schema, id_, outputs, planned), schema))
        response.private = private_of(schema, outputs)
        return response

    def ReadResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Refresh: the resource as the service has it now (gone: a null object)."""
        schema = self._schema(request.type_name, context)
        current = _value(request.current_state, schema)
        response = pb.ReadResource.Response(private=request.private)
        if current is None:
            response.new_state.CopyFrom(_dynamic(None, schema))
            return response
        core = self._core(schema, current)
        try:
            found = core.read(str(current[ID]), core_props(schema, current, request.private))
        except USER_ERRORS as error:
            response.diagnostics.append(diagnostics.error(str(error)))
            response.new_state.CopyFrom(_dynamic(current, schema))
            return response
        if found.id is None:
            response.new_state.CopyFrom(_dynamic(None, schema))
            return response
        state = state_of(schema, found.id, found.outputs, current, keep_null=False)
        response.new_state.CopyFrom(_dynamic(state, schema))
        response.private = private_of(schema, found.outputs) or request.private
        return response

    def ImportResourceState(self, request: Any, context: Any) -> Any:  # noqa: N802
        """The id alone; the read that follows rebuilds the rest from the service."""
        schema = self._schema(request.type_name, context)
        imported = pb.ImportResourceState.ImportedResource(
            type_name=request.type_name, state=_dynamic({ID: request.id}, schema)
        )
        return pb.ImportResourceState.Response(imported_resources=[imported])
