"""Run the notebook suite with papermill into ``outputs/<as-of>/<scenario>/``, atomically.

A run builds everything in a staging folder under ``outputs/.runs/`` and only when every
notebook succeeded points ``outputs/<as-of>/<scenario>`` at it, by replacing a symlink
(``os.replace`` is atomic), so readers and a killed run always see the last good outputs.
A failed run keeps its partial folder (``.runs/failed-*``) for debugging and changes
nothing else. One run at a time per outputs folder (an ``flock``); a second is refused.

Notebooks whose parameters include ``name`` are run once per scenario; the others (data,
estimates) once per run, and their outputs are copied into every scenario folder.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dxecon import paths
from dxecon.errors import DxeconError, ParamsError
from dxecon.scenarios.config import slugify  # issue 13: folders of Vietnamese-named scenarios

#: Parameters the runner itself sets; notebooks may declare them.
RUNNER_PARAMETERS = ("as_of", "output_dir")
KERNEL_NAME = "dxecon"


class RunError(DxeconError):
    """A notebook failed; the previous outputs are untouched."""

    def __init__(self, notebook: str, cell: int | None, error: str, partial: Path) -> None:
        self.notebook, self.cell, self.error, self.partial = notebook, cell, error, partial
        where = f"cell {cell}" if cell is not None else "start-up"
        super().__init__(
            f"notebook {notebook} failed in {where}: {error}\n"
            f"partial run kept for debugging at {partial}\n"
            "previous outputs are untouched"
        )


class RunLockedError(DxeconError):
    """Another run holds the outputs folder."""


@dataclass(frozen=True)
class Notebook:
    path: Path
    parameters: dict[str, Any]  # name -> default, from the 'parameters' cell

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def per_scenario(self) -> bool:
        return "name" in self.parameters


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Names and literal defaults of a notebook's ``parameters`` cell (no kernel needed)."""
    import nbformat

    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            found = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = ast.literal_eval(node.value)
            return found
    raise ParamsError(str(path), None, "no cell tagged 'parameters'; papermill needs one")


def suite(folder: Path | None = None) -> list[Notebook]:
    """The numbered notebooks (``NN_*.ipynb``) of the suite, in order."""
    folder = folder or paths.NOTEBOOKS_DIR
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    return [Notebook(p, notebook_parameters(p)) for p in found]


def declared_parameters(notebooks: list[Notebook]) -> set[str]:
    return {name for nb in notebooks for name in nb.parameters}


def check_params(params: dict[str, Any], notebooks: list[Notebook], *, file: str) -> None:
    """Reject a key no notebook declares (papermill itself would only warn)."""
    declared = declared_parameters(notebooks)
    for key in params:
        if key not in declared:
            close = difflib.get_close_matches(key, sorted(declared), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ParamsError(
                file,
                key,
                f"no notebook declares this parameter; {hint}declared: {sorted(declared)}",
            )


@contextmanager
def outputs_lock(outputs_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on an outputs folder, or refuse at once."""
    outputs_dir.mkdir(parents=True, exist_ok=True)
    lock_path = outputs_dir / ".lock"
    with open(lock_path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLockedError(
                f"another dxecon run is writing to {outputs_dir} ({holder}); "
                "wait for it to finish, or use --outputs DIR"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class Task:
    notebook: Notebook
    scenario: str | None  # None for the once-per-run notebooks
    parameters: dict[str, Any]
    output: Path
    seconds: float = 0.0


@dataclass
class RunResult:
    as_of: str
    folders: dict[str, Path] = field(default_factory=dict)  # scenario -> published folder
    durations: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


def _execute(task: Task) -> Task:
    import papermill

    start = time.perf_counter()
    task.output.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(task.notebook.path),
        str(task.output),
        parameters=task.parameters,
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        cwd=str(paths.PROJECT_ROOT),
    )
    task.seconds = time.perf_counter() - start
    return task


def _failure_cell(exc: Exception, output: Path) -> tuple[int | None, str]:
    """The failing cell's number (as shown in the executed notebook) and the error."""
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    cell = getattr(exc, "exec_count", None)
    return cell, f"{ename}: {evalue}".strip()


def _package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    names = ["dxecon", "numpy", "pandas", "statsmodels", "matplotlib", "papermill", "nbclient"]
    found = {"python": sys.version.split()[0]}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _code_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=paths.PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=paths.PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" (with uncommitted changes)" if dirty else "")


def html_report(notebooks: list[Path], target: Path, *, title: str) -> None:
    """One HTML page from executed notebooks, without code (nbconvert)."""
    import nbformat
    from nbconvert import HTMLExporter

    merged = nbformat.v4.new_notebook(metadata={"title": title})
    for path in notebooks:
        book = nbformat.read(path, as_version=4)
        for cell in book.cells:
            tags = cell.metadata.get("tags", [])
            if "parameters" in tags or "injected-parameters" in tags:
                continue
            merged.cells.append(cell)
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(merged, resources={"metadata": {"name": title}})
    target.write_text(body, encoding="utf-8")


def _publish(staged: Path, final: Path) -> None:
    """Point ``final`` at ``staged`` by replacing a symlink: atomic, never half-written."""
    final.parent.mkdir(parents=True, exist_ok=True)
    previous = final.resolve() if final.is_symlink() else None
    if final.exists() and not final.is_symlink():
        raise DxeconError(f"{final} is a real folder, not a run link; move it away first")
    link = final.with_name(f".{final.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(staged, final.parent))
    os.replace(link, final)
    if previous is not None and previous != staged.resolve() and previous.is_dir():
        shutil.rmtree(previous, ignore_errors=True)


def _clean_stale(runs_dir: Path, keep_failed: int = 3) -> None:
    """Remove staging folders of killed runs (safe: we hold the lock), keep a few failures."""
    if not runs_dir.is_dir():
        return
    referenced = {p.resolve() for p in runs_dir.parent.glob("*/*") if p.is_symlink()}
    for run in runs_dir.glob("staging-*"):
        if not any(ref.is_relative_to(run.resolve()) for ref in referenced):
            shutil.rmtree(run, ignore_errors=True)
    failed = sorted(runs_dir.glob("failed-*"))
    for run in failed[:-keep_failed]:
        shutil.rmtree(run, ignore_errors=True)


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
    report_lang: str | None = None,
    report_pdf: bool = False,
) -> RunResult:
    """Execute the suite for each scenario; see the module docstring for the guarantees.

    Parameters
    ----------
    as_of : 'YYYY-MM'
        The vintage: every notebook sees only figures published by the end of that month.
    scenarios : list of str
        Shipped scenario names; with ``params`` holding a whole scenario, its name.
    params : dict, optional
        Extra notebook parameters (e.g. a scenario saved by the explorer); every key must
        be declared by some notebook.
    after_staging : callable(scenario, folder), optional
        Called for each scenario's staged folder before publishing (monthly revisions).
    data_dir : path, optional
        Another data folder with the shipped layout; the notebook kernels read it too.
    report_lang : 'vi', 'en' or None
        Write the month's report (``report.html``, ``tables.xlsx``) in this language into
        ``OUTPUTS/<as-of>/`` once the scenario folders are published; None: no report.
    report_pdf : bool
        Also print ``report.pdf``.
    """
    from dxecon.data import load_dataset
    from dxecon.data.selection import parse_as_of
    from dxecon.scenarios import scenario_from_parameters
    from dxecon.targets import TargetRegistry

    parse_as_of(as_of)  # a bad date fails here, before anything runs
    outputs_dir = Path(outputs_dir or paths.OUTPUTS_DIR)
    notebooks = suite()
    params = dict(params or {})
    check_params(params, notebooks, file=params_file)
    dataset = load_dataset(data_dir)
    known = TargetRegistry(dataset).instruments
    for name in scenarios:  # validate every scenario fully before any notebook starts
        scenario_params = {k: v for k, v in params.items() if k != "name"}
        scenario_params.pop("output_dir", None)
        scenario_params["as_of"] = as_of
        from dxecon.scenarios.config import SCENARIO_KEYS

        scenario_params = {k: v for k, v in scenario_params.items() if k in SCENARIO_KEYS}
        scenario_from_parameters(name, known_instruments=known, **scenario_params)

    started = dt.datetime.now(dt.UTC)
    with outputs_lock(outputs_dir):
        runs_dir = outputs_dir / ".runs"
        _clean_stale(runs_dir)
        run_id = f"{as_of}-{started:%Y%m%dT%H%M%S}-{os.getpid()}"
        staging = runs_dir / f"staging-{run_id}"
        tasks = _plan(notebooks, scenarios, params, as_of, staging)
        result = RunResult(as_of=as_of)
        clock = time.perf_counter()
        kernel_env = {"DXECON_DATA": str(Path(data_dir).resolve())} if data_dir else {}
        try:
            with _environment(kernel_env):
                _run_tasks(tasks, workers=workers, progress=progress)
        except RunError as exc:
            failed = runs_dir / f"failed-{run_id}"
            staging.rename(failed)
            raise RunError(exc.notebook, exc.cell, exc.error, failed) from exc
        result.durations = {_task_label(t): round(t.seconds, 2) for t in tasks}
        for name in scenarios:
            folder = staging / slugify(name)
            _assemble(folder, staging / "common", notebooks, name)
            manifest = {
                "as_of": as_of,
                "scenario": name,
                "parameters": {k: v for k, v in params.items()},
                "params_file": params_file,
                "data_checksum_sha256": dataset.checksum,
                "package_versions": _package_versions(),
                "code_revision": _code_revision(),
                "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "finished_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "notebook_seconds": {
                    _task_label(t): round(t.seconds, 2) for t in tasks if t.scenario in (None, name)
                },
                "status": "ok",
            }
            if after_staging is not None:
                after_staging(name, folder)
            (folder / "manifest.json").write_text(
                json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            )
        for name in scenarios:
            final = outputs_dir / as_of / slugify(name)
            _publish(staging / slugify(name), final)
            result.folders[name] = final
        shutil.rmtree(staging / "common", ignore_errors=True)
        # -- issue 13: the month's report, from the published tables (dxecon.reporting) ----
        if report_lang:
            from dxecon.reporting import build_report

            report_start = time.perf_counter()
            build_report(
                outputs_dir / as_of,
                report_lang,
                pdf=report_pdf,
                data_dir=data_dir,
                outputs_dir=outputs_dir,
            )
            result.durations["report"] = round(time.perf_counter() - report_start, 2)
        # -- end issue 13 ----------------------------------------------------------------
        result.seconds = time.perf_counter() - clock
    return result


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the kernels this run starts, then restore them."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _task_label(task: Task) -> str:
    return f"{task.scenario or 'common'}/{task.notebook.name}"


def _plan(notebooks, scenarios, params, as_of, staging) -> list[Task]:
    tasks = []
    for nb in notebooks:
        owners = scenarios if nb.per_scenario else [None]
        for scenario in owners:
            folder = staging / (slugify(scenario) if scenario else "common")
            values = {k: v for k, v in params.items() if k in nb.parameters}
            if "as_of" in nb.parameters:
                values["as_of"] = as_of
            if "output_dir" in nb.parameters:
                values["output_dir"] = str(folder)
            if nb.per_scenario:
                values["name"] = scenario
            tasks.append(Task(nb, scenario, values, folder / "notebooks" / nb.name))
    return tasks


def _run_tasks(tasks: list[Task], *, workers: int, progress: bool) -> None:
    from tqdm import tqdm

    bar = tqdm(
        total=len(tasks), desc="notebooks", unit="nb", disable=not progress or None, file=sys.stderr
    )
    # Each notebook gets a fresh kernel (no state leaks); kernels are processes, so threads
    # are enough to keep both cores busy.
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(_execute, task): task for task in tasks}
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    future.result()
                except Exception as exc:
                    for other in futures:
                        other.cancel()
                    cell, error = _failure_cell(exc, task.output)
                    raise RunError(_task_label(task), cell, error, task.output) from exc
                bar.set_postfix_str(_task_label(task), refresh=False)
                bar.update()
        finally:
            bar.close()


def _assemble(folder: Path, common: Path, notebooks: list[Notebook], scenario: str) -> None:
    """Copy the once-per-run outputs into a scenario folder, join the forecasts tables into
    ``forecasts.csv`` and write the HTML report."""
    import pandas as pd

    from dxecon.io import write_csv_atomic
    from dxecon.report import join_forecasts

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
