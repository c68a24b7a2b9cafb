"""One call from a scenario name to its paths, percentiles and scorecard."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import pickle
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.core.io import write_csv_atomic
from dxecon.data import Dataset, load_dataset
from dxecon.data.targets import TargetRegistry
from dxecon.models.scenarios.config import (
    SCENARIO_KEYS,
    Scenario,
    check_scenario_codes,
    load_scenario,
    scenario_from_dict,
    scenario_from_parameters,
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
    scorecard: Scorecard
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
) -> ScenarioRun:
    """Load (if needed), validate, start from the data as of the run's date, simulate and
    score a scenario.

    ``as_of`` ('YYYY-MM', the run's date) is required with a scenario name or file; a
    `Scenario` carries its own. ``sources`` (None: all of
    `dxecon.models.scenarios.diffusion.SOURCES`) switches uncertainty sources on;
    `dxecon.models.scenarios.uncertainty.interval_breakdown` switches them one by one.
    """
    dataset = dataset or load_dataset(data_dir)
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

        draws = draws_for(scenario, n, dataset=dataset, sources=sources)
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
            current_note=(
                f"{result.year} real growth from the in-year nowcast (latest release: "
                f"{result.stage_label}; {result.model})"
            ),
            diffusion=draws,
            sources=sources,
        )
    nowcast_result = current[0] if current is not None else None
    return ScenarioRun(
        scenario, paths, score(paths, registry, dataset), start, nowcast_result, draws
    )


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


#: Where a scenario notebook leaves its simulated run for the next notebook of the same run:
#: a folder inside the notebook's ``output_dir`` (the run's staging folder), removed by the
#: runner before the outputs are published.
CACHE_FOLDER = ".cache"


def scenario_parameters(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario keys (``name``, ``seed``, ``sectors``...) among a notebook's variables:
    ``run_for_notebook(**scenario_parameters(globals()), ...)`` passes its parameter cell."""
    return {key: namespace[key] for key in SCENARIO_KEYS if key in namespace}


def _files_digest(folder: Path, pattern: str) -> str:
    digest = hashlib.sha256()
    for file in sorted(folder.rglob(pattern)):
        digest.update(file.relative_to(folder).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


@functools.cache
def code_version() -> str:
    """SHA-256 of the package's source files: a cached run is reused only by the same code."""
    return _files_digest(Path(__file__).resolve().parents[2], "*.py")


def run_key(scenario: Scenario, dataset: Dataset) -> str:
    """What a cached run must match: the scenario as resolved from the parameters (its
    as-of included), the data's checksum, the params files (the scoring rules) and the code
    version."""
    from dxecon.core import folders

    text = json.dumps(
        {
            "scenario": scenario.model_dump(mode="json"),
            "as_of": scenario.as_of,
            "data": dataset.checksum,
            "params": _files_digest(folders.PARAMS_DIR, "*.yaml"),
            "code": code_version(),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def run_for_notebook(
    name: str,
    *,
    output_dir: str | Path = "",
    dataset: Dataset | None = None,
    **parameters,
) -> ScenarioRun:
    """The scenario notebooks' one call: a shipped scenario (``name``) with the notebook's
    parameters laid over it (None keeps the file's value), started from the data, run and
    scored; simulated once per run.

    With an ``output_dir`` (the runner's scenario folder), the first notebook of the run to
    get here simulates and stores the run in ``output_dir/.cache/``, keyed by
    :func:`run_key`; the next one (the scorecard after the forecast) loads it instead. A
    notebook that arrives while the other is simulating waits for it (a file lock). Without
    an ``output_dir`` (interactive use, nbval) every call simulates.
    """
    dataset = dataset or load_dataset()
    registry = TargetRegistry(dataset)
    scenario = scenario_from_parameters(name, known_instruments=registry.instruments, **parameters)
    if not str(output_dir):
        return run_scenario(scenario, dataset=dataset)
    cache = Path(output_dir) / CACHE_FOLDER
    cache.mkdir(parents=True, exist_ok=True)
    stored = cache / f"scenario_run-{run_key(scenario, dataset)}.pickle"
    with open(cache / "lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        if stored.is_file():
            try:
                return pickle.loads(stored.read_bytes())
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                pass  # a run stored by other code: simulate again
        run = run_scenario(scenario, dataset=dataset)
        partial = stored.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(run, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, stored)
    return run


def _or_drawn(intensity, name: str):
    """A sector's stated diffusion parameter, or where it comes from when it is drawn."""
    if intensity is None:
        return ""
    if intensity.speed is None and name == "speed_sd":
        return "calibration"
    value = getattr(intensity, name)
    return "drawn per path (diffusion)" if value is None else value


def growth_basis(growth) -> str:
    """Where a growth figure comes from, in words: its history window and statistic, or
    the override (the start table lists the observations behind each figure)."""
    if growth.from_history is None:
        return "stated (override)" if growth.override else "stated"
    first, last = growth.from_history
    statistic = {"mean": "mean", "max": "top of the range", "min": "bottom of the range"}
    text = f"published {first}-{last}, {statistic[growth.centre]}"
    replaced = [
        k for k in ("mean", "sd") if growth.override and getattr(growth.override, k) is not None
    ]
    return text + (f"; {' and '.join(replaced)} overridden" if replaced else "")


def assumptions_table(scenario: Scenario) -> pd.DataFrame:
    """The sector assumptions of a scenario, one row per sector (what a reader checks first)."""
    rows = []
    for name, sector in scenario.sectors.items():
        intensity = sector.intensity
        rows.append(
            {
                "sector": name,
                "weight in GRDP % (observed)": sector.weight,
                "real growth % (mean)": sector.growth.mean,
                "real growth % (sd)": sector.growth.sd,
                "real growth (computed from)": growth_basis(sector.growth),
                "digital share % (observed start)": intensity.start if intensity else None,
                "ceiling %": _or_drawn(intensity, "ceiling"),
                "speed /yr": _or_drawn(intensity, "speed"),
                "speed sd": _or_drawn(intensity, "speed_sd"),
            }
        )
    return pd.DataFrame(rows).set_index("sector")
