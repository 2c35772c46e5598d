"""The provider's memory while a ``ReadSetUpload`` sends one large local file.

    python -m benchmarks.upload              # a 2 GiB FASTQ file in 64 MiB parts (~1 minute)
    python -m benchmarks.upload --smoke      # 96 MiB in 16 MiB parts (CI)

One `pulumi up` of the uploads program (tests/e2e/programs/uploads) against an emulator in
this process with the service's limits on (10 parts a second). The provider process is
found by its command line and a marker in its environment (:mod:`benchmarks.procwatch`);
its peak resident set (the kernel's VmHWM) is the figure: parts are read as streams, so it
stays flat whatever the file's size (the goal is under 200 MiB for 2 GiB). Not a timed test:
the wall time is printed for context.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.procwatch import ProcessWatch
from benchmarks.report import table
from benchmarks.stacks import CREDENTIALS
from harness.clients import aws_client
from harness.pulumi_cli import REPO, PulumiStack
from omics_resources.emulator import EmulatorServer

PROGRAM = REPO / "tests" / "e2e" / "programs" / "uploads"
MARKER = "OMICS_RESOURCES_BENCHMARK_UPLOAD"
MIB = 1024 * 1024
GOAL_MIB = 200


def fastq(path: Path, size: int) -> None:
    """A FASTQ file of ``size`` bytes: a 1 MiB block of reads, repeated."""
    record = f"@read/1\n{'ACGT' * 25}\n+\n{'I' * 100}\n".encode()
    block = record * (MIB // len(record))
    with path.open("wb") as out:
        written = 0
        while written < size:
            chunk = block[: size - written]
            out.write(chunk)
            written += len(chunk)


def measure(root: Path, size: int, part: int) -> dict[str, float]:
    """One `pulumi up` uploading a file of ``size`` bytes; the provider's peak RSS (MiB),
    the parts and the wall seconds."""
    path = root / "reads.fq"
    fastq(path, size)
    with EmulatorServer(port=0, state_file=str(root / "emulator.json")) as emulator:
        store = aws_client("omics", emulator.url).create_sequence_store(name="upload")["id"]
        props = {"sequence_store_id": store, "source1": str(path), "source_file_type": "FASTQ",
                 "subject_id": "subject", "sample_id": "sample", "name": "big",
                 "part_size": part}
        marker = uuid.uuid4().hex
        stack = PulumiStack(
            PROGRAM, root / "stack",
            {"aws:region": "us-east-1", "omics-resources:endpoint": emulator.url,
             "uploads": [{"name": "big", "props": props}]},
            credentials=None, extra_env={**CREDENTIALS, MARKER: marker})
        try:
            watch = ProcessWatch(f"{MARKER}={marker}")
            with watch:
                began = time.monotonic()
                stack.up()
                wall = time.monotonic() - began
            [resource] = stack.resources("ReadSetUpload")
            outputs = resource["outputs"]
            assert outputs["status"] == "ACTIVE", outputs
            assert watch.processes >= 1, "the provider process was not found"
            return {"rss_mib": watch.peak_rss_bytes / MIB, "parts": outputs["part_count"],
                    "wall": wall}
        finally:
            stack.remove()


def main(argv: list[str] | None = None) -> int:
    """Measure and print the row; non-zero if the peak is over the goal."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a small file, for CI")
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--part-mib", type=int, default=64)
    args = parser.parse_args(argv)
    size_mib, part_mib = (96, 16) if args.smoke else (args.size_mib, args.part_mib)
    os.environ.update(CREDENTIALS)
    with tempfile.TemporaryDirectory() as tmp:
        found = measure(Path(tmp), size_mib * MIB, part_mib * MIB)
    print(f"\nOne ReadSetUpload of a {size_mib} MiB FASTQ file in {part_mib} MiB parts, one "
          f"`pulumi up`, emulator limits on\n")
    print(table(["file MiB", "parts", "provider peak RSS MiB", "goal MiB", "wall s"],
                [[str(size_mib), str(int(found["parts"])), f"{found['rss_mib']:.0f}",
                  str(GOAL_MIB), f"{found['wall']:.1f}"]]))
    return 0 if found["rss_mib"] < GOAL_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
