"""The unattended monthly job: every scenario for the current month, an index of all runs,
and what changed since the previous month's forecast."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd

from dxecon.core import folders
from dxecon.core.dates import current_month
from dxecon.core.io import write_csv_atomic

INDEX_COLUMNS = ["as_of", "scenario", "status", "finished_utc", "seconds", "folder", "message"]
REVISION_KEYS = ["goal_id"]


def previous_run(outputs_dir: Path, scenario: str, as_of: str) -> Path | None:
    """The latest published run of ``scenario`` for an earlier month, if any."""
    earlier = sorted(
        p
        for p in outputs_dir.glob(f"*/{scenario}")
        if p.parent.name < as_of and (p / "tables" / "scorecard.csv").is_file()
    )
    return earlier[-1] if earlier else None


def revisions(previous: pd.DataFrame | None, current: pd.DataFrame) -> pd.DataFrame:
    """Goal by goal: last month's median and probability against this month's."""
    columns = ["goal_id", "indicator", "year", "median", "probability", "status"]
    now = current[columns]
    if previous is None:
        table = now.assign(previous_median=float("nan"), previous_probability=float("nan"))
        table["previous_status"] = ""
        table["note"] = "first run: nothing to compare"
    else:
        before = previous.reindex(columns=[*REVISION_KEYS, "median", "probability", "status"])
        before = before.rename(
            columns={
                "median": "previous_median",
                "probability": "previous_probability",
                "status": "previous_status",
            }
        )
        table = now.merge(before, on=REVISION_KEYS, how="left")
        table["note"] = ""
    table["median_change"] = table["median"] - table["previous_median"]
    table["probability_change"] = table["probability"] - table["previous_probability"]
    order = ["goal_id", "indicator", "year", "previous_median", "median"]
    order += ["median_change", "previous_probability", "probability", "probability_change"]
    order += ["previous_status", "status", "note"]
    return table[order]


def revision_chart(table: pd.DataFrame, *, scenario: str, as_of: str, previous: str | None):
    """Change in the probability of each forecast target since the previous month."""
    from dxecon.present.charts.plots import bar_chart

    scored = table.dropna(subset=["probability"])
    values = pd.Series(
        (100 * scored["probability_change"].fillna(0.0)).to_numpy(), index=scored["goal_id"]
    )
    since = f"since {previous}" if previous else "(first run: no earlier month)"
    return bar_chart(
        values,
        title=f"Revision of target probabilities {since}, scenario '{scenario}', as of {as_of}",
        ylabel="change in probability, percentage points",
        caption="Probabilities from the scorecards of the two monthly runs (tables/revisions.csv).",
    )


def write_revisions(outputs_dir: Path, scenario: str, as_of: str, folder: Path) -> None:
    """Hook for the runner: add revisions.csv and revisions.png to a staged run folder."""
    from dxecon.present.charts.plots import save

    before_folder = previous_run(outputs_dir, scenario, as_of)
    before = None if before_folder is None else pd.read_csv(before_folder / "tables/scorecard.csv")
    now = pd.read_csv(folder / "tables" / "scorecard.csv")
    table = revisions(before, now)
    previous_as_of = before_folder.parent.name if before_folder else None
    table.insert(0, "previous_as_of", previous_as_of or "")
    write_csv_atomic(table, folder / "tables" / "revisions.csv")
    figure = revision_chart(table, scenario=scenario, as_of=as_of, previous=previous_as_of)
    save(figure, folder / "charts" / "revisions.png")


def month_report(lang: str, *, pdf: bool = False, data_dir: Path | None = None):
    """The last step of a run before it publishes: the month's report (``report.html``,
    ``tables.xlsx``, with ``pdf`` ``report.pdf``) in ``lang``, built by
    `dxecon.report.build_report` in the staged month folder. Returns what
    `dxecon.pipeline.run.run_suite` calls as ``month_report(month, outputs_dir)``."""

    def build(month: Path, outputs_dir: Path) -> Path:
        from dxecon.report import build_report

        return build_report(month, lang, pdf=pdf, data_dir=data_dir, outputs_dir=outputs_dir)

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
    """Run every shipped scenario for the month, record it in the index, add revisions.

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
                after_staging=lambda name, folder: write_revisions(
                    outputs_dir, name, as_of, folder
                ),
                data_dir=data_dir,
                hold_lock=False,
                lang=report_lang or "vi",  # the notebooks speak the report's language
                month_report=(  # issue 13: the month's report
                    month_report(report_lang, pdf=report_pdf, data_dir=data_dir)
                    if report_lang
                    else None
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
                    "folder": f"{as_of}/{s}",
                    "message": "",
                }
                for s in scenarios
            ],
        )
    return result
