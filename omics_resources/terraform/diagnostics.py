"""Diagnostics for Terraform: each problem the core finds at its attribute path, so the CLI
underlines the line of the configuration that holds it (``sources[3].source1`` is the
attribute ``sources``, element 3, attribute ``source1``)."""

from __future__ import annotations

import re

from omics_resources.core.schema.config import CONFIG_DOCS
from omics_resources.core.validation import Problem
from omics_resources.terraform.proto import tfplugin6_pb2 as pb
from omics_resources.terraform.schema import config_key

__all__ = ["attribute_path", "error", "problem", "renamed"]

_STEP = re.compile(r"(?P<name>\w+)|\[(?P<index>\d+)\]|\['(?P<key>[^']*)'\]|\[\"(?P<dq>[^\"]*)\"\]")


def attribute_path(path: str) -> pb.AttributePath:
    """A core property path as Terraform's steps (an unparsed rest is left off)."""
    steps = []
    for match in _STEP.finditer(path):
        if match["name"] is not None:
            steps.append(pb.AttributePath.Step(attribute_name=match["name"]))
        elif match["index"] is not None:
            steps.append(pb.AttributePath.Step(element_key_int=int(match["index"])))
        else:
            key = match["key"] if match["key"] is not None else match["dq"]
            steps.append(pb.AttributePath.Step(element_key_string=key))
    return pb.AttributePath(steps=steps)


#: The core's messages name the Pulumi commands; here, what does the same in Terraform.
_COMMANDS = {
    "`pulumi up`": "`tofu apply` (`terraform apply`)",
    "`pulumi refresh`": "`tofu refresh` (`terraform refresh`)",
    "`pulumi preview`": "`tofu plan` (`terraform plan`)",
}


def renamed(text: str) -> str:
    """A core message with each setting key named as the provider block has it
    (``omics-resources:maxConcurrentImportJobs`` -> ``max_concurrent_import_jobs``), and
    each command the one a Terraform user runs."""
    for key in sorted(CONFIG_DOCS, key=len, reverse=True):
        text = text.replace(key, config_key(key))
    for pulumi, terraform in _COMMANDS.items():
        text = text.replace(pulumi, terraform)
    return text


def problem(found: Problem, *, prefix: str = "") -> pb.Diagnostic:
    """One problem as an error at its attribute (``prefix``: where the object sits)."""
    path = f"{prefix}.{found.path}" if prefix else found.path
    return pb.Diagnostic(
        severity=pb.Diagnostic.ERROR,
        summary=f"{path}: {renamed(found.reason)}",
        attribute=attribute_path(path),
    )


def error(message: str, *, path: str = "") -> pb.Diagnostic:
    """An error about the whole resource (or at ``path``): the first line as summary."""
    summary, _, rest = renamed(message).partition("\n")
    diagnostic = pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=rest)
    if path:
        diagnostic.attribute.CopyFrom(attribute_path(path))
    return diagnostic
