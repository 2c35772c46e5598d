"""Duplicated data in a cohort: read sets with the same ETag, as AWS's duplicate finder
groups them (by etag source1 and source2)."""

from __future__ import annotations

from typing import Any

from omics_resources.core.account.api import ReadSetInfo
from omics_resources.core.cohort.state import SAMPLE_FAILED, Sample, count_samples
from omics_resources.core.cohort.upkeep import mark_duplicates


def info(source1: str | None, source2: str | None = None) -> ReadSetInfo:
    etag: dict[str, Any] | None = None
    if source1 is not None:
        etag = {"algorithm": "FASTQ_MD5up", "source1": source1, "source2": source2}
    return ReadSetInfo(status="ACTIVE", arn=None, etag=etag)


def test_samples_sharing_an_etag_point_at_each_other_and_are_counted() -> None:
    samples = {k: Sample("ACTIVE", f"r{k}", "j") for k in ("a", "b", "c", "d", "e")}
    samples["f"] = Sample(SAMPLE_FAILED, None, "j", "no object")
    infos = {"ra": info("x"), "rb": info("x"), "rc": info("p", "q"), "rd": info("q"),
             "re": info(None)}
    mark_duplicates(samples, infos)
    assert samples["a"].duplicate_of == ("rb",)
    assert samples["b"].duplicate_of == ("ra",)
    # A file is matched alone, as AWS's finder does: d's file is c's second one.
    assert (samples["c"].duplicate_of, samples["d"].duplicate_of) == (("rd",), ("rc",))
    # No ETag, or no read set, is never a duplicate.
    assert [samples[k].duplicate_of for k in "ef"] == [(), ()]
    assert count_samples(samples)["duplicates"] == 4
    assert samples["a"].to_output()["duplicate_of"] == ["rb"]
    assert Sample.from_output(samples["a"].to_output()) == samples["a"]


def test_a_refresh_that_finds_them_gone_clears_the_marks() -> None:
    samples = {k: Sample("ACTIVE", f"r{k}", "j", duplicate_of=("other",)) for k in "ab"}
    mark_duplicates(samples, {"ra": info("x"), "rb": info("z")})
    assert count_samples(samples)["duplicates"] == 0
    assert "duplicate_of" not in samples["a"].to_output()
