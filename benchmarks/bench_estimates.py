"""All estimators over the shipped data together: the digital-share estimate, sector floors,
published shares, national and city productivity, and the decompositions.

    .venv/bin/python benchmarks/bench_estimates.py [--repeat 15]

Goal (issue: estimators): well under a second for all of them together.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

from dxecon import estimates
from dxecon.data import load_dataset
from dxecon.digital import decompose_share_change


def everything(dataset) -> None:
    city = estimates.city_digital_estimate(dataset)
    estimates.sector_floors(city, {2025: 15, 2030: 25})
    for method in ("GSO", "MIC"):
        estimates.reported_shares(dataset, "HP", method=method)
    estimates.national_productivity(dataset)
    estimates.city_productivity(dataset, employment_growth=0.91, employment_rationale="bench")
    zero = pd.Series({"taxes": 0.0})
    national = city.weights.copy()  # any second structure exercises the decomposition
    decompose_share_change(
        national,
        pd.concat([city.national.shares, zero]),
        city.weights,
        pd.concat([city.intensities, zero]),
        weights_unit="pct",
        intensity_unit="pct",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    start = time.perf_counter()
    dataset = load_dataset()
    load = time.perf_counter() - start
    everything(dataset)  # warm-up: imports, first-use costs
    cold, warm = [], []
    for _ in range(args.repeat):
        fresh = load_dataset()  # empty series cache: every query computed
        start = time.perf_counter()
        everything(fresh)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        everything(fresh)  # the same queries again: answered from the dataset's cache
        warm.append(time.perf_counter() - start)
    print(f"load + validate dataset (with pandas import): {load * 1000:.0f} ms")
    for label, times in (("fresh dataset", cold), ("repeated queries", warm)):
        print(
            f"all estimators together, {label}: median {statistics.median(times) * 1000:.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}) over {args.repeat} "
            "runs; goal well under 1 s"
        )


if __name__ == "__main__":
    main()
