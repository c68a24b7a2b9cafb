"""Monte Carlo engine speed and memory: 100,000 paths x 4 sectors x 10 years, percentiles
and attainment probabilities included, against a plain per-path Python loop.

    ./dx python benchmarks/bench_scenarios.py [--paths 100000] [--repeat 5] [--smallest]

``--smallest`` (the test that keeps this script from rotting): 1,000 paths, one repeat.

Goals (issue: forecasts and scenarios): under 1 s and under 1 GB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import statistics
import time

import numpy as np

from dxecon.data import load_dataset
from dxecon.data.targets import TargetRegistry
from dxecon.models.scenarios import load_scenario, scenario_from_dict, score, simulate
from dxecon.models.scenarios.diffusion import draws_for
from dxecon.models.scenarios.start import resolve_start


def ten_year_baseline(n_paths: int, dataset):
    """The baseline with its observed start filled in from the data (a scenario file holds
    no base year), run ten years past its base year."""
    scenario, _ = resolve_start(load_scenario("baseline", as_of="2026-10"), dataset)
    data = scenario.model_dump()
    data["horizon"] = scenario.base_year + 10
    data["paths"] = n_paths
    return scenario_from_dict(data)


def engine_with_summaries(scenario, registry, dataset):
    paths = simulate(scenario, dataset=dataset)  # its diffusion calibrated on it, once
    for name in ("de_share", "de_sector_share_min", "lp_growth_real", "lp_growth_nominal"):
        np.percentile(paths.quantity(name), [5, 10, 25, 50, 75, 90, 95], axis=0)
    return score(paths, registry, dataset)


def python_loop(scenario, n_paths: int, draws) -> list[float]:
    """The same model, one path at a time in plain Python (final-year DE share only). The
    diffusion's per-path draws (``draws``: speed, whole-economy ceiling, start scale,
    noise; None without a diffusion) come from the library: the loop does the per-path
    arithmetic."""
    from dxecon.models.scenarios.diffusion import start_share

    whole_start = start_share(scenario)
    rng = random.Random(scenario.seed)
    sectors = list(scenario.sectors.items())
    rho = scenario.correlation
    out = []
    for p in range(n_paths):
        value_added = {name: s.weight for name, s in sectors}
        own = {  # a sector's own rate, else the path's drawn one
            name: max(s.intensity.speed + s.intensity.speed_sd * rng.gauss(0, 1), 0.0)
            if s.intensity.speed is not None
            else float(draws.speed[p])
            for name, s in sectors
            if s.intensity
        }
        share = 0.0
        for step in range(1, len(scenario.years) + 1):
            common = rng.gauss(0, 1)
            for name, s in sectors:
                z = math.sqrt(rho) * common + math.sqrt(1 - rho) * rng.gauss(0, 1)
                value_added[name] *= 1 + (s.growth.mean + s.growth.sd * z) / 100
            total = sum(value_added.values())
            share = 0.0
            for name, s in sectors:
                if not s.intensity:
                    continue
                clock = own[name] * step
                d0, c = s.intensity.start, s.intensity.ceiling
                if draws is not None:
                    clock += float(draws.shift_logit[p] + draws.logit_noise[p, step - 1])
                    if c is None:
                        c = min(d0 * float(draws.ceiling[p]) / whole_start, 100.0)
                    d0 *= float(draws.start_scale[p])
                    c = max(c, d0)
                d = c / (1 + (c / d0 - 1) * math.exp(-clock))
                share += value_added[name] / total * d
        out.append(share)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smallest", action="store_true", help="the smallest sizes (a test)")
    args = parser.parse_args()
    if args.smallest:
        args.paths, args.repeat = 1000, 1
    dataset = load_dataset()
    registry = TargetRegistry(dataset)
    scenario = ten_year_baseline(args.paths, dataset)
    sectors, years = len(scenario.sectors), len(scenario.years)
    engine_with_summaries(scenario, registry, dataset)  # warm-up
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        engine_with_summaries(scenario, registry, dataset)
        times.append(time.perf_counter() - start)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    loop_paths = max(args.paths // 50, 500)
    draws = draws_for(scenario, loop_paths, dataset=dataset) if scenario.diffusion else None
    start = time.perf_counter()
    python_loop(scenario, loop_paths, draws)
    loop_per_path = (time.perf_counter() - start) / loop_paths
    engine_per_path = statistics.median(times) / args.paths
    print(f"engine: {args.paths:,} paths x {sectors} sectors x {years} years, with percentiles")
    print("        and every target's attainment probability (scorecard)")
    median = statistics.median(times)
    print(f"  wall  median {median:.3f} s  (min {min(times):.3f}, max {max(times):.3f})")
    print(f"  peak RSS of this process: {peak_mib:.0f} MiB")
    print(f"python per-path loop ({loop_paths:,} paths): {loop_per_path * 1e6:.1f} us/path")
    ratio = loop_per_path / engine_per_path
    print(f"engine: {engine_per_path * 1e6:.2f} us/path -> {ratio:.0f}x faster than the loop")


if __name__ == "__main__":
    main()
