"""The house's rules, checked: no import circle, modules of a readable size, short steps in the
inbound flow, and the layers of the import-linter contract (``make lint`` runs it too)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "parsers", "matching", "ledger", "outbound", "review", "worker")
MAX_MODULE_LINES = 400
MAX_INBOUND_FUNCTION_LINES = 60


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # alembic revisions are frozen history, not modules anyone imports
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports, at any depth of the file (function-level too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                )
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            # the longest known module the dotted name starts with ("ledger.models.Invoice")
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _import_graph() -> dict[str, set[str]]:
    modules = dict(_modules())
    known = set(modules)
    graph = {name: _imports(name, path, known) for name, path in modules.items()}
    # importing a.b.c runs a/__init__ and a/b/__init__ first: that is not a circle of ours
    for name, targets in graph.items():
        graph[name] = {t for t in targets if not name.startswith(t + ".")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_between_modules() -> None:
    assert _cycles(_import_graph()) == []


def test_the_cycle_finder_sees_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _reason_line(path: Path) -> bool:
    """A long module says why at its top: a comment line starting ``# long:``."""
    return any(line.startswith("# long:") for line in path.read_text().splitlines()[:15])


def test_modules_are_at_most_400_lines_or_say_why() -> None:
    """Every module outside tests/ and fixtures/: the packages and the benchmarks."""
    scripts = [(str(p.relative_to(ROOT)), p) for p in sorted((ROOT / "bench").glob("*.py"))]
    too_long = {
        name: n
        for name, path in [*_modules(), *scripts]
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
        and not _reason_line(path)
    }
    assert too_long == {}


def test_no_function_in_the_inbound_flow_is_over_60_lines() -> None:
    long_ones = []
    for name, path in _modules():
        if not name.startswith("worker.inbound"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_INBOUND_FUNCTION_LINES:
                    long_ones.append(f"{name}.{node.name}: {length} lines")
    assert any(name.startswith("worker.inbound") for name, _ in _modules())
    assert long_ones == []


def test_the_import_contract_holds() -> None:
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(lint_imports).exists():
        pytest.fail("lint-imports is not installed (pip install -e '.[dev]')")
    run = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


SQL_BUILDERS = {"select", "update", "delete", "insert", "text", "func", "and_", "or_", "exists"}


def test_every_sql_statement_is_built_in_ledger() -> None:
    """The review pages, outbound and the worker call ledger functions; they build no SQL."""
    builders = []
    for name, path in _modules():
        if name.startswith("ledger"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                used = {alias.name for alias in node.names} & SQL_BUILDERS
                if used:
                    builders.append(f"{name}: {', '.join(sorted(used))} from {node.module}")
    assert builders == []
