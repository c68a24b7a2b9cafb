"""Tests of dxecon.models.forecast: closed forms, statsmodels traps, backtest arithmetic, real
data."""

from __future__ import annotations

import functools
import subprocess
import sys
import warnings
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxecon.core.facts import facts_of
from dxecon.models.forecast import (
    Arima,
    DampedETS,
    Drift,
    ForecastResult,
    LogitTrend,
    LogLinearTrend,
    Naive,
    SeriesGapError,
    SeriesTooShortError,
    Theta,
    auto_forecast,
    backtest,
    contiguous_tail,
    default_candidates,
    missing_years,
    select_model,
    to_annual,
)
from dxecon.models.forecast._series import NOT_CONVERGED, plain_warning
from dxecon.models.forecast.backtest import fit_diagnostics
from dxecon.models.forecast.models import TrendMinimum, bound_flags, shipped_min_trend_points
from dxecon.present.notes import say_facts
from dxecon.present.words import Words

Z80 = NormalDist().inv_cdf(0.9)

# --------------------------------------------------------------------------- helpers


def years(first: int, n: int) -> pd.Index:
    # A plain int64 Index, not a RangeIndex: the shape that breaks statsmodels' forecast().
    return pd.Index(np.arange(first, first + n), dtype="int64")


def series(values, first: int = 2010) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=years(first, len(values)))


def _dataset():
    from conftest import shipped_dataset

    return shipped_dataset()


def real_series(
    indicator: str, geo: str, *, sector: str = "total", method: str | None = None
) -> pd.Series:
    """The data layer's annual series (latest vintage by the shipped policy; gaps are NaN)."""
    return _dataset().series(indicator, geo, sector=sector, method=method).values


def de_share_vn() -> pd.Series:
    return real_series("de_share", "VN", method="GSO")


def grdp_growth_hp() -> pd.Series:
    return real_series("grdp_growth_real", "HP")


# --------------------------------------------------------------------------- input handling


def test_int_years_become_annual_periods_with_gaps_explicit():
    annual = to_annual(pd.Series([1.0, 2.0, 4.0], index=[2017, 2019, 2020]))
    assert annual.index.freqstr.startswith("Y")
    assert annual.index.year.tolist() == [2017, 2018, 2019, 2020]
    assert np.isnan(annual.iloc[1])


@pytest.mark.parametrize(
    "index",
    [
        pd.period_range("2015", periods=4, freq="Y"),
        pd.date_range("2015-12-31", periods=4, freq="YE"),
        pd.Index(["2015", "2016", "2017", "2018"]),
        pd.RangeIndex(2015, 2019),
    ],
)
def test_year_like_indexes_are_accepted(index):
    fc = Drift(pd.Series([1.0, 2.0, 3.0, 4.0], index=index)).fit().forecast(1)
    assert fc.frame.index.tolist() == [2019]
    assert fc.frame["mean"].iloc[0] == pytest.approx(5.0)


def test_leading_and_trailing_nan_are_dropped_not_gaps():
    s = pd.Series([np.nan, 1.0, 2.0, 3.0, np.nan], index=range(2010, 2015))
    assert missing_years(s) == []
    assert Drift(s).fit().forecast(1).frame.index.tolist() == [2014]


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="repeated"):
        to_annual(pd.Series([1.0, 2.0], index=[2020, 2020]))
    with pytest.raises(TypeError, match="years"):
        to_annual(pd.Series([1.0, 2.0], index=[0.5, 1.5]))
    with pytest.raises(ValueError, match="infinite"):
        to_annual(pd.Series([1.0, np.inf], index=[2020, 2021]))


# --------------------------------------------------------------------------- closed forms


def test_naive_forecasts_the_last_value_with_sqrt_h_intervals():
    y = series([3.0, 5.0, 4.0, 6.0])
    fc = Naive(y).fit().forecast(3)
    assert fc.frame["mean"].tolist() == [6.0, 6.0, 6.0]
    sigma = np.sqrt(np.mean(np.array([2.0, -1.0, 2.0]) ** 2))
    assert fc.params["sigma"] == pytest.approx(sigma)
    half_width = Z80 * sigma * np.sqrt([1, 2, 3])
    np.testing.assert_allclose(fc.frame["upper"] - fc.frame["mean"], half_width)
    np.testing.assert_allclose(fc.frame["mean"] - fc.frame["lower"], half_width)


def test_drift_slope_is_first_to_last_change():
    values = [10.0, 12.5, 11.0, 15.0, 16.0]
    fc = Drift(series(values)).fit().forecast(2)
    slope = (values[-1] - values[0]) / (len(values) - 1)
    assert fc.params["slope"] == pytest.approx(slope)
    np.testing.assert_allclose(fc.frame["mean"], [16.0 + slope, 16.0 + 2 * slope])
    # sigma_h = sigma * sqrt(h (1 + h / (T - 1)))
    residuals = np.diff(values) - slope
    sigma = np.sqrt(np.sum(residuals**2) / (len(values) - 2))
    expected = Z80 * sigma * np.sqrt(np.array([1, 2]) * (1 + np.array([1, 2]) / 4))
    np.testing.assert_allclose(fc.frame["upper"] - fc.frame["mean"], expected)


def test_drift_on_a_perfectly_linear_series_is_exact():
    fc = Drift(series(2.0 + 0.5 * np.arange(8))).fit().forecast(until=2020)
    assert fc.frame.index.tolist() == [2018, 2019, 2020]
    np.testing.assert_allclose(fc.frame["mean"], [6.0, 6.5, 7.0])
    np.testing.assert_allclose(fc.frame["lower"], fc.frame["upper"])


# Small series for the checks against independent computations (no exact fit, no trend).
GROWING = [10.0, 10.8, 11.1, 12.0, 12.2, 13.1, 13.5, 14.4]
SHARES = [12.66, 12.87, 12.83, 12.87, 13.17, 14.02]


def test_drift_matches_the_textbook_random_walk_with_drift():
    # Hyndman & Athanasopoulos, fpp3 5.5: point y_T + h * mean(diff); with c estimated
    # from T - 1 differences, sigma_h = sigma * sqrt(h * (1 + h / (T - 1))), sigma^2 the
    # residual variance of the differences around c on T - 2 degrees of freedom.
    y = np.array(GROWING)
    h = np.arange(1, 5)
    diffs = np.diff(y)
    c, t_1 = diffs.mean(), len(diffs)
    sigma = np.sqrt(((diffs - c) ** 2).sum() / (t_1 - 1))
    sd = sigma * np.sqrt(h * (1 + h / t_1))
    frame = Drift(series(y)).fit().forecast(4, extra_alphas=(0.05,)).frame
    np.testing.assert_allclose(frame["mean"], y[-1] + h * c, rtol=1e-12)
    np.testing.assert_allclose(frame["lower"], y[-1] + h * c - Z80 * sd, rtol=1e-12)
    np.testing.assert_allclose(frame["upper_95"], y[-1] + h * c + 1.959963984540054 * sd)


def _ols_prediction(years_, z, future, alpha):
    """OLS of z on (1, year) by the normal equations, and the t prediction interval of a new
    observation: s^2 (1 + x0' (X'X)^-1 x0) (any regression textbook)."""
    from scipy import stats

    x = np.column_stack([np.ones_like(years_), years_])
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ z
    df = len(z) - 2
    s2 = np.sum((z - x @ beta) ** 2) / df
    x0 = np.column_stack([np.ones_like(future), future])
    center = x0 @ beta
    sd = np.sqrt(s2 * (1 + np.einsum("ij,jk,ik->i", x0, xtx_inv, x0)))
    t = stats.t.ppf(1 - alpha / 2, df)
    return center, sd, center - t * sd, center + t * sd, df


def test_log_linear_trend_matches_ols_on_logs_by_hand():
    y = np.array(GROWING)
    t = np.arange(len(y), dtype=float)
    future = np.arange(len(y), len(y) + 3, dtype=float)
    center, sd, low, high, _ = _ols_prediction(t, np.log(y), future, 0.2)
    frame = LogLinearTrend(series(y)).fit().forecast(3).frame
    np.testing.assert_allclose(frame["median"], np.exp(center), rtol=1e-10)
    np.testing.assert_allclose(frame["mean"], np.exp(center + sd**2 / 2), rtol=1e-10)
    np.testing.assert_allclose(frame["lower"], np.exp(low), rtol=1e-10)
    np.testing.assert_allclose(frame["upper"], np.exp(high), rtol=1e-10)


def test_logit_trend_matches_ols_on_the_logit_and_the_t_integral():
    from scipy import special, stats

    floor, ceiling = 10.0, 30.0
    y = np.array(SHARES)
    t = np.arange(len(y), dtype=float)
    future = np.arange(len(y), len(y) + 3, dtype=float)
    z = np.log((y - floor) / (ceiling - y))
    center, sd, low, high, df = _ols_prediction(t, z, future, 0.2)

    def back(v):
        return floor + (ceiling - floor) * special.expit(v)

    model = LogitTrend(series(y), ceiling=ceiling, floor=floor)
    frame = model.fit().forecast(3).frame
    np.testing.assert_allclose(frame["median"], back(center), rtol=1e-10)
    np.testing.assert_allclose(frame["lower"], back(low), rtol=1e-10)
    np.testing.assert_allclose(frame["upper"], back(high), rtol=1e-10)
    # The mean is simulated (n_sims draws); against the exact integral of the back-transformed
    # t density it must agree within four Monte Carlo standard errors.
    for k in range(3):
        predictive = stats.t(df, loc=center[k], scale=sd[k])
        mean = predictive.expect(back)
        second = predictive.expect(lambda v: back(v) ** 2)
        tolerance = 4 * np.sqrt(second - mean**2) / np.sqrt(model.n_sims)
        assert abs(frame["mean"].iloc[k] - mean) < tolerance


def _annual(values):
    return pd.Series(values, index=pd.period_range("2010", periods=len(values), freq="Y"))


@pytest.mark.parametrize("order", [(1, 1, 0), (0, 1, 1)])
def test_arima_matches_statsmodels_called_directly(order):
    from statsmodels.tsa.arima.model import ARIMA

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = ARIMA(_annual(GROWING), order=order, trend="t").fit().get_forecast(3)
    bounds = direct.conf_int(alpha=0.2).to_numpy()
    frame = Arima(series(GROWING), order=order).fit().forecast(3).frame
    np.testing.assert_allclose(frame["mean"], direct.predicted_mean, rtol=1e-10)
    np.testing.assert_allclose(frame["lower"], bounds[:, 0], rtol=1e-10)
    np.testing.assert_allclose(frame["upper"], bounds[:, 1], rtol=1e-10)


def test_damped_ets_matches_statsmodels_called_directly_with_its_default_bounds():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    # statsmodels' own defaults: this also checks that ETS_BOUNDS states what it uses.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = ETSModel(_annual(GROWING), error="add", trend="add", damped_trend=True)
        fitted = direct.fit(disp=False)
    bounds = fitted.get_prediction(start=len(GROWING), end=len(GROWING) + 2).summary_frame(
        alpha=0.2
    )
    frame = DampedETS(series(GROWING)).fit().forecast(3).frame
    np.testing.assert_allclose(frame["mean"], fitted.forecast(3), rtol=1e-8)
    np.testing.assert_allclose(frame["lower"], bounds["pi_lower"], rtol=1e-8)
    np.testing.assert_allclose(frame["upper"], bounds["pi_upper"], rtol=1e-8)


def test_theta_matches_statsmodels_called_directly():
    from statsmodels.tsa.forecasting.theta import ThetaModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = ThetaModel(_annual(GROWING), deseasonalize=False).fit()
        bounds = fitted.prediction_intervals(3, alpha=0.2)
    frame = Theta(series(GROWING)).fit().forecast(3).frame
    np.testing.assert_allclose(frame["mean"], fitted.forecast(3), rtol=1e-10)
    np.testing.assert_allclose(frame["lower"], bounds["lower"], rtol=1e-10)
    np.testing.assert_allclose(frame["upper"], bounds["upper"], rtol=1e-10)


def test_log_linear_trend_recovers_the_growth_rate_of_an_exponential():
    y = series(100 * 1.07 ** np.arange(10))
    fit = LogLinearTrend(y).fit()
    assert fit.params["growth_rate"] == pytest.approx(0.07, rel=1e-10)
    fc = fit.forecast(2)
    np.testing.assert_allclose(fc.frame["median"], 100 * 1.07 ** np.array([10, 11]), rtol=1e-9)
    np.testing.assert_allclose(fc.frame["mean"], fc.frame["median"], rtol=1e-9)


def test_log_linear_mean_is_bias_adjusted_above_the_median():
    fc = LogLinearTrend(series([100, 104, 109, 112, 119, 123])).fit().forecast(3)
    assert (fc.frame["mean"] > fc.frame["median"]).all()


def test_trend_models_fit_through_missing_years():
    y = pd.Series(100 * 1.05 ** np.array([0, 1, 3, 4]), index=[2010, 2011, 2013, 2014])
    fit = LogLinearTrend(y).fit()
    assert fit.params["growth_rate"] == pytest.approx(0.05)
    assert fit.forecast(1).frame.index.tolist() == [2015]


def test_logit_intervals_stay_strictly_inside_floor_and_ceiling():
    shares = series([80.0, 86.0, 90.0, 93.0, 95.5, 97.0])
    fc = LogitTrend(shares, ceiling=100).fit().forecast(25, extra_alphas=(0.05,))
    frame = fc.frame
    assert ((frame > 0) & (frame < 100)).all().all()
    assert (frame["lower_95"] <= frame["lower"]).all()
    assert (frame["upper"] <= frame["upper_95"]).all()
    # The trend keeps rising, so with the ceiling the forecast bends towards 100.
    assert frame["median"].is_monotonic_increasing


def test_logit_with_a_lower_ceiling_and_a_floor():
    shares = series([12.66, 12.87, 12.83, 12.87, 13.17, 14.02])
    fc = LogitTrend(shares, ceiling=30, floor=10).fit().forecast(until=2030, extra_alphas=(0.01,))
    assert ((fc.frame > 10) & (fc.frame < 30)).all().all()
    assert fc.model == "logit_trend(ceiling=30, floor=10)"


def test_logit_rejects_values_outside_and_needs_an_explicit_ceiling():
    with pytest.raises(ValueError, match=r"outside in \[2012\]"):
        LogitTrend(series([20.0, 40.0, 100.0]), ceiling=100)
    with pytest.raises(TypeError):
        LogitTrend(series([20.0, 40.0, 60.0]))  # type: ignore[call-arg]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.floats(0.5, 99.5), min_size=3, max_size=12),
    st.sampled_from([0.05, 0.2, 0.5]),
)
def test_property_logit_bounds_and_interval_order(values, alpha):
    fc = LogitTrend(series(values), ceiling=100).fit().forecast(8, alpha=alpha)
    frame = fc.frame
    assert ((frame > 0) & (frame < 100)).all().all()
    assert (frame["lower"] <= frame["median"]).all()
    assert (frame["median"] <= frame["upper"]).all()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=15))
def test_property_naive_and_drift(values):
    y = series(values)
    naive = Naive(y).fit().forecast(3).frame
    assert (naive["mean"] == values[-1]).all()
    drift = Drift(y).fit().forecast(1).frame
    slope = (values[-1] - values[0]) / (len(values) - 1)
    assert drift["mean"].iloc[0] == pytest.approx(values[-1] + slope, abs=1e-9)
    assert (drift["lower"] <= drift["upper"]).all()


# --------------------------------------------------------------------------- statsmodels traps


@pytest.mark.parametrize(
    "model",
    [Theta, Arima, functools.partial(Arima, order=(0, 1, 1)), DampedETS],
    ids=["theta", "arima110", "arima011", "damped_ets"],
)
def test_int64_year_index_works_with_statsmodels_forecast(model):
    # Regression: statsmodels' forecast() raises "No supported index is available" on an
    # int64 index of years; the models must move the data onto an annual PeriodIndex.
    y = series([10.0, 10.8, 11.1, 12.0, 12.2, 13.1, 13.5, 14.4])
    assert type(y.index) is pd.Index
    fc = model(y).fit().forecast(3)
    assert fc.frame.index.tolist() == [2018, 2019, 2020]
    assert fc.frame.index.dtype == np.int64
    assert np.isfinite(fc.frame.to_numpy()).all()


def test_statsmodels_warnings_are_captured_in_plain_words_not_emitted():
    # A perfectly linear series makes ARIMA warn (EstimationWarning, ConvergenceWarning).
    y = series(2.0 + 0.5 * np.arange(8))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fc = Arima(y).fit().forecast(2)
    # What statsmodels itself raises on the same data and settings, called directly:
    from statsmodels.tsa.arima.model import ARIMA

    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        ARIMA(to_annual(y), order=(1, 1, 0), trend="t").fit()
    categories = {w.category.__name__ for w in raised}
    assert {"EstimationWarning", "ConvergenceWarning"} <= categories
    assert fc.diagnostics == (
        "the AR term's starting values were non-stationary; the fit started from zero",
        NOT_CONVERGED,  # said once, though both the warning and mle_retvals say it
    )


def test_unknown_warnings_keep_their_first_line():
    assert plain_warning("FutureWarning", "a is deprecated.\nUse b.") == (
        "statsmodels warned (FutureWarning): a is deprecated."
    )
    assert plain_warning("ConvergenceWarning", "anything") == NOT_CONVERGED


def test_caller_warning_filters_are_restored():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        Arima(series(2.0 + 0.5 * np.arange(8))).fit()
        warnings.warn("caller's own warning", UserWarning, stacklevel=1)
    assert [str(w.message) for w in seen] == ["caller's own warning"]


def test_damped_ets_on_a_short_series_is_flagged_on_bounds():
    # statsmodels lands on alpha = beta* = 1e-4 and phi = 0.98 here, silently.
    fit = DampedETS(series(100 + 2 * np.arange(10) + np.sin(np.arange(10)))).fit()
    assert fit.params["damping_trend"] == pytest.approx(0.98)
    assert fit.params["smoothing_level"] == pytest.approx(1e-4)
    assert fit.diagnostics == (
        "level smoothing at its lower bound 0.0001",
        "trend smoothing (relative to the level's) at its lower bound 0.0001",
        "trend damping at its upper bound 0.98",
    )


def test_backtest_keeps_what_each_fit_reported_per_model():
    y = series(100 + 2 * np.arange(10) + np.sin(np.arange(10)))
    result = backtest(y, [Naive, DampedETS], min_train=7, horizon=1)
    # The same fits, made directly at each origin (training years 7, 8 and 9).
    direct = [DampedETS(y.iloc[:n]).fit().forecast(1).diagnostics for n in (7, 8, 9)]
    counts = {}
    for reported in direct:
        for message in reported:
            counts[message] = counts.get(message, 0) + 1
    assert "trend damping at its upper bound 0.98" in counts
    shown = result.scores.loc["damped_ets", "diagnostics"].split("; ")
    assert sorted(shown) == sorted(f"{m} ({n} of 3 fits)" for m, n in counts.items())
    assert result.scores.loc["naive", "diagnostics"] == ""


def test_fit_diagnostics_counts_each_message_once_per_fit():
    reported = [["a", "a", "b"], [], ["b"]]
    assert fit_diagnostics(reported) == "b (2 of 3 fits); a (1 of 3 fits)"
    assert fit_diagnostics([(), ()]) == ""


def test_bound_flags():
    assert bound_flags({"phi": (0.98, 0.8, 0.98)}) != []
    assert bound_flags({"alpha": (1e-4, 1e-4, 1 - 1e-4)}) != []
    assert bound_flags({"alpha": (0.5, 0.0, 1.0), "phi": (0.9, 0.8, 0.98)}) == []


# --------------------------------------------------------------------------- short series, gaps


@pytest.mark.parametrize(
    ("model", "needed"),
    [
        (Naive, 2),
        (Drift, 3),
        (LogLinearTrend, 3),
        (functools.partial(LogitTrend, ceiling=100), 3),
        (Theta, 4),
        (Arima, 5),
        (functools.partial(Arima, order=(0, 1, 1), drift=False), 4),
        (DampedETS, 7),
    ],
)
def test_too_short_series_give_a_clear_error(model, needed):
    with pytest.raises(SeriesTooShortError, match=f"at least {needed} .* has {needed - 1}$"):
        model(series(np.linspace(10, 20, needed - 1)))
    assert model(series(np.linspace(10, 20, needed))).nobs == needed


def test_gaps_raise_naming_the_missing_years():
    y = pd.Series([14.0, 16.7, 11.2, 12.4], index=[2016, 2019, 2020, 2021])
    with pytest.raises(SeriesGapError, match="2017, 2018") as caught:
        Drift(y)
    assert caught.value.missing_years == (2017, 2018)
    assert contiguous_tail(y).index.tolist() == [2019, 2020, 2021]


# --------------------------------------------------------------------------- forecast result


def test_result_frame_summary_and_history():
    fc = Drift(series([1.0, 2.0, 4.0, 5.0])).fit().forecast(2, alpha=0.1, extra_alphas=(0.01,))
    assert isinstance(fc, ForecastResult)
    assert list(fc.frame.columns) == ["mean", "median", "lower", "upper", "lower_99", "upper_99"]
    assert fc.frame.index.name == "year"
    both = fc.to_frame(include_history=True)
    assert both.index.tolist() == [2010, 2011, 2012, 2013, 2014, 2015]
    assert both.loc[2013, "observed"] == 5.0 and np.isnan(both.loc[2014, "observed"])
    text = fc.summary()
    assert "drift" in text and "90% prediction interval" in text and "slope" in text


def test_horizon_arguments_are_checked():
    fit = Naive(series([1.0, 2.0])).fit()
    with pytest.raises(ValueError, match="exactly one"):
        fit.forecast(2, until=2015)
    with pytest.raises(ValueError, match="nothing to forecast"):
        fit.forecast(until=2011)
    with pytest.raises(ValueError, match="alpha"):
        fit.forecast(1, alpha=1.5)


def test_same_input_same_output():
    y = series([12.66, 12.87, 12.83, 12.87, 13.17, 14.02])
    first = LogitTrend(y, ceiling=100).fit().forecast(5)
    again = LogitTrend(y.copy(), ceiling=100).fit().forecast(5)
    pd.testing.assert_frame_equal(first.frame, again.frame)
    other_seed = LogitTrend(y, ceiling=100, seed=1).fit().forecast(5)
    assert not first.frame["mean"].equals(other_seed.frame["mean"])
    pd.testing.assert_series_equal(first.frame["median"], other_seed.frame["median"])


# --------------------------------------------------------------------------- backtest


def test_backtest_metrics_match_hand_computation():
    # y = 1, 2, 4, 5, 7 (2000-2004), min_train 3, horizon 2: origins 2002 and 2003.
    # Naive: origin 2002 forecasts 4, 4 for 5, 7 (scale = mean(1, 2) = 1.5);
    #        origin 2003 forecasts 5 for 7 (scale = mean(1, 2, 1) = 4/3).
    # Drift: origin 2002 slope 1.5 -> 5.5, 7; origin 2003 slope 4/3 -> 19/3.
    y = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=range(2000, 2005))
    result = backtest(y, [Naive, Drift], min_train=3, horizon=2)
    assert result.origins == (2002, 2003)
    scores = result.scores
    assert scores.loc["naive", "mase"] == pytest.approx((1 / 1.5 + 3 / 1.5 + 2 / (4 / 3)) / 3)
    assert scores.loc["naive", "smape"] == pytest.approx((200 / 9 + 600 / 11 + 400 / 12) / 3)
    assert scores.loc["drift", "mase"] == pytest.approx((0.5 / 1.5 + 0 + (2 / 3) / (4 / 3)) / 3)
    assert scores.loc["drift", "smape"] == pytest.approx((100 / 10.5 + 0 + 10) / 3)
    # Naive 80% intervals: 4 +- 1.28 * sqrt(2.5) covers 5; 4 +- 1.28 * sqrt(5) misses 7;
    # 5 +- 1.28 * sqrt(2) misses 7. Drift's cover all three.
    assert scores.loc["naive", "coverage"] == pytest.approx(1 / 3)
    assert scores.loc["drift", "coverage"] == pytest.approx(1.0)
    assert scores["origins"].tolist() == [2, 2]
    assert scores["forecasts"].tolist() == [3, 3]
    assert len(result.errors) == 6
    assert result.ranking().index.tolist() == ["drift", "naive"]


def test_models_short_of_points_at_an_origin_are_reported_and_not_ranked():
    y = series([1.0, 2.0, 4.0, 5.0, 7.0, 8.0])
    result = backtest(y, [Naive, Arima], min_train=4, horizon=1)
    assert result.scores.loc["arima(1,1,0)+drift", "origins"] == 1
    assert not result.scores.loc["arima(1,1,0)+drift", "eligible"]
    assert any("skipped origin(s) 2013 (needs 5 points)" in d for d in result.diagnostics)
    assert result.ranking().index.tolist() == ["naive"]


def test_backtest_refuses_gaps_and_too_short_series():
    with pytest.raises(SeriesGapError):
        backtest(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=[1, 2, 3, 5, 6]), [Naive])
    with pytest.raises(SeriesTooShortError, match="min_train=4"):
        backtest(series([1.0, 2.0, 3.0, 4.0]), [Naive])


def test_selection_follows_the_backtest_and_combines_top_k():
    y = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=range(2000, 2005))
    chosen = select_model(y, [Naive, Drift], min_train=3)
    assert chosen.chosen == ("drift",) and not chosen.fallback
    combined = auto_forecast(y, [Naive, Drift], horizon=2, min_train=3, top_k=2)
    assert combined.model == "combination(drift, naive)"
    naive = Naive(y).fit().forecast(2).frame
    drift = Drift(y).fit().forecast(2).frame
    pd.testing.assert_frame_equal(combined.frame, (naive + drift) / 2)
    assert combined.diagnostics[0].startswith("model choice: equal-weight combination")


def test_too_short_for_a_backtest_falls_back_and_says_so():
    # Drift is the fallback only from min_trend_points (params/forecasts.yaml) on; below it
    # the fallback is no-change, and the reason names the refusal.
    minimum = shipped_min_trend_points()
    short = series([5.05, 7.09, 8.02], first=2023)
    fc = auto_forecast(short, until=2027)
    assert fc.model == "naive"
    assert fc.selection is not None and fc.selection.fallback
    assert f"drift needs at least {minimum}" in fc.diagnostics[0]
    assert "fell back to the default model, naive" in fc.diagnostics[0]
    permissive = auto_forecast(short, until=2027, fallback=TrendMinimum(Drift, 3))
    assert permissive.model == "drift"
    assert "fell back to the default model, drift" in permissive.diagnostics[0]
    two_points = auto_forecast(series([5.0, 6.0]), horizon=1)
    assert two_points.model == "naive"


def test_trend_models_are_refused_below_the_minimum_and_kept_from_it():
    minimum = shipped_min_trend_points()
    refused = [f for f in default_candidates() if isinstance(f, TrendMinimum)]
    assert {f.label for f in refused} >= {"drift", "log_linear_trend", "theta", "arima"}
    short = series(np.linspace(5.0, 9.0, minimum - 1))
    for factory in refused:
        with pytest.raises(SeriesTooShortError) as refusal:
            factory(short)
        assert refusal.value.needed >= minimum
    long_enough = series(np.linspace(5.0, 9.0, minimum))
    assert TrendMinimum(Drift, minimum)(long_enough).nobs == minimum
    # the backtest lists a refused model as not evaluated, never as chosen
    result = backtest(series(np.linspace(5.0, 9.0, minimum - 1)), min_train=3, horizon=1)
    assert not result.scores.loc["drift", "eligible"]


# --------------------------------------------------------------------------- real series


def test_real_series_are_what_the_tests_assume():
    assert de_share_vn().to_dict() == {
        2020: 12.66,
        2021: 12.87,
        2022: 12.83,
        2023: 12.87,
        2024: 13.17,
        2025: 14.02,
    }
    assert missing_years(grdp_growth_hp()) == [2018]


def test_backtest_runs_on_the_real_de_share_series():
    y = de_share_vn()
    # The backtest machinery on real data, with the statistical minima only (the shipped
    # min_trend_points refuses every trend on the 4-5 training points here).
    result = backtest(y, default_candidates(ceiling=100, min_trend_points=3))
    assert result.origins == (2023, 2024)
    eligible = result.scores[result.scores["eligible"]]
    assert {"naive", "drift", "log_linear_trend", "theta", "logit_trend(ceiling=100)"} == set(
        eligible.index
    )
    shipped = backtest(y, default_candidates(ceiling=100)).scores
    assert shipped.index[shipped["eligible"]].tolist() == ["naive"]
    # why drift was not scored, as facts: 2 of 2 origins skipped, each too short for it
    skipped, *origins = facts_of(shipped.loc["drift", "note"])
    assert (skipped["code"], skipped["skipped"], skipped["origins"]) == ("origins_skipped", 2, 2)
    assert [o["origin"] for o in origins] == [2023, 2024]
    assert all(o["code"] == "origin_too_short" and o["needed"] > o["points"] for o in origins)
    assert say_facts(shipped.loc["drift", "note"], Words("en")).startswith(
        "not evaluated at 2 of 2 origins; 2023: needs"
    )
    assert np.isfinite(eligible[["mase", "smape", "coverage"]].to_numpy()).all()
    # Naive, by hand: origin 2023 forecasts 12.87 for 13.17 and 14.02, scaled by the mean
    # absolute change 2020-2023, 0.29 / 3; origin 2024 forecasts 13.17 for 14.02, scaled
    # by 0.59 / 4.
    expected = (0.30 / (0.29 / 3) + 1.15 / (0.29 / 3) + 0.85 / (0.59 / 4)) / 3
    assert eligible.loc["naive", "mase"] == pytest.approx(expected)
    fc = auto_forecast(y, default_candidates(ceiling=100, min_trend_points=3), until=2030)
    assert fc.model == result.ranking().index[0]
    assert fc.frame.index.tolist() == list(range(2026, 2031))


def test_backtest_runs_on_the_real_hai_phong_growth_series():
    y = contiguous_tail(grdp_growth_hp())
    assert y.index.tolist() == list(range(2019, 2025))
    result = backtest(y, [Naive, Drift, LogLinearTrend, Theta])
    assert result.scores["eligible"].all()
    assert (result.scores["forecasts"] == 3).all()
    selection = select_model(y, [Naive, Drift, LogLinearTrend, Theta])
    assert selection.chosen == (result.ranking().index[0],)


# --------------------------------------------------------------------------- import cost


def test_importing_the_module_does_not_import_statsmodels():
    code = (
        "import sys, dxecon.models.forecast; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('statsmodels', 'scipy')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
