"""camelCase for the engine, snake_case for the core: names derived mechanically, map keys
(data) never touched, paths and messages renamed."""

from __future__ import annotations

import pytest

from omics_resources.core.registry import BEHAVIOURS, behaviour
from omics_resources.provider.calls import ResourceCall, renamed, scope_of, type_name_of
from omics_resources.provider.names import camel, rename_path, snake
from omics_resources.provider.types import resource_type, value_type
from omics_resources.provider.values import to_core, to_engine
from tests.support.engine_values import as_plain, engine_props

URN = "urn:pulumi:dev::genomics::omics:index:CohortImport::cohort"


def every_name() -> set[str]:
    names: set[str] = set()

    def walk(type_) -> None:  # type: ignore[no-untyped-def]
        for name, prop in type_.props.items():
            names.add(name)
            walk(prop.type)
        if type_.items is not None:
            walk(type_.items)

    for type_name in BEHAVIOURS:
        for type_ in resource_type(behaviour(type_name)):
            walk(type_)
    return names


@pytest.mark.parametrize(("name", "camel_name"), [
    ("read_set_ids", "readSetIds"), ("source_file_type", "sourceFileType"),
    ("source1", "source1"), ("sequence_store_id", "sequenceStoreId"), ("tags", "tags"),
    ("delete_read_sets_on_destroy", "deleteReadSetsOnDestroy"),
])
def test_camel_case(name: str, camel_name: str) -> None:
    assert camel(name) == camel_name and snake(camel_name) == name


def test_every_property_name_round_trips() -> None:
    names = every_name()
    assert {"read_set_ids", "source1", "duplicate_of", "activation_jobs"} <= names
    assert all(snake(camel(n)) == n for n in names)


def test_object_keys_are_renamed_map_keys_are_data() -> None:
    state = value_type(behaviour("CohortImport"))
    engine = {"sequenceStoreId": "1234567890", "waitTimeout": 60.0,
              "sources": [{"sourceFileType": "FASTQ", "source1": "s3://b/k",
                           "tags": {"my_key": "v", "otherKey": "w"}}],
              "samples": {"S1_R1": {"readSetId": "1", "duplicateOf": ["2"]}},
              "readSetIds": {"S1_R1": "1"},
              "ledger": {"sig": {"S1_R1": "abc"}, "next_batch": 2}}
    core = to_core(engine_props(engine), state, set())
    assert core == {"sequence_store_id": "1234567890", "wait_timeout": 60.0,
                    "sources": [{"source_file_type": "FASTQ", "source1": "s3://b/k",
                                 "tags": {"my_key": "v", "otherKey": "w"}}],
                    "samples": {"S1_R1": {"read_set_id": "1", "duplicate_of": ["2"]}},
                    "read_set_ids": {"S1_R1": "1"},
                    # Undeclared (the core's own bookkeeping): the name only, not what it holds.
                    "ledger": {"sig": {"S1_R1": "abc"}, "next_batch": 2}}
    assert as_plain(to_engine(core, state, {}, set())) == engine


def test_a_misspelt_property_comes_back_as_written() -> None:
    state = value_type(behaviour("ReadSetImportJob"))
    core = to_core(engine_props({"sources": [{"sourceFileTyp": "FASTQ"}]}), state, set())
    assert core == {"sources": [{"source_file_typ": "FASTQ"}]}
    assert rename_path("sources[0].source_file_typ", state) == "sources[0].sourceFileTyp"


@pytest.mark.parametrize(("path", "engine_path"), [
    ("sequence_store_id", "sequenceStoreId"),
    ("sources[734].source1", "sources[734].source1"),
    ("sources[3].source_file_type", "sources[3].sourceFileType"),
    ("sources[0].tags['my_key']", "sources[0].tags['my_key']"),
    ("read_set_ids[4]", "readSetIds[4]"),
    ("not a path!", "not a path!"),
])
def test_problem_paths(path: str, engine_path: str) -> None:
    state = value_type(behaviour("ReadSetImportJob"))
    active = resource_type(behaviour("ReadSetActivationJob"))[1]
    assert rename_path(path, active if path.startswith("read_set") else state) == engine_path


def test_messages_name_properties_and_config_keys_as_users_write_them() -> None:
    assert renamed("sources[3]: repeats read_set_ids[0]; set allow_partial to accept") == (
        "sources[3]: repeats readSetIds[0]; set allowPartial to accept")
    assert renamed("Check the endpoint (stack config omics-resources:endpoint, aws:region)") == (
        "Check the endpoint (stack config omics:endpoint, omics:region)")
    # Whole words only: a value that merely contains a name is left alone.
    assert renamed("bucket my_wait_timeout_x") == "bucket my_wait_timeout_x"


def test_urns() -> None:
    assert type_name_of(URN) == "CohortImport"
    assert type_name_of("urn:pulumi:s::p::my:index:Comp$omics:index:ActiveReadSets::a") == (
        "ActiveReadSets")
    # The scope the dynamic front-end builds (project, stack, name): the same client tokens.
    assert scope_of(URN) == {"project": "genomics", "stack": "dev", "resource_name": "cohort"}
    with pytest.raises(ValueError, match="not a resource type of this provider"):
        type_name_of("urn:pulumi:s::p::aws:s3:Bucket::b")
    call = ResourceCall.of(URN)
    assert call.core({})["scope"] == scope_of(URN)
