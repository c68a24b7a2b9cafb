"""A share target on both measures (dxecon.models.measures) and on the boundary it was set for
(dxecon.models.scenarios.scorecard): the ratio model against closed forms, the scorecard's
readings against a recomputation from the paths."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import AS_OF
from scipy import stats

from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path
from dxecon.models.measures import (
    NO_CITY_PAIR,
    NO_PAIRS,
    RATIO_STREAM,
    ConversionError,
    MeasureConfig,
    city_ratio,
    fit_ratio,
    measure_pairs,
    ratio_realtime,
    read_on_other_measure,
)
from dxecon.models.scenarios.scorecard import note_codes

#: Hand pairs: log(MIC/GSO) by year, with a gap (2023 missing).
HAND = pd.DataFrame({"year": [2020, 2021, 2022, 2024], "log_ratio": [-0.1, 0.05, 0.2, 0.3]})


def test_trend_form_is_ordinary_least_squares_with_its_prediction_interval():
    fit = fit_ratio(HAND, "trend")
    t, y = HAND["year"].to_numpy(float), HAND["log_ratio"].to_numpy()
    n, tbar = len(t), t.mean()
    sxx = ((t - tbar) ** 2).sum()
    slope = ((t - tbar) * (y - y.mean())).sum() / sxx
    intercept = y.mean()  # at tbar
    residuals = y - intercept - slope * (t - tbar)
    s2 = (residuals**2).sum() / (n - 2)
    assert fit.coefficients["d0"][0] == pytest.approx(intercept)
    assert fit.coefficients["d1"][0] == pytest.approx(slope)
    assert fit.coefficients["d1"][1] == pytest.approx(math.sqrt(s2 / sxx))
    assert fit.scale == pytest.approx(math.sqrt(s2)) and fit.df == n - 2
    year = 2030
    loc, scale, df = fit.predictive(year)
    assert loc == pytest.approx(intercept + slope * (year - tbar))
    # parameter uncertainty plus the residual: s^2 (1 + 1/n + (T - tbar)^2 / Sxx)
    assert scale == pytest.approx(math.sqrt(s2 * (1 + 1 / n + (year - tbar) ** 2 / sxx)))
    assert df == n - 2
    low, high = fit.ratio_quantiles(year, [0.1, 0.9])
    q = stats.t.ppf(0.9, n - 2)
    assert (low, high) == pytest.approx((math.exp(loc - q * scale), math.exp(loc + q * scale)))


def test_random_walk_form_keeps_the_latest_ratio_and_widens_with_the_horizon():
    fit = fit_ratio(HAND, "random_walk")
    # steps 0.15 (1 yr), 0.15 (1 yr), 0.10 over 2 years -> 0.10 / sqrt(2) a year
    s2 = (0.15**2 + 0.15**2 + 0.10**2 / 2) / 3
    assert fit.scale == pytest.approx(math.sqrt(s2)) and fit.df == 3
    loc, scale, df = fit.predictive(2030)
    assert loc == pytest.approx(0.3) and df == 3
    assert scale == pytest.approx(math.sqrt(6 * s2))


def test_the_city_deviation_widens_the_scale_in_quadrature():
    city = pd.DataFrame({"geo": ["X", "X"], "year": [2021, 2022], "deviation": [0.3, -0.4]})
    plain, wide = fit_ratio(HAND, "random_walk"), fit_ratio(HAND, "random_walk", city_pairs=city)
    assert wide.city_sd == pytest.approx(math.sqrt((0.09 + 0.16) / 2))
    assert wide.predictive(2030)[1] == pytest.approx(
        math.hypot(plain.predictive(2030)[1], wide.city_sd)
    )
    assert wide.predictive(2030)[0] == plain.predictive(2030)[0]


def test_too_few_pairs_are_not_converted():
    with pytest.raises(ConversionError) as info:
        fit_ratio(HAND.head(2), "trend")
    assert info.value.code == NO_PAIRS
    fit_ratio(HAND.head(2), "random_walk")  # one change is enough for a random walk


def test_a_share_read_on_the_other_measure_is_each_path_times_its_ratio():
    read = read_on_other_measure(np.array([20.0, 30.0, 60.0]), np.array([2.0, 1.0, 2.0]), ">=", 35)
    # 40, 30 and 120 capped at the whole, 100
    assert read["probability"] == pytest.approx(2 / 3)
    assert read["median"] == pytest.approx(40.0) and read["high"] <= 100.0


def test_the_national_pairs_are_the_published_figures(dataset):
    pairs = measure_pairs(dataset, "de_share", "VN", base="GSO", other="MIC", as_of="2026-10")
    obs = dataset.observations.set_index("obs_id")["value"]
    assert list(pairs["year"]) == [2021, 2022, 2023, 2024]
    row = pairs.set_index("year").loc[2024]
    assert row["base_ref"].startswith("OBS0368") and row["other_ref"].startswith("OBS0409")
    assert row["log_ratio"] == pytest.approx(math.log(obs["OBS0409"] / obs["OBS0368"]))
    # before MIC's first figure was published, no pair exists
    assert measure_pairs(dataset, "de_share", "VN", base="GSO", other="MIC", as_of="2023-01").empty


def test_the_city_ratio_needs_a_year_with_both_measures_for_the_city(dataset):
    fit = city_ratio(dataset, "de_share", as_of="2026-10", city_geos=["HP", "HP2025"])
    assert list(fit.city_pairs["geo"]) == ["HP"] and list(fit.city_pairs["year"]) == [2022]
    obs = dataset.observations.set_index("obs_id")["value"]
    city = math.log(obs["OBS0425"] / obs["OBS0439"])  # MIC 2022 / GSO-attributed 2022
    nation = math.log(obs["OBS0406"] / obs["OBS0366"])
    assert fit.city_sd == pytest.approx(abs(city - nation))
    with pytest.raises(ConversionError) as info:
        city_ratio(dataset, "de_share", as_of="2026-10", city_geos=["HN"])
    assert info.value.code == NO_CITY_PAIR
    with pytest.raises(ConversionError) as info:
        city_ratio(dataset, "de_sector_share_min", as_of="2026-10", city_geos=["HP"])
    assert info.value.code == NO_PAIRS


def test_the_real_time_check_uses_only_the_pairs_published_before(dataset):
    config = dataclasses.replace(MeasureConfig.from_yaml(), form="trend")
    check = ratio_realtime(dataset, "de_share", as_of="2026-10", config=config)
    row = check.set_index("year").loc[2024]
    assert row["pairs_used"] == 3
    before = measure_pairs(dataset, "de_share", "VN", base="GSO", other="MIC", as_of=row["as_of"])
    expected = fit_ratio(before[before["year"] < 2024], "trend").ratio_quantiles(2024, [0.5])
    assert row["median"] == pytest.approx(expected[0])
    assert row["inside"] == (row["low"] <= row["outturn"] <= row["high"])


def test_the_measures_file_is_checked(tmp_path):
    data = load_yaml(params_path("measures"))
    for field, value in (("form", "straight line"), ("other_measure", "GSO")):
        bad = {**data, field: value}
        path = tmp_path / "measures.yaml"
        path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ParamsError) as info:
            MeasureConfig.from_yaml(path)
        assert info.value.field == field and str(path) in str(info.value)


# -- the scorecard's readings ---------------------------------------------------------------
@pytest.fixture(scope="module")
def baseline(dataset):
    from dxecon.models.scenarios import run_scenario

    return run_scenario("baseline", as_of=AS_OF, n_paths=400, dataset=dataset)


def test_a_share_row_carries_the_other_measure_and_the_boundary_readings(baseline, dataset):
    card = baseline.scorecard.frame.set_index("target_id")
    row = card.loc["TGT021"]  # 35% of GRDP in 2030, set for the old city
    assert row["scored_on"] == "forecast" and row["reading_mic"] == "converted"
    # recomputed from the paths: each path's GSO share times a ratio from the predictive
    # t of the random walk, loc the latest national log ratio, scale widened by the city
    obs = dataset.observations.set_index("obs_id")["value"]
    nation = [
        math.log(obs[m] / obs[g])
        for m, g in (
            ("OBS0405", "OBS0378"),
            ("OBS0406", "OBS0366"),
            ("OBS0407", "OBS0367"),
            ("OBS0409", "OBS0368"),
        )
    ]
    s2 = np.mean(np.diff(nation) ** 2)
    city = math.log(obs["OBS0425"] / obs["OBS0439"]) - nation[1]
    scale = math.sqrt((2030 - 2024) * s2 + city**2)
    paths = baseline.paths
    share = paths.de_share[:, list(paths.years).index(2030)]
    rng = np.random.Generator(np.random.PCG64([paths.scenario.seed, RATIO_STREAM]))
    ratios = np.exp(nation[-1] + scale * rng.standard_t(3, len(share)))
    assert row["probability_mic"] == pytest.approx(np.mean(share * ratios >= 35))
    assert row["median_mic"] == pytest.approx(np.median(share * ratios))
    (reading,) = [n for n in note_codes(row["note_codes"]) if n["code"] == "other_measure"]
    assert (reading["other"], reading["forecast"], reading["year"]) == ("MIC", "GSO", 2030)
    # the old city's share cannot be separated: Hai Duong has no GSO figure
    assert row["reading_old_boundary"] == "other part not on the measure"
    assert row["old_boundary_evidence"] == "HD: PD0002"
    assert pd.isna(row["probability_old_boundary"])
    floor = card.loc["TGT022"]  # every sector at least 25%: no pair of the two measures
    assert floor["reading_mic"] == NO_PAIRS and pd.isna(floor["probability_mic"])
    assert floor["old_boundary_evidence"] == "HD: none"
    productivity = card.loc["TGT023"]  # not a share: no other reading
    assert productivity["reading_mic"] == "" and productivity["reading_old_boundary"] == ""
