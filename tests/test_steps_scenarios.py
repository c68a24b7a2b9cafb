"""The steps of notebooks 05 and 06 and the month's overall reading, called directly on the
shipped data: ``diffusion`` (once per run), ``scenario`` (the simulation once, and what
notebook 05 shows of it), ``scorecard`` (the scenario step's run, in memory) and ``overall``
(every scenario's scorecard weighted). Each produces exactly its catalogue outputs, and its
key numbers are the library's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import AS_OF

from dxecon.core.errors import ParamsError
from dxecon.models.scenarios import run_scenario
from dxecon.models.scenarios.diffusion import SOURCES
from dxecon.models.scenarios.scorecard import INTERVAL, score_paths
from dxecon.models.scenarios.uncertainty import what_it_takes
from dxecon.models.scoring import ScoringConfig
from dxecon.pipeline.catalogue import outputs_of
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult, run_step
from dxecon.pipeline.steps.scenario import scenario_forecasts, scenario_from_context

BASELINE = "scenarios/baseline.yaml"
#: Few paths: what is checked is the wiring and the numbers' provenance, not their precision.
SMALL = {BASELINE: {"paths": 400}}


@pytest.fixture(scope="module")
def ctx(dataset):
    return Context(dataset, AS_OF, "vi", SMALL)


@pytest.fixture(scope="module")
def diffusion(diffusion_step):
    return diffusion_step


@pytest.fixture(scope="module")
def scenario(ctx, diffusion):
    return run_step("scenario", ctx, scenario="baseline", inputs={"diffusion": diffusion})


@pytest.fixture(scope="module")
def scorecard(ctx, scenario):
    return run_step("scorecard", ctx, scenario="baseline", inputs={"scenario": scenario})


def _names(step: str) -> set[str]:
    return {entry.name for entry in outputs_of(step)}


def test_score_paths_on_a_known_sample():
    values = np.arange(1.0, 101.0)  # 1..100
    score = score_paths(values, ">=", 51)
    assert score.probability == 0.5 and score.median == 50.5
    assert (score.low, score.high) == tuple(np.percentile(values, INTERVAL))
    assert score_paths(values, "<=", 10).probability == 0.1


def test_diffusion_checks_once_and_calibrates_with_the_checks_widening(diffusion, dataset):
    from dxecon.models.calibration import calibrate_diffusion

    assert set(diffusion.outputs) == _names("diffusion")
    calibration, realtime = diffusion.objects["calibration"], diffusion.objects["realtime"]
    assert calibration.widening is realtime.widening  # the check ran once, here
    table = diffusion["diffusion_calibration"].set_index("key")
    assert table.at["widening", "estimate"] == realtime.widening.factor
    # the same table as the library's calibration, which runs the check itself
    library = calibrate_diffusion(dataset, as_of=AS_OF).to_frame()
    pd.testing.assert_frame_equal(diffusion["diffusion_calibration"], library)
    assert diffusion["diffusion_realtime_coverage"]["judged"].any()


def test_scenario_simulates_once_with_the_runs_calibration(scenario, diffusion, dataset, ctx):
    assert set(scenario.outputs) == _names("scenario")
    run = scenario.objects["run"]
    assert run.scenario.paths == SMALL[BASELINE]["paths"] and run.scenario.as_of == AS_OF
    again = run_scenario(
        scenario_from_context(ctx, "baseline"),
        dataset=dataset,
        calibration=diffusion.objects["calibration"],
    )
    np.testing.assert_array_equal(run.paths.de_share, again.paths.de_share)
    pd.testing.assert_frame_equal(scenario["scenario_forecasts"], scenario_forecasts(again))
    pd.testing.assert_frame_equal(scenario["what_it_takes"], what_it_takes(again, dataset))
    widened = diffusion.objects["calibration"].noise_factor
    assert np.median(run.diffusion.noise_sd) > np.median(run.diffusion.noise_sd / widened)
    breakdown = scenario["interval_breakdown"]
    assert list(breakdown["source"]) == ["none", *SOURCES, "all", "quadrature sum"]


def test_scenario_texts_and_views_are_in_the_contexts_language(scenario, dataset, diffusion):
    english = run_step(
        "scenario",
        Context(dataset, AS_OF, "en", SMALL),
        scenario="baseline",
        inputs={"diffusion": diffusion},
    )
    for name, value in scenario.outputs.items():
        if isinstance(value, str):
            assert "nan" not in value.lower(), name
            if name not in ("diffusion_draws_text",):  # params' own reasoning, as written
                assert value != english[name], name
    assert "drawn per path" in english["scenario_assumptions"]["speed"].iloc[0]
    assert "rút theo từng đường" in scenario["scenario_assumptions"]["speed"].iloc[0]
    assert english["what_it_takes_view"]["goal"].str.contains("digital economy").any()


def test_a_scenario_parameter_changes_the_simulation(dataset, diffusion, scenario):
    other = Context(dataset, AS_OF, "vi", {BASELINE: {"paths": 400, "seed": 7}})
    moved = run_step("scenario", other, scenario="baseline", inputs={"diffusion": diffusion})
    assert moved.objects["run"].scenario.seed == 7
    assert not np.array_equal(
        moved.objects["run"].paths.de_share, scenario.objects["run"].paths.de_share
    )


def test_an_unknown_scenario_names_its_file(ctx, diffusion):
    with pytest.raises(ParamsError, match="unknown scenario 'nonesuch'") as info:
        run_step("scenario", ctx, scenario="nonesuch", inputs={"diffusion": diffusion})
    assert info.value.file == "params/scenarios/nonesuch.yaml"


def test_scorecard_reads_the_scenario_steps_run_in_memory(scorecard, scenario):
    assert set(scorecard.outputs) == _names("scorecard")
    run = scenario.objects["run"]
    assert scorecard.objects["run"] is run  # no second simulation, no file in between
    pd.testing.assert_frame_equal(scorecard["scorecard"], run.scorecard.to_frame())
    city = run.scorecard.city()
    assert scorecard["scorecard_status"]["goals"].sum() == len(city)
    assert len(scorecard["scorecard_city"]) + len(scorecard["scorecard_no_data"]) == len(city)


def test_a_changed_scoring_rule_changes_the_scorecard(dataset, diffusion, scorecard):
    strict = {**SMALL, "targets.yaml": {"status_thresholds": {"on_track": 0.99, "at_risk": 0.98}}}
    ctx = Context(dataset, AS_OF, "vi", strict)
    result = run_step("scenario", ctx, scenario="baseline", inputs={"diffusion": diffusion})
    card = run_step("scorecard", ctx, scenario="baseline", inputs={"scenario": result})
    before, after = scorecard["scorecard"], card["scorecard"]
    forecast = before["scored_on"] == "forecast"
    assert (before.loc[forecast, "probability"] == after.loc[forecast, "probability"]).all()
    rule = ScoringConfig.from_mapping(ctx.params("targets.yaml"))
    expected = [rule.status_from_probability(p) for p in after.loc[forecast, "probability"]]
    assert list(after.loc[forecast, "status"]) == expected
    assert "99%" in card["scorecard_text"]  # the legend states the thresholds of the context
    assert card["scorecard_text"] != scorecard["scorecard_text"]


def test_overall_weights_every_scenarios_scorecard(dataset, scorecard):
    three = {name: scorecard for name in ("baseline", "accelerated", "lagging")}
    overall = run_step("overall", Context(dataset, AS_OF, "en"), inputs={"scorecard": three})
    assert set(overall.outputs) == _names("overall")
    weighted = overall["overall_scorecard"].set_index("goal_id")
    card = scorecard["scorecard"].set_index("goal_id")
    forecast = card.index[card["scored_on"] == "forecast"]
    # equal weights of one scorecard three times: the scorecard's own probability
    np.testing.assert_allclose(
        weighted.loc[forecast, "probability"], card.loc[forecast, "probability"]
    )
    assert "equal" in overall["overall_weights"]


def test_overall_says_why_a_weighted_scenario_is_missing(dataset, scorecard):
    only: dict[str, StepResult] = {"baseline": scorecard}
    weights = {"baseline": "1/2", "accelerated": 0, "lagging": "1/2"}
    ctx = Context(dataset, AS_OF, "vi", {"scenario_weights.yaml": {"weights": weights}})
    overall = run_step("overall", ctx, inputs={"scorecard": only})
    assert overall["overall_scorecard"]["probability"].isna().all()
    assert "Chậm" in overall["overall_weights"]  # the lagging scenario, named in Vietnamese


def test_the_scenario_steps_charts_pickle(scenario):
    """A run draws a chart in its chart process only when the figure pickles (a lambda tick
    formatter made two charts fall back to the run's own thread)."""
    import pickle

    charts = {n: v for n, v in scenario.outputs.items() if hasattr(v, "savefig")}
    assert charts
    for name, figure in charts.items():
        assert pickle.loads(pickle.dumps(figure)).axes, name
