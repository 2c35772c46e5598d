"""The cohort loaders as provider functions: the core's loaders, served from their table,
path or text, with the Python loaders' errors (file, line, column) by argument, offline."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from pulumi.provider.experimental import provider as rpc

from omics_resources.core.cohort import sheets
from omics_resources.core.registry import functions
from omics_resources.provider import schema
from omics_resources.provider.provider import OmicsProvider
from omics_resources.provider.values import plain
from tests.support.engine_values import engine_props

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SHEET = EXAMPLES / "cohort.csv"
TOKEN = "omics:index:sourcesFromSampleSheet"


def invoke(token: str, args: dict[str, Any]) -> rpc.InvokeResponse:
    # The provider is built with no AWS settings: a function never reaches AWS.
    return asyncio.run(OmicsProvider().invoke(rpc.InvokeRequest(token, engine_props(args))))


def sources(answer: rpc.InvokeResponse) -> list[dict[str, Any]]:
    assert not answer.failures, [(f.property, f.reason) for f in answer.failures or []]
    assert answer.return_value is not None
    found = plain(answer.return_value["sources"])
    assert isinstance(found, list)
    return found


def test_a_sheet_by_path_is_the_python_loaders_sources_in_camel_case() -> None:
    loaded = sources(invoke(TOKEN, {"path": str(SHEET)}))
    expected = sheets.sources_from_sample_sheet(SHEET)
    assert len(loaded) == len(expected) == 8
    assert loaded[0] == {"sampleId": "HG00096", "subjectId": "HG00096",
                         "sourceFileType": "FASTQ", "source1": expected[0]["source1"],
                         "source2": expected[0]["source2"], "name": "HG00096",
                         "tags": {"project": "omics-resources-cohort"}}


def test_a_sheet_by_text_reads_the_same() -> None:
    by_text = sources(invoke(TOKEN, {"text": SHEET.read_text(), "path": "cohort.csv"}))
    assert by_text == sources(invoke(TOKEN, {"path": str(SHEET)}))


def test_a_bad_row_is_named_by_file_line_and_column() -> None:
    text = SHEET.read_text().replace("HG00099,HG00099,FASTQ", "HG00099,,FASTQ")
    answer = invoke(TOKEN, {"text": text, "path": "cohort.csv"})
    failures = [(f.property, f.reason) for f in answer.failures or []]
    assert failures == [("text", "cohort.csv: line 6 (sources[2]), column 'subject_id': is "
                                 "empty; subject_id is required")]


def test_a_missing_file_and_no_file_at_all() -> None:
    answer = invoke(TOKEN, {"path": "no/such/sheet.csv"})
    assert [(f.property, "cannot read 'no/such/sheet.csv'" in f.reason)
            for f in answer.failures or []] == [("path", True)]
    answer = invoke(TOKEN, {})
    assert [(f.property, f.reason) for f in answer.failures or []] == [("path", "give path or text")]


def test_a_manifest_and_its_json_error_line() -> None:
    manifest = ('[{"sourceFileType": "FASTQ", "sourceFiles": {"source1": "s3://b/k.fq"},'
                ' "subjectId": "s", "sampleId": "x"}]')
    loaded = sources(invoke("omics:index:sourcesFromManifest", {"text": manifest}))
    assert loaded == [{"sourceFileType": "FASTQ", "source1": "s3://b/k.fq", "subjectId": "s",
                       "sampleId": "x"}]
    answer = invoke("omics:index:sourcesFromManifest", {"text": "[\n{oops"})
    reasons = [f.reason for f in answer.failures or []]
    assert len(reasons) == 1 and reasons[0].startswith("<text>: line 2: not valid JSON")


def test_fastq_pairs_and_the_unpaired() -> None:
    uris = ["s3://b/S1_R1.fastq.gz", "s3://b/S1_R2.fastq.gz"]
    loaded = sources(invoke("omics:index:sourcesFromFastqPairs",
                            {"uris": uris, "subjectId": "p1", "tags": {"my_key": "v"}}))
    assert loaded == [{"sourceFileType": "FASTQ", "source1": uris[0], "source2": uris[1],
                       "subjectId": "p1", "sampleId": "S1", "name": "S1",
                       "tags": {"my_key": "v"}}]
    answer = invoke("omics:index:sourcesFromFastqPairs",
                    {"uris": [*uris, "s3://b/S2_R1.fastq.gz"], "subjectId": "p1"})
    assert [f.property for f in answer.failures or []] == ["uris"]
    assert "s3://b/S2_R1.fastq.gz" in (answer.failures or [])[0].reason


def test_an_unknown_function_is_refused() -> None:
    with pytest.raises(ValueError, match="not a function of this provider"):
        invoke("omics:index:nothing", {})


def test_the_schema_has_every_function_typed_as_cohort_sources() -> None:
    spec = schema.generate()
    assert set(spec["functions"]) == {
        f"omics:index:{n}" for n in ("sourcesFromSampleSheet", "sourcesFromManifest",
                                     "sourcesFromFastqPairs")}
    assert len(functions()) == 3
    for function in spec["functions"].values():
        result = function["outputs"]["properties"]["sources"]
        assert result["items"] == {"$ref": "#/types/omics:index:CohortImportSource"}
        assert function["outputs"]["required"] == ["sources"]
        assert all(p.get("description") for p in function["inputs"]["properties"].values())
