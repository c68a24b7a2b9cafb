"""The chart of the in-year nowcast: how it moved with each of the year's releases."""

from __future__ import annotations

import pandas as pd

from dxecon.models.forecast.nowcast import NowcastResult
from dxecon.present.charts.plots import TargetLine, draw_targets, finish, new_figure


def path_chart(result: NowcastResult):
    """How the nowcast moved with each of the year's releases: median and interval after
    each, with the year's target when there is one."""
    if result.path is None:
        raise ValueError("fit with with_path=True to chart the nowcast's path")
    last = result.path.iloc[[-1]].assign(as_of=result.as_of)
    path = pd.concat([result.path, last], ignore_index=True)  # the last step runs to the as-of
    _, ax = new_figure()
    x = path["as_of"]
    ax.fill_between(
        x,
        path["lower"],
        path["upper"],
        step="post",
        alpha=0.25,
        color="#1f5fa8",
        label=f"{100 * result.level:g}% range",
    )
    ax.step(x, path["median"], where="post", color="#1f5fa8", label="nowcast")
    points = result.path
    ax.plot(points["as_of"], points["median"], "o", color="#1f5fa8")
    for when, stage, median in points[["as_of", "stage", "median"]].itertuples(index=False):
        ax.annotate(stage, xy=(when, median), xytext=(4, 6), textcoords="offset points", fontsize=8)
    targets = []
    if result.target is not None:
        targets.append(TargetLine(result.target["value"], f"target {result.target['value']:g}%"))
    draw_targets(ax, targets)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    finish(
        ax,
        title=f"{result.year} real GRDP growth: the nowcast after each release",
        ylabel="growth over the previous year, %",
        caption=f"As of {result.as_of:%Y-%m-%d}. Before the first release: last year's growth. "
        "Releases: the city's cumulative growth (data/observations.csv). Boundary: "
        f"{result.geo_name}.",
    )
    return ax.figure
