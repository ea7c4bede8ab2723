"""The layering contract: data flows one way, and the use wing needs only the shared base.

Read from the source with ``ast`` (every ``import``, including those inside functions), so an
import that breaks the picture in docs/architecture.md fails here, in CI, before it spreads.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "drivekg"

BASE = {
    "drivekg",  # the package itself (__version__)
    "drivekg.errors",
    "drivekg.vocab",
    "drivekg.formats",
    "drivekg.layout",
    "drivekg.iris",
    "drivekg.records",
    "drivekg.serialize",
    "drivekg.offline",
    "drivekg.files",
    "drivekg.text",
}

# layer -> the layers (by module prefix) it may import, besides the base and itself
ALLOWED: dict[str, set[str]] = {
    "drivekg.source": set(),
    "drivekg.facts": {"drivekg.source"},
    "drivekg.graph": {"drivekg.source", "drivekg.facts"},
    "drivekg.outputs": {"drivekg.source", "drivekg.facts", "drivekg.graph"},
    "drivekg.pipeline": {"drivekg.source", "drivekg.facts", "drivekg.graph", "drivekg.outputs"},
    # the use wing: reads out/ through the base only
    "drivekg.sparql": set(),
    "drivekg.web": {"drivekg.sparql"},
    "drivekg.upload": set(),
}


def module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = SRC) -> set[str]:
    """Every drivekg module ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "drivekg"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                stem = package[: len(package) - node.level + 1]
                name = ".".join([*stem, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            if name.split(".")[0] == "drivekg":
                found.add(name)
    return found


def layer_of(module: str) -> str | None:
    if module in BASE:
        return "base"
    for layer in sorted(ALLOWED, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


MODULES = sorted(SRC.rglob("*.py"))
TOP = {"drivekg.cli", "drivekg.serveargs", "drivekg.__main__"}  # the command line: imports anything


def test_every_module_has_a_layer() -> None:
    """No module floats outside the picture (the command line sits on top of everything)."""
    floating = [
        module_name(p)
        for p in MODULES
        if layer_of(module_name(p)) is None
        and module_name(p) not in TOP
    ]
    assert floating == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_follow_the_layers(path: Path) -> None:
    """A module imports only the base, its own layer and the layers before it."""
    me = module_name(path)
    layer = layer_of(me)
    if layer is None:  # cli.py, __main__.py: the top
        return
    bad = []
    for target in sorted(imports_of(path)):
        there = layer_of(target)
        if there == "base" or there == layer:
            continue
        if layer == "base" or there is None or there not in ALLOWED[layer]:
            bad.append(target)
    assert bad == [], f"{me} ({layer}) may not import {bad}"


def test_base_modules_do_not_import_the_layers() -> None:
    """The shared base imports nothing but the base (checked separately for a clear message)."""
    for path in MODULES:
        if layer_of(module_name(path)) == "base":
            assert {layer_of(t) for t in imports_of(path)} <= {"base"}, module_name(path)


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """Relative, absolute and function-level imports are all read (the contract is not blind)."""
    root = tmp_path / "drivekg"
    (root / "web").mkdir(parents=True)
    sample = root / "web" / "views.py"
    sample.write_text(
        "from ..outputs import site\n"
        "from . import negotiation\n"
        "def f():\n    import drivekg.pipeline\n"
    )
    assert imports_of(sample, root) == {
        "drivekg.outputs",
        "drivekg.web",
        "drivekg.pipeline",
    }
    assert layer_of("drivekg.outputs") not in ALLOWED["drivekg.web"]
