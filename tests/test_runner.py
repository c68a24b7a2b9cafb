"""The notebook suite as users and the monthly schedule meet it: papermill, the runner's
guarantees (atomic, locked, failure-safe), nbval catching a changed result."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import notebook_suite

from dxecon.core import folders
from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path
from dxecon.pipeline.execute import RunError
from dxecon.pipeline.publish import RunLockedError, outputs_lock
from dxecon.pipeline.run import run_suite
from dxecon.pipeline.suite import check_params, suite

pytestmark = pytest.mark.slow
FAST = {"paths": 400}  # the engine's numbers are tested elsewhere; here: the plumbing


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under a (possibly symlinked) folder -> sha256."""
    root = folder.resolve()
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """One good run of the baseline into a scratch outputs folder."""
    outputs = tmp_path_factory.mktemp("outputs")
    run_suite(
        as_of="2026-10", scenarios=["baseline"], params=FAST, outputs_dir=outputs, progress=False
    )
    return outputs


# -- parameters ----------------------------------------------------------------------------
#: Keys of the sweep file that only `dxecon sweep` reads (notebook 07 shows a smaller sample).
SWEEP_ONLY = {"description", "seed", "samples"}


def test_each_notebook_reads_its_own_params_file_and_defaults_agree():
    """Every notebook names its params file; every key of it is a parameter of the notebook
    whose default is that value (or None: 'the file's'), so no default disagrees with
    params/ and running a notebook by hand shows what the runner shows."""
    for nb in suite():
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
        if name.startswith(("scenarios/", "sweeps/")):
            continue  # scenario notebooks (one per scenario); `dxecon sweep NAME`
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
        ("04_published_forecasts.ipynb", "forecasts.yaml", "lp_current / VN"),
        ("08_nowcast.ipynb", "nowcast.yaml", "80%"),
        ("05_scenario_forecast.ipynb", "scenarios/accelerated.yaml", "Kịch bản **accelerated**"),
        ("06_targets_scorecard.ipynb", "scenarios/lagging.yaml", "Kịch bản **lagging**"),
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
    assert expected in out.read_text(encoding="utf-8")


# -- the runner ----------------------------------------------------------------------------
def test_run_writes_a_complete_folder(published):
    folder = published / "2026-10" / "baseline"
    for name in ("01_data_overview", "04_published_forecasts", "05_scenario_forecast"):
        assert (folder / "notebooks" / f"{name}.ipynb").is_file()
    assert "<html" in (folder / "report.html").read_text(encoding="utf-8")
    assert "scenario_from_parameters(" not in (folder / "report.html").read_text(encoding="utf-8")
    scorecard = pd.read_csv(folder / "tables" / "scorecard.csv")
    assert {"target_id", "probability", "status", "latest_value"} <= set(scorecard.columns)
    forecasts = pd.read_csv(folder / "tables" / "forecasts.csv")
    assert {"indicator", "geo", "sector", "year", "median", "lower", "upper", "model"} <= set(
        forecasts.columns
    )
    assert forecasts["model"].str.contains("Monte Carlo").any()
    assert (~forecasts["model"].str.contains("Monte Carlo")).any()  # statsmodels rows too
    assert list((folder / "charts").glob("*.png"))
    assert not list(folder.rglob("*.pickle")) and not (folder / ".cache").exists()  # not published
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["parameters"] == FAST
    assert len(manifest["data_checksum_sha256"]) == 64
    assert manifest["package_versions"]["pandas"] and manifest["code_revision"]
    assert manifest["started_utc"] <= manifest["finished_utc"]
    assert any(k.endswith("05_scenario_forecast.ipynb") for k in manifest["notebook_seconds"])


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
    before = tree_digest(published / "2026-10" / "baseline")
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
    assert tree_digest(published / "2026-10" / "baseline") == before


def test_unknown_scenario_fails_before_anything_runs(published):
    before = tree_digest(published / "2026-10" / "baseline")
    with pytest.raises(ParamsError, match="unknown scenario 'nonesuch'; shipped: accelerated"):
        run_suite(as_of="2026-10", scenarios=["nonesuch"], outputs_dir=published, progress=False)
    assert tree_digest(published / "2026-10" / "baseline") == before


def test_second_run_on_the_same_outputs_is_refused(tmp_path):
    with (
        outputs_lock(tmp_path),
        pytest.raises(RunLockedError, match="another dxecon run is writing"),
    ):
        run_suite(as_of="2026-10", scenarios=["baseline"], outputs_dir=tmp_path, progress=False)


def test_killed_run_leaves_the_last_good_outputs(published):
    before = tree_digest(published / "2026-10" / "baseline")
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
    assert tree_digest(published / "2026-10" / "baseline") == before


# -- nbval ---------------------------------------------------------------------------------
def test_nbval_catches_a_changed_result(tmp_path):
    from dxecon.present.words import Words

    source = folders.NOTEBOOKS_DIR / "06_targets_scorecard.ipynb"
    book = nbformat.read(source, as_version=4)
    missed, met = Words("vi").status("missed"), Words("vi").status("met")  # stored: lang "vi"
    changed = False
    for cell in book.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/plain" in data and missed in data["text/plain"]:
                data["text/plain"] = data["text/plain"].replace(missed, met, 1)
                changed = True
                break
        if changed:
            break
    assert changed, f"expected a stored {missed!r} in the scorecard notebook"
    target = tmp_path / source.name
    nbformat.write(book, target)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", str(target)],
        capture_output=True,
        text=True,
        cwd=folders.PROJECT_ROOT,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "failed" in result.stdout


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
