"""The reference import kind: reference genomes (FASTA) imported from S3 into a reference
store, any number by name, in jobs of up to 100.

A reference store imports one job at a time (StartReferenceImportJob's API page), so the
jobs of one resource run one after another, and a second resource's jobs queue behind them
(the ``reference`` job slot; a job of another process is waited out like a full job quota).
Each job is a :class:`~omics_resources.core.jobs.run.JobRun` under a token derived from its
request: after a kill, the next ``pulumi up`` picks up every job already started instead of
starting a second one. Outputs name each reference's id and ARN by its name, so a cohort's
``reference_arn`` can come from this resource in the same stack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import botocore.exceptions

from omics_resources.core import fields, limits
from omics_resources.core.account import aws
from omics_resources.core.account.api import JobOperations, OmicsApi, ReadSetInfo
from omics_resources.core.errors import InvalidInputError
from omics_resources.core.fields import Change, Field, Output
from omics_resources.core.jobs.behaviour import token_seed
from omics_resources.core.jobs.kind import (
    COMMON_FIELDS,
    JobKind,
    Props,
    merged_by_source,
    parse_resource_id,
    resource_id,
    unfinished_request,
)
from omics_resources.core.jobs.run import JobRun
from omics_resources.core.resource import (
    SCOPE_PROPERTY,
    Checked,
    Created,
    Diff,
    Read,
    ResourceBehaviour,
    plain_inputs,
    resource_name,
    with_defaults,
)
from omics_resources.core.service_model import operation_model
from omics_resources.core.validation import (
    Problem,
    api_problems,
    duplicate_problems,
    setting_problems,
)

__all__ = [
    "JOB_SIZE",
    "REFERENCE_FIELDS",
    "REFERENCE_FIELD_NAMES",
    "REFERENCE_IMPORT_FIELDS",
    "ReferenceImportJobBehaviour",
    "ReferenceKind",
    "batches",
]

_START = "StartReferenceImportJob"
_sources = operation_model(_START).input_shape
assert _sources is not None
#: References per job: the most StartReferenceImportJob takes (botocore's model).
JOB_SIZE = int(_sources.members["sources"].metadata["max"])

#: Each reference: where it goes in StartReferenceImportJob's source item.
REFERENCE_FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        api=("name",),
        doc="The reference's name (3 to 255 characters, unique in the resource); its key in "
        "``reference_ids`` and ``reference_arns``.",
    ),
    Field("source_file", api=("sourceFile",), doc="The S3 URI of the FASTA file (s3://b/k)."),
    Field("description", api=("description",), doc="The reference's description."),
    Field("tags", api=("tags",), doc="Tags of the reference."),
)
REFERENCE_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in REFERENCE_FIELDS)
#: Every property of the resource.
REFERENCE_IMPORT_FIELDS: tuple[Field, ...] = (
    Field(
        "reference_store_id",
        api=("referenceStoreId",),
        doc="The reference store to import into (10 to 36 digits).",
    ),
    Field(
        "role_arn",
        api=("roleArn",),
        doc="A service role that HealthOmics assumes to read the FASTA files from S3.",
    ),
    Field(
        "references",
        api=("sources",),
        items=REFERENCE_FIELDS,
        doc=f"The references to import, one or more; imported in jobs of up to {JOB_SIZE}, "
        "one after another (a store imports one job at a time).",
    ),
    *fields.documented(
        tuple(f for f in COMMON_FIELDS if f.name in ("wait_timeout", "allow_partial")),
        wait_timeout="Seconds to wait for the import jobs (default 12 hours), queueing "
        "included; a job goes on after it.",
        allow_partial="Accept COMPLETED_WITH_FAILURES (some references failed) as success.",
    ),
)
_RESULT_FIELDS = {
    "status": "status",
    "statusMessage": "status_message",
    "referenceId": "reference_id",
    "jobId": "job_id",
}
REFERENCE_OUTPUTS: tuple[Output, ...] = (
    Output("job_ids", "Every import job of the resource, oldest first.", many="list"),
    Output("status", "COMPLETED when every job did (else the first other status)."),
    Output(
        "results",
        "Per reference, in declaration order: its inputs, ``status``, ``status_message``, "
        "``reference_id``, ``reference_arn``, ``job_id``.",
        kind="object",
        many="list",
        members=(
            Output("status", "The reference's status in its job (FINISHED, FAILED ...)."),
            Output("status_message", "The service's message about it, if any.", optional=True),
            Output("reference_id", "The imported reference's id, if any.", optional=True),
            Output("reference_arn", "The imported reference's ARN, if any.", optional=True),
            Output("job_id", "The job that imported it (or tried it last)."),
        ),
        inputs=REFERENCE_FIELDS,
    ),
    Output("reference_ids", "Each imported reference's id, by name.", many="map"),
    Output(
        "reference_arns",
        "Each imported reference's ARN, by name (a cohort row's ``reference_arn``).",
        many="map",
    ),
    Output(
        "reference_statuses",
        "Each imported reference's current status, by name (DELETED when gone).",
        many="map",
    ),
)


def batches(references: Sequence[Any]) -> list[list[Any]]:
    """The references in jobs of up to :data:`JOB_SIZE`, in declaration order."""
    return [list(references[i : i + JOB_SIZE]) for i in range(0, len(references), JOB_SIZE)]


class ReferenceKind(JobKind):
    """StartReferenceImportJob / GetReferenceImportJob: one job of a resource's batches."""

    noun = "reference import job"
    operations = JobOperations(
        start=_START,
        get="GetReferenceImportJob",
        list="ListReferenceImportJobs",
        store="referenceStoreId",
    )
    slot = "reference"
    fields = REFERENCE_IMPORT_FIELDS
    outputs = REFERENCE_OUTPUTS
    retry_words = (
        "a new job will import only the failed references (the others keep theirs) while "
        "the references stay as declared, so fix the cause outside the program (upload the "
        "FASTA, give the role access)"
    )

    def retry_request(self, job: Mapping[str, Any], request: Props) -> Props | None:
        """Only the references the job did not import: none is imported twice."""
        return unfinished_request(job, request)

    def merged(self, jobs: Sequence[Mapping[str, Any]]) -> Props:
        """Every reference of the batch as the job that imported it reported it."""
        return merged_by_source(jobs)

    def source_outputs(
        self, job: Mapping[str, Any], props: Mapping[str, Any], read_sets: Mapping[str, ReadSetInfo]
    ) -> list[Props]:
        """Not used: the resource's outputs are by reference (see the behaviour)."""
        return []

    def source_label(self, index: int, source: Mapping[str, Any]) -> str:
        """``reference grch38 (s3://bucket/grch38.fa)``."""
        return f"reference {source.get('name')} ({source.get('sourceFile')})"


class ReferenceImportJobBehaviour(ResourceBehaviour):
    """``ReferenceImportJob``: references imported into a reference store, by name."""

    type_name = "ReferenceImportJob"
    summary = (
        "HealthOmics reference import jobs: any number of reference genomes (FASTA) "
        f"imported from S3 into a reference store, in jobs of up to {JOB_SIZE} run one after "
        "another; a second resource's jobs for the same store queue. Outputs each "
        "reference's id and ARN by name. Destroying it keeps the references."
    )
    kind = ReferenceKind()
    fields = kind.fields
    outputs = kind.outputs
    operation = _START

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Fill in defaults and report every problem with the inputs; no AWS call."""
        inputs = with_defaults(self.kind.settings, news)
        return Checked(inputs, self.problems(inputs))

    def problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """The API's rules for each job's request (paths in the whole list), our settings',
        unknown reference fields and names given twice."""
        references = props.get("references")
        parts = batches(references) if isinstance(references, list) and references else [None]
        found: list[Problem] = []
        for number, part in enumerate(parts):
            batch = dict(props) if part is None else {**props, "references": part}
            offset = number * JOB_SIZE

            def path(api_path: tuple[str | int, ...], offset: int = offset) -> str:
                if len(api_path) > 1 and api_path[0] == "sources" and isinstance(api_path[1], int):
                    api_path = ("sources", api_path[1] + offset, *api_path[2:])
                return self.kind.property_path(api_path)

            for problem in api_problems(_START, self.kind.request(batch), path):
                if problem not in found:
                    found.append(problem)
        found += setting_problems(self.kind.settings, props)
        if isinstance(references, list):
            for index, reference in enumerate(references):
                if not isinstance(reference, Mapping):
                    continue
                found += [
                    Problem(
                        f"references[{index}].{name}",
                        reference[name],
                        f"is not a reference field (known: {', '.join(REFERENCE_FIELD_NAMES)})",
                    )
                    for name in reference
                    if name not in REFERENCE_FIELD_NAMES
                ]
            names = [r.get("name") if isinstance(r, Mapping) else None for r in references]
            found += [
                Problem(
                    p.path.replace("]", "].name", 1),
                    p.value,
                    "is a name given twice: references are output by name",
                )
                for p in duplicate_problems("references", names)
                if p.value is not None
            ]
        return found

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Replace for anything a Start would send differently; settings in place. Pure."""
        replaces = self.kind.replaces(olds, news)
        updates = fields.changed_fields(self.kind.fields, olds, news, Change.SETTING)
        return Diff(changes=bool(replaces or updates), replaces=replaces, updates=updates)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Import every batch in turn (or pick up the jobs an earlier run started)."""
        progress = self.runtime.progress(resource_name(props, "references"), self.kind.noun)
        problems = self.problems(props)
        if problems:
            raise InvalidInputError(progress.resource, problems)
        scheduler = self.runtime.scheduler()
        chains: list[list[Props]] = []
        timeout = float(props.get("wait_timeout") or limits.DEFAULT_WAIT_TIMEOUT_SECONDS)
        deadline = self.runtime.clock.monotonic() + timeout
        for part in batches(props["references"]):
            # One wait_timeout for every job of the resource, each one's wait included.
            left = max(deadline - self.runtime.clock.monotonic(), 0.001)
            batch = {**props, "references": part, "wait_timeout": left}
            request = self.kind.request(batch)
            request.pop("clientToken", None)
            run = JobRun(
                self.kind,
                batch,
                scheduler=scheduler,
                clock=self.runtime.clock,
                cancel=self.runtime.cancel,
                policy=self.runtime.policy,
                progress=progress,
                seed=token_seed(props, request),
            )
            job = run.run(wait=True)
            chains.append([*run.earlier, job])
        store = str(props["reference_store_id"])
        return Created(
            resource_id(store, chains[0][0]["id"]),
            self._outputs(scheduler.api, props, chains),
        )

    def _outputs(
        self, api: OmicsApi, inputs: Mapping[str, Any], chains: list[list[Props]]
    ) -> Props:
        results: list[Props] = []
        declared = list(inputs.get("references") or [])
        for chain in chains:
            for reported in self.kind.merged(chain).get("sources") or []:
                one = dict(declared[len(results)]) if len(results) < len(declared) else {}
                one.update({name: reported.get(key) for key, name in _RESULT_FIELDS.items()})
                one.setdefault("name", reported.get("name"))
                results.append(one)
        store = str(inputs["reference_store_id"])
        known = references_of(api, store, [r["reference_id"] for r in results if r["reference_id"]])
        for one in results:
            one["reference_arn"] = known.get(one["reference_id"] or "", {}).get("arn")
        statuses = [chain[-1]["status"] for chain in chains]
        done = [r for r in results if r["reference_id"]]
        outs = plain_inputs(inputs)
        outs.update(
            job_ids=[job["id"] for chain in chains for job in chain],
            status=next((s for s in statuses if s != "COMPLETED"), "COMPLETED"),
            results=results,
            reference_ids={r["name"]: r["reference_id"] for r in done},
            reference_arns={r["name"]: r["reference_arn"] for r in done},
            reference_statuses={
                r["name"]: known.get(r["reference_id"], {}).get("status", limits.READ_SET_DELETED)
                for r in done
            },
        )
        return outs

    def read(self, id_: str, props: Mapping[str, Any]) -> Read:
        """Each reference's current status; gone if the first job is gone. A job adopted by
        its id ``<referenceStoreId>/<jobId>`` gives the inputs that started it."""
        store, job_id = parse_resource_id(id_)
        api = self.runtime.scheduler().api
        try:
            job = api.get_job(self.kind.operations, store, job_id)
        except botocore.exceptions.ClientError as error:
            if aws.error_code(error) == limits.NOT_FOUND_ERROR_CODE:
                return Read(None, {})
            raise
        inputs = plain_inputs(props)
        if "reference_store_id" not in inputs:
            inputs = {
                **{n: rule.default for n, rule in self.kind.settings.items()},
                **self.kind.inputs_from_job(job),
                **inputs,
            }
            return Read(id_, self._outputs(api, inputs, [[job]]))
        outs = dict(inputs)
        ids = dict(props.get("reference_ids") or {})
        known = references_of(api, store, list(ids.values()))
        outs["reference_statuses"] = {
            name: known.get(i, {}).get("status", limits.READ_SET_DELETED) for name, i in ids.items()
        }
        return Read(id_, outs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
        """Settings only (no API call); returns every output (pulumi #13983)."""
        outs = plain_inputs(olds)
        for name in (*self.kind.settings, SCOPE_PROPERTY):
            outs[name] = news.get(name)
        return outs

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Keep the references: read sets may be aligned to them."""
        ids = list((props.get("reference_ids") or {}).values())
        progress = self.runtime.progress(resource_name(props, id_), self.kind.noun)
        if ids:
            progress.say(
                f"kept {len(ids)} reference(s) {', '.join(ids)} (read sets may be aligned "
                "to them; delete them with DeleteReference when none is)"
            )


def references_of(api: OmicsApi, store: str, ids: Sequence[str]) -> dict[str, Props]:
    """Each wanted reference of the store as ListReferences lists it (one call per 100),
    read until every one was seen; a deleted one is missing."""
    wanted, found = set(ids), {}
    if not wanted:
        return {}
    for page in api.pages("ListReferences", referenceStoreId=store):
        for item in page:
            if item.get("id") in wanted:
                found[str(item["id"])] = item
        if len(found) == len(wanted):
            break
    return found
