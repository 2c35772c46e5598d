"""A stack created by the previous release of the code previews with no changes and
refreshes after it.

The previous release is git commit ``PREVIOUS_RELEASE``, before the modules moved to
``omics_resources/core`` and ``omics_resources/dynamic``. A dynamic resource's provider is
pickled (dill, by class reference: ``omics_resources.import_job.ReadSetImportJobProvider``)
into the state as ``__provider``, and `pulumi refresh` (and destroy) load the provider from
the state's pickle, not from the program: the old module paths must still import.

The previous release's ``omics_resources`` package and provider-plugin shim are extracted
from git into a temporary folder. Its `pulumi up` runs the program and the provider plugin
on that package (the program puts it first on ``sys.path``; the plugin is a wrapper, first on
PATH, that runs the old shim with the old package first on PYTHONPATH). The CLI and its
language host stay this checkout's. Then this code, with nothing overridden, previews,
refreshes and previews again.
"""

from __future__ import annotations

import base64
import json
import os
import pickletools
import re
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.clients import ROLE_ARN
from harness.read_sets import import_read_sets
from tests.e2e.conftest import BUCKET, World
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import REPO, PulumiStack

#: The previous release (`git rev-parse 5a8826a`).
PREVIOUS_RELEASE = "5a8826ac723718fd041d98531a7e303e6a715e20"
PROGRAM = Path(__file__).parent / "programs" / "previous_release"
SHIM = "bin/pulumi-resource-pulumi-python"
PREVIOUS_ENV = "OMICS_RESOURCES_PREVIOUS_RELEASE"  # read by the program
#: Each resource type -> the module the previous release pickled its provider class from.
PICKLED_FROM = {
    "ReadSetImportJob": "omics_resources.import_job",
    "ReadSetActivationJob": "omics_resources.activation_job",
    "CohortImport": "omics_resources.cohort_import",
    "ActiveReadSets": "omics_resources.active_read_sets",
}
IMPORT_SAMPLES, COHORT_SAMPLES = ["I0"], ["C0", "C1"]


def extract_previous_release(dest: Path) -> Path:
    """The previous release's package and plugin shim, from git, in ``dest``."""
    git = ["git", "-C", str(REPO)]
    found = subprocess.run([*git, "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"],
                           capture_output=True, text=True, check=False)
    if found.returncode != 0:
        pytest.fail(
            f"the previous release, commit {PREVIOUS_RELEASE}, is not in the git repository at "
            f"{REPO} (a shallow clone, or not a git checkout?): {found.stderr.strip()}\n"
            f"This test creates a stack with that commit's code: fetch it "
            f"(`git fetch --unshallow`, or `git fetch origin {PREVIOUS_RELEASE}`).",
            pytrace=False,
        )
    archive = subprocess.run([*git, "archive", "--format=tar", PREVIOUS_RELEASE,
                              "omics_resources", SHIM], capture_output=True, check=False)
    assert archive.returncode == 0, archive.stderr.decode()
    dest.mkdir()
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def previous_plugin(tree: Path, bin_dir: Path, starts: Path) -> Path:
    """A `pulumi-resource-pulumi-python` in ``bin_dir`` that runs the previous release's shim
    on its package; each start appends a line to ``starts``. The engine prefers a plugin on
    PATH to the one next to the CLI (and warns that it does)."""
    bin_dir.mkdir()
    wrapper = bin_dir / "pulumi-resource-pulumi-python"
    wrapper.write_text(
        "#!/bin/sh\n"
        f"echo \"$$ $(pwd)\" >> {shlex.quote(str(starts))}\n"
        f"PYTHONPATH={shlex.quote(str(tree))}${{PYTHONPATH:+:$PYTHONPATH}} "
        f"exec {shlex.quote(str(tree / SHIM))} \"$@\"\n"
    )
    wrapper.chmod(0o755)
    return bin_dir


def package_dirs(output: str) -> set[str]:
    """Where the program's ``omics_resources`` came from (the program logs it)."""
    return set(re.findall(r"omics_resources from (\S+)", output))


def by_type(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The stack's resources of this package, by type name (one of each)."""
    found: dict[str, dict[str, Any]] = {}
    for resource in state["deployment"].get("resources", []):
        kind = resource["type"].rsplit(":", 1)[-1]
        if resource["type"].startswith("pulumi-python:") and kind in PICKLED_FROM:
            assert kind not in found, f"two {kind} resources in the state"
            found[kind] = resource
    return found


def pickled_modules(resource: dict[str, Any]) -> set[str]:
    """The ``omics_resources`` modules named in the resource's pickled provider (its
    ``__provider`` output: base64 of dill's bytes, the classes by module and name)."""
    blob = resource["outputs"].get("__provider")
    assert blob, f"{resource['urn']} has no __provider in its outputs: {resource['outputs']}"
    if isinstance(blob, dict):  # a secret (shown in plain by `stack export --show-secrets`)
        blob = json.loads(blob["plaintext"])
    names: set[str] = set()
    for opcode, arg, _ in pickletools.genops(base64.b64decode(blob)):
        if isinstance(arg, str):
            names.update(arg.split(" ") if opcode.name == "GLOBAL" else [arg])
    return {name for name in names if name.split(".")[0] == "omics_resources"}


def kept_outputs(resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The outputs a refresh must keep: job ids, statuses and read set ids."""
    outs = {kind: r["outputs"] for kind, r in resources.items()}
    return {
        "ids": {kind: r["id"] for kind, r in resources.items()},
        "import": [outs["ReadSetImportJob"].get(k) for k in ("job_id", "status", "read_set_ids")],
        "activation": [outs["ReadSetActivationJob"].get(k)
                       for k in ("job_id", "status", "read_set_ids", "read_set_statuses")],
        # A refresh by this release adds counts.duplicates (0 here); every earlier count stays.
        "cohort": [outs["CohortImport"].get("read_set_ids"),
                   {k: v for k, v in (outs["CohortImport"].get("counts") or {}).items()
                    if k != "duplicates"}],
        "active": [outs["ActiveReadSets"].get(k) for k in ("read_set_ids", "read_set_statuses")],
    }


def test_stack_of_previous_release_previews_without_changes_and_refreshes(
    make_stack: Callable[..., PulumiStack], world: World, control: EmulatorControl,
    tmp_path: Path,
) -> None:
    tree = extract_previous_release(tmp_path / "previous-release")
    starts = tmp_path / "previous-plugin-starts"
    plugin_dir = previous_plugin(tree, tmp_path / "previous-bin", starts)
    world.upload(*(f"{sample}.fq" for sample in IMPORT_SAMPLES + COHORT_SAMPLES))
    archived = import_read_sets(world.omics, world.s3, world.store, BUCKET, 2, prefix="archived")
    control.archive(world.store, archived)
    stack = make_stack(PROGRAM, {
        "sequenceStoreId": world.store, "roleArn": ROLE_ARN, "bucket": BUCKET,
        "importSamples": IMPORT_SAMPLES, "cohortSamples": COHORT_SAMPLES,
        "archivedReadSetIds": archived,
    })

    # The previous release creates the stack: its program and its provider plugin.
    stack.extra_env.update({PREVIOUS_ENV: str(tree),
                            "PATH": f"{plugin_dir}{os.pathsep}{stack.env['PATH']}"})
    up = stack.up()
    assert package_dirs(up.output) == {str(tree / "omics_resources")}, str(up)
    assert starts.exists(), f"the previous release's provider plugin never started:\n{up}"
    created = by_type(stack.export())
    assert set(created) == set(PICKLED_FROM), f"resources in the state: {sorted(created)}\n{up}"
    for kind, module in PICKLED_FROM.items():
        assert pickled_modules(created[kind]) == {module}, f"{kind}: {created[kind]['outputs']}"
    outs = stack.outputs()
    assert outs["reads"]["status"] == "COMPLETED", outs
    assert len(outs["reads"]["read_set_ids"]) == len(IMPORT_SAMPLES), outs
    assert outs["activation"]["status"] == "COMPLETED", outs
    assert outs["activation"]["read_set_statuses"] == dict.fromkeys(archived, "ACTIVE"), outs
    assert set(outs["cohort"]["read_set_ids"]) == set(COHORT_SAMPLES), outs
    assert outs["active"]["read_set_statuses"] == dict.fromkeys(
        outs["cohort"]["read_set_ids"].values(), "ACTIVE"), outs
    plugin_starts = starts.read_text()

    # This code, nothing overridden: no change planned (the program's pickles are its own).
    stack.extra_env.clear()
    preview = stack.preview("--expect-no-changes")
    assert preview.code == 0, str(preview)
    packages = package_dirs(preview.output)
    assert len(packages) == 1 and str(tree) not in packages.pop(), str(preview)

    # Refresh reads every resource with the provider unpickled from the state: the
    # previous release's module paths must load. Nothing is deleted, the outputs stay.
    refresh = stack.refresh(check=False)
    assert refresh.code == 0, str(refresh)
    refreshed = by_type(stack.export())
    assert set(refreshed) == set(PICKLED_FROM), f"after refresh: {sorted(refreshed)}\n{refresh}"
    assert kept_outputs(refreshed) == kept_outputs(created), str(refresh)
    for kind, module in PICKLED_FROM.items():  # refresh keeps the state's pickle
        assert pickled_modules(refreshed[kind]) == {module}, f"{kind} after refresh:\n{refresh}"

    again = stack.preview("--expect-no-changes")
    assert again.code == 0, str(again)
    assert starts.read_text() == plugin_starts, "the previous release's plugin ran for this code"
