"""Benchmark of dxecon.models.forecast.nowcast: one nowcast with its path, and the full backtest.

Run::

    python benchmarks/bench_nowcast.py [--repeat 3] [--as-of 2026-11] [--smallest]

Prints the wall-clock median (min-max) over ``--repeat`` runs of: loading the data, building
the model (reading every year's releases), one nowcast with its release-by-release path, and
the pseudo-real-time backtest (every past year and stage, with the naive benchmarks), each on
a fresh model so nothing is remembered between repeats. Goal: fit + backtest under 10 s
(the notebook runs once per monthly run). ``--smallest`` (the test that keeps this script from
rotting): one repeat.
"""

from __future__ import annotations

import argparse
import statistics
import time

GOAL_S = 10.0


def timed(fn, repeat: int) -> tuple[list[float], object]:
    seconds, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        seconds.append(time.perf_counter() - start)
    return seconds, value


def show(label: str, seconds: list[float]) -> None:
    print(
        f"{label:<40} {statistics.median(seconds):7.3f} s "
        f"({min(seconds):.3f}-{max(seconds):.3f}, {len(seconds)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", default="2026-11")
    parser.add_argument("--smallest", action="store_true", help="one repeat (a test)")
    args = parser.parse_args()
    if args.smallest:
        args.repeat = 1

    from dxecon.data import load_dataset
    from dxecon.models.forecast.nowcast import NowcastModel, backtest_nowcast

    load, dataset = timed(load_dataset, args.repeat)
    show("load data/", load)
    build, _ = timed(lambda: NowcastModel(dataset), args.repeat)
    show("build the model (read the releases)", build)
    fit, result = timed(lambda: NowcastModel(dataset).fit(args.as_of, with_path=True), args.repeat)
    show(f"nowcast as of {args.as_of} with its path", fit)
    back, backtest = timed(
        lambda: backtest_nowcast(dataset, model=NowcastModel(dataset)), args.repeat
    )
    show("backtest (every past year and stage)", back)
    total = statistics.median(fit) + statistics.median(back)
    print(
        f"{'fit + backtest (medians)':<40} {total:7.3f} s  (goal < {GOAL_S:g} s: "
        f"{'met' if total < GOAL_S else 'NOT met'})"
    )
    print(
        f"backtest points: {len(backtest.records)}; nowcast: {result.median:.2f}% "
        f"(latest release: stage {result.stage})"
    )


if __name__ == "__main__":
    main()
