"""All estimators over the shipped data together: the digital-share estimate, sector floors,
published shares, national and city productivity, and the city-vs-nation decomposition.

    ./dx python benchmarks/bench_estimates.py [--repeat 15] [--smallest]

``--smallest`` (the test that keeps this script from rotting): one repeat.

Goal (issue: estimators): well under a second for all of them together.
"""

from __future__ import annotations

import argparse
import statistics
import time

from dxecon.core.params import params_path
from dxecon.data import load_dataset
from dxecon.data.targets import scored_targets
from dxecon.models.employment import ProductivityParams, productivity_from_params
from dxecon.models.estimation import from_data
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps.digital_economy import ESTIMATE_KEYS

AS_OF = "2026-10"


def everything(dataset, ctx: Context) -> None:
    """The estimators the steps ``digital_economy`` and ``productivity`` call on
    ``dataset``, with the default place's params as those steps read them from ``ctx``
    (read once, before the timing; charts and texts left out)."""
    as_of = ctx.as_of
    digital = ctx.params("digital.yaml")
    targets = ctx.params("targets.yaml")
    file = str(params_path("targets.yaml"))
    city = from_data.city_digital_estimate(
        dataset, **{key: digital[key] for key in ESTIMATE_KEYS}, as_of=as_of
    )
    floors = scored_targets(
        dataset, "de_sector_share_min", targets, file=file, geo=digital["target_geo"]
    )
    from_data.sector_floors(city, dict(zip(floors["year"], floors["value"], strict=True)))
    for method in ("GSO", "MIC"):
        from_data.reported_shares(dataset, ctx.profile.first, method=method, as_of=as_of)
    params = ProductivityParams.from_mapping(ctx.params("productivity.yaml"), file="productivity")
    from_data.national_productivity(dataset, start=params.national_start, as_of=as_of)
    milestones = scored_targets(dataset, "lp_growth", targets, file=file, geo=params.geo)
    productivity_from_params(
        dataset,
        params,
        milestones=dict(zip(milestones["year"], milestones["value"], strict=True)),
        as_of=as_of,
    )
    from_data.share_gap_to_nation(dataset, city, as_of=as_of)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--smallest", action="store_true", help="one repeat (a test)")
    args = parser.parse_args()
    if args.smallest:
        args.repeat = 1
    start = time.perf_counter()
    dataset = load_dataset()
    load = time.perf_counter() - start
    ctx = Context(dataset, AS_OF)
    everything(dataset, ctx)  # warm-up: imports, first-use costs
    cold, warm = [], []
    for _ in range(args.repeat):
        fresh = load_dataset()  # empty series cache: every query computed
        start = time.perf_counter()
        everything(fresh, ctx)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        everything(fresh, ctx)  # the same queries again: answered from the dataset's cache
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
