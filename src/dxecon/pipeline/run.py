"""Run the notebook suite with papermill into ``outputs/<as-of>/<scenario>/``, atomically.

A run checks its inputs (the data folder, every scenario) before any notebook starts,
executes the suite (`dxecon.pipeline.execute`) in a staging folder, assembles each
scenario's folder (the once-per-run notebooks' outputs copied in, ``forecasts.csv``, the
HTML of its notebooks, ``manifest.json``) and publishes the month atomically
(`dxecon.pipeline.publish`). A failed run keeps its partial folder (``.runs/failed-*``) for
debugging and changes nothing else. Which notebooks run, with which parameters:
`dxecon.pipeline.suite`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dxecon.core import folders
from dxecon.core.errors import DxeconError, ParamsError, SeriesSelectionError
from dxecon.models.scenarios.config import RESERVED_NAMES, slugify
from dxecon.pipeline.execute import (
    RunError,
    Task,
    environment,
    run_tasks,
    single_threaded_blas,
    task_label,
)
from dxecon.pipeline.manifest import code_revision, package_versions, write_manifest
from dxecon.pipeline.publish import (
    OutputsWriteError,
    clean_stale,
    copy_previous,
    outputs_lock,
    publish_month,
)
from dxecon.pipeline.suite import Notebook, check_params, notebook_values, suite


def check_scenario_name(name: str, *, file: str = "<command line>") -> None:
    """Refuse names that are folders of the outputs layout (``sweeps``, ``quick``, ...) or
    hidden (a leading dot): a scenario of that name would overwrite them."""
    if name in RESERVED_NAMES or name.startswith(".") or "/" in name or not name:
        raise ParamsError(
            file,
            "name",
            f"{name!r} cannot name a scenario: {', '.join(RESERVED_NAMES)} and names starting "
            "with a dot are folders of the outputs layout; choose another name",
        )


@dataclass
class RunResult:
    as_of: str
    folders: dict[str, Path] = field(default_factory=dict)  # scenario -> published folder
    durations: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    report_problem: str | None = None  # why the month's report was not written, if it was not


@functools.cache
def _html_exporter():
    """One exporter per process: building one compiles its templates (a second each)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def html_report(notebooks: list[Path], target: Path, *, title: str) -> None:
    """One HTML page from executed notebooks, without code (nbconvert)."""
    import nbformat

    merged = nbformat.v4.new_notebook(metadata={"title": title})
    for path in notebooks:
        book = nbformat.read(path, as_version=4)
        for cell in book.cells:
            tags = cell.metadata.get("tags", [])
            if "parameters" in tags or "injected-parameters" in tags:
                continue
            merged.cells.append(cell)
    exporter = _html_exporter()
    body, _ = exporter.from_notebook_node(merged, resources={"metadata": {"name": title}})
    target.write_text(body, encoding="utf-8")


#: Writes the month's report into a staged month folder: ``month_report(month, outputs_dir)``.
MonthReport = Callable[[Path, Path], object]


def _month_report(month: Path, month_report: MonthReport, outputs_dir: Path, result) -> None:
    """The month's report, built by ``month_report`` from the staged month's tables before it
    is published (the report layer's `build_report`, which the apps pass in, issue 13). A
    report that fails does not hold back the forecasts: the run publishes them and says so."""
    start = time.perf_counter()
    try:
        month_report(month, outputs_dir)
    except DxeconError as exc:
        print(f"warning: the report was not written: {exc}", file=sys.stderr)
        result.report_problem = str(exc)
        return
    result.durations["report"] = round(time.perf_counter() - start, 2)


def scenario_values(
    name: str, params: dict[str, Any], *, params_file: str | None, as_of: str
) -> tuple[dict[str, Any], str]:
    """A scenario's whole file as notebook parameters: the shipped ``NAME.yaml`` with
    ``params`` laid over it (a whole scenario from ``--params`` replaces it) and the run's
    ``as_of``, and the file that errors must name (the user's, when the values come from
    it). Neither file may hold what the run gives or computes
    (`dxecon.models.scenarios.config.check_scenario_file`)."""
    from dxecon.core.params import load_yaml, params_path
    from dxecon.models.scenarios.config import check_scenario_file

    shipped = params_path(name, "scenarios")
    check_scenario_file(params, file=params_file or "<parameters>")
    whole = "sectors" in params and "description" in params
    if whole or not shipped.is_file():
        values, file = {}, params_file or "<parameters>"
    else:
        values, file = load_yaml(shipped), str(shipped)
        check_scenario_file(values, file=file)
        if params and params_file:
            file = params_file
    values.update(params)
    values["name"] = name
    values["as_of"] = as_of
    return values, file


def validate_scenarios(
    scenarios: list[str], params: dict[str, Any], *, params_file: str | None, as_of: str, dataset
) -> dict[str, dict[str, Any]]:
    """Every scenario fully checked before any notebook starts: its file, its codes against
    the data folder's code lists, and the resource budget. Returns name -> its values."""
    from dxecon.data.targets import TargetRegistry
    from dxecon.models.scenarios.budget import check_budget
    from dxecon.models.scenarios.config import check_scenario_codes, scenario_from_dict
    from dxecon.models.scenarios.start import resolve_start

    known = TargetRegistry(dataset).instruments
    found = {}
    for name in scenarios:
        check_scenario_name(name, file=params_file or "<command line>")
        values, file = scenario_values(name, params, params_file=params_file, as_of=as_of)
        if not values.get("sectors") and file == "<parameters>":
            from dxecon.core.params import params_path
            from dxecon.models.scenarios import available_scenarios

            shipped = ", ".join(available_scenarios()) or "none"
            raise ParamsError(
                str(params_path(name, "scenarios")),
                "name",
                f"unknown scenario '{name}'; shipped: {shipped}",
            )
        scenario = scenario_from_dict(values, file=file, known_instruments=known)
        check_scenario_codes(scenario, dataset, file=file)
        # The observed start (read from the data as of the run) is checked too: a scenario
        # whose ceilings sit below today's shares fails here, before any notebook starts.
        try:
            years = len(resolve_start(scenario, dataset, file=file)[0].years)
        except SeriesSelectionError:
            # Nothing published yet to start from (a past month): the scenario notebooks say
            # so in their output and the run goes on; budget the years from the as-of.
            years = scenario.horizon - int(as_of[:4]) + 1
        check_budget(
            scenario.paths, len(scenario.sectors), years, what=f"{file}: scenario '{name}'"
        )
        found[name] = values
    return found


def run_suite(
    *,
    as_of: str,
    scenarios: list[str],
    params: dict[str, Any] | None = None,
    params_file: str = "<none>",
    outputs_dir: Path | None = None,
    workers: int = 2,
    progress: bool = True,
    after_staging=None,
    data_dir: Path | None = None,
    hold_lock: bool = True,
    lang: str = "vi",
    month_report: MonthReport | None = None,
) -> RunResult:
    """Execute the suite for each scenario; see the module docstring for the guarantees.

    Parameters
    ----------
    as_of : 'YYYY-MM'
        The vintage: every notebook sees only figures published by the end of that month.
    scenarios : list of str
        Shipped scenario names; with ``params`` holding a whole scenario, its name.
    params : dict, optional
        Scenario keys (a whole scenario saved by the explorer, or a few keys laid over each
        shipped scenario); they reach the scenario notebooks only.
    params_file : str
        Where ``params`` came from: errors name it.
    after_staging : callable(scenario, folder), optional
        Called for each scenario's staged folder before publishing (monthly revisions).
    data_dir : path, optional
        Another data folder with the shipped layout; the notebook kernels read it too.
    hold_lock : bool
        False when the caller already holds `outputs_lock` (the monthly job, which writes
        the index under the same lock).
    lang : 'vi' or 'en'
        The notebooks' language.
    month_report : callable(month, outputs_dir), optional
        Writes the month's report (``report.html``, ``tables.xlsx``) into the staged month
        folder before it is published (`dxecon.apps.monthly.month_report`); a report that
        fails does not hold back the forecasts (``RunResult.report_problem`` says why).
        None: no report.
    """
    from dxecon.data import load_dataset
    from dxecon.data.selection import parse_as_of

    parse_as_of(as_of)  # a bad date fails here, before anything runs
    outputs_dir = Path(outputs_dir or folders.OUTPUTS_DIR)
    notebooks = suite()
    params = dict(params or {})
    params.pop("name", None)
    given_file = None if params_file == "<none>" else params_file
    check_params(params, notebooks, file=params_file)
    dataset = load_dataset(data_dir)  # refuses data that fails the schema, before computing
    values = validate_scenarios(
        scenarios, params, params_file=given_file, as_of=as_of, dataset=dataset
    )
    lock = outputs_lock(outputs_dir) if hold_lock else _nothing()
    with lock:
        return _run_locked(
            as_of=as_of,
            scenarios=scenarios,
            values=values,
            params=params,
            params_file=params_file,
            outputs_dir=outputs_dir,
            notebooks=notebooks,
            dataset=dataset,
            workers=workers,
            progress=progress,
            after_staging=after_staging,
            data_dir=data_dir,
            lang=lang,
            month_report=month_report,
        )


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _run_locked(
    *,
    as_of,
    scenarios,
    values,
    params,
    params_file,
    outputs_dir,
    notebooks,
    dataset,
    workers,
    progress,
    after_staging,
    data_dir,
    lang="vi",
    month_report=None,
) -> RunResult:
    from dxecon.core.reaper import reaping

    started = dt.datetime.now(dt.UTC)
    runs_dir = outputs_dir / ".runs"
    clean_stale(runs_dir)
    run_id = f"{as_of}-{started:%Y%m%dT%H%M%S}-{os.getpid()}"
    staging = runs_dir / f"staging-{run_id}"
    month = staging / "month"
    tasks = _longest_first(
        _plan(notebooks, scenarios, values, as_of, month, staging / "common", lang), outputs_dir
    )
    result = RunResult(as_of=as_of)
    clock = time.perf_counter()
    kernel_env = {"DXECON_PARAMS": str(folders.PARAMS_DIR), **single_threaded_blas()}
    if data_dir:
        kernel_env["DXECON_DATA"] = str(Path(data_dir).resolve())
    try:
        with environment(kernel_env), reaping():
            run_tasks(tasks, workers=workers, progress=progress)
    except RunError as exc:
        failed = runs_dir / f"failed-{run_id}"
        staging.rename(failed)
        raise RunError(exc.notebook, exc.cell, exc.error, failed) from exc
    result.durations = {task_label(t): round(t.seconds, 2) for t in tasks}
    try:
        for name in scenarios:
            folder = month / slugify(name)
            _assemble(folder, staging / "common", notebooks, name)
            manifest = {
                "as_of": as_of,
                "scenario": name,
                "parameters": dict(params),
                "params_file": params_file,
                "data_checksum_sha256": dataset.checksum,
                "package_versions": package_versions(),
                "code_revision": code_revision(),
                "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "finished_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "notebook_seconds": {
                    task_label(t): round(t.seconds, 2) for t in tasks if t.scenario in (None, name)
                },
                "status": "ok",
            }
            if after_staging is not None:
                after_staging(name, folder)
            write_manifest(folder, manifest)
        final = outputs_dir / as_of
        copy_previous(final, month, {slugify(name) for name in scenarios})
        if month_report is not None:
            _month_report(month, month_report, outputs_dir, result)
        publish_month(month, final, runs_dir / f"old-{run_id}")
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputsWriteError(exc, outputs_dir) from exc
    for name in scenarios:
        result.folders[name] = outputs_dir / as_of / slugify(name)
    shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - clock
    return result


def _plan(notebooks, scenarios, values, as_of, month, common, lang="vi") -> list[Task]:
    """One task per notebook (per scenario for the scenario notebooks), each with exactly
    its own params file's keys and the runner's parameters."""
    tasks = []
    for nb in notebooks:
        owners = scenarios if nb.per_scenario else [None]
        for scenario in owners:
            folder = month / slugify(scenario) if scenario else common
            injected = notebook_values(nb, values.get(scenario) if scenario else None)
            if "as_of" in nb.parameters:
                injected["as_of"] = as_of
            if "output_dir" in nb.parameters:
                injected["output_dir"] = str(folder)
            if "lang" in nb.parameters:
                injected["lang"] = lang
            if nb.per_scenario:
                injected["name"] = scenario
            tasks.append(Task(nb, scenario, injected, folder / "notebooks" / nb.name))
    return tasks


def _longest_first(tasks: list[Task], outputs_dir: Path) -> list[Task]:
    """Start the longest notebooks first, so that no long one is left alone at the end while
    the other core idles: by the seconds each took in the last published run (its
    manifest); without one, the once-per-run notebooks from the last (the sweep, the
    forecasts) before the per-scenario ones."""
    seconds: dict[str, float] = {}
    manifests = sorted(outputs_dir.glob("*/*/manifest.json"), key=lambda p: p.stat().st_mtime)
    if manifests:
        try:
            timed = json.loads(manifests[-1].read_text(encoding="utf-8"))["notebook_seconds"]
            seconds = {label.split("/")[-1]: float(value) for label, value in timed.items()}
        except (OSError, ValueError, KeyError, TypeError):
            seconds = {}
    if seconds:
        return sorted(tasks, key=lambda t: -seconds.get(t.notebook.name, 0.0))
    common = [t for t in tasks if t.scenario is None][::-1]
    return common + [t for t in tasks if t.scenario is not None]


def _assemble(folder: Path, common: Path, notebooks: list[Notebook], scenario: str) -> None:
    """Copy the once-per-run outputs into a scenario folder, join the forecasts tables into
    ``forecasts.csv`` and write the HTML report."""
    import pandas as pd

    from dxecon.core.io import write_csv_atomic
    from dxecon.pipeline.outputs import join_forecasts

    if common.is_dir():
        shutil.copytree(common, folder, dirs_exist_ok=True)
    tables = folder / "tables"
    scenario_table = tables / "scenario_forecasts.csv"
    published_table = tables / "published_forecasts.csv"
    if scenario_table.is_file() and published_table.is_file():
        joined = join_forecasts(pd.read_csv(scenario_table), pd.read_csv(published_table))
        write_csv_atomic(joined, tables / "forecasts.csv")
    executed = [folder / "notebooks" / nb.name for nb in notebooks]
    html_report(
        [p for p in executed if p.is_file()],
        folder / "report.html",
        title=f"dxecon: scenario {scenario}",
    )
