"""One call from a scenario name to its paths, percentiles and scorecard."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dxecon.data import Dataset, load_dataset
from dxecon.io import write_csv_atomic
from dxecon.scenarios.config import (
    Scenario,
    check_scenario_codes,
    load_scenario,
    scenario_from_dict,
)
from dxecon.scenarios.engine import PERCENTILES, Paths, simulate
from dxecon.scenarios.scorecard import Scorecard, score
from dxecon.targets import TargetRegistry

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
    """A simulated scenario with its scorecard."""

    scenario: Scenario
    paths: Paths
    scorecard: Scorecard

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
        folder = Path(outputs_dir) / self.scenario.as_of / self.scenario.name
        write_csv_atomic(self.scorecard.to_frame(), folder / "scorecard.csv")
        write_csv_atomic(self.percentiles(), folder / "percentiles.csv")
        return folder


def run_scenario(
    source: str | Path | Scenario,
    *,
    n_paths: int | None = None,
    dataset: Dataset | None = None,
    data_dir: Path | None = None,
) -> ScenarioRun:
    """Load (if needed), validate, simulate and score a scenario."""
    dataset = dataset or load_dataset(data_dir)
    registry = TargetRegistry(dataset)
    scenario = (
        source
        if isinstance(source, Scenario)
        else load_scenario(source, known_instruments=registry.instruments)
    )
    file = "<scenario>" if isinstance(source, Scenario) else str(source)
    if n_paths is not None:  # an override obeys the scenario's own limits
        data = scenario.model_dump()
        data["paths"] = n_paths
        scenario = scenario_from_dict(data, file="--paths")
    check_scenario_codes(scenario, dataset, file=file)
    paths = simulate(scenario)
    return ScenarioRun(scenario, paths, score(paths, registry, dataset))


def assumptions_table(scenario: Scenario) -> pd.DataFrame:
    """The sector assumptions of a scenario, one row per sector (what a reader checks first)."""
    rows = []
    for name, sector in scenario.sectors.items():
        intensity = sector.intensity
        rows.append(
            {
                "sector": name,
                "weight in GRDP %": sector.weight,
                "real growth % (mean)": sector.growth.mean,
                "real growth % (sd)": sector.growth.sd,
                "digital share % (start)": intensity.start if intensity else None,
                "ceiling %": intensity.ceiling if intensity else None,
                "speed /yr": intensity.speed if intensity else None,
                "speed sd": intensity.speed_sd if intensity else None,
            }
        )
    return pd.DataFrame(rows).set_index("sector")
