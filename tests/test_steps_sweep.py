"""The ``sweep`` step (notebook 07) on the shipped data: its outputs are the catalogue's,
its key targets the sweep file's, the ends of its calibrated ranges the run's calibration's
predictive percentiles, and its words the reader's language; the sweep's texts from its
tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import AS_OF

from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path
from dxecon.models.scenarios.diffusion import predictive_range, sector_ceiling, start_share
from dxecon.models.sweeps import sweep_from_dict
from dxecon.pipeline.catalogue import outputs_of
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import run_step
from dxecon.present.sweep_text import monte_carlo_error_pp, reading
from dxecon.present.words import Words

FILE = "sweeps/de_share_2030.yaml"
SHIPPED = load_yaml(params_path(FILE))
#: The shipped sweep, small: few paths, a small sample, a 3 x 3 surface.
SMALL = {
    FILE: {
        "paths": 100,
        "notebook_samples": 6,
        "surface": {**SHIPPED["surface"], "steps": 3},
    }
}


@pytest.fixture(scope="module")
def diffusion(diffusion_step):
    return diffusion_step


@pytest.fixture(scope="module")
def sweep(dataset, diffusion):
    return run_step("sweep", Context(dataset, AS_OF, "vi", SMALL), inputs={"diffusion": diffusion})


def test_outputs_are_the_catalogues_one_chart_per_key_target(sweep):
    names = set(sweep.outputs)
    fixed = {e.name for e in outputs_of("sweep") if not e.per_target}
    assert fixed <= names
    key = SHIPPED["key_targets"]
    assert names - fixed == {f"sweep_tornado_{t}" for t in key} | {f"sweep_surface_{key[0]}"}
    assert list(sweep["sweep_key_targets"]["target_id"]) == key  # the file's, not the code's
    result = sweep.objects["result"]
    assert result.sweep.samples == SMALL[FILE]["notebook_samples"]
    assert len(sweep["sweep_results"]) == result.sweep.size


def test_calibrated_ranges_are_the_calibrations_predictive_percentiles(sweep, diffusion):
    calibration = diffusion.objects["calibration"]
    spec = sweep.objects["result"].sweep
    ranges = sweep["sweep_ranges"].set_index("parameter")
    from dxecon.models.scenarios.config import scenario_from_dict

    base = scenario_from_dict(spec.base_scenario)
    for name, given in SHIPPED["parameters"].items():
        if "from_calibration" not in given:
            assert (ranges.at[name, "low"], ranges.at[name, "high"]) == (
                given["low"],
                given["high"],
            )
            continue
        target = spec.parameter(name).targets[0]
        low, high = predictive_range(base, calibration, target, given["from_calibration"])
        assert ranges.at[name, "low"] == pytest.approx(max(low, 0.0))
        assert ranges.at[name, "high"] == pytest.approx(high)
    # a sector's ceiling range: its start scaled by the prior's percentiles (uniform prior,
    # a monotone map: quantiles map to quantiles)
    prior = calibration.ceiling_prior
    start = base.sectors["services"].intensity.start
    expected = [
        sector_ceiling(start, start_share(base), prior.low + q / 100 * (prior.high - prior.low))
        for q in SHIPPED["parameters"]["sectors.services.intensity.ceiling"]["from_calibration"]
    ]
    got = ranges.loc["sectors.services.intensity.ceiling", ["low", "high"]].to_numpy(float)
    np.testing.assert_allclose(got, expected, rtol=0.01)


def test_the_base_variant_is_the_scorecards_reading_of_the_base(sweep, diffusion):
    """The sweep scores through the scorecard's scorer: its base variant equals scoring the
    base scenario's paths (same seed, same paths) with `score_paths`."""
    from dxecon.models.scenarios import simulate
    from dxecon.models.scenarios.config import scenario_from_dict
    from dxecon.models.scenarios.scorecard import path_values, score_paths

    result = sweep.objects["result"]
    base = result.table[result.table["group"] == "base"].iloc[0]
    data = {**result.sweep.base_scenario, "seed": int(base["seed"]), "paths": result.sweep.paths}
    paths = simulate(scenario_from_dict(data), calibration=diffusion.objects["calibration"])
    for target in result.targets:
        values = path_values(paths, target.indicator, target.year, basis=target.basis)
        score = score_paths(values, target.comparator, target.value)
        assert base[f"{target.target_id}_probability"] == score.probability
        assert base[f"{target.target_id}_median"] == score.median


def test_words_are_the_contexts_language(sweep, dataset, diffusion):
    english = run_step(
        "sweep", Context(dataset, AS_OF, "en", SMALL), inputs={"diffusion": diffusion}
    )
    for name in ("sweep_summary", "sweep_failures", "sweep_reading"):
        assert english[name] != sweep[name] and "nan" not in sweep[name].lower(), name
    assert english["sweep_ranges"]["range"].str.contains("calibration's predictive").any()
    assert sweep["sweep_ranges"]["range"].str.contains("phân phối dự báo").any()
    pd.testing.assert_frame_equal(english["sweep_tornado"], sweep["sweep_tornado"])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"sectors.*.intensity.ceiling": {"from_calibration": [5, 95]}},
            "from_calibration",
            "own range",
        ),
        (
            {"sectors.agro.intensity.ceiling": {"from_calibration": [95, 5]}},
            "from_calibration",
            "percentiles",
        ),
        (
            {"sectors.agro.intensity.ceiling": {"from_calibration": [5, 95], "low": 1}},
            "from_calibration",
            "drop low",
        ),
        ({"deflator.mean": {"from_calibration": [5, 95]}}, "from_calibration", "calibrated range"),
    ],
)
def test_a_calibrated_range_is_checked(change, field, message, dataset, diffusion):
    data = {**SHIPPED, "parameters": {**SHIPPED["parameters"], **change}}
    with pytest.raises(ParamsError, match=message) as info:
        sweep_from_dict(
            data,
            name="mine",
            file="mine.yaml",
            as_of=AS_OF,
            dataset=dataset,
            calibration=diffusion.objects["calibration"],
        )
    assert info.value.file == "mine.yaml" and info.value.field.endswith(field)


def test_key_targets_are_named_by_the_file(dataset, diffusion):
    for bad in ([], ["TGT999"]):
        with pytest.raises(ParamsError) as info:
            sweep_from_dict(
                {**SHIPPED, "key_targets": bad},
                name="mine",
                file="mine.yaml",
                as_of=AS_OF,
                dataset=dataset,
                calibration=diffusion.objects["calibration"],
            )
        assert info.value.field == "key_targets"


def test_reading_ranks_and_reports_probabilities():
    class Target:
        target_id, indicator, comparator, value, year, basis = (
            "T1",
            "de_share",
            ">=",
            35,
            2030,
            "real",
        )

    tornado = pd.DataFrame(
        {
            "target_id": ["T1", "T1"],
            "rank": [1, 2],
            "parameter": ["sectors.*.intensity.speed", "deflator.mean"],
            "probability_base": [0.1, 0.1],
            "probability_low": [0.0, 0.1],
            "probability_high": [0.9, 0.1],
            "probability_swing": [0.9, 0.0],
            "median_base": [30.0, 30.0],
            "median_low": [25.0, 30.0],
            "median_high": [40.0, 30.0],
            "median_swing": [15.0, 0.0],
        }
    )
    sample = pd.DataFrame({"target_id": ["T1"], "share_likely": [0.25]})
    text = reading(tornado, sample, [Target()], Words("en"), paths=2500)
    assert "at least 35% of GRDP in 2030" in text
    assert "median is 30% of GRDP and the probability 10%" in text
    assert "moved most by every sector: digital diffusion speed (from its low to its" in text
    assert "median 25 to 40, probability 0% to 90%" in text
    assert "deflator" not in text  # moves nothing
    assert "best single end reaches 90%; more likely than not in 25%" in text
    assert text.endswith("about 1 percentage points at 2,500 paths.")
    assert monte_carlo_error_pp(2500) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="paths"):
        monte_carlo_error_pp(0)


def test_the_sweep_steps_charts_pickle(sweep):
    """See test_steps_scenarios: the surface chart's tick formatter is picklable."""
    import pickle

    charts = {n: v for n, v in sweep.outputs.items() if hasattr(v, "savefig")}
    assert any(n.startswith("sweep_surface_") for n in charts)
    for name, figure in charts.items():
        assert pickle.loads(pickle.dumps(figure)).axes, name
