"""The package's shape, read from its source with ``ast``: no import circles, every module in
a layer that imports only from layers below it, no module so long that it holds two jobs.

Every import counts, including those inside functions (deferred for start-up time) and under
``TYPE_CHECKING``: a circle hidden in a function is still a circle in the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "claimtrack"

# Bottom to top: a module may import from its own layer and those before it, never after.
LAYERS: list[set[str]] = [
    {"errors", "locations", "terminal", "language"},
    {"config", "deadlines"},
    {"records"},
    {"reports", "formats", "extract"},
    {"monitor"},
    {"web"},
    {"cli", "__main__"},
]
MAX_LINES = 420


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """``claimtrack.records.claims`` for records/claims.py; a package is its __init__."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, name: str, is_package: bool = False) -> set[str]:
    """The claimtrack modules that the module ``name`` imports, wherever the import stands.

    ``from claimtrack.records import claims`` names the module claimtrack.records.claims
    when that is a module, else the package; relative imports are resolved against ``name``.
    """
    found: set[str] = set()
    here = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "claimtrack")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != "claimtrack":
                continue
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
    return found


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the package's modules it imports (names that are not modules dropped)."""
    sources = {module_name(p, root): p for p in root.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in sources.items():
        said = imports_of(path.read_text(), name, path.name == "__init__.py")
        edges[name] = {m for m in said if m in sources and m != name}
    return edges


def circle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import circle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        path.pop()
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def layer_of(module: str) -> int | None:
    """The layer of ``claimtrack.X…`` (by X), or None when no layer names it."""
    parts = module.split(".")
    if len(parts) == 1:
        return -1  # the package's own __init__: below everything, imports nothing
    for index, names in enumerate(LAYERS):
        if parts[1] in names:
            return index
    return None


def test_the_package_has_no_import_circle() -> None:
    assert circle(graph()) is None


def test_every_module_sits_in_a_layer() -> None:
    unplaced = sorted(m for m in graph() if layer_of(m) is None)
    assert unplaced == [], "add these to LAYERS in tests/test_layout.py"


def test_no_module_imports_from_a_layer_above_it() -> None:
    upward = sorted(
        f"{source} imports {target}"
        for source, targets in graph().items()
        for target in targets
        if (layer_of(target) or 0) > (layer_of(source) or 0)
    )
    assert upward == []


def test_no_module_is_longer_than_one_job_needs() -> None:
    long = {
        module_name(path): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_capability_is_a_package_with_a_docstring_naming_its_modules() -> None:
    for package in (p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
        assert doc, f"{package.name}/__init__.py says what the package is for"
        for module in package.glob("*.py"):
            if module.stem != "__init__":
                assert f"({module.stem})" in doc or module.stem in doc, (package.name, module)


# The graph reader itself, on small made-up packages: a test that could not see a circle
# would pass on any tree.


def write(root: Path, files: dict[str, str]) -> Path:
    package = root / "claimtrack"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


def test_the_reader_sees_a_circle_through_a_function_level_import(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from claimtrack import b\n",
            "b.py": "def later():\n    from claimtrack.a import thing\n",
        },
    )
    assert circle(graph(package)) == ["claimtrack.a", "claimtrack.b", "claimtrack.a"]


def test_the_reader_sees_type_checking_and_relative_imports(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "__init__.py": "",
            "web/__init__.py": "",
            "web/app.py": "from . import pages\nfrom ..records.claims import add\n",
            "web/pages.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from claimtrack.web.app import App\n"
            ),
            "records/__init__.py": "",
            "records/claims.py": "import json\n",
        },
    )
    edges = graph(package)
    assert edges["claimtrack.web.app"] == {
        "claimtrack.web",
        "claimtrack.web.pages",
        "claimtrack.records.claims",
    }
    assert circle(edges) == [
        "claimtrack.web.app",
        "claimtrack.web.pages",
        "claimtrack.web.app",
    ]


def test_the_reader_finds_no_circle_in_a_tree_that_has_none(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from claimtrack import b, c\n",
            "b.py": "from claimtrack import c\n",
            "c.py": "import os\n",
        },
    )
    assert circle(graph(package)) is None


@pytest.mark.parametrize(
    ("module", "layer"),
    [("claimtrack.errors", 0), ("claimtrack.records.claims", 2), ("claimtrack.cli.main", 6)],
)
def test_layers_are_read_from_the_first_name_under_the_package(module: str, layer: int) -> None:
    assert layer_of(module) == layer
