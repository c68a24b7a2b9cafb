"""Showing a step's outputs in a notebook: by catalogue name, in the notebook's language.

``show(result, name)`` gives what a notebook cell displays: a table (headers and status
words in the language, a missing value as the one mark of `dxecon.present.tables`), a chart
(PNG, with the data line nbval compares) or a text (Markdown). Nothing is computed here.
"""

from __future__ import annotations

from typing import Any

from dxecon.pipeline.catalogue import output
from dxecon.pipeline.outputs import Chart
from dxecon.pipeline.steps import StepResult
from dxecon.present.tables import show_tables_in


def show(result: StepResult, name: str, *, target: str | None = None, lang: str = "vi") -> Any:
    """The displayable form of output ``name`` of ``result`` (``target`` for a chart
    drawn once per target)."""
    entry = output(name)
    stem = entry.file_stem(target)
    value = result[stem]
    if entry.kind == "chart":
        return Chart(value, stem)
    if entry.kind == "text":
        from IPython.display import Markdown

        return Markdown(value)
    show_tables_in(lang)  # the display hook writes headers and status words in lang
    return value
