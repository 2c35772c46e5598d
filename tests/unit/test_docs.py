"""The programs and commands in README.md and docs/*.md are the ones the tests run.

Every fenced block carries a language tag. ``text`` marks what is not a program or a command
(output samples, trees); every other block (python, bash, yaml, json ...) must have, on the
line right above it, a marker saying what holds it to code that runs:

    <!-- checked: KIND SOURCE... -->

KIND is a key of ``CHECKS`` below, each a function that fails when the block and its source
drift apart: ``same-as`` (the block is that file: the Python examples under ``examples/``,
which the tests here type-check and run, or examples/typescript and examples/go, which
tests/e2e/test_sdks.py compiles), ``part-of`` (the block is consecutive lines of that
file), ``commands`` (each command is one the named scripts or tests run), ``gitops-workflow`` (the workflow's ``pulumi`` commands are those
``tests/e2e/test_gitops.py`` runs), and a few that run or check one block against the
emulator or the file it documents. docs/development.md has the table of which block is held
by what.

Also: every relative link (and its heading) resolves, and every file or module of the
repository that the docs name in their text exists.

The examples run under Pulumi's mocks in a child process (``python -m
tests.unit.test_docs mocks FILE``) because ``set_mocks`` rewires the SDK's process-wide
settings; the AWS CLI block runs with ``aws`` standing for ``python -m tests.unit.test_docs
aws ...`` (see :func:`aws_cli_stand_in`).
"""

from __future__ import annotations

import ast
import difflib
import importlib
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
EXAMPLES = REPO / "examples"
#: Blocks that are neither a program nor a command: what a run prints, trees, sketches.
OUTPUT_TAGS = {"text"}
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<lang>[^`\s]*)\s*$")
MARKER = re.compile(r"^<!-- checked: (?P<kind>[\w-]+)(?P<sources>(?: \S+)+) -->$")
#: Fake credentials: the emulator wants requests signed, not by whom.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "docs", "AWS_SECRET_ACCESS_KEY": "docs-secret",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


@dataclass(frozen=True)
class Block:
    """One fenced block of a doc, with the marker on the line above it (if any)."""

    doc: Path
    line: int
    lang: str
    text: str
    kind: str | None
    sources: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.doc.relative_to(REPO)}:{self.line}"

    def source(self, index: int = 0) -> Path:
        return REPO / self.sources[index].split("::")[0]


def blocks(doc: Path) -> list[Block]:
    """The fenced blocks of ``doc``; an unclosed fence fails."""
    lines = doc.read_text().splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        closing = opening["indent"] + opening["fence"]
        end = next((i for i in range(index + 1, len(lines)) if lines[i].rstrip() == closing), None)
        assert end is not None, f"{doc.relative_to(REPO)}:{index + 1}: the fence is never closed"
        marker = MARKER.match(lines[index - 1]) if index else None
        found.append(Block(
            doc=doc, line=index + 1, lang=opening["lang"],
            text="\n".join(lines[index + 1:end]),
            kind=marker["kind"] if marker else None,
            sources=tuple(marker["sources"].split()) if marker else (),
        ))
        index = end + 1
    return found


BLOCKS = [block for doc in DOCS for block in blocks(doc)]
CHECKED = [block for block in BLOCKS if block.lang not in OUTPUT_TAGS]


def prose(doc: Path) -> str:
    """``doc`` without its fenced blocks and inline code: what a reader sees as text."""
    lines = doc.read_text().splitlines()
    for block in blocks(doc):
        for i in range(block.line - 1, block.line + block.text.count("\n") + 2):
            lines[i] = ""
    return "\n".join(lines)


def shell_commands(text: str) -> list[list[str]]:
    """The commands of a shell block, one per line (continuations joined, comments dropped)."""
    joined = text.replace("\\\n", " ")
    return [words for line in joined.splitlines() if (words := shlex.split(line, comments=True))]


# --- the checks, by marker kind ----------------------------------------------------------


def same_as(block: Block) -> None:
    """The block is the named file, whole (a file the tests below type-check and run)."""
    expected = block.source().read_text().rstrip("\n")
    diff = "\n".join(difflib.unified_diff(expected.splitlines(), block.text.splitlines(),
                                          str(block.source().relative_to(REPO)), str(block), lineterm=""))
    assert block.text == expected, f"{block} differs from its file:\n{diff}"


def part_of(block: Block) -> None:
    """The block is a run of consecutive lines of the named file (a snippet of a file the
    tests run or check, such as a project's Pulumi.yaml or go.mod)."""
    lines, snippet = block.source().read_text().splitlines(), block.text.splitlines()
    assert snippet, f"{block}: empty"
    starts = range(len(lines) - len(snippet) + 1)
    assert any(lines[i:i + len(snippet)] == snippet for i in starts), (
        f"{block} is not a run of lines of {block.sources[0]}")


def commands_of(source: Path) -> set[tuple[str, ...]]:
    """The commands ``source`` runs: each line of a shell script (``exec`` dropped), or, in a
    Python test, each call of a local wrapper such as ``def demo(state, *args):
    subprocess.run(["bash", "scripts/demo.sh", *args], ...)``: ``demo(tmp_path, "destroy")`` is
    ``bash scripts/demo.sh destroy`` (arguments that are not string literals are left out)."""
    if source.suffix != ".py":
        found = set()
        for words in shell_commands(source.read_text()):
            found.add(tuple(words[1:] if words[0] == "exec" else words))
        return found
    tree = ast.parse(source.read_text())
    prefixes: dict[str, tuple[str, ...]] = {}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or function.args.vararg is None:
            continue
        rest = function.args.vararg.arg
        for node in ast.walk(function):
            if (isinstance(node, ast.List) and len(node.elts) > 1
                    and isinstance(node.elts[-1], ast.Starred)
                    and isinstance(node.elts[-1].value, ast.Name) and node.elts[-1].value.id == rest
                    and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts[:-1])):
                prefixes[function.name] = tuple(e.value for e in node.elts[:-1])
    return {
        prefixes[call.func.id] + tuple(a.value for a in call.args
                                       if isinstance(a, ast.Constant) and isinstance(a.value, str))
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in prefixes
    }


def commands(block: Block) -> None:
    """Each command of the block is one that a named script or test runs, word for word."""
    run = set().union(*(commands_of(block.source(i)) for i in range(len(block.sources))))
    for words in shell_commands(block.text):
        assert tuple(words) in run, (
            f"{block}: `{shlex.join(words)}` is run by none of {', '.join(block.sources)}; "
            f"they run: {sorted(' '.join(c) for c in run)}")


def _normalized(words: list[str]) -> tuple[str, ...]:
    """A pulumi command without what differs between CI and the harness: the CLI's path,
    the stack's name, the harness's ``--cwd``."""
    out: list[str] = ["pulumi"]
    rest = iter(words[1:])
    for word in rest:
        if word in ("--stack", "--cwd"):
            next(rest)
            if word == "--stack":
                out += [word, "STACK"]
        else:
            out.append(word)
    return tuple(out)


def gitops_commands(test: Path) -> set[tuple[str, ...]]:
    """The pulumi commands ``test`` runs: its calls of a stack's ``preview``/``up``/
    ``refresh``/``destroy``, made into command lines by the harness itself."""
    from harness import pulumi_cli

    recorded: list[list[str]] = []
    stack = pulumi_cli.PulumiStack.__new__(pulumi_cli.PulumiStack)
    stack.name, stack.project_dir = "STACK", Path("PROJECT")

    def run(*args: str, check: bool = False, timeout: float = 600) -> None:
        recorded.append(stack.command(*args))

    stack.run = run  # type: ignore[method-assign]
    with mock.patch.object(pulumi_cli, "pulumi_executable", return_value="pulumi"):
        for call in ast.walk(ast.parse(test.read_text())):
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr in ("preview", "up", "refresh", "destroy")):
                args = [a.value for a in call.args if isinstance(a, ast.Constant)]
                getattr(stack, call.func.attr)(*args)
    return {_normalized(words) for words in recorded}


def gitops_workflow(block: Block) -> None:
    """The workflow's ``pulumi`` commands are exactly those the GitOps e2e test runs."""
    workflow = yaml.safe_load(block.text)
    documented = {
        _normalized(shlex.split(step["run"]))
        for job in workflow["jobs"].values() for step in job["steps"]
        if str(step.get("run", "")).startswith("pulumi ")
    }
    tested = gitops_commands(block.source())
    assert documented == tested, f"{block}: the workflow runs {sorted(documented)}, the test {sorted(tested)}"


def pip_extras(block: Block) -> None:
    """Each extra installed exists in pyproject.toml, holding the packages its comment names."""
    extras = tomllib.loads(block.source().read_text())["project"]["optional-dependencies"]
    for line in block.text.splitlines():
        words = shlex.split(line, comments=True)
        assert words[:2] == ["pip", "install"], f"{block}: {line}"
        named = re.search(r"\[(.+)\]$", words[2])
        if not named:
            continue
        packages = {re.split(r"[\[=<>]", pin)[0] for pin in extras[named[1]]}
        said = re.search(r"\(([^)]*)\)", line.partition("#")[2])
        assert said, f"{block}: say what the {named[1]} extra holds"
        assert {p.strip() for p in said[1].split(",")} == packages, f"{block}: {line}"


def _literal(source: Path, name: str) -> Any:
    """The literal value a module assigns to ``name`` at its top level."""
    for node in ast.parse(source.read_text()).body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) else None)
        if isinstance(target, ast.Name) and target.id == name and node.value is not None:  # type: ignore[union-attr]
            return ast.literal_eval(node.value)  # type: ignore[union-attr]
    raise AssertionError(f"{source} assigns no {name}")


def stack_config(block: Block) -> None:
    """The stack config of the Real AWS recipe is the one the tests run the example with:
    the project's keys as ``AWS_CONFIG`` of the first source (which runs ``__main__.py`` as
    an update under Pulumi's mocks: the recipe's ``pulumi up``), provider keys (``aws:...``)
    as the e2e fixture of the second sets them."""
    tested = _literal(block.source(0), "AWS_CONFIG")
    fixture = block.source(1).read_text()
    lines = shell_commands(block.text)
    assert lines[-1] == ["pulumi", "up"], f"{block}: the recipe ends with `pulumi up`"
    for words in lines[:-1]:
        assert words[:3] == ["pulumi", "config", "set"], f"{block}: {shlex.join(words)}"
        key, value = words[-2:]
        if ":" in key:
            assert f'"{key}": "{value}"' in fixture, f"{block}: {key} {value} is not what the tests set"
            continue
        path = re.fullmatch(r"(\w+)\[(\d+)\]", key) if "--path" in words else None
        found = tested[path[1]][int(path[2])] if path else tested.get(key)
        assert found == value, f"{block}: the tests run with {key} = {found!r}, not {value!r}"


def json_equals(block: Block) -> None:
    """The JSON is what the named function (``path.py::function``) returns."""
    path, _, function = block.sources[0].partition("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert json.loads(block.text) == getattr(module, function)(), str(block)


@pytest.fixture(scope="module")
def docs_emulator() -> Iterator[Any]:
    """An emulator of this module's own (jobs end at once), so the blocks see a clean one."""
    from omics_resources.emulator import Durations, EmulatorServer

    with EmulatorServer(port=0, durations=Durations(speed=0)) as server:
        yield server


def _reset(emulator: Any) -> None:
    """A clean emulator whose jobs end at once (a reset keeps durations a block changed)."""
    emulator.control.handle("POST", "reset")
    emulator.control.handle("POST", "durations", {"speed": 0})


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def _emulator_url(block: Block, url: str) -> str:
    """The block with its endpoint pointed at ``url`` (the only edit a run makes)."""
    assert "E=http://127.0.0.1:4566\n" in block.text, f"{block}: expected E=http://127.0.0.1:4566"
    return block.text.replace("E=http://127.0.0.1:4566", f"E={url}")


def emulator_control(block: Block, emulator: Any, tmp_path: Path) -> None:
    """Each curl of the block answers 2xx from an emulator holding the store, read set and
    job the block names (1234567890, 5555555555, 9876543210 stand for ones made here)."""
    from harness.clients import ROLE_ARN, aws_client

    omics, s3 = aws_client("omics", emulator.url), aws_client("s3", emulator.url)
    _reset(emulator)
    store = omics.create_sequence_store(name="docs")["id"]
    s3.create_bucket(Bucket="docs")
    s3.put_object(Bucket="docs", Key="r.fastq", Body=b"@r\nACGT\n+\nIIII\n")
    job = omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE_ARN, sources=[{
        "sourceFiles": {"source1": "s3://docs/r.fastq"}, "sourceFileType": "FASTQ",
        "subjectId": "s", "sampleId": "s"}])["id"]
    read_set = omics.get_read_set_import_job(sequenceStoreId=store, id=job)["sources"][0]["readSetId"]
    script = _emulator_url(block, emulator.url)
    for placeholder, real in (("1234567890", store), ("5555555555", read_set), ("9876543210", job)):
        assert placeholder in script, f"{block}: no {placeholder} to stand for a real id"
        script = script.replace(placeholder, real)
    run = _bash('curl() { command curl -fsS "$@"; echo; }\n' + script, tmp_path, dict(os.environ))
    assert run.returncode == 0, f"{block}:\n{run.stdout}\n{run.stderr}"


def aws_cli(block: Block, emulator: Any, tmp_path: Path) -> None:
    """The block runs as it is (its endpoint aside) against the emulator, ``aws`` being
    :func:`aws_cli_stand_in`; and without the host-prefix setting a call fails as the doc says."""
    _reset(emulator)
    (tmp_path / "reads.fq").write_text("@read-1\nACGT\n+\nIIII\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PYTHONPATH=str(REPO), AWS_EC2_METADATA_DISABLED="true")
    aws = f'aws() {{ {shlex.quote(sys.executable)} -m tests.unit.test_docs aws "$@"; }}\n'
    run = _bash(aws + _emulator_url(block, emulator.url), tmp_path, env)
    assert run.returncode == 0, f"{block}:\n{run.stdout}\n{run.stderr}"
    assert '"status": "COMPLETED"' in run.stdout, run.stdout  # the list, after the waiter

    unset = {**env, **CREDENTIALS, "AWS_MAX_ATTEMPTS": "1"}
    run = _bash(aws + f"aws omics list-sequence-stores --endpoint-url {emulator.url}", tmp_path, unset)
    assert run.returncode != 0, run.stdout
    assert 'Could not connect to the endpoint URL: "http://control-storage-127.0.0.1:' in run.stderr, run.stderr


CHECKS: dict[str, Callable[..., None]] = {
    "same-as": same_as,
    "part-of": part_of,
    "commands": commands,
    "gitops-workflow": gitops_workflow,
    "pip-extras": pip_extras,
    "stack-config": stack_config,
    "json-equals": json_equals,
    "emulator-control": emulator_control,
    "aws-cli": aws_cli,
}
#: The checks that run a block against an emulator.
WITH_EMULATOR = {"emulator-control", "aws-cli"}


# --- the tests ---------------------------------------------------------------------------


def test_every_block_is_output_or_says_what_checks_it() -> None:
    problems = []
    for block in BLOCKS:
        if not block.lang:
            problems.append(f"{block}: no language tag (`text` for output)")
        elif block.lang in OUTPUT_TAGS:
            if block.kind:
                problems.append(f"{block}: output (`{block.lang}`) with a check marker")
        elif block.kind not in CHECKS:
            problems.append(f"{block}: a {block.lang} block needs `<!-- checked: KIND SOURCE -->` "
                            f"above it, KIND one of {', '.join(CHECKS)} (got {block.kind})")
        else:
            problems += [f"{block}: {s} does not exist" for i, s in enumerate(block.sources)
                         if not block.source(i).exists()]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("block", [b for b in CHECKED if b.kind not in WITH_EMULATOR], ids=str)
def test_block_matches_what_runs(block: Block) -> None:
    CHECKS[block.kind or ""](block)


@pytest.mark.parametrize("block", [b for b in CHECKED if b.kind in WITH_EMULATOR], ids=str)
def test_block_runs_against_the_emulator(block: Block, docs_emulator: Any, tmp_path: Path) -> None:
    CHECKS[block.kind or ""](block, docs_emulator, tmp_path)


#: Each Pulumi example and the resources it declares (name -> type).
PULUMI_EXAMPLES = {
    "import_job.py": {"reads": "ReadSetImportJob"},
    "activation_job.py": {"activate": "ReadSetActivationJob"},
    "cohort_import.py": {"cohort": "CohortImport"},
    "active_read_sets.py": {"cohort": "CohortImport", "cohort-active": "ActiveReadSets"},
    "read_set_export.py": {"cohort": "CohortImport", "cohort-active": "ActiveReadSets",
                           "cohort-share": "ReadSetExport"},
    "read_set_upload.py": {"hg00096": "ReadSetUpload"},
    "reference_import_job.py": {"grch38": "ReferenceImportJob", "aligned": "CohortImport"},
}
#: Examples that are plain programs, run as they are.
PLAIN_EXAMPLES = {"emulator.py"}


def test_every_example_is_run_and_shown() -> None:
    files = {p.name for p in EXAMPLES.glob("*.py")}
    assert files == set(PULUMI_EXAMPLES) | PLAIN_EXAMPLES
    shown = {block.sources[0] for block in BLOCKS if block.kind == "same-as"}
    assert {f"examples/{name}" for name in files} <= shown


def test_examples_type_check(tmp_path: Path) -> None:
    """mypy --strict on the examples, as a user's IDE would read them (the package is typed);
    errors inside the package are its own tests' business."""
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--cache-dir", str(tmp_path / "mypy"), *sorted(str(p) for p in EXAMPLES.glob("*.py"))],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def run_under_mocks(example: Path) -> dict[str, Any]:
    """Run ``example`` as ``pulumi up`` would, under Pulumi's mocks: every resource it
    declares, with its inputs and the problems its provider's check finds in them (what
    ``pulumi preview`` would report)."""
    import runpy

    import pulumi

    import omics_resources
    from omics_resources.core.cohort.packing import unpack

    class Mocks(pulumi.runtime.Mocks):
        """Answers each registration with its inputs; a cohort also with a read set per
        sample, a reference import with a reference per name."""

        def __init__(self) -> None:
            self.registered: dict[str, dict[str, Any]] = {}

        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            inputs = {k: v for k, v in args.inputs.items() if k != "__provider"}
            state = dict(inputs)
            kind = args.typ.rpartition(":")[2]
            if kind == "CohortImport":
                state["read_set_ids"] = {s.get("name") or s["sample_id"]: str(5000000000 + i)
                                         for i, s in enumerate(unpack(inputs["sources"]))}
            if kind == "ReferenceImportJob":
                state["reference_arns"] = {
                    r["name"]: f"arn:aws:omics:us-east-1:123456789012:referenceStore/"
                               f"{inputs['reference_store_id']}/reference/{7000000000 + i}"
                    for i, r in enumerate(inputs["references"])}
            provider = getattr(omics_resources, f"{kind}Provider")()
            check = provider.check({}, inputs)
            self.registered[args.name] = {
                "type": kind, "inputs": inputs, "state": state,
                "problems": [f"{f.property}: {f.reason}" for f in check.failures or []],
            }
            return f"{args.name}-id", state

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
            raise AssertionError(f"the examples call no provider function, got {args.token}")

    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="docs", stack="dev", preview=False)

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> None:
        runpy.run_path(str(example), run_name="__main__")

    program()
    return mocks.registered


@pytest.mark.parametrize("name", sorted(PULUMI_EXAMPLES))
def test_pulumi_example_runs_and_passes_preview_checks(name: str) -> None:
    run = subprocess.run([sys.executable, "-m", "tests.unit.test_docs", "mocks", f"examples/{name}"],
                         cwd=REPO, env={**os.environ, **CREDENTIALS}, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    registered = json.loads(run.stdout.splitlines()[-1])
    assert {n: r["type"] for n, r in registered.items()} == PULUMI_EXAMPLES[name]
    assert {n: r["problems"] for n, r in registered.items()} == {n: [] for n in registered}
    if "cohort-active" in registered:  # the cohort's read sets, sorted by sample
        ids = registered["cohort"]["state"]["read_set_ids"]
        assert registered["cohort-active"]["inputs"]["read_set_ids"] == [ids[k] for k in sorted(ids)]
    if "grch38" in registered:  # every CRAM row names the imported reference's ARN
        arn = registered["grch38"]["state"]["reference_arns"]["GRCh38"]
        from omics_resources.core.cohort.packing import unpack
        rows = unpack(registered["aligned"]["inputs"]["sources"])
        assert [r["reference_arn"] for r in rows] == [arn, arn]


def test_emulator_example_runs() -> None:
    run = subprocess.run([sys.executable, "examples/emulator.py"], cwd=REPO,
                         env={**os.environ, **CREDENTIALS}, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert re.fullmatch(r"emulator at http://127\.0\.0\.1:\d+: sequence store \d{10}\n", run.stdout)


# --- links and names ---------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
#: A repository path the docs name in text, and a module of the package named by its dotted name.
NAMED_PATH = re.compile(
    r"(?<![\w/.-])((?:omics_resources|tests|examples|scripts|harness|benchmarks|demo_support|tools|bin)/[\w/.-]*[\w/])")
NAMED_MODULE = re.compile(r"(?<![\w/.-])(omics_resources(?:\.[a-z_]+)+)")


def slugs(doc: Path) -> set[str]:
    """The anchors GitHub gives ``doc``'s headings."""
    found: set[str] = set()
    for line in prose(doc).splitlines():
        heading = re.match(r"#{1,6} (.+)", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading[1].strip().lower()).replace(" ", "-")
            n = 0
            while (f"{slug}-{n}" if n else slug) in found:
                n += 1
            found.add(f"{slug}-{n}" if n else slug)
    return found


def test_relative_links_resolve() -> None:
    broken = []
    for doc in DOCS:
        text = re.sub(r"`[^`]*`", "", prose(doc))
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            resolved = (doc.parent / path).resolve() if path else doc
            if not resolved.exists():
                broken.append(f"{doc.relative_to(REPO)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in slugs(resolved):
                broken.append(f"{doc.relative_to(REPO)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_named_files_and_modules_exist() -> None:
    """A test, script, example or module the docs name in their text (the reliability
    table's tests, say) exists: moving one fails here until the docs follow."""
    missing = sorted({
        f"{doc.relative_to(REPO)}: {name}"
        for doc in DOCS for name in NAMED_PATH.findall(prose(doc))
        if not (REPO / name.rstrip("/.")).exists()
    } | {
        f"{doc.relative_to(REPO)}: {name}"
        for doc in DOCS for name in NAMED_MODULE.findall(prose(doc))
        if not any((REPO / name.replace(".", "/")).with_suffix(suffix).exists() for suffix in (".py", ""))
    })
    assert not missing, "\n".join(missing)


# --- the child processes -----------------------------------------------------------------


def aws_cli_stand_in(argv: list[str]) -> int:
    """``aws SERVICE COMMAND ...`` as the AWS CLI v1 runs the emulator doc's commands: the same
    botocore client, configured from the same environment (``AWS_DISABLE_HOST_PREFIX_INJECTION``
    included), the CLI's ``--kebab-case`` options (JSON for lists and structures), ``--query``
    and ``--output text``, ``s3 mb``/``s3 cp`` and ``wait``. Only what the block uses."""
    import botocore.session
    import jmespath

    service, command, *rest = argv
    waiter = rest.pop(0) if command == "wait" else None
    positional, options = [], {}
    while rest:
        word = rest.pop(0)
        if word.startswith("--"):
            options[word[2:]] = rest.pop(0)
        else:
            positional.append(word)
    endpoint, query = options.pop("endpoint-url", None), options.pop("query", None)
    output = options.pop("output", "json")
    params = {
        re.sub(r"-(\w)", lambda m: m[1].upper(), key): json.loads(value) if value[:1] in "[{" else value
        for key, value in options.items()
    }
    client = botocore.session.get_session().create_client(service, endpoint_url=endpoint)
    try:
        if (service, command) == ("s3", "mb"):
            result: Any = client.create_bucket(Bucket=positional[0].removeprefix("s3://"))
        elif (service, command) == ("s3", "cp"):
            bucket, _, key = positional[1].removeprefix("s3://").partition("/")
            result = client.put_object(Bucket=bucket, Key=key, Body=Path(positional[0]).read_bytes())
        elif waiter:
            client.get_waiter(waiter.replace("-", "_")).wait(**params)
            return 0
        else:
            result = getattr(client, command.replace("-", "_"))(**params)
    except Exception as error:  # the CLI prints the error and exits 255
        print(f"\n{error}", file=sys.stderr)
        return 255
    if service == "s3":
        return 0
    result.pop("ResponseMetadata", None)
    if query:
        result = jmespath.search(query, result)
    print(result if output == "text" else json.dumps(result, indent=4, default=str))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "mocks":
        print(json.dumps(run_under_mocks(REPO / sys.argv[2]), default=str))
    elif sys.argv[1] == "aws":
        sys.exit(aws_cli_stand_in(sys.argv[2:]))
