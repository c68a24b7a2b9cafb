r"""Why a scenario's digital share moves: the sectors' own digital shares, or their weights.

The whole-economy share is the GRDP-weighted sum of the sectors' digital shares,
:math:`D_t = \sum_s w_{st} d_{st} / 100` (:math:`w` per cent of GRDP, :math:`d` per cent of
the sector's value added; a sector without a digital share, product taxes, counts with
:math:`d = 0`). From the base year to year :math:`T` each path's change splits exactly into

.. math::
    D_T - D_0 = \underbrace{\sum_s w_{s0}(d_{sT} - d_{s0})/100}_{\text{diffusion}}
    + \underbrace{\sum_s (w_{sT} - w_{s0})\, d_{sT}/100}_{\text{composition}}:

*diffusion*, what the sectors' own digital shares add at the base year's weights, and
*composition*, what the change of the weights (sector growth) adds at the year's shares. A
sector with a high digital share that grows slower than the others lowers the total even
while every sector's own share rises. `share_change` gives both, per sector and in total, as
medians over the paths (a median of a sum is not the sum of the medians: the columns add up
only approximately).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dxecon.models.scenarios.engine import Paths

#: The row of `share_change` for the whole economy.
TOTAL = "total"
#: Columns of `share_change`: per floor sector (and ``total``), its weight in GRDP and its
#: digital share in the base and the last simulated year (medians over the paths), its
#: assumed mean real growth (% a year; the whole economy: none), and the median of each
#: part of the change of the whole-economy share (percentage points).
SHARE_CHANGE_COLUMNS = (
    "sector",
    "year_start",
    "year_end",
    "weight_start",
    "weight_end",
    "share_start",
    "share_end",
    "growth_mean",
    "diffusion_pp",
    "composition_pp",
)


def share_change(paths: Paths) -> pd.DataFrame:
    """The change of the digital share from the base year to the last simulated year,
    split into diffusion and composition (module docstring), per floor sector and in
    total (``sector`` = :data:`TOTAL`)."""
    scenario = paths.scenario
    floor = list(paths.floor_sectors)
    at = [paths.sectors.index(s) for s in floor]
    weight0 = np.array([scenario.sectors[s].weight for s in floor])
    share0 = np.array([scenario.sectors[s].intensity.start for s in floor])
    weight1 = paths.sector_weight[:, -1, at]
    share1 = paths.sector_intensity[:, -1, :]
    diffusion = weight0 * (share1 - share0) / 100.0
    composition = (weight1 - weight0) * share1 / 100.0
    years = {"year_start": scenario.base_year, "year_end": int(paths.years[-1])}
    rows = [
        {
            "sector": sector,
            **years,
            "weight_start": weight0[j],
            "weight_end": np.median(weight1[:, j]),
            "share_start": share0[j],
            "share_end": np.median(share1[:, j]),
            "growth_mean": scenario.sectors[sector].growth.mean,
            "diffusion_pp": np.median(diffusion[:, j]),
            "composition_pp": np.median(composition[:, j]),
        }
        for j, sector in enumerate(floor)
    ]
    rows.append(
        {
            "sector": TOTAL,
            **years,
            "weight_start": 100.0,
            "weight_end": 100.0,
            "share_start": paths.base["de_share"],
            "share_end": np.median(paths.de_share[:, -1]),
            "growth_mean": np.nan,
            "diffusion_pp": np.median(diffusion.sum(axis=1)),
            "composition_pp": np.median(composition.sum(axis=1)),
        }
    )
    return pd.DataFrame(rows, columns=list(SHARE_CHANGE_COLUMNS))
