"""The single-job resources' behaviour: check, diff, create, read, update and delete.

``ReadSetImportJob`` and ``ReadSetActivationJob`` both run :class:`JobBehaviour`; their
difference is the :class:`~omics_resources.core.jobs.kind.JobKind`. A create is a
:class:`~omics_resources.core.jobs.run.JobRun` on the process's shared
:class:`~omics_resources.core.account.scheduler.Scheduler`. Data flows one way: inputs ->
validation -> client token -> scheduler (rate, slots, watcher) -> outputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import botocore.exceptions

from omics_resources.core import fields, limits
from omics_resources.core.account import aws
from omics_resources.core.errors import InvalidInputError
from omics_resources.core.fields import Change
from omics_resources.core.jobs.kind import JobKind, parse_resource_id, resource_id
from omics_resources.core.jobs.run import JobRun, iso
from omics_resources.core.resource import (
    SCOPE_PROPERTY,
    Checked,
    Created,
    Diff,
    Props,
    Read,
    ResourceBehaviour,
    plain_inputs,
    resource_name,
    with_defaults,
)
from omics_resources.core.tokens import TokenSeed
from omics_resources.core.validation import Problem, api_problems, setting_problems
from omics_resources.core.watch.results import seen_read_sets

__all__ = ["JobBehaviour", "token_seed"]


def token_seed(props: Mapping[str, Any], request: Mapping[str, Any]) -> TokenSeed:
    """What a job's client tokens are derived from: the scope's project, stack and resource
    name, and the Start request (without its token)."""
    scope = props.get(SCOPE_PROPERTY)
    scope = scope if isinstance(scope, Mapping) else {}
    return TokenSeed(
        project=str(scope.get("project", "")),
        stack=str(scope.get("stack", "")),
        resource_name=str(scope.get("resource_name", "")),
        request=request,
    )


class JobBehaviour(ResourceBehaviour):
    """A resource that is one job of one :class:`JobKind` (and its retries)."""

    kind: ClassVar[JobKind]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            cls.fields = cls.kind.fields
            cls.outputs = cls.kind.outputs
            cls.operation = cls.kind.operations.start

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Fill in defaults and report every problem with the inputs; no AWS call."""
        inputs = with_defaults(self.kind.settings, news)
        return Checked(inputs, self.problems(inputs))

    def problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """Every rule ``props`` break: the API's (from botocore's model) and the resource's."""
        return [
            *api_problems(
                self.kind.operations.start, self.kind.request(props), self.kind.property_path
            ),
            *setting_problems(self.kind.settings, props),
            *self.kind.own_problems(props),
        ]

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Replace for anything the Start call would send differently, or for drift; update
        in place for settings and read-set tags. Pure: no API call."""
        kind = self.kind
        replaces = kind.replaces(olds, news) + kind.drifted(olds)
        updates = fields.changed_fields(kind.fields, olds, news, Change.SETTING)
        updates += [f"{name}[{i}].{item}" for name, i, item in kind.in_place_changes(olds, news)]
        return Diff(changes=bool(replaces or updates), replaces=replaces, updates=updates)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Start the job (or pick up the one an earlier run started) and wait for its end."""
        progress = self.runtime.progress(resource_name(props, "job"), self.kind.noun)
        problems = self.problems(props)
        if problems:
            raise InvalidInputError(progress.resource, problems)
        request = self.kind.request(props)
        request.pop("clientToken", None)
        run = JobRun(
            self.kind,
            props,
            scheduler=self.runtime.scheduler(),
            clock=self.runtime.clock,
            cancel=self.runtime.cancel,
            policy=self.runtime.policy,
            progress=progress,
            seed=token_seed(props, request),
        )
        job = run.run(wait=bool(props.get("wait", True)))
        chain = [*run.earlier, job]
        return Created(
            resource_id(job["sequenceStoreId"], job["id"]),
            self._outputs(props, self.kind.merged(chain), [j["id"] for j in chain]),
        )

    def read(self, id_: str, props: Mapping[str, Any]) -> Read:
        """The job's current status and its read sets' states; gone if the job is gone."""
        store, job_id = parse_resource_id(id_)
        try:
            job = self.runtime.scheduler().api.get_job(self.kind.operations, store, job_id)
        except botocore.exceptions.ClientError as error:
            if aws.error_code(error) == limits.NOT_FOUND_ERROR_CODE:
                return Read(None, {})
            raise
        inputs = plain_inputs(props)
        if "sequence_store_id" not in inputs:
            # Adopted by id: rebuild the inputs from the job itself.
            inputs = {
                **{n: rule.default for n, rule in self.kind.settings.items()},
                **self.kind.inputs_from_job(job),
                **inputs,
            }
        job_ids = [str(j) for j in props.get("job_ids") or [job_id]]
        return Read(id_, self._outputs(inputs, self.kind.refreshed(job, props), job_ids))

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
        """Apply settings and tag changes in place; returns every output (pulumi #13983)."""
        outs = plain_inputs(olds)
        for name in (*self.kind.settings, SCOPE_PROPERTY):
            outs[name] = news.get(name)
        progress = self.runtime.progress(resource_name(news, id_), self.kind.noun)
        changes = self.kind.in_place_changes(olds, news)
        self.kind.apply_update(self.runtime.scheduler().api, changes, news, outs, progress)
        return outs

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Leave data in place unless asked (see each kind)."""
        progress = self.runtime.progress(resource_name(props, id_), self.kind.noun)
        self.kind.delete(self.runtime.scheduler().api, props, progress)

    def _outputs(
        self, inputs: Mapping[str, Any], job: Mapping[str, Any], job_ids: Sequence[str]
    ) -> Props:
        ids = self.kind.read_set_ids(job)
        # Read sets the job's answer came with (read from ListReadSets pages) are not asked
        # for again; an earlier job's of the chain are.
        read_sets = seen_read_sets(job)
        missing = [i for i in ids if i not in read_sets]
        if missing:
            read_sets.update(
                self.runtime.scheduler().api.read_sets(
                    job["sequenceStoreId"],
                    missing,
                    created_after=self.kind.read_sets_created_after(job),
                )
            )
        read_sets = {i: read_sets[i] for i in dict.fromkeys(ids)}
        outs = plain_inputs(inputs)
        outs.update(
            job_id=job["id"],
            job_ids=list(job_ids),
            sequence_store_id=job["sequenceStoreId"],
            status=job["status"],
            status_message=job.get("statusMessage"),
            creation_time=iso(job.get("creationTime")),
            completion_time=iso(job.get("completionTime")),
            sources=self.kind.source_outputs(job, inputs, read_sets),
            read_set_ids=ids,
            read_set_statuses={i: info["status"] for i, info in read_sets.items()},
        )
        return outs
