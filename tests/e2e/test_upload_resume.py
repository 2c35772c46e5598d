"""``ReadSetUpload`` through the real CLI against the emulator (its limits on): a 200 MiB
FASTQ pair in 10 MiB parts, the run killed with SIGKILL after some parts, then `up` again.
The parts the second run sends are exactly the missing ones (counted in the emulator's
request log), and there is one read set and no open upload afterwards."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omics_resources.core.upload.fields import KEY_TAG
from tests.e2e.conftest import World, wait_until
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import PulumiStack, interrupt

PROGRAM = Path(__file__).parent / "programs" / "uploads"
MIB = 1024 * 1024
FILE_BYTES = 100 * MIB
PART_BYTES = 10 * MIB
PARTS = 2 * FILE_BYTES // PART_BYTES


def fastq(path: Path, mate: int) -> str:
    """A FASTQ file of FILE_BYTES: one 64 KiB block of reads, repeated (fast to write)."""
    record = f"@read/{mate}\n{'ACGT' * 25}\n+\n{'I' * 100}\n".encode()
    block = record * (64 * 1024 // len(record) + 1)
    block = block[: block.rindex(b"@", 0, 64 * 1024)]
    with path.open("wb") as out:
        written = 0
        while written < FILE_BYTES:
            chunk = block[: FILE_BYTES - written]
            out.write(chunk)
            written += len(chunk)
    return str(path)


def sent_parts(control: EmulatorControl) -> list[str]:
    """The parts the emulator stored, in the order it answered them (``SOURCE1/3``)."""
    return [r["part"] for r in control.log()["requests"]
            if r["operation"] == "UploadReadSetPart" and r["status"] == 200]


def listed_parts(world: World, upload_id: str) -> set[str]:
    return {f"{source}/{p['partNumber']}" for source in ("SOURCE1", "SOURCE2")
            for p in world.omics.list_read_set_upload_parts(
                sequenceStoreId=world.store, uploadId=upload_id, partSource=source)["parts"]}


def test_killed_upload_resumes_with_only_the_missing_parts(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    props: dict[str, Any] = {
        "sequence_store_id": world.store, "source_file_type": "FASTQ", "subject_id": "subject",
        "sample_id": "sample", "name": "pair", "part_size": PART_BYTES,
        "source1": fastq(tmp_path / "r1.fq", 1), "source2": fastq(tmp_path / "r2.fq", 2)}
    stack = make_stack(PROGRAM, {"uploads": [{"name": "pair", "props": props}]})
    process = stack.start("up", "--yes", "--skip-preview", "--stack", stack.name)
    wait_until(lambda: len(sent_parts(control)) >= 5, process, timeout=120)
    interrupt(process, "sigkill")
    process.communicate(timeout=60)
    time.sleep(1)  # a part whose body had arrived is stored by the emulator's thread
    first = sent_parts(control)
    [upload] = world.omics.list_multipart_read_set_uploads(sequenceStoreId=world.store)["uploads"]
    assert listed_parts(world, upload["uploadId"]) == set(first)
    assert 5 <= len(first) < PARTS, first

    stack.run("cancel", "--yes", "--stack", stack.name, check=True)
    stack.refresh("--clear-pending-creates")
    resumed = stack.up()
    second = sent_parts(control)[len(first):]
    every = {f"{s}/{n}" for s in ("SOURCE1", "SOURCE2") for n in range(1, PARTS // 2 + 1)}
    assert sorted(second) == sorted(every - set(first)), resumed.output
    assert len(second) == PARTS - len(first)
    print(f"first run: {len(first)} parts, second run: {len(second)} parts of {PARTS}")

    assert world.omics.list_multipart_read_set_uploads(
        sequenceStoreId=world.store)["uploads"] == []
    read_sets = world.omics.list_read_sets(sequenceStoreId=world.store)["readSets"]
    assert len(read_sets) == 1
    [resource] = stack.resources("ReadSetUpload")
    outputs = resource["outputs"]
    assert outputs["read_set_id"] == read_sets[0]["id"]
    assert outputs["status"] == "ACTIVE"
    assert (outputs["part_count"], outputs["parts_sent"]) == (PARTS, len(second))
    tags = world.omics.list_tags_for_resource(resourceArn=read_sets[0]["arn"])["tags"]
    assert KEY_TAG in tags
    assert "resuming upload" in resumed.output
