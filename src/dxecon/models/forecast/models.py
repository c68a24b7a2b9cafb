r"""Forecasting models for short annual series (5-20 points).

Every model follows statsmodels' pattern: ``Model(series, **options)`` checks the data,
``.fit()`` estimates and returns a :class:`~dxecon.models.forecast.ForecastFit`, whose
``.forecast(horizon)`` returns a :class:`~dxecon.models.forecast.ForecastResult`.

======================  ==========  =======================================================
model                   min. points  point forecast / interval
======================  ==========  =======================================================
:class:`Naive`          2           :math:`y_T`; :math:`\hat\sigma\sqrt h`
:class:`Drift`          3           :math:`y_T + h c`; :math:`\hat\sigma\sqrt{h(1+h/(T-1))}`
:class:`LogLinearTrend` 3           OLS on :math:`\log y`; t interval, back-transformed
:class:`LogitTrend`     3           OLS on the scaled logit; t interval, back-transformed
:class:`Theta`          4           statsmodels ``ThetaModel`` (theta = 2)
:class:`Arima`          5           statsmodels ``ARIMA`` (1,1,0) or (0,1,1), with drift
:class:`DampedETS`      7           statsmodels ``ETSModel`` A,Ad,N
======================  ==========  =======================================================

The minimum is the number of estimated parameters (the variance included) plus one, on
the (differenced) data the model is fitted to, so that at least one residual degree of
freedom is left. Below it a model raises :class:`SeriesTooShortError`.

statsmodels is imported inside the methods that use it: ``import dxecon.models.forecast`` must
stay cheap, and ``statsmodels.api`` alone costs about 1.7 s.

Beyond these statistical minima, the model choice refuses every model that extrapolates a
fitted slope on fewer than ``min_trend_points`` points (``params/forecasts.yaml``; see
:class:`TrendMinimum`): on 3-5 growth rates a drift or trend is mostly noise.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import ClassVar

import numpy as np
import pandas as pd

from dxecon.models.forecast._series import (
    NOT_CONVERGED,
    NotPositiveError,
    SeriesGapError,
    SeriesTooShortError,
    captured_warnings,
    missing_years,
    to_annual,
)
from dxecon.models.forecast.results import Estimate, ForecastFit, Prediction, normal_prediction

__all__ = [
    "Arima",
    "DampedETS",
    "Drift",
    "ForecastModel",
    "LogLinearTrend",
    "LogitTrend",
    "ModelFactory",
    "Naive",
    "Theta",
    "TrendMinimum",
    "default_candidates",
    "shipped_min_trend_points",
]

#: Fitted values this close to a bound (absolute, or relative for bounds beyond 1) count as
#: "on" it: the optimiser stopped at the edge, so the data did not determine the value.
BOUND_TOLERANCE = 1e-3


def bound_flags(checks: Mapping[str, tuple[float, float, float]]) -> list[str]:
    """Flags for parameters at their bounds; ``checks[what] = (value, lower, upper)``.

    ``what`` names the parameter in words (``'trend damping'``). The value is left out of
    the flag (it is in the fit's parameters) so that the same flag from fits at several
    backtest origins reads the same and can be counted.

    A parameter on its bound is one the data did not pin down: the optimiser stopped at
    the edge of the allowed range.

    >>> bound_flags({"trend damping": (0.98, 0.8, 0.98)})
    ['trend damping at its upper bound 0.98']
    """
    flags = []
    for what, (value, lower, upper) in checks.items():
        for side, bound in (("lower", lower), ("upper", upper)):
            if abs(value - bound) <= BOUND_TOLERANCE * max(1.0, abs(bound)):
                flags.append(f"{what} at its {side} bound {bound:g}")
    return flags


class ForecastModel(ABC):
    """Base class: validates the series; subclasses implement :meth:`_estimate`.

    Parameters
    ----------
    series : pandas.Series
        Annual values indexed by int year (or annual periods). NaN inside the span marks
        a missing year; models without ``handles_gaps`` reject such series.

    Attributes
    ----------
    series : pandas.Series
        The data on an annual ``PeriodIndex`` (freq ``'Y'``), gaps as NaN.
    """

    label: ClassVar[str]
    min_points: ClassVar[int]
    #: Whether the model fits observed years only, so missing years inside the span are fine.
    handles_gaps: ClassVar[bool] = False

    def __init__(self, series: pd.Series) -> None:
        self.series = to_annual(series)
        if self.nobs < self.min_points:
            raise SeriesTooShortError(model=self.name, n_points=self.nobs, needed=self.min_points)
        if not self.handles_gaps:
            gaps = missing_years(self.series)
            if gaps:
                raise SeriesGapError(gaps, who=self.name)

    @property
    def name(self) -> str:
        """Short name with the options that matter, e.g. ``'arima(1,1,0)+drift'``."""
        return self.label

    @property
    def nobs(self) -> int:
        """Number of observed (non-missing) years."""
        return int(self.series.notna().sum())

    def _observed(self) -> tuple[np.ndarray, np.ndarray]:
        """Years and values of the observed points."""
        keep = self.series.notna().to_numpy()
        years = np.asarray(self.series.index.year, dtype=float)[keep]
        return years, self.series.to_numpy(dtype=float)[keep]

    def fit(self) -> ForecastFit:
        """Estimate the model; warnings are captured into ``diagnostics``, not emitted."""
        caught: list[str] = []
        with captured_warnings(caught):
            estimate = self._estimate()
        return ForecastFit(self, estimate, caught)

    @abstractmethod
    def _estimate(self) -> Estimate:
        """Fit; return parameters, flags and a predictor for steps 1..h."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}, {self.nobs} observations>"


class Naive(ForecastModel):
    r"""Random walk: every future year equals the last observed one.

    .. math::
        \hat y_{T+h} = y_T, \qquad
        \hat\sigma^2 = \frac{1}{T-1}\sum_{t=2}^{T}(y_t-y_{t-1})^2, \qquad
        \sigma_h = \hat\sigma\sqrt h .

    :math:`\hat\sigma` has no estimated parameter to correct for, so it divides by
    :math:`T-1`. Intervals are normal. Needs 2 points.
    """

    label = "naive"
    min_points = 2

    def _estimate(self) -> Estimate:
        _, y = self._observed()
        last = float(y[-1])
        sigma = float(np.sqrt(np.mean(np.diff(y) ** 2)))

        def predict(steps: int, alphas: tuple[float, ...]) -> Prediction:
            h = np.arange(1, steps + 1)
            return normal_prediction(np.full(steps, last), sigma * np.sqrt(h), alphas)

        return Estimate(params={"last_value": last, "sigma": sigma}, predict=predict)


class Drift(ForecastModel):
    r"""Random walk with drift: the line through the first and last observations, extended.

    .. math::
        c = \frac{y_T - y_1}{T-1}, \qquad \hat y_{T+h} = y_T + h c, \qquad
        \hat\sigma^2 = \frac{1}{T-2}\sum_{t=2}^{T}(y_t - y_{t-1} - c)^2,

    and, because :math:`\operatorname{Var}(\hat c) = \sigma^2/(T-1)`,

    .. math:: \sigma_h = \hat\sigma\sqrt{h\,(1 + h/(T-1))}.

    A perfectly linear series is forecast exactly, with zero-width intervals. Needs 3
    points (one degree of freedom for :math:`\hat\sigma`). This is also the fallback of
    :func:`auto_forecast` when a series is too short to backtest.
    """

    label = "drift"
    min_points = 3

    def _estimate(self) -> Estimate:
        _, y = self._observed()
        n = len(y)
        slope = float((y[-1] - y[0]) / (n - 1))
        residuals = np.diff(y) - slope
        sigma = float(np.sqrt(np.sum(residuals**2) / (n - 2)))
        last = float(y[-1])

        def predict(steps: int, alphas: tuple[float, ...]) -> Prediction:
            h = np.arange(1, steps + 1)
            sd = sigma * np.sqrt(h * (1 + h / (n - 1)))
            return normal_prediction(last + h * slope, sd, alphas)

        return Estimate(params={"slope": slope, "sigma": sigma}, predict=predict)


class _TransformedTrend(ForecastModel):
    r"""Linear trend :math:`z_t = a + b\,(t - t_0) + \varepsilon_t` on a transformed scale.

    Fitted by OLS (statsmodels' matrix API: the formula API costs 40x more) on observed
    years only, so missing years inside the span are allowed. Prediction intervals are OLS
    *t* intervals for a new observation on the :math:`z` scale, mapped back through the
    inverse transform; a monotone map keeps their coverage (fpp3, 5.6 and 13.3). The
    back-transformed point :math:`g(\hat z)` is the median; the mean is computed by the
    subclass.
    """

    handles_gaps = True
    min_points = 3

    @abstractmethod
    def _transform(self, y: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def _inverse(self, z: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def _mean(self, center: np.ndarray, sd: np.ndarray, df: float) -> np.ndarray:
        """Mean of :math:`g(\\hat z + s\\,T_{df})`, elementwise."""

    def _extra_params(self, slope: float) -> dict[str, float]:
        return {}

    def _estimate(self) -> Estimate:
        from statsmodels.regression.linear_model import OLS

        years, y = self._observed()
        first_year = years[0]
        design = np.column_stack([np.ones_like(years), years - first_year])
        fit = OLS(self._transform(y), design).fit()
        intercept, slope = (float(v) for v in fit.params)
        last_year = self.series.index.year[-1]

        def predict(steps: int, alphas: tuple[float, ...]) -> Prediction:
            future = np.arange(last_year + 1, last_year + steps + 1, dtype=float) - first_year
            prediction = fit.get_prediction(np.column_stack([np.ones(steps), future]))
            center = np.asarray(prediction.predicted_mean, dtype=float)
            sd = np.sqrt(np.asarray(prediction.var_pred_mean, dtype=float) + fit.scale)
            intervals = {}
            for alpha in alphas:
                bounds = prediction.summary_frame(alpha=alpha)
                intervals[alpha] = (
                    self._inverse(bounds["obs_ci_lower"].to_numpy()),
                    self._inverse(bounds["obs_ci_upper"].to_numpy()),
                )
            return Prediction(
                mean=self._mean(center, sd, float(fit.df_resid)),
                median=self._inverse(center),
                intervals=intervals,
            )

        params = {"intercept": intercept, "slope": slope, "sigma": float(np.sqrt(fit.scale))}
        params.update(self._extra_params(slope))
        params["base_year"] = float(first_year)
        return Estimate(params=params, predict=predict)


class LogLinearTrend(_TransformedTrend):
    r"""Constant growth rate: OLS of :math:`\log y` on the year.

    .. math::
        \log y_t = a + b\,(t - t_0) + \varepsilon_t, \qquad
        \text{growth rate} = e^{b} - 1 .

    ``median`` is :math:`e^{\hat z}`; ``mean`` is bias-adjusted,
    :math:`e^{\hat z + s^2/2}` with :math:`s^2` the predictive variance of a new
    observation on the log scale (normal approximation). Values must be positive.
    Missing years are allowed. Needs 3 points.
    """

    label = "log_linear_trend"

    def __init__(self, series: pd.Series) -> None:
        super().__init__(series)
        bad = self.series[self.series <= 0]
        if len(bad):
            years = bad.index.year.tolist()
            raise NotPositiveError(model=self.name, years=years)

    def _transform(self, y: np.ndarray) -> np.ndarray:
        return np.log(y)

    def _inverse(self, z: np.ndarray) -> np.ndarray:
        return np.exp(z)

    def _mean(self, center: np.ndarray, sd: np.ndarray, df: float) -> np.ndarray:
        return np.exp(center + sd**2 / 2)

    def _extra_params(self, slope: float) -> dict[str, float]:
        return {"growth_rate": float(np.expm1(slope))}


class LogitTrend(_TransformedTrend):
    r"""Linear trend on the scaled logit, for shares bounded by ``floor`` and ``ceiling``.

    .. math::
        z_t = \log\frac{y_t - a}{b - y_t} = \alpha + \beta\,(t - t_0) + \varepsilon_t,
        \qquad
        y = a + \frac{b - a}{1 + e^{-z}},

    with floor :math:`a` and ceiling :math:`b`. Forecasts and every interval bound stay
    strictly inside :math:`(a, b)` (far tails that would round to a bound in floating point
    are set to the nearest representable value inside). ``median`` is the back-transformed
    trend; ``mean`` is the average of the back-transformed predictive *t* distribution,
    simulated with a fixed seed (``n_sims`` draws per year), so results are reproducible.

    Parameters
    ----------
    series : pandas.Series
        Values strictly between ``floor`` and ``ceiling``.
    ceiling : float
        The saturation level, e.g. ``100`` for a percentage share. There is no default on
        purpose: the ceiling shapes the long-run forecast and must be a stated assumption
        (a plausible saturation level, not always 100).
    floor : float, default 0
    n_sims : int, default 10000
    seed : int, default 20250101
    """

    label = "logit_trend"

    def __init__(
        self,
        series: pd.Series,
        *,
        ceiling: float,
        floor: float = 0.0,
        n_sims: int = 10_000,
        seed: int = 20_250_101,
    ) -> None:
        if not ceiling > floor:
            raise ValueError(f"ceiling ({ceiling}) must be above floor ({floor})")
        self.ceiling = float(ceiling)
        self.floor = float(floor)
        self.n_sims = int(n_sims)
        self.seed = int(seed)
        super().__init__(series)
        outside = self.series[(self.series <= self.floor) | (self.series >= self.ceiling)]
        if len(outside):
            raise ValueError(
                f"{self.name} needs values strictly between floor {self.floor:g} and "
                f"ceiling {self.ceiling:g}; outside in {outside.index.year.tolist()}"
            )

    @property
    def name(self) -> str:
        floor = f", floor={self.floor:g}" if self.floor else ""
        return f"{self.label}(ceiling={self.ceiling:g}{floor})"

    def _transform(self, y: np.ndarray) -> np.ndarray:
        return np.log((y - self.floor) / (self.ceiling - y))

    def _inverse(self, z: np.ndarray) -> np.ndarray:
        # 1 / (1 + exp(-z)) written via tanh so that large |z| neither overflows nor warns.
        y = self.floor + (self.ceiling - self.floor) * 0.5 * (1 + np.tanh(np.asarray(z) / 2))
        # Far tails (|z| > ~37, e.g. a 95% bound with 1 residual degree of freedom) round to
        # the bound itself in float64; keep them strictly inside, as the model says they are.
        inside = (np.nextafter(self.floor, self.ceiling), np.nextafter(self.ceiling, self.floor))
        return np.clip(y, *inside)

    def _mean(self, center: np.ndarray, sd: np.ndarray, df: float) -> np.ndarray:
        rng = np.random.default_rng(self.seed)
        draws = rng.standard_t(df, size=(self.n_sims, 1))
        return self._inverse(center + sd * draws).mean(axis=0)

    def _extra_params(self, slope: float) -> dict[str, float]:
        return {"ceiling": self.ceiling, "floor": self.floor}


class Theta(ForecastModel):
    r"""The Theta method (Assimakopoulos & Nikolopoulos 2000), statsmodels' ``ThetaModel``.

    Equivalent to simple exponential smoothing with drift :math:`b_0/2` (Hyndman & Billah
    2003): an OLS trend slope :math:`b_0` and an SES level with smoothing :math:`\alpha`.
    Intervals are statsmodels': normal, with variance
    :math:`\sigma^2(1 + (h-1)(1 + (\alpha-1)^2))`, where :math:`\sigma^2` comes from an
    ARIMA(0,1,1) with constant. No deseasonalising (annual data). Needs 4 points.
    """

    label = "theta"
    min_points = 4

    def _estimate(self) -> Estimate:
        from statsmodels.tsa.forecasting.theta import ThetaModel

        fit = ThetaModel(self.series, deseasonalize=False).fit()
        # sigma2 is computed lazily by statsmodels (an ARIMA fit); force it here so its
        # warnings are captured with the fit's and its cost is paid once.
        sigma2 = float(fit.sigma2)
        b0, alpha = (float(v) for v in fit.params)

        def predict(steps: int, alphas: tuple[float, ...]) -> Prediction:
            mean = fit.forecast(steps).to_numpy(dtype=float)
            intervals = {}
            for a in alphas:
                bounds = fit.prediction_intervals(steps, alpha=a)
                intervals[a] = (bounds["lower"].to_numpy(), bounds["upper"].to_numpy())
            return Prediction(mean=mean, median=mean.copy(), intervals=intervals)

        params = {"b0": b0, "alpha": alpha, "sigma2": sigma2}
        return Estimate(
            params=params,
            predict=predict,
            flags=bound_flags({"smoothing weight": (alpha, 0.0, 1.0)}),
        )


#: Largest |AR| or |MA| coefficient not flagged; beyond it the estimate sits at the
#: stationarity or invertibility bound that statsmodels enforces.
UNIT_ROOT_FLAG = 0.98


class Arima(ForecastModel):
    r"""A small ARIMA(p,1,q), by default (1,1,0) with drift, via statsmodels ``ARIMA``.

    With drift the model is :math:`(1-\phi L)(\Delta y_t - \mu) = (1+\theta L)\varepsilon_t`
    (statsmodels' ``trend='t'`` with :math:`d=1`). Intervals are statsmodels' (Kalman
    filter, normal). Needs :math:`d + k + 1` points, where :math:`k = p + q` + drift +
    variance: 5 for (1,1,0) or (0,1,1) with drift.

    Flags: optimiser not converged, :math:`|\phi|` or :math:`|\theta|` above 0.98 (the
    estimate sits at the stationarity or invertibility bound).

    Parameters
    ----------
    series : pandas.Series
    order : tuple of int, default (1, 1, 0)
        ``(p, d, q)`` with ``d`` equal to 1.
    drift : bool, default True
    """

    label = "arima"

    def __init__(
        self, series: pd.Series, *, order: tuple[int, int, int] = (1, 1, 0), drift: bool = True
    ) -> None:
        p, d, q = (int(v) for v in order)
        if d != 1 or p < 0 or q < 0:
            raise ValueError(f"order must be (p, 1, q) with p, q >= 0; got {order}")
        self.order = (p, d, q)
        self.drift = bool(drift)
        super().__init__(series)

    @property
    def min_points(self) -> int:  # type: ignore[override]
        p, d, q = self.order
        return d + p + q + int(self.drift) + 1 + 1

    @property
    def name(self) -> str:
        p, d, q = self.order
        return f"arima({p},{d},{q}){'+drift' if self.drift else ''}"

    def _estimate(self) -> Estimate:
        from statsmodels.tsa.arima.model import ARIMA

        fit = ARIMA(self.series, order=self.order, trend="t" if self.drift else "n").fit()
        params = {("drift" if k == "x1" else k): float(v) for k, v in fit.params.items()}
        flags = []
        if not fit.mle_retvals.get("converged", True):
            flags.append(NOT_CONVERGED)
        for name, value in params.items():
            if name.startswith(("ar.", "ma.")) and abs(value) > UNIT_ROOT_FLAG:
                term, bound = ("AR", "stationarity") if name[0] == "a" else ("MA", "invertibility")
                flags.append(
                    f"{term} coefficient at the {bound} bound (size above {UNIT_ROOT_FLAG:g})"
                )

        def predict(steps: int, alphas: tuple[float, ...]) -> Prediction:
            forecast = fit.get_forecast(steps)
            mean = forecast.predicted_mean.to_numpy(dtype=float)
            intervals = {}
            for a in alphas:
                bounds = forecast.conf_int(alpha=a).to_numpy(dtype=float)
                intervals[a] = (bounds[:, 0], bounds[:, 1])
            return Prediction(mean=mean, median=mean.copy(), intervals=intervals)

        return Estimate(params=params, predict=predict, flags=flags)


#: statsmodels ETSModel's default ("traditional") bounds, stated here so that the
#: on-bounds check compares against what the optimiser actually used. The trend smoothing
#: is bounded through beta* = beta / alpha.
ETS_BOUNDS = {
    "smoothing_level": (1e-4, 1 - 1e-4),
    "smoothing_trend / smoothing_level": (1e-4, 1 - 1e-4),
    "damping_trend": (0.8, 0.98),
}
#: The ETS parameters above in words, for the diagnostics.
ETS_WORDS = {
    "smoothing_level": "level smoothing",
    "smoothing_trend / smoothing_level": "trend smoothing (relative to the level's)",
    "damping_trend": "trend damping",
}


class DampedETS(ForecastModel):
    r"""Additive damped-trend exponential smoothing, ETS(A,Ad,N), via statsmodels ``ETSModel``.

    .. math::
        \hat y_{T+h} = \ell_T + (\phi + \phi^2 + \dots + \phi^h)\, b_T ,

    with level smoothing :math:`\alpha`, trend smoothing :math:`\beta`, damping
    :math:`\phi \in [0.8, 0.98]` and estimated initial states :math:`\ell_0, b_0`. Intervals
    are statsmodels' analytic ones. Needs 7 points (5 parameters plus the variance plus one).

    On short series the likelihood is flat and the optimiser often stops on the bounds
    (:math:`\alpha = \beta = 10^{-4}`, :math:`\phi = 0.98`) without a warning; such fits
    are flagged in the diagnostics (``'trend damping at its upper bound 0.98'``).
    """

    label = "damped_ets"
    min_points = 7

    def _estimate(self) -> Estimate:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        model = ETSModel(
            self.series,
            error="add",
            trend="add",
            damped_trend=True,
            bounds={k: ETS_BOUNDS[k] for k in ("smoothing_level", "damping_trend")},
        )
        fit = model.fit(disp=False)
        params = {k: float(v) for k, v in zip(model.param_names, fit.params, strict=True)}
        alpha, beta = params["smoothing_level"], params["smoothing_trend"]
        values = {
            "smoothing_level": alpha,
            "smoothing_trend / smoothing_level": beta / alpha,
            "damping_trend": params["damping_trend"],
        }
        flags = bound_flags({ETS_WORDS[k]: (v, *ETS_BOUNDS[k]) for k, v in values.items()})
        if not fit.mle_retvals.get("converged", True):
            flags.append(NOT_CONVERGED)
        n = self.nobs

        def predict(steps: int, alphas: tuple[float, ...]) -> Prediction:
            prediction = fit.get_prediction(start=n, end=n + steps - 1)
            mean = prediction.predicted_mean.to_numpy(dtype=float)
            intervals = {}
            for a in alphas:
                bounds = prediction.summary_frame(alpha=a)
                intervals[a] = (bounds["pi_lower"].to_numpy(), bounds["pi_upper"].to_numpy())
            return Prediction(mean=mean, median=mean.copy(), intervals=intervals)

        return Estimate(params=params, predict=predict, flags=flags)


#: Anything that turns a training series into a model: a model class, or
#: ``functools.partial(LogitTrend, ceiling=100)``.
ModelFactory = Callable[[pd.Series], ForecastModel]


class TrendMinimum:
    """A model factory that refuses its model on fewer than ``min_points`` observed points.

    The statistical minimum of a model (its ``min_points``) only leaves one residual degree
    of freedom; a drift fitted on three growth rates is the line through the first and the
    last, and it is extrapolated for years. Wrapping a factory raises the minimum for model
    choice without changing the model: ``TrendMinimum(Drift, 6)(series)`` builds
    ``Drift(series)`` or raises :class:`SeriesTooShortError` naming both minima.

    >>> import pandas as pd
    >>> try:
    ...     TrendMinimum(Drift, 6)(pd.Series([1.0, 2, 3], index=[2020, 2021, 2022]))
    ... except SeriesTooShortError as refusal:
    ...     print(refusal)
    drift needs at least 6 annual observations; the series has 3
    """

    def __init__(self, factory: ModelFactory, min_points: int) -> None:
        if int(min_points) < 1:
            raise ValueError(f"min_points must be at least 1; got {min_points}")
        self.factory = factory
        self.min_points = int(min_points)

    def __call__(self, series: pd.Series) -> ForecastModel:
        model = self.factory(series)
        if model.nobs < self.min_points:
            raise SeriesTooShortError(model=model.name, n_points=model.nobs, needed=self.min_points)
        return model

    @property
    def label(self) -> str:
        inner = self.factory
        while isinstance(inner, functools.partial):
            inner = inner.func
        return str(getattr(inner, "label", getattr(inner, "__name__", repr(inner))))

    def __repr__(self) -> str:
        return f"TrendMinimum({self.factory!r}, {self.min_points})"


def shipped_min_trend_points() -> int:
    """``min_trend_points`` of ``params/forecasts.yaml``: the one minimum every model choice
    applies to the models that extrapolate a slope.

    Raises ``ParamsError`` naming the file when the key is missing or not a whole number.
    """
    from dxecon.core.errors import ParamsError
    from dxecon.core.params import load_yaml, params_path

    path = params_path("forecasts")
    value = load_yaml(path).get("min_trend_points")
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ParamsError(
            str(path),
            "min_trend_points",
            f"expected a whole number of points of at least 2 (e.g. 6); got {value!r}",
        )
    return value


def default_candidates(
    *, ceiling: float | None = None, floor: float = 0.0, min_trend_points: int | None = None
) -> list[ModelFactory]:
    """The standard candidates for model choice by backtest (``select_model``).

    Naive, drift, log-linear trend, Theta, ARIMA(1,1,0) and ARIMA(0,1,1) with drift, and
    damped ETS; plus the logit trend when a ``ceiling`` is given (only then is the series
    known to be a bounded share). Every candidate but the naive one extrapolates a slope and
    is refused on fewer than ``min_trend_points`` points (:class:`TrendMinimum`; default
    :func:`shipped_min_trend_points`). Candidates that cannot handle a series (too short,
    non-positive values for the log trend) are reported and skipped, not fatal.
    """
    if min_trend_points is None:
        min_trend_points = shipped_min_trend_points()
    trends: list[ModelFactory] = [
        Drift,
        LogLinearTrend,
        Theta,
        functools.partial(Arima, order=(1, 1, 0)),
        functools.partial(Arima, order=(0, 1, 1)),
        DampedETS,
    ]
    if ceiling is not None:
        trends.append(functools.partial(LogitTrend, ceiling=ceiling, floor=floor))
    return [Naive, *(TrendMinimum(f, min_trend_points) for f in trends)]
