"""The layout the code keeps: small modules, imports one way (front-ends -> core, the
emulator -> core.service_model only), and no import cycle, not even under TYPE_CHECKING."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.provider_server import REPO

PACKAGE = REPO / "omics_resources"
MAX_LINES = 450
#: Code generated from a protocol definition (tools/gen_tfplugin.sh), not written here.
GENERATED = "omics_resources.terraform.proto."
#: The core's root keeps the API's rules as data and the resource contract; everything else
#: lives in a folder that says what it holds (account, watch, jobs, cohort, active).
MAX_CORE_ROOT_MODULES = 10


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """Our modules that ``path`` imports, anywhere in it (TYPE_CHECKING blocks included);
    ``from a import b`` counts as ``a.b`` when that is a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module in known:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & known
            found |= submodules
            if len(submodules) < len(node.names):  # a name from the module itself
                found.add(node.module)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(path, known) - {name} for name, path in found.items()}


def test_the_graph_sees_the_imports() -> None:
    edges = graph()
    assert "omics_resources.core.jobs.kind" in edges["omics_resources.core.jobs.behaviour"]
    assert "omics_resources.core.service_model" in edges["omics_resources.emulator.wire"]


def test_no_module_is_over_450_lines() -> None:
    sizes = {name: len(path.read_text().splitlines()) for name, path in modules().items()
             if not name.startswith(GENERATED)}
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}


def test_the_core_root_holds_few_modules_the_rest_are_grouped() -> None:
    root = sorted(p.stem for p in (PACKAGE / "core").glob("*.py") if p.stem != "__init__")
    assert len(root) <= MAX_CORE_ROOT_MODULES, root
    folders = {p.parent.name for p in (PACKAGE / "core").glob("*/__init__.py")}
    assert {"account", "watch", "jobs", "cohort", "active"} <= folders


def test_no_import_cycles() -> None:
    edges = graph()
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_core_imports_no_front_end_and_no_emulator() -> None:
    for name, deps in graph().items():
        if name.startswith("omics_resources.core"):
            outside = {d for d in deps if not d.startswith("omics_resources.core")}
            assert outside == set(), name


def test_the_emulator_imports_only_the_service_model() -> None:
    for name, deps in graph().items():
        if name.startswith("omics_resources.emulator"):
            ours = {d for d in deps if not d.startswith("omics_resources.emulator")}
            assert ours <= {"omics_resources.core.service_model"}, name


def test_the_front_end_imports_no_emulator() -> None:
    for name, deps in graph().items():
        if name.startswith("omics_resources.dynamic"):
            assert not {d for d in deps if d.startswith("omics_resources.emulator")}, name


def external_imports(path: Path) -> set[str]:
    """The top-level packages ``path`` imports (``pulumi``, ``grpc`` ...)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_the_terraform_front_end_imports_only_the_core_and_no_pulumi() -> None:
    terraform = {n: p for n, p in modules().items() if n.startswith("omics_resources.terraform")}
    assert "omics_resources.terraform.provider" in terraform
    edges = graph()
    for name, path in terraform.items():
        ours = {d for d in edges[name] if not d.startswith("omics_resources.terraform")}
        assert {d for d in ours if not d.startswith("omics_resources.core")} == set(), name
        assert "pulumi" not in external_imports(path), name


def test_test_modules_have_distinct_basenames() -> None:
    # pytest imports test modules by basename (no packages under tests/unit, integration,
    # e2e): two of one name fail the whole collection when the layers run together, as CI
    # runs them.
    seen: dict[str, list[str]] = {}
    for path in sorted((REPO / "tests").rglob("test_*.py")):
        seen.setdefault(path.name, []).append(str(path.relative_to(REPO)))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}
