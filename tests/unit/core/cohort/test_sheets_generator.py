"""Sample sheets in the shape of the HealthOmics manifest generator's input sheets
(aws-samples/amazon-omics-tutorials, utils/scripts/omics_seqstore_manifest_generator), and
the ``tags`` column they carry: a JSON object or a Python dict literal per cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from omics_resources import ReadSetImportJobProvider, ReadSetImportSourceArgs
from omics_resources.core.cohort.source_files import SourceFileError
from omics_resources.dynamic.sources import sources_from_manifest, sources_from_sample_sheet
from tests.support.inputs import REFERENCE_ARN, import_props

REPO = Path(__file__).resolve().parents[4]
BUCKET = "s3://omics-example-sources/generator"

# The generator's sheets: camelCase columns, `tags` last in the API sheets (console sheets
# have neither `referenceArn` nor `tags`), a one-key dict unquoted, a dict of several keys
# quoted (in the TSV too), empty trailing cells, no newline after the last row. Its TSV
# examples are named .txt.
API_COLUMNS = ["name", "referenceArn", "sampleId", "subjectId", "sourceFileType", "description",
               "generatedFrom", "source1", "source2", "tags"]
CONSOLE_COLUMNS = [c for c in API_COLUMNS if c not in ("referenceArn", "tags")]
ROWS: list[dict[str, str]] = [
    {"name": "S1", "referenceArn": REFERENCE_ARN, "sampleId": "S1", "subjectId": "P1",
     "sourceFileType": "BAM", "description": "aligned", "generatedFrom": "lab A",
     "source1": f"{BUCKET}/S1.bam", "source2": "", "tags": "{'study':'pilot 1'}"},
    {"name": "S2", "referenceArn": "", "sampleId": "Normal", "subjectId": "P2",
     "sourceFileType": "FASTQ", "description": "paired", "generatedFrom": "lab B",
     "source1": f"{BUCKET}/S2_1.fastq.gz", "source2": f"{BUCKET}/S2_2.fastq.gz", "tags": ""},
    {"name": "S3", "referenceArn": REFERENCE_ARN, "sampleId": "S3", "subjectId": "P3",
     "sourceFileType": "CRAM", "description": "crammed", "generatedFrom": "lab A",
     "source1": f"{BUCKET}/S3.cram", "source2": "", "tags": ""},
    {"name": "S4", "referenceArn": "", "sampleId": "S4", "subjectId": "P4",
     "sourceFileType": "UBAM", "description": "unaligned", "generatedFrom": "lab A",
     "source1": f"{BUCKET}/S4.bam", "source2": "",
     "tags": "\"{'study':'pilot 2','site':'berlin','run':'7'}\""},
]
TAGS: list[dict[str, str] | None] = [
    {"study": "pilot 1"}, None, None, {"study": "pilot 2", "site": "berlin", "run": "7"}]
FIELD_OF = {"name": "name", "referenceArn": "reference_arn", "sampleId": "sample_id",
            "subjectId": "subject_id", "sourceFileType": "source_file_type",
            "description": "description", "generatedFrom": "generated_from",
            "source1": "source1", "source2": "source2"}


def generator_sheet(path: Path, columns: list[str]) -> Path:
    delimiter = "\t" if path.suffix == ".txt" else ","
    lines = [delimiter.join(columns), *(delimiter.join(r[c] for c in columns) for r in ROWS)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def expected(columns: list[str]) -> list[ReadSetImportSourceArgs]:
    return [
        ReadSetImportSourceArgs(
            **{FIELD_OF[c]: row[c] for c in columns if c in FIELD_OF and row[c]},
            tags=tags if "tags" in columns else None)
        for row, tags in zip(ROWS, TAGS, strict=True)
    ]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> SourceFileError:
    with pytest.raises(SourceFileError) as caught:
        sources_from_sample_sheet(path)
    return caught.value


# --- the generator's four sheets ---------------------------------------------------------

@pytest.mark.parametrize(("name", "columns"), [
    ("test_api.csv", API_COLUMNS),
    ("test_api.txt", API_COLUMNS),
    ("test_console.csv", CONSOLE_COLUMNS),
    ("test_console.txt", CONSOLE_COLUMNS),
], ids=["api-csv", "api-tsv", "console-csv", "console-tsv"])
def test_generator_sheets_load_with_every_field(
    tmp_path: Path, name: str, columns: list[str]
) -> None:
    sheet = generator_sheet(tmp_path / name, columns)
    assert sources_from_sample_sheet(sheet) == expected(columns)


def test_api_sheet_passes_the_providers_check(tmp_path: Path) -> None:
    sources = sources_from_sample_sheet(generator_sheet(tmp_path / "api.csv", API_COLUMNS))
    props = [s.to_props() for s in sources]
    assert ReadSetImportJobProvider().check({}, import_props(sources=props)).failures == []


def test_console_sheet_bam_and_cram_need_a_reference_column_at_preview(tmp_path: Path) -> None:
    """The console picks one reference for the whole import; a sheet has no such setting, so
    its BAM and CRAM rows load but fail the check until a referenceArn column names one."""
    sources = sources_from_sample_sheet(generator_sheet(tmp_path / "c.csv", CONSOLE_COLUMNS))
    props = [s.to_props() for s in sources]
    failures = ReadSetImportJobProvider().check({}, import_props(sources=props)).failures
    assert [f.property for f in failures or []] == [
        "sources[0].reference_arn", "sources[2].reference_arn"]


def test_the_example_generator_sheet_loads_and_passes_the_providers_check() -> None:
    sheet = REPO / "examples" / "generator_sheet.csv"
    sources = sources_from_sample_sheet(sheet)
    assert [(s.name, s.source_file_type, s.tags) for s in sources] == [
        ("HG00096", "BAM", {"project": "omics-resources-cohort"}),
        ("HG00097", "FASTQ", None),
        ("HG00099", "CRAM", None),
        ("HG00100", "UBAM", {"project": "omics-resources-cohort", "site": "lab A"}),
    ]
    assert all(s.reference_arn for s in sources if s.source_file_type in ("BAM", "CRAM"))
    props = [s.to_props() for s in sources]
    assert ReadSetImportJobProvider().check({}, import_props(sources=props)).failures == []


@pytest.mark.parametrize(("columns", "as_request"), [(API_COLUMNS, True), (CONSOLE_COLUMNS, False)],
                         ids=["api", "console"])
def test_the_generators_manifests_load_as_its_sheets(
    tmp_path: Path, columns: list[str], as_request: bool
) -> None:
    """What the generator writes from a sheet: for the console an array of source items,
    for the API the whole request (store and role beside the array)."""
    items = []
    for row, tags in zip(ROWS, TAGS, strict=True):
        item: dict[str, Any] = {c: row[c] for c in columns if c in FIELD_OF and row[c]}
        item["sourceFiles"] = {k: item.pop(k) for k in ("source1", "source2") if k in item}
        if tags and "tags" in columns:
            item["tags"] = tags
        items.append(item)
    document: Any = items
    if as_request:
        document = {"sequenceStoreId": "2222222222", "roleArn": "arn:aws:iam::1:role/r",
                    "sources": items}
    manifest = write(tmp_path, "manifest.json", json.dumps(document, indent=4))
    sheet = generator_sheet(tmp_path / "sheet.csv", columns)
    assert sources_from_manifest(manifest) == sources_from_sample_sheet(sheet) == expected(columns)


# --- the tags column ---------------------------------------------------------------------

HEADER = "sourceFileType,source1,subjectId,sampleId,tags\n"
ROW = f"BAM,{BUCKET}/S1.bam,P1,S1,"


@pytest.mark.parametrize(("name", "text", "tags"), [
    ("json.csv", HEADER + ROW + '"{""study"": ""pilot"", ""site"": ""berlin""}"\n',
     {"study": "pilot", "site": "berlin"}),
    ("json.tsv", HEADER.replace(",", "\t") + ROW.replace(",", "\t") + '{"study": "pilot"}\n',
     {"study": "pilot"}),
    ("dict.csv", HEADER + ROW + "\"{'study': 'pilot', 'site': 'berlin',}\"\n",
     {"study": "pilot", "site": "berlin"}),
    ("dict.csv", HEADER + ROW + "{\"study\": 'pilot 1'}\n", {"study": "pilot 1"}),
    ("lines.csv", HEADER + ROW + "\"{'study': 'pilot',\n 'site': 'berlin'}\"\n",
     {"study": "pilot", "site": "berlin"}),
    ("spaces.csv", HEADER + ROW + "  {'study': ' pilot '}  \n", {"study": " pilot "}),
    ("empty.csv", HEADER + ROW + "\n", None),
    ("none.csv", HEADER + ROW + "{}\n", None),
    ("json-empty.csv", HEADER + ROW + " {  } \n", None),
], ids=["json-csv", "json-tsv", "dict", "mixed-quotes", "multi-line", "spaces", "empty-cell",
        "empty-dict", "empty-object"])
def test_tags_cell_is_a_json_object_or_a_dict_literal(
    tmp_path: Path, name: str, text: str, tags: dict[str, str] | None
) -> None:
    [source] = sources_from_sample_sheet(write(tmp_path, name, text))
    assert source.tags == tags
    assert source.to_props().get("tags") == tags


@pytest.mark.parametrize(("cell", "message"), [
    ("['study']", "must be a JSON object or a Python dict of strings, like {'project': 'demo'}, "
                  "not a list"),
    ("pilot", "is not a JSON object or a Python dict of strings"),
    ("{'study': 'pilot'", "is not a JSON object or a Python dict of strings, like "
                          "{'project': 'demo'} ('{' was never closed)"),
    ("{'study': pilot}", "(a key or value is not a quoted string)"),
    ("{'lane': 7}", "the value of tag 'lane' is a number (7), not a string; tag values are "
                    "strings (quote it)"),
    ('{"lane": 7.5}', "the value of tag 'lane' is a number (7.5), not a string"),
    ('{"ok": true}', "the value of tag 'ok' is a boolean (True), not a string"),
    ('{"study": null}', "the value of tag 'study' is null (None), not a string"),
    ('{"a": {"b": "c"}}', "the value of tag 'a' is a dict ({...}), not a string"),
    ("{7: 'lane'}", "tag key 7 must be a string, not a number"),
    ("{'study': 'a', 'study': 'b'}", "gives the tag 'study' twice; give each tag once"),
    ("{'study', 'pilot'}", "not a set"),
    ('"pilot"', "not a string"),
    ("__import__('os').getcwd()", "is not a JSON object or a Python dict of strings"),
], ids=["list", "word", "unclosed", "name", "int", "float", "bool", "null", "nested", "int-key",
        "repeat", "set", "string", "call"])
def test_bad_tags_cell_names_file_line_and_column(tmp_path: Path, cell: str, message: str) -> None:
    quoted = '"' + cell.replace('"', '""') + '"'
    sheet = write(tmp_path, "s.csv", HEADER + f"FASTQ,{BUCKET}/ok.fq,P0,S0,\n" + ROW + quoted + "\n")
    error = problems_of(sheet)
    [problem] = error.problems
    assert (problem.line, problem.index, problem.column) == (3, 1, "tags")
    assert message in problem.message
    assert str(error).startswith(f"{sheet}: 1 problem:\n  line 3 (sources[1]), column 'tags': ")


def test_tags_cells_are_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    cell = f"{{'a': open({str(marker)!r}, 'w').name}}"
    sheet = write(tmp_path, "s.tsv", HEADER.replace(",", "\t") + ROW.replace(",", "\t") + cell)
    assert "a key or value is not a quoted string" in str(problems_of(sheet))
    assert not marker.exists()


def test_every_bad_tags_cell_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.csv", (
        HEADER
        + ROW + "\"{'lane': 1, 'run': 2}\"\n"
        + f"BAM,{BUCKET}/S2.bam,P2,,{{'ok': 'yes'}}\n"
        + f"BAM,{BUCKET}/S3.bam,P3,S3,nope\n"
    ))
    error = problems_of(sheet)
    assert [(p.line, p.index, p.column) for p in error.problems] == [
        (2, 0, "tags"), (2, 0, "tags"), (3, 1, "sampleId"), (4, 2, "tags")]


def test_an_unquoted_dict_of_several_keys_in_a_csv_spills_into_a_nameless_cell(
    tmp_path: Path,
) -> None:
    sheet = write(tmp_path, "s.csv", HEADER + ROW + "{'study':'pilot','site':'berlin'}\n")
    problems = problems_of(sheet).problems
    assert [(p.line, p.column) for p in problems] == [(2, "tags"), (2, None)]
    assert "'{' was never closed" in problems[0].message
    assert "cell 6 has a value (\"'site':'berlin'}\") but no column header" in problems[1].message


@pytest.mark.parametrize("header", [
    "tags,tag:site", "tag:site,tags", "tag:site,tags,tag:study",
])
def test_tags_and_tag_columns_together_name_both(tmp_path: Path, header: str) -> None:
    sheet = write(tmp_path, "s.csv", f"sourceFileType,source1,subjectId,sampleId,{header}\n")
    [problem] = problems_of(sheet).problems
    tag_columns = [h for h in header.split(",") if h.startswith("tag:")]
    assert (problem.line, problem.column) == (1, "tags")
    named = ", ".join(repr(h) for h in tag_columns)
    assert f"and the tag column{'s' * (len(tag_columns) > 1)} {named} both give tags" in str(
        problem)
    assert str(problem).startswith("line 1, column 'tags': ")


def test_tags_column_is_given_once_and_listed_among_the_known(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.csv", "sourceFileType,source1,subjectId,sampleId,tags,tags,tagz\n")
    problems = problems_of(sheet).problems
    assert [(p.column, p.message.split(" (")[0]) for p in problems] == [
        ("tags", "repeats the column 'tags'; give each column once"),
        ("tagz", "is not a known column"),
    ]
    assert "description, tags, tag:<key>)" in problems[1].message


def test_tags_column_agrees_with_tag_columns(tmp_path: Path) -> None:
    by_columns = write(tmp_path, "a.csv", (
        "sourceFileType,source1,subjectId,sampleId,tag:study,tag:site\n" + ROW + "pilot,berlin\n"))
    by_cell = write(tmp_path, "b.csv", HEADER + ROW + "\"{'study': 'pilot', 'site': 'berlin'}\"\n")
    assert sources_from_sample_sheet(by_columns) == sources_from_sample_sheet(by_cell)
