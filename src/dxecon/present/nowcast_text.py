"""What a person reads of the in-year nowcast: the headline, titled tables with units.

Rendered from `dxecon.models.forecast.nowcast`'s results; no figure is typed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dxecon.models.forecast.nowcast import (
    STAGE_LABELS,
    NowcastBacktest,
    NowcastResult,
    growth_text,
    probability_text,
)


def headline(result: NowcastResult) -> str:
    """Markdown: the year's nowcast, its range, the target and the probability of meeting it,
    and the boundary, all rendered from the result."""
    level = f"{100 * result.level:g}%"
    text = (
        f"**{result.year} real GRDP growth, {result.geo_name}** (as of "
        f"{result.as_of:%d %B %Y}; latest release: {result.stage_label}): nowcast "
        f"**{growth_text(result.median)}**, {level} range {growth_text(result.lower)} to "
        f"{growth_text(result.upper)} "
        f"({result.model}, resting on {result.n_years} past years)."
    )
    if result.target is not None:
        text += (
            f" Target: at least {result.target['value']:g}% ({result.target['text']}; "
            f"{result.target['instrument']}). Probability of meeting it: "
            f"**{probability_text(result.target_probability)}**."
        )
    else:
        text += f" No growth target for {result.year} was found in the instruments searched."
    if result.path is not None and len(result.path) > 1:
        last = result.path.iloc[-1]
        text += f"\n\n**What moved last** (as of {last['as_of']:%Y-%m-%d}): {last['what_is_new']}"
    if result.notes:
        text += "\n\n" + "\n".join(f"- {n}" for n in result.notes)
    return text


#: Titles (with units) of the nowcast tables' columns; a table may retitle one.
TITLES = {
    "method": "method",
    "median": "median, %",
    "lower": "interval low, %",
    "upper": "interval high, %",
    "past_years": "past years it rests on",
    "stage": "latest release",
    "value": "cumulative growth, %",
    "geo": "boundary",
    "boundary": "boundary note",
    "publisher": "source",
    "published": "published",
    "obs_id": "figure id",
    "years": "years",
    "mae": "mean absolute error, points",
    "years_with_interval": "years with an interval",
    "verdict": "verdict",
    "which_years": "which years",
    "bridge_mae": "bridge: mean absolute error, points",
    "carry_mae": "cumulative carried to year end: MAE, points",
    "last_year_mae": "last year's growth: MAE, points",
}


def readable(
    frame: pd.DataFrame, columns: Mapping[str, str] | Sequence[str], **retitled: str
) -> pd.DataFrame:
    """The ``columns`` of ``frame`` with titles, numbers rounded, "not available" for NaN.

    ``columns`` maps a column to its title, or lists columns titled by :data:`TITLES`;
    keyword arguments retitle single columns (``stage="release"``).
    """
    named = columns if isinstance(columns, Mapping) else {c: TITLES.get(c, c) for c in columns}
    titles = {column: retitled.get(column, title) for column, title in named.items()}
    out = frame[list(titles)].rename(columns=titles)
    for col in out.columns:
        if out[col].dtype.kind == "f":
            out[col] = out[col].map(
                lambda v: "not available" if not np.isfinite(v) else round(v, 2)
            )
    return out


def display_nowcast(result: NowcastResult) -> pd.DataFrame:
    """The nowcast and its benchmarks with titles and units, no NaN."""
    return readable(result.to_frame(), ["method", "median", "lower", "upper", "past_years"])


def display_inputs(result: NowcastResult):
    """The year's releases the nowcast read, with source, date and boundary (a line of
    Markdown when there is none yet)."""
    if result.inputs.empty:
        from IPython.display import Markdown

        return Markdown(
            f"No release of {result.year}'s growth was published by {result.as_of:%Y-%m-%d}."
        )
    frame = result.inputs.assign(
        stage=result.inputs["stage"].map(STAGE_LABELS),
        published=result.inputs["published"].dt.strftime("%Y-%m-%d"),
    )
    columns = ["stage", "value", "geo", "boundary", "publisher", "published", "obs_id"]
    return readable(frame, columns, stage="release")


def display_backtest(backtest: NowcastBacktest) -> pd.DataFrame:
    """MAE and coverage by stage and method, with the years each rests on."""
    table = backtest.table()
    table["coverage"] = table["coverage"] * 100
    columns = ["stage", "method", "years", "mae", "coverage", "years_with_interval", "verdict"]
    return readable(table, columns, coverage=f"{100 * backtest.level:g}% interval coverage, %")


def display_head_to_head(backtest: NowcastBacktest) -> pd.DataFrame:
    """The bridge and the naive benchmarks on common years, with titles and units."""
    columns = ["stage", "years", "which_years", "bridge_mae", "carry_mae", "last_year_mae"]
    return readable(backtest.head_to_head(), [*columns, "verdict"])
