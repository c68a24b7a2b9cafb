"""Diffusion calibration (issues 12 and 20): known speed, spread and noise recovered on
synthetic data, the table on the shipped data, priors where the data are silent, one measure
at a time, parameter draws, the real-time check, "what it takes"."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import replace_in

from dxecon.core.facts import facts_of
from dxecon.data import load_dataset
from dxecon.models.calibration import (
    NOT_OBSERVABLE,
    Prior,
    calibrate_diffusion,
    diffusion_panel,
    estimate_noise,
    fit_logistic_speed,
    fit_speed_spread,
    logit_noise_paths,
    observed_pace,
    required_growth,
    required_pace,
    revision_errors,
    start_logit,
)
from dxecon.models.calibration_realtime import (
    WIDENED_NOW,
    WIDENED_REALTIME,
    noise_inflation,
    realtime_coverage,
    standardized_errors,
)
from dxecon.models.forecast.coverage import TOO_FEW, CoverageRule
from dxecon.present.notes import say_facts
from dxecon.present.tables import readable
from dxecon.present.words import Words


def english(cell) -> str:
    """A recorded note (`dxecon.core.facts`) as an English reader reads it."""
    return say_facts(cell, Words("en"))


def synthetic_panel(seed: int, *, speed=0.15, ceiling=60.0, noise=0.05) -> pd.DataFrame:
    """Three geographies on one logistic speed, each with its own level, logit noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for group, intercept, years in (
        ("A", -2.0, range(2012, 2025)),
        ("B", -1.2, range(2016, 2025)),
        ("C", -0.5, range(2019, 2024)),
    ):
        for year in years:
            z = intercept + speed * (year - 2018) + noise * rng.standard_normal()
            rows.append({"group": group, "year": year, "value": ceiling / (1 + math.exp(-z))})
    return pd.DataFrame(rows)


def test_known_speed_is_recovered_within_its_standard_error():
    fit = fit_logistic_speed(synthetic_panel(7), ceiling=60.0)
    assert fit.df_resid == fit.n_points - 4  # three intercepts and the speed
    assert abs(fit.speed - 0.15) <= fit.std_error
    assert 0 < fit.std_error < 0.01


def test_standard_error_is_honest_over_many_samples():
    hits = []
    for seed in range(200):
        fit = fit_logistic_speed(synthetic_panel(seed), ceiling=60.0)
        hits.append(abs(fit.speed - 0.15) <= fit.std_error)
    # +-1 SE covers about 68% of estimates (t with ~23 df: 67.3%)
    assert 0.58 <= np.mean(hits) <= 0.78


def test_single_year_series_carry_no_speed_information():
    panel = synthetic_panel(1)
    lone = pd.DataFrame({"group": ["D"], "year": [2020], "value": [33.0]})
    with_lone = fit_logistic_speed(pd.concat([panel, lone]), ceiling=60.0)
    without = fit_logistic_speed(panel, ceiling=60.0)
    assert with_lone.speed == pytest.approx(without.speed)
    assert "D" not in with_lone.groups
    assert fit_logistic_speed(lone, ceiling=60.0) is None


def test_exactly_identified_speed_has_no_standard_error():
    two = pd.DataFrame({"group": ["A", "A"], "year": [2020, 2021], "value": [10.0, 11.0]})
    fit = fit_logistic_speed(two, ceiling=50.0)
    assert fit.df_resid == 0 and math.isnan(fit.std_error)


def test_shares_above_the_ceiling_are_rejected():
    with pytest.raises(ValueError, match="strictly between 0 and the ceiling 20"):
        fit_logistic_speed(synthetic_panel(0), ceiling=20.0)


# -- on the shipped data ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def calibration(dataset):
    return calibrate_diffusion(dataset)


def test_calibration_table_on_shipped_data(calibration):
    table = calibration.to_frame()
    assert list(table.columns) == [
        "parameter",
        "key",
        "measure",
        "estimate",
        "std_error",
        "tau",
        "noise",
        "evidence",
        "points",
        "df",
        "decided_by",
        "source",
    ]
    # every cell is filled but a standard error a stated prior does not have
    assert table.drop(columns="std_error").notna().all().all()
    assert (table["measure"] == "GSO").all()
    speed, tau, noise, revision, ceiling = (table.iloc[i] for i in range(5))
    assert list(table["key"]) == ["speed", "tau", "noise", "revision", "ceiling", "widening"]
    assert speed["decided_by"] == "data" and ceiling["decided_by"] == "prior"
    # GSO's national path 12.66 (2020) -> 14.02 (2025): a slow logistic speed, far below
    # the 0.10 the scenarios once typed in, and estimated with a real standard error
    assert 0.0 < speed["estimate"] < 0.05 and 0 < speed["std_error"] < speed["estimate"]
    assert (speed["points"], speed["df"]) == (6, 4)
    # the evidence, recorded as facts, in words
    said = english(speed["evidence"])
    assert "Vietnam on GSO's measure, 2020-2025 (6 figures)" in said
    # MIC's series are named, never used: another measure
    assert "Vietnam on MIC's measure, 2021-2024" in said and "never mixed" in said
    # no province has two GSO figures on one boundary: tau is the stated prior's,
    # a multiple of GSO's own national speed (never MIC's spread)
    assert tau["decided_by"] == "prior" and math.isnan(tau["std_error"])
    ratio = calibration.tau_prior.ratio_to_speed
    assert tau["estimate"] == pytest.approx(ratio * abs(speed["estimate"]))
    assert (table["tau"] == tau["estimate"]).all()
    # the yearly noise: five changes of one national series, one drift: four df
    assert noise["decided_by"] == "data" and (noise["points"], noise["df"]) == (5, 4)
    assert (table["noise"] == noise["estimate"]).all()
    # revision error: first releases against the figures chosen now (VN 2020-2023)
    first_vs_now = np.log([12.66 / 12.66, 12.88 / 12.87, 12.86 / 12.83, 12.33 / 12.87])
    assert revision["estimate"] == pytest.approx(np.sqrt(np.mean(first_vs_now**2)))
    assert revision["points"] == 4 and revision["decided_by"] == "data"
    assert "cannot pin" in english(ceiling["evidence"])
    assert "OBS0442" in english(ceiling["evidence"])  # the prior's low end, from the data
    # the widening of the yearly noise from the real-time check: its factor, forecasts,
    # distinct outturn years and the rule's verdict
    widening = table.iloc[5]
    assert widening["parameter"].startswith("widening factor of the yearly noise")
    assert readable(table, "vi")["Tham số"].iloc[5] == Words("vi")("calib.param.widening")
    assert widening["estimate"] == calibration.noise_factor > 1
    assert (widening["points"], widening["df"], widening["decided_by"]) == (4, 2, "data")
    (note,) = facts_of(widening["evidence"])
    assert (note["forecasts"], len(note["events"]), note["too_narrow"]) == (4, 2, True)
    said = english(widening["evidence"])
    assert "4 forecasts of 2 distinct outturn years" in said
    assert "binomial p 0.002 (too narrow by the backtest rule" in said
    assert len(table) == 6
    text = calibration.summary()
    assert "decided by data" in text and "decided by prior" in text
    assert "standard error none" in text and "nan" not in text.lower()
    assert "OBS0440" not in text  # marked duplicate_of OBS0439 in the data: never used


def test_each_measure_is_calibrated_on_its_own_figures(dataset, calibration):
    # the measure's own estimate: the real-time check's widening is not what is compared
    mic = calibrate_diffusion(dataset, measure="MIC", widen=False)
    assert mic.measure == "MIC" and (mic.to_frame()["measure"] == "MIC").all()
    assert set(mic.by_series["method"]) == {"MIC"}
    assert set(calibration.by_series["method"]) == {"GSO"}
    # each ceiling prior starts at the highest share reached on its own measure
    gso_high = dataset.observations.query("indicator == 'de_share' and method == 'GSO'")
    mic_high = dataset.observations.query("indicator == 'de_share' and method == 'MIC'")
    assert calibration.ceiling_prior.low == pytest.approx(gso_high["value"].max())
    assert mic.ceiling_prior.low == pytest.approx(mic_high["value"].max())
    assert set(mic.revisions["method"]) <= {"MIC"}
    assert set(calibration.revisions["method"]) == {"GSO"}


def test_draws_per_path_are_reproducible_and_inside_the_prior(calibration):
    from scipy.stats import t

    a = calibration.draw(np.random.default_rng(3), 20000)
    b = calibration.draw(np.random.default_rng(3), 20000)
    assert np.array_equal(a["speed"], b["speed"]) and a["speed"].shape == (20000,)
    prior = calibration.ceiling_prior
    assert a["ceiling"].min() >= prior.low and a["ceiling"].max() <= prior.high
    speed = calibration.to_frame().iloc[0]
    # centred on the estimate (interpolated over the ceiling prior) ...
    assert np.median(a["speed"]) == pytest.approx(speed["estimate"], abs=0.05 * speed["std_error"])
    # ... with Student's t spread (4 residual df: the standard error is itself estimated)
    iqr = np.subtract(*np.percentile(a["speed"], [75, 25]))
    t_iqr = 2 * t.ppf(0.75, speed["df"]) * speed["std_error"]
    assert iqr == pytest.approx(t_iqr, rel=0.1)


def test_prior_decides_when_nothing_was_published(dataset):
    early = calibrate_diffusion(dataset, as_of="2021-01")
    assert not early.speed_from_data
    row = early.to_frame().iloc[0]
    assert row["decided_by"] == "prior" and "cannot pin" in english(row["evidence"])
    assert "no diffusion" in english(row["source"])  # the prior's source, as written
    draws = early.draw(np.random.default_rng(0), 1000)
    assert draws["speed"].min() >= early.speed_prior.low
    assert draws["speed"].max() <= early.speed_prior.high


def test_new_provincial_series_are_used_by_geography(data_copy):
    # A second GSO figure for Bac Ninh (post-merger boundary) makes a second series that
    # estimates the speed; nothing in the code names it.
    replace_in(
        data_copy / "observations.csv",
        "OBS0442,de_share,BN2025,total,2025,46.30",
        "OBS9001,de_share,BN2025,total,2024,44.10,pct,current,E,GSO,2026-01,D4,test row,\n"
        "OBS0442,de_share,BN2025,total,2025,46.30",
    )
    ds = load_dataset(data_copy)
    panel = diffusion_panel(ds)
    assert {"BN2025", "VN"} <= set(panel["geo"])
    result = calibrate_diffusion(ds, widen=False)  # the estimate's evidence, not the check
    said = english(result.to_frame().iloc[0]["evidence"])
    assert "Bac Ninh (merged) on GSO's measure, 2024-2025 (2 figures)" in said


def spread_panel(seed: int, *, speed=0.05, tau=0.03, noise=0.02, ceiling=60.0) -> pd.DataFrame:
    """Ten provinces, eight years each, own levels and own speeds k_m + u_g around k_m."""
    rng = np.random.default_rng(seed)
    rows = []
    for g in range(10):
        intercept, deviation = rng.normal(-1.5, 0.4), rng.normal(0.0, tau)
        for year in range(2015, 2023):
            z = intercept + (speed + deviation) * (year - 2018) + noise * rng.standard_normal()
            rows.append({"group": f"P{g}", "year": year, "value": ceiling / (1 + math.exp(-z))})
    return pd.DataFrame(rows)


def test_known_speed_and_spread_are_recovered_within_their_standard_errors():
    fit = fit_speed_spread(spread_panel(11), ceiling=60.0)
    assert fit.n_groups == 10 and fit.n_points == 80 and fit.converged
    assert abs(fit.speed - 0.05) <= fit.std_error
    assert abs(fit.tau - 0.03) <= fit.tau_std_error
    # the standard errors are honest: +-1 SE covers about 68% of estimates
    speed_hits, tau_hits = [], []
    for seed in range(60):
        fit = fit_speed_spread(spread_panel(seed), ceiling=60.0)
        speed_hits.append(abs(fit.speed - 0.05) <= fit.std_error)
        tau_hits.append(abs(fit.tau - 0.03) <= fit.tau_std_error)
    assert 0.5 <= np.mean(speed_hits) <= 0.85 and 0.5 <= np.mean(tau_hits) <= 0.85
    # one series with two years or more: no spread to estimate
    assert fit_speed_spread(synthetic_panel(0).query("group == 'A'"), ceiling=60.0) is None


def walk_panel(seed: int, sigma=0.03) -> pd.DataFrame:
    """Three random walks with their own drifts; one misses every third year."""
    rng = np.random.default_rng(seed)
    rows = []
    for g, drift in (("A", 0.02), ("B", 0.05), ("C", -0.01)):
        years = [y for y in range(2000, 2041) if not (g == "B" and y % 3 == 0)]  # gaps
        z = -1.0 + np.cumsum(drift + sigma * rng.standard_normal(41))
        rows += [{"group": g, "year": y, "value": 50 / (1 + math.exp(-z[y - 2000]))} for y in years]
    return pd.DataFrame(rows)


def test_known_noise_is_recovered_from_random_walks_with_gaps():
    fits = [estimate_noise(walk_panel(seed), ceiling=50.0) for seed in range(200)]
    assert fits[0].n_series == 3 and fits[0].df == fits[0].n_changes - 3
    # unbiased for the variance (a change over g years carries g shocks) ...
    assert np.mean([f.sd**2 for f in fits]) == pytest.approx(0.03**2, rel=0.03)
    # ... and +-1 standard error covers about 68% of the estimates
    assert 0.58 <= np.mean([abs(f.sd - 0.03) <= f.std_error for f in fits]) <= 0.78
    # a series of two years has one change and no degree of freedom
    two = pd.DataFrame({"group": ["A", "A"], "year": [2020, 2021], "value": [10.0, 11.0]})
    assert estimate_noise(two, ceiling=50.0) is None


def test_noise_paths_accumulate_as_a_random_walk():
    sd = np.full(200000, 0.03)
    walk = logit_noise_paths(np.random.default_rng(2), sd, 5)
    np.testing.assert_allclose(walk.var(axis=0), 0.03**2 * np.arange(1, 6), rtol=0.02)


def test_spread_is_estimated_once_two_provinces_have_two_figures(data_copy):
    # Two provinces with a second GSO figure on their own boundary: the mixed model takes
    # over from the prior (and the national series still counts as one series).
    replace_in(
        data_copy / "observations.csv",
        "OBS0442,de_share,BN2025,total,2025,46.30",
        "OBS9001,de_share,BN2025,total,2023,40.10,pct,current,E,GSO,2026-01,D4,test row,\n"
        "OBS9002,de_share,BN2025,total,2024,44.10,pct,current,E,GSO,2026-01,D4,test row,\n"
        "OBS9003,de_share,HN,total,2023,16.20,pct,current,E,GSO,2026-01,D4,test row,\n"
        "OBS9004,de_share,HN,total,2024,16.90,pct,current,E,GSO,2026-01,D4,test row,\n"
        "OBS0442,de_share,BN2025,total,2025,46.30",
    )
    result = calibrate_diffusion(load_dataset(data_copy), widen=False)  # the estimate only
    tau = result.to_frame().iloc[1]
    assert result.tau_from_data and tau["decided_by"] == "data"
    assert "2 provinces" in english(tau["evidence"])
    assert english(tau["source"]).startswith("estimated")
    assert "mixed model" in english(result.to_frame().iloc[0]["evidence"])
    assert np.isfinite(result.grid["tau"]).all()


def test_revisions_compare_figures_of_one_geography_code_only(dataset):
    frame = revision_errors(dataset, measure="GSO")
    assert set(frame["geo"]) == {"VN"}  # HP (2022) and HP2025 (2025) never meet
    assert (frame["first_obs"] != frame["chosen_obs"]).all()
    assert list(frame["year"]) == [2020, 2021, 2022, 2023]
    # as of 2024-07, the selection then chose the dated Dec-2023 figure for 2022
    early = revision_errors(dataset, measure="GSO", as_of="2024-07")
    assert early.set_index("year").at[2022, "chosen_obs"] == "OBS0336"


def test_start_logit_is_exact_on_the_log_scale():
    """logit(s0 e^eps / C) exactly; the delta method is its first-order term only; a start
    at its ceiling is +inf; a ceiling below the start has no logit."""
    start, ceiling = 46.3, np.array([46.4, 60.0, 100.0])
    error = np.array([-0.05, 0.01, 0.2])
    level = start * np.exp(error)
    np.testing.assert_allclose(
        start_logit(start, ceiling, error), np.log(level / (ceiling - level)), rtol=1e-12
    )
    # a ceiling just above the published start: the delta method shifts the logit by
    # C/(C - s0) eps = 463 eps, a start near 0 for eps = -0.05; the exact start is s0 e^eps
    delta = np.log(start / 0.1) + 46.4 / 0.1 * -0.05
    exact = start_logit(start, 46.4, -0.05)
    assert 46.4 / (1 + np.exp(-delta)) < 1e-6 * start
    assert 46.4 / (1 + np.exp(-exact)) == pytest.approx(start * np.exp(-0.05), rel=1e-12)
    # far below the ceiling both agree to first order: the gap is O(eps^2)
    small = 1e-4
    first_order = np.log(start / (100 - start)) + 100 / (100 - start) * small
    assert abs(float(start_logit(start, 100.0, small)) - first_order) < 10 * small**2
    assert np.isposinf(start_logit(start, start, 0.0))
    with pytest.raises(ValueError, match="ceiling below its start"):
        start_logit(start, 46.0, 0.0)


def test_prior_given_a_floor_is_the_truncated_uniform():
    prior = Prior(low=40.0, high=100.0, source={"vi": "thử nghiệm", "en": "test"})
    u = np.array([0.0, 0.25, 0.5, 0.999])
    # a floor below the low end leaves the prior's own draw
    np.testing.assert_allclose(prior.at_least(10.0, u), 40.0 + 60.0 * u)
    # a floor inside the range: uniform from the floor to the high end
    np.testing.assert_allclose(prior.at_least(70.0, u), 70.0 + 30.0 * u)
    # a floor above the high end leaves the floor itself
    np.testing.assert_allclose(prior.at_least(120.0, u), 120.0)


def test_start_is_lognormal_and_never_above_its_ceiling(calibration):
    """A place at the ceiling prior's low end (Bac Ninh: its start is the highest share):
    the start is s0 e^eps with eps ~ N(0, rho_p^2), so log(m)/rho_hat is Student's t with
    n_rho df (rho_p = rho_hat sqrt(n/chi2_n)); it does not depend on how close the ceiling
    is; and every ceiling is drawn from the prior given that it is at least the path's
    start."""
    from scipy.stats import kstest, t

    n = 40000
    prior = calibration.ceiling_prior
    rho, n_rho = calibration.revision_sd, len(calibration.revisions)
    assert rho > 0 and n_rho >= 3
    top = calibration.predictive_draw(np.random.default_rng(11), n, start=prior.low)
    low = calibration.predictive_draw(np.random.default_rng(11), n, start=prior.low / 2)
    # the start error does not depend on where the start sits under the ceiling
    np.testing.assert_array_equal(top.start_factor, low.start_factor)
    log_m = np.log(top.start_factor)
    # given its drawn sd the log factor is exactly normal, around 0 (median: the figure)
    assert kstest(log_m / top.revision_sd, "norm").pvalue > 0.01
    # and marginally rho_hat times Student's t with n_rho df
    assert kstest(log_m / rho, t(n_rho).cdf).pvalue > 0.01
    below = np.mean(top.start_factor < 0.9)
    expected = t.cdf(np.log(0.9) / rho, n_rho)
    assert below == pytest.approx(expected, abs=4 * np.sqrt(expected / n))
    # no start collapses: the smallest factor is above the 1/(100 n) quantile of the law
    assert top.start_factor.min() > np.exp(rho * t.ppf(1 / (100 * n), n_rho))
    # every path's ceiling is at or above its start ...
    level = prior.low * top.start_factor
    assert (top.ceiling >= level).all()
    # ... and uniform from the larger of the prior's low end and the start to the high end
    floor = np.maximum(prior.low, level)
    assert kstest((top.ceiling - floor) / (prior.high - floor), "uniform").pvalue > 0.01
    # a place far below the prior's low end keeps the prior itself
    assert kstest((low.ceiling - prior.low) / (prior.high - prior.low), "uniform").pvalue > 0.01
    assert (low.ceiling >= prior.low).all()
    # the logit is the exact one of the path's start under its ceiling
    inside = top.ceiling > level
    np.testing.assert_allclose(
        top.ceiling[inside] / (1 + np.exp(-top.start_logit[inside])), level[inside], rtol=1e-9
    )


def test_start_off_or_a_fixed_ceiling_keeps_every_ceiling_at_or_above_the_start(calibration):
    prior = calibration.ceiling_prior
    on = calibration.predictive_draw(np.random.default_rng(5), 2000, start=prior.low)
    off = calibration.predictive_draw(
        np.random.default_rng(5), 2000, start=prior.low, start_error=False
    )
    assert (off.start_factor == 1).all() and (off.ceiling >= prior.low).all()
    # the other draws come from the same variates: the noise and revision sds do not move
    np.testing.assert_array_equal(on.noise_sd, off.noise_sd)
    np.testing.assert_array_equal(on.revision_sd, off.revision_sd)
    fixed = calibration.predictive_draw(
        np.random.default_rng(5), 2000, start=prior.low, ceiling=prior.low
    )
    np.testing.assert_array_equal(fixed.start_factor, on.start_factor)
    np.testing.assert_allclose(fixed.ceiling, np.maximum(prior.low, prior.low * on.start_factor))


def test_prior_needs_a_source():
    with pytest.raises(ValueError, match="source"):
        Prior(low=0.0, high=1.0, source=" ")
    with pytest.raises(ValueError, match="each language"):  # written for every reader
        Prior(low=0.0, high=1.0, source={"en": "English only"})
    with pytest.raises(ValueError, match="empty"):
        Prior(low=0.0, high=1.0, source={"vi": " ", "en": "English"})


# -- real-time check -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def realtime(dataset):
    return realtime_coverage(dataset, as_of="2026-12")


def test_realtime_check_forecasts_every_later_outturn(realtime, dataset):
    forecasts, vintages = realtime.forecasts, realtime.vintages.set_index("as_of")
    # January and July from 2023; GSO's national series shows two years from the Dec-2023
    # release: 2024-01 forecasts 2023-2025 (3), 2024-07 2024-2025 (2), 2025-01 and 2025-07
    # 2025 (1 each); from 2026-01 no later year is published yet
    assert len(forecasts) == 7
    assert list(forecasts.groupby("as_of").size()) == [3, 2, 1, 1]
    assert vintages.at["2023-07", "status"].startswith("fewer than two")
    assert vintages.at["2026-07", "status"] == "no later figure published yet"
    now = dataset.series("de_share", "VN", method="GSO", as_of="2026-12").values
    assert (forecasts["outturn"].to_numpy() == now.loc[forecasts["year"]].to_numpy()).all()
    assert (forecasts["h"] == forecasts["year"] - forecasts["last_year"]).all()
    assert (forecasts["lower_80"] <= forecasts["lower_50"]).all()
    assert (forecasts["lower_50"] <= forecasts["median"]).all()
    assert (forecasts["median"] <= forecasts["upper_50"]).all()
    assert (forecasts["upper_50"] <= forecasts["upper_80"]).all()
    # as of 2025-01 the shipped engine's 80% interval for 2025 was 13.23-13.32 against an
    # outturn of 14.02: the predictive interval now carries noise, revision error and the
    # speed's own uncertainty, and is several times wider
    row = forecasts[forecasts["as_of"] == "2025-01"].iloc[0]
    assert (row["last_value"], row["year"], row["outturn"]) == (13.17, 2025, 14.02)
    assert row["upper_80"] - row["lower_80"] > 5 * (13.32 - 13.23)
    assert row["lower_80"] < 13.23 and row["upper_80"] > 13.32
    assert 0.5 < row["pit"] <= 1.0  # the outturn sat in the upper half


def test_realtime_coverage_says_too_few_and_lists_the_cases(realtime):
    coverage = realtime.coverage
    assert set(coverage["level"]) == {50, 80, 95}
    assert (coverage["coverage"] == TOO_FEW).all()  # 7 forecasts < min_forecasts
    row = coverage[(coverage["level"] == 80) & (coverage["forecasts_from"] == "all vintages")].iloc[
        0
    ]
    assert row["forecasts"] == 7 and row["inside"] == realtime.forecasts["inside_80"].sum()
    cases = facts_of(row["cases"])
    assert len(cases) == 7 and {"code": "rt_case_widened"} not in cases
    assert {"as_of": "2025-01", "geo": "VN", "year": 2025, "h": 1, "outturn": 14.02}.items() <= (
        cases[5].items()
    )
    said = say_facts(row["cases"], Words("en"))  # in words: the month, the place's name
    assert said.count("as of") == 7 and "as of January 2025, Vietnam 2025 (h=1): 14.02" in said
    data_only = coverage[coverage["forecasts_from"] == "speed estimated from data"]
    assert (data_only["forecasts"] == 4).all()
    assert TOO_FEW in realtime.summary() and "nan" not in realtime.summary().lower()


# -- widening the noise from the real-time check ----------------------------------------------
def test_standardized_error_is_the_normal_quantile_of_the_pit():
    # one path whose whole spread is its noise: PIT = Phi(gap / (f s))
    z = standardized_errors([[1.6448536269514722], [-1.0]], [[1.0], [2.0]])
    np.testing.assert_allclose(z, [1.6448536269514722, -0.5])
    np.testing.assert_allclose(standardized_errors([[2.0]], [[1.0]], factor=4.0), [0.5])
    # a path with no noise is inside below the outturn exactly when it sits at or under it
    assert standardized_errors([[0.0, 1.0, -1.0]], [[0.0, 0.0, 0.0]])[0] > 0


def test_noise_factor_on_a_hand_example():
    # with the whole predictive spread in the noise z_i(f) = z_i / f, so the factor that
    # brings mean z^2 to one is sqrt(mean z^2): z = (2, 1) -> sqrt(2.5)
    factor = noise_inflation([[2.0], [1.0]], [[1.0], [1.0]])
    assert factor == pytest.approx(math.sqrt(2.5), rel=1e-8)
    after = standardized_errors([[2.0], [1.0]], [[1.0], [1.0]], factor)
    assert np.mean(after**2) == pytest.approx(1.0, rel=1e-8)
    # PITs 0.94, 0.97, 0.95, 0.95 (the shipped check's four misses)
    z = pytest.importorskip("scipy.stats").norm.ppf([0.94, 0.97, 0.95, 0.95])
    factor = noise_inflation([[v] for v in z], [[1.0]] * 4)
    assert factor == pytest.approx(np.sqrt(np.mean(z**2)), rel=1e-8)


def test_noise_factor_is_never_below_one():
    # errors smaller than the predictive says: the rule only widens, never narrows
    assert noise_inflation([[0.1], [-0.2]], [[1.0], [1.0]]) == 1.0
    assert noise_inflation([], []) == 1.0
    # errors the noise cannot reach (no noise on the paths) are an error, not a factor
    with pytest.raises(ValueError, match="carry no noise"):
        noise_inflation([[3.0]], [[0.0]])


def test_shipped_check_counts_forecasts_and_events_and_widens(realtime):
    forecasts, widening = realtime.forecasts, realtime.widening
    judged = forecasts[forecasts["speed_decided_by"] == "data"]
    # 4 forecasts made with a data-estimated speed, of 2 outturn years (VN 2024 from
    # 2024-07; VN 2025 from 2024-07, 2025-01 and 2025-07: one event), none inside 80%
    assert (widening.forecasts, widening.inside) == (4, 0) == (len(judged), 0)
    assert widening.events == ("VN 2024", "VN 2025") and widening.events_inside == 0
    assert widening.forecasts_from == "speed estimated from data" and widening.level == 80
    # the project's rule: 0 of 4 gives 0.2^4 < 0.05; on the two events 0.2^2 = 0.04
    assert widening.too_narrow and widening.binomial_p == pytest.approx(0.2**4)
    assert widening.events_binomial_p == pytest.approx(0.2**2)
    assert "binomial p = 0.002 < 0.05" in english(widening.verdict)
    # the factor brings the mean square of the standardized errors, measured against the
    # noise estimated now (the noise it widens), to one; against the noise each vintage knew
    # the misses looked larger (that noise had not yet seen the 2025 jump)
    assert widening.mean_square == pytest.approx(np.mean(judged["z_now"] ** 2))
    assert np.mean(judged["z"] ** 2) > widening.mean_square
    assert widening.mean_square > 1 and widening.factor > 1
    assert widening.mean_square_after == pytest.approx(1.0, abs=1e-6)
    # before: 3 of 7 inside (the no-data prior's three); after today's factor: every one
    assert forecasts["inside_80"].sum() == 3 and not judged["inside_80"].any()
    # with today's widened noise, three of the four (the 2024-07 forecast of 2025, two years
    # ahead from a first release later revised up, stays just outside): a mean square of
    # one is calibration on average, not every interval hit
    assert list(judged["inside_80_widened_now"]) == [True, False, True, True]
    assert (forecasts["noise_factor_now"] == widening.factor).all()
    # the data-speed forecasts' intervals widen (the prior-speed ones drew the no-data noise
    # prior, far wider than today's estimate)
    widened_width = judged["upper_80_widened_now"] - judged["lower_80_widened_now"]
    assert (widened_width > judged["upper_80"] - judged["lower_80"]).all()
    # in real time no vintage that forecast had a factor yet: the widening is untested
    assert (forecasts["noise_factor_realtime"] == 1).all()
    assert (forecasts["inside_80_realtime"] == forecasts["inside_80"]).all()
    coverage = realtime.coverage.set_index(["forecasts_from", "intervals"])
    assert coverage.loc[("speed estimated from data", WIDENED_NOW), "inside"] == 3
    assert coverage.loc[("speed estimated from data", WIDENED_REALTIME), "inside"] == 0
    assert (realtime.coverage["events"] <= realtime.coverage["forecasts"]).all()
    assert "not a real-time result" in realtime.summary()


def test_the_factor_of_a_vintage_uses_only_outturns_published_by_it(realtime, dataset):
    vintages = realtime.vintages.set_index("as_of")
    # judged forecasts with an outturn by then: VN 2024 (published 2025-01) from 2025-01,
    # VN 2025 (published 2026-01) from 2026-01; one miss of four does not reject 80%
    assert list(vintages["checked"]) == [0, 0, 0, 0, 1, 1, 4, 4]
    assert (vintages.loc[:"2025-07", "noise_factor"] == 1).all()
    assert vintages.at["2026-01", "noise_factor"] == pytest.approx(realtime.widening.factor)
    # the factor a vintage knew is the factor a run as of that date computes on its own
    assert realtime_coverage(dataset, as_of="2026-01").widening.factor == pytest.approx(
        vintages.at["2026-01", "noise_factor"], rel=1e-12
    )
    early = realtime_coverage(dataset, as_of="2025-07").widening
    assert (early.forecasts, early.too_narrow, early.factor) == (1, False, 1.0)
    assert english(early.verdict).startswith(TOO_FEW)


def test_a_later_outturn_never_moves_an_earlier_factor(data_copy, realtime, dataset):
    # a 2026 figure published in May 2026 is forecast from 2026-01 and judged from 2026-07;
    # the factor 2026-01 forecast with cannot use it
    replace_in(
        data_copy / "observations.csv",
        "OBS0379,de_share,VN,total,2025,14.02",
        "OBS9101,de_share,VN,total,2026,17.50,pct,current,E,GSO,2026-05-06,E5,test row,\n"
        "OBS0379,de_share,VN,total,2025,14.02",
    )
    changed = load_dataset(data_copy)
    later = realtime_coverage(changed, as_of="2026-12")
    vintages = later.vintages.set_index("as_of")
    row = later.forecasts[later.forecasts["as_of"] == "2026-01"].iloc[0]
    assert (row["year"], row["outturn"]) == (2026, 17.5)
    assert row["noise_factor_realtime"] == pytest.approx(realtime.widening.factor)
    assert vintages.at["2026-01", "noise_factor"] == pytest.approx(realtime.widening.factor)
    # from 2026-07 the new outturn is evidence: its forecasts from 2024-07, 2025-01, 2025-07
    # and 2026-01 join the four, one event more. The jump raises the noise estimate itself,
    # so the factor on it falls, but the widened noise the scenarios draw grows
    assert vintages.at["2026-07", "checked"] == 8
    assert later.widening.events == ("VN 2024", "VN 2025", "VN 2026")
    # each calibration widened by its data's check, run once above (that a calibration's own
    # check gives the same widening: test_steps_scenarios' diffusion test)
    before = calibrate_diffusion(dataset, as_of="2026-12", widening=realtime.widening)
    after = calibrate_diffusion(changed, as_of="2026-12", widening=later.widening)
    assert after.noise_sd > before.noise_sd and after.noise_factor < before.noise_factor
    assert after.noise_sd * after.noise_factor > before.noise_sd * before.noise_factor


def test_no_widening_when_the_rule_is_not_rejected(dataset):
    # the same four misses under a rule that needs p < 0.001: 0.2^4 = 0.0016 passes
    lenient = CoverageRule(binomial_p=0.001)
    widening = realtime_coverage(dataset, as_of="2026-12", rule=lenient).widening
    assert not widening.too_narrow and widening.mean_square > 1
    assert widening.factor == 1.0 and english(widening.evidence).endswith("; not widened")


# -- "what it takes" -------------------------------------------------------------------------
def test_required_pace_closed_form():
    assert required_pace(22.28, 2025, 35.0, 2030) == pytest.approx(12.72 / 5)
    assert required_pace(40.0, 2025, 35.0, 2030) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="after latest_year"):
        required_pace(20.0, 2030, 35.0, 2030)


def test_required_growth_closed_form():
    assert required_growth(100.0, 2025, 100.0 * 1.16**5, 2030) == pytest.approx(16.0)
    assert required_growth(100.0, 2025, 100.0, 2030) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="positive"):
        required_growth(0.0, 2025, 1.0, 2030)


def test_observed_pace_on_shipped_data(dataset):
    pace = observed_pace(dataset, geo="HP")
    by = pace.set_index(["measure", "method"])
    national = by.loc[("national pace: digital share", "GSO")]
    assert national["pace"] == pytest.approx((14.02 - 12.66) / 5)
    assert national["period"] == "2020-2025"
    best = pace[pace["measure"] == "best pace of any province: digital share"]
    assert len(best) and best["geo"].notna().all() and best["period"].notna().all()
    own = pace[pace["measure"] == "city's own record: digital share"].iloc[0]
    assert own["status"] == NOT_OBSERVABLE and math.isnan(own["pace"])
    # why, recorded as facts: every series of the city's boundaries with its single figure
    (why,) = facts_of(own["evidence"])
    assert why["code"] == "pace_no_two_figures"
    assert {s["geo"] for s in why["series"]} <= {"HP", "HP2025"} and all(
        s["points"] == 1 for s in why["series"]
    )
    assert "không có hai số liệu" in say_facts(own["evidence"], Words("vi"))
    lp = pace[pace["measure"] == "city's own record: labour productivity growth (real)"]
    assert lp["status"].eq("observed").all() and lp["evidence"].iloc[0].startswith("OBS")
