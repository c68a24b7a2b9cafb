"""The scenario notebooks share one simulated run per run: the forecast notebook stores it in
its output folder, the scorecard notebook loads it instead of simulating again."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import AS_OF

from dxecon.models.scenarios import scenario_run
from dxecon.models.scenarios.scenario_run import CACHE_FOLDER, run_for_notebook, scenario_parameters

SMALL = {"paths": 50, "seed": 7, "as_of": AS_OF}


@pytest.fixture
def cheap(monkeypatch):
    """Simulate for real, but skip the scoring and the in-year nowcast (tested elsewhere)."""
    monkeypatch.setattr(scenario_run, "score", lambda *args: None)
    monkeypatch.setattr(scenario_run, "current_year_nowcast", lambda *args: None)


def _no_simulation(*args, **kwargs):
    raise AssertionError("simulated again instead of reusing the run")


def test_second_notebook_reuses_the_first_ones_run(tmp_path, dataset, cheap, monkeypatch):
    first = run_for_notebook("baseline", output_dir=tmp_path, dataset=dataset, **SMALL)
    assert len(list((tmp_path / CACHE_FOLDER).glob("scenario_run-*.pickle"))) == 1
    monkeypatch.setattr(scenario_run, "simulate", _no_simulation)
    second = run_for_notebook("baseline", output_dir=tmp_path, dataset=dataset, **SMALL)
    assert second.scenario == first.scenario
    np.testing.assert_array_equal(second.paths.de_share, first.paths.de_share)


def test_other_parameters_or_no_output_dir_simulate(tmp_path, dataset, cheap, monkeypatch):
    run_for_notebook("baseline", output_dir=tmp_path, dataset=dataset, **SMALL)
    monkeypatch.setattr(scenario_run, "simulate", _no_simulation)
    with pytest.raises(AssertionError, match="simulated again"):  # another seed: another key
        run_for_notebook(
            "baseline", output_dir=tmp_path, dataset=dataset, paths=50, seed=8, as_of=AS_OF
        )
    with pytest.raises(AssertionError, match="simulated again"):  # interactive: no cache
        run_for_notebook("baseline", output_dir="", dataset=dataset, **SMALL)


def test_scenario_parameters_picks_the_scenario_keys_of_a_namespace():
    namespace = {"name": "baseline", "seed": None, "output_dir": "x", "pd": object()}
    assert scenario_parameters(namespace) == {"name": "baseline", "seed": None}


def test_key_follows_the_params_files(tmp_path, dataset, monkeypatch):
    import shutil

    from dxecon.core import folders
    from dxecon.models.scenarios import load_scenario
    from dxecon.models.scenarios.scenario_run import run_key

    scenario = load_scenario("baseline", as_of=AS_OF)
    key = run_key(scenario, dataset)
    assert run_key(scenario, dataset) == key
    params = tmp_path / "params"
    shutil.copytree(folders.PARAMS_DIR, params)
    with open(params / "targets.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n# a changed scoring rule\n")
    monkeypatch.setattr(folders, "PARAMS_DIR", params)
    assert run_key(scenario, dataset) != key
