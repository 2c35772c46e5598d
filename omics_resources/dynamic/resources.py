"""What the Resource classes hand to the provider besides the user's inputs."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import pulumi
from pulumi.dynamic import Resource

from omics_resources.core.resource import SCOPE_PROPERTY, ResourceBehaviour
from omics_resources.dynamic.provider import CoreProvider

__all__ = ["JobResource", "args_props", "resource_props", "token_scope"]


def args_props(args: Any) -> dict[str, Any]:
    """An ``*Args`` dataclass as the provider's props: each field under its own name (the
    fields are the kind's field table's names; ``tests/unit/test_fields.py`` holds them to it)."""
    return {f.name: getattr(args, f.name) for f in dataclasses.fields(args)}


def token_scope(resource_name: str) -> dict[str, str]:
    """What client tokens are derived from besides the request: project, stack and
    resource name (inside the provider, ``pulumi.get_stack()`` is not the real stack, so
    the program passes it in under :data:`~omics_resources.core.resource.SCOPE_PROPERTY`)."""
    return {
        "project": pulumi.get_project(),
        "stack": pulumi.get_stack(),
        "resource_name": resource_name,
    }


def resource_props(
    behaviour: type[ResourceBehaviour], resource_name: str, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """The props of a resource: its inputs, a placeholder per output (without a key in the
    props given to the SDK, an output is no attribute of the resource object), and the
    scope that client tokens are derived from (:func:`token_scope`)."""
    props: dict[str, Any] = dict.fromkeys(behaviour.output_names())
    props.update(inputs)
    props[SCOPE_PROPERTY] = token_scope(resource_name)
    return props


class _Args(Protocol):
    def to_props(self) -> dict[str, Any]: ...


ArgsT = TypeVar("ArgsT", bound=_Args)


class JobResource(Resource, Generic[ArgsT]):
    """What both job resources have: their outputs, and adoption by id with :meth:`get`.
    Subclasses name their ``*Args`` class as the type parameter."""

    provider_class: ClassVar[type[CoreProvider]]

    job_id: pulumi.Output[str]
    """The job's id (the last one, when a retry imported what an earlier one did not)."""
    job_ids: pulumi.Output[list[str]]
    """Every job of the resource, oldest first: more than one when a `pulumi up` after a
    partial failure retried the failed sources in a new job."""
    sequence_store_id: pulumi.Output[str]
    """The sequence store."""
    status: pulumi.Output[str]
    """The job's status (COMPLETED once ``pulumi up`` succeeded with ``wait``)."""
    status_message: pulumi.Output[str | None]
    """The service's message about the job, if any."""
    creation_time: pulumi.Output[str]
    """When the job was created (ISO 8601)."""
    completion_time: pulumi.Output[str | None]
    """When the job ended (ISO 8601), if it has."""
    sources: pulumi.Output[list[dict[str, Any]]]
    """Per source: what was asked, ``status``, ``status_message`` and ``read_set_id``."""
    read_set_ids: pulumi.Output[list[str]]
    """The read sets the job touched, in source order."""
    read_set_statuses: pulumi.Output[dict[str, str]]
    """The current status of each read set (DELETED when gone)."""

    def __init__(
        self,
        resource_name: str,
        args: ArgsT | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the job.

        :param str resource_name: The name of the resource (unique in the stack; part of the
            derived client token).
        :param args: The job's ``*Args``; None only through :meth:`get`.
        :param pulumi.ResourceOptions opts: Options for the resource.
        """
        props = resource_props(
            self.provider_class.behaviour, resource_name, args.to_props() if args else {}
        )
        super().__init__(self.provider_class(), resource_name, props, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> Self:
        """Adopt an existing job by its id ``<sequenceStoreId>/<jobId>``: read from the
        service, never started (``pulumi import`` does not work for dynamic resources)."""
        return cls(
            resource_name, None, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        )
