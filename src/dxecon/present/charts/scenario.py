"""The scenario charts of the notebooks and the explorer: fans with published history and
the targets drawn in, and what the targets take (required pace beside the paces observed).

Everything a chart shows comes from the run: the history is the scenario geography's
published series (and its other boundaries', drawn apart), the caption names the sources
of the figures drawn, and the target lines are the scorecard's goals for the quantity
(values, years and instruments from ``data/targets.csv``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.data import Dataset
from dxecon.models.scenarios.engine import PERCENTILES, percentiles
from dxecon.models.scenarios.scenario_run import ScenarioRun
from dxecon.present.charts.plots import TargetLine, fan_chart, new_figure


def _bands(values) -> dict[float, list[float]]:
    table = percentiles(values)
    return {q: table[i] for i, q in enumerate(PERCENTILES)}


def target_lines(run: ScenarioRun, indicator: str) -> list[TargetLine]:
    """One labelled line per target level the scorecard forecasts for ``indicator``; goals
    sharing a level share a line."""
    card = run.scorecard.frame
    rows = card[
        (card["indicator"] == indicator)
        & (card["scope"] == "city")
        & (card["scored_on"] == "forecast")
    ].sort_values("year")
    lines = []
    for value, group in rows.groupby("target_value", sort=True):
        who = ", ".join(f"{r.instrument} {int(r.year)}" for r in group.itertuples())
        lines.append(TargetLine(float(value), f"{who}: {value:g}", int(group["year"].max())))
    return lines


def _instruments(lines: list[TargetLine]) -> str:
    return ", ".join(sorted({line.label.split(" ")[0] for line in lines})) or "none forecast"


def published_history(
    dataset: Dataset, indicator: str, geo: str, *, as_of: str, method: str | None = None
) -> tuple[dict[str, pd.Series], list[str]]:
    """A quantity's published series on ``geo`` and its other boundaries (never joined),
    with the sources of the figures: ({label: series}, ["OBS.. (S..): value year", ...])."""
    history, sources = {}, []
    for boundary in [geo, *dataset.related_geographies(geo)]:
        try:
            result = dataset.series(indicator, boundary, method=method, as_of=as_of)
        except SeriesSelectionError:
            continue
        values = result.values.dropna()
        if values.empty:
            continue
        history[f"published, {boundary}" + (f" ({method})" if method else "")] = values
        for fig in result.figures().itertuples():
            sources.append(f"{fig.source_id}: {fig.value:g} ({boundary}, {fig.year})")
    return history, sources


def digital_share_fan(run: ScenarioRun, dataset: Dataset):
    """Digital economy, % of GRDP: published GSO figures by boundary, then the scenario fan."""
    scenario = run.scenario
    history, sources = published_history(
        dataset, "de_share", scenario.geo, as_of=scenario.as_of, method="GSO"
    )
    lines = target_lines(run, "de_share")
    return fan_chart(
        run.paths.years,
        _bands(run.paths.de_share),
        title=f"Digital economy, % of GRDP ({scenario.geo}, scenario '{scenario.name}')",
        ylabel="% of GRDP (current prices)",
        caption=(
            f"Published (GSO method, as of {scenario.as_of}): "
            + ("; ".join(sources) or "none")
            + f". Fan: 50/80/90% of {len(run.paths.de_share):,} simulated paths of scenario "
            f"'{scenario.name}'. Targets: {_instruments(lines)} (data/targets.csv)."
        ),
        history=history,
        targets=lines,
    )


def productivity_fan(run: ScenarioRun, *, basis: str = "real"):
    """Labour-productivity growth (% a year, real or nominal) against its targets."""
    scenario = run.scenario
    values = run.paths.lp_growth_real if basis == "real" else run.paths.lp_growth_nominal
    prices = "constant prices" if basis == "real" else "current prices"
    lines = target_lines(run, "lp_growth")
    return fan_chart(
        run.paths.years,
        _bands(values),
        title=f"Labour productivity growth, {basis} ({scenario.geo}, scenario '{scenario.name}')",
        ylabel=f"% a year ({prices})",
        caption=(
            f"Fan: 50/80/90% of {len(values):,} simulated paths; employment growth is an "
            "assumption of the scenario (no employment figure is published for the city "
            f"after its last census year). Targets: {_instruments(lines)} (data/targets.csv), "
            "which do not say real or nominal."
        ),
        targets=lines,
    )


def what_it_takes_chart(frame: pd.DataFrame):
    """Grouped bars: required pace beside the city's record, best province and national."""
    fig, axes = new_figure(width=9.0, height=4.8)
    ax = axes
    series = {
        "required": "required a year",
        "city_record": "city's own record",
        "best_province": "best province",
        "national": "national pace",
    }
    labels = [
        g.split(":")[0]
        + ("\n(" + g.split("read as ")[1].split(",")[0] + ")" if "read as" in g else "")
        for g in frame["goal"]
    ]
    x = np.arange(len(frame))
    width = 0.2
    for i, (col, name) in enumerate(series.items()):
        values = frame[col].to_numpy(float)
        shown = np.where(np.isfinite(values), values, 0.0)
        bars = ax.bar(x + (i - 1.5) * width, shown, width, label=name)
        for bar, v in zip(bars, values, strict=True):
            if not np.isfinite(v):
                bar.set_alpha(0)
    ax.set_xticks(x, labels, fontsize=8)
    ax.axhline(0, color="black", lw=0.6)
    units = ", ".join(dict.fromkeys(frame["unit"]))
    ax.set_ylabel(units)
    ax.set_title("What the targets take: required pace beside the paces observed")
    ax.legend(fontsize=8, frameon=False)
    fig.text(
        0.01,
        -0.02,
        "Digital-share goals in pp a year; productivity goals in real % a year. A missing bar: "
        "no pace observable in data/. Source: data/targets.csv, data/observations.csv.",
        fontsize=7,
    )
    return fig
