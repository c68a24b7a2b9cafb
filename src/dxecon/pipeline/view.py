"""Showing a step's outputs in a notebook: by catalogue name, in the notebook's language.

``show(result, name)`` gives what a notebook cell displays: a table (headers and status
words in the language, a missing value as the one mark of `dxecon.present.tables`), a chart
(PNG, with the data line nbval compares) or a text (Markdown). Nothing is computed here, and
a result loaded from a run's saved outputs (`dxecon.pipeline.store`) shows as the computed
one does: its charts are the saved PNGs with the data line saved beside them, so showing
them imports no matplotlib.
"""

from __future__ import annotations

from typing import Any

from dxecon.pipeline.catalogue import output
from dxecon.pipeline.steps import StepResult


def show(result: StepResult, name: str, *, target: str | None = None, lang: str = "vi") -> Any:
    """The displayable form of output ``name`` of ``result`` (``target`` for a chart
    drawn once per target)."""
    entry = output(name)
    stem = entry.file_stem(target)
    value = result[stem]
    if entry.kind == "chart":
        return value if isinstance(value, SavedChart) else Chart(value, stem)
    if entry.kind == "text":
        from IPython.display import Markdown

        return Markdown(value)
    from dxecon.present.tables import show_tables_in

    show_tables_in(lang)  # the display hook writes headers and status words in lang
    return value


class Chart:
    """A figure a notebook shows as PNG whatever the matplotlib backend (figures built
    without pyplot have no display hook under Agg), with a text form nbval compares: the
    chart's name, how many series and points it plots and a checksum of their values
    (:func:`dxecon.present.charts.plots.chart_data_line`), so a changed chart fails nbval."""

    def __init__(self, figure, name: str) -> None:
        self.figure, self.name = figure, name

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()

    def __repr__(self) -> str:
        from dxecon.present.charts.plots import chart_data_line

        return chart_data_line(self.figure, self.name)


class SavedChart:
    """A chart a run saved: its PNG and the data line saved beside it, shown as `Chart`
    shows a figure (the same text for nbval) without drawing anything."""

    def __init__(self, png: bytes, data_line: str) -> None:
        self.png, self.data_line = png, data_line

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return self.data_line
