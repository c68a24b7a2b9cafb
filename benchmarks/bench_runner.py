"""Wall time of the whole monthly run, and what papermill adds per notebook.

    .venv/bin/python benchmarks/bench_runner.py [--repeat 3]

1. ``run_monthly`` for every shipped scenario into a scratch outputs folder (in process,
   as ``./dx main`` runs it once the environment exists), median of --repeat runs.
2. For each notebook: ``papermill.execute_notebook`` (fresh kernel each time) against the
   same code as a plain Python script (nbconvert's PythonExporter, run with ``python``);
   the difference is papermill's overhead: kernel start, messaging, writing the notebook.

Both sides run with the environment the runner gives its kernels (one BLAS thread each,
`dxecon.pipeline.execute.single_threaded_blas`). The machine is shared: the script also prints the
CPU seconds of the monthly run (its kernels included), which others' load moves less.

Goals (issue 14): the monthly run under 20 s on 2 cores, overhead under 1.5 s a notebook.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbconvert import PythonExporter

from dxecon.apps.monthly import run_monthly
from dxecon.core import folders
from dxecon.pipeline.execute import KERNEL_NAME, environment, single_threaded_blas
from dxecon.pipeline.suite import suite


def as_script(notebook: Path, folder: Path) -> Path:
    book = nbformat.read(notebook, as_version=4)
    source, _ = PythonExporter().from_notebook_node(book)
    # Drop IPython-only lines (there are none in the suite, but be safe).
    source = "\n".join(line for line in source.splitlines() if not line.startswith("get_ipython"))
    script = folder / f"{notebook.stem}.py"
    script.write_text(source, encoding="utf-8")
    return script


def time_papermill(notebook: Path, folder: Path) -> float:
    import papermill

    start = time.perf_counter()
    with environment(single_threaded_blas()):
        papermill.execute_notebook(
            str(notebook),
            str(folder / notebook.name),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            cwd=str(folders.PROJECT_ROOT),
        )
    return time.perf_counter() - start


def time_script(script: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(script)],
        check=True,
        cwd=folders.PROJECT_ROOT,
        capture_output=True,
        env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin", **single_threaded_blas()},
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import resource

    import papermill  # noqa: F401  (import cost paid once, as in the runner)

    def cpu_seconds() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    monthly, cpu = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as scratch:
            start, used = time.perf_counter(), cpu_seconds()
            result = run_monthly(as_of="2026-10", outputs_dir=Path(scratch), progress=False)
            monthly.append(time.perf_counter() - start)
            cpu.append(cpu_seconds() - used)
    runs = len(result.durations)
    print(f"monthly run, {len(result.folders)} scenarios, {runs} notebook executions, 2 workers:")
    print(
        f"  wall median {statistics.median(monthly):.1f} s (min {min(monthly):.1f}, "
        f"max {max(monthly):.1f}) over {args.repeat} runs; goal < 20 s"
    )
    print(f"  CPU median {statistics.median(cpu):.1f} s (the run and its kernels, both cores)")

    print("\nper notebook (median of --repeat): papermill vs plain script, overhead")
    overheads = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for notebook in suite():
            script = as_script(notebook.path, folder)
            pm = statistics.median(
                time_papermill(notebook.path, folder) for _ in range(args.repeat)
            )
            py = statistics.median(time_script(script) for _ in range(args.repeat))
            overheads.append(pm - py)
            print(
                f"  {notebook.name:32s} papermill {pm:5.2f} s  script {py:5.2f} s  "
                f"overhead {pm - py:+5.2f} s"
            )
    print(f"  median overhead {statistics.median(overheads):+.2f} s a notebook; goal < 1.5 s")


if __name__ == "__main__":
    main()
