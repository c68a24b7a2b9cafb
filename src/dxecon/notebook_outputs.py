"""Where a notebook puts what it shows: tables as CSV, charts as PNG.

Notebooks take an ``output_dir`` parameter; empty means "just show" (interactive use), a
folder means the runner collects the files from ``tables/`` and ``charts/`` there.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dxecon.core.io import write_csv_atomic


class Outputs:
    """Saves tables and charts under ``output_dir`` when one is given; returns what it got,
    so a notebook cell can save and display in one expression. With a ``lang`` ('vi' or
    'en', the notebooks' parameter) a chart's titles, axes and legend are written in that
    language (`dxecon.plots.localize`); saved tables keep their machine-readable columns."""

    def __init__(self, output_dir: str | Path = "", lang: str | None = None) -> None:
        self.root = Path(output_dir) if str(output_dir) else None
        self.lang = lang
        if lang is not None:
            show_tables_in(lang)

    def table(self, frame: pd.DataFrame, name: str, *, index: bool = False) -> pd.DataFrame:
        if self.root is not None:
            write_csv_atomic(frame, self.root / "tables" / f"{name}.csv", index=index)
        return frame

    def chart(self, figure, name: str) -> Chart:
        if self.lang is not None:
            from dxecon.plots import localize

            localize(figure, self.lang)
        if self.root is not None:
            from dxecon.plots import save

            save(figure, self.root / "charts" / f"{name}.png")
        return Chart(figure, name)


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy of ``frame`` as a reader sees it: headers (columns, index and axis names) with a
    catalogue key ``nb.col.<name>`` in ``lang``, the others as they are; a ``status``
    column's words in ``lang``."""
    from dxecon.reporting.i18n import Words, catalogue

    words, known = Words(lang), catalogue()

    def say(label):
        return words(f"nb.col.{label}") if f"nb.col.{label}" in known else label

    shown = frame.copy()
    if "status" in shown.columns and not isinstance(shown.columns, pd.MultiIndex):
        shown["status"] = shown["status"].map(lambda value: words.get(f"status.{value}", value))
    shown = shown.rename(columns=say)
    shown.columns = shown.columns.set_names([say(n) if n else n for n in shown.columns.names])
    shown.index = shown.index.set_names([say(n) if n else n for n in shown.index.names])
    return shown


def show_tables_in(lang: str) -> None:
    """Display every DataFrame of the running notebook through `readable` (text and HTML),
    so a notebook's tables follow its ``lang`` while the frames and saved CSVs keep their
    machine-readable names. Outside IPython: nothing to do."""
    from dxecon.reporting.i18n import check_language

    check_language(lang)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebook environment
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    formatters["text/plain"].for_type(
        pd.DataFrame, lambda frame, printer, cycle: printer.text(table_text(frame, lang))
    )
    formatters["text/html"].for_type(pd.DataFrame, lambda frame: table_html(frame, lang))


def table_text(frame: pd.DataFrame, lang: str) -> str:
    """A table as a notebook shows it in text: `readable`, a missing value as a dash, within
    pandas' display limits (the repr cannot show a dash, so the table is written here)."""
    from dxecon.reporting.i18n import DASH

    return readable(frame, lang).to_string(
        na_rep=DASH, line_width=pd.get_option("display.width"), **_display_limits()
    )


def table_html(frame: pd.DataFrame, lang: str) -> str:
    """The HTML form of `table_text`."""
    from dxecon.reporting.i18n import DASH

    return readable(frame, lang).to_html(na_rep=DASH, notebook=True, **_display_limits())


def _display_limits() -> dict:
    return {
        "max_rows": pd.get_option("display.max_rows"),
        "max_cols": pd.get_option("display.max_columns"),
        "show_dimensions": pd.get_option("display.show_dimensions"),
    }


class Chart:
    """A figure a notebook shows as PNG whatever the matplotlib backend (figures built
    without pyplot have no display hook under Agg), with a text form nbval compares: the
    chart's name, how many series and points it plots and a checksum of their values
    (:func:`dxecon.plots.chart_data_line`), so a changed chart fails nbval."""

    def __init__(self, figure, name: str) -> None:
        self.figure, self.name = figure, name

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()

    def __repr__(self) -> str:
        from dxecon.plots import chart_data_line

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
