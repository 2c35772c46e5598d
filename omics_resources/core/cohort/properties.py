"""``CohortImport``'s properties: its fields (the import job's, with the role and the
sources changed in place), its outputs, and the rules its inputs must meet (each source as
``ReadSetImportJob`` checks its sources, by its place in the whole list)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, Final

from omics_resources.core import fields
from omics_resources.core.cohort import identity
from omics_resources.core.cohort.batching import MAX_SOURCES_PER_JOB, duplicate_keys
from omics_resources.core.fields import Change, Field, Output
from omics_resources.core.jobs.import_job import IMPORT_FIELDS, ImportKind
from omics_resources.core.service_model import operation_model
from omics_resources.core.validation import Problem, SettingRule, api_problems, setting_problems

__all__ = ["COHORT_FIELDS", "OUTPUTS", "SETTINGS", "cohort_problems"]

_KIND = ImportKind()
_OPERATION = _KIND.operations.start


def _read_set_tags_max() -> int:
    shape = operation_model("TagResource").input_shape
    assert shape is not None
    return int(shape.members["tags"].metadata["max"])


#: Tags a read set holds at most (TagResource's limit in botocore's model: 50); the
#: cohort's identity tag is one of them, so a source declares at most one fewer.
READ_SET_TAGS_MAX: Final = _read_set_tags_max()


def _import_field(name: str, **changes: Any) -> Field:
    found = next(f for f in IMPORT_FIELDS if f.name == name)
    return dataclasses.replace(found, **changes)


#: Every property: the import job's, less its client token (each batch derives its own),
#: with the role and the sources changed in place, plus delete_removed_read_sets.
COHORT_FIELDS: Final = (
    _import_field(
        "sequence_store_id",
        doc="The sequence store to import into (10 to 36 digits); a change replaces the cohort.",
    ),
    _import_field(
        "role_arn",
        change=Change.UPDATE,
        doc="A service role HealthOmics assumes to read the sources; a change applies to new jobs.",
    ),
    _import_field(
        "sources",
        change=Change.UPDATE,
        doc="Any number of sources, each a read set; a source's key is its ``name``, else its "
        "``sample_id`` and files (see :mod:`omics_resources.core.cohort.batching`).",
    ),
    _import_field(
        "wait",
        doc="Wait for the jobs to end during ``pulumi up`` (else refresh reports them).",
    ),
    _import_field(
        "wait_timeout",
        doc="Seconds to wait for all jobs of one ``pulumi up`` (default 12 hours).",
    ),
    _import_field(
        "allow_partial",
        doc="Accept failed sources (listed in the outputs; the next ``pulumi up`` retries them).",
    ),
    _import_field(
        "delete_read_sets_on_destroy",
        doc="Delete every read set of the cohort when it is destroyed (default: keep them).",
    ),
    Field(
        "delete_removed_read_sets",
        change=Change.SETTING,
        setting=SettingRule(bool, False),
        doc="Delete the read set of a sample removed from ``sources``, or of one whose files "
        "changed and was imported again (default: keep them).",
    ),
)
SETTINGS: Final = fields.settings(COHORT_FIELDS)
#: Outputs besides the inputs (each needs a key in the props, or it is no attribute).
OUTPUTS: Final = (
    Output(
        "read_set_ids", "Sample key -> its read set's id (samples with a read set).", many="map"
    ),
    Output(
        "samples",
        "Sample key -> ``status``, ``read_set_id``, ``job_id``, ``status_message`` (if any).",
        kind="object",
        many="map",
        members=(
            Output("status", "PENDING, FAILED, or its read set's status (ACTIVE ...)."),
            Output("read_set_id", "Its read set, if any.", optional=True),
            Output("job_id", "The import job that imported it (or tried it last).", optional=True),
            Output("status_message", "Why its import failed, if it did.", optional=True),
            Output(
                "duplicate_of",
                "Read sets of the cohort holding the same data (by ETag), as a refresh found.",
                many="list",
                optional=True,
            ),
        ),
    ),
    Output(
        "s3_uris",
        "Sample key -> its read set's S3 URI, for ACTIVE read sets: the read set's folder "
        "under the store's S3 access point (its files are below it).",
        many="map",
    ),
    Output("jobs", "Import job id -> its status.", many="map"),
    Output(
        "counts",
        "``imported``, ``failed``, ``pending``, ``deleted`` and ``duplicates`` samples.",
        kind="integer",
        many="map",
    ),
)


def _shifted(offset: int) -> Callable[[tuple[str | int, ...]], str]:
    """The property path of a member of a chunk's request whose sources start at ``offset``."""

    def path(api_path: tuple[str | int, ...]) -> str:
        if len(api_path) > 1 and api_path[0] == "sources" and isinstance(api_path[1], int):
            api_path = ("sources", api_path[1] + offset, *api_path[2:])
        return fields.property_path(COHORT_FIELDS, api_path)

    return path


def cohort_problems(props: Mapping[str, Any]) -> list[Problem]:
    """Every rule ``props`` break: each source as ``ReadSetImportJob`` checks its sources,
    the settings, and repeated keys (naming both sources)."""
    request = fields.to_api(COHORT_FIELDS, props)
    sources = request.get("sources")
    found: list[Problem] = []
    if isinstance(sources, list) and len(sources) > MAX_SOURCES_PER_JOB:
        # Chunks of one job's size: the API's list-size rule is the batches' business.
        for start in range(0, len(sources), MAX_SOURCES_PER_JOB):
            chunk = {**request, "sources": sources[start : start + MAX_SOURCES_PER_JOB]}
            found += [  # the store and the role are in every chunk: said once
                p
                for p in api_problems(_OPERATION, chunk, _shifted(start))
                if not start or p.path.startswith("sources[")
            ]
    else:
        found += api_problems(_OPERATION, request, _shifted(0))
    found += setting_problems(SETTINGS, props)
    found += _KIND.own_problems(props)
    declared = props.get("sources")
    if isinstance(declared, list):
        found += [d.problem() for d in duplicate_keys(declared)]
        found += [
            Problem(
                f"sources[{i}].tags",
                identity.COHORT_TAG,
                "is the tag key the cohort keeps for itself (its identity); use another key",
            )
            for i, source in enumerate(declared)
            if isinstance(source, Mapping)
            and isinstance(source.get("tags"), Mapping)
            and identity.COHORT_TAG in source["tags"]
        ]
        found += [
            Problem(
                f"sources[{i}].tags",
                f"{len(source['tags'])} tags",
                f"at most {READ_SET_TAGS_MAX - 1}: a read set holds {READ_SET_TAGS_MAX} tags "
                f"and the cohort keeps one of them for itself ({identity.COHORT_TAG})",
            )
            for i, source in enumerate(declared)
            if isinstance(source, Mapping)
            and isinstance(source.get("tags"), Mapping)
            and len(source["tags"]) >= READ_SET_TAGS_MAX
        ]
    return found
