r"""How much each source of uncertainty widens a scenario's interval, and what each headline
target would take.

:func:`interval_breakdown` reruns a scenario with every uncertainty source off (every path
at central values: the width is zero), then with each source alone, then with all: the
width of the 80% interval (10th to 90th percentile) of the digital share at the horizon and
of productivity growth (compound average over the simulated years, real and nominal). The
sources (`dxecon.models.scenarios.diffusion.SOURCES`):

* ``start``: the start share drawn around its published figure (the revision error of a
  first release of its measure) and, where the start figure's year is ambiguous, one year
  more of diffusion at the observed pace on half the paths;
* ``parameters``: the national diffusion speed and the ceiling drawn from the calibration;
* ``deviation``: the city's own deviation from the national speed (:math:`\tau`);
* ``noise``: the yearly noise of the digital share's logit;
* ``deflator``: the GRDP deflator's standard deviation;
* ``shocks``: sector growth and employment growth volatility (and the in-year nowcast's
  spread).

Widths of independent sources add roughly in quadrature, :math:`w_{all} \approx
\sqrt{\sum_k w_k^2}`; the table prints that sum beside the full width.

:func:`what_it_takes` turns each headline goal of the scorecard (digital share, the
least digital sector's share, productivity growth) into the pace required from the latest
observation (`dxecon.models.calibration.required_pace`; real and nominal readings through
`dxecon.models.rates`) next to
the city's own record and the best provincial pace (`dxecon.models.calibration.observed_pace`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dxecon.models.calibration import observed_pace, required_pace
from dxecon.models.rates import growth_of_product, growth_of_ratio
from dxecon.models.scenarios.diffusion import SOURCES
from dxecon.models.scenarios.scenario_run import ScenarioRun, simulate_scenario
from dxecon.models.scenarios.scorecard import INTERVAL, path_values

#: Rows of the breakdown besides the single sources (`SOURCES`), in order.
NONE, ALL, QUADRATURE = "none", "all", "quadrature sum"
BREAKDOWN_COLUMNS = ["source", "de_share_width", "lp_growth_real_width", "lp_growth_nominal_width"]


#: The quantities whose interval the breakdown measures: (indicator, basis).
_WIDTHS = {
    "de_share": ("de_share", "real"),
    "lp_growth_real": ("lp_growth", "real"),
    "lp_growth_nominal": ("lp_growth", "nominal"),
}


def _widths(run: ScenarioRun, year: int) -> dict[str, float]:
    """The width of the `INTERVAL` of each quantity in ``year``, read as the scorecard reads
    it (`path_values`)."""
    out = {}
    for name, (indicator, basis) in _WIDTHS.items():
        low, high = np.percentile(path_values(run.paths, indicator, year, basis=basis), INTERVAL)
        out[name] = float(high - low)
    return out


def interval_breakdown(
    scenario,
    *,
    dataset,
    n_paths: int = 1000,
    year: int | None = None,
    as_of: str | None = None,
    calibration=None,
) -> pd.DataFrame:
    """Width of the 80% interval with no source, each source alone, and all sources.

    Parameters
    ----------
    scenario : str or Scenario
        A shipped scenario name (with ``as_of``, the run's date) or a scenario (resolved or
        not).
    dataset : dxecon.data.Dataset
    n_paths : int
        Paths per rerun (the same seed in every rerun: common random numbers).
    year : int, optional
        The year read (default: the scenario's horizon).
    calibration : DiffusionCalibration, optional
        The diffusion's (default: computed once per dataset).

    Returns
    -------
    pandas.DataFrame
        One row per setting (``source``: `NONE`, each of `SOURCES`, `ALL`, then
        `QUADRATURE`), columns ``de_share_width`` (pp), ``lp_growth_real_width`` and
        ``lp_growth_nominal_width`` (%/yr, compound average over the simulated years to
        ``year``); the last row is :math:`\\sqrt{\\sum_k w_k^2}` over the single sources.
        ``attrs['year']`` is the year read.
    """

    def widths(sources) -> dict[str, float]:
        run = simulate_scenario(
            resolved,
            n_paths=n_paths,
            dataset=dataset,
            sources=sources,
            calibration=calibration,
        )
        return _widths(run, year)

    base = simulate_scenario(
        scenario, as_of=as_of, n_paths=n_paths, dataset=dataset, sources=(), calibration=calibration
    )
    resolved = base.scenario
    year = int(year or resolved.horizon)
    rows = [{"source": NONE, **_widths(base, year)}]
    rows += [{"source": source, **widths((source,))} for source in SOURCES]
    rows.append({"source": ALL, **widths(SOURCES)})
    frame = pd.DataFrame(rows)
    single = frame[frame["source"].isin(SOURCES)]
    # min_count: a quantity not simulated (no employment) has no width, not a zero one
    quad = {
        c: float(np.sqrt((single[c] ** 2).sum(min_count=1))) for c in frame.columns if c != "source"
    }
    frame = pd.concat([frame, pd.DataFrame([{"source": QUADRATURE, **quad}])])
    frame = frame.rename(columns={name: f"{name}_width" for name in _WIDTHS})
    frame = frame.reset_index(drop=True)[BREAKDOWN_COLUMNS]
    frame.attrs["year"] = year
    return frame


# -- what it takes ---------------------------------------------------------------------------
WHAT_IT_TAKES_COLUMNS = [
    "goal_id",
    "indicator",
    "basis",
    "year",
    "target",
    "latest",
    "required",
    "city_record",
    "best_province",
    "national",
    "unit",
    "evidence",
]

#: The headline goals and the measures they are read by (indicator codes, no figures).
HEADLINE = ("de_share", "de_sector_share_min", "lp_growth")


def _pace_row(paces: pd.DataFrame, measure: str, method: str | None = None):
    rows = paces[(paces["measure"] == measure) & (paces["status"] == "observed")]
    if method is not None and len(rows[rows["method"] == method]):
        rows = rows[rows["method"] == method]
    if rows.empty:
        return None
    return rows.loc[rows["pace"].idxmax()]


def _describe(row) -> str:
    if row is None:
        return "not observable"
    return f"{row['geo']} {row['method']} {row['period']}: {row['pace']:.2f}"


def what_it_takes(run: ScenarioRun, dataset, *, year: int | None = None) -> pd.DataFrame:
    """The pace each headline goal of ``year`` (default: the horizon) requires.

    One row per goal reading: the digital share (pp a year from the latest published
    figure), the least digital sector's share (pp a year from the latest structural
    estimate), labour productivity growth read as real and as nominal (%/yr; the other
    reading converted with the scenario's mean deflator). Targets and latest values come
    from the run's scorecard (``data/targets.csv`` and ``data/``), the comparison paces
    from :func:`dxecon.models.calibration.observed_pace`.

    Columns ``WHAT_IT_TAKES_COLUMNS``: the goal (``goal_id``, ``indicator``, ``basis``: how a
    productivity target is read, 'real' or 'nominal', empty for a share; ``year``),
    ``required`` and the paces as numbers (NaN where nothing is observable; the ``evidence``
    column then says so), ``unit`` ('pp': percentage points a year; 'pct_real': real % a
    year).
    """
    scenario = run.scenario
    year = int(year or scenario.horizon)
    card = run.scorecard.city()
    card = card[(card["year"] == year) & card["indicator"].isin(HEADLINE)]
    paces = observed_pace(dataset, geo=scenario.geo, as_of=scenario.as_of)
    deflator = scenario.deflator.mean
    rows = []
    for goal in card.itertuples():
        target = float(goal.target_value)
        latest = float(goal.latest_value) if pd.notna(goal.latest_value) else np.nan
        latest_year = int(str(goal.latest_period)[:4]) if goal.latest_period else None
        if goal.indicator == "de_share":
            city = _pace_row(paces, "city's own record: digital share")
            best = _pace_row(paces, "best pace of any province: digital share", "GSO")
            national = _pace_row(paces, "national pace: digital share", "GSO")
            required = required_pace(latest, latest_year, target, year) if latest_year else np.nan
            rows.append(
                {
                    "goal_id": goal.goal_id,
                    "indicator": goal.indicator,
                    "basis": "",
                    "year": year,
                    "target": target,
                    "latest": latest,
                    "required": required,
                    "city_record": np.nan if city is None else float(city["pace"]),
                    "best_province": np.nan if best is None else float(best["pace"]),
                    "national": np.nan if national is None else float(national["pace"]),
                    "unit": "pp",
                    "evidence": (
                        f"latest {goal.latest_period} ({goal.latest_geo}, {goal.latest_source}); "
                        f"city: {_describe(city)}; best province: {_describe(best)}; "
                        f"national: {_describe(national)}"
                    ),
                }
            )
        elif goal.indicator == "de_sector_share_min":
            required = required_pace(latest, latest_year, target, year) if latest_year else np.nan
            rows.append(
                {
                    "goal_id": goal.goal_id,
                    "indicator": goal.indicator,
                    "basis": "",
                    "year": year,
                    "target": target,
                    "latest": latest,
                    "required": required,
                    "city_record": np.nan,
                    "best_province": np.nan,
                    "national": np.nan,
                    "unit": "pp",
                    "evidence": (
                        f"latest: {goal.latest_method} {goal.latest_period}; no sector digital "
                        "share is published for any province, so no pace is observable"
                    ),
                }
            )
        elif goal.indicator == "lp_growth":
            city = _pace_row(paces, "city's own record: labour productivity growth (real)")
            for other in dataset.related_geographies(scenario.geo):
                if city is not None:
                    break
                older = observed_pace(dataset, geo=other, as_of=scenario.as_of)
                city = _pace_row(older, "city's own record: labour productivity growth (real)")
            best = _pace_row(paces, "best pace of any province: labour productivity growth (real)")
            record = np.nan if city is None else float(city["pace"])
            for basis in ("real", "nominal"):
                # The target read as `basis`; the real growth it requires, compared with records.
                needed_real = (
                    target if basis == "real" else float(growth_of_ratio(target, deflator))
                )
                rows.append(
                    {
                        "goal_id": goal.goal_id,
                        "indicator": goal.indicator,
                        "basis": basis,
                        "year": year,
                        "target": target,
                        "latest": float(record) if pd.notna(record) else np.nan,
                        "required": needed_real,
                        "city_record": float(record) if pd.notna(record) else np.nan,
                        "best_province": np.nan if best is None else float(best["pace"]),
                        "national": np.nan,
                        "unit": "pct_real",
                        "evidence": (
                            f"real growth a year the target requires when read as {basis} "
                            f"(nominal {float(growth_of_product(needed_real, deflator)):.2f}%/yr "
                            f"at the scenario's mean deflator {deflator:g}%/yr); "
                            f"city: {_describe(city) if city is not None else goal.latest_method}"
                            f"; best province: {_describe(best)}"
                        ),
                    }
                )
    return pd.DataFrame(rows, columns=WHAT_IT_TAKES_COLUMNS)
