"""The Python classes say what the core's tables say: each ``*Args`` field's docstring is
its field's doc, and each output attribute's docstring its output's doc (the tables are
what the provider's schema is generated from, so Python, YAML and TypeScript users read
the same words)."""

from __future__ import annotations

import ast
import inspect
import itertools
from collections.abc import Sequence

import pytest

from omics_resources.core.active.behaviour import ActiveReadSetsBehaviour
from omics_resources.core.cohort.behaviour import CohortImportBehaviour
from omics_resources.core.export.behaviour import ReadSetExportBehaviour
from omics_resources.core.fields import Field, Output
from omics_resources.core.jobs.activation_job import ReadSetActivationJobBehaviour
from omics_resources.core.jobs.import_job import SOURCE_FIELDS, ReadSetImportJobBehaviour
from omics_resources.core.jobs.reference_import import (
    REFERENCE_FIELDS,
    ReferenceImportJobBehaviour,
)
from omics_resources.core.resource import ResourceBehaviour
from omics_resources.core.upload.behaviour import ReadSetUploadBehaviour
from omics_resources.dynamic import (
    activation_job,
    active_read_sets,
    cohort_import,
    import_job,
    read_set_export,
    read_set_upload,
    reference_import_job,
    resources,
)


def attribute_docs(*classes: type) -> dict[str, str]:
    """Each annotated attribute's docstring (the string right below it), later classes
    overriding earlier ones, whitespace normalised."""
    docs: dict[str, str] = {}
    for cls in classes:
        tree = ast.parse(inspect.getsource(cls))
        body = tree.body[0].body  # type: ignore[attr-defined]
        for node, after in itertools.pairwise(body):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
            ):
                docs[node.target.id] = " ".join(str(after.value.value).split())
    return docs


def table_docs(table: Sequence[Field | Output]) -> dict[str, str]:
    return {item.name: " ".join(item.doc.split()) for item in table}


@pytest.mark.parametrize(("args", "table"), [
    (import_job.ReadSetImportJobArgs, ReadSetImportJobBehaviour.fields),
    (import_job.ReadSetImportSourceArgs, SOURCE_FIELDS),
    (activation_job.ReadSetActivationJobArgs, ReadSetActivationJobBehaviour.fields),
    (cohort_import.CohortImportArgs, CohortImportBehaviour.fields),
    (active_read_sets.ActiveReadSetsArgs, ActiveReadSetsBehaviour.fields),
    (read_set_export.ReadSetExportArgs, ReadSetExportBehaviour.fields),
    (read_set_upload.ReadSetUploadArgs, ReadSetUploadBehaviour.fields),
    (reference_import_job.ReferenceImportJobArgs, ReferenceImportJobBehaviour.fields),
    (reference_import_job.ReferenceSourceArgs, REFERENCE_FIELDS),
], ids=lambda value: getattr(value, "__name__", ""))
def test_args_docstrings_are_the_field_docs(args: type, table: Sequence[Field]) -> None:
    assert attribute_docs(args) == table_docs(table)


@pytest.mark.parametrize(("classes", "behaviour"), [
    ((resources.JobResource, import_job.ReadSetImportJob), ReadSetImportJobBehaviour),
    ((resources.JobResource, activation_job.ReadSetActivationJob), ReadSetActivationJobBehaviour),
    ((cohort_import.CohortImport,), CohortImportBehaviour),
    ((active_read_sets.ActiveReadSets,), ActiveReadSetsBehaviour),
    ((read_set_export.ReadSetExport,), ReadSetExportBehaviour),
    ((read_set_upload.ReadSetUpload,), ReadSetUploadBehaviour),
    ((reference_import_job.ReferenceImportJob,), ReferenceImportJobBehaviour),
], ids=["ReadSetImportJob", "ReadSetActivationJob", "CohortImport", "ActiveReadSets",
        "ReadSetExport", "ReadSetUpload", "ReferenceImportJob"])
def test_resource_output_docstrings_are_the_output_docs(
    classes: tuple[type, ...], behaviour: type[ResourceBehaviour]
) -> None:
    outputs = table_docs(behaviour.outputs)
    # An input a class also documents among its outputs (ActiveReadSets' store) is a field.
    inputs = {f.name for f in behaviour.fields} - set(outputs)
    documented = {k: v for k, v in attribute_docs(*classes).items() if k not in inputs}
    assert documented == outputs
