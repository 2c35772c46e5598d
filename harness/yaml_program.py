"""Pulumi YAML programs for the `omics` provider: the example program (examples/yaml) copied
into a scratch directory, edited as a test needs, and a plugin that records its starts."""

from __future__ import annotations

import copy
import stat
from pathlib import Path
from typing import Any

import yaml

from harness.pulumi_cli import REPO

__all__ = ["EXAMPLE", "PLUGIN", "YamlProgram", "recording_plugin", "source"]

EXAMPLE = REPO / "examples" / "yaml" / "Pulumi.yaml"
#: This checkout's plugin shim.
PLUGIN = REPO / "bin" / "pulumi-resource-omics"


def recording_plugin(directory: Path) -> Path:
    """A ``pulumi-resource-omics`` in ``directory`` that appends a line to ``starts`` there
    each time the engine starts it, then runs this checkout's plugin."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "pulumi-resource-omics"
    script.write_text(
        f'#!/bin/sh\necho started >> "{directory / "starts"}"\nexec "{PLUGIN}" "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return directory


def source(sample: str, bucket: str = "${bucket}", **fields: Any) -> dict[str, Any]:
    """One FASTQ source of the example's form (``s3://<bucket>/<sample>.fq``)."""
    return {"sourceFileType": "FASTQ", "source1": f"s3://{bucket}/{sample}.fq",
            "subjectId": f"subject-{sample}", "sampleId": sample, "name": sample,
            "tags": {"study": "yaml-demo"}, **fields}


class YamlProgram:
    """The example program in ``directory``; ``plugins`` is the directory the program names
    in ``plugins: providers`` (None: no such section, the engine looks on PATH)."""

    def __init__(self, directory: Path, plugins: Path | None = REPO / "bin") -> None:
        self.directory = directory
        self.program: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
        # The sources tests write (:func:`source`) name their files by the stack's bucket.
        self.program["config"].setdefault("bucket", {"type": "string"})
        if plugins is None:
            del self.program["plugins"]
        else:
            self.program["plugins"]["providers"][0]["path"] = str(plugins)
        directory.mkdir(parents=True, exist_ok=True)
        self.write()

    @property
    def resources(self) -> dict[str, Any]:
        """The program's resources (edit, then :meth:`write`)."""
        return dict(self.program["resources"])

    def samples(self) -> list[str]:
        """The cohort's sample names, in order."""
        return [s["name"] for s in self.program["resources"]["cohort"]["properties"]["sources"]]

    def set_samples(self, *samples: str, **edits: dict[str, Any]) -> None:
        """The cohort's sources are these samples (``edits[sample]`` changes fields of one),
        and the ActiveReadSets lists each one's read set."""
        resources = self.program["resources"]
        resources["cohort"]["properties"]["sources"] = [
            source(s, **edits.get(s, {})) for s in samples
        ]
        resources["active"]["properties"]["readSetIds"] = [
            f'${{cohort.readSetIds["{s}"]}}' for s in samples
        ]
        self.write()

    def replace_resources(self, resources: dict[str, Any], outputs: dict[str, Any]) -> None:
        """Another set of resources and outputs."""
        self.program["resources"] = copy.deepcopy(resources)
        self.program["outputs"] = copy.deepcopy(outputs)
        self.write()

    def write(self) -> None:
        """Write ``Pulumi.yaml``."""
        (self.directory / "Pulumi.yaml").write_text(yaml.safe_dump(self.program, sort_keys=False))
