"""HealthOmics ETags over boto3: every imported read set's sources hashed from their content,
the algorithm by file type and the store's family, served by GetReadSetMetadata and
ListReadSets by their shapes, kept by ``--state``; and AWS's duplicate finder re-run on them."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from botocore.validate import ParamValidator

from omics_resources.core.service_model import operation_model, service_model
from tests.integration.emulator.conftest import (
    BUCKET,
    bam_bytes,
    bam_record,
    bare_client,
    fastq_source,
    imported,
    start_emulator,
)
from tests.support.emulator_control import EmulatorControl
from tests.support.scenario import aws_client

R1 = b"@a/1\nACGT\n+\nIIII\n@b/1\nGGCA\n+\nIIII\n"
R2 = b"@a/2\nTTGA\n+\nIIII\n@b/2\nCCAT\n+\nIIII\n"
OTHER = b"@c/1\nAAAA\n+\nIIII\n"


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def paired(key1: str, key2: str, sample: str = "pair") -> dict[str, Any]:
    return {**fastq_source(key1, sample),
            "sourceFiles": {"source1": f"s3://{BUCKET}/{key1}", "source2": f"s3://{BUCKET}/{key2}"}}


def bam_source(key: str, file_type: str, sample: str = "bam",
               reference: str | None = None) -> dict[str, Any]:
    """A BAM, uBAM or CRAM source (BAM and CRAM aligned to ``reference``)."""
    aligned = {"referenceArn": reference} if reference else {}
    return {"sourceFiles": {"source1": f"s3://{BUCKET}/{key}"}, "sourceFileType": file_type,
            "subjectId": "subject", "sampleId": sample, **aligned}



def etag_of(omics: Any, store: str, read_set: str) -> dict[str, str]:
    return dict(omics.get_read_set_metadata(sequenceStoreId=store, id=read_set)["etag"])


def test_fastq_etags_hash_each_source(omics: Any, s3: Any, store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="r1.fq", Body=R1)
    s3.put_object(Bucket=BUCKET, Key="r2.fq", Body=R2)
    single, pair = imported(omics, store, fastq_source("r1.fq", "single"), paired("r1.fq", "r2.fq"))
    assert etag_of(omics, store, single) == {"algorithm": "FASTQ_MD5up", "source1": md5(R1)}
    assert etag_of(omics, store, pair) == {"algorithm": "FASTQ_MD5up", "source1": md5(R1),
                                           "source2": md5(R2)}


def test_bam_and_ubam_hash_their_alignments_cram_its_bytes(omics: Any, s3: Any, store: str,
                                                           reference: str) -> None:
    """BAM_MD5up for both BAM and uBAM; the header and the compression are not content: the
    same records under another header, compressed otherwise, give the same ETag (as the guide
    says). CRAM_MD5up for CRAM, which the emulator does not decode."""
    records = bam_record("r1", "ACGTA") + bam_record("r2", "GGT")
    s3.put_object(Bucket=BUCKET, Key="a.bam", Body=bam_bytes(records, header="@HD\tVN:1.6\n"))
    s3.put_object(Bucket=BUCKET, Key="b.bam", Body=bam_bytes(
        records, header="@HD\tVN:1.6\n@CO\tanother header\n", level=1))
    s3.put_object(Bucket=BUCKET, Key="c.bam", Body=bam_bytes(bam_record("r1", "ACGTT")))
    cram_bytes = b"CRAM\x03\x00" + b"\x00" * 40
    s3.put_object(Bucket=BUCKET, Key="x.cram", Body=cram_bytes)
    bam, rewritten, ubam, other = imported(
        omics, store, bam_source("a.bam", "BAM", reference=reference),
        bam_source("b.bam", "BAM", reference=reference),
        bam_source("a.bam", "UBAM"), bam_source("c.bam", "UBAM"))
    etags = {r: etag_of(omics, store, r) for r in (bam, rewritten, ubam, other)}
    assert {e["algorithm"] for e in etags.values()} == {"BAM_MD5up"}
    assert all("source2" not in e for e in etags.values())
    assert etags[bam]["source1"] == md5(records)
    assert etags[bam] == etags[rewritten] == etags[ubam]
    assert etags[other]["source1"] != etags[bam]["source1"]
    cram = imported(omics, store, bam_source("x.cram", "CRAM", reference=reference))[0]
    assert etag_of(omics, store, cram) == {"algorithm": "CRAM_MD5up", "source1": md5(cram_bytes)}


def test_same_content_same_etag_other_content_another(omics: Any, s3: Any, store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.fq", Body=R1)
    s3.put_object(Bucket=BUCKET, Key="copy.fq", Body=R1)
    s3.put_object(Bucket=BUCKET, Key="other.fq", Body=OTHER)
    first = imported(omics, store, fastq_source("a.fq", "first"))[0]
    again, copy, other = imported(omics, store, fastq_source("a.fq", "again"),
                                  fastq_source("copy.fq", "copy"), fastq_source("other.fq", "other"))
    etags = {r: etag_of(omics, store, r) for r in (first, again, copy, other)}
    assert etags[first] == etags[again] == etags[copy]  # the bytes, not the object, count
    assert etags[other]["source1"] != etags[first]["source1"]


def test_list_items_carry_the_etag_of_get_metadata(omics: Any, s3: Any, store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="r1.fq", Body=R1)
    s3.put_object(Bucket=BUCKET, Key="r2.fq", Body=R2)
    s3.put_object(Bucket=BUCKET, Key="u.bam", Body=bam_bytes(bam_record("r", "ACGT")))
    ids = imported(omics, store, fastq_source("r1.fq"), paired("r1.fq", "r2.fq"),
                   bam_source("u.bam", "UBAM"))
    listed = {r["id"]: r["etag"] for r in omics.list_read_sets(sequenceStoreId=store)["readSets"]}
    assert sorted(listed) == sorted(ids)
    for read_set in ids:
        assert listed[read_set] == etag_of(omics, store, read_set)


def test_answers_pass_botocores_output_shape_validation(omics: Any, s3: Any, store: str) -> None:
    """botocore's validator (the one it runs on requests), run on the answers against their
    output shapes; it does not check enums, so the algorithm is checked against the model's."""
    s3.put_object(Bucket=BUCKET, Key="r1.fq", Body=R1)
    s3.put_object(Bucket=BUCKET, Key="r2.fq", Body=R2)
    s3.put_object(Bucket=BUCKET, Key="u.bam", Body=bam_bytes(bam_record("r", "ACGT")))
    ids = imported(omics, store, paired("r1.fq", "r2.fq"), bam_source("u.bam", "UBAM"))
    algorithms = service_model().shape_for("ETagAlgorithm").metadata["enum"]
    answers = [("ListReadSets", omics.list_read_sets(sequenceStoreId=store)),
               *(("GetReadSetMetadata", omics.get_read_set_metadata(sequenceStoreId=store, id=r))
                 for r in ids)]
    for operation, answer in answers:
        answer.pop("ResponseMetadata")
        report = ParamValidator().validate(answer, operation_model(operation).output_shape)
        assert not report.has_errors(), report.generate_report()
        for item in answer.get("readSets", [answer]):
            assert item["etag"]["algorithm"] in algorithms


def test_the_stores_family_picks_the_hash(omics: Any, s3: Any, store: str,
                                         control: EmulatorControl) -> None:
    control.limits(rates={"sequenceStoreChanges": 20})
    assert omics.get_sequence_store(id=store)["eTagAlgorithmFamily"] == "MD5up"
    s3.put_object(Bucket=BUCKET, Key="r1.fq", Body=R1)
    s3.put_object(Bucket=BUCKET, Key="r2.fq", Body=R2)
    for family, hash_name in (("SHA256up", "sha256"), ("SHA512up", "sha512")):
        created = omics.create_sequence_store(name=family, eTagAlgorithmFamily=family)
        assert created["eTagAlgorithmFamily"] == family
        assert omics.get_sequence_store(id=created["id"])["eTagAlgorithmFamily"] == family
        [pair] = imported(omics, created["id"], paired("r1.fq", "r2.fq"))
        assert etag_of(omics, created["id"], pair) == {
            "algorithm": f"FASTQ_{family}",
            "source1": hashlib.new(hash_name, R1).hexdigest(),
            "source2": hashlib.new(hash_name, R2).hexdigest()}


def test_etags_survive_a_restart_with_state(tmp_path: Path) -> None:
    state = str(tmp_path / "emulator.json")
    process, url = start_emulator("--state", state, "--speed", "0")
    try:
        omics, s3 = bare_client(url), aws_client("s3", url)
        store = omics.create_sequence_store(name="durable")["id"]
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="r1.fq", Body=R1)
        s3.put_object(Bucket=BUCKET, Key="r2.fq", Body=R2)
        [pair] = imported(omics, store, paired("r1.fq", "r2.fq"))
        before = etag_of(omics, store, pair)
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    assert before == {"algorithm": "FASTQ_MD5up", "source1": md5(R1), "source2": md5(R2)}
    process, url = start_emulator("--state", state, "--speed", "0")
    try:
        omics = bare_client(url)
        assert etag_of(omics, store, pair) == before
        [item] = omics.list_read_sets(sequenceStoreId=store)["readSets"]
        assert item["etag"] == before
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- AWS's duplicate finder ---------------------------------------------------------------


def duplicate_read_sets(omics: Any, store_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """What aws-samples' ``find_duplicate_read_sets.py`` reports, re-written from its
    behaviour: every source ETag (``source1`` and ``source2`` each on its own) of every
    ListReadSets item of the stores, grouped by the hash alone; a hash seen more than once
    is a duplicate, reported with each (read set, source) that has it."""
    seen: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for store in store_ids:
        for page in omics.get_paginator("list_read_sets").paginate(sequenceStoreId=store):
            for item in page["readSets"]:
                for source in ("source1", "source2"):
                    value = item.get("etag", {}).get(source)
                    if value:
                        seen[value].append((item["id"], source))
    return {value: sorted(found) for value, found in seen.items() if len(found) > 1}


@pytest.fixture
def sources(s3: Any) -> None:
    for key, body in (("r1.fq", R1), ("r2.fq", R2), ("other.fq", OTHER)):
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)


def test_duplicate_finder_finds_the_file_imported_twice(omics: Any, sources: None,
                                                        store: str) -> None:
    once, _pair = imported(omics, store, fastq_source("other.fq", "once"), paired("r1.fq", "r2.fq"))
    assert duplicate_read_sets(omics, [store]) == {}
    twice = imported(omics, store, fastq_source("other.fq", "twice"))[0]
    assert duplicate_read_sets(omics, [store]) == {
        md5(OTHER): sorted([(once, "source1"), (twice, "source1")])}


def test_duplicate_finder_finds_none_among_distinct_files(omics: Any, s3: Any, sources: None,
                                                          store: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="u.bam", Body=bam_bytes(bam_record("r", "ACGT")))
    imported(omics, store, fastq_source("other.fq"), paired("r1.fq", "r2.fq"),
             bam_source("u.bam", "UBAM"))
    assert duplicate_read_sets(omics, [store]) == {}
