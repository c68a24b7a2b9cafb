r"""Places side by side on the digital share: the latest figure, the pace, the distance to
each place's own latest share target and the probability of meeting it, one row per place
and measure (GSO's and MIC's measures are never mixed: a pace and a distance are read on one
measure and one boundary).

The pace of a place on one measure is read on the latest boundary with figures on it, from
its first published year :math:`a` to its last :math:`b`:

.. math::

    \text{pace} = \frac{s_b - s_a}{b - a} \quad\text{(percentage points a year)}

and is not computed from one figure. The distance is :math:`T - s_b`, the target :math:`T`
of the place's latest target year (``data/targets.csv`` for the place's instruments and
boundaries; targets name no measure, so the distance is shown on each measure's row).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.data import Dataset
from dxecon.data.places import Place
from dxecon.data.targets import TargetRegistry, effective_targets
from dxecon.models.scenarios.scorecard import goals

#: The panel table's columns.
PANEL_COLUMNS = (
    "place",
    "measure",
    "boundary",
    "year",
    "share",
    "first_year",
    "pace_pp_a_year",
    "target_year",
    "target",
    "distance_pp",
    "goal_id",
    "probability",
    "other_boundaries",
)


def pace(figures: pd.Series) -> float:
    """Change a year (percentage points) from the first to the last figure of ``figures``
    (values indexed by year); NaN for fewer than two figures."""
    figures = figures.dropna().sort_index()
    if len(figures) < 2:
        return float("nan")
    first, last = figures.index[0], figures.index[-1]
    return float((figures.iloc[-1] - figures.iloc[0]) / (last - first))


def latest_target(registry: TargetRegistry, place: Place) -> dict | None:
    """The place's share target of its latest target year (on any of its boundaries, the
    latest instrument winning), with its goal id; None when it sets none."""
    found = []
    for geo in place.boundaries:
        try:
            frame = effective_targets(
                registry, "de_share", instruments=list(place.instruments), geo=geo
            )
        except ValueError:  # no dated share target on this boundary
            continue
        found.append(frame.assign(geo=geo))
    if not found:
        return None
    frame = pd.concat(found).sort_values(["year", "geo"])
    row = frame.iloc[-1]
    ids = goals(registry.select(list(place.instruments)))
    goal = ids.loc[ids["target_id"] == row["target_id"], "goal_id"]
    return {
        "year": int(row["year"]),
        "value": float(row["value"]),
        "geo": row["geo"],
        "goal_id": goal.iloc[0] if len(goal) else row["target_id"],
    }


def _share(dataset: Dataset, geo: str, measure: str, as_of: str) -> pd.Series:
    try:
        result = dataset.series("de_share", geo, method=measure, as_of=as_of)
    except SeriesSelectionError:  # nothing on this measure for this boundary
        return pd.Series(dtype=float)
    return result.values.dropna()


def panel(
    dataset: Dataset,
    places: Sequence[Place],
    *,
    measures: Sequence[str],
    as_of: str,
    probabilities: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One row per place and measure with a published share (`PANEL_COLUMNS`).

    ``probabilities``: place code -> its overall scorecard (``goal_id``, ``probability``:
    the scenarios' weighted probability, `dxecon.models.scenarios.weights`); a place
    without one, or whose target goal it lacks, gets NaN (not computed). The probability
    is the forecast measure's (``measures[0]``, the one the scenarios simulate): NaN on
    the other measure's rows. ``other_boundaries``: the place's other boundaries with
    figures on the same measure (not used in the row: a boundary break).
    """
    registry = TargetRegistry(dataset)
    rows = []
    for place in places:
        target = latest_target(registry, place)
        found = probabilities.get(place.code) if probabilities else None
        for measure in measures:
            shares = {geo: _share(dataset, geo, measure, as_of) for geo in place.boundaries}
            with_figures = [geo for geo, s in shares.items() if len(s)]
            if not with_figures:
                continue
            boundary = with_figures[-1]  # the latest boundary with figures on this measure
            series = shares[boundary]
            probability = float("nan")
            if found is not None and target is not None and measure == measures[0]:
                match = found.loc[found["goal_id"] == target["goal_id"], "probability"]
                probability = float(match.iloc[0]) if len(match) else float("nan")
            rows.append(
                {
                    "place": place.code,
                    "measure": measure,
                    "boundary": boundary,
                    "year": int(series.index[-1]),
                    "share": float(series.iloc[-1]),
                    "first_year": int(series.index[0]),
                    "pace_pp_a_year": pace(series),
                    "target_year": target["year"] if target else pd.NA,
                    "target": target["value"] if target else np.nan,
                    "distance_pp": target["value"] - float(series.iloc[-1]) if target else np.nan,
                    "goal_id": target["goal_id"] if target else "",
                    "probability": probability,
                    "other_boundaries": ", ".join(g for g in with_figures if g != boundary),
                }
            )
    frame = pd.DataFrame(rows, columns=list(PANEL_COLUMNS))
    frame["target_year"] = frame["target_year"].astype("Int64")
    return frame.sort_values(["measure", "place"], key=_measure_order(measures), ignore_index=True)


def _measure_order(measures: Sequence[str]):
    def key(column: pd.Series) -> pd.Series:
        return (
            column.map({m: i for i, m in enumerate(measures)})
            if column.name == "measure"
            else column
        )

    return key
