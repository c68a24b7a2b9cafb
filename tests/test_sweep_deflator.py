"""The deflator sweep (issue 12): nominal productivity growth moves with the deflator,
real growth and the digital share do not."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import AS_OF, shipped_dataset

from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path
from dxecon.data.targets import TargetRegistry
from dxecon.models.sweeps.spec import load_sweep, sweep_from_dict
from dxecon.models.sweeps.sweep_run import run_sweep


@pytest.fixture(scope="module")
def registry(dataset):
    return TargetRegistry(dataset)


def small(basis: str):
    data = load_yaml(params_path("deflator_nominal_lp", "sweeps"))
    data.update(paths=300, productivity_basis=basis)
    data["parameters"] = {"deflator.mean": {"values": [0.0, 2.5, 5.0]}}
    return sweep_from_dict(data, name="deflator_test", as_of=AS_OF, dataset=shipped_dataset())


def test_shipped_deflator_sweep_reads_productivity_as_nominal():
    sweep = load_sweep("deflator_nominal_lp", as_of=AS_OF, dataset=shipped_dataset())
    assert sweep.productivity_basis == "nominal"
    assert [p.name for p in sweep.parameters] == ["deflator.mean"]


def test_nominal_growth_rises_with_the_deflator_real_does_not(registry):
    nominal = run_sweep(small("nominal"), engine="serial", registry=registry).table
    sample = nominal[nominal["group"] == "sample"].sort_values("deflator.mean")
    medians = sample["TGT023_median"].to_numpy()
    assert np.all(np.diff(medians) > 0)
    # (1 + real)(1 + deflator): 5 points of deflator add a little more than 5 points
    assert medians[-1] - medians[0] == pytest.approx(5.0, abs=1.0)
    # the digital-share target does not depend on the deflator (common random numbers)
    assert sample["TGT021_median"].nunique() == 1
    real = run_sweep(small("real"), engine="serial", registry=registry).table
    assert real[real["group"] == "sample"]["TGT023_median"].nunique() == 1


def test_unknown_basis_is_a_params_error():
    with pytest.raises(ParamsError, match="productivity_basis"):
        small("gross")
