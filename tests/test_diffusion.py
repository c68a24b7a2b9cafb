"""Scenarios whose diffusion is drawn from the calibration; the interval breakdown; what
it takes; starts on a predecessor boundary."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import AS_OF

from dxecon.calibration import calibrate_diffusion, observed_pace, real_growth
from dxecon.errors import ParamsError, SeriesSelectionError
from dxecon.scenarios import (
    load_scenario,
    resolve_start,
    run_scenario,
    scenario_from_dict,
    simulate,
)
from dxecon.scenarios.diffusion import SOURCES, diffusion_draws, start_candidates
from dxecon.scenarios.uncertainty import (
    breakdown_text,
    interval_breakdown,
    what_it_takes,
    what_it_takes_text,
)

PATHS = 400


@pytest.fixture(scope="module")
def baseline(dataset):
    return resolve_start(load_scenario("baseline", as_of=AS_OF), dataset)[0]


@pytest.fixture(scope="module")
def calibration(dataset, baseline):
    return calibrate_diffusion(dataset, as_of=baseline.as_of)


def start_share(scenario) -> float:
    floor = [s for s in scenario.sectors.values() if s.intensity]
    return sum(s.weight * s.intensity.start for s in floor) / 100.0


def test_shipped_scenarios_type_no_speed_or_ceiling():
    for name in ("baseline", "accelerated", "lagging"):
        scenario = load_scenario(name, as_of=AS_OF)
        assert scenario.diffusion is not None and scenario.diffusion.source
        for sector in scenario.sectors.values():
            if sector.intensity is not None:
                assert sector.intensity.speed is None and sector.intensity.ceiling is None


def test_whole_economy_share_is_the_drawn_logistic_when_weights_stay_fixed(baseline):
    """Sector ceilings scaled by C/D0: the weighted sum is exactly C/(1+(C/D0-1)e^-kt)."""
    data = baseline.model_dump()
    for sector in data["sectors"].values():
        sector["growth"] = {"mean": 5.0, "sd": 0.0}  # equal growth: weights do not move
    data["employment"]["growth"]["sd"] = 0.0
    data["deflator"]["sd"] = 0.0
    ceiling, speed = 60.0, 0.3
    data["diffusion"] = {
        "speed": speed,
        "ceiling": ceiling,
        "start_uncertainty": False,
        "source": "test",
    }
    scenario = scenario_from_dict(data)
    d0 = start_share(scenario)
    assert (
        max(s.intensity.start for s in scenario.sectors.values() if s.intensity) * (ceiling / d0)
        < 100
    ), "no sector ceiling capped: the identity is exact"
    sim = simulate(scenario, paths=5)
    steps = sim.years - scenario.base_year
    expected = ceiling / (1 + (ceiling / d0 - 1) * np.exp(-speed * steps))
    np.testing.assert_allclose(sim.de_share, np.broadcast_to(expected, sim.de_share.shape))


def test_fixed_ceiling_below_the_start_is_a_clear_error(dataset, baseline):
    data = baseline.model_dump()
    data["diffusion"] = {"speed": 0.1, "ceiling": 10.0, "source": "test"}
    with pytest.raises(ParamsError) as info:
        run_scenario(scenario_from_dict(data), n_paths=10, dataset=dataset)
    assert info.value.field == "diffusion.ceiling"
    assert "not above the start share" in str(info.value)


def test_baseline_draws_come_from_the_calibration(dataset, baseline, calibration):
    draws = diffusion_draws(
        baseline, dataset, 4000, start_share=start_share(baseline), calibration=calibration
    )
    prior = calibration.ceiling_prior
    assert (draws.ceiling >= prior.low).all() and (draws.ceiling <= prior.high).all()
    estimate = calibration.to_frame().iloc[0]
    assert estimate["decided_by"] == "data"
    # the mean draw is the estimate (interpolated over the ceiling prior), its spread the se
    assert draws.speed.mean() == pytest.approx(estimate["estimate"], abs=estimate["std_error"])
    assert draws.speed.std() == pytest.approx(estimate["std_error"], rel=0.5)
    factors = start_candidates(dataset, baseline.geo, as_of=baseline.as_of)["factor"]
    assert draws.start_scale.min() >= min(factors.min(), 1.0) - 1e-12
    assert draws.start_scale.max() <= max(factors.max(), 1.0) + 1e-12
    assert set(np.unique(draws.start_shift)) == {0.0, 1.0}  # the start's year is ambiguous
    off = diffusion_draws(
        baseline,
        dataset,
        50,
        start_share=start_share(baseline),
        calibration=calibration,
        sources=(),
    )
    assert np.ptp(off.speed) == 0 and np.ptp(off.ceiling) == 0
    assert (off.start_scale == 1).all() and (off.start_shift == 0).all()


def test_policies_are_stated_evidence_not_chosen_numbers(dataset, calibration):
    accelerated = resolve_start(load_scenario("accelerated", as_of=AS_OF), dataset)[0]
    draws = diffusion_draws(
        accelerated,
        dataset,
        50,
        start_share=start_share(accelerated),
        calibration=calibration,
        sources=(),
    )
    kinds = dataset.codes["geographies"].set_index("code")["kind"]
    provinces = calibration.by_series[calibration.by_series["geo"].map(kinds) == "province"]
    assert draws.central_speed == pytest.approx(provinces["speed"].max())

    lagging = resolve_start(load_scenario("lagging", as_of=AS_OF), dataset)[0]
    d0 = start_share(lagging)
    draws = diffusion_draws(
        lagging, dataset, 50, start_share=d0, calibration=calibration, sources=()
    )
    paces = observed_pace(dataset, geo=lagging.geo, as_of=lagging.as_of)
    national = paces[
        (paces["measure"] == "national pace: digital share") & (paces["method"] == "GSO")
    ]["pace"].iloc[0]
    c = calibration.ceiling_prior.mean
    assert draws.central_speed == pytest.approx(national / (d0 * (1 - d0 / c)))
    # the first year's gain within sectors (base-year weights) is the national pace in pp,
    # to first order; sector growth then moves the weights on top of it
    sim = simulate(lagging, paths=50, diffusion=draws, sources=())
    weights = np.array([lagging.sectors[f].weight for f in sim.floor_sectors])
    starts = np.array([lagging.sectors[f].intensity.start for f in sim.floor_sectors])
    within = (weights * (sim.sector_intensity[0, 0] - starts)).sum() / 100
    assert within == pytest.approx(national, rel=0.1)


def test_unreachable_target_is_said_not_left_at_zero(dataset):
    run = run_scenario("baseline", as_of=AS_OF, n_paths=PATHS, dataset=dataset)
    card = run.scorecard.frame.set_index("goal_id")
    floor = card.loc["TGT022"]
    assert floor["probability"] == 0
    assert "unreachable in every one" in floor["note"]
    assert "every ceiling in the prior" in floor["note"]


def test_interval_breakdown_adds_up(dataset):
    frame = interval_breakdown("baseline", as_of=AS_OF, dataset=dataset, n_paths=PATHS)
    by = frame.set_index("source")
    assert list(frame["source"]) == ["none", *SOURCES, "all", "quadrature sum"]
    assert by.loc["none"].drop("label").abs().max() < 1e-9  # no source: one path
    assert by.at["deflator", "de_share_width"] == pytest.approx(0.0, abs=1e-9)
    assert by.at["deflator", "lp_growth_nominal_width"] > 0
    assert by.at["deflator", "lp_growth_real_width"] == pytest.approx(0.0, abs=1e-9)
    for column in ("de_share_width", "lp_growth_nominal_width"):
        singles = by.loc[list(SOURCES), column]
        assert (singles <= by.at["all", column] * 1.05 + 1e-9).all()
        # independent sources add in quadrature, roughly
        assert by.at["quadrature sum", column] == pytest.approx(by.at["all", column], rel=0.3)
    assert "largest single source" in breakdown_text(frame)
    print(frame.round(3).to_string())  # the benchmark-style printout


def test_what_it_takes_reads_targets_from_the_scorecard(dataset):
    run = run_scenario("baseline", as_of=AS_OF, n_paths=PATHS, dataset=dataset)
    frame = what_it_takes(run, dataset)
    card = run.scorecard.city().set_index("goal_id")
    share = frame[frame["goal"].str.startswith("TGT021")].iloc[0]
    goal = card.loc["TGT021"]
    span = int(goal["year"]) - int(goal["latest_period"])
    assert share["target"] == goal["target_value"]
    assert share["required"] == pytest.approx((goal["target_value"] - goal["latest_value"]) / span)
    lp = frame[frame["goal"].str.startswith("TGT023")]
    assert len(lp) == 2  # real and nominal readings
    real, nominal = lp.iloc[0], lp.iloc[1]
    assert real["required"] == card.loc["TGT023", "target_value"]
    assert nominal["required"] == pytest.approx(
        float(real_growth(real["target"], run.scenario.deflator.mean))
    )
    text = what_it_takes_text(frame)
    assert "not observable" in text and "nan" not in text.lower()


@pytest.mark.slow
@pytest.mark.parametrize("as_of", ["2019-01", "2021-01", "2023-07"])
def test_past_months_say_what_a_start_lacks(dataset, as_of):
    """Before GSO published sector contributions no digital-share start exists: the error
    names every boundary tried (the merged city and its predecessors) and what is missing."""
    scenario = load_scenario("baseline", as_of=as_of)
    with pytest.raises(SeriesSelectionError) as info:
        resolve_start(scenario, dataset)
    message = str(info.value)
    assert f"as of {as_of}" in message
    assert "HP2025:" in message and "HP:" in message and "HD:" in message
