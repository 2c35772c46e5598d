"""The user's side of a chaos run: the program (a sample sheet, a role, the resources it
declares) and the edits a user makes to it between runs."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from harness.clients import ROLE_ARN

#: The role of the first run, and the ones a user may switch to.
ROLES = (ROLE_ARN, "arn:aws:iam::123456789012:role/OmicsImportRoleB",
         "arn:aws:iam::123456789012:role/OmicsImportRoleC")
PROJECT, STACK = "omics-chaos", "chaos"


@dataclass
class Row:
    """One row of the sample sheet, as ``S<index>``."""

    index: int
    #: Which file variant it names (a changed file is another object with other data).
    file: int = 0
    description: str = "first"
    #: None, or how the row is bad: ``missing`` (passes preview, fails in its job) or
    #: ``invalid`` (refused at preview).
    bad: str | None = None

    @property
    def key(self) -> str:
        return f"S{self.index}"

    def object_key(self) -> str:
        suffix = "" if self.file == 0 else f"-v{self.file}"
        return f"S{self.index}{suffix}_R1.fastq"

    def source(self, bucket: str) -> dict[str, Any]:
        """The row as a cohort source (snake_case, as the provider sees it)."""
        key = self.object_key()
        if self.bad == "missing":
            key = key.replace(".fastq", ".absent.fastq")
        source: dict[str, Any] = {
            "source_file_type": "FASTQ", "source1": f"s3://{bucket}/{key}",
            "subject_id": f"subject-{self.index}", "sample_id": self.key, "name": self.key,
            "description": self.description,
        }
        if self.bad == "invalid":
            source["sample_id"] = ""
        return source

    def intent(self) -> tuple[Any, ...]:
        """What makes another import of this row a new intent rather than a repeat."""
        return (self.file, self.description, self.bad)


@dataclass
class Program:
    """What the user's program declares now."""

    rows: list[Row]
    role: str = ROLES[0]
    delete_removed: bool = False
    #: Which resources besides the cohort it declares.
    active: bool = True
    single: bool = True
    single_description: str = "first"
    wait_timeout: float | None = None
    next_index: int = field(default=0)

    def __post_init__(self) -> None:
        self.next_index = max((r.index for r in self.rows), default=-1) + 1

    def copy(self) -> Program:
        return copy.deepcopy(self)

    def fixed(self) -> Program:
        """The program with every bad row fixed and no short wait (the final clean up)."""
        clean = self.copy()
        for row in clean.rows:
            row.bad = None
        clean.wait_timeout = None
        return clean

    def cohort_inputs(self, store: str, bucket: str) -> dict[str, Any]:
        props: dict[str, Any] = {
            "sequence_store_id": store, "role_arn": self.role,
            "sources": [r.source(bucket) for r in self.rows],
            "delete_removed_read_sets": self.delete_removed,
            "scope": scope("cohort"),
        }
        if self.wait_timeout is not None:
            props["wait_timeout"] = self.wait_timeout
        return props

    def single_inputs(self, store: str, bucket: str) -> dict[str, Any]:
        return {
            "sequence_store_id": store, "role_arn": self.role,
            "sources": [{"source_file_type": "FASTQ", "source1": f"s3://{bucket}/X0_R1.fastq",
                         "subject_id": "subject-x", "sample_id": "X0", "name": "X0",
                         "description": self.single_description}],
            "scope": scope("single"),
        }


def scope(name: str) -> dict[str, str]:
    return {"project": PROJECT, "stack": STACK, "resource_name": name}
