"""The scorecard: the one place where a target's status is decided.

Every quantified target of ``data/targets.csv`` set for the city (``params/targets.yaml``
says which geographies and instruments; the nation's targets, `dxecon.core.places.nation`,
are shown as context) becomes
one row per **goal**: a goal set by several instruments (the same indicator, geography,
sector and year; or linked by the ``same_goal_as`` column) is one row that names the other
instruments, and where a later instrument changed the level both levels are scored.

How a goal is scored, in order:

1. **Published**: a figure for the target year on the target's own boundary exists by the
   as-of date: *met* or *missed*, with the figure, its period and its source.
2. **Other boundary**: the only figure for the target year covers another boundary (the
   merged city for a target set for the city before 1 July 2025): *not comparable*,
   showing both figures.
3. **Forecast**: the target year lies in the scenario's simulated years and the scenario
   models the indicator on the target's boundary: the probability of meeting it, the
   median and the 80% interval; *on track* / *at risk* / *off track* by the thresholds in
   ``params/targets.yaml``.
4. **Latest figure**: otherwise the latest published figure of the target's own measure
   (with a linear trend to the target year where enough years exist): *latest meets* /
   *latest short* (target year passed, no figure yet), *on trend* / *off trend*.
5. **Indicative**: no figure of the target's measure, but a close measure (proxy): its
   latest value and how it differs; never scored as met or missed.
6. **No data**: nothing in ``data/``; the row names the figure that would be needed.

A forecast share target (``share_indicators`` of ``params/measures.yaml``) is also read
two more ways, in columns of its own (the status stays the forecast measure's):

- **on the other measure** (MIC's): each path's share times a ratio of the two measures
  drawn from the ratio model (`dxecon.models.measures`): ``probability_mic``, ``median_mic``,
  ``low_mic``, ``high_mic``; ``reading_mic`` is ``converted`` or why not (``no pairs``,
  ``no city pair``);
- **on the boundary the target was set for**, where the forecast covers another (the old
  city inside the merged one): ``reading_old_boundary`` says why it is not comparable
  (``other part not on the measure``: a part of the merged city has no figure on the
  forecast's measure, so the old city's share cannot be separated from the merged city's
  without mixing measures; ``old boundary not modelled``) and ``old_boundary_evidence``
  lists the other parts' latest figures. ``probability_old_boundary`` stays empty until
  such a model exists.
"""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dxecon.core.errors import ParamsError, SeriesSelectionError
from dxecon.core.places import nation
from dxecon.data import Dataset
from dxecon.data.targets import TargetRegistry
from dxecon.models.measures import (
    ConversionError,
    MeasureConfig,
    city_ratio,
    ratio_rng,
    read_on_other_measure,
)
from dxecon.models.rates import compound_growth
from dxecon.models.scenarios.engine import Paths
from dxecon.models.scoring import ScoringConfig

COMPARE = {">=": operator.ge, "<=": operator.le}

#: Percentiles of the paths that bound a forecast goal's interval (low, high): 80%.
INTERVAL = (10, 90)

#: Columns of a table of figures behind a goal (published or estimated).
FIGURE_COLUMNS = ["year", "value", "geo", "method", "source", "rank"]

#: Indicators the scenario engine simulates, by the name of the quantity in `Paths`.
MODELLED = {
    "de_share": "de_share",
    "de_sector_share_min": "de_sector_share_min",
    "grdp_growth_real": "grdp_growth_real",
    "lp_growth": "lp_growth_real",
}

#: Status words (the report translates them).
MET, MISSED, NOT_COMPARABLE = "met", "missed", "not comparable"
LATEST_MEETS, LATEST_SHORT = "latest meets", "latest short"
ON_TREND, OFF_TREND = "on trend", "off trend"
INDICATIVE, NO_DATA = "indicative", "no data"
#: Readings of a share target besides the forecast measure's (the report translates them).
CONVERTED = "converted"
OLD_OFF_MEASURE, OLD_NOT_MODELLED = "other part not on the measure", "old boundary not modelled"

SCORECARD_COLUMNS = [
    "goal_id",
    "target_id",
    "instrument",
    "also_set_by",
    "scope",
    "pillar",
    "indicator",
    "text",
    "geo",
    "sector",
    "year",
    "comparator",
    "target_value",
    "target_high",
    "unit",
    "earlier_levels",
    "latest_value",
    "latest_period",
    "latest_geo",
    "latest_method",
    "latest_source",
    "other_boundary",
    "trend_value",
    "median",
    "low",
    "high",
    "probability",
    "reading",
    "other_readings",
    "probability_mic",
    "median_mic",
    "low_mic",
    "high_mic",
    "reading_mic",
    "probability_old_boundary",
    "reading_old_boundary",
    "old_boundary_evidence",
    "scored_on",
    "status",
    "note_codes",
]

#: The codes of the scorecard's notes (``note_codes``: a JSON list of ``{"code": ..., <the
#: facts it states>}``); `dxecon.present.notes` words each from the catalogue's
#: ``note.<code>``.
NOTE_CODES = (
    "inherited_target",
    "no_target_year",
    "published_figure",
    "published_estimate",
    "other_boundary_year",
    "unreachable",
    "unreachable_prior",
    "nowcast_pinned",
    "other_measure",
    "not_converted_no_pairs",
    "not_converted_no_city_pair",
    "old_boundary",
    "simulates_other",
    "outside_years",
    "no_year_figure",
    "linear_trend",
    "too_few_for_trend",
    "only_other_boundary",
    "indicative",
    "needed",
    "about_level",
    "range_lower",
    "no_employment",
)


def note(code: str, **facts) -> dict:
    """One note of a goal: its code (`NOTE_CODES`) and the facts it states, as JSON values."""
    if code not in NOTE_CODES:
        raise ValueError(f"unknown scorecard note {code!r}; known: {', '.join(NOTE_CODES)}")

    def plain(value):
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return float(value)
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return {"code": code, **{key: plain(value) for key, value in facts.items()}}


def note_codes(cell) -> list[dict]:
    """The notes of a scorecard row's ``note_codes`` cell (a JSON list; empty: none)."""
    from dxecon.core.facts import facts_of

    return facts_of(cell)


@dataclass(frozen=True)
class Scorecard:
    """The scorecard of one scenario: one row per goal."""

    scenario: str
    as_of: str
    frame: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def city(self) -> pd.DataFrame:
        """The city's goals (national ones are context)."""
        return self.frame[self.frame["scope"] == "city"].copy()

    def summary(self) -> str:
        cols = ["goal_id", "indicator", "year", "comparator", "target_value", "latest_value"]
        cols += ["latest_period", "median", "low", "high", "probability", "status"]
        counts = self.city()["status"].value_counts().to_dict()
        head = f"Scorecard: scenario {self.scenario}, as of {self.as_of}; city goals {counts}"
        return head + "\n" + self.frame[cols].to_string(index=False, na_rep="-")


# -- goals -----------------------------------------------------------------------------------
def goals(targets: pd.DataFrame) -> pd.DataFrame:
    """Assign each target row its goal (``goal_id``: the first target id of the goal).

    Rows share a goal when they set the same indicator, geography, sector, unit and year, or
    when ``same_goal_as`` links them; a ``>=`` and a ``<=`` row of one instrument form a
    range.
    """
    frame = targets.copy()
    key = frame[["indicator", "geo", "sector", "unit"]].astype(str).agg("|".join, axis=1)
    key = key + "|" + frame["year"].astype("string").fillna(frame["target_id"])
    first = frame.groupby(key)["target_id"].transform("min")
    linked = frame.get("same_goal_as", pd.Series("", index=frame.index)).fillna("")
    goal = first.copy()
    by_id = dict(zip(frame["target_id"], first, strict=True))
    for index, other in linked.items():
        if other and other in by_id:
            root = by_id[other]
            goal[first == first[index]] = root
    frame["goal_id"] = goal
    return frame


def _levels(rows: pd.DataFrame) -> list[dict]:
    """One level per instrument, oldest first: value (lower bound), high, comparator."""
    levels = []
    for instrument, group in rows.groupby("instrument", sort=False):
        comparators = set(group["comparator"])
        low = group[group["comparator"].isin([">=", "=="])]["value"]
        high = group[group["comparator"] == "<="]["value"]
        if comparators == {"<="}:  # a ceiling, e.g. a rank: lower is better
            comparator, value, top = "<=", float(high.min()), np.nan
        else:
            comparator = ">="
            value = float(low.max()) if not low.empty else float(high.min())
            top = float(high.max()) if not high.empty and not low.empty else np.nan
        levels.append(
            {
                "instrument": instrument,
                "target_id": group["target_id"].iloc[0],
                "adopted": group["adopted_year"].iloc[0],
                "named": bool(group["instrument_named"].iloc[0]),
                "comparator": comparator,
                "value": value,
                "high": top,
                "about": "==" in comparators,
            }
        )
    # Oldest first; an instrument that is not named, or whose adoption year is unknown,
    # counts as older than a dated one (the last level is the one in force).
    return sorted(
        levels,
        key=lambda lv: (
            lv["named"],
            not pd.isna(lv["adopted"]),
            0 if pd.isna(lv["adopted"]) else lv["adopted"],
            lv["target_id"],
        ),
    )


# -- observations ----------------------------------------------------------------------------
def observed_figures(
    dataset: Dataset,
    indicator: str,
    geo: str,
    sector: str,
    as_of: str,
    config: ScoringConfig,
    unit: str | None = None,
) -> pd.DataFrame:
    """Published annual figures of a quantity on one boundary, as of a date, one row per
    year: in ``unit`` (any unit when None), of the preferred measure
    (``method_preference``) where several exist. Remembered on the dataset (every scenario
    of a run scores the same published figures)."""
    codes = tuple(config.observed_as.get(indicator, (indicator,)))
    preference = tuple(config.method_preference)
    key = ("observed_figures", codes, geo, sector, as_of, unit, preference)
    return dataset.remembered(
        key, lambda: _observed_figures(dataset, codes, geo, sector, as_of, config, unit)
    )


def _observed_figures(
    dataset: Dataset,
    codes: tuple[str, ...],
    geo: str,
    sector: str,
    as_of: str,
    config: ScoringConfig,
    unit: str | None,
) -> pd.DataFrame:
    obs = dataset.observations
    rows = []
    for code in codes:
        match = obs[
            (obs["indicator"] == code)
            & (obs["geo"] == geo)
            & (obs["sector"] == sector)
            & (obs["period_kind"] == "year")
        ]
        if unit is not None:
            match = match[match["unit"] == unit]
        measures = match[["method", "price_basis", "unit"]].drop_duplicates()
        for measure in measures.itertuples(index=False):
            try:
                result = dataset.series(
                    code,
                    geo,
                    sector=sector,
                    method=measure.method,
                    price_basis=measure.price_basis,
                    unit=measure.unit,
                    as_of=as_of,
                )
            except SeriesSelectionError:
                continue
            for fig in result.figures().itertuples():
                rows.append(
                    {
                        "year": fig.year,
                        "value": float(fig.value),
                        "geo": geo,
                        "method": measure.method,
                        "source": fig.reference,
                        "rank": _method_rank(measure.method, config),
                    }
                )
    if not rows:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    frame = pd.DataFrame(rows).sort_values(["year", "rank"])
    return frame.drop_duplicates("year", keep="first").reset_index(drop=True)


def _structural_sector_minimum(dataset: Dataset, geo: str, as_of: str) -> pd.DataFrame:
    """The least digital sector's share (% of its value added) by the structural estimate
    (`dxecon.models.estimation.from_data.city_digital_estimate`), for every year with a
    published city structure and national GSO sector intensities."""
    from dxecon.core.places import place_of, place_params
    from dxecon.models.estimation.from_data import city_digital_estimate

    adjust = place_params("digital", place_of(geo)).get("adjust_sector")
    rows = []
    obs = dataset.observations
    years = obs[
        (obs["indicator"] == "sector_share_grdp")
        & (obs["geo"] == geo)
        & (obs["period_kind"] == "year")
    ]["year"].unique()
    for year in sorted(int(y) for y in years):
        try:
            estimate = city_digital_estimate(
                dataset,
                structure_geo=geo,
                structure_year=year,
                intensity_year=year,
                adjust_sector=adjust,
                calibrate_geo=geo,
                as_of=as_of,
            )
        except (SeriesSelectionError, ValueError):
            continue
        rows.append(
            {
                "year": year,
                "value": float(estimate.intensities.min()),
                "geo": geo,
                "method": "",  # an estimate: its source says how it is made
                "source": estimate_source(
                    "structural_sector_minimum", lowest=estimate.intensities.idxmin()
                ),
                "rank": 0,
            }
        )
    return pd.DataFrame(rows)


def _productivity_growth(dataset: Dataset, geo: str, as_of: str) -> pd.DataFrame:
    """Real labour-productivity growth, compound average from the base year of
    ``params/productivity.yaml`` (with the profile of ``geo``'s place laid over it) to each
    published year, under its employment assumption computed from the published employment
    (`dxecon.models.employment`, notebook 3)."""
    from dxecon.core.places import place_of, place_params
    from dxecon.models.employment import ProductivityParams, productivity_from_params

    file = f"params/productivity.yaml with params/places/{place_of(geo)}.yaml"
    try:
        params = ProductivityParams.from_mapping(
            place_params("productivity", place_of(geo)), file=file
        )
        params = replace(params, geo=geo)
        result = productivity_from_params(dataset, params, milestones={}, as_of=as_of)
    except (SeriesSelectionError, ParamsError, ValueError, KeyError):
        return pd.DataFrame()
    base_year = params.base_year
    real = result["real_growth"].frame.set_index("year")["lp_growth_real_pct"].dropna()
    real = real[real.index > base_year]
    rows = []
    for year in real.index:
        span = real[real.index <= year]
        if len(span) != year - base_year:  # a gap: no compound average
            continue
        rows.append(
            {
                "year": int(year),
                "value": float(compound_growth(span.to_numpy())),
                "geo": geo,
                "method": "",  # an estimate: its source says how it is made
                "source": estimate_source("productivity_growth", first=base_year + 1, last=year),
                "rank": 0,
            }
        )
    return pd.DataFrame(rows)


def estimate_source(estimator: str, **facts) -> str:
    """The source of a figure dxecon estimates (`ESTIMATORS`): its estimator and the facts
    that say how it was made, as a JSON object (``{"estimator": ..., <facts>}``), which
    `dxecon.present.notes` words from the catalogue's ``figure.estimate.<estimator>``."""
    return json.dumps({"estimator": estimator, **facts}, ensure_ascii=False)


def figure_source(cell) -> str | dict:
    """A figure's source as recorded in the scorecard (``latest_source``, an
    ``other_boundary`` figure's ``source``): a published figure's ``"<obs id> (<source
    id>)"`` as it is, an estimate's facts (`estimate_source`) as a dict."""
    if isinstance(cell, dict):
        return cell
    if isinstance(cell, str) and cell.startswith("{"):
        return json.loads(cell)
    return "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell)


#: Estimators that give a figure of a target's own quantity where none is published.
ESTIMATORS = {
    "structural_sector_minimum": _structural_sector_minimum,
    "productivity_growth": _productivity_growth,
}


def latest_figure_any_period(
    dataset: Dataset, indicator: str, geo: str, sector: str, as_of: str
) -> dict | None:
    """The latest figure of a quantity published by ``as_of``, whatever its period (year,
    half, months...): for close measures, which are often reported mid-year."""
    obs = dataset.observations
    rows = obs[(obs["indicator"] == indicator) & (obs["geo"] == geo) & (obs["sector"] == sector)]
    best = None
    for kind in rows["period_kind"].unique():
        if kind == "multi_year":
            continue
        try:
            cands = dataset.candidates(indicator, geo, sector=sector, period_kind=kind, as_of=as_of)
        except SeriesSelectionError:
            continue
        chosen = cands[cands["chosen"]]
        if chosen.empty:
            continue
        last = chosen.sort_values("period_end").iloc[-1]
        if best is None or last["period_end"] > best["period_end"]:
            best = last
    if best is None:
        return None
    return {
        "value": float(best["value"]),
        "period": str(best["period"]),
        "geo": geo,
        "method": best["method"],
        "source": f"{best['obs_id']} ({best['source_id']})",
        "period_end": best["period_end"],
    }


def _method_rank(method: str, config: ScoringConfig) -> int:
    order = list(config.method_preference)
    return order.index(method) if method in order else len(order)


def _boundary_year(dataset: Dataset, geo: str) -> int | None:
    """The last year of a geography's boundary (None when it has no end)."""
    table = dataset.codes["geographies"].set_index("code")
    end = table.at[geo, "valid_to"] if geo in table.index else ""
    return int(str(end)[:4]) if end else None


def _successor(dataset: Dataset, geo: str) -> str | None:
    table = dataset.codes["geographies"].set_index("code")
    successor = table.at[geo, "successor"] if geo in table.index else ""
    return successor or None


def _comparable_geo(dataset: Dataset, geo: str, year: int, config: ScoringConfig) -> str:
    """The boundary whose figures speak to a target for ``geo`` in ``year``."""
    end = _boundary_year(dataset, geo)
    successor = _successor(dataset, geo)
    if config.successor_inherits_later_targets and successor and end is not None and year > end:
        return successor
    return geo


def _meets(value: float, level: dict) -> bool:
    return bool(COMPARE[level["comparator"]](value, level["value"]))


def _figure_cell(row, geo: str) -> str:
    """A figure on another boundary, as the scorecard records it (``other_boundary``): a
    JSON object of its value, boundary, year, method code and source (`figure_source`)."""
    figure = {
        "value": float(row["value"]),
        "geo": geo,
        "year": int(row["year"]),
        "method": row["method"] or "",
        "source": figure_source(row["source"]),
    }
    return json.dumps(figure, ensure_ascii=False)


def figure_cell(cell) -> dict | None:
    """The figure of an ``other_boundary`` cell (`_figure_cell`); None when empty."""
    if not isinstance(cell, str) or not cell.strip():
        return None
    return json.loads(cell)


def _trend(points: pd.DataFrame, year: int) -> float:
    """Linear trend of the published figures, read at ``year`` (ordinary least squares)."""
    slope, intercept = np.polyfit(points["year"].to_numpy(float), points["value"], 1)
    return float(intercept + slope * year)


# -- scoring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PathScore:
    """A goal scored on simulated paths: the share of paths that meet it, and the median and
    the 80% interval (`INTERVAL`) of the quantity it is read on."""

    probability: float
    median: float
    low: float
    high: float


def path_values(paths: Paths, indicator: str, year: int, *, basis: str = "real") -> np.ndarray:
    r"""One value per path of a modelled indicator (`MODELLED`) in a target year: the
    simulated quantity in ``year``, or for productivity growth the compound average of
    ``basis`` ('real' or 'nominal') growth over the simulated years up to ``year``,
    :math:`\left(\prod_t (1 + g_t/100)\right)^{1/n} - 1`.

    Raises
    ------
    ValueError
        When ``year`` is not a simulated year.
    """
    years = paths.years
    if year not in set(int(y) for y in years):
        raise ValueError(f"{year} is outside the simulated years {int(years[0])}-{int(years[-1])}")
    if indicator == "lp_growth":
        return compound_growth(paths.quantity(f"lp_growth_{basis}")[:, _span(paths, year)])
    return paths.quantity(MODELLED[indicator])[:, int(np.flatnonzero(years == year)[0])]


def score_paths(values: np.ndarray, comparator: str, target: float) -> PathScore:
    """THE scorer of a goal on paths (the scorecard's forecasts and every sweep variant):
    the share of ``values`` (one per path) that meet ``comparator target``, their median and
    their `INTERVAL` percentiles."""
    met = COMPARE[comparator](values, target)
    low, median, high = np.percentile(values, [INTERVAL[0], 50, INTERVAL[1]])
    return PathScore(float(np.mean(met)), float(median), float(low), float(high))


def _span(paths: Paths, year: int) -> np.ndarray:
    """The simulated years from the first after the base year up to ``year``."""
    return (paths.years > paths.scenario.base_year) & (paths.years <= year)


def _forecast(paths: Paths, indicator: str, year: int, level: dict, config: ScoringConfig):
    """Probability, median and 80% interval of a simulated quantity at a target year; for
    productivity growth the compound-average real reading, other readings listed."""
    readings = {}  # (basis, reading) -> one value per path
    first = year
    if indicator == "lp_growth":
        first = int(paths.years[_span(paths, year)][0])
        for basis in ("real", "nominal"):
            readings[basis, "compound_average"] = path_values(paths, indicator, year, basis=basis)
            rates = paths.quantity(f"lp_growth_{basis}")[:, _span(paths, year)]
            readings[basis, "every_year"] = rates.min(axis=1)  # the weakest year
    else:
        readings["", "value"] = path_values(paths, indicator, year)
    scored = {
        key: score_paths(values, level["comparator"], level["value"])
        for key, values in readings.items()
    }
    main = next(iter(scored))
    score = scored[main]
    # The other readings of the goal, recorded as facts (`dxecon.present.notes` words them).
    others = [
        {
            "basis": basis,
            "reading": name,
            "first": first,
            "last": year,
            "probability": s.probability,
            "median": s.median,
        }
        for (basis, name), s in list(scored.items())[1:]
    ]
    reading = f"{main[0]}, {main[1].replace('_', ' ')} {first}-{year}" if others else ""
    quantity = readings[main]
    unreachable = None
    if score.probability == 0.0:
        best = float(np.max(quantity) if level["comparator"] == ">=" else np.min(quantity))
        unreachable = (
            note("unreachable_prior", paths=len(quantity), best=best, **paths.diffusion_range)
            if paths.diffusion_range
            else note("unreachable", paths=len(quantity), best=best)
        )
    return {
        "unreachable": unreachable,
        "median": score.median,
        "low": score.low,
        "high": score.high,
        "probability": score.probability,
        "other_readings": json.dumps(others, ensure_ascii=False) if others else "",
        "status": config.status_from_probability(score.probability),
        "scored_on": "forecast",
        "reading": reading,
    }


def _other_measure_reading(
    paths: Paths,
    indicator: str,
    year: int,
    level: dict,
    *,
    dataset: Dataset,
    as_of: str,
    config: ScoringConfig,
    measures: MeasureConfig,
    cache: dict,
) -> dict:
    """The forecast share read on the other measure (module docstring)."""
    key = ("ratio", indicator)
    if key not in cache:
        try:
            cache[key] = city_ratio(
                dataset,
                indicator,
                as_of=as_of,
                city_geos=config.city_geographies,
                config=measures,
            )
        except ConversionError as why:
            cache[key] = why
    fit = cache[key]
    if isinstance(fit, ConversionError):
        code = "not_converted_" + fit.code.replace(" ", "_")
        return {"reading_mic": fit.code}, note(code, measure=measures.other_measure, **fit.values)
    shares = paths.quantity(MODELLED[indicator])[:, int(np.flatnonzero(paths.years == year)[0])]
    ratios = fit.draw(year, len(shares), ratio_rng(paths.scenario.seed))
    read = read_on_other_measure(shares, ratios, level["comparator"], level["value"], INTERVAL)
    low, median, high = fit.ratio_quantiles(year, [INTERVAL[0] / 100, 0.5, INTERVAL[1] / 100])
    reading = note(
        "other_measure",
        other=measures.other_measure,
        forecast=measures.forecast_measure,
        year=year,
        median=median,
        low=low,
        high=high,
        form=fit.form,
    )
    return {
        "probability_mic": read["probability"],
        "median_mic": read["median"],
        "low_mic": read["low"],
        "high_mic": read["high"],
        "reading_mic": CONVERTED,
    }, reading


def _old_boundary_reading(
    indicator: str,
    geo: str,
    forecast_geo: str,
    *,
    dataset: Dataset,
    as_of: str,
    config: ScoringConfig,
    measures: MeasureConfig,
) -> tuple[dict, dict | None]:
    """The forecast read on the boundary the target was set for, where that differs from
    the forecast's (module docstring): not comparable, with the other parts' figures."""
    if geo == forecast_geo:
        return {}, None
    table = dataset.codes["geographies"]
    parts = [g for g in table.loc[table["successor"] == forecast_geo, "code"] if g != geo]
    evidence, shown, off_measure = [], [], False
    for part in parts:
        found = observed_figures(dataset, indicator, part, "total", as_of, config)
        off_measure |= not (found["method"] == measures.forecast_measure).any()
        if found.empty:
            evidence.append(f"{part}: none")
            shown.append({"part": part})
            continue
        latest = found.iloc[-1]
        evidence.append(f"{part}: {latest['source'].split()[0]}")  # its obs_id
        shown.append(
            {
                "part": part,
                "value": float(latest["value"]),
                "year": int(latest["year"]),
                "method": latest["method"] or "other",
                "source": latest["source"],
            }
        )
    reading = OLD_OFF_MEASURE if off_measure else OLD_NOT_MODELLED
    return {
        "probability_old_boundary": np.nan,
        "reading_old_boundary": reading,
        "old_boundary_evidence": "; ".join(evidence),
    }, note("old_boundary", geo=geo, reading=reading, parts=shown)


def _score_level(
    level: dict,
    *,
    indicator: str,
    geo: str,
    sector: str,
    unit: str,
    year: int | None,
    dataset: Dataset,
    paths: Paths | None,
    config: ScoringConfig,
    as_of: str,
    cache: dict,
    measures: MeasureConfig | None = None,
) -> dict:
    """The status of one level of one goal (see the module docstring for the order)."""

    def figures(boundary: str) -> pd.DataFrame:
        key = (indicator, boundary, sector, unit)
        if key not in cache:
            found = observed_figures(dataset, indicator, boundary, sector, as_of, config, unit=unit)
            estimator = config.estimated.get(indicator)
            if found.empty and estimator and sector == "total":
                found = ESTIMATORS[estimator](dataset, boundary, as_of)
                found = found.reindex(columns=FIGURE_COLUMNS).assign(estimator=estimator)
            cache[key] = found
        return cache[key]

    notes = []
    target_geo = geo if year is None else _comparable_geo(dataset, geo, year, config)
    if target_geo != geo:
        notes.append(note("inherited_target", old=geo, new=target_geo))
    own = figures(target_geo)
    out: dict = {}
    if not own.empty:
        latest = own.iloc[-1]
        out.update(
            latest_value=latest["value"],
            latest_period=str(int(latest["year"])),
            latest_geo=latest["geo"],
            latest_method=latest["method"],
            latest_source=latest["source"],
        )
    if year is None:
        return {**out, "status": NO_DATA, "notes": [note("no_target_year")]}
    # 1. Published on the target's own boundary.
    if year in set(own["year"]):
        row = own[own["year"] == year].iloc[0]
        out.update(
            latest_value=row["value"],
            latest_period=str(year),
            latest_geo=row["geo"],
            latest_method=row["method"],
            latest_source=row["source"],
        )
        status = MET if _meets(row["value"], level) else MISSED
        estimator = row.get("estimator")
        notes.append(
            note("published_estimate", year=year, estimator=estimator)
            if isinstance(estimator, str)
            else note("published_figure", year=year, source=row["source"])
        )
        return {**out, "status": status, "scored_on": "published", "notes": notes}
    # 2. Published only on another boundary.
    others = [g for g in dataset.related_geographies(target_geo) if g != target_geo]
    for other in others:
        theirs = figures(other)
        if year in set(theirs["year"]):
            row = theirs[theirs["year"] == year].iloc[0]
            out["other_boundary"] = _figure_cell(row, other)
            notes.append(note("other_boundary_year", year=year, other=other, target=target_geo))
            return {
                **out,
                "status": NOT_COMPARABLE,
                "scored_on": "published, other boundary",
                "notes": notes,
            }
    # 3. Forecast by the scenario.
    if (
        paths is not None
        and indicator in MODELLED
        and sector == "total"
        and year in set(int(y) for y in paths.years)
    ):
        if target_geo == paths.scenario.geo and paths.unavailable.get(MODELLED[indicator]):
            # not simulated (no employment figure for the place): no invented number
            notes.append(note("no_employment", geo=paths.scenario.geo))
            return {**out, "status": NO_DATA, "notes": notes}
        if target_geo == paths.scenario.geo:
            forecast = _forecast(paths, indicator, year, level, config)
            unreachable = forecast.pop("unreachable")
            if unreachable:
                notes.append(unreachable)
            if indicator == "grdp_growth_real" and year in paths.pinned:
                notes.append(note("nowcast_pinned", year=year, **paths.pinned[year]))
            if measures is not None and indicator in measures.share_indicators:
                other, reading = _other_measure_reading(
                    paths,
                    indicator,
                    year,
                    level,
                    dataset=dataset,
                    as_of=as_of,
                    config=config,
                    measures=measures,
                    cache=cache,
                )
                notes.append(reading)
                boundary, reading = _old_boundary_reading(
                    indicator,
                    geo,
                    target_geo,
                    dataset=dataset,
                    as_of=as_of,
                    config=config,
                    measures=measures,
                )
                if reading is not None:
                    notes.append(reading)
                forecast.update(other | boundary)
            return {**out, **forecast, "notes": notes}
        notes.append(note("simulates_other", simulated=paths.scenario.geo, target=target_geo))
    elif paths is not None and indicator in MODELLED and sector == "total":
        years = paths.years
        notes.append(note("outside_years", year=year, first=int(years[0]), last=int(years[-1])))
    # 4. The latest published figure of the target's own measure (and its trend).
    if not own.empty:
        past = year <= int(as_of[:4]) - 1 or year < int(own["year"].max())
        if past:
            status = LATEST_MEETS if _meets(out["latest_value"], level) else LATEST_SHORT
            notes.append(note("no_year_figure", year=year, as_of=as_of))
            return {**out, "status": status, "scored_on": "latest figure", "notes": notes}
        if len(own) >= config.trend_min_points:
            value = _trend(own, year)
            status = ON_TREND if _meets(value, level) else OFF_TREND
            notes.append(
                note(
                    "linear_trend",
                    n=len(own),
                    first=int(own["year"].min()),
                    last=int(own["year"].max()),
                    year=year,
                )
            )
            return {
                **out,
                "trend_value": value,
                "status": status,
                "scored_on": "trend",
                "notes": notes,
            }
        status = LATEST_MEETS if _meets(out["latest_value"], level) else LATEST_SHORT
        notes.append(note("too_few_for_trend", n=len(own), needed=config.trend_min_points))
        return {**out, "status": status, "scored_on": "latest figure", "notes": notes}
    # 4b. Figures of the goal's own measure exist only on another boundary.
    for other in others:
        theirs = figures(other)
        if not theirs.empty:
            latest = theirs.iloc[-1]
            out["other_boundary"] = _figure_cell(latest, other)
            notes.append(note("only_other_boundary", other=other, target=target_geo))
            return {
                **out,
                "status": NOT_COMPARABLE,
                "scored_on": "other boundary",
                "notes": notes,
            }
    # 5. A close measure.
    for proxy in config.proxies.get(indicator, ()):
        for boundary in (target_geo, *others):
            close = latest_figure_any_period(dataset, proxy.indicator, boundary, sector, as_of)
            if close is not None:
                notes.append(note("indicative", indicator=indicator, proxy=proxy.indicator))
                return {
                    **out,
                    "latest_value": close["value"],
                    "latest_period": close["period"],
                    "latest_geo": close["geo"],
                    "latest_method": close["method"],
                    "latest_source": close["source"],
                    "status": INDICATIVE,
                    "scored_on": "close measure",
                    "notes": notes,
                }
    # 6. Nothing.
    notes.append(note("needed", indicator=indicator, geo=target_geo, sector=sector, year=year))
    return {**out, "status": NO_DATA, "notes": notes}


def score(
    paths: Paths | None,
    registry: TargetRegistry,
    dataset: Dataset,
    *,
    config: ScoringConfig | None = None,
    measures: MeasureConfig | None = None,
    as_of: str | None = None,
    name: str = "",
    cache: dict | None = None,
) -> Scorecard:
    """Score every goal of the scoring set (see module docstring).

    ``paths`` may be None (no scenario): then nothing is forecast and ``as_of`` is needed.
    ``measures`` (default ``params/measures.yaml``) says how share targets are read on the
    other measure. ``cache`` holds the published figures and fits looked up (they depend on
    the data, the as-of date and the configs, never on the paths): pass one dict to every
    call with the same ``dataset``, ``as_of``, ``config`` and ``measures`` to look them up
    once (the explorer scores a new set of paths at every update).
    """
    config = config or ScoringConfig.from_yaml()
    measures = measures or MeasureConfig.from_yaml()
    unknown = sorted(set(config.estimated.values()) - set(ESTIMATORS))
    if unknown:
        raise ParamsError(
            config.source, "estimated", f"unknown estimator {unknown}; known: {sorted(ESTIMATORS)}"
        )
    scenario = paths.scenario if paths is not None else None
    as_of = as_of or scenario.as_of
    name = name or (scenario.name if scenario is not None else "")
    instruments = config.instruments
    if scenario is not None and scenario.instruments:
        instruments = tuple(scenario.instruments)
    targets = registry.select(list(instruments) if instruments else None)
    scope_geos = {*config.city_geographies, nation()}  # the nation's targets as context
    targets = goals(targets[targets["geo"].isin(scope_geos)])
    cache = {} if cache is None else cache
    rows = []
    for goal_id, group in targets.groupby("goal_id", sort=True):
        levels = _levels(group)
        current = levels[-1]
        first = group.iloc[0]
        year = None if pd.isna(first["year"]) else int(first["year"])
        common = {
            "indicator": first["indicator"],
            "geo": first["geo"],
            "sector": first["sector"],
            "unit": first["unit"],
            "year": year,
            "dataset": dataset,
            "paths": paths,
            "config": config,
            "as_of": as_of,
            "cache": cache,
            "measures": measures,
        }
        scored = _score_level(current, **common)
        earlier = []
        for level in levels[:-1]:
            if level["value"] == current["value"]:
                continue
            status = _score_level(level, **common)["status"]
            earlier.append(
                {"value": level["value"], "instrument": level["instrument"], "status": status}
            )
        main = group[group["target_id"] == current["target_id"]].iloc[0]
        also = [lv["instrument"] for lv in levels[:-1]]
        notes = scored.pop("notes", [])
        if current["about"]:
            notes.append(note("about_level"))
        if not pd.isna(current["high"]):
            notes.append(note("range_lower"))
        rows.append(
            {
                "goal_id": goal_id,
                "target_id": current["target_id"],
                "instrument": current["instrument"],
                "also_set_by": ", ".join(also),
                "scope": "city" if first["geo"] in config.city_geographies else "context",
                "pillar": first["pillar"],
                "indicator": first["indicator"],
                "text": main["text"],
                "geo": first["geo"],
                "sector": first["sector"],
                "year": year,
                "comparator": current["comparator"],
                "target_value": current["value"],
                "target_high": current["high"],
                "unit": first["unit"],
                "earlier_levels": json.dumps(earlier, ensure_ascii=False) if earlier else "",
                **scored,
                "note_codes": json.dumps(notes, ensure_ascii=False) if notes else "",
            }
        )
    frame = pd.DataFrame(rows).reindex(columns=SCORECARD_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    text = ["also_set_by", "earlier_levels", "other_boundary", "reading", "other_readings"]
    text += ["reading_mic", "reading_old_boundary", "old_boundary_evidence", "note_codes"]
    text += ["latest_period", "latest_geo", "latest_method", "latest_source", "scored_on"]
    frame[text] = frame[text].astype(object).fillna("")  # a column may hold no text at all
    frame = frame.sort_values(["scope", "year", "goal_id"], ascending=[False, True, True])
    return Scorecard(scenario=name, as_of=as_of, frame=frame.reset_index(drop=True))
