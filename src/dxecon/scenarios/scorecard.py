"""Score a simulated scenario against every target of its instruments.

A target year that has been published by the scenario's as-of date is scored on the
observation (saying which boundary the figure covers); later years on the simulated paths:
the probability of meeting the target, the median and the 80% interval. Targets the model
cannot speak to stay in the table as "no data", never dropped.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dxecon.data import Dataset
from dxecon.errors import SeriesSelectionError
from dxecon.scenarios.engine import Paths, compound_growth
from dxecon.targets import TargetRegistry

#: Probability bands for the status of a forecast target (documented in docs/methods.md).
ON_TRACK, OFF_TRACK = 0.7, 0.3

COMPARE = {">=": operator.ge, "<=": operator.le, "==": np.isclose}

#: Observed series behind each target indicator: (indicator, selection keywords).
OBSERVED = {
    "de_share": ("de_share", {"method": "GSO"}),
    "grdp_growth_real": ("grdp_growth_real", {}),
    "lp_growth": ("lp_growth_real", {}),
}

SCORECARD_COLUMNS = [
    "target_id",
    "instrument",
    "pillar",
    "indicator",
    "variant",
    "geo",
    "year",
    "comparator",
    "target_value",
    "unit",
    "superseded_by",
    "latest_value",
    "latest_year",
    "latest_geo",
    "latest_source",
    "median",
    "low",
    "high",
    "probability",
    "required",
    "status",
    "note",
]


@dataclass(frozen=True)
class Scorecard:
    """The scorecard of one scenario: one row per target (and reading, for growth)."""

    scenario: str
    as_of: str
    frame: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> str:
        cols = ["target_id", "indicator", "variant", "year", "comparator", "target_value"]
        cols += ["latest_value", "median", "low", "high", "probability", "status"]
        counts = self.frame["status"].value_counts().to_dict()
        head = f"Scorecard: scenario {self.scenario}, as of {self.as_of}; {counts}"
        return head + "\n" + self.frame[cols].to_string(index=False, na_rep="-")


def _status_from_probability(p: float) -> str:
    if p >= ON_TRACK:
        return "on track"
    return "at risk" if p >= OFF_TRACK else "off track"


def _observed(dataset: Dataset, indicator: str, geo: str, as_of: str):
    """Latest published value for a target's quantity, following boundary successors.

    Returns (series values, geo per year, source per year) or None without data.
    """
    if indicator not in OBSERVED:
        return None
    code, keywords = OBSERVED[indicator]
    geos = [geo, *[g for g in dataset.related_geographies(geo) if g.endswith("2025")]]
    values, geo_of, source_of = {}, {}, {}
    for candidate in geos:
        try:
            result = dataset.series(code, candidate, as_of=as_of, **keywords)
        except SeriesSelectionError:
            continue
        chosen = result.chosen
        for year, value in result.values.dropna().items():
            values[year] = value
            geo_of[year] = candidate
            source_of[year] = f"{chosen.at[year, 'obs_id']} ({chosen.at[year, 'source_id']})"
    return (values, geo_of, source_of) if values else None


def _forecast_row(target: pd.Series, paths: Paths, quantity: np.ndarray) -> dict:
    compare = COMPARE[target["comparator"]]
    met = compare(quantity, target["value"])
    low, median, high = np.percentile(quantity, [10, 50, 90])
    probability = float(np.mean(met))
    return {
        "median": median,
        "low": low,
        "high": high,
        "probability": probability,
        "status": _status_from_probability(probability),
    }


def _growth_variants(target: pd.Series, paths: Paths) -> list[tuple[str, np.ndarray, str]]:
    """The readings of 'productivity grows at least g% a year' the model can score."""
    year = int(target["year"])
    cols = (paths.years > paths.scenario.base_year) & (paths.years <= year)
    span = f"{int(paths.years[cols][0])}-{year}"
    variants = []
    for basis in ("real", "nominal"):
        rates = paths.quantity(f"lp_growth_{basis}")[:, cols]
        variants.append((f"{basis}, compound average {span}", compound_growth(rates), ""))
        variants.append(
            (
                f"{basis}, every year {span}",
                rates.min(axis=1),
                "value shown is the weakest year's growth on each path",
            )
        )
    return variants


def score(paths: Paths, registry: TargetRegistry, dataset: Dataset) -> Scorecard:
    """Score every target of the scenario's instruments (see module docstring)."""
    scenario = paths.scenario
    targets = registry.select(scenario.instruments)
    simulated = {int(y): i for i, y in enumerate(paths.years)}
    observed_cache: dict[tuple[str, str], tuple | None] = {}
    rows = []
    for _, target in targets.iterrows():
        base = {
            "target_id": target["target_id"],
            "instrument": target["instrument"],
            "pillar": target["pillar"],
            "indicator": target["indicator"],
            "variant": "",
            "geo": target["geo"],
            "year": target["year"],
            "comparator": target["comparator"],
            "target_value": target["value"],
            "unit": target["unit"],
            "superseded_by": target["superseded_by"],
            "required": target["value"],
        }
        notes = []
        key = (target["indicator"], target["geo"])
        if key not in observed_cache:
            observed_cache[key] = _observed(dataset, *key, scenario.as_of)
        observed = observed_cache[key]
        if observed:
            values, geo_of, source_of = observed
            latest = max(values)
            base.update(
                latest_value=values[latest],
                latest_year=latest,
                latest_geo=geo_of[latest],
                latest_source=source_of[latest],
            )
        year = target["year"]
        if pd.isna(year):
            rows.append({**base, "status": "no data", "note": "target year not stated"})
            continue
        year = int(year)
        if observed and year in observed[0]:
            value = observed[0][year]
            met = bool(COMPARE[target["comparator"]](value, target["value"]))
            if observed[1][year] != target["geo"]:
                notes.append(
                    f"{year} figure covers {observed[1][year]} (the merged city), "
                    f"the target was set for {target['geo']}"
                )
            notes.append(f"scored on the published {year} figure ({observed[2][year]})")
            status = "met" if met else "not met"
            rows.append({**base, "status": status, "note": "; ".join(notes)})
            continue
        modelled = target["indicator"] in ("de_share", "de_sector_share_min", "lp_growth")
        modelled |= target["indicator"] == "grdp_growth_real" and target["sector"] == "total"
        if year not in simulated or not modelled:
            why = (
                "not modelled by the scenario engine"
                if not modelled
                else f"{year} is outside the simulated years and not published as of "
                f"{scenario.as_of}"
            )
            rows.append({**base, "status": "no data", "note": why})
            continue
        col = simulated[year]
        if target["indicator"] == "lp_growth":
            for variant, quantity, note in _growth_variants(target, paths):
                scored = _forecast_row(target, paths, quantity)
                rows.append({**base, "variant": variant, **scored, "note": note})
            continue
        quantity = paths.quantity(target["indicator"])[:, col]
        if target["indicator"] == "de_sector_share_min":
            medians = np.median(paths.sector_intensity[:, col, :], axis=0)
            shown = ", ".join(
                f"{s} {m:.1f}" for s, m in zip(paths.floor_sectors, medians, strict=True)
            )
            notes.append(f"minimum over sectors; medians {shown}")
        if target["geo"] != scenario.geo:
            notes.append(f"simulated for {scenario.geo}; target set for {target['geo']}")
        rows.append({**base, **_forecast_row(target, paths, quantity), "note": "; ".join(notes)})
    frame = pd.DataFrame(rows).reindex(columns=SCORECARD_COLUMNS)
    return Scorecard(scenario=scenario.name, as_of=scenario.as_of, frame=frame)
