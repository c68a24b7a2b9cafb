"""The chart of the in-year nowcast: how it moved with each of the year's releases, drawn in
the reader's language (catalogue words, place names from the code list)."""

from __future__ import annotations

from functools import partial

import pandas as pd

from dxecon.models.forecast.nowcast import NowcastResult
from dxecon.present.charts.plots import TargetLine, draw_targets, finish, new_figure
from dxecon.present.words import Words


def path_chart(result: NowcastResult, *, geographies: pd.DataFrame, lang: str = "vi"):
    """How the nowcast moved with each of the year's releases: median and interval after
    each, with the year's target when there is one."""
    if result.path is None:
        raise ValueError("fit with with_path=True to chart the nowcast's path")
    words = Words(lang)
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
        label=words("chart.nowcast_range", level=words.number(100 * result.level, 0)),
    )
    ax.step(x, path["median"], where="post", color="#1f5fa8", label=words("chart.nowcast"))
    points = result.path
    ax.plot(points["as_of"], points["median"], "o", color="#1f5fa8")
    for when, stage, median in points[["as_of", "stage", "median"]].itertuples(index=False):
        label = words.get(f"nowcast.{stage}", stage)
        ax.annotate(label, xy=(when, median), xytext=(4, 6), textcoords="offset points", fontsize=8)
    targets = []
    if result.target is not None:
        value = words.number(result.target["value"], 2, strip=True)
        targets.append(
            TargetLine(result.target["value"], words("chart.nowcast_target", value=value))
        )
    draw_targets(ax, targets)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    # a module-level function, so the figure pickles: a run draws it in its chart process
    ax.xaxis.set_major_formatter(FuncFormatter(partial(_month_tick, words)))
    finish(
        ax,
        title=words("chart.nowcast_title", year=result.year),
        ylabel=words("chart.nowcast_axis"),
        caption=words(
            "chart.nowcast_caption",
            as_of=f"{result.as_of:%Y-%m-%d}",
            geo=words.place(result.geo, geographies),
        ),
    )
    return ax.figure


def _month_tick(words: Words, value: float, _pos) -> str:
    """A date axis tick as the month in the reader's language."""
    import matplotlib.dates as mdates

    return words.month(f"{mdates.num2date(value):%Y-%m}")
