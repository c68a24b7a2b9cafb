"""One call from a scenario name to its paths, percentiles and scorecard."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.core.io import write_csv_atomic
from dxecon.data import Dataset, load_dataset
from dxecon.data.targets import TargetRegistry
from dxecon.models.scenarios.config import (
    Scenario,
    check_scenario_codes,
    load_scenario,
    scenario_from_dict,
)
from dxecon.models.scenarios.engine import PERCENTILES, Paths, simulate
from dxecon.models.scenarios.scorecard import Scorecard, score
from dxecon.models.scenarios.start import StartValues, resolve_start

#: Quantities summarised per year: (name in Paths, indicator, sector, basis).
SUMMARISED = [
    ("de_share", "de_share", "total", "current"),
    ("de_sector_share_min", "de_sector_share_min", "total", "current"),
    ("grdp_growth_real", "grdp_growth_real", "total", "constant_2010"),
    ("lp_growth_real", "lp_growth_real", "total", "real"),
    ("lp_growth_nominal", "lp_growth_nominal", "total", "nominal"),
    ("lp_real_index", "lp_real_index", "total", "real"),
    ("employment_index", "employment_index", "total", "assumption"),
]


@dataclass(frozen=True)
class ScenarioRun:
    """A simulated scenario with its scorecard, and the observed start it began from."""

    scenario: Scenario  # with the observed start filled in
    paths: Paths
    scorecard: Scorecard | None  # None: simulated only (`simulate_scenario`)
    start: StartValues | None = None  # None: the scenario came with every start set
    nowcast: object | None = None  # the in-year nowcast that pinned the as-of year's growth
    diffusion: object | None = None  # DiffusionDraws when the scenario has a diffusion block

    def percentiles(self) -> pd.DataFrame:
        """Tidy percentiles: one row per quantity, sector and year (p5 ... p95)."""
        items = list(SUMMARISED)
        items += [
            (f"intensity:{s}", "de_sector_share", s, "current") for s in self.paths.floor_sectors
        ]
        frames = []
        for name, indicator, sector, basis in items:
            if name in self.paths.unavailable:
                continue  # not simulated (e.g. no employment figure): no row, not NaN
            values = np.percentile(self.paths.quantity(name), PERCENTILES, axis=0)
            frame = pd.DataFrame(values.T, columns=[f"p{q:g}" for q in PERCENTILES])
            frame.insert(0, "year", self.paths.years)
            frame.insert(0, "basis", basis)
            frame.insert(0, "sector", sector)
            frame.insert(0, "geo", self.scenario.geo)
            frame.insert(0, "indicator", indicator)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def write(self, outputs_dir: Path) -> Path:
        """Write ``scorecard.csv`` and ``percentiles.csv`` under OUTPUTS/<as-of>/<name>/."""
        folder = Path(outputs_dir) / self.scenario.as_of / self.scenario.slug
        write_csv_atomic(self.scorecard.to_frame(), folder / "scorecard.csv")
        write_csv_atomic(self.percentiles(), folder / "percentiles.csv")
        return folder


def run_scenario(
    source: str | Path | Scenario,
    *,
    as_of: str | None = None,
    n_paths: int | None = None,
    dataset: Dataset | None = None,
    data_dir: Path | None = None,
    sources: tuple[str, ...] | None = None,
    calibration=None,
    scoring=None,
    score_cache: dict | None = None,
) -> ScenarioRun:
    """Load (if needed), validate, start from the data as of the run's date, simulate and
    score a scenario (:func:`simulate_scenario`, then
    `dxecon.models.scenarios.scorecard.score`).

    ``as_of`` ('YYYY-MM', the run's date) is required with a scenario name or file; a
    `Scenario` carries its own. ``sources`` (None: all of
    `dxecon.models.scenarios.diffusion.SOURCES`) switches uncertainty sources on;
    `dxecon.models.scenarios.uncertainty.interval_breakdown` switches them one by one.
    ``calibration``: the diffusion's (a run's diffusion step; default: computed once per
    dataset); ``scoring``: the `ScoringConfig` (default: ``params/targets.yaml``);
    ``score_cache``: lookups shared with other scenarios' scoring on the same data, as-of
    date and scoring config (`dxecon.models.scenarios.scorecard.score`'s ``cache``).
    """
    dataset = dataset or load_dataset(data_dir)
    run = simulate_scenario(
        source,
        as_of=as_of,
        n_paths=n_paths,
        dataset=dataset,
        sources=sources,
        calibration=calibration,
    )
    card = score(run.paths, TargetRegistry(dataset), dataset, config=scoring, cache=score_cache)
    return ScenarioRun(run.scenario, run.paths, card, run.start, run.nowcast, run.diffusion)


def simulate_scenario(
    source: str | Path | Scenario,
    *,
    as_of: str | None = None,
    n_paths: int | None = None,
    dataset: Dataset,
    sources: tuple[str, ...] | None = None,
    calibration=None,
) -> ScenarioRun:
    """:func:`run_scenario` without the scorecard (``scorecard`` None): the paths alone, for
    what reads only them (the interval breakdown reruns a scenario eight times)."""
    registry = TargetRegistry(dataset)
    if isinstance(source, Scenario):
        if as_of is not None and as_of != source.as_of:
            raise ValueError(
                f"scenario '{source.name}' is as of {source.as_of}, not {as_of}: "
                "load it again for another as-of date"
            )
        scenario = source
    else:
        if as_of is None:
            raise ValueError(
                f"run_scenario({str(source)!r}): give the run's as_of='YYYY-MM' "
                "(a scenario file holds no as-of date)"
            )
        scenario = load_scenario(source, as_of=as_of, known_instruments=registry.instruments)
    file = f"<scenario {scenario.name}>" if isinstance(source, Scenario) else str(source)
    if n_paths is not None:  # an override obeys the scenario's own limits
        data = scenario.model_dump()
        data["paths"] = n_paths
        scenario = scenario_from_dict(data, file="--paths")
    check_scenario_codes(scenario, dataset, file=file)
    start = None
    if not scenario.resolved or scenario.start_override:
        scenario, start = resolve_start(scenario, dataset, file=file)
    n = scenario.paths
    draws = None
    if scenario.diffusion is not None:
        from dxecon.models.scenarios.diffusion import draws_for

        draws = draws_for(scenario, n, dataset=dataset, sources=sources, calibration=calibration)
    current = current_year_nowcast(scenario, dataset, n)
    if current is None:
        paths = simulate(scenario, paths=n, diffusion=draws, sources=sources)
    else:
        result = current[0]
        growth = current[1]
        if sources is not None and "shocks" not in sources:
            growth = np.full_like(growth, float(np.median(growth)))
        paths = simulate(
            scenario,
            paths=n,
            current_year=result.year,
            current_growth=growth,
            current_note={"stage": result.stage, "method": result.method},
            diffusion=draws,
            sources=sources,
        )
    nowcast_result = current[0] if current is not None else None
    return ScenarioRun(scenario, paths, None, start, nowcast_result, draws)


_NOWCASTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def current_year_nowcast(scenario: Scenario, dataset: Dataset, n_paths: int):
    """(nowcast, draws) of real GRDP growth in the as-of year when that year is simulated
    and the nowcast covers the scenario's geography; None otherwise. The nowcast is fitted
    once per dataset and date (the explorer recomputes scenarios many times)."""
    from dxecon.models.forecast.nowcast import nowcast

    year = int(scenario.as_of[:4])
    if year not in scenario.years:
        return None
    cache = _NOWCASTS.setdefault(dataset, {})
    if scenario.as_of not in cache:
        try:
            cache[scenario.as_of] = nowcast(scenario.as_of, dataset=dataset)
        except (SeriesSelectionError, ValueError):
            cache[scenario.as_of] = None
    result = cache[scenario.as_of]
    if result is None or result.year != year or result.geo != scenario.geo:
        return None
    return result, result.draws(n_paths, seed=scenario.seed)


#: Columns of `assumptions_table`.
ASSUMPTION_COLUMNS = [
    "sector",
    "weight",
    "growth_mean",
    "growth_sd",
    "growth_from",
    "growth_centre",
    "growth_overridden",
    "growth_history",
    "intensity_start",
    "ceiling",
    "speed",
    "speed_sd",
]


def assumptions_table(scenario: Scenario, start: StartValues | None = None) -> pd.DataFrame:
    """The sector assumptions of a scenario, one row per sector (what a reader checks first).

    ``weight`` (% of GRDP) and ``intensity_start`` (% of the sector's value added) are
    observed; ``growth_mean`` and ``growth_sd`` (%/yr) as the scenario uses them, computed
    from the published years ``growth_from`` ('first-last'; empty: stated) by the statistic
    ``growth_centre`` ('mean', 'max' or 'min'), with the figures an override replaced
    (``growth_overridden``: 'mean', 'sd' or both) and, for a merged geography, how its
    predecessors' histories were read (``growth_history``, a note from ``start``'s table,
    `dxecon.core.facts`; empty without ``start``); ``ceiling``, ``speed`` and ``speed_sd``
    as stated, NaN where the scenario's diffusion draws them per path.
    """
    history = {}
    if start is not None:
        table = start.to_frame()
        history = dict(zip(table["field"], table["history"], strict=True))
    rows = []
    for name, sector in scenario.sectors.items():
        intensity, growth = sector.intensity, sector.growth
        override = growth.override
        replaced = [k for k in ("mean", "sd") if override and getattr(override, k) is not None]
        drawn = intensity is not None and intensity.speed is None
        rows.append(
            {
                "sector": name,
                "weight": sector.weight,
                "growth_mean": growth.mean,
                "growth_sd": growth.sd,
                "growth_from": "-".join(str(y) for y in growth.from_history or ()),
                "growth_centre": growth.centre if growth.from_history else "",
                "growth_overridden": ", ".join(replaced),
                "growth_history": history.get(f"sectors.{name}.growth.mean", "") or "",
                "intensity_start": intensity.start if intensity else np.nan,
                "ceiling": _stated(intensity and intensity.ceiling),
                "speed": _stated(intensity and intensity.speed),
                "speed_sd": np.nan if drawn or intensity is None else intensity.speed_sd,
            }
        )
    return pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)


def _stated(value) -> float:
    return np.nan if value is None or value is False else float(value)
