"""The shape of the house: no import cycle inside pressmon, counting every import statement
(inside functions and `TYPE_CHECKING` blocks too), and importing a module also imports its
parent packages. `lint-imports` (run by `.ci/run`) checks the layers in `pyproject.toml`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pressmon"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imported_names(module: str, path: Path) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module -> the pressmon modules it imports, with the packages they live in."""
    modules = _modules()
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for module, path in modules.items():
        for name in _imported_names(module, path):
            while name and name not in modules:
                name = name.rpartition(".")[0]  # `from pkg import function` names pkg
            # Importing a.b.c runs a and a.b first: each is an edge, up to (not
            # including) the root package, and never to a package holding `module`.
            while name and name != "pressmon":
                if name != module and not module.startswith(name + "."):
                    graph[module].add(name)
                name = name.rpartition(".")[0]
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_inside_pressmon() -> None:
    """No two pressmon modules import each other, directly or around a loop, even through
    an import inside a function or under `TYPE_CHECKING`."""
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_function_level_imports() -> None:
    """The check would catch the kind of cycle it guards against: a loop closed by an import
    inside a function."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    real = import_graph()
    assert "pressmon._parse" in real["pressmon._fetch._fetcher"]  # a top-level import
    assert "pressmon._parse._xmlsafety" in real["pressmon.config"]  # one inside a function


def _within(module: str, rooms: tuple[str, ...]) -> bool:
    return any(module == room or module.startswith(room + ".") for room in rooms)


def test_steps_never_import_the_use_cases_or_the_shells() -> None:
    """The fetcher, enrichment, the store, the sinks, the parsers and detection never import
    the monitor, the one-call functions, scanning or the CLI: composition happens above."""
    steps = ("pressmon._fetch", "pressmon._enrich", "pressmon._store", "pressmon.sinks")
    steps += ("pressmon._parse", "pressmon._detect", "pressmon._extract")
    upper = ("pressmon._api", "pressmon._scan", "pressmon._monitor", "pressmon.cli")
    graph = import_graph()
    reaching_up = {
        module: sorted(name for name in imported if _within(name, upper))
        for module, imported in graph.items()
        if _within(module, steps)
    }
    assert len(reaching_up) > 20  # every module of the steps was looked at
    assert {module: names for module, names in reaching_up.items() if names} == {}
