"""The rooms (docs/architecture.md) as the code has them: each imports only the rooms below it, no module
imports itself round a circle (not even lazily, inside a function), and no module outgrows 400 lines."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each room and the rooms it may import (DESIGN.md's table, with callscripts and simulator).
MAY_IMPORT = {
    "issetter": set(),
    "customers": {"issetter"},
    "callscripts": {"issetter"},
    "calendars": {"customers", "issetter"},
    "calls": {"customers", "calendars", "callscripts", "issetter"},
    "agent": {"calls", "calendars", "callscripts", "customers", "issetter"},
    "reports": {"calls", "calendars", "callscripts", "customers", "issetter"},
    "offices": {"calls", "calendars", "callscripts", "issetter", "reports"},
    "simulator": {"agent", "calls", "calendars", "callscripts", "customers", "issetter", "phonify"},
    "phonify": set(),  # a switch imports nothing of ours
}
LONGEST = 400


def modules() -> dict[str, Path]:
    found = {}
    for room in MAY_IMPORT:
        for path in (ROOT / room).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def imported(path: Path, name: str) -> set[str]:
    """Every module `path` imports, at its top or inside a function — not what it names only for type checks."""
    tree = ast.parse(path.read_text())
    for_types = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if id(node) in for_types:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {other for other in imported(path, name) if other in known and other != name}
        for name, path in known.items()
    }


def test_each_room_imports_only_the_rooms_below_it(graph):
    strays = sorted(
        f"{name} imports {other}"
        for name, others in graph.items()
        for other in others
        if (room := name.split(".")[0]) != (theirs := other.split(".")[0]) and theirs not in MAY_IMPORT[room]
    )
    assert strays == []


def test_no_module_imports_itself_round_a_circle(graph):
    circles, seen, on_path = [], set(), []

    def visit(name: str) -> None:
        on_path.append(name)
        for other in sorted(graph[name]):
            if other in on_path:
                circles.append(" → ".join([*on_path[on_path.index(other) :], other]))
            elif other not in seen:
                visit(other)
        on_path.pop()
        seen.add(name)

    for name in sorted(graph):
        if name not in seen:
            visit(name)
    assert circles == []


def test_no_module_is_over_400_lines():
    long = {name: lines for name, path in modules().items() if (lines := len(path.read_text().splitlines())) > LONGEST}
    assert long == {}
