"""The unattended monthly job: every scenario for the current month and an index of all runs
(what changed since the previous month is the run's ``revisions`` step)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd

from dxecon.core import folders
from dxecon.core.dates import current_month
from dxecon.core.errors import DxeconError
from dxecon.core.folders import slugify
from dxecon.core.io import write_csv_atomic

INDEX_COLUMNS = ["as_of", "place", "scenario", "status", "finished_utc", "seconds", "folder"]
INDEX_COLUMNS += ["message"]


class PlacesFailedError(DxeconError):
    """Some places of a monthly run failed; the others were published (``published``:
    place -> its `RunResult`)."""

    def __init__(self, failed: dict[str, str], published: dict) -> None:
        self.failed, self.published = failed, published
        lines = [f"{code}: {message}" for code, message in failed.items()]
        done = ", ".join(published) or "none"
        super().__init__(
            f"the run failed for {', '.join(failed)} (its earlier outputs are kept); "
            f"published: {done}\n" + "\n".join(lines)
        )


def month_report(lang: str, *, pdf: bool = False, panel: Path | None = None):
    """The last step of a run before it publishes: the month's report (``report.html``,
    ``tables.xlsx``, with ``pdf`` ``report.pdf``) in ``lang``, built by
    `dxecon.report.build_report` from the staged month folder's outputs (``panel``: the
    month's published panel folder, for the places section). Returns what
    `dxecon.pipeline.run.run_suite` calls as ``month_report(month)``."""

    def build(month: Path) -> Path:
        from dxecon.report import build_report

        return build_report(month, lang, pdf=pdf, panel=panel)

    return build


def record(outputs_dir: Path, rows: list[dict]) -> Path:
    """Append rows to ``outputs/index.csv`` (rewritten atomically, mode 0644). The caller
    holds the outputs lock (`dxecon.pipeline.publish.outputs_lock`): every write to it does."""
    index = outputs_dir / "index.csv"
    old = pd.read_csv(index, dtype=str) if index.is_file() else pd.DataFrame(columns=INDEX_COLUMNS)
    new = pd.DataFrame(rows).reindex(columns=INDEX_COLUMNS)
    both = pd.concat([old.reindex(columns=INDEX_COLUMNS), new.astype(str)], ignore_index=True)
    return write_csv_atomic(both, index)


def run_monthly(
    *,
    as_of: str | None = None,
    outputs_dir: Path | None = None,
    workers: int = 2,
    progress: bool = False,
    data_dir: Path | None = None,
    report_lang: str | None = "vi",
    report_pdf: bool = False,
    places: list[str] | None = None,
):
    """Run every shipped scenario for the month about each of ``places`` (profile codes;
    None: the default place), then the places side by side (`run_panel`, over every place
    published for the month), then each of those places' reports with the panel, and
    record every run in the index.

    Each place is published on its own (``outputs/<as-of>/<place>/``, at once): a place
    that fails keeps its earlier outputs and does not stop the others; the panel and the
    reports are made from the places published, and `PlacesFailedError` names the failed
    ones at the end. The outputs lock is held from before the first run until the last
    index row is written, so a second job is refused without touching the index, and the
    index never loses a row. Returns {place: RunResult} of the places published."""
    from dxecon.core.places import default_place, list_places
    from dxecon.models.scenarios import available_scenarios
    from dxecon.pipeline import store
    from dxecon.pipeline.publish import outputs_lock
    from dxecon.pipeline.run import run_panel, run_suite

    as_of = as_of or current_month()
    outputs_dir = Path(outputs_dir or folders.OUTPUTS_DIR)
    places = list(places or [default_place()])
    scenarios = available_scenarios()
    finished = lambda: dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    panel = store.month_folder(outputs_dir, as_of, store.PANEL)
    results, failed = {}, {}
    with outputs_lock(outputs_dir):
        for place in places:
            start = time.perf_counter()
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
                        month_report(report_lang, pdf=report_pdf, panel=panel)
                        if report_lang
                        else None
                    ),
                    place=place,
                )
            except DxeconError as exc:
                failed[place] = str(exc).splitlines()[0]
                status, seconds, message = "failed", time.perf_counter() - start, failed[place]
            else:
                results[place] = result
                status, seconds, message = "ok", result.seconds, ""
            record(
                outputs_dir,
                [
                    {
                        "as_of": as_of,
                        "place": place,
                        "scenario": s,
                        "status": status,
                        "finished_utc": finished(),
                        "seconds": round(seconds, 1),
                        "folder": f"{as_of}/{place}/{slugify(s)}" if status == "ok" else "",
                        "message": message,
                    }
                    for s in scenarios
                ],
            )
        published = [
            code
            for code in list_places()
            if store.manifest_path(store.month_folder(outputs_dir, as_of, code)).is_file()
        ]
        if results and published:
            run_panel(
                as_of=as_of,
                places=published,
                outputs_dir=outputs_dir,
                lang=report_lang or "vi",
                data_dir=data_dir,
                progress=progress,
            )
            if report_lang:  # each report again, now with the month's panel
                for code in published:
                    folder = store.month_folder(outputs_dir, as_of, code)
                    month_report(report_lang, pdf=report_pdf, panel=panel)(folder)
    if failed:
        raise PlacesFailedError(failed, results)
    return results
