"""What the report step adds to the monthly run (goal: under 3 s, PDF excluded), and the
report's size, for a month folder written by a run (read-only use: the report is written
into a temporary copy).

    .venv/bin/python benchmarks/bench_report.py OUTPUTS/<as-of>
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="dxecon-bench-report-") as tmp:
        if len(sys.argv) < 2:
            sys.exit("give a month folder written by a run: outputs/<YYYY-MM>/")
        month = Path(tmp) / Path(sys.argv[1]).name
        shutil.copytree(Path(sys.argv[1]), month, symlinks=False)
        for stale in ("report.html", "tables.xlsx", "report.pdf"):
            (month / stale).unlink(missing_ok=True)
        # In-process, as the monthly run calls it: the run has already loaded the dataset
        # (run_suite validates it) and imported matplotlib (the revisions chart); the
        # report's own imports (jinja2, babel, openpyxl) are counted.
        import matplotlib.figure  # noqa: F401

        from dxecon.data import load_dataset

        load_dataset()
        from dxecon.report import build_report

        timings = {}
        for lang in ("vi", "en"):
            start = time.perf_counter()
            html = build_report(month, lang)
            timings[lang] = time.perf_counter() - start
            size = html.stat().st_size
            xlsx = (month / "tables.xlsx").stat().st_size
            print(
                f"report ({lang}, {'first' if lang == 'vi' else 'second'} in the process): "
                f"{timings[lang]:.2f} s; report.html "
                f"{size / 1024:.0f} KiB, tables.xlsx {xlsx / 1024:.0f} KiB"
            )
        start = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv/bin/dxecon"), "report", str(month)], check=True, capture_output=True
        )
        print(
            f"`dxecon report` as a fresh process (imports included): "
            f"{time.perf_counter() - start:.2f} s"
        )
        start = time.perf_counter()
        from dxecon.report.pdf import print_pdf

        pdf = print_pdf(html, month / "report.pdf")
        print(
            f"PDF (not part of the goal): {time.perf_counter() - start:.2f} s, "
            f"{pdf.stat().st_size / 1024:.0f} KiB"
        )
        worst = max(timings.values())
        print(f"goal < 3 s (PDF excluded): {'met' if worst < 3 else 'NOT met'} ({worst:.2f} s)")


if __name__ == "__main__":
    main()
