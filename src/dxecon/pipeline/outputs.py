"""Where a notebook puts what it shows: tables as CSV, charts as PNG.

Notebooks take an ``output_dir`` parameter; empty means "just show" (interactive use), a
folder means the runner collects the files from ``tables/`` and ``charts/`` there.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dxecon.core.io import write_csv_atomic, write_text_atomic
from dxecon.present.tables import show_tables_in


class Outputs:
    """Saves tables and charts under ``output_dir`` when one is given; returns what it got,
    so a notebook cell can save and display in one expression. With a ``lang`` ('vi' or
    'en', the notebooks' parameter) tables are shown in that language (charts are drawn in
    it by their step); saved tables keep their machine-readable columns."""

    def __init__(self, output_dir: str | Path = "", lang: str | None = None) -> None:
        self.root = Path(output_dir) if str(output_dir) else None
        if lang is not None:
            show_tables_in(lang)

    def table(self, frame: pd.DataFrame, name: str, *, index: bool = False) -> pd.DataFrame:
        if self.root is not None:
            write_csv_atomic(frame, self.root / "tables" / f"{name}.csv", index=index)
        return frame

    def chart(self, figure, name: str) -> Chart:
        if self.root is not None:
            from dxecon.present.charts.plots import save

            save(figure, self.root / "charts" / f"{name}.png")
        return Chart(figure, name)

    def text(self, markdown: str, name: str) -> str:
        """A step's sentence (Markdown, already in the run's language) as ``texts/<name>.md``."""
        if self.root is not None:
            write_text_atomic(markdown, self.root / "texts" / f"{name}.md")
        return markdown

    def save(self, result) -> None:
        """Every output of a step's result (`dxecon.pipeline.steps.StepResult`): tables as
        CSV, charts as PNG (drawn in the step's language already), texts as Markdown."""
        for name, value in result.outputs.items():
            if isinstance(value, pd.DataFrame):
                self.table(value, name)
            elif isinstance(value, str):
                self.text(value, name)
            else:
                self.chart(value, name)


def save_result(result, output_dir: str | Path) -> None:
    """Write a step's outputs under ``output_dir`` (a notebook's parameter; empty: nothing
    is written, the notebook only shows)."""
    Outputs(output_dir).save(result)


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


FORECAST_COLUMNS = ["indicator", "geo", "sector", "basis", "year", "median", "lower", "upper"]
FORECAST_COLUMNS += ["model", "interval"]


def scenario_forecasts(run) -> pd.DataFrame:
    """A scenario's quantities by year: median and 10th-90th percentile of its paths."""
    table = run.percentiles().rename(columns={"p50": "median", "p10": "lower", "p90": "upper"})
    n_paths = run.paths.de_share.shape[0]
    table["model"] = f"scenario {run.scenario.name} (Monte Carlo, {n_paths} paths)"
    table["interval"] = "80%"
    return table.reindex(columns=FORECAST_COLUMNS)


def join_forecasts(scenario_table: pd.DataFrame, published_table: pd.DataFrame) -> pd.DataFrame:
    """The run's ``forecasts.csv``: one row per indicator, geography, sector and year, from
    the scenario paths and from the statsmodels forecasts of the published series."""
    published = published_table.rename(columns={"price_basis": "basis"})
    frames = [scenario_table.reindex(columns=FORECAST_COLUMNS)]
    frames.append(published.reindex(columns=FORECAST_COLUMNS))
    return pd.concat(frames, ignore_index=True)
