"""The package's layout: no import cycle among aeviz's modules, not even one that an import
inside a function hides.

An import inside a function can hide a cycle (the module loads only because the other half
waits until it is called); these tests read every import a module makes, wherever it stands
(a late import that keeps torch out of `aeviz --help` is fine, so long as it closes no
loop), except those for type checkers only."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "aeviz"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(path: Path, known: set[str]) -> set[str]:
    """The aeviz modules this file imports anywhere (not for type checkers only), each with
    the packages above it, whose __init__ runs first."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def add(target: str) -> None:
        parts = target.split(".")
        for i in range(2, len(parts) + 1):
            if ".".join(parts[:i]) in known:
                found.add(".".join(parts[:i]))

    class Imports(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if "TYPE_CHECKING" not in ast.unparse(node.test):  # for type checkers only: never run
                self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            for alias in node.names:
                add(alias.name)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([node.module] if node.module else []))
            add(base)
            for alias in node.names:  # `from . import latent` imports a module
                add(f"{base}.{alias.name}")

    Imports().visit(ast.parse(path.read_text()))
    # Its own packages have begun loading before it does (Python runs a package's __init__
    # before any submodule): importing a sibling through them is no cycle.
    parts = name.split(".")
    return found - {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := walk(node)):
            return cycle
    return None


def test_no_module_imports_itself_back():
    found = modules()
    graph = {name: imported(path, set(found)) for name, path in found.items()}
    # A package's __init__ importing its own submodule is how packages work; the submodule
    # then sees a half-loaded package only if it imports the package back, which is caught.
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("graph, cycle", [
    ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
])
def test_the_cycle_finder_finds_cycles(graph, cycle):
    assert find_cycle(graph) == cycle


def test_flat_modules_are_few():
    # The layout groups what belongs together (datasets/, models/, training/, latent/,
    # export/, evaluation/, applications/, dashboard/); a module that lands flat in aeviz/
    # should be one of the few that the whole package shares.
    flat = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert len(flat) <= 10, flat
