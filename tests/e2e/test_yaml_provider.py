"""The `omics` provider from Pulumi YAML, through the real CLI, against the emulator with the
service's limits on: the example program (examples/yaml) previewed, created, grown by
delta, refreshed and destroyed; the plugin found through the program's `plugins` section
and through PATH; `pulumi import`, a secret tag, a failed first cohort kept as partial
state, and Ctrl-C."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from harness.yaml_program import REPO, YamlProgram, recording_plugin
from tests.e2e.conftest import BUCKET, START, World, wait_until
from tests.support.cohort import read_sets_by_sample
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import TOOLS_BIN, PulumiStack, interrupt
from tests.support.scenario import ROLE_ARN

COHORT = "omics:index:CohortImport"
#: How a state file marks a secret value: {SECRET_SIG: SECRET_VALUE, "plaintext" or "ciphertext"}.
SECRET_SIG, SECRET_VALUE = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def yaml_stack(make_stack: Callable[..., PulumiStack], world: World, program: YamlProgram,
               **kwargs: Any) -> PulumiStack:
    """A stack of ``program`` on the emulator: the provider's config and the program's."""
    return make_stack(program.directory, {
        "omics:region": "us-east-1", "omics:endpoint": world.omics.meta.endpoint_url,
        "sequenceStoreId": world.store, "roleArn": ROLE_ARN, "bucket": BUCKET,
    }, **kwargs)


def omics_calls(control: EmulatorControl) -> int:
    """HealthOmics calls the emulator has answered so far."""
    return sum(int(n) for n in control.log()["counts"].values())


def started_samples(world: World, job_ids: list[str]) -> list[list[str]]:
    """The sample ids each job imports, in order."""
    return [[s["sampleId"] for s in world.omics.get_read_set_import_job(
        sequenceStoreId=world.store, id=j)["sources"]] for j in job_ids]


def cohort_state(stack: PulumiStack) -> dict[str, Any]:
    [resource] = [r for r in stack.export()["deployment"]["resources"] if r["type"] == COHORT]
    return dict(resource)


def test_example_program_bad_input_up_grow_refresh_destroy(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    world.upload(*(f"S{i}.fq" for i in range(1, 6)))
    plugins = recording_plugin(tmp_path / "plugins")
    program = YamlProgram(tmp_path / "program", plugins=plugins)
    stack = yaml_stack(make_stack, world, program)

    # A bad source path is a preview error naming the property, before any HealthOmics call.
    program.set_samples("S1", "S2", "S3", S2={"source1": "s3:/omics-e2e-sources/S2.fq"})
    calls = omics_calls(control)
    preview = stack.preview()
    assert preview.code != 0, preview.output
    assert "sources[1].source1" in preview.output, preview.output
    assert "must be an S3 URI s3://bucket/key" in preview.output, preview.output
    assert omics_calls(control) == calls

    program.set_samples("S1", "S2", "S3")
    preview = stack.preview()  # the ActiveReadSets' ids are unknown here: they pass check
    assert preview.code == 0 and "+ 3 to create" in preview.output, preview.output
    assert omics_calls(control) == calls
    up = stack.up()
    assert "[cohort] cohort: 3/3 sources imported, 0 jobs running, 0 queued" in up.output
    assert (plugins / "starts").exists()  # the plugin named in the program's `plugins`
    [first] = control.new_jobs(START)
    outputs = stack.outputs()
    assert outputs["counts"] == {"imported": 3, "failed": 0, "pending": 0, "deleted": 0,
                                 "duplicates": 0}
    assert outputs["statusCounts"] == {"ACTIVE": 3}
    stored = read_sets_by_sample(world.omics, world.store)
    assert {k: [v] for k, v in outputs["readSetIds"].items()} == stored

    stack.preview("--expect-no-changes", check=True)
    stack.refresh("--expect-no-changes")

    program.set_samples("S1", "S2", "S3", "S4", "S5")
    grown = stack.up()
    assert "update: 2 added" in grown.output, grown.output
    jobs = control.new_jobs(START)
    assert jobs[0] == first and started_samples(world, jobs[1:]) == [["S4", "S5"]]
    stored = read_sets_by_sample(world.omics, world.store)
    assert sorted(stored) == ["S1", "S2", "S3", "S4", "S5"]
    assert all(len(ids) == 1 for ids in stored.values()), stored
    assert stack.outputs()["statusCounts"] == {"ACTIVE": 5}

    destroyed = stack.destroy()
    assert "kept 5 read set(s)" in destroyed.output, destroyed.output
    assert read_sets_by_sample(world.omics, world.store) == stored


def test_plugin_found_on_path(make_stack: Callable[..., PulumiStack], world: World,
                              control: EmulatorControl, tmp_path: Path) -> None:
    world.upload("S1.fq", "S2.fq", "S3.fq")
    plugins = recording_plugin(tmp_path / "on-path")
    program = YamlProgram(tmp_path / "program", plugins=None)
    program.set_samples("S1", "S2", "S3")
    path = [str(plugins), str(TOOLS_BIN), str(REPO / ".venv" / "bin"), "/usr/bin", "/bin"]
    stack = yaml_stack(make_stack, world, program, extra_env={"PATH": ":".join(path)})
    stack.up()
    assert (plugins / "starts").exists()
    assert stack.outputs()["counts"]["imported"] == 3


def test_import_adopts_a_job_started_elsewhere(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    world.upload("S1.fq", "S2.fq")
    sources = [{"sourceFileType": "FASTQ", "sourceFiles": {"source1": f"s3://{BUCKET}/{s}.fq"},
                "subjectId": "subject", "sampleId": s} for s in ("S1", "S2")]
    job = world.omics.start_read_set_import_job(
        sequenceStoreId=world.store, roleArn=ROLE_ARN, sources=sources)["id"]
    deadline = time.monotonic() + 60
    while world.omics.get_read_set_import_job(
            sequenceStoreId=world.store, id=job)["status"] != "COMPLETED":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    program = YamlProgram(tmp_path / "program")
    program.replace_resources({}, {})
    stack = yaml_stack(make_stack, world, program)
    code = tmp_path / "imported.yaml"
    stack.run("import", "omics:index:ReadSetImportJob", "adopted", f"{world.store}/{job}",
              "--yes", "--out", str(code), "--stack", stack.name, check=True)
    [adopted] = stack.resources("ReadSetImportJob")
    assert adopted["id"] == f"{world.store}/{job}"
    assert adopted["outputs"]["status"] == "COMPLETED"
    assert len(adopted["outputs"]["readSetIds"]) == 2
    assert adopted["inputs"]["roleArn"] == ROLE_ARN
    assert [s["sampleId"] for s in adopted["inputs"]["sources"]] == ["S1", "S2"]
    # The generated declaration, put in the program, matches the job: nothing to do.
    generated = code.read_text()
    assert "type: omics:ReadSetImportJob" in generated, generated
    program.replace_resources(yaml.safe_load(generated)["resources"], {})
    stack.preview("--expect-no-changes", check=True)
    assert control.new_jobs(START) == [job]


def test_secret_tag_stays_secret(make_stack: Callable[..., PulumiStack], world: World,
                                 control: EmulatorControl, tmp_path: Path) -> None:
    world.upload("S1.fq", "S2.fq", "S3.fq")
    secret = "patient-7f3a9c"
    program = YamlProgram(tmp_path / "program")
    program.set_samples("S1", "S2", "S3")
    sources = program.program["resources"]["cohort"]["properties"]["sources"]
    sources[1]["tags"]["patient"] = {"fn::secret": secret}
    program.write()
    stack = yaml_stack(make_stack, world, program)
    up = stack.up()
    assert secret not in up.output
    raw = stack.run("stack", "export", "--stack", stack.name, check=True).stdout
    assert secret not in raw
    state = cohort_state(stack)
    # In the inputs, the tag alone is secret; in the ledger, which keeps tag sets, too.
    tags = state["inputs"]["sources"][1]["tags"]
    assert tags["study"] == "yaml-demo" and tags["patient"][SECRET_SIG] == SECRET_VALUE
    assert json.dumps(state["outputs"]["ledger"]).count(SECRET_VALUE) == 1
    # The read set got the tag itself.
    read_set = stack.outputs()["readSetIds"]["S2"]
    arn = world.omics.get_read_set_metadata(sequenceStoreId=world.store, id=read_set)["arn"]
    assert world.omics.list_tags_for_resource(resourceArn=arn)["tags"]["patient"] == secret


def test_failed_first_cohort_is_kept_and_updated(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    world.upload("S1.fq", "S2.fq")  # S3.fq is missing
    program = YamlProgram(tmp_path / "program")
    program.set_samples("S1", "S2", "S3")
    stack = yaml_stack(make_stack, world, program)
    failed = stack.up(check=False)
    assert failed.code != 0 and "2/3 sources imported, 1 failed" in failed.output, failed.output
    [first] = control.new_jobs(START)
    state = cohort_state(stack)  # recorded, with its batch, jobs and samples
    assert state["id"].startswith(f"{world.store}/cohort/")
    assert state["initErrors"] and "2/3 sources imported" in state["initErrors"][0]
    samples = state["outputs"]["samples"]
    assert [samples[k]["status"] for k in ("S1", "S2", "S3")] == ["ACTIVE", "ACTIVE", "FAILED"]
    assert state["outputs"]["jobs"] == {first: "COMPLETED_WITH_FAILURES"}

    world.upload("S3.fq")
    preview = stack.preview()
    assert "~ 1 to update" in preview.output and "+ 1 to create" in preview.output, preview.output
    stack.up()
    assert started_samples(world, control.new_jobs(START)) == [["S1", "S2", "S3"], ["S3"]]
    stored = read_sets_by_sample(world.omics, world.store)
    assert sorted(stored) == ["S1", "S2", "S3"] and all(len(v) == 1 for v in stored.values())
    assert "initErrors" not in cohort_state(stack)


def test_ctrl_c_ends_the_wait_at_once(make_stack: Callable[..., PulumiStack], world: World,
                                      control: EmulatorControl, tmp_path: Path) -> None:
    control.durations(importSeconds=300)
    world.upload("S1.fq", "S2.fq", "S3.fq")
    program = YamlProgram(tmp_path / "program")
    program.set_samples("S1", "S2", "S3")
    stack = yaml_stack(make_stack, world, program)
    process = stack.start("up", "--yes", "--skip-preview", "--stack", stack.name)
    wait_until(lambda: bool(control.new_jobs(START)), process)
    time.sleep(1)
    interrupted = time.monotonic()
    interrupt(process, "sigint")
    output, _ = process.communicate(timeout=60)
    assert time.monotonic() - interrupted < 30, output
    assert process.returncode != 0
    assert "still IN_PROGRESS" in output or "still SUBMITTED" in output, output
    assert "run `pulumi up` again" in output, output


def test_the_example_reads_its_sheet_with_fn_invoke(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    """The example's sources as it declares them: `fn::invoke` of sourcesFromSampleSheet on
    `../cohort.csv`, read by the provider from the program's folder. A bad row fails
    preview with its line and column, before any HealthOmics call."""
    world.upload("S1.fq", "S2.fq")
    program = YamlProgram(tmp_path / "program")
    assert "fn::invoke" in program.program["resources"]["cohort"]["properties"]["sources"]
    program.program["resources"]["active"]["properties"]["readSetIds"] = [
        '${cohort.readSetIds["S1"]}', '${cohort.readSetIds["S2"]}']
    program.write()
    header = "# two samples\nsample_id,subject_id,source_file_type,source1,name,tag:study\n"
    row = "{0},{1},FASTQ,s3://" + BUCKET + "/{0}.fq,{0},yaml-demo\n"
    sheet = tmp_path / "cohort.csv"
    sheet.write_text(header + row.format("S1", "subject-1") + row.format("S2", ""))
    stack = yaml_stack(make_stack, world, program)

    calls = omics_calls(control)
    preview = stack.preview()
    assert preview.code != 0, preview.output
    assert "cohort.csv: line 4 (sources[1]), column 'subject_id': is empty" in preview.output, (
        preview.output)
    assert omics_calls(control) == calls

    sheet.write_text(header + row.format("S1", "subject-1") + row.format("S2", "subject-2"))
    stack.up()
    assert stack.outputs()["counts"]["imported"] == 2
    assert stack.outputs()["statusCounts"] == {"ACTIVE": 2}
    stack.preview("--expect-no-changes", check=True)


def test_import_adopts_a_cohort_and_up_starts_nothing(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    """A cohort whose state is gone, adopted from its store by its id (the identity tag's
    hash): its samples, read sets and sources come back from its jobs, the code `pulumi
    import` writes runs with no change, and `up` with the same sources starts no job."""
    world.upload("S1.fq", "S2.fq", "S3.fq")
    program = YamlProgram(tmp_path / "program")
    program.set_samples("S1", "S2", "S3")
    program.replace_resources({"cohort": program.resources["cohort"]},
                              {"readSetIds": "${cohort.readSetIds}"})
    stack = yaml_stack(make_stack, world, program)
    stack.up()
    [job] = control.new_jobs(START)
    [created] = stack.resources("CohortImport")
    stack.run("state", "delete", created["urn"], "--yes", "--stack", stack.name, check=True)

    code = tmp_path / "imported.yaml"
    stack.run("import", COHORT, "cohort", created["id"], "--yes", "--out", str(code),
              "--stack", stack.name, check=True)
    [adopted] = stack.resources("CohortImport")
    assert adopted["outputs"]["readSetIds"] == created["outputs"]["readSetIds"]
    assert adopted["outputs"]["counts"]["imported"] == 3
    assert [s["name"] for s in adopted["inputs"]["sources"]] == ["S1", "S2", "S3"]
    assert adopted["inputs"]["sources"][0]["tags"] == {"study": "yaml-demo"}

    up = stack.up()
    assert control.new_jobs(START) == [job], up.output
    stack.preview("--expect-no-changes", check=True)
    # The declaration `pulumi import` wrote, in the program: nothing to do either.
    generated = code.read_text()
    assert "type: omics:CohortImport" in generated, generated
    program.replace_resources(yaml.safe_load(generated)["resources"], {})
    stack.preview("--expect-no-changes", check=True)
    assert control.new_jobs(START) == [job]


def test_import_adopts_active_read_sets_by_store_and_ids(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    """An ActiveReadSets whose state is gone, adopted by its store and read sets: their
    statuses read, and the code `pulumi import` writes previews with no change."""
    world.upload("S1.fq", "S2.fq")
    program = YamlProgram(tmp_path / "program")
    program.set_samples("S1", "S2")
    stack = yaml_stack(make_stack, world, program)
    stack.up()
    ids = [stack.outputs()["readSetIds"][s] for s in ("S1", "S2")]
    [active] = stack.resources("ActiveReadSets")
    stack.run("state", "delete", active["urn"], "--yes", "--stack", stack.name, check=True)

    code = tmp_path / "imported.yaml"
    stack.run("import", "omics:index:ActiveReadSets", "adopted", f"{world.store}/{','.join(ids)}",
              "--yes", "--out", str(code), "--stack", stack.name, check=True)
    [adopted] = stack.resources("ActiveReadSets")
    assert adopted["inputs"]["readSetIds"] == ids
    assert adopted["outputs"]["readSetStatuses"] == dict.fromkeys(ids, "ACTIVE")
    generated = yaml.safe_load(code.read_text())["resources"]
    assert generated["adopted"]["type"] == "omics:ActiveReadSets", generated
    program.replace_resources({"cohort": program.resources["cohort"], **generated}, {})
    stack.preview("--expect-no-changes", check=True)
