"""Measure the issue-12 library parts on the shipped data: the diffusion calibration, the
backtest table with pooled coverage (cold: every backtest run; warm: remembered), the
backtest-chosen forecasts after it, the pseudo-real-time table, the baseline with its
diffusion drawn from the calibration, the interval-width breakdown (printed) and the
"what it takes" table. Prints seconds.

    ./dx python benchmarks/bench_calibration.py [--smallest]

The observed pace is the default place's (its profile's first geography). ``--smallest`` (the
test that keeps this script from rotting): 100 drawn paths, 1,000 in the baseline run and
100 in each of the breakdown's reruns; the calibration and the backtests keep their sizes
(the data's).
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<55} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smallest", action="store_true", help="the smallest sizes (a test)")
    args = parser.parse_args()
    draws, paths, breakdown_paths = (100, 1000, 100) if args.smallest else (10_000, None, 1000)

    from dxecon.core.params import load_yaml, params_path
    from dxecon.core.places import default_place
    from dxecon.data import load_dataset
    from dxecon.models.calibration import calibrate_diffusion, observed_pace
    from dxecon.models.forecast.catalog import (
        backtest_catalog,
        entries_from_params,
        forecast_catalog,
    )
    from dxecon.models.forecast.realtime import pseudo_real_time
    from dxecon.pipeline.context import Context

    ds = load_dataset()
    calibration = timed("calibrate_diffusion (latest)", lambda: calibrate_diffusion(ds))
    timed("calibrate_diffusion (as of 2021-01)", lambda: calibrate_diffusion(ds, as_of="2021-01"))
    timed(f"draw {draws:,} paths", lambda: calibration.draw(np.random.default_rng(0), draws))
    place = Context(ds, "2026-10", place=default_place()).profile.first
    timed(f"observed_pace ({place})", lambda: observed_pace(ds, geo=place))
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
        f"baseline, {paths or 'its'} paths, calibrated diffusion",
        lambda: run_scenario("baseline", as_of="2026-10", n_paths=paths),
    )
    needs = timed("what_it_takes", lambda: what_it_takes(run, ds))
    breakdown = timed(
        f"interval_breakdown (reruns x {breakdown_paths:,} paths)",
        lambda: interval_breakdown(
            "baseline", dataset=ds, n_paths=breakdown_paths, as_of="2026-10"
        ),
    )
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(breakdown.drop(columns="source").round(3).to_string(index=False))
        print(needs.drop(columns="evidence").round(3).to_string(index=False))


if __name__ == "__main__":
    main()
