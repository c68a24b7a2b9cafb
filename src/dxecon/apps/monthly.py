"""The unattended monthly job: every scenario for the current month and an index of all runs
(what changed since the previous month is the run's ``revisions`` step)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd

from dxecon.core import folders
from dxecon.core.dates import current_month
from dxecon.core.folders import slugify
from dxecon.core.io import write_csv_atomic

INDEX_COLUMNS = ["as_of", "scenario", "status", "finished_utc", "seconds", "folder", "message"]


def month_report(lang: str, *, pdf: bool = False):
    """The last step of a run before it publishes: the month's report (``report.html``,
    ``tables.xlsx``, with ``pdf`` ``report.pdf``) in ``lang``, built by
    `dxecon.report.build_report` from the staged month folder's outputs. Returns what
    `dxecon.pipeline.run.run_suite` calls as ``month_report(month)``."""

    def build(month: Path) -> Path:
        from dxecon.report import build_report

        return build_report(month, lang, pdf=pdf)

    return build


def record(outputs_dir: Path, rows: list[dict]) -> Path:
    """Append rows to ``outputs/index.csv`` (rewritten atomically, mode 0644). The caller
    holds the outputs lock (`dxecon.pipeline.publish.outputs_lock`): every write to it does."""
    index = outputs_dir / "index.csv"
    old = pd.read_csv(index, dtype=str) if index.is_file() else pd.DataFrame(columns=INDEX_COLUMNS)
    new = pd.DataFrame(rows).reindex(columns=INDEX_COLUMNS)
    return write_csv_atomic(pd.concat([old, new.astype(str)], ignore_index=True), index)


def run_monthly(
    *,
    as_of: str | None = None,
    outputs_dir: Path | None = None,
    workers: int = 2,
    progress: bool = False,
    data_dir: Path | None = None,
    report_lang: str | None = "vi",
    report_pdf: bool = False,
):
    """Run every shipped scenario for the month and record it in the index.

    The outputs lock is held from before the run until the index row is written, so a
    second job is refused without touching the index, and the index never loses a row."""
    from dxecon.core.errors import DxeconError
    from dxecon.models.scenarios import available_scenarios
    from dxecon.pipeline.publish import outputs_lock
    from dxecon.pipeline.run import run_suite

    as_of = as_of or current_month()
    outputs_dir = Path(outputs_dir or folders.OUTPUTS_DIR)
    scenarios = available_scenarios()
    start = time.perf_counter()
    finished = lambda: dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    with outputs_lock(outputs_dir):
        try:
            result = run_suite(
                as_of=as_of,
                scenarios=scenarios,
                outputs_dir=outputs_dir,
                workers=workers,
                progress=progress,
                data_dir=data_dir,
                hold_lock=False,
                lang=report_lang or "vi",  # the notebooks speak the report's language
                month_report=(  # issue 13: the month's report
                    month_report(report_lang, pdf=report_pdf) if report_lang else None
                ),
            )
        except DxeconError as exc:
            record(
                outputs_dir,
                [
                    {
                        "as_of": as_of,
                        "scenario": s,
                        "status": "failed",
                        "finished_utc": finished(),
                        "seconds": round(time.perf_counter() - start, 1),
                        "folder": "",
                        "message": str(exc).splitlines()[0],
                    }
                    for s in scenarios
                ],
            )
            raise
        record(
            outputs_dir,
            [
                {
                    "as_of": as_of,
                    "scenario": s,
                    "status": "ok",
                    "finished_utc": finished(),
                    "seconds": round(result.seconds, 1),
                    "folder": f"{as_of}/{slugify(s)}",
                    "message": "",
                }
                for s in scenarios
            ],
        )
    return result
