"""Run the notebook suite with papermill into ``outputs/<as-of>/<scenario>/``, atomically.

A run builds the whole month folder in a staging folder under ``outputs/.runs/`` (the
scenarios it runs, plus real copies of what the month held before and this run does not
replace) and only when every notebook succeeded swaps it for ``outputs/<as-of>/`` (one
``renameat2(RENAME_EXCHANGE)`` where the file system has it, else two renames), so readers
and a killed run see one complete run or the next, never a mix; the published folders are
real directories. A failed run keeps its partial folder (``.runs/failed-*``) for debugging
and changes nothing else. One run at a time per outputs folder (an ``flock``); a second is
refused.

Each notebook declares the params file it reads in its metadata
(``metadata["dxecon"]["params_file"]``, relative to ``params/``; ``{name}`` stands for the
scenario): the runner injects exactly that file's keys, plus its own parameters (``as_of``,
``output_dir``, ``lang``: the run's ``--lang``), and nothing else, so a scenario's keys
never reach a common notebook.
Notebooks whose parameters include ``name`` are run once per scenario; the others (data,
estimates) once per run, and their outputs are copied into every scenario folder.
"""

from __future__ import annotations

import ast
import datetime as dt
import fcntl
import functools
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

from dxecon.core import folders
from dxecon.core.errors import DxeconError, ParamsError, SeriesSelectionError, did_you_mean
from dxecon.models.scenarios.config import RESERVED_NAMES, slugify

#: Parameters the runner itself sets; notebooks may declare them.
RUNNER_PARAMETERS = ("as_of", "output_dir", "lang")
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
    params_file: str | None = None  # metadata["dxecon"]["params_file"], relative to params/

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def per_scenario(self) -> bool:
        return "name" in self.parameters


def _read_notebook(path: Path) -> dict:
    """A notebook's JSON, without nbformat's schema validation (half a second a notebook;
    papermill validates when it executes)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParamsError(str(path), None, f"not a readable notebook ({exc})") from exc


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def notebook_parameters(path: Path, book: dict | None = None) -> dict[str, Any]:
    """Names and literal defaults of a notebook's ``parameters`` cell (no kernel needed)."""
    book = book if book is not None else _read_notebook(path)
    for cell in book.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            found = {}
            for node in ast.parse(_source(cell)).body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = ast.literal_eval(node.value)
            return found
    raise ParamsError(str(path), None, "no cell tagged 'parameters'; papermill needs one")


def notebook_params_file(path: Path, book: dict | None = None) -> str | None:
    """The params file a notebook declares in ``metadata["dxecon"]["params_file"]``."""
    book = book if book is not None else _read_notebook(path)
    return (book.get("metadata", {}).get("dxecon") or {}).get("params_file")


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


def suite(folder: Path | None = None) -> list[Notebook]:
    """The numbered notebooks (``NN_*.ipynb``) of the suite, in order."""
    folder = folder or folders.NOTEBOOKS_DIR
    found = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        book = _read_notebook(path)
        found.append(
            Notebook(path, notebook_parameters(path, book), notebook_params_file(path, book))
        )
    return found


def notebook_values(nb: Notebook, scenario_values: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the runner injects from a notebook's own params file: the keys of the file it
    declares that it also declares as parameters (a scenario notebook: the whole scenario)."""
    if nb.per_scenario:
        return {k: v for k, v in (scenario_values or {}).items() if k in nb.parameters}
    if not nb.params_file:
        return {}
    from dxecon.core.params import load_yaml

    data = load_yaml(folders.PARAMS_DIR / nb.params_file)
    return {k: v for k, v in data.items() if k in nb.parameters}


def declared_parameters(notebooks: list[Notebook]) -> set[str]:
    return {name for nb in notebooks for name in nb.parameters}


def check_params(params: dict[str, Any], notebooks: list[Notebook], *, file: str) -> None:
    """Reject a key that is not a scenario notebook's parameter (papermill would only warn):
    ``--params`` holds a scenario; the common notebooks read their own files only."""
    declared = {k for nb in notebooks if nb.per_scenario for k in nb.parameters}
    declared -= {"output_dir", "lang"}
    for key in params:
        if key not in declared:
            raise ParamsError(
                file,
                key,
                f"not a scenario parameter; {did_you_mean(key, sorted(declared))}"
                "a params file given to a run is a scenario "
                f"(like params/scenarios/baseline.yaml), with the keys: {sorted(declared)}",
            )


@contextmanager
def outputs_lock(outputs_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on an outputs folder, or refuse at once."""
    lock_path = outputs_dir / ".lock"
    try:
        outputs_dir.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise OutputsWriteError(exc, outputs_dir) from exc
    with handle:
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
    report_problem: str | None = None  # why the month's report was not written, if it was not


#: How often a kernel that died before it answered is started again. jupyter_client picks a
#: kernel's ports by binding and releasing them, so two kernels started at once can pick the
#: same port; the loser dies at start-up ("Address already in use") having run no cell.
KERNEL_START_ATTEMPTS = 3


def _died_at_start(exc: Exception) -> bool:
    return isinstance(exc, RuntimeError) and "Kernel died before replying" in str(exc)


def _execute(task: Task) -> Task:
    import papermill

    start = time.perf_counter()
    task.output.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            papermill.execute_notebook(
                str(task.notebook.path),
                str(task.output),
                parameters=task.parameters,
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                cwd=str(folders.PROJECT_ROOT),
            )
            break
        except RuntimeError as exc:
            if not _died_at_start(exc) or attempt == KERNEL_START_ATTEMPTS:
                raise
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
            cwd=folders.PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=folders.PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" (with uncommitted changes)" if dirty else "")


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


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False when the
    system or file system cannot."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


def _copy_previous(month: Path, staged: Path, replaced: set[str]) -> None:
    """Real copies (hard links where possible) of what the month folder holds and this run
    does not replace: other scenarios, sweeps. Old symlinked scenario folders are followed."""

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    if not month.is_dir():
        return
    for entry in month.iterdir():
        if entry.name in replaced or entry.name.startswith("."):
            continue
        target = staged / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, symlinks=False, copy_function=link_or_copy)
        elif entry.is_file():
            link_or_copy(str(entry), str(target))


def _month_report(month: Path, lang: str, pdf: bool, data_dir, outputs_dir: Path, result) -> None:
    """The month's report (``report.html``, ``tables.xlsx``, optionally ``report.pdf``), built
    from the staged month's tables before it is published (dxecon.reporting, issue 13). A
    report that fails does not hold back the forecasts: the run publishes them and says so."""
    from dxecon.reporting import build_report

    start = time.perf_counter()
    try:
        build_report(month, lang, pdf=pdf, data_dir=data_dir, outputs_dir=outputs_dir)
    except DxeconError as exc:
        print(f"warning: the report was not written: {exc}", file=sys.stderr)
        result.report_problem = str(exc)
        return
    result.durations["report"] = round(time.perf_counter() - start, 2)


def _publish_month(staged: Path, final: Path, trash: Path) -> None:
    """Make ``staged`` (a complete month folder) the month folder ``final`` at once."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.is_symlink():  # the layout before issue 14: a link; replace it by the folder
        link = final.with_name(f".{final.name}.link-{os.getpid()}")
        final.rename(link)
        final_existed = False
        staged.rename(final)
        link.unlink()
    elif final.exists():
        if _exchange(staged, final):
            staged.rename(trash)  # staged now holds the previous month
        else:
            final.rename(trash)
            staged.rename(final)
        final_existed = True
    else:
        staged.rename(final)
        final_existed = False
    if final_existed:
        shutil.rmtree(trash, ignore_errors=True)


def _clean_stale(runs_dir: Path, keep_failed: int = 3) -> None:
    """Remove staging folders of killed runs (safe: we hold the lock), keep a few failures.
    A folder that an old-style published symlink still points into is kept."""
    if not runs_dir.is_dir():
        return
    outputs = runs_dir.parent
    referenced = {p.resolve() for p in outputs.glob("*/*") if p.is_symlink()}
    referenced |= {p.resolve() for p in outputs.glob("*") if p.is_symlink()}
    for run in [*runs_dir.glob("staging-*"), *runs_dir.glob("old-*")]:
        if not any(ref.is_relative_to(run.resolve()) for ref in referenced):
            shutil.rmtree(run, ignore_errors=True)
    failed = sorted(runs_dir.glob("failed-*"))
    for run in failed[:-keep_failed]:
        shutil.rmtree(run, ignore_errors=True)


def scenario_values(
    name: str, params: dict[str, Any], *, params_file: str | None, as_of: str
) -> tuple[dict[str, Any], str]:
    """A scenario's whole file as notebook parameters: the shipped ``NAME.yaml`` with
    ``params`` laid over it (a whole scenario from ``--params`` replaces it) and the run's
    ``as_of``, and the file that errors must name (the user's, when the values come from
    it). Neither file may hold what the run gives or computes
    (`dxecon.models.scenarios.config.check_scenario_file`)."""
    from dxecon.core.params import load_yaml
    from dxecon.models.scenarios.config import check_scenario_file

    shipped = folders.PARAMS_DIR / "scenarios" / f"{name}.yaml"
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
            from dxecon.models.scenarios import available_scenarios

            shipped = ", ".join(available_scenarios()) or "none"
            raise ParamsError(
                str(folders.PARAMS_DIR / "scenarios" / f"{name}.yaml"),
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
    report_lang : 'vi', 'en' or None
        The notebooks' ``lang`` (None: 'vi'), and: write the month's report (``report.html``,
        ``tables.xlsx``) in this language into
        ``OUTPUTS/<as-of>/``, built in the staged month before it is published (a report
        that fails leaves the previous month untouched); None: no report.
    report_pdf : bool
        Also print ``report.pdf``.
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
            report_lang=report_lang,
            report_pdf=report_pdf,
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
    report_lang=None,
    report_pdf=False,
) -> RunResult:
    from dxecon.core.reaper import reaping

    started = dt.datetime.now(dt.UTC)
    runs_dir = outputs_dir / ".runs"
    _clean_stale(runs_dir)
    run_id = f"{as_of}-{started:%Y%m%dT%H%M%S}-{os.getpid()}"
    staging = runs_dir / f"staging-{run_id}"
    month = staging / "month"
    lang = report_lang or "vi"  # the notebooks speak the report's language
    tasks = _longest_first(
        _plan(notebooks, scenarios, values, as_of, month, staging / "common", lang), outputs_dir
    )
    result = RunResult(as_of=as_of)
    clock = time.perf_counter()
    kernel_env = {"DXECON_PARAMS": str(folders.PARAMS_DIR), **single_threaded_blas()}
    if data_dir:
        kernel_env["DXECON_DATA"] = str(Path(data_dir).resolve())
    try:
        with _environment(kernel_env), reaping():
            _run_tasks(tasks, workers=workers, progress=progress)
    except RunError as exc:
        failed = runs_dir / f"failed-{run_id}"
        staging.rename(failed)
        raise RunError(exc.notebook, exc.cell, exc.error, failed) from exc
    result.durations = {_task_label(t): round(t.seconds, 2) for t in tasks}
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
        final = outputs_dir / as_of
        _copy_previous(final, month, {slugify(name) for name in scenarios})
        if report_lang:
            _month_report(month, report_lang, report_pdf, data_dir, outputs_dir, result)
        _publish_month(month, final, runs_dir / f"old-{run_id}")
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputsWriteError(exc, outputs_dir) from exc
    for name in scenarios:
        result.folders[name] = outputs_dir / as_of / slugify(name)
    shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - clock
    return result


class OutputsWriteError(DxeconError):
    """Writing the outputs failed (disk full, no permission); earlier outputs untouched."""

    def __init__(self, exc: OSError, outputs_dir: Path) -> None:
        import errno

        reason = exc.strerror or type(exc).__name__
        if exc.errno == errno.ENOSPC:
            fix = "free some space (or use --outputs DIR on another disk) and run again"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            fix = f"make {outputs_dir} writable (or use --outputs DIR) and run again"
        else:
            fix = "fix the cause and run again"
        where = getattr(exc, "filename", None) or outputs_dir
        super().__init__(
            f"cannot write the outputs ({reason}: {where}); the previous outputs in "
            f"{outputs_dir} are untouched; {fix}"
        )


#: Thread pools of the numeric libraries (OpenBLAS, OpenMP, MKL).
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_blas() -> dict[str, str]:
    """One BLAS thread per kernel (unless the user chose otherwise): the runner already runs
    a notebook per core, and the statsmodels fits work on tiny matrices, where OpenBLAS's
    threads only contend (notebook 04's backtests: 14 s with them, 3 s without, measured
    on the 2-core machine)."""
    return {name: os.environ.get(name) or "1" for name in BLAS_THREAD_VARIABLES}


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
    """Drop the scenario notebooks' cached run (never published), copy the once-per-run
    outputs into a scenario folder, join the forecasts tables into ``forecasts.csv`` and
    write the HTML report."""
    import pandas as pd

    from dxecon.core.io import write_csv_atomic
    from dxecon.models.scenarios.scenario_run import CACHE_FOLDER
    from dxecon.pipeline.outputs import join_forecasts

    shutil.rmtree(folder / CACHE_FOLDER, ignore_errors=True)
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
