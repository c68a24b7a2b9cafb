"""Forecasting short annual series (5-20 points) against 2025/2030 targets.

Models follow statsmodels' pattern, model -> ``fit()`` -> results -> ``forecast()``::

    from dxecon.models.forecast import Drift, auto_forecast

    fit = Drift(series).fit()               # series: floats indexed by int year
    result = fit.forecast(until=2030)       # ForecastResult
    result.frame                            # year x mean, median, lower, upper (80%)
    print(result.summary())

    result = auto_forecast(series, until=2030, ceiling=100)   # chosen by backtest
    result.selection.backtest.scores                          # MASE, sMAPE, coverage

Input is a ``pandas.Series`` indexed by int year (the data layer's output) or by annual
periods; it is moved onto a ``PeriodIndex`` with freq ``'Y'`` before statsmodels sees it,
which avoids statsmodels' int-index trap (``.forecast()`` fails on an ``int64`` index).
Missing years inside the span are NaN; only the trend models accept them, the others
raise :class:`SeriesGapError` naming the years (:func:`contiguous_tail` helps).

Statsmodels warnings never reach the caller: they are captured into
``ForecastResult.diagnostics`` together with flags such as parameters on their bounds.
Anything random (the logit model's mean) uses a fixed seed, so results are reproducible.

Modules depend one way, with no import circle: ``_series`` (index, gaps, warnings) ->
``results`` (forecast tables; it states as Protocols what it needs of a model and of a
model choice) -> ``models`` (the models and the candidate set) -> ``backtest`` (scores,
model choice) -> ``coverage``, ``catalog``, ``realtime``.

Importing this module does not import statsmodels; models import the parts they need
when fitted.
"""

from __future__ import annotations

from dxecon.models.forecast._series import (
    SeriesGapError,
    SeriesTooShortError,
    contiguous_tail,
    missing_years,
    to_annual,
)
from dxecon.models.forecast.backtest import (
    BacktestResult,
    ModelSelection,
    auto_forecast,
    backtest,
    select_model,
)
from dxecon.models.forecast.models import (
    Arima,
    DampedETS,
    Drift,
    ForecastModel,
    LogitTrend,
    LogLinearTrend,
    ModelFactory,
    Naive,
    Theta,
    default_candidates,
)
from dxecon.models.forecast.results import ForecastFit, ForecastResult, combine_forecasts

__all__ = [
    "Arima",
    "BacktestResult",
    "DampedETS",
    "Drift",
    "ForecastFit",
    "ForecastModel",
    "ForecastResult",
    "LogLinearTrend",
    "LogitTrend",
    "ModelFactory",
    "ModelSelection",
    "Naive",
    "SeriesGapError",
    "SeriesTooShortError",
    "Theta",
    "auto_forecast",
    "backtest",
    "combine_forecasts",
    "contiguous_tail",
    "default_candidates",
    "missing_years",
    "select_model",
    "to_annual",
]
