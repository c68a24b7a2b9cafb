"""Measure what every notebook kernel and CLI call pays: `import dxecon`, and loading plus
validating the whole dataset. Prints medians over repeated fresh processes.

    ./dx python benchmarks/bench_data.py [--repeat 7] [--big-mb 50] [--smallest]

Then `dxecon data check` on a scratch copy of ``data/`` whose ``observations.csv`` is
blown up to about --big-mb MB (the shipped rows repeated with fresh ids): once valid, once
with every row broken (a bad code and an implausible share), as a whole process, the way a
user runs it. Goal (issue 14): under 10 s for 50 MB, at most 50 problems printed.

``--smallest`` (the test that keeps this script from rotting): one repeat, one check of each
about 0.1 MB copy, one in-process run of each query.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SNIPPETS = {
    "python -c pass (floor)": "pass",
    "import dxecon": "import dxecon",
    "import dxecon.data (pandas)": "import dxecon.data",
    "load + validate dataset (whole process)": (
        "from dxecon.data import load_dataset; load_dataset()"
    ),
}

IN_PROCESS = """
import sys, time, statistics
from dxecon.data import validate, load_dataset
from dxecon.data.targets import TargetRegistry
load_dataset()  # warm: pandas imported, files in page cache
def best(fn, n=int(sys.argv[1])):
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


def big_data(folder: Path, megabytes: float, *, broken: bool) -> Path:
    """A copy of data/ whose observations.csv is about ``megabytes`` MB."""
    from dxecon.core import folders

    shutil.copytree(folders.DATA_DIR, folder)
    with open(folders.DATA_DIR / "observations.csv", newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    column = {name: i for i, name in enumerate(header)}
    target = megabytes * 1_000_000
    with open(folder / "observations.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        written, n = 0, 0
        obs_id, duplicate_of = column["obs_id"], column["duplicate_of"]
        while written < target:
            # each copy of the rows gets fresh ids, its duplicate_of pointing within the copy
            fresh = {row[obs_id]: f"BIG{n + i + 1:08d}" for i, row in enumerate(rows)}
            n += len(rows)
            for row in rows:
                row = list(row)
                row[obs_id] = fresh[row[obs_id]]
                if row[duplicate_of]:
                    row[duplicate_of] = fresh[row[duplicate_of]]
                if broken:
                    row[column["geo"]] = "ZZ"
                    if row[column["indicator"]] == "de_share":
                        row[column["value"]] = "140.2"
                writer.writerow(row)
                written += sum(len(c) for c in row) + len(row)
    return folder


def check_seconds(folder: Path) -> tuple[float, float, int, int]:
    """Wall and CPU time of `dxecon data check --data FOLDER` (CPU time moves less when
    others use the machine), its exit code and lines on stderr."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dxecon.apps.cli", "data", "check", "--data", str(folder)],
        capture_output=True,
        text=True,
    )
    wall_s = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall_s, cpu, done.returncode, len(done.stderr.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--big-mb", type=float, default=50.0)
    parser.add_argument("--smallest", action="store_true", help="the smallest sizes (a test)")
    args = parser.parse_args()
    checks, queries = 3, 15  # runs of each data check (median), of each in-process query
    if args.smallest:
        args.repeat, args.big_mb, checks, queries = 1, 0.1, 1, 1
    with tempfile.TemporaryDirectory() as scratch:
        for broken in (False, True):
            folder = big_data(Path(scratch) / f"data-{broken}", args.big_mb, broken=broken)
            size = (folder / "observations.csv").stat().st_size / 1e6
            runs = [check_seconds(folder) for _ in range(checks)]
            seconds = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            code, lines = runs[0][2], runs[0][3]
            label = "broken" if broken else "valid"
            print(
                f"data check, {size:.0f} MB {label} observations.csv: {seconds:.1f} s wall, "
                f"{cpu:.1f} s CPU (median of {checks}), exit {code}, {lines} lines on stderr"
            )
    print(f"{'what':45s} {'median s':>9s} {'min s':>7s} {'max s':>7s}")
    for label, code in SNIPPETS.items():
        times = wall(code, args.repeat)
        print(f"{label:45s} {statistics.median(times):9.3f} {min(times):7.3f} {max(times):7.3f}")
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(queries)], check=True, capture_output=True, text=True
    ).stdout.split()
    labels = [
        "validate (in process)",
        "load_dataset (in process)",
        "one series as of a date",
        "target scoring set",
    ]
    for label, value in zip(labels, out, strict=True):
        print(f"{label:45s} {float(value) * 1000:8.1f} ms (median of {queries})")
    heavy = subprocess.run(
        [sys.executable, "-c", MODULES], check=True, capture_output=True, text=True
    ).stdout.strip()
    print(f"heavy modules loaded by `import dxecon`: {heavy}")


if __name__ == "__main__":
    main()
