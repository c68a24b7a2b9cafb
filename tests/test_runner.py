"""The notebook suite as users and the monthly schedule meet it: papermill, the runner's
guarantees (atomic, locked, failure-safe), nbval catching a changed result."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import notebook_suite

from dxecon.core import folders
from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path
from dxecon.pipeline import store
from dxecon.pipeline.execute import RunError
from dxecon.pipeline.publish import RunLockedError, outputs_lock
from dxecon.pipeline.run import run_suite
from dxecon.pipeline.suite import check_params, suite

pytestmark = [pytest.mark.slow, pytest.mark.first]
FAST = {"paths": 400}  # the engine's numbers are tested elsewhere; here: the plumbing


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under a folder -> sha256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


#: The notebooks of the shared run: a common one that reads a params file, one that reads
#: published forecasts and a scenario's (the suite's cost is in its notebooks).
SHOWN = ("01_", "04_", "05_")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """One good run of the baseline (three notebooks and the month's report) into a scratch
    outputs folder."""
    from dxecon.apps.monthly import month_report

    outputs = tmp_path_factory.mktemp("outputs")
    run_suite(
        as_of="2026-10",
        scenarios=["baseline"],
        params=FAST,
        outputs_dir=outputs,
        progress=False,
        notebooks=[nb for nb in suite() if nb.name.startswith(SHOWN)],
        month_report=month_report("vi"),
    )
    return outputs


# -- parameters ----------------------------------------------------------------------------
#: Keys of the sweep file that only `dxecon sweep` reads (notebook 07 shows a smaller sample).
SWEEP_ONLY = {"description", "seed", "samples"}


def test_each_notebook_reads_its_own_params_file_and_defaults_agree():
    """Every notebook names its params file; every key of it is a parameter of the notebook
    whose default is that value (or None: 'the file's'), so no default disagrees with
    params/ and running a notebook by hand shows what the runner shows."""
    from dxecon.pipeline.run import place_notebooks

    for nb in place_notebooks(suite()):  # the panel's (several places) take places only
        assert nb.params_file, f"{nb.name}: no metadata['dxecon']['params_file']"
        if nb.per_scenario:
            assert nb.params_file == "scenarios/{name}.yaml"
            scenario = load_yaml(params_path("baseline", "scenarios"))
            assert set(scenario) <= set(nb.parameters), nb.name
            for key in scenario:
                assert key == "name" or nb.parameters[key] is None, (nb.name, key)
            continue
        data = load_yaml(params_path(nb.params_file))
        allowed_missing = SWEEP_ONLY if nb.params_file.startswith("sweeps/") else set()
        missing = set(data) - set(nb.parameters) - allowed_missing
        assert not missing, f"{nb.name}: keys of {nb.params_file} it does not declare: {missing}"
        for key, value in data.items():
            if key in nb.parameters and nb.parameters[key] is not None:
                assert nb.parameters[key] == value, (nb.name, key, nb.parameters[key], value)


def test_every_params_file_is_read_by_a_notebook_or_by_the_library():
    read_by_notebooks = {nb.params_file for nb in suite()}
    read_by_library = {
        "targets.yaml",  # dxecon.models.scoring.ScoringConfig: how every goal is scored
        "plausibility.yaml",
        "resources.yaml",
        "selection.yaml",
        "calibration.yaml",  # dxecon.models.calibration: the priors of the diffusion estimate
        "measures.yaml",  # dxecon.models.measures: a share target read on both measures
        "scenario_weights.yaml",  # dxecon.models.scenarios.weights: the overall probability
    }
    for path in sorted(folders.PARAMS_DIR.rglob("*.yaml")):
        name = path.relative_to(folders.PARAMS_DIR).as_posix()
        if name.startswith(("scenarios/", "sweeps/", "places/")):
            continue  # scenario notebooks (one per scenario); `dxecon sweep NAME`; profiles
            # (dxecon.core.places: laid over the files of their sections)
        assert name in read_by_notebooks | read_by_library, name


def test_unknown_parameter_is_rejected_with_a_suggestion():
    with pytest.raises(ParamsError) as info:
        check_params({"horizn": 2030}, suite(), file="my.yaml")
    assert info.value.field == "horizn" and "did you mean 'horizon'" in str(info.value)


def test_parameters_cells_hold_plain_values_only():
    for notebook in suite():
        for name, value in notebook.parameters.items():
            assert value is None or isinstance(value, str | int | float | bool | list | dict), name


# -- papermill directly --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("notebook", "params_file", "expected"),
    [
        ("01_data_overview.ipynb", "selection.yaml", "(sha256)"),
        # a series by its name (the catalogue's words), not by its id's codes
        ("04_published_forecasts.ipynb", "forecasts.yaml", "Năng suất lao động theo giá hiện hành"),
        ("08_nowcast.ipynb", "nowcast.yaml", "80%"),
        # a scenario is named in the reader's words (the catalogue's), not by its code
        ("05_scenario_forecast.ipynb", "scenarios/accelerated.yaml", "scenario:accelerated"),
        ("06_targets_scorecard.ipynb", "scenarios/lagging.yaml", "scenario:lagging"),
    ],
)
def test_papermill_cli_runs_each_notebook_with_a_params_file(
    tmp_path, notebook, params_file, expected
):
    papermill = Path(sys.executable).parent / "papermill"
    out = tmp_path / notebook
    subprocess.run(
        [
            str(papermill),
            str(folders.NOTEBOOKS_DIR / notebook),
            str(out),
            "-f",
            str(params_path(params_file)),
            # -p after -f: fewer paths for the scenario notebooks (the file reaches them still)
            *(["-p", "paths", "400"] if params_file.startswith("scenarios/") else []),
            "--no-progress-bar",
        ],
        check=True,
        capture_output=True,
        cwd=folders.PROJECT_ROOT,
    )
    if expected.startswith("scenario:"):
        from dxecon.present.words import Words

        expected = f"Kịch bản **{Words('vi').scenario(expected.removeprefix('scenario:'))}**"
    assert expected in out.read_text(encoding="utf-8")


# -- the runner ----------------------------------------------------------------------------
def test_run_writes_a_complete_folder(published):
    from dxecon.core.places import default_place

    month = store.month_folder(published, "2026-10")  # the default place's
    assert month == published / "2026-10" / default_place()
    for name in ("01_data_overview", "04_published_forecasts"):
        assert store.notebook_path(month, f"{name}.ipynb").is_file()
    assert store.notebook_path(month, "05_scenario_forecast.ipynb", "baseline").is_file()
    report = (month / store.REPORT_NAME).read_text(encoding="utf-8")
    assert "<html" in report and "scenario_from_parameters(" not in report
    assert not list(month.rglob("report.html"))[1:]  # the month's only: no notebook HTML
    scorecard = store.read_output(month, "scorecard", scenario="baseline")
    assert {"target_id", "probability", "status", "latest_value"} <= set(scorecard.columns)
    forecasts = store.read_output(month, "forecasts")
    assert {"scenario", "indicator", "geo", "sector", "year", "median", "lower", "upper"} <= set(
        forecasts.columns
    )
    assert (forecasts["scenario"] == "baseline").any()
    assert forecasts["scenario"].isna().any()  # the published series' forecasts too
    assert forecasts["model"].str.contains("Monte Carlo").any()
    assert (~forecasts["model"].str.contains("Monte Carlo")).any()  # statsmodels rows too
    assert list((month / "baseline" / "charts").glob("*.png"))
    assert not list(month.rglob("*.pickle")) and not list(month.rglob(".*"))  # not published
    manifest = json.loads(store.manifest_path(month).read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["scenarios"]["baseline"]["parameters"] == FAST
    assert manifest["place"] == manifest["inputs"]["place"] == default_place()
    assert len(manifest["inputs"]["data_checksum_sha256"]) == 64
    assert manifest["package_versions"]["pandas"] and manifest["inputs"]["code_revision"]
    assert manifest["started_utc"] <= manifest["finished_utc"]
    shown = {(r["scenario"], r["notebook"]): r for r in manifest["notebooks"]}
    assert "seconds" in shown["baseline", "05_scenario_forecast.ipynb"]
    assert {r["status"] for r in manifest["steps"]} == {store.OK}


def broken_suite(tmp_path: Path) -> Path:
    """A shipped common notebook and a scenario notebook, plus one that fails in its second
    code cell (after both: the run fails at its end)."""
    folder = notebook_suite(tmp_path / "notebooks", "01_", "05_")
    book = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "dxecon", "display_name": "Python (dxecon)"},
            "language_info": {"name": "python"},
        }
    )
    book.cells = [
        nbformat.v4.new_code_cell("as_of = '2026-10'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("raise ValueError('deliberate failure for the test')"),
    ]
    nbformat.write(book, folder / "07_broken.ipynb")
    return folder


def test_failed_run_leaves_previous_outputs_byte_identical(published, tmp_path, monkeypatch):
    before = tree_digest(published / "2026-10")
    monkeypatch.setattr(folders, "NOTEBOOKS_DIR", broken_suite(tmp_path))
    with pytest.raises(RunError) as info:
        run_suite(
            as_of="2026-10",
            scenarios=["baseline"],
            params=FAST,
            outputs_dir=published,
            progress=False,
        )
    error = info.value
    # In [3] of the executed notebook: parameters, papermill's injected cell, the failure
    assert error.notebook == "common/07_broken.ipynb" and error.cell == 3
    assert "deliberate failure" in str(error) and error.partial.is_dir()
    assert error.partial.name.startswith("failed-")
    assert tree_digest(published / "2026-10") == before


def test_unknown_scenario_fails_before_anything_runs(published):
    before = tree_digest(published / "2026-10")
    with pytest.raises(ParamsError, match="unknown scenario 'nonesuch'; shipped: accelerated"):
        run_suite(as_of="2026-10", scenarios=["nonesuch"], outputs_dir=published, progress=False)
    assert tree_digest(published / "2026-10") == before


def test_second_run_on_the_same_outputs_is_refused(tmp_path):
    with (
        outputs_lock(tmp_path),
        pytest.raises(RunLockedError, match="another dxecon run is writing"),
    ):
        run_suite(as_of="2026-10", scenarios=["baseline"], outputs_dir=tmp_path, progress=False)


def test_killed_run_leaves_the_last_good_outputs(published):
    before = tree_digest(published / "2026-10")
    code = (
        "from pathlib import Path; from dxecon.pipeline.run import run_suite; "
        f"run_suite(as_of='2026-10', scenarios=['baseline'], params={FAST!r}, "
        f"outputs_dir=Path({str(published)!r}), progress=False)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    time.sleep(4.0)  # inside the notebooks
    import os

    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree_digest(published / "2026-10") == before


# -- nbval ---------------------------------------------------------------------------------
def test_nbval_catches_a_changed_result(tmp_path):
    """A stored figure changed by a digit (a productivity level in notebook 03, a cheap
    notebook) fails nbval as CI runs it (with the sanitize file), in that cell only."""
    source = folders.NOTEBOOKS_DIR / "03_productivity.ipynb"
    book = nbformat.read(source, as_version=4)
    changed = None
    for index, cell in enumerate(book.cells):
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            if (found := re.search(r"\b(\d+)\.(\d)\b", text)) is not None:
                digit = str((int(found.group(2)) + 1) % 10)
                output["data"]["text/plain"] = text[: found.start(2)] + digit + text[found.end(2) :]
                # nbval numbers the code cells only
                changed = sum(c.cell_type == "code" for c in book.cells[:index])
                break
        if changed is not None:
            break
    assert changed is not None, "expected a stored table with a figure in notebook 03"
    target = tmp_path / source.name
    nbformat.write(book, target)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-sanitize-with",
            str(folders.NOTEBOOKS_DIR / "sanitize.cfg"),
            "-p",
            "no:cacheprovider",
            "-q",
            str(target),
        ],
        capture_output=True,
        text=True,
        cwd=folders.PROJECT_ROOT,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert re.search(r"\b1 failed\b", result.stdout), result.stdout[-2000:]
    assert f"Cell {changed}" in result.stdout, result.stdout[-2000:]


def test_kernel_environment_is_restored_after_a_run(monkeypatch):
    import os

    from dxecon.pipeline.execute import environment

    monkeypatch.delenv("DXECON_DATA", raising=False)
    with environment({"DXECON_DATA": "/somewhere"}):
        assert os.environ["DXECON_DATA"] == "/somewhere"
    assert "DXECON_DATA" not in os.environ


def test_a_kernel_that_died_at_start_up_is_started_again(monkeypatch, tmp_path):
    import papermill

    from dxecon.pipeline.execute import KERNEL_START_ATTEMPTS, Task, execute_task
    from dxecon.pipeline.suite import Notebook

    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) < KERNEL_START_ATTEMPTS:
            raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    task = Task(Notebook(tmp_path / "01_x.ipynb", {}), None, {}, tmp_path / "out" / "01_x.ipynb")
    assert execute_task(task) is task and len(calls) == KERNEL_START_ATTEMPTS

    def broken(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("Kernel died before replying to kernel_info")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", broken)
    with pytest.raises(RuntimeError, match="Kernel died"):
        execute_task(task)
    assert len(calls) == KERNEL_START_ATTEMPTS  # then it gives up, and the run fails

    def failing_cell(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("a cell failed")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", failing_cell)
    with pytest.raises(RuntimeError, match="a cell failed"):
        execute_task(task)
    assert len(calls) == 1  # any other failure is never retried
