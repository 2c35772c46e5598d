"""``ReadSetExport``'s behaviour: "these read sets, exported under this S3 prefix", as
desired state, for any number of read sets.

Create exports every read set (jobs of at most 100, side by side: see
:mod:`omics_resources.core.export.run`) and records each one's objects, read from one
listing of the prefix (:mod:`omics_resources.core.export.objects`). Refresh lists the prefix
again and reports the recorded objects that are gone as drift (``missing_objects``); the
next ``pulumi up`` is an update in place that exports only the read sets they belong to,
and read sets added to ``read_set_ids``. A read set must be ACTIVE to be exported (the
guide: an archived one is not readable until activated): create fails naming those that are
not, before starting any job (declare them in an ``ActiveReadSets`` the export depends on).
Destroy deletes nothing unless ``delete_objects`` is set.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from omics_resources.core import fields, limits
from omics_resources.core.account import aws
from omics_resources.core.active.census import take_census
from omics_resources.core.errors import InvalidInputError, OmicsResourceError
from omics_resources.core.export.kind import EXPORT_JOB_MAX_READ_SETS, ExportKind
from omics_resources.core.export.objects import Destination, missing_objects
from omics_resources.core.export.run import Exporter, ExportRequest, batches
from omics_resources.core.fields import Change, Field, Output, documented
from omics_resources.core.jobs.kind import COMMON_FIELDS
from omics_resources.core.jobs.run import iso
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
from omics_resources.core.validation import (
    Problem,
    SettingRule,
    api_problems,
    duplicate_problems,
    setting_problems,
)

__all__ = ["EXPORT_FIELDS", "ReadSetExportBehaviour", "ReadSetsNotExportableError"]

_START = ExportKind.operations.start

#: Every property: store and destination (another is another resource), the read sets and
#: the role (changed in place: only added read sets are exported), and our settings.
EXPORT_FIELDS: tuple[Field, ...] = (
    Field(
        "sequence_store_id",
        api=("sequenceStoreId",),
        doc="The sequence store holding the read sets (10 to 36 digits).",
    ),
    Field(
        "destination",
        api=("destination",),
        doc="Where to export: ``s3://bucket/prefix/``; each read set's files go under "
        "``<destination><readSetId>/``.",
    ),
    Field(
        "role_arn",
        api=("roleArn",),
        change=Change.UPDATE,
        doc="The IAM role HealthOmics assumes to write to the destination.",
    ),
    Field(
        "read_set_ids",
        api=("sources",),
        scalar_item=("readSetId",),
        change=Change.UPDATE,
        doc="The read sets to export, any number, each listed once and ACTIVE.",
    ),
    *documented(
        [f for f in COMMON_FIELDS if f.name in ("wait_timeout", "allow_partial")],
        wait_timeout="Seconds to wait for the export jobs (default 12 hours); the jobs go on "
        "after it.",
        allow_partial="Leave out read sets that are not ACTIVE and accept jobs "
        "COMPLETED_WITH_FAILURES, instead of failing.",
    ),
    Field(
        "delete_objects",
        change=Change.SETTING,
        setting=SettingRule(bool, False),
        doc="Delete the exported objects when the resource is destroyed (or a read set is "
        "removed from it). Off by default: destroy deletes nothing.",
    ),
)

#: Outputs besides the inputs.
OUTPUTS = (
    Output(
        "object_uris",
        "Each read set's exported objects (S3 URIs, sorted), by read set id, as found after "
        "the last create, update or refresh.",
        kind="any",
        many="map",
    ),
    Output(
        "missing_objects",
        "Exported objects the last refresh did not find (drift: the next ``pulumi up`` "
        "exports their read sets again).",
        many="list",
    ),
    Output(
        "export_jobs",
        "Every export job of the resource, oldest first: ``job_id``, ``status``, "
        "``read_set_ids``, ``creation_time``, ``completion_time``.",
        kind="object",
        many="list",
        members=(
            Output("job_id", "The job's id."),
            Output("status", "The job's status."),
            Output("read_set_ids", "The read sets it exported.", many="list"),
            Output("creation_time", "When it was created (ISO 8601)."),
            Output("completion_time", "When it ended (ISO 8601), if it has.", optional=True),
        ),
    ),
)


class ReadSetsNotExportableError(OmicsResourceError):
    """Some read sets are not ACTIVE (archived, deleted, unknown): nothing was started."""


def resource_id(store: str, scope: Any) -> str:
    """``<sequenceStoreId>/export/<hash of project, stack and name>``: stable across updates."""
    canonical = json.dumps(scope if isinstance(scope, Mapping) else {}, sort_keys=True)
    return f"{store}/export/{hashlib.sha256(canonical.encode()).hexdigest()[:16]}"


def _recorded(outputs: Mapping[str, Any]) -> dict[str, Any]:
    found = outputs.get("object_uris")
    return dict(found) if isinstance(found, Mapping) else {}


def _jobs(outputs: Mapping[str, Any]) -> list[Props]:
    found = outputs.get("export_jobs")
    return [dict(j) for j in found if isinstance(j, Mapping)] if isinstance(found, list) else []


def _job_output(job: Mapping[str, Any]) -> Props:
    return {
        "job_id": job.get("id"),
        "status": job.get("status"),
        "read_set_ids": ExportKind().read_set_ids(job),
        "creation_time": iso(job.get("creationTime")),
        "completion_time": iso(job.get("completionTime")),
    }


def to_export(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The read sets of ``news`` an up must export: those with no objects recorded in
    ``olds`` (new, or the store or destination changed) and those owning a missing one."""
    ids = [str(i) for i in news.get("read_set_ids") or []]
    same = all(olds.get(k) == news.get(k) for k in ("sequence_store_id", "destination"))
    if not same:
        return ids
    recorded = _recorded(olds)
    owners: set[str] = set()
    missing = olds.get("missing_objects")
    if isinstance(missing, list) and isinstance(news.get("destination"), str):
        destination = Destination.parse(str(news["destination"]))
        owners = {o for o in (destination.owner(str(u)) for u in missing) if o}
    return [i for i in ids if not recorded.get(i) or i in owners]


class ReadSetExportBehaviour(ResourceBehaviour):
    """``ReadSetExport``: every engine call, over plain dicts (see the module)."""

    type_name = "ReadSetExport"
    summary = (
        "Read sets exported to an S3 prefix, any number of them, as desired state. Create "
        "exports them in jobs of at most 100 run side by side; refresh checks that the "
        "exported objects still exist and reports the missing ones as drift, which the next "
        "``pulumi up`` repairs by exporting only their read sets. Read sets must be ACTIVE. "
        "Destroying it deletes nothing unless ``delete_objects`` is set."
    )
    fields = EXPORT_FIELDS
    outputs = OUTPUTS
    operation = _START

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Fill in defaults and report every problem with the inputs; no AWS call."""
        inputs = with_defaults(fields.settings(EXPORT_FIELDS), news)
        return Checked(inputs, self.problems(inputs))

    def problems(self, props: Mapping[str, Any]) -> list[Problem]:
        """StartReadSetExportJob's rules (botocore's model), for each job the read sets
        would be cut into; each id listed once; the settings."""
        ids = props.get("read_set_ids")
        size = EXPORT_JOB_MAX_READ_SETS
        chunks: list[Any] = (batches(ids) or [[]]) if isinstance(ids, list) else [ids]
        found: list[Problem] = []
        for number, chunk in enumerate(chunks):
            request = fields.to_api(EXPORT_FIELDS, {**props, "read_set_ids": chunk})

            def path(api_path: tuple[str | int, ...], offset: int = number * size) -> str:
                if len(api_path) > 1 and isinstance(api_path[1], int):
                    api_path = (api_path[0], api_path[1] + offset, *api_path[2:])
                return fields.property_path(EXPORT_FIELDS, api_path)

            for problem in api_problems(_START, request, path):
                # One job's size limit is ours to meet (by batching); the rest is judged once.
                if isinstance(ids, list) and problem.path == "read_set_ids":
                    continue
                if number and not problem.path.startswith("read_set_ids["):
                    continue
                found.append(problem)
        return [
            *found,
            *duplicate_problems("read_set_ids", ids),
            *setting_problems(fields.settings(EXPORT_FIELDS), props),
        ]

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Replace for another store or destination; update in place for changed read sets,
        role or settings, and for drift (objects a refresh found missing). No API call."""
        replaces = fields.changed_fields(EXPORT_FIELDS, olds, news, Change.REPLACE)
        updates = [
            *fields.changed_fields(EXPORT_FIELDS, olds, news, Change.UPDATE),
            *fields.changed_fields(EXPORT_FIELDS, olds, news, Change.SETTING),
        ]
        drift = not replaces and "object_uris" in olds and bool(to_export(olds, news))
        return Diff(changes=bool(replaces or updates or drift), replaces=replaces, updates=updates)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Export every read set; record the objects found under the destination."""
        store = str(props["sequence_store_id"])
        return Created(resource_id(store, props.get(SCOPE_PROPERTY)), self._up(props, {}))

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
        """Export only what is missing (added read sets, objects a refresh found gone)."""
        return self._up(news, olds)

    def read(self, id_: str, props: Mapping[str, Any]) -> Read:
        """The recorded objects that still exist (one listing of the prefix), and those
        that do not as ``missing_objects``."""
        destination, ids = props.get("destination"), props.get("read_set_ids")
        if not isinstance(destination, str) or not isinstance(ids, list):
            raise OmicsResourceError(
                f"{id_}: ReadSetExport is read from its own state; it cannot be adopted by id "
                "(declare it with its destination and read_set_ids instead)"
            )
        where = Destination.parse(destination)
        present = where.objects(aws.s3_client(self.runtime.settings), map(str, ids))
        missing = missing_objects(_recorded(props), present)
        outs = plain_inputs(props)
        outs["object_uris"] = {str(i): present[str(i)] for i in ids if str(i) in present}
        outs["missing_objects"] = sorted(u for uris in missing.values() for u in uris)
        if missing:
            self.runtime.progress(resource_name(props, id_), "objects").say(
                f"{len(outs['missing_objects'])} exported objects of {len(missing)} read sets "
                f"are missing: {', '.join(outs['missing_objects'])} (the next `pulumi up` "
                "exports those read sets again)"
            )
        return Read(id_, outs)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Nothing, unless ``delete_objects``: then every recorded object is deleted."""
        if props.get("delete_objects") is True and isinstance(props.get("destination"), str):
            uris = [str(u) for v in _recorded(props).values() if isinstance(v, list) for u in v]
            self._delete(props, uris)

    # -- helpers --------------------------------------------------------------------------

    def _delete(self, props: Mapping[str, Any], uris: list[str]) -> None:
        if not uris:
            return
        progress = self.runtime.progress(resource_name(props, "export"), "objects")
        where = Destination.parse(str(props["destination"]))
        deleted = where.delete(aws.s3_client(self.runtime.settings), uris, progress.say)
        progress.say(f"deleted {deleted} of {len(uris)} exported objects (delete_objects)")

    def _refuse_inactive(self, props: Mapping[str, Any], todo: list[str]) -> list[str]:
        """The read sets of ``todo`` that can be exported now; fails naming the others
        (with ``allow_partial``: leaves them out, saying so)."""
        census = take_census(self.runtime.scheduler().api, str(props["sequence_store_id"]), todo)
        positions = {str(i): n for n, i in enumerate(props.get("read_set_ids") or [])}
        bad = {i: s for i, s in census.statuses.items() if s != limits.READ_SET_ACTIVE}
        if not bad:
            return todo
        named = [f"read_set_ids[{positions.get(i, '?')}] ({i}): {s}" for i, s in bad.items()]
        resource = resource_name(props, "export")
        if props.get("allow_partial") is True:
            self.runtime.progress(resource, "read sets").say(
                f"{len(bad)} not ACTIVE, left out (allow_partial): " + "; ".join(named)
            )
            return [i for i in todo if i not in bad]
        lines = "".join(f"\n  - {n}" for n in named)
        raise ReadSetsNotExportableError(
            f"{resource}: {len(bad)} of {len(todo)} read sets to export are not ACTIVE (an "
            f"archived read set cannot be read until it is activated):{lines}\n  - activate "
            "them first (an ActiveReadSets of these ids, with depends_on), or set "
            "allow_partial to export the others. Nothing was started."
        )

    def _up(self, props: Mapping[str, Any], olds: Mapping[str, Any]) -> Props:
        resource = resource_name(props, "export")
        problems = self.problems(props)
        if problems:
            raise InvalidInputError(resource, problems)
        ids = [str(i) for i in props.get("read_set_ids") or []]
        todo = to_export(olds, props)
        progress = self.runtime.progress(resource, "read sets")
        if todo:
            todo = self._refuse_inactive(props, todo)
        jobs_count = len(batches(todo))
        progress.say(
            f"{len(ids)} read sets: {len(ids) - len(todo)} exported already; exporting "
            f"{len(todo)} in {jobs_count} job{'s' * (jobs_count != 1)} of at most "
            f"{EXPORT_JOB_MAX_READ_SETS}"
        )
        earlier = _jobs(olds)
        exporter = Exporter(
            scheduler=self.runtime.scheduler(),
            clock=self.runtime.clock,
            cancel=self.runtime.cancel,
            policy=self.runtime.policy,
            resource=resource,
            scope=props.get(SCOPE_PROPERTY) or {},
            previous_jobs=[str(j.get("job_id")) for j in earlier],
            sink=self.runtime.sink,
        )
        jobs = exporter.export(
            ExportRequest(
                store=str(props["sequence_store_id"]),
                destination=str(props["destination"]),
                role_arn=str(props["role_arn"]),
                read_set_ids=tuple(todo),
                declared=tuple(ids),
                wait_timeout=float(
                    props.get("wait_timeout") or limits.DEFAULT_WAIT_TIMEOUT_SECONDS
                ),
                allow_partial=bool(props.get("allow_partial")),
            )
        )
        s3 = aws.s3_client(self.runtime.settings)
        where = Destination.parse(str(props["destination"]))
        if props.get("delete_objects") is True and olds.get("destination") == props["destination"]:
            removed = set(_recorded(olds)) - set(ids)
            self._delete(props, [str(u) for i in removed for u in _recorded(olds)[i] or []])
        present = where.objects(s3, ids)
        outs = plain_inputs(props)
        outs["object_uris"] = {i: present[i] for i in ids if i in present}
        outs["missing_objects"] = []
        outs["export_jobs"] = [*earlier, *(_job_output(j) for j in jobs)]
        return outs
