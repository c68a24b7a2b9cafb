"""The unattended monthly job: every scenario for the current month and an index of all runs
(what changed since the previous month is the run's ``revisions`` step)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

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
    None: the default place), then the places side by side (the panel), then each place's
    report, once, with the panel; record every run in the index.

    Each place's run is staged (`dxecon.pipeline.run.stage_suite`: computed and shown,
    nothing published); the panel is made from the places staged and the other places
    published for the month (`dxecon.pipeline.run.stage_panel`), as soon as the last place's
    steps are computed, its notebook running beside that place's last ones; then each staged
    place gets its report (with the staged panel's outputs; the last place's is built while
    its last notebooks run) and is published at once
    (`MonthRun.publish`), so a published month always has the report of its own run; then
    the panel is published. A place that fails keeps its earlier outputs and does not stop
    the others, and `PlacesFailedError` names the failed ones at the end; a panel that fails
    leaves the published panel as it was (a panel whose step failed: the places' reports
    show the published one), the places are published, and its error is raised after them.
    The outputs lock is held from before the first run until the last index row is written,
    so a second job is refused without touching the index, and the index never loses a
    row. Every kernel of the job has the same environment and is reaped when the job ends.
    Returns {place: RunResult} of the places published."""
    from dxecon.core.places import default_place, list_places
    from dxecon.core.reaper import reaping
    from dxecon.models.scenarios import available_scenarios
    from dxecon.pipeline import run as runs
    from dxecon.pipeline import store
    from dxecon.pipeline.execute import environment, one_blas_thread
    from dxecon.pipeline.publish import clean_stale, outputs_lock

    as_of = as_of or current_month()
    outputs_dir = Path(outputs_dir or folders.OUTPUTS_DIR)
    places = list(places or [default_place()])
    scenarios = available_scenarios()
    finished = lambda: dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    published_panel = store.month_folder(outputs_dir, as_of, store.PANEL)
    staged, failed, results = {}, {}, {}
    seconds: dict[str, float] = {}
    panel: dict[str, Any] = {"run": None, "error": None}
    reported: set[Path] = set()  # staged months whose report is built

    def index(place: str, status: str, message: str = "") -> None:
        record(
            outputs_dir,
            [
                {
                    "as_of": as_of,
                    "place": place,
                    "scenario": s,
                    "status": status,
                    "finished_utc": finished(),
                    "seconds": round(seconds[place], 1),
                    "folder": f"{as_of}/{place}/{slugify(s)}" if status == "ok" else "",
                    "message": message,
                }
                for s in scenarios
            ],
        )

    def stage_panel(last=None) -> None:
        """The panel from the places staged (``last``: the last place's run, being staged),
        and the others published for the month."""
        months = {code: run.month for code, run in staged.items()}
        if last is not None:
            months[last.ctx.place] = last.month
        months |= {
            code: folder
            for code in list_places()
            if code not in months
            and store.manifest_path(
                folder := store.month_folder(outputs_dir, as_of, code)
            ).is_file()
        }
        try:
            panel["run"] = runs.stage_panel(
                as_of=as_of,
                places=[code for code in list_places() if code in months],
                outputs_dir=outputs_dir,
                lang=report_lang or "vi",
                data_dir=data_dir,
                progress=progress,
                months=months,
                pool=None if last is None else last.pool,  # its notebook in the run's kernels
            )
        except DxeconError as exc:
            panel["error"] = exc

    def report_beside_panel(month: Path) -> object:
        """The last place's report, built while its last notebooks run, with the panel the
        same run has just staged (the published one if the panel could not be made)."""
        shown = panel["run"].month if panel["run"] is not None else published_panel
        reported.add(month)
        return month_report(report_lang, pdf=report_pdf, panel=shown)(month)

    kernels = environment(runs.kernel_environment(data_dir))
    with outputs_lock(outputs_dir), kernels, one_blas_thread(), reaping():
        clean_stale(outputs_dir / ".runs")  # once: the places staged below are not stale
        try:
            for number, place in enumerate(places, start=1):
                start = time.perf_counter()
                try:
                    staged[place] = runs.stage_suite(
                        as_of=as_of,
                        scenarios=scenarios,
                        outputs_dir=outputs_dir,
                        workers=workers,
                        progress=progress,
                        data_dir=data_dir,
                        lang=report_lang or "vi",  # the notebooks speak the report's language
                        place=place,
                        clean=False,
                        computed=stage_panel if number == len(places) else None,
                        month_report=(
                            report_beside_panel if number == len(places) and report_lang else None
                        ),
                    )
                except DxeconError as exc:
                    failed[place] = str(exc).splitlines()[0]
                    seconds[place] = time.perf_counter() - start
                    index(place, "failed", failed[place])
                else:
                    seconds[place] = time.perf_counter() - start
            if panel["run"] is not None and places[-1] not in staged:
                panel["run"].discard()  # made with the last place, which then failed
                panel["run"] = None
            if panel["run"] is None and panel["error"] is None and staged:
                stage_panel()
            shown = panel["run"].month if panel["run"] is not None else published_panel
            report = month_report(report_lang, pdf=report_pdf, panel=shown) if report_lang else None
            while staged:
                place, run = next(iter(staged.items()))
                del staged[place]
                start = time.perf_counter()
                built = run.month in reported  # while its last notebooks ran
                try:
                    result = run.publish(None if built else report)  # the report, once
                except DxeconError as exc:  # publish left the earlier outputs as they were
                    failed[place] = str(exc).splitlines()[0]
                    seconds[place] += time.perf_counter() - start
                    index(place, "failed", failed[place])
                    continue
                seconds[place] += time.perf_counter() - start
                results[place], result.seconds = result, seconds[place]
                index(place, "ok")
            if panel["run"] is not None:
                made, panel["run"] = panel["run"], None
                try:
                    made.publish()
                except DxeconError as exc:
                    panel["error"] = exc
        finally:
            for run in staged.values():  # interrupted before publishing: kept as failed-*
                run.discard()
            if panel["run"] is not None:
                panel["run"].discard()
    if failed:
        raise PlacesFailedError(failed, results)
    if panel["error"] is not None:
        raise panel["error"]
    return results
