"""No figure typed into a notebook: every number a reader sees is computed in the run.

Scans every notebook's Markdown cells and the string literals of its code cells (plus
non-integral number literals in code, e.g. ``pd.Series({2023: 7.42})``) for figures. Allowed:

- four-digit years 1990-2100, alone or as ranges (``2026-2030``), and dates
  (``1 July 2025``, ``2026-10``, ``2026-10-31``);
- identifiers where the digits are glued to letters: target ids (``TGT021``), source ids
  (``D4``, ``S19``), ordinals (``13th``), format specs (``.2f``);
- instrument codes, where a number is glued to its code by ``-`` or ``/``
  (``03-NQ/TU``, ``106/KH-UBND``);
- section numbers at the start of a heading (``# 2.``) and of a numbered list item;
- inside inline code (backticks): file names, commands and code are not prose;
- inside LaTeX math (``$...$``): the constants of a formula (``1 + g``) are not figures;
- cells tagged ``parameters``: their values mirror ``params/`` files (the runner's tests
  check that), so their number literals are not scanned here (their strings are);
- the short allow-list :data:`ALLOWED` below, each entry with its reason.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "notebooks" / "explorer").glob("*.ipynb")
)
#: Rewritten in parallel by the lead (issue 11); the lead removes this skip.

#: Tokens that look like figures but are not: token -> reason.
ALLOWED: dict[str, str] = {}

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}\b|\b\d{{4}}-\d{{2}}(?:-\d{{2}})?\b")
_INLINE_CODE = re.compile(r"`[^`]*`")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]+\$", re.DOTALL)
_HEADING_NUMBER = re.compile(r"^(\s*#+\s*)\d+[a-z]?\.", re.MULTILINE)
_LIST_NUMBER = re.compile(r"^(\s*)\d+\.\s", re.MULTILINE)
#: A number not glued to a letter, digit, dot or underscore on the left, nor to a letter,
#: digit or code separator (-X, /X) on the right; with an optional per cent sign.
_FIGURE = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?:\s?%)?(?![\w])(?![-/][A-Za-zĐ])(?!\.\d)")


def _is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1990 <= int(token) <= 2100


def figures_in_text(text: str) -> list[str]:
    """The typed figures in a piece of prose (see the module docstring for what is not)."""
    text = _INLINE_CODE.sub(" ", text)
    text = _MATH.sub(" ", text)
    text = _DATE.sub(" ", text)
    text = _HEADING_NUMBER.sub(r"\1", text)
    text = _LIST_NUMBER.sub(r"\1", text)
    found = []
    for match in _FIGURE.finditer(text):
        token = match.group(0).strip()
        number = match.group(1).rstrip(",")
        if _is_year(number) and not token.endswith("%"):
            continue
        if token in ALLOWED:
            continue
        found.append(token)
    return found


def _code_source(cell: dict) -> str:
    # IPython magics and shell lines are not Python.
    lines = "".join(cell["source"]).splitlines()
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def figures_in_code(source: str, *, parameters: bool = False) -> list[str]:
    """Figures in a code cell's string literals, and its non-integral number literals
    (outside a parameters cell)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:  # pragma: no cover - a broken notebook fails nbval anyway
        return [f"<unparsable cell: {exc.msg}>"]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += figures_in_text(node.value)
        elif (
            not parameters
            and isinstance(node, ast.Constant)
            and isinstance(node.value, float)
            and not float(node.value).is_integer()
        ):
            found.append(repr(node.value))
    return found


def notebook_figures(notebook: dict) -> list[tuple[int, str, str]]:
    """(cell index, cell type, figure) for every typed figure of a notebook."""
    problems = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "markdown":
            figures = figures_in_text("".join(cell["source"]))
        elif cell["cell_type"] == "code":
            tags = cell.get("metadata", {}).get("tags", [])
            figures = figures_in_code(_code_source(cell), parameters="parameters" in tags)
        else:
            continue
        problems += [(index, cell["cell_type"], figure) for figure in figures]
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_typed_figures_in_notebooks(path):
    problems = notebook_figures(json.loads(path.read_text(encoding="utf-8")))
    assert not problems, f"{path.name}: typed figures (render them from results):\n" + "\n".join(
        f"  cell {i} ({kind}): {figure!r}" for i, kind, figure in problems
    )


def _cell(kind: str, source: str, tags: list[str] | None = None) -> dict:
    cell = {"cell_type": kind, "source": source.splitlines(keepends=True), "metadata": {}}
    if tags:
        cell["metadata"]["tags"] = tags
    return cell


def test_a_typed_figure_is_caught_with_its_cell():
    notebook = {
        "cells": [
            _cell("markdown", "# 2. Title\n\nThe share rose to 22.28% in 2025 (D4, TGT021)."),
            _cell("code", 'caption = "Floors: 15% in 2025"\nx = pd.Series({2023: 7.42})'),
            _cell("markdown", "Resolution 03-NQ/TU, Plan 106/KH-UBND, 1 July 2025, as of 2026-10."),
            _cell(
                "markdown", "1. **One at a time**\n2. Two together, 2026-2030, `run 3`, $(1 + g)$"
            ),
            _cell("code", "x = 0.91", tags=["parameters"]),
            _cell("markdown", "About 8% a year, 1,000 draws and 35 per cent."),
        ]
    }
    assert notebook_figures(notebook) == [
        (0, "markdown", "22.28%"),
        (1, "code", "15%"),
        (1, "code", "7.42"),
        (5, "markdown", "8%"),
        (5, "markdown", "1,000"),
        (5, "markdown", "35"),
    ]


def test_years_ids_and_codes_are_not_figures():
    text = "From 2021 to 2030 (TGT023, S19, X13, 13th Congress, f'{x:.2f}') in 2026-2030."
    assert figures_in_text(text) == []
    assert figures_in_text("a year 1989 and 2101") == ["1989", "2101"]
    assert figures_in_text("20.5% of 2025") == ["20.5%"]


def test_the_scan_sees_every_notebook():
    names = {path.stem for path in NOTEBOOKS}
    assert {"01_data_overview", "02_digital_economy", "scenario_explorer"} <= names
    assert {"05_scenario_forecast", "06_targets_scorecard", "07_sensitivity_sweep"} <= names
