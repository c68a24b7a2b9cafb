"""The digital economy's contribution to GRDP growth, from published shares and levels.

The contribution of a component to growth is the change in its value added over the
previous year's total. With the digital economy's share of GRDP ``s`` (GSO method, current
prices) and nominal GRDP growth ``g`` it needs no digital-economy level at all:

>>> round(growth_contribution(12.87, 13.17, 12.62), 2)
1.96

Only nominal: the shares are at current prices and no deflator of digital value added is
published. One boundary and one method at a time: a place before a merger and
the merged place are separate series, GSO and MIC shares are never mixed.
"""

from __future__ import annotations

import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.core.places import nation
from dxecon.data import Dataset
from dxecon.models.rates import growth_from_ratio

#: The nominal level of the whole economy: GDP for the nation, GRDP for a province.
LEVEL_INDICATOR = {nation(): "gdp_current"}
#: VND level units, in billion VND.
VND_UNITS = {"bn_vnd": 1.0, "tn_vnd": 1000.0}
#: Columns of `de_contribution`.
COLUMNS = [
    "geo",
    "year",
    "share_previous",
    "share",
    "growth_nominal",
    "contribution_pp",
    "evidence",
    "reason",
]
#: Why a year has no contribution: codes, worded by `dxecon.present` (``reason.<code>``).
NO_PREVIOUS_SHARE = "no_previous_share"
NO_LEVELS = "no_levels"


def growth_contribution(share_previous: float, share: float, growth_nominal: float) -> float:
    r"""Percentage points of nominal growth contributed by a component of GRDP.

    .. math::

        c_t = 100\,\frac{D_t - D_{t-1}}{Y_{t-1}} = s_t\,(1 + g_t) - s_{t-1}

    where :math:`D` is the component's value added, :math:`Y` nominal GRDP,
    :math:`s_t = 100\,D_t / Y_t` its share in per cent and :math:`g_t = Y_t / Y_{t-1} - 1`.

    Parameters
    ----------
    share_previous, share : float
        The component's share of GRDP in years t-1 and t, per cent (same boundary, same
        method, current prices).
    growth_nominal : float
        Nominal GRDP growth in year t, per cent.

    Returns
    -------
    float
        The contribution in percentage points of nominal growth; the contributions of
        all components add up to ``growth_nominal``.
    """
    return share * (1.0 + growth_nominal / 100.0) - share_previous


def _figures(dataset: Dataset, indicator: str, geo: str, **key) -> pd.DataFrame:
    try:
        return dataset.series(indicator, geo, **key).figures().set_index("year")
    except SeriesSelectionError:
        return pd.DataFrame(columns=["value", "reference"])


def nominal_levels(dataset: Dataset, geo: str, *, as_of=None) -> pd.DataFrame:
    """Nominal GRDP (GDP for the nation) by year in billion VND, with its reference; a figure
    published in billion VND is preferred over one in thousand billion."""
    indicator = LEVEL_INDICATOR.get(geo, "grdp_current")
    obs = dataset.observations
    published = set(obs.loc[(obs["indicator"] == indicator) & (obs["geo"] == geo), "unit"])
    parts = [pd.DataFrame(columns=["value", "reference"])]
    for unit, factor in VND_UNITS.items():
        if unit not in published:
            continue
        found = _figures(dataset, indicator, geo, unit=unit, price_basis="current", as_of=as_of)
        found = found[["value", "reference"]].assign(value=found["value"] * factor)
        parts.append(found[~found.index.isin([i for p in parts for i in p.index])])
    return pd.concat(parts).sort_index()


def de_contribution(dataset: Dataset, geos: list[str], *, as_of=None) -> pd.DataFrame:
    """The digital economy's contribution to nominal growth, one row per geo and year with
    a published GSO share; ``contribution_pp`` is empty where it cannot be computed and
    ``reason`` says why (`NO_PREVIOUS_SHARE`, `NO_LEVELS`).

    Parameters
    ----------
    dataset : Dataset
    geos : list of str
        Boundaries, each computed on its own (never spliced across a merger).
    as_of : 'YYYY-MM', optional
        Only figures published by then.
    """
    rows = []
    for geo in geos:
        shares = _figures(dataset, "de_share", geo, method="GSO", unit="pct", as_of=as_of)
        levels = nominal_levels(dataset, geo, as_of=as_of)
        for year, now in shares.iterrows():
            row = dict.fromkeys(COLUMNS)
            row.update(geo=geo, year=int(year), share=float(now["value"]))
            evidence = [now["reference"]]
            if year - 1 not in shares.index:
                row["reason"] = NO_PREVIOUS_SHARE
            elif year - 1 not in levels.index or year not in levels.index:
                row["reason"] = NO_LEVELS
                row["share_previous"] = float(shares.at[year - 1, "value"])
            else:
                row["share_previous"] = float(shares.at[year - 1, "value"])
                row["growth_nominal"] = float(
                    growth_from_ratio(levels.at[year, "value"] / levels.at[year - 1, "value"])
                )
                row["contribution_pp"] = growth_contribution(
                    row["share_previous"], row["share"], row["growth_nominal"]
                )
                evidence += [
                    shares.at[year - 1, "reference"],
                    *levels.loc[[year - 1, year]]["reference"],
                ]
            row["evidence"] = "; ".join(evidence)
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
