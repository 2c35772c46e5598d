"""A cohort's sources packed into one string (what a program sends for plain sources): the
same sources back, and the provider's check and diff see exactly what they see in a list."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi.output import Output

from omics_resources.core.cohort.packing import FORMAT, is_plain, pack, unpack, unpacked
from omics_resources.dynamic.cohort_import import CohortImportProvider
from tests.support.cohort import cohort_props, imported_outputs, sample_source

PROVIDER = CohortImportProvider()


def packed(props: dict[str, Any]) -> dict[str, Any]:
    return {**props, "sources": pack(props["sources"])}


def test_sources_of_different_fields_come_back_as_they_were() -> None:
    sources = [
        sample_source(0),
        sample_source(1, source2="s3://b/S1_R2.fastq", tags={"project": "p", "ü": "ß"}),
        sample_source(2, description=None, generated_from="lab 7"),
        {"source_file_type": "UBAM", "source1": "s3://b/x.bam", "subject_id": "s",
         "sample_id": "x"},
    ]
    text = pack(sources)
    assert json.loads(text)[FORMAT] == 1
    # A field absent from a source (or None in it) is absent once unpacked.
    assert unpack(text) == [{k: v for k, v in s.items() if v is not None} for s in sources]
    assert text.count("source_file_type") == 1  # each field named once, not per source


@pytest.mark.parametrize("value", [
    [sample_source(0)], "s3://not/packed", '{"packedSources": 2, "rows": []}',
    '{"packedSources": 1, "fields": 3, "rows": []}', '{"packedSources": 1', None, 7,
])
def test_anything_but_a_packed_string_is_passed_on_for_check_to_judge(value: Any) -> None:
    assert unpack(value) is value
    props = {"sources": value}
    assert unpacked(props) is props


def test_only_plain_data_is_packed() -> None:
    assert is_plain([{"a": "b", "n": 1.5, "t": {"k": "v"}, "none": None, "ok": True}])
    assert not is_plain([{"source1": Output.from_input("s3://b/k")}])
    assert not is_plain([{1: "key not a string"}])


def test_check_names_a_bad_source_in_a_packed_list_by_its_own_path() -> None:
    props = cohort_props(1000)
    props["sources"][734]["source1"] = "s3://Bad_Bucket/x.fq"
    props["sources"][999]["source_file_type"] = "VCF"
    listed = PROVIDER.check({}, props)
    checked = PROVIDER.check({}, packed(props))
    assert [(f.property, f.reason) for f in checked.failures] == [
        (f.property, f.reason) for f in listed.failures]
    assert [f.property for f in checked.failures] == ["sources[734].source1",
                                                      "sources[999].source_file_type"]
    # The inputs go back to the engine packed: one value, not a value per field.
    assert checked.inputs["sources"] == packed(props)["sources"]


def test_diff_of_packed_sources_against_any_state_sees_only_real_changes() -> None:
    props = cohort_props(250)
    outs = imported_outputs(props)  # a state written from a list (a release before packing)
    assert not PROVIDER.diff("id", outs, packed(props)).changes
    grown = dict(props, sources=[*props["sources"], sample_source(900)])
    assert PROVIDER.diff("id", outs, packed(grown)).changes
    again = imported_outputs(packed(props))  # a state written from packed sources
    assert not PROVIDER.diff("id", again, props).changes
    assert "sources" not in again  # the state keeps the sources once, as inputs
