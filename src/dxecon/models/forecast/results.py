"""Forecast results: the common output of every model, and equal-weight combinations."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Protocol

import numpy as np
import pandas as pd

from dxecon.models.forecast._series import captured_warnings, dedupe, to_int_years

__all__ = ["ForecastFit", "ForecastResult", "combine_forecasts"]

DEFAULT_ALPHA = 0.2


@dataclass(frozen=True)
class Prediction:
    """Forecast arrays for steps 1..h: ``intervals[alpha] = (lower, upper)``."""

    mean: np.ndarray
    median: np.ndarray
    intervals: Mapping[float, tuple[np.ndarray, np.ndarray]]


Predictor = Callable[[int, tuple[float, ...]], Prediction]


@dataclass(frozen=True)
class Estimate:
    """What a model's estimation step hands to :class:`ForecastFit`."""

    params: dict[str, float]
    predict: Predictor
    flags: list[str] = field(default_factory=list)


class FittedModel(Protocol):
    """What a fit needs of its model (:class:`~dxecon.models.forecast.models.ForecastModel`).

    Stated here, below the models, so that this module depends on no other forecast
    module but the series helpers: models build results, never the other way round.
    """

    @property
    def name(self) -> str: ...

    @property
    def nobs(self) -> int: ...

    @property
    def series(self) -> pd.Series: ...


class Scored(Protocol):
    """A backtest as a result reports it
    (:class:`~dxecon.models.forecast.backtest.BacktestResult`)."""

    @property
    def scores(self) -> pd.DataFrame: ...


class Selection(Protocol):
    """How a model was chosen (:class:`~dxecon.models.forecast.backtest.ModelSelection`)."""

    @property
    def reason(self) -> str: ...

    @property
    def backtest(self) -> Scored | None: ...


def normal_prediction(mean: np.ndarray, sd: np.ndarray, alphas: tuple[float, ...]) -> Prediction:
    r"""Symmetric normal intervals :math:`\hat y \pm z_{1-\alpha/2}\,\sigma_h`."""
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    intervals = {}
    for alpha in alphas:
        z = NormalDist().inv_cdf(1 - alpha / 2)
        intervals[alpha] = (mean - z * sd, mean + z * sd)
    return Prediction(mean=mean, median=mean.copy(), intervals=intervals)


def interval_label(alpha: float) -> str:
    """``0.05 -> '95'``, ``0.025 -> '97.5'``: the coverage level in percent."""
    return f"{100 * (1 - alpha):g}"


def check_alphas(alpha: float, extra_alphas: Sequence[float]) -> tuple[float, ...]:
    alphas = (float(alpha), *map(float, extra_alphas))
    bad = [a for a in alphas if not 0 < a < 1]
    if bad:
        raise ValueError(f"alpha must be in (0, 1), e.g. 0.2 for an 80% interval; got {bad}")
    return tuple(dict.fromkeys(alphas))


def prediction_frame(
    prediction: Prediction, years: Sequence[int], alphas: tuple[float, ...]
) -> pd.DataFrame:
    """The forecast table: index ``year`` (int), columns mean, median, lower, upper, ..."""
    main = alphas[0]
    columns: dict[str, np.ndarray] = {
        "mean": prediction.mean,
        "median": prediction.median,
        "lower": prediction.intervals[main][0],
        "upper": prediction.intervals[main][1],
    }
    for alpha in alphas[1:]:
        lower, upper = prediction.intervals[alpha]
        columns[f"lower_{interval_label(alpha)}"] = lower
        columns[f"upper_{interval_label(alpha)}"] = upper
    index = pd.Index(np.asarray(years, dtype=np.int64), name="year")
    return pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in columns.items()}, index=index)


def _format_params(params: Mapping[str, float]) -> str:
    return "\n".join(f"  {name:<24} {value: .6g}" for name, value in params.items())


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """A forecast: table, model, parameters and everything that went wrong on the way.

    Attributes
    ----------
    frame : pandas.DataFrame
        Index ``year`` (int). Columns ``mean`` (point forecast), ``median``, ``lower`` and
        ``upper`` (the :math:`100(1-\\alpha)\\%` prediction interval), plus
        ``lower_<level>``/``upper_<level>`` for each extra alpha (``lower_95``).
    model : str
        Name of the model that produced it (``'drift'``, ``'combination(drift, theta)'``).
    params : dict
        Fitted parameters by name.
    diagnostics : tuple of str
        Short sentences: captured warnings in plain words (``'the optimiser did not
        converge: the estimates are unreliable'``) and flags such as parameters on their
        bounds (``'trend damping at its upper bound 0.98'``). Empty means nothing to report.
    alpha : float
        Alpha of the ``lower``/``upper`` interval.
    history : pandas.Series
        The observations the model was fitted to, indexed by int year.
    selection : ModelSelection or None
        For :func:`auto_forecast`: how the model was chosen and its backtest scores.
    """

    frame: pd.DataFrame
    model: str
    params: dict[str, float]
    diagnostics: tuple[str, ...]
    alpha: float
    history: pd.Series
    selection: Selection | None = None

    def to_frame(self, *, include_history: bool = False) -> pd.DataFrame:
        """A copy of :attr:`frame`; with ``include_history`` the observed years come first.

        Observed rows carry the value in ``observed`` and NaN elsewhere, which is the
        shape a fan chart wants.
        """
        frame = self.frame.copy()
        if not include_history:
            return frame
        observed = self.history.rename("observed").to_frame()
        both = pd.concat([observed, frame], axis=0)
        both.index.name = "year"
        return both[["observed", *frame.columns]]

    def summary(self) -> str:
        """A plain-text report: model, sample, parameters, forecast table, diagnostics."""
        years = self.history.dropna().index
        lines = [
            f"Forecast: {self.model}",
            f"Sample: {years.min()}-{years.max()} ({len(years)} observations)",
            f"Interval: {interval_label(self.alpha)}% prediction interval (alpha={self.alpha:g})",
            "Parameters:",
            _format_params(self.params) or "  (none)",
        ]
        if self.selection is not None:
            lines += ["Model choice:", f"  {self.selection.reason}"]
            if self.selection.backtest is not None:
                table = self.selection.backtest.scores.to_string(float_format="{:.3f}".format)
                lines += ["Backtest scores:", table]
        lines += ["Forecast:", self.frame.to_string(float_format="{:.4g}".format)]
        lines += ["Diagnostics:"] + ([f"  - {d}" for d in self.diagnostics] or ["  (none)"])
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


class ForecastFit:
    """A fitted model (statsmodels' "results" object): parameters, diagnostics, forecasts.

    Created by :meth:`ForecastModel.fit`; not meant to be built by hand.
    """

    def __init__(self, model: FittedModel, estimate: Estimate, diagnostics: Sequence[str]) -> None:
        self.model = model
        self.params = dict(estimate.params)
        self.diagnostics = tuple(dedupe([*diagnostics, *estimate.flags]))
        self._predict = estimate.predict

    @property
    def last_year(self) -> int:
        return int(self.model.series.index.year[-1])

    def forecast(
        self,
        horizon: int | None = None,
        *,
        until: int | None = None,
        alpha: float = DEFAULT_ALPHA,
        extra_alphas: Sequence[float] = (),
    ) -> ForecastResult:
        """Forecast ``horizon`` years ahead (or up to year ``until``).

        Parameters
        ----------
        horizon : int, optional
            Number of years after the last observation.
        until : int, optional
            Last year to forecast, e.g. 2030; an alternative to ``horizon``.
        alpha : float, default 0.2
            The ``lower``/``upper`` columns bound a :math:`100(1-\\alpha)\\%` interval.
        extra_alphas : sequence of float, optional
            More intervals, e.g. ``(0.05,)`` adds ``lower_95`` and ``upper_95``.

        Returns
        -------
        ForecastResult
        """
        steps = self._steps(horizon, until)
        alphas = check_alphas(alpha, extra_alphas)
        caught: list[str] = []
        with captured_warnings(caught):
            prediction = self._predict(steps, alphas)
        years = range(self.last_year + 1, self.last_year + steps + 1)
        return ForecastResult(
            frame=prediction_frame(prediction, years, alphas),
            model=self.model.name,
            params=dict(self.params),
            diagnostics=tuple(dedupe([*self.diagnostics, *caught])),
            alpha=alphas[0],
            history=to_int_years(self.model.series),
        )

    def _steps(self, horizon: int | None, until: int | None) -> int:
        if (horizon is None) == (until is None):
            raise ValueError("give exactly one of horizon (years ahead) or until (a year)")
        steps = int(until) - self.last_year if until is not None else int(horizon)  # type: ignore[arg-type]
        if steps < 1:
            raise ValueError(
                f"nothing to forecast: the data end in {self.last_year} "
                f"(horizon={horizon}, until={until})"
            )
        return steps

    def summary(self) -> str:
        """Model, sample, parameters and diagnostics as plain text."""
        years = self.model.series.index.year
        lines = [
            f"Model: {self.model.name}",
            f"Sample: {years.min()}-{years.max()} ({self.model.nobs} observations)",
            "Parameters:",
            _format_params(self.params) or "  (none)",
            "Diagnostics:",
            *([f"  - {d}" for d in self.diagnostics] or ["  (none)"]),
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<ForecastFit {self.model.name}, {self.model.nobs} observations>"


def combine_forecasts(results: Sequence[ForecastResult]) -> ForecastResult:
    """Equal-weight combination of forecasts over the same years.

    Means and medians are averaged; interval bounds are averaged quantile by quantile
    ("Vincentization"), which keeps intervals ordered and is the simple, well-behaved
    choice when the members' error correlations are unknown, as with 3-10 backtest errors.

    Parameters
    ----------
    results : sequence of ForecastResult
        Forecasts with identical index, columns and ``alpha``. A single one is returned
        unchanged.
    """
    if not results:
        raise ValueError("nothing to combine")
    first = results[0]
    for other in results[1:]:
        same = other.frame.index.equals(first.frame.index) and list(other.frame.columns) == list(
            first.frame.columns
        )
        if not same or other.alpha != first.alpha:
            raise ValueError("forecasts to combine must share years, columns and alpha")
    if len(results) == 1:
        return first
    frame = sum(r.frame for r in results) / len(results)
    params = {f"{r.model}.{k}": v for r in results for k, v in r.params.items()}
    params.update({f"weight.{r.model}": 1 / len(results) for r in results})
    diagnostics = [f"{r.model}: {d}" for r in results for d in r.diagnostics]
    return ForecastResult(
        frame=frame,
        model=f"combination({', '.join(r.model for r in results)})",
        params=params,
        diagnostics=tuple(dedupe(diagnostics)),
        alpha=first.alpha,
        history=first.history,
    )
