"""Rewrite dxecon imports and module mentions from the flat layout to the layered one.

Issue 21 moved the modules of ``src/dxecon`` into layers (core < data < models < present <
pipeline < report < apps). A branch written against the old paths (``dxecon.scenarios``,
``dxecon.plots``, ``dxecon.runner``...) is brought over by running this on its files after
the merge::

    .venv/bin/python tools/relayout.py src tests benchmarks tools notebooks docs README.md
    .venv/bin/python tools/relayout.py --check src tests     # list files it would change

then ``ruff check --fix --select I . && ruff format .`` to sort and wrap the rewritten
imports. It rewrites ``import`` statements (in ``.py`` files and notebook code cells;
outputs are left as they are) and, elsewhere, dotted mentions (``dxecon.scenarios.start``)
and file paths (``dxecon/reporting/catalogue.yaml``) in code, strings, comments, Markdown
and YAML. Files in ``IMPORTS_ONLY`` get their import statements rewritten and nothing else
(``--all-text`` lifts that). Names split off a module (a chart or sentences leaving a
computation's module) follow ``NAMES``; a module imported whole and then used as
``module.name`` for a name that moved is not followed: the tests and ruff find those.
Running it twice changes nothing the second time.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The steps of the move, in order: ``--upto STEP`` applies the moves of the steps up to it.
STEPS = ("core", "data", "present", "models", "pipeline", "report", "apps", "cycles")

#: step -> {old module: new module}. A package maps its submodules too (longest prefix).
MODULES: dict[str, dict[str, str]] = {
    "core": {
        "dxecon.folders": "dxecon.core.folders",
        "dxecon.errors": "dxecon.core.errors",
        "dxecon.io": "dxecon.core.io",
        "dxecon.params": "dxecon.core.params",
        "dxecon._reaper": "dxecon.core.reaper",
    },
    "data": {"dxecon.targets": "dxecon.data.targets"},
    "present": {
        "dxecon.plots": "dxecon.present.charts.plots",
        "dxecon.scenarios.charts": "dxecon.present.charts.scenario",
        "dxecon.sweeps.charts": "dxecon.present.charts.sweep",
        "dxecon.narrative": "dxecon.present.narrative",
        "dxecon.scenarios.text": "dxecon.present.scenario_text",
        "dxecon.reporting.i18n": "dxecon.present.words",
        "dxecon.reporting.catalogue": "dxecon.present.catalogue",  # catalogue.yaml
    },
    "models": {
        "dxecon.estimation": "dxecon.models.estimation",
        "dxecon.forecast": "dxecon.models.forecast",
        "dxecon.calibration": "dxecon.models.calibration",
        "dxecon.calibration_realtime": "dxecon.models.calibration_realtime",
        "dxecon.measures": "dxecon.models.measures",
        "dxecon.contribution": "dxecon.models.contribution",
        "dxecon.scenarios": "dxecon.models.scenarios",
        "dxecon.sweeps": "dxecon.models.sweeps",
    },
    "pipeline": {
        "dxecon.notebook_outputs": "dxecon.pipeline.outputs",
        "dxecon.notebook_params": "dxecon.pipeline.notebook_params",
        "dxecon.nodata": "dxecon.pipeline.nodata",
        "dxecon.runner": "dxecon.pipeline.run",
    },
    "report": {
        "dxecon.reporting": "dxecon.report",
        "dxecon.reporting.cli": "dxecon.reporting.cli",  # left for the apps step
    },
    "apps": {
        "dxecon.cli": "dxecon.apps.cli",
        "dxecon.cli_options": "dxecon.apps.cli",
        "dxecon.sweep_cli": "dxecon.apps.cli",
        "dxecon.reporting.cli": "dxecon.apps.cli",
        "dxecon.monthly": "dxecon.apps.monthly",
        "dxecon.explorer": "dxecon.apps.explorer",
        "dxecon.notebooks": "dxecon.apps.notebooks",
    },
    "cycles": {},
}

#: step -> {(module at its new path, name): new module, or (new module, new name)}: names
#: that left their module (split off, or made public to be imported across modules).
NAMES: dict[str, dict[tuple[str, str], str | tuple[str, str]]] = {
    "core": {},
    "data": {
        ("dxecon.data.targets", "ScoringConfig"): "dxecon.models.scoring",
        ("dxecon.data.targets", "Proxy"): "dxecon.models.scoring",
    },
    "present": {
        ("dxecon.report", "Words"): "dxecon.present.words",
        ("dxecon.reporting", "Words"): "dxecon.present.words",
        ("dxecon.report", "LANGUAGES"): "dxecon.present.words",
        ("dxecon.reporting", "LANGUAGES"): "dxecon.present.words",
        **{
            (module, name): "dxecon.present.tables"
            for module in ("dxecon.notebook_outputs", "dxecon.pipeline.outputs")
            for name in ("readable", "show_tables_in", "table_text", "table_html")
        },
    },
    "models": {},
    "pipeline": {
        **{
            ("dxecon.pipeline.run", name): "dxecon.pipeline.suite"
            for name in (
                "Notebook",
                "RUNNER_PARAMETERS",
                "notebook_parameters",
                "notebook_params_file",
                "suite",
                "notebook_values",
                "declared_parameters",
                "check_params",
            )
        },
        **{
            ("dxecon.pipeline.run", name): "dxecon.pipeline.execute"
            for name in (
                "KERNEL_NAME",
                "KERNEL_START_ATTEMPTS",
                "BLAS_THREAD_VARIABLES",
                "RunError",
                "Task",
                "single_threaded_blas",
            )
        },
        ("dxecon.pipeline.run", "_execute"): ("dxecon.pipeline.execute", "execute_task"),
        ("dxecon.pipeline.run", "_environment"): ("dxecon.pipeline.execute", "environment"),
        ("dxecon.pipeline.run", "_run_tasks"): ("dxecon.pipeline.execute", "run_tasks"),
        ("dxecon.pipeline.run", "_task_label"): ("dxecon.pipeline.execute", "task_label"),
        ("dxecon.pipeline.run", "RunLockedError"): "dxecon.pipeline.publish",
        ("dxecon.pipeline.run", "OutputsWriteError"): "dxecon.pipeline.publish",
        ("dxecon.pipeline.run", "outputs_lock"): "dxecon.pipeline.publish",
        ("dxecon.pipeline.run", "_copy_previous"): ("dxecon.pipeline.publish", "copy_previous"),
        ("dxecon.pipeline.run", "_publish_month"): ("dxecon.pipeline.publish", "publish_month"),
        ("dxecon.pipeline.run", "_clean_stale"): ("dxecon.pipeline.publish", "clean_stale"),
        ("dxecon.pipeline.run", "_package_versions"): (
            "dxecon.pipeline.manifest",
            "package_versions",
        ),
        ("dxecon.pipeline.run", "_code_revision"): ("dxecon.pipeline.manifest", "code_revision"),
    },
    "report": {},
    "apps": {},
    "cycles": {
        ("dxecon.data.changes", "scenario_start_changes"): "dxecon.models.scenarios.start",
        ("dxecon.data.changes", "_fmt"): ("dxecon.data.changes", "figure_text"),
        **{
            ("dxecon.models.scenarios.uncertainty", name): "dxecon.present.uncertainty_text"
            for name in (
                "what_it_takes_table",
                "breakdown_table",
                "what_it_takes_text",
                "breakdown_text",
            )
        },
        ("dxecon.models.scenarios.uncertainty", "what_it_takes_chart"): (
            "dxecon.present.charts.scenario"
        ),
        **{
            ("dxecon.models.forecast.nowcast", name): "dxecon.present.nowcast_text"
            for name in (
                "headline",
                "TITLES",
                "readable",
                "display_nowcast",
                "display_inputs",
                "display_backtest",
                "display_head_to_head",
            )
        },
        ("dxecon.models.forecast.nowcast", "path_chart"): "dxecon.present.charts.nowcast",
        ("dxecon.present.charts.plots", "_finish"): ("dxecon.present.charts.plots", "finish"),
        ("dxecon.present.charts.plots", "_targets"): (
            "dxecon.present.charts.plots",
            "draw_targets",
        ),
    },
}

#: Every module of the flat layout (issue 20), to tell ``from dxecon.x import module`` from
#: ``from dxecon.x import name``.
OLD_MODULES = frozenset(
    [
        "dxecon._reaper",
        "dxecon.calibration",
        "dxecon.calibration_realtime",
        "dxecon.cli",
        "dxecon.cli_options",
        "dxecon.contribution",
        "dxecon.data",
        "dxecon.data.changes",
        "dxecon.data.dataset",
        "dxecon.data.overview",
        "dxecon.data.schema",
        "dxecon.data.selection",
        "dxecon.data.validate",
        "dxecon.errors",
        "dxecon.estimation",
        "dxecon.estimation.decomposition",
        "dxecon.estimation.digital_share",
        "dxecon.estimation.frames",
        "dxecon.estimation.from_data",
        "dxecon.estimation.productivity",
        "dxecon.estimation.result",
        "dxecon.estimation.sector_floors",
        "dxecon.estimation.target_paths",
        "dxecon.explorer",
        "dxecon.folders",
        "dxecon.forecast",
        "dxecon.forecast._series",
        "dxecon.forecast.backtest",
        "dxecon.forecast.catalog",
        "dxecon.forecast.coverage",
        "dxecon.forecast.growth",
        "dxecon.forecast.models",
        "dxecon.forecast.nowcast",
        "dxecon.forecast.realtime",
        "dxecon.forecast.results",
        "dxecon.io",
        "dxecon.measures",
        "dxecon.monthly",
        "dxecon.narrative",
        "dxecon.nodata",
        "dxecon.notebook_outputs",
        "dxecon.notebook_params",
        "dxecon.notebooks",
        "dxecon.params",
        "dxecon.plots",
        "dxecon.reporting",
        "dxecon.reporting.build",
        "dxecon.reporting.cli",
        "dxecon.reporting.i18n",
        "dxecon.reporting.pdf",
        "dxecon.runner",
        "dxecon.scenarios",
        "dxecon.scenarios.budget",
        "dxecon.scenarios.charts",
        "dxecon.scenarios.config",
        "dxecon.scenarios.diffusion",
        "dxecon.scenarios.engine",
        "dxecon.scenarios.history",
        "dxecon.scenarios.scenario_run",
        "dxecon.scenarios.scorecard",
        "dxecon.scenarios.start",
        "dxecon.scenarios.text",
        "dxecon.scenarios.uncertainty",
        "dxecon.scenarios.weights",
        "dxecon.sweep_cli",
        "dxecon.sweeps",
        "dxecon.sweeps.charts",
        "dxecon.sweeps.engines",
        "dxecon.sweeps.evaluate",
        "dxecon.sweeps.plan",
        "dxecon.sweeps.spec",
        "dxecon.sweeps.sweep_run",
        "dxecon.targets",
    ]
)

#: Files other branches were editing during the move: only their imports are rewritten, so
#: their edits merge into the moved files (old and new paths, relative to the repository).
IMPORTS_ONLY = frozenset(
    {
        "src/dxecon/calibration.py",
        "src/dxecon/models/calibration.py",
        "src/dxecon/calibration_realtime.py",
        "src/dxecon/models/calibration_realtime.py",
        "src/dxecon/scenarios/diffusion.py",
        "src/dxecon/models/scenarios/diffusion.py",
        "src/dxecon/reporting/build.py",
        "src/dxecon/report/build.py",
        "src/dxecon/reporting/catalogue.yaml",
        "src/dxecon/present/catalogue.yaml",
        "src/dxecon/reporting/report.html.j2",
        "src/dxecon/report/report.html.j2",
        "tests/test_reporting.py",
        "tests/test_calibration.py",
    }
)

#: Files that name old or made-up paths on purpose: this tool's tables, the layer test's cases.
UNTOUCHED = frozenset({"tools/relayout.py", "tests/test_layers.py"})

TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".cfg", ".txt", ".j2", ".ipynb"}
TEXT_NAMES = {"dx"}  # extensionless scripts (and deploy/ units, by folder)
SKIP_PARTS = {".venv", ".git", "outputs", "__pycache__", "dxecon.egg-info", ".ruff_cache"}


class Layout:
    """The mapping of the steps up to one: old module paths and moved names to new ones."""

    def __init__(self, upto: str = STEPS[-1]) -> None:
        steps = STEPS[: STEPS.index(upto) + 1]
        self.modules = {old: new for s in steps for old, new in MODULES[s].items()}
        self.names: dict[tuple[str, str], tuple[str, str]] = {}
        for step in steps:
            for (module, name), target in NAMES[step].items():
                new_module, new_name = target if isinstance(target, tuple) else (target, name)
                self.names[(module, name)] = (new_module, new_name)
        found = {_module_name(p) for p in (ROOT / "src" / "dxecon").rglob("*.py")}
        self.known_modules = OLD_MODULES | found

    def module(self, dotted: str) -> str:
        """A module's new path (longest moved prefix); unchanged when nothing moved it."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            head = ".".join(parts[:cut])
            if head in self.modules:
                return ".".join([self.modules[head], *parts[cut:]])
        return dotted

    def name(self, module: str, name: str) -> tuple[str, str]:
        """Where ``from module import name`` finds the name now: (module, name)."""
        new = self.module(module)
        for key in ((new, name), (module, name)):
            if key in self.names:
                return self.names[key]
        return new, name

    def is_module(self, dotted: str) -> bool:
        return dotted in self.known_modules or self.module(dotted) in self.known_modules

    def dotted(self, path: str) -> str:
        """A dotted mention (module, or module.name.attr...) at its new place."""
        parts = path.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module, name = ".".join(parts[:cut]), parts[cut]
            new_module, new_name = self.name(module, name)
            if (new_module, new_name) != (self.module(module), name):
                return ".".join([new_module, new_name, *parts[cut + 1 :]])
        return self.module(path)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT / "src").with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# -- Python source ------------------------------------------------------------------------
def _parse(source: str) -> ast.Module | None:
    """The AST of a file or a notebook cell; IPython magics and shell lines are blanked."""
    try:
        return ast.parse(source)
    except SyntaxError:
        lines = [
            "pass" if line.lstrip()[:1] in "%!" and line.strip() else line
            for line in source.split("\n")
        ]
        try:
            return ast.parse("\n".join(lines))
        except SyntaxError:
            return None


def _alias(name: str, asname: str | None) -> str:
    return name if asname is None or asname == name else f"{name} as {asname}"


def _import_from(layout: Layout, node: ast.ImportFrom) -> list[str] | None:
    """The statements that replace ``from dxecon... import ...``; None when unchanged."""
    if node.level or not node.module or node.module.split(".")[0] != "dxecon":
        return None
    groups: dict[str, list[str]] = {}
    for item in node.names:
        full = f"{node.module}.{item.name}"
        if item.name != "*" and layout.is_module(full) and layout.module(full) != full:
            new = layout.module(full)
            parent, leaf = new.rsplit(".", 1)
            groups.setdefault(parent, []).append(_alias(leaf, item.asname or item.name))
            continue
        module, name = layout.name(node.module, item.name)
        groups.setdefault(module, []).append(_alias(name, item.asname or item.name))
    lines = [f"from {module} import {', '.join(names)}" for module, names in groups.items()]
    original = [
        f"from {node.module} import " + ", ".join(_alias(a.name, a.asname) for a in node.names)
    ]
    return None if lines == original else lines


def _import(layout: Layout, node: ast.Import) -> list[str] | None:
    parts, changed = [], False
    for item in node.names:
        new = layout.module(item.name) if item.name.split(".")[0] == "dxecon" else item.name
        changed |= new != item.name
        parts.append(_alias(new, item.asname))
    return [f"import {', '.join(parts)}"] if changed else None


def _offsets(source: str) -> list[int]:
    starts, total = [], 0
    for line in source.splitlines(keepends=True):
        starts.append(total)
        total += len(line)
    starts.append(total)
    return starts


def rewrite_imports(layout: Layout, source: str) -> str:
    """Every dxecon import statement of a Python source at the new paths."""
    tree = _parse(source)
    if tree is None:
        return source
    starts = _offsets(source)
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            lines = _import_from(layout, node)
        elif isinstance(node, ast.Import):
            lines = _import(layout, node)
        else:
            continue
        if lines is None:
            continue
        # ast offsets are in UTF-8 bytes within the line
        line_start = starts[node.lineno - 1]
        line_text = source[line_start : starts[node.lineno]]
        col = len(line_text.encode()[: node.col_offset].decode())
        end_start = starts[node.end_lineno - 1]
        end_text = source[end_start : starts[node.end_lineno]]
        end_col = len(end_text.encode()[: node.end_col_offset].decode())
        begins_line = not line_text[:col].strip()
        joiner = "\n" + line_text[:col] if begins_line else "; "
        edits.append((line_start + col, end_start + end_col, joiner.join(lines)))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


# -- mentions in any text -----------------------------------------------------------------
DOTTED = re.compile(r"(?<![\w./-])dxecon(?:\.[A-Za-z_]\w*)+")
SLASHED = re.compile(r"(?<![\w.-])dxecon((?:/[A-Za-z_][\w]*)+)((?:\.html)?\.(?:py|yaml|j2))?/?")


def rewrite_mentions(layout: Layout, text: str, *, skip_imports: bool = False) -> str:
    """Dotted module mentions and ``dxecon/...`` file paths at the new places."""

    def dotted(match: re.Match) -> str:
        return layout.dotted(match.group(0))

    def slashed(match: re.Match) -> str:
        module = "dxecon" + match.group(1).replace("/", ".")
        suffix = match.group(2) or ""
        new = layout.module(module)
        if new == module:
            return match.group(0)
        trailing = "/" if match.group(0).endswith("/") else ""
        return new.replace(".", "/") + suffix + trailing

    text = SLASHED.sub(slashed, text)
    if not skip_imports:
        return DOTTED.sub(dotted, text)
    # Keep import statements to rewrite_imports: it knows ``from x import module``.
    out = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("from dxecon", "import dxecon")):
            out.append(line)
        else:
            out.append(DOTTED.sub(dotted, line))
    return "\n".join(out)


def rewrite_python(layout: Layout, source: str, *, imports_only: bool = False) -> str:
    source = rewrite_imports(layout, source)
    if imports_only:
        return source
    return rewrite_mentions(layout, source, skip_imports=True)


def rewrite_notebook(layout: Layout, path: Path, *, imports_only: bool) -> bool:
    """Code cells' sources (imports and mentions) and Markdown cells' mentions; outputs,
    metadata and everything else as they were. True when the notebook changed."""
    import nbformat

    book = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    changed = False
    for cell in book.cells:
        if cell.cell_type == "code":
            new = rewrite_python(layout, cell.source, imports_only=imports_only)
        elif cell.cell_type == "markdown" and not imports_only:
            new = rewrite_mentions(layout, cell.source)
        else:
            continue
        if new != cell.source:
            cell.source, changed = new, True
    if changed:
        text = nbformat.writes(book)
        original = path.read_text(encoding="utf-8")
        if original.endswith("\n") and not text.endswith("\n"):
            text += "\n"
        path.write_text(text, encoding="utf-8")
    return changed


def rewrite_file(layout: Layout, path: Path, *, all_text: bool = False, write: bool = True) -> bool:
    relative = path.resolve().relative_to(ROOT).as_posix()
    imports_only = relative in IMPORTS_ONLY and not all_text
    if path.suffix == ".ipynb":
        if not write:
            return _notebook_would_change(layout, path, imports_only)
        return rewrite_notebook(layout, path, imports_only=imports_only)
    original = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        new = rewrite_python(layout, original, imports_only=imports_only)
    elif imports_only:
        return False
    else:
        new = rewrite_mentions(layout, original)
    if new != original and write:
        path.write_text(new, encoding="utf-8")
    return new != original


def _notebook_would_change(layout: Layout, path: Path, imports_only: bool) -> bool:
    book = json.loads(path.read_text(encoding="utf-8"))
    for cell in book.get("cells", []):
        source = "".join(cell.get("source", []))
        if cell.get("cell_type") == "code":
            new = rewrite_python(layout, source, imports_only=imports_only)
        elif cell.get("cell_type") == "markdown" and not imports_only:
            new = rewrite_mentions(layout, source)
        else:
            continue
        if new != source:
            return True
    return False


def files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file():
            yield path
            continue
        for found in sorted(path.rglob("*")):
            if not found.is_file() or SKIP_PARTS.intersection(found.parts):
                continue
            if found.suffix in TEXT_SUFFIXES or found.name in TEXT_NAMES or "deploy" in found.parts:
                yield found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--upto", choices=STEPS, default=STEPS[-1], help="apply these steps")
    parser.add_argument("--check", action="store_true", help="list, write nothing")
    parser.add_argument("--all-text", action="store_true", help="ignore IMPORTS_ONLY")
    args = parser.parse_args(argv)
    layout = Layout(args.upto)
    changed = 0
    for path in files(args.paths):
        if path.resolve().relative_to(ROOT).as_posix() in UNTOUCHED:
            continue
        if rewrite_file(layout, path, all_text=args.all_text, write=not args.check):
            changed += 1
            print(path.relative_to(ROOT) if path.is_absolute() else path)
    print(f"{changed} file(s) {'would change' if args.check else 'rewritten'}", file=sys.stderr)
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
