"""What a reader sees of a scenario's uncertainty: the interval breakdown and what each
headline target takes, as titled tables and sentences rendered from
`dxecon.models.scenarios.uncertainty`'s results (no figure typed here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dxecon.models.scenarios.diffusion import SOURCES
from dxecon.models.scenarios.uncertainty import SOURCE_LABELS


def what_it_takes_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing: titled columns; a pace nobody observed shows 'not observable'."""
    shown = frame.rename(
        columns={
            "goal": "goal",
            "target": "target",
            "latest": "latest figure",
            "required": "required a year",
            "city_record": "city's own record",
            "best_province": "best province",
            "national": "national pace",
            "unit": "unit of the paces",
            "evidence": "evidence",
        }
    ).set_index("goal")
    numeric = shown.select_dtypes("number").columns
    shown[numeric] = (
        shown[numeric].round(2).astype(object).where(shown[numeric].notna(), "not observable")
    )
    return shown


def breakdown_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The breakdown as a reader sees it: titled columns, units, no internal names."""
    year = frame.attrs.get("year", "")
    return frame.drop(columns="source").rename(
        columns={
            "label": "uncertainty switched on",
            "de_share_width": f"digital share {year}: 80% interval width (pp)",
            "lp_growth_real_width": "real productivity growth: 80% width (pp of %/yr)",
            "lp_growth_nominal_width": "nominal productivity growth: 80% width (pp of %/yr)",
        }
    )


def _num(value: float, digits: int = 2) -> str:
    return "not observable" if not np.isfinite(value) else f"{value:.{digits}f}"


def what_it_takes_text(frame: pd.DataFrame) -> str:
    """One bullet per goal reading: the pace required beside the paces observed."""
    if frame.empty:
        return "No headline goal falls in the simulated years."
    lines = []
    for r in frame.itertuples(index=False):
        lines.append(
            f"- **{r.goal}**: target {r.target:g}, latest {_num(r.latest)}; required "
            f"{_num(r.required)} {r.unit}, against the city's own record "
            f"{_num(r.city_record)}, the best province {_num(r.best_province)} and the "
            f"national pace {_num(r.national)}."
            + (
                " The required pace is above every pace observed."
                if np.isfinite(r.required)
                and np.isfinite([r.city_record, r.best_province, r.national]).any()
                and r.required > np.nanmax([r.city_record, r.best_province, r.national])
                else ""
            )
        )
    return "\n".join(lines)


def breakdown_text(frame: pd.DataFrame) -> str:
    """The interval-width breakdown in two sentences."""
    year = frame.attrs.get("year", "")
    by = frame.set_index("source")
    singles = by.loc[list(SOURCES)]
    parts = []
    for column, what, unit in (
        ("de_share_width", f"the digital share in {year}", "pp"),
        ("lp_growth_nominal_width", "nominal productivity growth", "pp of %/yr"),
    ):
        largest = singles[column].idxmax()
        parts.append(
            f"With every source on, the 80% interval of {what} is "
            f"{by.at['all', column]:.2f} {unit} wide; alone, "
            + ", ".join(
                f"{SOURCE_LABELS[s].split(' (')[0]} gives {singles.at[s, column]:.2f}"
                for s in SOURCES
            )
            + f" (square root of their summed squares {by.at['quadrature sum', column]:.2f}). "
            f"The largest single source: {SOURCE_LABELS[largest].split(' (')[0]}."
        )
    return "\n\n".join(parts)
