"""A small real run for the report tests, built without notebooks (seconds, not minutes):
two scenarios (one with a Vietnamese name) simulated with few paths, their scorecards and
forecasts written where the notebooks write them, an earlier month for the revisions, and
the tables of the methods section (calibration, its real-time check, growth candidates)
computed by the library as notebooks 04 and 05 compute them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from dxecon.apps.monthly import revisions
from dxecon.core.params import load_yaml, params_path
from dxecon.data import load_dataset
from dxecon.models.scenarios import run_scenario, scenario_from_dict
from dxecon.models.scenarios.config import slugify
from dxecon.pipeline.outputs import scenario_forecasts

AS_OF, PREVIOUS = "2026-10", "2026-09"
VIETNAMESE_NAME = "Kịch bản tăng tốc"


def make_run(root: Path, n_paths: int = 300) -> Path:
    """Write ``root/<AS_OF>/<scenario>/tables`` (and an earlier month); return the month."""
    dataset = load_dataset()
    accelerated = load_yaml(params_path("accelerated", "scenarios"))
    accelerated.update(name=VIETNAMESE_NAME, as_of=AS_OF)
    scenarios = {
        "baseline": "baseline",
        VIETNAMESE_NAME: scenario_from_dict(accelerated, file="<test>"),
    }
    month = root / AS_OF
    common_tables = method_tables(dataset)
    for name, source in scenarios.items():
        given = AS_OF if isinstance(source, str) else None  # a Scenario carries its own
        run = run_scenario(source, as_of=given, n_paths=n_paths, dataset=dataset)
        card = run.scorecard.to_frame()
        for as_of, frame in ((AS_OF, card), (PREVIOUS, _earlier(card))):
            folder = root / as_of / slugify(name)
            tables = folder / "tables"
            tables.mkdir(parents=True, exist_ok=True)
            frame.to_csv(tables / "scorecard.csv", index=False)
            scenario_forecasts(run).to_csv(tables / "scenario_forecasts.csv", index=False)
            manifest = {
                "as_of": as_of,
                "scenario": name,
                "parameters": {},
                "data_checksum_sha256": dataset.checksum,
                "code_revision": "test",
                "finished_utc": "2026-11-08T06:01:00Z",
                "package_versions": {"dxecon": "0.1.0"},
            }
            (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        table = revisions(_earlier(card), card)
        table.insert(0, "previous_as_of", PREVIOUS)
        table.to_csv(month / slugify(name) / "tables" / "revisions.csv", index=False)
        for table, frame in common_tables.items():
            frame.to_csv(month / slugify(name) / "tables" / f"{table}.csv", index=False)
        if run.nowcast is not None:
            run.nowcast.to_frame().to_csv(
                month / slugify(name) / "tables" / "nowcast.csv", index=False
            )
    # notebook 02 writes the observed paces once per run (the report reads them)
    from dxecon.models.calibration import observed_pace

    common = month / "common" / "tables"
    common.mkdir(parents=True, exist_ok=True)
    observed_pace(dataset, geo="HP", as_of=AS_OF).to_csv(common / "observed_pace.csv", index=False)
    return month


def method_tables(dataset) -> dict[str, pd.DataFrame]:
    """The tables the methods section reads, as notebooks 05 (calibration and its real-time
    check) and 04 (growth candidates) write them in every scenario folder."""
    from dxecon.models.calibration import calibrate_diffusion
    from dxecon.models.calibration_realtime import realtime_coverage
    from dxecon.models.forecast.growth import growth_candidates, growth_realtime

    realtime = realtime_coverage(dataset, as_of=AS_OF)
    growth = growth_realtime(dataset)
    return {
        "diffusion_calibration": calibrate_diffusion(dataset, as_of=AS_OF).to_frame(),
        "diffusion_realtime": realtime.forecasts,
        "diffusion_realtime_coverage": realtime.coverage,
        "growth_candidates": growth_candidates(growth),
        "growth_choices": growth.choices,
        "growth_refused": growth.refused,
    }


def _earlier(card: pd.DataFrame) -> pd.DataFrame:
    """Last month's scorecard: the forecast probabilities a little different."""
    before = card.copy()
    before["probability"] = (before["probability"] * 0.5 + 0.1).clip(upper=1.0)
    return before
