"""All estimators over the shipped data together: the digital-share estimate, sector floors,
published shares, national and city productivity, and the city-vs-nation decomposition.

    .venv/bin/python benchmarks/bench_estimates.py [--repeat 15]

Goal (issue: estimators): well under a second for all of them together.
"""

from __future__ import annotations

import argparse
import statistics
import time

from dxecon.core.params import load_yaml, params_path
from dxecon.data import load_dataset
from dxecon.data.targets import TargetRegistry, TargetSet, target_values
from dxecon.models.employment import ProductivityParams, productivity_from_params
from dxecon.models.estimation import from_data

DIGITAL = load_yaml(params_path("digital"))
PRODUCTIVITY = load_yaml(params_path("productivity"))


def everything(dataset) -> None:
    city = from_data.city_digital_estimate(
        dataset,
        **{
            key: DIGITAL[key]
            for key in (
                "structure_geo",
                "structure_year",
                "intensity_year",
                "adjust_sector",
                "calibrate_geo",
            )
        },
    )
    registry = TargetRegistry(dataset)
    instruments = TargetSet.from_yaml(
        params_path("targets"), known=registry.instruments
    ).instruments
    floors = target_values(
        registry, "de_sector_share_min", instruments=instruments, geo=DIGITAL["target_geo"]
    )
    from_data.sector_floors(city, floors)
    for method in ("GSO", "MIC"):
        from_data.reported_shares(dataset, "HP", method=method)
    from_data.national_productivity(dataset, start=PRODUCTIVITY["national_lp_start"])
    params = ProductivityParams.from_mapping(PRODUCTIVITY, file="productivity.yaml")
    productivity_from_params(
        dataset,
        params,
        milestones=target_values(registry, "lp_growth", instruments=instruments, geo=params.geo),
        as_of=None,
    )
    from_data.share_gap_to_nation(dataset, city)


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
