"""Measure what every notebook kernel and CLI call pays: `import dxecon`, and loading plus
validating the whole dataset. Prints medians over repeated fresh processes.

    .venv/bin/python benchmarks/bench_data.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

SNIPPETS = {
    "python -c pass (floor)": "pass",
    "import dxecon": "import dxecon",
    "import dxecon.data (pandas)": "import dxecon.data",
    "load + validate dataset (whole process)": (
        "from dxecon.data import load_dataset; load_dataset()"
    ),
}

IN_PROCESS = """
import time, statistics
from dxecon.data import validate, load_dataset
from dxecon.targets import TargetRegistry
load_dataset()  # warm: pandas imported, files in page cache
def best(fn, n=15):
    times = []
    for _ in range(n):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return statistics.median(times)
print(best(lambda: validate("data")))
print(best(lambda: load_dataset()))
ds = load_dataset()
print(best(lambda: ds.series("de_share", "VN", method="GSO", as_of="2025-06")))
print(best(lambda: TargetRegistry(ds).scoring_set()))
"""

MODULES = (
    "import sys, dxecon; "
    "print(sorted(m for m in ('pandas', 'statsmodels', 'matplotlib', 'scipy') if m in sys.modules))"
)


def wall(code: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"{'what':45s} {'median s':>9s} {'min s':>7s} {'max s':>7s}")
    for label, code in SNIPPETS.items():
        times = wall(code, args.repeat)
        print(f"{label:45s} {statistics.median(times):9.3f} {min(times):7.3f} {max(times):7.3f}")
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS], check=True, capture_output=True, text=True
    ).stdout.split()
    labels = [
        "validate (in process)",
        "load_dataset (in process)",
        "one series as of a date",
        "target scoring set",
    ]
    for label, value in zip(labels, out, strict=True):
        print(f"{label:45s} {float(value) * 1000:8.1f} ms (median of 15)")
    heavy = subprocess.run(
        [sys.executable, "-c", MODULES], check=True, capture_output=True, text=True
    ).stdout.strip()
    print(f"heavy modules loaded by `import dxecon`: {heavy}")


if __name__ == "__main__":
    main()
