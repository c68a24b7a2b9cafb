"""Where a run's outputs live, and the one writer and reader of them.

A month has one folder per place (``outputs/<as-of>/<place>/``, the place's profile code:
what this module calls a run's "month" folder, published at once)::

    common/{tables,charts,texts,notebooks}/      each common output once
    <scenario>/{tables,charts,texts,notebooks}/  each scenario's (folder: its name, slugified)
    {tables,charts,texts}/                        the month's own (every scenario together)
    report.html, tables.xlsx, manifest.json

beside them ``outputs/<as-of>/panel/`` (the places side by side: the ``places`` steps'
outputs, their notebook and manifest), and ``outputs/index.csv``, every monthly run with
its place. :func:`month_folder` is the one function that builds a run's folder and
:func:`output_path` an output's path in it. A table is written as CSV, a chart as PNG with
its data line beside it (``<name>.txt``: what nbval compares, so a loaded chart shows the
same text as the drawn one), a text as Markdown; :func:`load_result` reads a step's outputs
back as the step returned them, without matplotlib, and :func:`saved_result` does so only
when the folder holds a run whose inputs are a notebook's own (its manifest says).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dxecon.core.folders import slugify
from dxecon.pipeline.catalogue import Output, output, outputs_of
from dxecon.pipeline.steps import StepResult, step
from dxecon.pipeline.view import SavedChart

MANIFEST_NAME, INDEX_NAME = "manifest.json", "index.csv"
#: The month report's files (`dxecon.report`), beside the manifest.
REPORT_NAME, WORKBOOK_NAME, PDF_NAME = "report.html", "tables.xlsx", "report.pdf"
COMMON, NOTEBOOKS = "common", "notebooks"
#: A month folder's own entries (besides its scenarios' folders): a run writes them all anew.
MONTH_ENTRIES = (COMMON, "tables", "charts", "texts", MANIFEST_NAME)
MONTH_ENTRIES += (REPORT_NAME, WORKBOOK_NAME, PDF_NAME)
#: A step's status in the manifest when the data it needs were not yet published.
OK, NO_DATA = "ok", "no data"


#: The folder of a month's steps over several places (`dxecon.pipeline.steps`, scope
#: ``places``), beside the places' folders: no profile has this code (they are upper case).
PANEL = "panel"


# -- where ----------------------------------------------------------------------------------
def month_folder(outputs_dir: Path | str, as_of: str, place: str | None = None) -> Path:
    """THE folder of a month's run about ``place`` (a profile's code; None: the default
    place; `PANEL`: the month's places side by side)."""
    if place is None:
        from dxecon.core.places import default_place

        place = default_place()
    return Path(outputs_dir) / as_of / place


def panel_folder(month: Path | str) -> Path:
    """The panel folder of the month whose place folder is ``month``."""
    month = Path(month)
    return month_folder(month.parent.parent, month.parent.name, PANEL)


def scope_folder(month: Path | str, scope: str, scenario: str | None = None) -> Path:
    """The folder of one scope of a month: ``common/``, a scenario's, or the month's own."""
    month = Path(month)
    if scope == "common":
        return month / COMMON
    if scope == "scenario":
        if not scenario:
            raise ValueError("a scenario's output: name the scenario")
        return month / slugify(scenario)
    return month


def output_path(
    month: Path | str, name: str, *, scenario: str | None = None, target: str | None = None
) -> Path:
    """THE path of output ``name`` (a catalogue name, or a per-target file stem) of a run."""
    entry = output(name)
    stem = name if entry.per_target and name != entry.name else entry.file_stem(target)
    folder = scope_folder(month, entry.scope, scenario)
    return folder / entry.folder / f"{stem}{entry.suffix}"


def notebook_path(month: Path | str, notebook: str, scenario: str | None = None) -> Path:
    """Where a run puts an executed notebook: beside its scope's outputs."""
    scope = "scenario" if scenario else "common"
    return scope_folder(month, scope, scenario) / NOTEBOOKS / notebook


def manifest_path(month: Path | str) -> Path:
    return Path(month) / MANIFEST_NAME


def index_path(outputs_dir: Path | str) -> Path:
    return Path(outputs_dir) / INDEX_NAME


def _data_line_path(png: Path) -> Path:
    return png.with_suffix(".txt")


# -- writing ------------------------------------------------------------------------------------
def write_output(month: Path | str, name: str, value: Any, *, scenario: str | None = None) -> Path:
    """Write one output (``name``: its file stem) where :func:`output_path` says."""
    from dxecon.core.io import write_csv_atomic, write_text_atomic

    entry = output(name)
    path = output_path(month, name, scenario=scenario)
    if entry.kind == "table":
        return write_csv_atomic(value, path)
    if entry.kind == "text":
        return write_text_atomic(value, path)
    from dxecon.present.charts.plots import chart_data_line, save

    save(value, path)
    write_text_atomic(chart_data_line(value, path.stem) + "\n", _data_line_path(path))
    return path


def write_result(month: Path | str, result: StepResult) -> list[Path]:
    """Every output of a step's result, once."""
    return [
        write_output(month, name, value, scenario=result.scenario)
        for name, value in result.outputs.items()
    ]


# -- reading ------------------------------------------------------------------------------------
def read_file(path: Path, kind: str) -> Any:
    """An output file as the step gave it: a DataFrame, a `SavedChart`, a str."""
    if kind == "table":
        import pandas as pd

        try:  # only an empty cell is missing ("NA" may be a code)
            return pd.read_csv(path, keep_default_na=False, na_values=[""])
        except pd.errors.EmptyDataError:  # a table without columns (no rows to show)
            return pd.DataFrame()
    if kind == "text":
        return path.read_text(encoding="utf-8")
    return SavedChart(path.read_bytes(), _data_line_path(path).read_text(encoding="utf-8").strip())


def read_output(
    month: Path | str, name: str, *, scenario: str | None = None, target: str | None = None
) -> Any:
    """One output of a run, or None when the run has none (a step that could not run)."""
    path = output_path(month, name, scenario=scenario, target=target)
    return read_file(path, output(name).kind) if path.is_file() else None


def _files_of(month: Path | str, entry: Output, scenario: str | None) -> list[Path]:
    if not entry.per_target:
        path = output_path(month, entry.name, scenario=scenario)
        return [path] if path.is_file() else []
    folder = scope_folder(month, entry.scope, scenario) / entry.folder
    prefix, suffix = entry.name.split("{target}")
    pattern = re.compile(re.escape(prefix) + r".+" + re.escape(suffix + entry.suffix) + "$")
    return sorted(p for p in folder.glob(f"{prefix}*{entry.suffix}") if pattern.match(p.name))


def load_result(month: Path | str, step_name: str, scenario: str | None = None) -> StepResult:
    """A step's result as a run saved it (its outputs only: rich objects are not saved)."""
    outputs = {}
    for entry in outputs_of(step_name):
        for path in _files_of(month, entry, scenario):
            outputs[path.name.removesuffix(entry.suffix)] = read_file(path, entry.kind)
    return StepResult(step_name, scenario, outputs)


def previous_output(
    outputs_dir: Path | str,
    name: str,
    *,
    scenario: str | None = None,
    before: str,
    place: str | None = None,
) -> tuple[str, Path] | None:
    """The latest month before ``before`` whose run about ``place`` has output ``name`` (of
    ``scenario``): its as-of and the run's folder; None when no earlier month has it."""
    months = sorted(
        (p for p in Path(outputs_dir).glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]") if p.name < before),
        reverse=True,
    )
    for month in months:
        folder = month_folder(outputs_dir, month.name, place)
        if output_path(folder, name, scenario=scenario).is_file():
            return month.name, folder
    return None


# -- a run's record -------------------------------------------------------------------------
def step_record(manifest: dict, step_name: str, scenario: str | None = None) -> dict | None:
    """The manifest's record of a step (``status``: ok or no data, and why)."""
    for record in manifest.get("steps", []):
        if record.get("step") == step_name and record.get("scenario") == scenario:
            return record
    return None


def saved_result(output_dir: Path | str, step_name: str, ctx, scenario: str | None = None):
    """The result a run saved in ``output_dir`` for a step, when that run computed it from
    the notebook's inputs (``ctx``, from `Context.for_notebook`: its parameters, as-of,
    language, the data's and params' checksums and the code's revision, as the run's
    manifest records them for one of its notebooks); else None.

    Raises
    ------
    NothingPublishedError
        The run recorded the step as impossible for its as-of (what it needed was not yet
        published).
    """
    from dxecon.pipeline.manifest import read_manifest, run_inputs
    from dxecon.pipeline.nodata import NothingPublishedError

    if not str(output_dir):
        return None
    month = Path(output_dir)
    manifest = read_manifest(manifest_path(month))
    record = step_record(manifest, step_name, scenario if _per_scenario(step_name) else None)
    if record is None or not ctx.parameters:
        return None
    inputs = run_inputs(ctx)
    if not any(
        nb.get("parameters") == ctx.parameters and nb.get("inputs") == inputs
        for nb in manifest.get("notebooks", [])
    ):
        return None
    if record.get("status") == NO_DATA:
        raise NothingPublishedError(record.get("reason", ""))
    return load_result(month, step_name, scenario if _per_scenario(step_name) else None)


def _per_scenario(step_name: str) -> bool:
    return step(step_name).scope == "scenario"


def open_step(
    name: str,
    ctx,
    *,
    scenario: str | None = None,
    output_dir: Path | str = "",
    inputs: dict | None = None,
):
    """A step's result for a notebook: inside a run (``output_dir``: the run's month folder,
    holding a run made from this notebook's inputs) the saved outputs, loaded; otherwise
    (JupyterLab, a notebook run by hand, nbval) computed, as `run_step` does (``inputs``:
    results of the steps it needs that the notebook already has).

    Raises
    ------
    SeriesSelectionError
        What the step needs was not published by the as-of (`unless_published` shows it).
    """
    saved = saved_result(output_dir, name, ctx, scenario)
    if saved is not None:
        return saved
    from dxecon.pipeline.steps import run_step

    return run_step(name, ctx, scenario=scenario, inputs=inputs)
