"""What a reader sees of a scenario's uncertainty: the interval breakdown and what each
headline target takes, as tables and sentences in the reader's language rendered from
`dxecon.models.scenarios.uncertainty`'s results (no figure typed here; words from the
catalogue, `dxecon.present.words`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dxecon.models.scenarios.diffusion import SOURCES
from dxecon.models.scenarios.scorecard import INTERVAL
from dxecon.models.scenarios.uncertainty import ALL, QUADRATURE
from dxecon.present.words import Words

#: The paces a goal's required pace is compared with (columns of the what-it-takes table).
PACES = ("city_record", "best_province", "national")


def source_label(source: str, words: Words) -> str:
    """An uncertainty source (`SOURCES`, or a row of the breakdown) in words."""
    return words(f"source.{source}")


def goal_label(row, words: Words) -> str:
    """A what-it-takes row's goal in words: its id, the quantity, how it is read, the year."""
    basis = words(f"explorer.basis.{row.basis}") if row.basis else ""
    return words(f"wit.goal.{row.indicator}", goal_id=row.goal_id, year=row.year, basis=basis)


def what_it_takes_table(frame: pd.DataFrame, words: Words) -> pd.DataFrame:
    """The what-it-takes table as a reader sees it: the goal in words, the target, the
    latest figure, the pace required and the paces observed (a pace nobody observed says
    so), their unit in words; the evidence stays in the saved table."""
    shown = pd.DataFrame({"goal": [goal_label(r, words) for r in frame.itertuples()]})
    for column in ("target", "latest", "required", *PACES):
        shown[column] = [
            words.number(v, 2, trim=False, strip=True)
            if np.isfinite(v)
            else words("wit.not_observable")
            for v in frame[column].to_numpy(float)
        ]
    shown["unit"] = [words(f"wit.unit.{u}") for u in frame["unit"]]
    return shown


def what_it_takes_text(frame: pd.DataFrame, words: Words) -> str:
    """One bullet per goal reading: the pace required beside the paces observed, and
    whether it is above every one of them."""
    if frame.empty:
        return words("wit.none")

    def say(value: float) -> str:
        return (
            words.number(value, 2, trim=False)
            if np.isfinite(value)
            else words("wit.not_observable")
        )

    lines = []
    for r in frame.itertuples(index=False):
        observed = np.array([getattr(r, p) for p in PACES], dtype=float)
        above = (
            np.isfinite(r.required)
            and np.isfinite(observed).any()
            and r.required > np.nanmax(observed)
        )
        lines.append(
            "- "
            + words(
                "wit.line",
                goal=goal_label(r, words),
                target=words.number(r.target, 2, strip=True),
                latest=say(r.latest),
                required=say(r.required),
                unit=words(f"wit.unit.{r.unit}"),
                city=say(r.city_record),
                best=say(r.best_province),
                national=say(r.national),
            )
            + (" " + words("wit.above") if above else "")
        )
    return "\n".join(lines)


def breakdown_table(frame: pd.DataFrame, words: Words) -> pd.DataFrame:
    """The breakdown as a reader sees it: each row's sources in words, the widths."""
    shown = frame.copy()
    shown.insert(0, "uncertainty", [source_label(s, words) for s in frame["source"]])
    return shown.drop(columns="source").round(2)


def breakdown_text(frame: pd.DataFrame, words: Words) -> str:
    """The interval-width breakdown in two sentences: every source on, each alone, their
    quadrature sum, the largest."""
    year = frame.attrs.get("year", "")
    by = frame.set_index("source")
    singles = by.loc[list(SOURCES)]
    parts = []
    for column, what, unit in (
        ("de_share_width", words("breakdown.de_share", year=year), words("unit.pp")),
        ("lp_growth_nominal_width", words("breakdown.lp_nominal"), words("breakdown.unit_growth")),
    ):
        if by[column].isna().all():  # not simulated for the place (no employment figure)
            parts.append(words("txt.no_employment"))
            continue
        parts.append(
            words(
                "breakdown.sentence",
                width=INTERVAL[1] - INTERVAL[0],
                what=what,
                all=words.number(by.at[ALL, column], 2, trim=False),
                unit=unit,
                singles=", ".join(
                    words(
                        "breakdown.single",
                        source=source_label(s, words),
                        width=words.number(singles.at[s, column], 2, trim=False),
                    )
                    for s in SOURCES
                ),
                quadrature=words.number(by.at[QUADRATURE, column], 2, trim=False),
                largest=source_label(singles[column].idxmax(), words),
            )
        )
    return "\n\n".join(parts)
