"""The package layout is the architecture: imports go top-down through the layers, never up, no cycles.

Read from the code (every ``import`` and ``from ... import``, function-level ones included), so a
new module that reaches upward fails here, not in review. The layers are ARCHITECTURE.md's.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mock_server"

# Top to bottom. A module may import its own package and anything in a lower layer; within a
# layer, units do not import each other. A unit is a subpackage or a root module.
LAYERS: list[set[str]] = [
    {"__main__", "__init__"},
    {"cli", "embedded"},
    {"proxy"},
    {"app", "server"},
    {"advance", "tencent"},
    {"scenarios", "journal", "drift"},
    {"admin"},
    {"gateway"},
    {"accounts"},
    {"contract"},
    {"store", "media"},
    {"clock", "ids", "settings", "masking", "predicates", "jsonwire", "connections", "config", "logs", "version"},
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the mock_server modules (or packages) ``path`` imports."""
    module = _module_name(path)
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("mock_server")}
        elif isinstance(node, ast.ImportFrom):
            base = module.split(".") if is_package else module.split(".")[:-1]
            if node.level:
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source.startswith("mock_server"):
                found |= {f"{source}.{a.name}" if _is_module(f"{source}.{a.name}") else source for a in node.names}
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(unit: str) -> int:
    for depth, layer in enumerate(LAYERS):
        if unit in layer:
            return depth
    raise AssertionError(f"mock_server.{unit} is in no layer of tests/test_layout.py: place it (and ARCHITECTURE.md)")


GRAPH = {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_go_down_the_layers(module: str) -> None:
    unit = _unit(module)
    upward = [
        target
        for target in GRAPH[module]
        if _unit(target) != unit and _layer(_unit(target)) <= _layer(unit) and target != "mock_server"
    ]
    assert not upward, f"{module} imports {upward}: same or higher layer than {unit}"


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path[path.index(target) :], target]))
            if target in GRAPH and state.get(target) is None:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])


@pytest.mark.parametrize("init", sorted(PACKAGE.rglob("__init__.py")), ids=lambda p: p.parent.name)
def test_every_package_says_what_lives_there_and_what_it_may_import(init: Path) -> None:
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc, f"{init} has no docstring"
    if init.parent != PACKAGE:
        assert "\n" not in doc and "imports" in doc.lower(), f"{init}: one line, naming what it may import"


def test_every_unit_is_placed_in_a_layer() -> None:
    units = {_unit(m) for m in GRAPH}
    assert units == set().union(*LAYERS), "tests/test_layout.py LAYERS and mock_server/ disagree"


def test_a_fabricated_upward_import_is_caught(tmp_path: Path) -> None:
    """The check can fail: a gateway module importing a scenario module is reported."""
    fake = PACKAGE / "gateway" / "app.py"
    imports = GRAPH[_module_name(fake)] | {"mock_server.scenarios.engine"}
    upward = [t for t in imports if _unit(t) != "gateway" and _layer(_unit(t)) <= _layer("gateway")]
    assert upward == ["mock_server.scenarios.engine"]


ROOT = PACKAGE.parent


def test_architecture_md_lists_the_layers_of_this_test() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = text.split("layers (top to bottom", 1)[1].split("```", 1)[0].splitlines()[1:]
    assert [set(line.split()) for line in block if line.strip()] == LAYERS


def test_the_layout_table_names_every_module_in_its_package() -> None:
    page = (ROOT / "docs" / "how-it-is-built.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`").split("`")[0]: line.split("|")[2]
        for line in page.splitlines()
        if line.startswith("| `mock_server/")
    }
    for folder in [PACKAGE, *sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))]:
        key = "mock_server/" if folder == PACKAGE else f"mock_server/{folder.name}/"
        named = set(re.findall(r"`([a-z_0-9]+\.py)`", rows[key]))
        present = {p.name for p in folder.glob("*.py") if p.name not in {"__init__.py", "__main__.py"}}
        assert named == present, f"docs/how-it-is-built.md layout row {key}: {sorted(named ^ present)}"
