r"""Why a scenario's digital share moves: the sectors' own digital shares, or their weights.

The whole-economy share is the GRDP-weighted sum of the sectors' digital shares,
:math:`D_t = \sum_s w_{st} d_{st}` (:math:`w` fractions of GRDP, :math:`d` per cent of the
sector's value added; a sector without a digital share, product taxes, counts with
:math:`d = 0`). On each path its change from the base year to the last simulated year
splits exactly into the two effects of
`dxecon.models.estimation.decomposition.decompose_share_change` (the symmetric form,
`~dxecon.models.estimation.decomposition.share_change_terms` on the paths' arrays):

.. math::
    D_T - D_0 = \underbrace{\sum_s \Delta w_s\,\tfrac{d_{s0}+d_{sT}}2}_{\text{structure}}
    + \underbrace{\sum_s \tfrac{w_{s0}+w_{sT}}2\,\Delta d_s}_{\text{intensity}}.

A sector with a high digital share that grows slower than the others lowers the total
(structure effect below zero) even while every sector's own share rises (intensity effect
above zero). `share_change` gives both, per sector and in total, as medians over the paths
(the median of a sum is not the sum of the medians: they add up only approximately).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dxecon.models.estimation.decomposition import share_change_terms
from dxecon.models.scenarios.engine import Paths

#: The row of `share_change` for the whole economy.
TOTAL = "total"
#: Columns of `share_change`: per floor sector (and ``total``), its weight in GRDP and its
#: digital share in the base and the last simulated year (medians over the paths; per
#: cent), its assumed mean real growth (% a year; none for the whole economy), and the
#: median of each effect on the whole-economy share (percentage points).
SHARE_CHANGE_COLUMNS = (
    "sector",
    "year_start",
    "year_end",
    "weight_start",
    "weight_end",
    "share_start",
    "share_end",
    "growth_mean",
    "intensity_pp",
    "structure_pp",
)


def share_change(paths: Paths) -> pd.DataFrame:
    """The change of the digital share from the base year to the last simulated year,
    split into its structure and intensity effects (module docstring), per floor sector
    and in total (``sector`` = :data:`TOTAL`)."""
    scenario = paths.scenario
    floor = list(paths.floor_sectors)
    at = [paths.sectors.index(s) for s in floor]
    weight0 = np.array([scenario.sectors[s].weight for s in floor])
    share0 = np.array([scenario.sectors[s].intensity.start for s in floor])
    weight1 = paths.sector_weight[:, -1, at]
    share1 = paths.sector_intensity[:, -1, :]
    terms = share_change_terms(weight0 / 100.0, share0, weight1 / 100.0, share1)
    intensity, structure = terms["intensity_pp"], terms["structure_pp"]
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
            "intensity_pp": np.median(intensity[:, j]),
            "structure_pp": np.median(structure[:, j]),
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
            "intensity_pp": np.median(intensity.sum(axis=1)),
            "structure_pp": np.median(structure.sum(axis=1)),
        }
    )
    return pd.DataFrame(rows, columns=list(SHARE_CHANGE_COLUMNS))
