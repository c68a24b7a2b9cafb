"""What the report step adds to the monthly run (goal: under 3 s, PDF excluded), and the
report's size, for a run's folder (read-only use: the report is written into a temporary
copy, with the month's panel beside it when there is one).

    ./dx python benchmarks/bench_report.py [OUTPUTS/<as-of>/<place>] [--smallest]

Without a folder, the script makes one first: a run of every shipped scenario as of
``AS_OF`` with no notebooks (``run_suite(notebooks=[])``: the steps' outputs, what the
report reads) into a temporary outputs folder, never the project's. ``--smallest`` (the
test that keeps this script from rotting): that run with the baseline only, the report in
Vietnamese only, and no PDF (it needs Chromium).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dxecon.pipeline import store

AS_OF = "2026-10"


def made_run(outputs: Path, scenarios: list[str]) -> Path:
    """A run's folder with the steps' outputs only (no notebooks, no report)."""
    from dxecon.pipeline.run import run_suite

    start = time.perf_counter()
    result = run_suite(
        as_of=AS_OF, scenarios=scenarios, outputs_dir=outputs, notebooks=[], progress=False
    )
    print(
        f"a run to report on ({', '.join(scenarios)} as of {AS_OF}, no notebooks): "
        f"{time.perf_counter() - start:.1f} s (not part of the goal)"
    )
    return result.month


def scratch_copy(folder: Path, scratch: Path) -> Path:
    """``folder`` (OUTPUTS/<as-of>/<place>) and its month's panel, copied under ``scratch``
    with the same layout, without the report files."""
    month = store.month_folder(scratch, folder.parent.name, folder.name)
    shutil.copytree(folder, month, symlinks=False)
    panel = store.panel_folder(folder)
    if panel.is_dir():
        shutil.copytree(panel, store.panel_folder(month), symlinks=False)
    for stale in (store.REPORT_NAME, store.WORKBOOK_NAME, store.PDF_NAME):
        (month / stale).unlink(missing_ok=True)
    return month


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="a run's OUTPUTS/<as-of>/<place>")
    parser.add_argument("--smallest", action="store_true", help="the smallest sizes (a test)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dxecon-bench-report-") as tmp:
        scratch = Path(tmp)
        if args.folder is None:
            from dxecon.models.scenarios import available_scenarios

            scenarios = ["baseline"] if args.smallest else available_scenarios()
            folder = made_run(scratch / "run", scenarios)
        else:
            folder = args.folder.resolve()
        month = scratch_copy(folder, scratch / "copy")
        # In-process, as the monthly run calls it: the run has already loaded the dataset
        # (run_suite validates it) and imported matplotlib (the revisions chart); the
        # report's own imports (jinja2, babel, openpyxl) are counted.
        import matplotlib.figure  # noqa: F401

        from dxecon.data import load_dataset

        load_dataset()
        from dxecon.report import build_report

        timings = {}
        for lang in ("vi",) if args.smallest else ("vi", "en"):
            start = time.perf_counter()
            html = build_report(month, lang)
            timings[lang] = time.perf_counter() - start
            size = html.stat().st_size
            xlsx = (month / store.WORKBOOK_NAME).stat().st_size
            print(
                f"report ({lang}, {'first' if lang == 'vi' else 'second'} in the process): "
                f"{timings[lang]:.2f} s; {store.REPORT_NAME} {size / 1024:.0f} KiB, "
                f"{store.WORKBOOK_NAME} {xlsx / 1024:.0f} KiB"
            )
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "dxecon.apps.cli", "report", str(month)],
            check=True,
            capture_output=True,
        )
        print(
            f"`dxecon report` as a fresh process (imports included): "
            f"{time.perf_counter() - start:.2f} s"
        )
        if not args.smallest:
            start = time.perf_counter()
            from dxecon.report.pdf import print_pdf

            pdf = print_pdf(html, month / store.PDF_NAME)
            print(
                f"PDF (not part of the goal): {time.perf_counter() - start:.2f} s, "
                f"{pdf.stat().st_size / 1024:.0f} KiB"
            )
        worst = max(timings.values())
        print(f"goal < 3 s (PDF excluded): {'met' if worst < 3 else 'NOT met'} ({worst:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
