"""Scenarios whose diffusion is drawn from the calibration: one measure at a time, partial
pooling, yearly noise, a centred start, the horizon variance; the interval breakdown; what
it takes; starts on a predecessor boundary."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import AS_OF

from dxecon.core.errors import ParamsError, SeriesSelectionError
from dxecon.core.facts import facts_of
from dxecon.models.calibration import (
    calibrate_diffusion,
    logit_noise_paths,
    observed_pace,
)
from dxecon.models.rates import growth_of_ratio
from dxecon.models.scenarios import (
    load_scenario,
    resolve_start,
    run_scenario,
    scenario_from_dict,
    simulate,
)
from dxecon.models.scenarios.diffusion import SOURCES, diffusion_draws
from dxecon.models.scenarios.scorecard import note_codes
from dxecon.models.scenarios.uncertainty import interval_breakdown, what_it_takes
from dxecon.present.notes import say_facts
from dxecon.present.uncertainty_text import breakdown_text, what_it_takes_text
from dxecon.present.words import Words

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


def fixed_weights(scenario, **diffusion) -> object:
    """The scenario with equal sector growth (weights do not move) and no other shocks."""
    data = scenario.model_dump()
    for sector in data["sectors"].values():
        sector["growth"] = {"mean": 5.0, "sd": 0.0}
    data["employment"]["growth"]["sd"] = 0.0
    data["deflator"]["sd"] = 0.0
    data["diffusion"] = {"source": "test", **diffusion}
    return scenario_from_dict(data)


def test_whole_economy_share_is_the_drawn_logistic_when_weights_stay_fixed(dataset, baseline):
    """Sector ceilings scaled by C/D0: logit(D/C) = logit(m D0/C) + X exactly, X the drawn
    clock (speed, ambiguous year, yearly noise)."""
    ceiling, speed = 60.0, 0.3
    scenario = fixed_weights(baseline, speed=speed, ceiling=ceiling)
    d0 = start_share(scenario)
    assert (
        max(s.intensity.start for s in scenario.sectors.values() if s.intensity) * (ceiling / d0)
        < 100
    ), "no sector ceiling capped: the identity is exact"
    draws = diffusion_draws(scenario, dataset, 50, start_share=d0)
    sim = simulate(scenario, paths=50, diffusion=draws)
    steps = sim.years - scenario.base_year
    start = draws.start_scale[:, None] * d0
    expected = ceiling / (1 + (ceiling / start - 1) * np.exp(-draws.clock(steps)))
    np.testing.assert_allclose(sim.de_share, expected)
    # the clock: the extra year at the observed pace, the policy's rate, the noise
    clock = draws.shift_logit[:, None] + speed * steps[None, :] + draws.logit_noise
    np.testing.assert_allclose(draws.clock(steps), clock)
    assert np.ptp(draws.logit_noise[:, -1]) > 0  # yearly noise on every path
    quiet = diffusion_draws(scenario, dataset, 5, start_share=d0, sources=("parameters",))
    np.testing.assert_allclose(quiet.clock(steps), np.outer(np.ones(5), speed * steps))


def test_fixed_ceiling_below_the_start_is_a_clear_error(dataset, baseline):
    data = baseline.model_dump()
    data["diffusion"] = {"speed": 0.1, "ceiling": 10.0, "source": "test"}
    with pytest.raises(ParamsError) as info:
        run_scenario(scenario_from_dict(data), n_paths=10, dataset=dataset)
    assert info.value.field == "diffusion.ceiling"
    assert "not above the start share" in str(info.value)


def test_a_start_at_the_ceiling_priors_low_end_is_drawn(dataset, baseline, calibration):
    """The prior's low end is the highest published share: a place holding it starts there
    to rounding (its structural start reproduces the figure as a weighted sum), on either
    side by an ulp. Its paths are drawn, never refused; a start above the low end is."""
    d0 = start_share(baseline)
    for low in (np.nextafter(d0, -np.inf), d0, np.nextafter(d0, np.inf)):
        prior = dataclasses.replace(calibration.ceiling_prior, low=float(low))
        at_top = dataclasses.replace(calibration, ceiling_prior=prior)
        draws = diffusion_draws(baseline, dataset, PATHS, start_share=d0, calibration=at_top)
        assert draws.ceiling.min() >= low and np.isfinite(draws.speed).all()
    prior = dataclasses.replace(calibration.ceiling_prior, low=0.99 * d0)
    below = dataclasses.replace(calibration, ceiling_prior=prior)
    with pytest.raises(ParamsError, match="not above the start share"):
        diffusion_draws(baseline, dataset, PATHS, start_share=d0, calibration=below)


def test_national_pace_is_the_rate_with_the_pace_at_the_start(dataset, baseline):
    """speed national_pace: the nation's pace p (pp a year) as the logistic rate with that
    slope at the start, kappa = p / (D0 (1 - D0/C)) (dD/dt = kappa D (1 - D/C)); with less
    than a year of the pace left below the ceiling the share keeps its start (rate 0)."""
    paces = observed_pace(dataset, geo=baseline.geo, as_of=baseline.as_of)
    pace = float(paces.loc[paces["measure"] == "national pace: digital share", "pace"].iloc[0])
    d0, quiet = start_share(baseline), ("parameters",)  # no start error, noise or shocks
    at_ceiling = d0 / (1 - pace / (2 * d0))  # half a year of the pace below it
    for ceiling, rate in ((60.0, pace / (d0 * (1 - d0 / 60.0))), (at_ceiling, 0.0)):
        scenario = fixed_weights(baseline, speed="national_pace", ceiling=ceiling)
        draws = diffusion_draws(scenario, dataset, 5, start_share=d0, sources=quiet)
        np.testing.assert_allclose(draws.speed, rate)
        sim = simulate(scenario, paths=5, diffusion=draws, sources=quiet)
        steps = sim.years - scenario.base_year
        expected = ceiling / (1 + (ceiling / d0 - 1) * np.exp(-rate * steps))
        np.testing.assert_allclose(sim.de_share, np.broadcast_to(expected, sim.de_share.shape))


def test_the_share_change_splits_exactly_into_structure_and_intensity(dataset, baseline):
    """D_T - D_0 = the structure and intensity effects of decompose_share_change on every
    path (one path: the medians are its values); with equal sector growth the weights do
    not move and all of the change is the sectors' own digital shares."""
    from dxecon.models.scenarios.decomposition import TOTAL, share_change

    for scenario in (baseline, fixed_weights(baseline, speed=0.3, ceiling=60.0)):
        change = share_change(simulate(scenario, paths=1)).set_index("sector")
        total = change.loc[TOTAL]
        assert total["intensity_pp"] + total["structure_pp"] == pytest.approx(
            total["share_end"] - total["share_start"]
        )
        sectors = change.drop(index=TOTAL)
        assert sectors["intensity_pp"].sum() == pytest.approx(total["intensity_pp"])
        assert sectors["structure_pp"].sum() == pytest.approx(total["structure_pp"])
    assert total["structure_pp"] == pytest.approx(0.0, abs=1e-9)
    assert total["intensity_pp"] > 0


def test_baseline_draws_come_from_the_calibration(dataset, baseline, calibration):
    n = 20000
    draws = diffusion_draws(
        baseline, dataset, n, start_share=start_share(baseline), calibration=calibration
    )
    prior = calibration.ceiling_prior
    assert (draws.ceiling >= prior.low).all() and (draws.ceiling <= prior.high).all()
    assert draws.measure == "GSO" and (draws.table["measure"] == "GSO").all()
    estimate = calibration.to_frame().iloc[0]
    assert estimate["decided_by"] == "data"
    # the national speed is centred on the estimate (interpolated over the ceiling prior)
    assert np.median(draws.national_speed) == pytest.approx(
        estimate["estimate"], abs=0.05 * estimate["std_error"]
    )
    # partial pooling: the city's speed is k_m + u, u ~ N(0, tau(C)^2), not k_m alone
    deviation = draws.speed - draws.national_speed
    tau = calibration.spread_at(draws.ceiling)
    assert np.std(deviation / tau) == pytest.approx(1.0, abs=0.02)
    assert np.std(draws.speed) > 2 * np.std(draws.national_speed)
    # the start is centred on the published figure: half the paths below it, half above
    below = np.mean(draws.start_scale < 1)
    assert below == pytest.approx(0.5, abs=3 * 0.5 / np.sqrt(n))
    assert np.median(draws.start_scale) == pytest.approx(1.0, abs=1e-3)
    assert set(np.unique(draws.start_shift)) == {0.0, 1.0}  # the start's year is ambiguous
    # the ambiguous year runs at the observed pace k_m (plus its shock), not at k_m + u
    shifted = draws.start_shift == 1
    shock = (draws.shift_logit - draws.national_speed)[shifted] / draws.noise_sd[shifted]
    assert np.mean(shock) == pytest.approx(0.0, abs=0.05)
    assert np.std(shock) == pytest.approx(1.0, abs=0.03)
    assert (draws.shift_logit[~shifted] == 0).all()
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
    assert (off.logit_noise == 0).all() and (off.shift_logit == 0).all()


def test_a_place_at_the_ceiling_priors_low_end_never_starts_near_zero(dataset):
    """Bac Ninh's start is the ceiling prior's low end (the highest GSO share). Its start is
    the published figure times a lognormal factor, whatever the drawn ceiling, and every
    ceiling is at or above the path's start, so no path's share collapses."""
    from scipy.stats import t

    from dxecon.models.scenarios import simulate_scenario
    from dxecon.pipeline.context import Context
    from dxecon.pipeline.steps.scenario import scenario_from_context

    n = 4000
    scenario = scenario_from_context(Context(dataset, AS_OF, place="BN"), "baseline")
    run = simulate_scenario(scenario, n_paths=n, dataset=dataset)
    draws, d0 = run.diffusion, start_share(run.scenario)
    calibration = calibrate_diffusion(dataset, as_of=AS_OF)
    assert d0 == pytest.approx(calibration.ceiling_prior.low, rel=1e-9)
    assert (draws.ceiling >= d0 * draws.start_scale).all()
    rho, n_rho = calibration.revision_sd, len(calibration.revisions)
    assert draws.start_scale.min() > np.exp(rho * t.ppf(1 / (100 * n), n_rho))
    # with the start's error and the parameters drawn but no yearly noise (whose own sd is
    # drawn with few degrees of freedom), no path's share falls far below the start
    quiet = simulate_scenario(scenario, n_paths=n, dataset=dataset, sources=("start", "parameters"))
    assert quiet.paths.quantity("de_share").min() > 0.5 * d0


def test_logit_variance_grows_as_the_formula_says(calibration):
    """Var(z_h) = Var(a) + h^2 (Var(k_m) + tau^2) + h f^2 E[sigma^2], each estimated scale
    inflated by nu / (nu - 2) for its degrees of freedom (here ten each), the noise widened
    by the real-time check's factor f."""
    from dataclasses import replace

    nu, ceiling, start, n = 10, 60.0, 22.28, 200000
    noise, rho = calibration.noise, calibration.revision_sd
    cal = replace(
        calibration,
        grid=calibration.grid.assign(df_resid=nu),
        noise=replace(noise, df=nu),
        revisions=pd.DataFrame({"log_revision": np.full(nu, rho)}),
    )
    rng = np.random.default_rng(8)
    draws = cal.predictive_draw(rng, n, start=start, ceiling=ceiling)
    horizons = np.arange(1, 6)
    walk = logit_noise_paths(rng, draws.noise_sd, len(horizons))
    z = draws.start_logit[:, None] + draws.speed[:, None] * horizons + walk
    inflate = nu / (nu - 2)
    se = float(cal._grid("std_error", ceiling))
    tau = float(cal.spread_at(ceiling))
    var_a = (ceiling / (ceiling - start)) ** 2 * rho**2 * inflate
    noise_var = (cal.noise_factor * noise.sd) ** 2 * inflate
    expected = var_a + horizons**2 * (se**2 * inflate + tau**2) + horizons * noise_var
    np.testing.assert_allclose(z.var(axis=0), expected, rtol=0.03)
    # the median start is the published figure: the start error has median zero
    share0 = ceiling / (1 + np.exp(-draws.start_logit))
    assert np.median(share0) == pytest.approx(start, rel=1e-3)


def test_a_speed_from_another_measure_is_refused(dataset, baseline, calibration):
    data = baseline.model_dump()
    data["diffusion"] = {
        "speed": "fastest_province",
        "speed_measure": "MIC",
        "source": "test: Ho Chi Minh City's MIC speed applied to the city's GSO level",
    }
    mixed = scenario_from_dict(data)
    with pytest.raises(ParamsError) as info:
        diffusion_draws(mixed, dataset, 10, start_share=start_share(mixed), calibration=calibration)
    error = info.value
    assert error.file == "params/scenarios/baseline.yaml" and error.field == "diffusion.speed"
    assert "MIC's measure" in str(error) and "GSO's" in str(error)
    assert "conversion" in str(error) and "OBS0441" in str(error)
    # a calibration of another measure is refused too: speed, ceiling, noise all MIC's
    mic = calibrate_diffusion(dataset, as_of=baseline.as_of, measure="MIC", widen=False)
    with pytest.raises(ParamsError) as info:
        diffusion_draws(baseline, dataset, 10, start_share=start_share(baseline), calibration=mic)
    assert info.value.field == "diffusion.speed"
    assert "MIC's measure" in str(info.value) and "GSO's" in str(info.value)
    # on GSO's own measure no province has two figures: said, not borrowed from MIC
    data["diffusion"] = {"speed": "fastest_province", "source": "test"}
    own = scenario_from_dict(data)
    with pytest.raises(ParamsError, match="no province has two GSO figures"):
        diffusion_draws(own, dataset, 10, start_share=start_share(own), calibration=calibration)


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
    # Ho Chi Minh City's MIC rate over 2022-2023 less MIC's national rate over the same
    # years, at MIC's central ceiling, added to GSO's national rate: computed by hand
    mic_ceiling = (56.83 + 100) / 2  # MIC's prior: its highest share (Bac Ninh 2022) to 100

    def rate(a, b):
        return np.log(b / (mic_ceiling - b)) - np.log(a / (mic_ceiling - a))

    excess = rate(18.66, 21.5) - rate(14.26, 16.5)
    gso = float(calibration.speed_at(calibration.ceiling_prior.mean))
    assert draws.central_speed == pytest.approx(gso + excess)
    assert draws.speed == pytest.approx(np.full(50, gso + excess))
    table = draws.table.set_index("key")
    assert table.loc["city_speed_fastest_province", "measure"] == "GSO"  # converted onto it
    assert table.loc["fastest_rate", "measure"] == "MIC"
    conversion = table.loc["conversion_additive"]
    assert conversion["central"] == pytest.approx(excess)
    converted, how = facts_of(table.loc["city_speed_fastest_province", "evidence"])
    assert (converted["measure_from"], how["code"]) == ("MIC", "draw_how_additive")
    assert how["excess"] == pytest.approx(excess)
    # the ceiling's source says each path's ceiling is at least its start, in both languages
    ceiling_source = table.loc["ceiling", "source"]
    assert facts_of(ceiling_source)[-1] == {"code": "draw_above_start"}
    assert say_facts(ceiling_source, Words("en")).endswith("at least the path's start")
    assert "không thấp hơn điểm xuất phát" in say_facts(ceiling_source, Words("vi"))
    said = [say_facts(note, Words("en")) for note in draws.notes]
    assert any("speed converted from the figures on MIC's measure" in note for note in said)

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
    (unreachable,) = [n for n in note_codes(floor["note_codes"]) if "unreachable" in n["code"]]
    assert unreachable["code"] == "unreachable_prior"  # with the prior's ranges
    assert unreachable["ceiling_low"] <= unreachable["ceiling_high"]
    assert Words("en")("note.unreachable_prior", **unreachable).startswith(
        "unreachable in every one"
    )


def test_interval_breakdown_adds_up(dataset):
    frame = interval_breakdown("baseline", as_of=AS_OF, dataset=dataset, n_paths=PATHS)
    by = frame.set_index("source")
    assert list(frame["source"]) == ["none", *SOURCES, "all", "quadrature sum"]
    assert by.loc["none"].abs().max() < 1e-9  # no source: one path
    assert by.at["deflator", "de_share_width"] == pytest.approx(0.0, abs=1e-9)
    assert by.at["deflator", "lp_growth_nominal_width"] > 0
    assert by.at["deflator", "lp_growth_real_width"] == pytest.approx(0.0, abs=1e-9)
    for column in ("de_share_width", "lp_growth_nominal_width"):
        singles = by.loc[list(SOURCES), column]
        assert (singles <= by.at["all", column] * 1.05 + 1e-9).all()
        # independent sources add in quadrature, roughly
        assert by.at["quadrature sum", column] == pytest.approx(by.at["all", column], rel=0.3)
    assert "largest single source" in breakdown_text(frame, Words("en"))
    print(frame.round(3).to_string())  # the benchmark-style printout


def test_what_it_takes_reads_targets_from_the_scorecard(dataset):
    run = run_scenario("baseline", as_of=AS_OF, n_paths=PATHS, dataset=dataset)
    frame = what_it_takes(run, dataset)
    card = run.scorecard.city().set_index("goal_id")
    share = frame[frame["goal_id"] == "TGT021"].iloc[0]
    goal = card.loc["TGT021"]
    span = int(goal["year"]) - int(goal["latest_period"])
    assert share["target"] == goal["target_value"]
    assert share["required"] == pytest.approx((goal["target_value"] - goal["latest_value"]) / span)
    lp = frame[frame["goal_id"] == "TGT023"]
    assert list(lp["basis"]) == ["real", "nominal"]  # both readings
    real, nominal = lp.iloc[0], lp.iloc[1]
    assert real["required"] == card.loc["TGT023", "target_value"]
    assert nominal["required"] == pytest.approx(
        float(growth_of_ratio(real["target"], run.scenario.deflator.mean))
    )
    text = what_it_takes_text(frame, Words("en"))
    assert "not observable" in text and "nan" not in text.lower()
    vietnamese = what_it_takes_text(frame, Words("vi"))
    assert Words("vi")("wit.not_observable") in vietnamese and "observable" not in vietnamese


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
