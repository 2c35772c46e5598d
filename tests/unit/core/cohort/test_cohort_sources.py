"""Cohort loaders: sample sheets (CSV, TSV), import manifests (JSON) and FASTQ pairing."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from omics_resources import ReadSetImportJobProvider, ReadSetImportSourceArgs
from omics_resources.core.cohort.fastq_pairs import FastqPair, FastqPairingError, pair_fastq_uris
from omics_resources.core.cohort.source_files import (
    REQUIRED_SHEET_COLUMNS,
    SHEET_COLUMNS,
    SourceFileError,
)
from omics_resources.core.service_model import operation_model
from omics_resources.dynamic.sources import (
    sources_from_fastq_pairs,
    sources_from_manifest,
    sources_from_sample_sheet,
)
from tests.support.inputs import REFERENCE_ARN, import_props

R1 = "s3://bucket/run/S1_R1.fastq.gz"
R2 = "s3://bucket/run/S1_R2.fastq.gz"
BAM = "s3://bucket/run/S2.bam"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(load: Any, path: Path) -> SourceFileError:
    with pytest.raises(SourceFileError) as caught:
        load(path)
    assert caught.value.file == str(path)
    assert str(caught.value).startswith(f"{path}: ")
    return caught.value


def fastq(**fields: Any) -> ReadSetImportSourceArgs:
    values: dict[str, Any] = {
        "source_file_type": "FASTQ", "source1": R1, "source2": R2,
        "subject_id": "subj-1", "sample_id": "S1",
    }
    return ReadSetImportSourceArgs(**{**values, **fields})


# --- the field table -------------------------------------------------------------------

def test_columns_are_the_source_fields_and_required_ones_come_from_the_model() -> None:
    fields = [f.name for f in dataclasses.fields(ReadSetImportSourceArgs)]
    assert list(SHEET_COLUMNS) == fields
    item = operation_model("StartReadSetImportJob").input_shape.members["sources"].member
    assert set(item.required_members) == {"sourceFiles", "sourceFileType", "subjectId", "sampleId"}
    assert set(REQUIRED_SHEET_COLUMNS) == {"source_file_type", "source1", "subject_id", "sample_id"}


# --- sample sheets ---------------------------------------------------------------------

def test_csv_with_every_column_tags_comments_and_blank_lines(tmp_path: Path) -> None:
    sheet = write(tmp_path, "cohort.csv", (
        "# cohort of 2024\n"
        "\n"
        "source_file_type,source1,source2,subject_id,sample_id,reference_arn,generated_from,"
        "name,description,tag:project,tag:site\n"
        f"FASTQ,{R1},{R2},subj-1,S1,,lab A,s1-reads,\"tumor, left\",demo,\n"
        "   # a comment, indented\n"
        f"BAM, {BAM} ,,subj-2,S2,{REFERENCE_ARN},,,,demo,berlin\n"
        ",,,,,,,,,,\n"
    ))
    assert sources_from_sample_sheet(sheet) == [
        fastq(generated_from="lab A", name="s1-reads", description="tumor, left",
              tags={"project": "demo"}),
        ReadSetImportSourceArgs(source_file_type="BAM", source1=BAM, subject_id="subj-2",
                                sample_id="S2", reference_arn=REFERENCE_ARN,
                                tags={"project": "demo", "site": "berlin"}),
    ]


def test_tsv_by_extension_camel_case_aliases_and_byte_order_mark(tmp_path: Path) -> None:
    sheet = tmp_path / "cohort.tsv"
    sheet.write_text(
        "\ufeffsourceFileType\tsource1\tsource2\tsubjectId\tsampleId\n"
        f"FASTQ\t{R1}\t{R2}\tsubj-1\tS1\n", encoding="utf-8")
    assert sources_from_sample_sheet(sheet) == [fastq()]


@pytest.mark.parametrize(("name", "delimiter"), [("sheet.txt", "\t"), ("sheet", ",")])
def test_delimiter_is_sniffed_from_the_header_for_other_names(
    tmp_path: Path, name: str, delimiter: str
) -> None:
    rows = [["source_file_type", "source1", "source2", "subject_id", "sample_id"],
            ["FASTQ", R1, R2, "subj-1", "S1"]]
    sheet = write(tmp_path, name, "".join(delimiter.join(r) + "\n" for r in rows))
    assert sources_from_sample_sheet(sheet) == [fastq()]


def test_quoted_cells_may_hold_newlines_and_hash_lines(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.csv", (
        "source_file_type,source1,source2,subject_id,sample_id,description\n"
        f'FASTQ,{R1},{R2},subj-1,S1,"first line\n# not a comment"\n'
        f"FASTQ,{R1},{R2},subj-1,,\n"
    ))
    error = error_of(sources_from_sample_sheet, sheet)
    # The bad row begins on line 4: the quoted cell spans lines 2 and 3.
    assert [(p.line, p.index, p.column) for p in error.problems] == [(4, 1, "sample_id")]
    assert "line 4 (sources[1]), column 'sample_id': is empty; sample_id is required" in str(error)


def test_empty_cells_are_unset_and_trailing_empty_cells_are_fine(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.csv", (
        "source_file_type,source1,source2,subject_id,sample_id,name,tag:project\n"
        f"BAM,{BAM},  ,subj-2,S2,,,,\n"
    ))
    [source] = sources_from_sample_sheet(sheet)
    assert source == ReadSetImportSourceArgs(
        source_file_type="BAM", source1=BAM, subject_id="subj-2", sample_id="S2")
    assert source.to_props() == {"source_file_type": "BAM", "source1": BAM,
                                 "subject_id": "subj-2", "sample_id": "S2"}


def test_unknown_column_is_named_with_the_known_ones(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.csv", "source_file_type,source1,subject_id,sample_id,sampel_name\n")
    error = error_of(sources_from_sample_sheet, sheet)
    [problem] = error.problems
    assert (problem.line, problem.column) == (1, "sampel_name")
    assert "line 1, column 'sampel_name': is not a known column (known: source_file_type, " in str(
        error)
    assert "tag:<key>" in str(error)


def test_missing_required_columns_are_listed(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.tsv", "# header next\nsource1\tname\n")
    error = error_of(sources_from_sample_sheet, sheet)
    [problem] = error.problems
    assert problem.line == 2
    assert "the header lacks the required columns source_file_type, subject_id, sample_id" in str(
        error)


@pytest.mark.parametrize(("header", "column", "message"), [
    ("sample_id,sampleId", "sampleId", "repeats the column 'sample_id'"),
    ("sample_id,tag:a,tag:a", "tag:a", "repeats the column 'tag:a'"),
    ("sample_id,tag:", None, "a tag column needs a key: tag:<key>"),
])
def test_bad_header_cells(tmp_path: Path, header: str, column: str | None, message: str) -> None:
    sheet = write(tmp_path, "s.csv", f"source_file_type,source1,subject_id,{header}\n")
    [problem] = error_of(sources_from_sample_sheet, sheet).problems
    assert (problem.line, problem.column) == (1, column)
    assert message in problem.message


def test_every_bad_row_is_reported_with_line_index_and_column(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.csv", (
        "source_file_type,source1,subject_id,sample_id\n"
        f"BAM,{BAM},subj,S2\n"
        "\n"
        f"BAM,,subj,\n"
        f"BAM,{BAM},subj,S3,extra\n"
    ))
    error = error_of(sources_from_sample_sheet, sheet)
    assert [(p.line, p.index, p.column) for p in error.problems] == [
        (4, 1, "source1"), (4, 1, "sample_id"), (5, 2, None)]
    assert "line 5 (sources[2]): cell 5 has a value ('extra') but no column header" in str(error)
    assert str(error).startswith(f"{sheet}: 3 problems:\n")


def test_long_lists_of_problems_are_cut_in_the_message_but_kept(tmp_path: Path) -> None:
    rows = "".join(f"BAM,{BAM},subj,\n" for _ in range(25))
    sheet = write(tmp_path, "s.csv", "source_file_type,source1,subject_id,sample_id\n" + rows)
    error = error_of(sources_from_sample_sheet, sheet)
    assert len(error.problems) == 25
    assert error.problems[-1].line == 26
    assert str(error).endswith("... and 5 more")


def test_empty_sheet(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.csv", "# only a comment\n\n")
    assert "has no header row" in str(error_of(sources_from_sample_sheet, sheet))


def test_a_loaded_sheet_passes_the_providers_check(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.csv", (
        "source_file_type,source1,source2,subject_id,sample_id,reference_arn,tag:project\n"
        f"FASTQ,{R1},{R2},subj-1,S1,,demo\n"
        f"BAM,{BAM},,subj-2,S2,{REFERENCE_ARN},\n"
    ))
    sources = [s.to_props() for s in sources_from_sample_sheet(sheet)]
    result = ReadSetImportJobProvider().check({}, import_props(sources=sources))
    assert result.failures == []
    assert result.inputs["sources"] == sources


# --- manifests -------------------------------------------------------------------------

ITEM: dict[str, Any] = {
    "sourceFileType": "FASTQ",
    "sourceFiles": {"source1": R1, "source2": R2},
    "subjectId": "subj-1",
    "sampleId": "S1",
    "generatedFrom": "lab A",
    "name": "s1-reads",
    "description": "tumor",
    "tags": {"project": "demo"},
}
ITEM_SOURCE = fastq(generated_from="lab A", name="s1-reads", description="tumor",
                    tags={"project": "demo"})
BAM_ITEM: dict[str, Any] = {
    "sourceFileType": "BAM", "sourceFiles": {"source1": BAM}, "subjectId": "subj-2",
    "sampleId": "S2", "referenceArn": REFERENCE_ARN,
}
BAM_SOURCE = ReadSetImportSourceArgs(source_file_type="BAM", source1=BAM, subject_id="subj-2",
                                     sample_id="S2", reference_arn=REFERENCE_ARN)


def write_json(tmp_path: Path, document: Any) -> Path:
    return write(tmp_path, "sources.json", json.dumps(document, indent=2))


def test_manifest_array_as_the_cli_takes_it(tmp_path: Path) -> None:
    manifest = write_json(tmp_path, [ITEM, BAM_ITEM])
    assert sources_from_manifest(manifest) == [ITEM_SOURCE, BAM_SOURCE]


def test_manifest_as_the_whole_request_and_null_as_unset(tmp_path: Path) -> None:
    request = {"sequenceStoreId": "1234567890", "roleArn": "arn:aws:iam::1:role/r",
               "clientToken": "t", "sources": [{**BAM_ITEM, "name": None, "tags": None}]}
    assert sources_from_manifest(write_json(tmp_path, request)) == [BAM_SOURCE]


def test_manifest_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    manifest = write(tmp_path, "m.json", '[\n  {"sampleId": "S1",}\n]\n')
    [problem] = error_of(sources_from_manifest, manifest).problems
    assert problem.line == 2
    assert "line 2: not valid JSON: " in str(error_of(sources_from_manifest, manifest))


@pytest.mark.parametrize(("document", "where", "message"), [
    ({"sources": {"a": 1}}, "sources", "must be an array, not an object"),
    ({"items": []}, None, "must be a JSON array of sources, or an object with a 'sources' array"),
    ("sources", None, "not a string"),
    ({"sources": [], "storeId": "1"}, "storeId", "is not a member of the StartReadSetImportJob"),
])
def test_manifest_document_shape(
    tmp_path: Path, document: Any, where: str | None, message: str
) -> None:
    [problem] = error_of(sources_from_manifest, write_json(tmp_path, document)).problems
    assert problem.path == where
    assert message in problem.message


@pytest.mark.parametrize(("change", "path", "message"), [
    ({"sourceFiles": {"source1": 12}}, "[1].sourceFiles.source1", "must be a string, not a number"),
    ({"sourceFiles": {"source2": R2}}, "[1].sourceFiles.source1", "is required"),
    ({"sourceFiles": None}, "[1].sourceFiles", "is required"),
    ({"sourceFiles": [R1]}, "[1].sourceFiles", "must be an object, not an array"),
    ({"sampleId": None}, "[1].sampleId", "is required"),
    ({"subjectId": True}, "[1].subjectId", "must be a string, not a boolean"),
    ({"tags": ["a"]}, "[1].tags", "must be an object, not an array"),
    ({"tags": {"project": 7}}, "[1].tags.project", "must be a string, not a number"),
    ({"sample_id": "S1"}, "[1].sample_id", "is not a source member (known: sourceFiles, "),
    ({"sourceFiles": {"source1": R1, "source3": R2}}, "[1].sourceFiles.source3",
     "is not a source member (known: source1, source2)"),
])
def test_manifest_item_problems_name_the_json_path(
    tmp_path: Path, change: dict[str, Any], path: str, message: str
) -> None:
    manifest = write_json(tmp_path, [BAM_ITEM, {**ITEM, **change}])
    error = error_of(sources_from_manifest, manifest)
    [problem] = error.problems
    assert (problem.path, problem.index) == (path, 1)
    assert f"{path}: {message}" in str(error)


def test_manifest_reports_every_bad_item_under_sources(tmp_path: Path) -> None:
    manifest = write_json(tmp_path, {"sources": [ITEM, 5, {**ITEM, "name": 3}]})
    error = error_of(sources_from_manifest, manifest)
    assert [p.path for p in error.problems] == ["sources[1]", "sources[2].name"]
    assert "sources[1]: must be an object, not a number" in str(error)


def test_sheet_and_manifest_of_the_same_cohort_agree(tmp_path: Path) -> None:
    sheet = write(tmp_path, "s.csv", (
        "sourceFileType,source1,source2,subjectId,sampleId,generatedFrom,name,description,"
        "tag:project\n"
        f"FASTQ,{R1},{R2},subj-1,S1,lab A,s1-reads,tumor,demo\n"
    ))
    assert sources_from_sample_sheet(sheet) == sources_from_manifest(write_json(tmp_path, [ITEM]))


# --- FASTQ pairs -----------------------------------------------------------------------

@pytest.mark.parametrize(("r1", "r2", "stem"), [
    ("s3://b/x/S1_R1.fastq.gz", "s3://b/x/S1_R2.fastq.gz", "S1"),
    ("s3://b/x/S1_1.fq", "s3://b/x/S1_2.fq", "S1"),
    ("s3://b/x/SRR1_2_1.fastq", "s3://b/x/SRR1_2_2.fastq", "SRR1_2"),
    ("s3://b/x/S1.R1.fastq", "s3://b/x/S1.R2.fastq", "S1"),
    ("s3://b/x/S1.R1.trimmed.fq.gz", "s3://b/x/S1.R2.trimmed.fq.gz", "S1.trimmed"),
    ("s3://b/x/S1_r1.FQ.GZ", "s3://b/x/S1_r2.FQ.GZ", "S1"),
    ("s3://b/x/S1_S1_L001_R1_001.fastq.gz", "s3://b/x/S1_S1_L001_R2_001.fastq.gz", "S1_S1_L001"),
    ("s3://b/x/S1_R1_L001.fastq.gz", "s3://b/x/S1_R2_L001.fastq.gz", "S1_L001"),
    ("s3://b/x/S1_R1.fastq.gz", "s3://b/x/S1_R2.fq", "S1"),
])
def test_each_naming_convention_pairs(r1: str, r2: str, stem: str) -> None:
    result = pair_fastq_uris([r2, r1])
    assert result.pairs == [FastqPair(stem, r1, r2)]
    assert result.unpaired == []


def test_lanes_are_separate_pairs_in_input_order_and_repeats_count_once() -> None:
    lanes = [f"s3://b/run/S1_S1_L00{lane}_R{read}_001.fastq.gz"
             for lane in (2, 1) for read in (1, 2)]
    result = pair_fastq_uris([*lanes, lanes[0]])
    assert result.pairs == [FastqPair("S1_S1_L002", lanes[0], lanes[1]),
                            FastqPair("S1_S1_L001", lanes[2], lanes[3])]
    assert result.unpaired == []


def test_unpaired_files_say_why() -> None:
    uris = [
        "s3://b/one/S1_R1.fastq.gz",  # its mate is in another folder
        "s3://b/two/S1_R2.fastq.gz",
        "s3://b/S2_R1_001.fastq.gz",  # no R2 at all
        "s3://b/S3.bam",
        "s3://b/S4.fastq",
        "s3://b/S5_R1_R2.fastq",
        "s3://b/S6_1.fastq",  # _1 pairs only with _2, not with R2
        "s3://b/S6_R2.fastq",
    ]
    result = pair_fastq_uris(uris)
    assert result.pairs == []
    assert [u.uri for u in result.unpaired] == uris
    reasons = [u.reason for u in result.unpaired]
    assert reasons[0] == "R1 without its R2 (no S1_R2.fastq.gz in its folder)"
    assert reasons[1] == "R2 without its R1 (no S1_R1.fastq.gz in its folder)"
    assert reasons[2] == "R1 without its R2 (no S2_R2_001.fastq.gz in its folder)"
    assert reasons[3].startswith("not a FASTQ file name")
    assert reasons[4].startswith("no read number in the name")
    assert reasons[5] == "several read markers in the name (R1, R2)"
    assert reasons[6] == "R1 without its R2 (no S6_2.fastq in its folder)"
    assert reasons[7] == "R2 without its R1 (no S6_R1.fastq in its folder)"


def test_ambiguous_mates_are_not_guessed() -> None:
    uris = ["s3://b/S1_R1.fastq", "s3://b/S1_R1.fastq.gz", "s3://b/S1_R2.fastq.gz",
            "s3://b/S2_R1.fq", "s3://b/S2_R2.fq"]
    result = pair_fastq_uris(uris)
    assert result.pairs == [FastqPair("S2", uris[3], uris[4])]
    assert [u.uri for u in result.unpaired] == uris[:3]
    for unpaired in result.unpaired:
        assert unpaired.reason == ("ambiguous: 2 R1 and 1 R2 files could pair "
                                   "(S1_R1.fastq, S1_R1.fastq.gz, S1_R2.fastq.gz)")


def test_sources_from_fastq_pairs() -> None:
    uris = ["s3://b/P1-T_R1.fq.gz", "s3://b/P1-T_R2.fq.gz",
            "s3://b/P2-N_R2.fq.gz", "s3://b/P2-N_R1.fq.gz"]
    sources = sources_from_fastq_pairs(
        uris, subject_id=lambda stem: stem.split("-")[0], tags={"project": "demo"})
    assert sources == [
        ReadSetImportSourceArgs(source_file_type="FASTQ", source1=uris[0], source2=uris[1],
                                subject_id="P1", sample_id="P1-T", name="P1-T",
                                tags={"project": "demo"}),
        ReadSetImportSourceArgs(source_file_type="FASTQ", source1=uris[3], source2=uris[2],
                                subject_id="P2", sample_id="P2-N", name="P2-N",
                                tags={"project": "demo"}),
    ]
    [one] = sources_from_fastq_pairs(uris[:2], subject_id="P", sample_id=str.lower)
    assert (one.subject_id, one.sample_id, one.name) == ("P", "p1-t", "P1-T")


def test_sources_from_fastq_pairs_refuses_unpaired_files() -> None:
    with pytest.raises(FastqPairingError) as caught:
        sources_from_fastq_pairs(["s3://b/A_R1.fq", "s3://b/A_R2.fq", "s3://b/B_R1.fq"],
                                 subject_id="s")
    assert [u.uri for u in caught.value.unpaired] == ["s3://b/B_R1.fq"]
    assert "s3://b/B_R1.fq: R1 without its R2 (no B_R2.fq in its folder)" in str(caught.value)
