"""The month's charts, drawn in the reader's language from a run's tables: the digital share
by scenario with its targets and the in-year nowcast beside the releases it rests on (the
month report's), and how each target's probability moved since the previous month."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dxecon.present.charts.plots import finish, new_figure, number_ticks
from dxecon.present.words import Words

#: Colours of the scenarios, in the report's order.
SCENARIO_COLOURS = ("#1f5f8b", "#2e8b57", "#c0392b", "#8e44ad", "#d68910")


def scenarios_chart(forecasts: Mapping[str, pd.DataFrame], goals: pd.DataFrame, words: Words):
    """The digital share (``de_share``, whole economy) of each scenario, median and 80%
    range (``forecasts``: scenario -> its forecasts table), with the share goals
    (``goals``: scorecard rows, ``target_value`` and ``year``) as dashed lines; None when no
    scenario forecasts the share."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.0, 4.2), dpi=110)
    axes = figure.add_subplot()
    drawn = False
    for colour, (name, table) in zip(SCENARIO_COLOURS * 4, forecasts.items(), strict=False):
        share = table[(table["indicator"] == "de_share") & (table["sector"] == "total")]
        if share.empty:
            continue
        years = share["year"].astype(int)
        axes.plot(years, share["median"], color=colour, label=words.scenario(name), lw=2)
        axes.fill_between(years, share["lower"], share["upper"], color=colour, alpha=0.15)
        drawn = True
    if not drawn:
        return None
    for _, goal in goals.iterrows():
        axes.axhline(goal["target_value"], color="#444", ls="--", lw=1)
        axes.annotate(
            words("chart.target", year=int(goal["year"]), value=words.number(goal["target_value"])),
            (axes.get_xlim()[0], goal["target_value"]),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=9,
        )
    axes.set_xlabel(words("chart.year"))
    axes.set_ylabel(words("chart.share"))
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.yaxis.set_major_formatter(number_ticks(words, 1))
    axes.legend(frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    axes.grid(alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure


def nowcast_chart(nowcast: pd.DataFrame, releases: pd.DataFrame, words: Words):
    """The year's nowcast by method (``nowcast``: median, lower, upper, method), each with
    its interval, to the right of the year's cumulative releases it rests on (``releases``:
    ``stage`` in words' keys ``nowcast.<stage>``, ``value``)."""
    from matplotlib.figure import Figure

    year = int(nowcast.iloc[0]["year"])
    figure = Figure(figsize=(7.6, 3.4), dpi=100)
    axes = figure.add_subplot()
    labels = []
    for x, (_, r) in enumerate(releases.iterrows()):
        labels.append(words.get(f"nowcast.{r['stage']}", r["stage"]))
        axes.plot(x, r["value"], "s", color="#555", ms=7)
    x_now = len(labels)
    labels.append(words("chart.nowcast_year", year=year))
    colours = ["#1f5f8b", "#9aa5b1", "#c7ced6"]
    for i, (_, r) in enumerate(nowcast.iterrows()):
        axes.errorbar(
            x_now + 0.12 * i,
            r["median"],
            yerr=[[r["median"] - r["lower"]], [r["upper"] - r["median"]]],
            fmt="o",
            color=colours[min(i, 2)],
            capsize=4,
            lw=2 if i == 0 else 1,
            label=words.get(f"nowcast.{r['method']}", r["method"]),
        )
    if len(releases):
        axes.plot([], [], "s", color="#555", label=words("chart.releases"))
    axes.set_xticks(range(len(labels)), labels)
    axes.set_xlim(-0.6, len(labels) - 0.2)
    axes.set_ylabel(words("chart.growth"))
    axes.yaxis.set_major_formatter(number_ticks(words, 1))
    axes.legend(frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    axes.grid(alpha=0.3, axis="y")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure


def revisions_chart(table: pd.DataFrame, *, as_of: str, words: Words):
    """Change in each forecast target's probability since the previous month, one bar per
    scenario and target (``table``: the revisions, `dxecon.models.scenarios.revisions`)."""
    import numpy as np

    _, ax = new_figure()
    scored = table.dropna(subset=["probability"])
    goals = list(dict.fromkeys(scored["goal_id"]))
    scenarios = list(dict.fromkeys(scored["scenario"]))
    width = 0.8 / max(len(scenarios), 1)
    for i, (colour, name) in enumerate(zip(SCENARIO_COLOURS * 4, scenarios, strict=False)):
        part = scored[scored["scenario"] == name].set_index("goal_id")
        change = 100 * part["probability_change"].reindex(goals).fillna(0.0)
        x = np.arange(len(goals)) + (i - (len(scenarios) - 1) / 2) * width
        ax.bar(x, change.to_numpy(), width, color=colour, label=words.scenario(name))
    ax.set_xticks(range(len(goals)), goals)
    ax.axhline(0, color="#444", lw=0.8)
    previous = sorted({p for p in table["previous_as_of"].dropna().astype(str) if p})
    since = (
        words("chart.revisions_since", previous=words.month(previous[-1]))
        if previous
        else words("chart.revisions_first")
    )
    if len(scenarios):
        ax.legend(loc="best", fontsize=8, frameon=False)
    finish(
        ax,
        title=words("chart.revisions_title", since=since, as_of=words.month(as_of)),
        ylabel=words("chart.revisions_axis"),
        caption=words("chart.revisions_caption"),
    )
    return ax.figure
