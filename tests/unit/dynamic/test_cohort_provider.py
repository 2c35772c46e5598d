"""CohortImport's check and diff: every source checked as ReadSetImportJob checks its own,
at any count; what replaces, what updates in place; neither calls AWS."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc

from omics_resources import ReadSetImportJobProvider
from omics_resources.core.cohort.behaviour import cohort_id
from omics_resources.dynamic.cohort_import import CohortImportProvider
from tests.support.cohort import cohort_props, imported_outputs, sample_source
from tests.support.inputs import import_props

PROVIDER = CohortImportProvider()


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """check and diff are pure: any client creation fails the test."""

    def refuse(*_a: Any, **_k: Any) -> None:
        raise AssertionError("check and diff must not call AWS")

    monkeypatch.setattr("omics_resources.core.account.aws.omics_client", refuse)


def failures(props: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.property, f.reason) for f in PROVIDER.check({}, props).failures]


# --- check ---------------------------------------------------------------------------------

def test_a_valid_cohort_of_any_size_passes_with_defaults_filled_in() -> None:
    result = PROVIDER.check({}, cohort_props(1000))
    assert result.failures == []
    assert result.inputs["wait"] is True and result.inputs["delete_removed_read_sets"] is False


def test_a_bad_source_deep_in_the_list_is_named_by_its_own_path() -> None:
    props = cohort_props(1000)
    props["sources"][734]["source1"] = "s3://Bad_Bucket/x.fq"
    props["sources"][999]["source_file_type"] = "VCF"
    found = failures(props)
    assert [p for p, _ in found] == ["sources[734].source1", "sources[999].source_file_type"]
    assert "bucket 'Bad_Bucket' must be 3 to 63 lowercase letters" in found[0][1]


def test_sources_are_checked_exactly_as_an_import_job_checks_them() -> None:
    bad = import_props()["sources"]
    bad[0]["source2"] = "not-an-uri"
    bad[1].pop("reference_arn")
    bad[1]["colour"] = "red"
    job = [(f.property, f.reason) for f in ReadSetImportJobProvider().check({}, import_props(sources=bad)).failures]
    # The same problems at the same paths, shifted by the sources in front of them.
    cohort = failures(cohort_props(150, sources=[sample_source(i) for i in range(150)] + bad))
    shifted = [(p.replace("sources[0]", "sources[150]").replace("sources[1]", "sources[151]"), r)
               for p, r in job]
    assert sorted(cohort) == sorted(shifted)
    assert len(job) == 3


def test_store_and_role_problems_are_said_once_whatever_the_count() -> None:
    found = failures(cohort_props(450, sequence_store_id="store-1", role_arn="role"))
    assert [p for p, _ in found] == ["sequence_store_id", "role_arn"]


def test_a_repeated_key_names_both_sources() -> None:
    sources = [sample_source(i) for i in range(300)]
    sources[250] = dict(sample_source(7), source1="s3://omics-cohort-bucket/other.fq")
    found = failures(cohort_props(0, sources=sources))
    assert found == [("sources[250]", "has the same key as sources[7] (a source's key is its name, "
                      "else its sample_id and files); give each source its own name (got 'S7')")]


def test_settings_and_an_empty_cohort_are_checked() -> None:
    found = dict(failures(cohort_props(0, wait_timeout=-1, delete_removed_read_sets="yes")))
    assert found["wait_timeout"] == "must be a positive number of seconds (got -1)"
    assert "must be true or false" in found["delete_removed_read_sets"]
    assert "sources" in found


def test_unknown_values_at_preview_pass() -> None:
    props = cohort_props(3)
    props["sources"][1]["source1"] = rpc.UNKNOWN
    assert failures(props) == []
    assert failures(cohort_props(0, sources=rpc.UNKNOWN)) == []


# --- diff ----------------------------------------------------------------------------------

def diff(olds: dict[str, Any], news: dict[str, Any]) -> tuple[bool, list[str]]:
    result = PROVIDER.diff("1234567890/cohort/x", olds, news)
    return bool(result.changes), list(result.replaces or [])


def test_nothing_changed_is_no_diff_even_reordered() -> None:
    props = cohort_props(250)
    outs = imported_outputs(props)
    assert diff(outs, props) == (False, [])
    assert diff(outs, dict(props, sources=props["sources"][::-1])) == (False, [])


@pytest.mark.parametrize("change", [
    {"sources": "add"}, {"sources": "remove"}, {"sources": "retag"}, {"sources": "refile"},
    {"role_arn": "arn:aws:iam::123456789012:role/Other"}, {"wait_timeout": 60.0},
    {"allow_partial": True}, {"delete_removed_read_sets": True},
])
def test_changes_update_in_place(change: dict[str, Any]) -> None:
    props = cohort_props(120)
    sources = [dict(s) for s in props["sources"]]
    edit = change.get("sources")
    if edit == "add":
        sources.append(sample_source(500))
    elif edit == "remove":
        sources.pop(3)
    elif edit == "retag":
        sources[110]["tags"] = {"owner": "lab"}
    elif edit == "refile":
        sources[5]["source1"] = "s3://omics-cohort-bucket/fixed.fq"
    news = {**props, **change, "sources": sources}
    assert diff(imported_outputs(props), news) == (True, [])


def test_another_store_replaces() -> None:
    props = cohort_props(3)
    assert diff(imported_outputs(props), dict(props, sequence_store_id="9999999999")) == (
        True, ["sequence_store_id"])


def test_failed_samples_and_lost_read_sets_are_drift_to_repair() -> None:
    props = cohort_props(5)
    assert diff(imported_outputs(props, S2="FAILED"), props) == (True, [])
    assert diff(imported_outputs(props, S4="DELETED"), props) == (True, [])
    assert diff(imported_outputs(props, S4="ARCHIVED"), props) == (False, [])


def test_unknown_sources_at_preview_are_an_update() -> None:
    props = cohort_props(3)
    assert diff(imported_outputs(props), dict(props, sources=rpc.UNKNOWN)) == (True, [])


def test_the_id_is_stable_per_stack_and_name() -> None:
    scope = {"project": "p", "stack": "s", "resource_name": "cohort"}
    assert cohort_id("1234567890", scope) == cohort_id("1234567890", dict(scope))
    assert cohort_id("1234567890", scope).startswith("1234567890/cohort/")
    assert cohort_id("1234567890", scope) != cohort_id("1234567890", dict(scope, stack="t"))


def test_the_cohorts_own_tag_key_is_refused_at_preview() -> None:
    props = cohort_props(3)
    props["sources"][2]["tags"] = {"omics-resources:cohort": "mine"}
    assert failures(props) == [
        ("sources[2].tags", "is the tag key the cohort keeps for itself (its identity); use "
                            "another key (got 'omics-resources:cohort')")]


def test_the_cohorts_own_tag_counts_toward_a_read_sets_fifty_at_preview() -> None:
    """Issue 26: 50 declared tags passed preview, then the read set could not hold them
    with the cohort's own; 49 pass."""
    props = cohort_props(3)
    props["sources"][1]["tags"] = {f"k{n}": "v" for n in range(50)}
    props["sources"][2]["tags"] = {f"k{n}": "v" for n in range(49)}
    assert failures(props) == [
        ("sources[1].tags", "at most 49: a read set holds 50 tags and the cohort keeps one of "
         "them for itself (omics-resources:cohort) (got '50 tags')")]
