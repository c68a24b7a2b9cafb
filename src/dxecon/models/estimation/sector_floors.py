r"""Each sector's digital share against the floors of the targets ("at least f % of the
sector's value added digital by year T").

Pure functions on pandas objects; the floors are data (``data/targets.csv``, read with
:func:`dxecon.data.targets.target_values`), never typed here. The shares come from
:func:`dxecon.models.estimation.digital_share.sector_digital_share` or a structural estimate
(:func:`dxecon.models.estimation.from_data.sector_floors` adds the growth each sector needs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dxecon.models.estimation.digital_share import CURRENT_PRICES, SectorShares
from dxecon.models.estimation.frames import to_wide
from dxecon.models.estimation.result import EstimateResult, make_meta

__all__ = ["FLOOR_VERDICTS", "FloorComparison", "compare_with_floors"]

#: A sector against a floor: no share observed by the floor year; in the floor year, meets or
#: misses it; judged on an earlier year's share, already above it or still below it (the
#: gap in ``gap_pp``, the year in ``share_year``).
FLOOR_VERDICTS = ("floor_no_share", "floor_meets", "floor_misses", "floor_above", "floor_below")


@dataclass(frozen=True, eq=False)
class FloorComparison(EstimateResult):
    """Sector shares against floors; one row per (sector, floor year)."""

    def every_sector(self) -> pd.DataFrame:
        """Per floor year: the weakest sector, its gap, and whether every sector meets it."""
        frame = self.frame.reset_index()
        rows = {}
        for year, group in frame.groupby("floor_year"):
            judged = group.dropna(subset=["gap_pp"])
            if judged.empty:
                rows[year] = {"weakest_sector": None, "gap_pp": np.nan, "every_sector_meets": pd.NA}
                continue
            weakest = judged.loc[judged["gap_pp"].idxmin()]
            complete = len(judged) == len(group)
            meets = bool((judged["gap_pp"] >= 0).all())
            rows[year] = {
                "weakest_sector": weakest["sector"],
                "gap_pp": weakest["gap_pp"],
                # Unknown, not True, when some sector has no value to judge.
                "every_sector_meets": meets if (complete or not meets) else pd.NA,
            }
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "floor_year"
        out["every_sector_meets"] = out["every_sector_meets"].astype("boolean")
        return out


def compare_with_floors(
    shares: pd.Series | pd.DataFrame | SectorShares,
    *,
    floors: Mapping[int, float],
    year: int | None = None,
) -> FloorComparison:
    r"""Each sector's digital share against the floors "at least f % in year T".

    For sector :math:`s` and floor :math:`(T, f)`, the share judged is the one of year
    :math:`T` if observed, else the latest observed year before :math:`T`:

    .. math::

        \text{gap}_{s,T} = d_{s,t^*} - f, \qquad t^* = \max\{t \le T : d_{s,t}\
        \text{observed}\}.

    A gap :math:`\ge 0` meets the floor (in :math:`T`) or is already above it (before
    :math:`T`); a negative gap is the shortfall in percentage points.

    Parameters
    ----------
    shares : pandas.Series, pandas.DataFrame or SectorShares
        Digital share within each sector, per cent: by sector for one year (give ``year``)
        or year x sector.
    floors : mapping of int to float
        Floor year -> minimum share in per cent (the targets are data:
        ``dxecon.data.targets.target_values(registry, "de_sector_share_min", ...)``).
    year : int, optional
        The year of a Series of shares. Required then; ignored for DataFrames.

    Returns
    -------
    FloorComparison
        Rows (sector, floor_year) with ``floor_pct``, ``share_year``, ``share_pct``,
        ``gap_pp``, ``meets`` and a ``verdict`` code (:data:`FLOOR_VERDICTS`, worded by
        `dxecon.present`); :meth:`FloorComparison.every_sector`
        gives the weakest sector per floor year.
    """
    if not isinstance(floors, Mapping) or not floors:
        raise ValueError("floors must be a non-empty mapping {year: minimum share in %}")
    floor_years = sorted(int(y) for y in floors)
    floor_pct = {int(y): float(v) for y, v in floors.items()}
    bad = {y: v for y, v in floor_pct.items() if not 0 <= v <= 100}
    if bad:
        raise ValueError(f"floors must be shares in per cent (0-100); got {bad}")
    if isinstance(shares, SectorShares):
        shares = shares.shares
    if isinstance(shares, pd.Series):
        if year is None:
            raise ValueError("shares is one period (a Series by sector): pass year=<its year>")
        shares = shares.to_frame(int(year)).T
    wide, _ = to_wide(shares, what="shares", series="sectors")
    years = wide.index.to_numpy()
    rows = []
    for sector in wide.columns:
        observed = wide[sector].dropna()
        for floor_year in floor_years:
            floor = floor_pct[floor_year]
            before = observed[observed.index <= floor_year]
            if before.empty:
                rows.append(
                    (
                        sector,
                        floor_year,
                        floor,
                        pd.NA,
                        np.nan,
                        np.nan,
                        pd.NA,
                        "floor_no_share",
                    )
                )
                continue
            share_year = int(before.index.max())
            share = float(before.iloc[-1])
            gap = share - floor
            meets = bool(gap >= 0)
            if share_year == floor_year:
                verdict = "floor_meets" if meets else "floor_misses"
            else:  # judged on an earlier year's share
                verdict = "floor_above" if meets else "floor_below"
            rows.append((sector, floor_year, floor, share_year, share, gap, meets, verdict))
    frame = pd.DataFrame(
        rows,
        columns=[
            "sector",
            "floor_year",
            "floor_pct",
            "share_year",
            "share_pct",
            "gap_pp",
            "meets",
            "verdict",
        ],
    ).set_index(["sector", "floor_year"])
    frame["share_year"] = frame["share_year"].astype("Int64")
    frame["meets"] = frame["meets"].astype("boolean")
    meta = make_meta(
        method="latest share at or before each floor year minus the floor",
        basis="nominal",
        assumptions=[
            CURRENT_PRICES,
            f"shares observed in {sorted({int(y) for y in years})}",
        ],
        unit="pp",
        floors=floor_pct,
    )
    return FloorComparison(name="sector digital shares against floors", frame=frame, meta=meta)
