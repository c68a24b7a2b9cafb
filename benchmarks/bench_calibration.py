"""Measure the issue-12 library parts on the shipped data: the diffusion calibration, the
backtest table with pooled coverage (cold: every backtest run; warm: remembered), the
backtest-chosen forecasts after it, the pseudo-real-time table, the baseline with its
diffusion drawn from the calibration, the interval-width breakdown (printed) and the
"what it takes" table. Prints seconds.

    .venv/bin/python benchmarks/bench_calibration.py
"""

from __future__ import annotations

import time

import numpy as np


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<55} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    from dxecon.core.params import load_yaml, params_path
    from dxecon.data import load_dataset
    from dxecon.models.calibration import calibrate_diffusion, observed_pace
    from dxecon.models.forecast.catalog import (
        backtest_catalog,
        entries_from_params,
        forecast_catalog,
    )
    from dxecon.models.forecast.realtime import pseudo_real_time

    ds = load_dataset()
    calibration = timed("calibrate_diffusion (latest)", lambda: calibrate_diffusion(ds))
    timed("calibrate_diffusion (as of 2021-01)", lambda: calibrate_diffusion(ds, as_of="2021-01"))
    timed("draw 10,000 paths", lambda: calibration.draw(np.random.default_rng(0), 10_000))
    timed("observed_pace", lambda: observed_pace(ds))
    from dxecon.models.calibration_realtime import realtime_coverage

    timed("realtime_coverage (every vintage)", lambda: realtime_coverage(ds))
    specs = load_yaml(params_path("forecasts"))["series"]
    entries = entries_from_params(ds, specs, as_of="2026-10")
    timed(
        "backtest_catalog with pools (cold)",
        lambda: backtest_catalog(entries, dataset=ds, as_of="2026-10"),
    )
    timed(
        "backtest_catalog with pools (warm)",
        lambda: backtest_catalog(entries, dataset=ds, as_of="2026-10"),
    )
    timed(
        "forecast_catalog after it",
        lambda: forecast_catalog(entries, until=2030, dataset=ds, as_of="2026-10"),
    )
    timed(
        "pseudo_real_time HP growth 2019-2025",
        lambda: pseudo_real_time(ds, "grdp_growth_real", "HP", first=2019),
    )
    import pandas as pd

    from dxecon.models.scenarios import run_scenario
    from dxecon.models.scenarios.uncertainty import interval_breakdown, what_it_takes

    run = timed(
        "baseline, 10,000 paths, calibrated diffusion",
        lambda: run_scenario("baseline", as_of="2026-10"),
    )
    needs = timed("what_it_takes", lambda: what_it_takes(run, ds))
    breakdown = timed(
        "interval_breakdown (6 reruns x 1,000 paths)",
        lambda: interval_breakdown("baseline", dataset=ds, n_paths=1000),
    )
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(breakdown.drop(columns="source").round(3).to_string(index=False))
        print(needs.drop(columns="evidence").round(3).to_string(index=False))


if __name__ == "__main__":
    main()
