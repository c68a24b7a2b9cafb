"""The scenario charts of the notebooks and the explorer, in the reader's language: fans
with published history and the targets drawn in, and what the targets take (required pace
beside the paces observed).

Everything a chart shows comes from the run: the history is the scenario geography's
published series (and its other boundaries', drawn apart), the caption names the sources
of the figures drawn, and the target lines are the scorecard's goals for the quantity
(values, years and instruments from ``data/targets.csv``). Every word is a catalogue entry
(`dxecon.present.words`), every number in the language's format.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.data import Dataset
from dxecon.models.scenarios.engine import PERCENTILES, percentiles
from dxecon.models.scenarios.scenario_run import ScenarioRun
from dxecon.present.charts.plots import FanChart, TargetLine, new_figure, number_ticks
from dxecon.present.scenario_text import not_simulated_text
from dxecon.present.uncertainty_text import PACES, goal_label
from dxecon.present.words import Words


class Figure(NamedTuple):
    """A published figure drawn in a chart: its source, value, boundary and year."""

    source_id: str
    value: float
    geo: str
    year: int


def target_lines(run: ScenarioRun, indicator: str, words: Words | None = None) -> list[TargetLine]:
    """One labelled line per target level the scorecard forecasts for ``indicator``; goals
    sharing a level share a line (label: the instruments and years, then the level)."""
    words = words or Words()
    card = run.scorecard.frame
    rows = card[
        (card["indicator"] == indicator)
        & (card["scope"] == "city")
        & (card["scored_on"] == "forecast")
    ].sort_values("year")
    lines = []
    for value, group in rows.groupby("target_value", sort=True):
        who = ", ".join(f"{r.instrument} {int(r.year)}" for r in group.itertuples())
        label = f"{who}: {words.number(value, 2, strip=True)}"
        lines.append(TargetLine(float(value), label, int(group["year"].max())))
    return lines


def published_history(
    dataset: Dataset, indicator: str, geo: str, *, as_of: str, method: str | None = None
) -> tuple[dict[str, pd.Series], list[Figure]]:
    """A quantity's published series on ``geo`` and its other boundaries (never joined),
    with the figures drawn: ({boundary: series}, [Figure, ...])."""
    history, figures = {}, []
    for boundary in [geo, *dataset.related_geographies(geo)]:
        try:
            result = dataset.series(indicator, boundary, method=method, as_of=as_of)
        except SeriesSelectionError:
            continue
        values = result.values.dropna()
        if values.empty:
            continue
        history[boundary] = values
        for fig in result.figures().itertuples():
            figures.append(Figure(fig.source_id, float(fig.value), boundary, int(fig.year)))
    return history, figures


def scenario_fan(run: ScenarioRun, dataset: Dataset, name: str, **options):
    """One fan of a scenario (``name`` "de_share" or "lp") as a matplotlib Figure:
    the digital share (% of GRDP) after its published GSO history, or labour productivity
    growth (``basis`` "real" or "nominal"), with the 50/80/90% bands of the paths and the
    target lines. ``options``: `scenario_fan_parts`'s (``basis``, ``words``,
    ``scenario_name``: the scenario as the title names it, default the catalogue's name
    of the run's scenario). A quantity the run could not simulate (productivity without an
    employment figure) is a chart that says why. Drawn as the explorer draws it
    (`FanChart.show`: one way to show `scenario_fan_parts`)."""
    return FanChart().show(**scenario_fan_parts(run, dataset, name, **options))


def scenario_fan_parts(
    run: ScenarioRun,
    dataset: Dataset,
    name: str,
    *,
    basis: str = "real",
    words: Words | None = None,
    scenario_name: str | None = None,
) -> dict:
    """What `scenario_fan` draws, as `dxecon.present.charts.plots.fan_chart`'s arguments
    (also `FanChart.show`'s, which redraws a kept chart in place); for a quantity not
    simulated, only ``title`` and ``missing`` (why)."""
    w = words or Words()
    scenario = run.scenario
    places = dataset.codes["geographies"]
    shown = {
        "geo": w.place(scenario.geo, places),
        "scenario": scenario_name or w.scenario(scenario.name),
    }
    if name == "de_share":
        values, indicator = run.paths.de_share, "de_share"
        found, figures = published_history(
            dataset, "de_share", scenario.geo, as_of=scenario.as_of, method="GSO"
        )
        history = {
            w("explorer.chart.published", geo=w.place(geo, places)): s for geo, s in found.items()
        }
        title = w("explorer.chart.de_share_title", **shown)
        ylabel = w("explorer.chart.de_share_axis")
    else:
        values, indicator = run.paths.quantity(f"lp_growth_{basis}"), "lp_growth"
        history, figures = {}, []
        title = w("explorer.chart.lp_title", basis=w(f"explorer.basis.{basis}"), **shown)
        ylabel = w(f"explorer.chart.lp_axis_{basis}")
        missing = not_simulated_text(run, f"lp_growth_{basis}", w.lang)
        if missing:  # nothing to draw: `scenario_fan` says why
            return {"title": title, "missing": missing}
    lines = target_lines(run, indicator, w)
    instruments = ", ".join(sorted({line.label.split(" ")[0] for line in lines}))
    sources = "; ".join(
        f"{f.source_id}: {w.number(f.value, 2, strip=True)} ({w.place(f.geo, places)}, {f.year})"
        for f in figures
    )
    caption = w(
        f"explorer.chart.{'de' if name == 'de_share' else 'lp'}_caption",
        as_of=w.month(scenario.as_of),
        sources=sources or w("explorer.chart.none"),
        paths=w.number(len(values), 0),
        instruments=instruments or w("explorer.chart.none"),
    )
    table = percentiles(values)
    return {
        "years": run.paths.years,
        "bands": {q: table[i] for i, q in enumerate(PERCENTILES)},
        "title": title,
        "ylabel": ylabel,
        "caption": caption,
        "history": history,
        "targets": lines,
        "lang": w.lang,
    }


def what_it_takes_chart(frame: pd.DataFrame, words: Words | None = None):
    """Grouped bars: the pace each goal requires beside the city's record, the best
    province and the national pace (`dxecon.models.scenarios.uncertainty.what_it_takes`)."""
    w = words or Words()
    fig, ax = new_figure(width=9.0, height=4.8)
    labels = [goal_label(r, w).split(": ")[0] for r in frame.itertuples()]
    labels = [
        label + (f"\n({w(f'explorer.basis.{b}')})" if b else "")
        for label, b in zip(labels, frame["basis"], strict=True)
    ]
    x = np.arange(len(frame))
    width = 0.2
    for i, column in enumerate(("required", *PACES)):
        values = frame[column].to_numpy(float)
        # no pace observed: a bar of height 0 (nothing drawn; the legend keeps its colour)
        shown = np.where(np.isfinite(values), values, 0.0)
        ax.bar(x + (i - 1.5) * width, shown, width, label=w(f"wit.series.{column}"))
    ax.set_xticks(x, labels, fontsize=8)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel(", ".join(dict.fromkeys(w(f"wit.unit.{u}") for u in frame["unit"])))
    ax.yaxis.set_major_formatter(number_ticks(w, 1))
    ax.set_title(w("chart.what_it_takes_title"))
    ax.legend(fontsize=8, frameon=False)
    fig.text(0.01, -0.02, w("wit.caption"), fontsize=7)
    return fig
