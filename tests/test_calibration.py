"""Diffusion calibration (issue 12): known speed recovered on synthetic data, the table on
the shipped data, priors where the data are silent, parameter draws, "what it takes"."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import replace_in

from dxecon.calibration import (
    Prior,
    calibrate_diffusion,
    diffusion_panel,
    fit_logistic_speed,
    nominal_growth,
    observed_pace,
    real_growth,
    required_growth,
    required_pace,
)
from dxecon.data import load_dataset


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
        "estimate",
        "std_error",
        "evidence",
        "decided_by",
        "source",
    ]
    assert table.notna().all().all()
    speed, ceiling = table.iloc[0], table.iloc[1]
    assert speed["decided_by"] == "data" and ceiling["decided_by"] == "prior"
    # GSO's national path 12.66 (2020) -> 14.02 (2025): a slow logistic speed, far below
    # the 0.10 the scenarios typed in, and estimated with a real standard error
    assert 0.0 < speed["estimate"] < 0.05 and 0 < speed["std_error"] < speed["estimate"]
    assert "VN GSO 2020-2025 (6 points)" in speed["evidence"]
    assert "VN MIC" in speed["evidence"] and "not pooled" in speed["evidence"]
    assert "cannot pin" in ceiling["evidence"]
    assert "OBS0442" in ceiling["evidence"]  # the prior's low end, from the data
    text = calibration.summary()
    assert "decided by data" in text and "decided by prior" in text
    assert "OBS0440" not in text  # marked duplicate_of OBS0439 in the data: never used


def test_draws_per_path_are_reproducible_and_inside_the_prior(calibration):
    a = calibration.draw(np.random.default_rng(3), 5000)
    b = calibration.draw(np.random.default_rng(3), 5000)
    assert np.array_equal(a["speed"], b["speed"]) and a["speed"].shape == (5000,)
    prior = calibration.ceiling_prior
    assert a["ceiling"].min() >= prior.low and a["ceiling"].max() <= prior.high
    assert (a["speed"] >= 0).all()
    speed = calibration.to_frame().iloc[0]
    # the spread of the draws is the estimation error plus the ceiling's effect
    assert speed["std_error"] <= a["speed"].std() <= 1.5 * speed["std_error"]


def test_prior_decides_when_nothing_was_published(dataset):
    early = calibrate_diffusion(dataset, as_of="2021-01")
    assert not early.speed_from_data
    row = early.to_frame().iloc[0]
    assert row["decided_by"] == "prior" and "cannot pin" in row["evidence"]
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
    result = calibrate_diffusion(ds)
    assert "BN2025 GSO 2024-2025 (2 points)" in result.to_frame().iloc[0]["evidence"]


def test_prior_needs_a_source():
    with pytest.raises(ValueError, match="source"):
        Prior(low=0.0, high=1.0, source=" ")


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


def test_real_and_nominal_are_inverse():
    assert nominal_growth(10.0, 5.0) == pytest.approx(15.5)
    assert real_growth(15.5, 5.0) == pytest.approx(10.0)
    # a 16% nominal target with a 0.89% deflator needs 14.97% real growth
    assert real_growth(16.0, 0.89) == pytest.approx(100 * (1.16 / 1.0089 - 1))


def test_observed_pace_on_shipped_data(dataset):
    pace = observed_pace(dataset)
    by = pace.set_index(["measure", "method"])
    national = by.loc[("national pace: digital share", "GSO")]
    assert national["pace"] == pytest.approx((14.02 - 12.66) / 5)
    assert national["period"] == "2020-2025"
    best = pace[pace["measure"] == "best pace of any province: digital share"]
    assert len(best) and best["geo"].notna().all() and best["period"].notna().all()
    own = pace[pace["measure"] == "city's own record: digital share"].iloc[0]
    assert own["status"].startswith("not observable") and math.isnan(own["pace"])
    lp = pace[pace["measure"] == "city's own record: labour productivity growth (real)"]
    assert lp["status"].eq("observed").all() and lp["evidence"].iloc[0].startswith("OBS")
