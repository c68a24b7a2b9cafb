"""Imports point down the layers: core < data < models < present < pipeline < report < apps.

A module of ``src/dxecon`` imports from its own layer and the layers below only, whether the
import sits at module level, inside a function or under ``TYPE_CHECKING``, absolute or
relative (a lazy import that keeps start-up cheap must point down too). No module imports
another module's private name (``from dxecon.x import _name``) or a private module from
outside its package. Every module belongs to one layer: nothing sits at the package root
but ``__init__.py``. The check reads the source (``ast``); it imports nothing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The layers, lowest first: each may import from those before it.
LAYERS = ("core", "data", "models", "present", "pipeline", "report", "apps")
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dxecon"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    statement: str
    why: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.statement}: {self.why}"


def module_name(path: Path) -> str:
    """``dxecon.models.scenarios.engine`` for ``src/dxecon/models/scenarios/engine.py``."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str | None:
    """The layer of a dxecon module (None: the package root, or no layer)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _targets(node: ast.AST, module: str, is_package: bool) -> list[tuple[str, str | None]]:
    """(module imported, name imported from it or None) for one import statement or one
    ``importlib.import_module("...")`` call; relative imports resolved."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        return [(target, alias.name) for alias in node.names]
    if (
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return [(node.args[0].value, None)]
    return []


def _problems(target: str, name: str | None, module: str) -> list[str]:
    """Why importing ``name`` from ``target`` breaks the layering of ``module``, if it does."""
    if target.split(".")[0] != "dxecon":
        return []
    found = []
    where = target
    if target == "dxecon":  # the package root: a layer (from dxecon import core) or below all
        where = f"dxecon.{name}" if name in LAYERS else None
    if where is not None:
        own, theirs = layer(module), layer(where)
        if theirs is None:
            found.append(f"{where} is in no layer")
        elif own is None or LAYERS.index(theirs) > LAYERS.index(own):
            found.append(f"imports layer {theirs} from layer {own}: imports point down only")
    if name is not None and _private(name) and target != module:
        found.append(f"imports the private name {name}")
    parts = target.split(".")
    for i, part in enumerate(parts):
        package = ".".join(parts[:i])
        if _private(part) and module != package and not module.startswith(package + "."):
            private = ".".join(parts[: i + 1])
            found.append(f"imports the private module {private} from outside {package}")
    return found


def check_source(source: str, module: str, *, file: str, is_package: bool = False) -> list:
    """Every upward, layer-less or private import of one module's source."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        reasons = []
        for target, name in _targets(node, module, is_package):
            reasons += [r for r in _problems(target, name, module) if r not in reasons]
        problems += [Problem(file, node.lineno, ast.unparse(node), why) for why in reasons]
    return problems


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_one_layer():
    loose = [
        str(path.relative_to(PACKAGE.parent))
        for path in modules()
        if path != PACKAGE / "__init__.py" and layer(module_name(path)) is None
    ]
    assert not loose, "modules outside the layers " + ", ".join(LAYERS) + ": " + ", ".join(loose)
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert packages == set(LAYERS)


def test_imports_point_down_and_no_private_name_crosses_a_module():
    problems = []
    for path in modules():
        problems += check_source(
            path.read_text(encoding="utf-8"),
            module_name(path),
            file=str(path.relative_to(PACKAGE.parents[1])),
            is_package=path.name == "__init__.py",
        )
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize(
    ("module", "source", "why"),
    [
        ("dxecon.models.x", "from dxecon.present.words import Words", "layer present"),
        ("dxecon.models.x", "def f():\n    from dxecon.present import words", "layer present"),
        (
            "dxecon.data.x",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import dxecon.models.y",
            "layer models",
        ),
        ("dxecon.models.a.b", "from ...present.charts import plots", "layer present"),
        ("dxecon.core.x", "from dxecon import models", "layer models"),
        ("dxecon.report.x", "import importlib\nimportlib.import_module('dxecon.apps.cli')", "apps"),
        ("dxecon.models.x", "from dxecon.elsewhere import run_suite", "in no layer"),
        ("dxecon.apps.x", "from dxecon.present.charts.plots import _finish", "private name"),
        ("dxecon.models.x", "from dxecon.models.forecast._series import to_annual", "private"),
    ],
)
def test_the_check_finds(module, source, why):
    found = check_source(source, module, file="example.py")
    assert found and why in str(found[0])


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("dxecon.apps.x", "from dxecon.core import folders\nfrom dxecon.models import scoring"),
        ("dxecon.models.forecast.backtest", "from dxecon.models.forecast._series import to_annual"),
        ("dxecon.models.x", "from dxecon import __version__"),
        ("dxecon.present.charts.plots", "from . import scenario\nfrom ..words import Words"),
    ],
)
def test_the_check_lets_pass(module, source):
    assert check_source(source, module, file="example.py") == []
