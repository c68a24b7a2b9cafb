"""Benchmark of dxecon.models.forecast: import cost and backtests on the real series.

Run::

    python benchmarks/bench_forecast.py [--repeat 5] [--blas-threads 1] [--smallest]

Prints three tables:

1. the import time of ``dxecon.models.forecast`` in a fresh interpreter, next to ``import pandas``,
   and whether statsmodels was imported (it must not be);
2. the rolling-origin backtest of all default models on each real series (first, cold run
   including statsmodels' import, then the median of warm repeats), with the total
   (goal: under 10 s);
3. the warm time per model, summed over the series, and each series' scores.

Timings are wall-clock medians (min-max) over ``--repeat`` runs; the machine this was
written on is noisy, so single runs can be 2x the median. ``--blas-threads`` sets the
OpenBLAS/MKL/OMP thread counts before numpy loads: statsmodels' state-space fits work on
2x2 matrices, where multi-threaded BLAS only adds contention. ``--smallest`` (the test that
keeps this script from rotting): one repeat.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BACKTEST_GOAL_S = 10.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (>= 1)")
    parser.add_argument(
        "--blas-threads", type=int, default=None, help="BLAS threads (default: leave as is)"
    )
    parser.add_argument("--smallest", action="store_true", help="one repeat (a test)")
    args = parser.parse_args()
    if args.smallest:
        args.repeat = 1
    return args


def median_range(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):7.3f} ({min(seconds):.3f}-{max(seconds):.3f})"


def import_seconds(statement: str, repeat: int) -> tuple[list[float], str]:
    """Wall time of ``statement`` in fresh interpreters; also lists heavy modules loaded."""
    code = (
        "import time, sys\n"
        "t = time.perf_counter()\n"
        f"{statement}\n"
        "elapsed = time.perf_counter() - t\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'statsmodels', 'scipy'})\n"
        "print(elapsed, ','.join(heavy) or '-')\n"
    )
    times, heavy = [], "-"
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
        ).stdout.split()
        times.append(float(out[0]))
        heavy = out[1]
    return times, heavy


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def load_real_series():
    """Every shipped annual series with at least 5 contiguous years (the forecast catalog).

    Returns name -> (series, ceiling for the logit candidate or None).
    """
    from dxecon.data import load_dataset
    from dxecon.models.forecast.catalog import forecastable_series

    return {e.label: (e.series, e.ceiling) for e in forecastable_series(load_dataset())}


def main() -> None:
    args = parse_args()
    if args.blas_threads is not None:
        for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
            os.environ[var] = str(args.blas_threads)
    repeat = max(1, args.repeat)

    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, repeat={repeat}, "
        f"BLAS threads={args.blas_threads or 'default'}\n"
    )

    print("1. Import time, fresh interpreter: median (min-max) s")
    print(f"   {'statement':<34} {'seconds':>22}  heavy modules loaded")
    for statement in ("import pandas", "import dxecon.models.forecast"):
        times, heavy = import_seconds(statement, repeat)
        print(f"   {statement:<34} {median_range(times):>22}  {heavy}")
    times, heavy = import_seconds(
        "import statsmodels.tsa.arima.model, statsmodels.tsa.exponential_smoothing.ets", repeat
    )
    print(f"   {'statsmodels (what a first fit pays)':<34} {median_range(times):>22}  {heavy}")

    # Everything below runs in this process, so the first backtest pays statsmodels' import.
    from dxecon.models.forecast import backtest, default_candidates

    real = load_real_series()
    print("\n2. Backtest, all default models (min_train=4, horizon=2): seconds")
    print(f"   {'series':<22} {'n':>3} {'origins':>7} {'cold':>7} {'warm median (min-max)':>24}")
    cold_total, warm_total, results = 0.0, 0.0, {}
    for name, (series, ceiling) in real.items():
        models = default_candidates(ceiling=ceiling)
        start = time.perf_counter()
        try:
            results[name] = backtest(series, models)
        except ValueError as exc:  # too short for any origin: report, do not fail
            results[name] = exc
        cold = time.perf_counter() - start
        warm = timed(lambda s=series, m=models: _quiet_backtest(s, m), repeat)
        cold_total += cold
        warm_total += statistics.median(warm)
        origins = len(getattr(results[name], "origins", ()))
        print(f"   {name:<22} {len(series):>3} {origins:>7} {cold:7.3f} {median_range(warm):>24}")
    verdict = "OK" if cold_total < BACKTEST_GOAL_S else "OVER"
    print(f"   {'total':<22} {'':>3} {'':>7} {cold_total:7.3f} {warm_total:14.3f}")
    print(f"   goal: cold total < {BACKTEST_GOAL_S:.0f} s -> {verdict}")

    print("\n3. Warm backtest time per model, summed over the series: median (min-max) s")
    per_model: dict[str, list[float]] = {}
    for series, ceiling in real.values():
        for factory in default_candidates(ceiling=ceiling):
            times = timed(lambda s=series, f=factory: _quiet_backtest(s, [f]), repeat)
            label = _label(factory)
            per_model.setdefault(label, [0.0] * repeat)
            per_model[label] = [a + b for a, b in zip(per_model[label], times, strict=True)]
    for label, times in per_model.items():
        print(f"   {label:<26} {median_range(times):>24}")

    print("\n4. Backtest scores")
    for name, result in results.items():
        print(f"\n   {name}")
        if isinstance(result, Exception):
            print(f"   not backtested: {result}")
            continue
        table = result.scores.to_string(float_format="{:.3f}".format)
        print("\n".join("   " + line for line in table.splitlines()))


def _quiet_backtest(series, models):
    from dxecon.models.forecast import backtest

    try:
        return backtest(series, models)
    except ValueError:
        return None


def _label(factory) -> str:
    """The model's name, built on a long dummy series so every model can be built."""
    import numpy as np
    import pandas as pd

    dummy = pd.Series(np.linspace(10.0, 20.0, 10), index=range(2000, 2010))
    return factory(dummy).name


if __name__ == "__main__":
    main()
