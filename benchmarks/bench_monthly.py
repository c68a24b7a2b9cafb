"""The monthly run's speed against a yardstick measured on the same machine, in the same run
(issue 21). Measures and prints; a benchmark, not a test. Nothing that the run imports is
imported before it (nbformat and papermill come after), so the run pays its own imports.

    ./dx python benchmarks/bench_monthly.py [--outputs /tmp/bench-out] [--smallest]

1. **Yardstick**: eleven imports of pandas, statsmodels and matplotlib, each in a fresh
   Python process (the machine is shared: a figure relative to it moves less with others'
   load than seconds do).
2. **Monthly run** of the shipped scenarios (``run_monthly``, in process, as ``./dx main``
   runs it; its report included). Goal: at most 0.8x the yardstick.
3. **Notebook 05** of one scenario through papermill, as the run executed it (its injected
   parameters, the published month folder: it loads the run's saved outputs). Goal: <= 4 s.
   Do not commit while it runs: a notebook loads a run's outputs only when the code's
   revision is the run's.
4. **Papermill's overhead**: an empty parameterised notebook (kernel start, messaging,
   writing the notebook). Goal: <= 1.2 s a notebook.

``--smallest`` (the test that keeps this script from rotting): one import, one empty
notebook, no monthly run and so no notebook 05.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dxecon.pipeline.execute import KERNEL_NAME, environment, single_threaded_blas

IMPORTS = "import pandas, statsmodels.api, matplotlib.pyplot"
YARDSTICK_IMPORTS = 11
#: Goals: the monthly run relative to the yardstick; seconds for a notebook.
RUN_GOAL, NOTEBOOK_GOAL, OVERHEAD_GOAL = 0.8, 4.0, 1.2
SCENARIO_NOTEBOOK, SCENARIO = "05_scenario_forecast.ipynb", "baseline"


def yardstick(count: int) -> float:
    """Seconds of ``count`` imports of pandas+statsmodels+matplotlib in fresh processes."""
    start = time.perf_counter()
    for _ in range(count):
        subprocess.run([sys.executable, "-c", IMPORTS], check=True)
    return time.perf_counter() - start


def monthly_run(outputs: Path) -> tuple[float, Path]:
    """Seconds of the monthly run of the shipped scenarios for the default place (``./dx
    main``), and its month folder."""
    from dxecon.apps.monthly import run_monthly
    from dxecon.core.places import default_place

    start = time.perf_counter()
    results = run_monthly(outputs_dir=outputs, workers=2)  # place -> RunResult
    return time.perf_counter() - start, results[default_place()].month


def papermill_seconds(notebook: Path, parameters: dict, folder: Path) -> float:
    """Seconds of one papermill execution of ``notebook`` (a fresh kernel)."""
    import papermill

    start = time.perf_counter()
    with environment(single_threaded_blas()):
        papermill.execute_notebook(
            str(notebook),
            str(folder / f"bench-{notebook.name}"),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            cwd=str(notebook.parent),
        )
    return time.perf_counter() - start


def scenario_notebook(month: Path, folder: Path) -> float:
    """Notebook 05 of one scenario, re-executed with the parameters the run injected."""
    import nbformat

    from dxecon.core import folders
    from dxecon.pipeline import store

    executed = store.notebook_path(month, SCENARIO_NOTEBOOK, SCENARIO)
    injected = nbformat.read(executed, as_version=4).metadata["papermill"]["parameters"]
    injected["output_dir"] = str(month)  # the run injected its staging folder, now published
    return papermill_seconds(folders.NOTEBOOKS_DIR / SCENARIO_NOTEBOOK, injected, folder)


def overhead(folder: Path, repeat: int) -> float:
    """Median seconds of an empty parameterised notebook through papermill."""
    import nbformat

    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("x")]
    book.cells[0].metadata["tags"] = ["parameters"]
    book.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": KERNEL_NAME,
        "language": "python",
    }
    book.metadata["language_info"] = {"name": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(book, path)
    return statistics.median(papermill_seconds(path, {"x": 2}, folder) for _ in range(repeat))


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs", type=Path, help="scratch outputs folder (default: temp)")
    parser.add_argument("--smallest", action="store_true", help="the smallest sizes (a test)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-monthly-") as scratch:
        folder = Path(scratch)
        outputs = args.outputs or folder / "outputs"
        imports = 1 if args.smallest else YARDSTICK_IMPORTS
        stick = yardstick(imports)
        print(f"yardstick: {imports} imports of pandas+statsmodels+matplotlib: {stick:.1f} s")
        if not args.smallest:
            seconds, month = monthly_run(outputs)
            ratio = seconds / stick
            print(
                f"monthly run, shipped scenarios: {seconds:.1f} s = {ratio:.2f}x the yardstick"
                f" (goal <= {RUN_GOAL}x): {verdict(ratio <= RUN_GOAL)}"
            )
            nb = scenario_notebook(month, folder)
            print(
                f"notebook {SCENARIO_NOTEBOOK} ({SCENARIO}) through papermill in the run: "
                f"{nb:.1f} s (goal <= {NOTEBOOK_GOAL} s): {verdict(nb <= NOTEBOOK_GOAL)}"
            )
        empty = overhead(folder, 1 if args.smallest else 3)
        print(
            f"papermill's overhead (empty parameterised notebook): {empty:.1f} s "
            f"(goal <= {OVERHEAD_GOAL} s): {verdict(empty <= OVERHEAD_GOAL)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
