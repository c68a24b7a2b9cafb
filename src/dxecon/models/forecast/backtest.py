r"""Rolling-origin backtests and model choice by backtest.

With 5-20 annual points, in-sample fit says little about forecast accuracy, so models
are compared the way they will be used: fit on the years up to an origin, forecast the
next ``horizon`` years, move the origin one year, repeat (an expanding window, fpp3 5.10).

Metrics, as in the M4 benchmark code (Makridakis et al. 2018):

.. math::
    \text{MASE} = \operatorname{mean}_{o,h} \frac{|y_{o+h} - \hat y_{o+h|o}|}{s_o},
    \qquad s_o = \frac{1}{o-1}\sum_{t=2}^{o}|y_t - y_{t-1}|,

    \text{sMAPE} = \operatorname{mean}_{o,h}
        \frac{200\,|y_{o+h} - \hat y_{o+h|o}|}{|y_{o+h}| + |\hat y_{o+h|o}|},

where :math:`s_o` is the in-sample one-step naive MAE of the training data at origin
:math:`o`, and coverage is the share of actual values inside the prediction interval.
Errors are pooled over all origins and horizons (each (origin, h) pair weighs the same).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dxecon.core.facts import facts_cell
from dxecon.models.forecast._series import (
    SeriesGapError,
    SeriesTooShortError,
    missing_years,
    refusal,
    to_annual,
)
from dxecon.models.forecast.models import (
    Drift,
    ModelFactory,
    Naive,
    TrendMinimum,
    default_candidates,
    shipped_min_trend_points,
)
from dxecon.models.forecast.results import (
    DEFAULT_ALPHA,
    ForecastResult,
    check_alphas,
    combine_forecasts,
    interval_label,
)

__all__ = [
    "BacktestResult",
    "ModelSelection",
    "auto_forecast",
    "backtest",
    "select_model",
]

DEFAULT_MIN_TRAIN = 4
DEFAULT_BACKTEST_HORIZON = 2

# Errors a model may raise on a particular training window; anything else is a bug and
# must surface. LinAlgError subclasses ValueError; it is listed for clarity.
_FIT_ERRORS = (ValueError, np.linalg.LinAlgError, ArithmeticError)


def _factory_label(factory: ModelFactory) -> str:
    if isinstance(factory, functools.partial):
        options = ", ".join(f"{k}={v!r}" for k, v in factory.keywords.items())
        return f"{_factory_label(factory.func)}({options})"
    label = getattr(factory, "label", None)
    return str(label) if label else getattr(factory, "__name__", repr(factory))


def _resolve_names(
    series: pd.Series, models: Sequence[ModelFactory] | Mapping[str, ModelFactory]
) -> tuple[dict[str, ModelFactory], dict[str, str]]:
    """Name each model by building it on the full series.

    Returns the factories by name and, for models that cannot be built even on the full
    series (too short, values out of range), the reason by name.
    """
    if isinstance(models, Mapping):
        return dict(models), {}
    named: dict[str, ModelFactory] = {}
    unusable: dict[str, Exception] = {}
    for factory in models:
        try:
            name = factory(series).name
        except _FIT_ERRORS as exc:
            # A model refused for its length names itself (`arima(1,1,0)+drift`).
            name = getattr(exc, "model", None) or _factory_label(factory)
            unusable[name] = exc
        if name in named:
            raise ValueError(f"two candidate models are both named {name!r}; pass a mapping")
        named[name] = factory
    return named, unusable


def _check_backtest_window(series: pd.Series, *, min_train: int, horizon: int, who: str) -> None:
    if min_train < 2:
        raise ValueError(
            f"min_train must be at least 2 (the MASE scale needs two points): {min_train}"
        )
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1; got {horizon}")
    gaps = missing_years(series)
    if gaps:
        raise SeriesGapError(gaps, who=who)


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Errors and scores of a rolling-origin backtest.

    Attributes
    ----------
    errors : pandas.DataFrame
        One row per model, origin and horizon: ``model``, ``origin`` (last training year),
        ``h``, ``year``, ``actual``, ``forecast`` (the mean), ``lower``, ``upper``,
        ``error`` (actual minus forecast), ``scale`` (:math:`s_o`), ``abs_scaled_error``,
        ``smape`` (the term :math:`200|e|/(|y|+|\\hat y|)`) and ``covered``.
    scores : pandas.DataFrame
        Index ``model``; columns ``mase``, ``smape``, ``coverage``, ``origins``,
        ``forecasts``, ``eligible`` (evaluated at every origin, so comparable) and
        ``diagnostics``: what the model's fits reported (warnings, parameters on their
        bounds), each with the number of fits it came from, ``'; '``-separated, or ``''``.
    origins : tuple of int
        The origins (last training year), oldest first.
    diagnostics : tuple of str
        Models not evaluated, origins skipped (too few points) or failed fits. What the
        fits themselves reported is in ``scores['diagnostics']``.
    factories : mapping
        Model name -> the factory that builds it.
    """

    errors: pd.DataFrame
    scores: pd.DataFrame
    origins: tuple[int, ...]
    diagnostics: tuple[str, ...]
    min_train: int
    horizon: int
    alpha: float
    factories: Mapping[str, ModelFactory]

    def ranking(self) -> pd.DataFrame:
        """Eligible models, best first: lowest MASE, ties broken by lowest sMAPE.

        Only models evaluated at every origin are ranked, because a MASE over a different
        set of origins is not comparable. Exact ties keep the candidates' order.
        """
        eligible = self.scores[self.scores["eligible"]]
        # Round so that differences at machine precision count as ties.
        keys = eligible.assign(_mase=eligible["mase"].round(12), _smape=eligible["smape"])
        ranked = keys.sort_values(["_mase", "_smape"], kind="stable", na_position="last")
        return ranked.drop(columns=["_mase", "_smape"])

    def summary(self) -> str:
        """The scores table and diagnostics as plain text."""
        span = f"{self.origins[0]}-{self.origins[-1]}" if self.origins else "none"
        lines = [
            f"Rolling-origin backtest: origins {span}, min_train={self.min_train}, "
            f"horizon={self.horizon}, interval {100 * (1 - self.alpha):g}%",
            self.scores.to_string(float_format="{:.3f}".format),
        ]
        if self.diagnostics:
            lines += ["Diagnostics:", *[f"  - {d}" for d in self.diagnostics]]
        return "\n".join(lines)


_ERROR_COLUMNS = [
    "model",
    "origin",
    "h",
    "year",
    "actual",
    "forecast",
    "lower",
    "upper",
    "error",
    "scale",
    "abs_scaled_error",
    "smape",
    "covered",
]


def coverage_column(alpha: float) -> str:
    """``0.2 -> 'covered_80'``: the error-table column for one interval level."""
    return f"covered_{interval_label(alpha)}"


def _error_rows(
    name: str,
    origin: int,
    actual: pd.Series,
    forecast: pd.DataFrame,
    scale: float,
    extra_alphas: Sequence[float] = (),
) -> pd.DataFrame:
    y = actual.to_numpy(dtype=float)
    f = forecast["mean"].to_numpy(dtype=float)
    error = y - f
    denominator = np.abs(y) + np.abs(f)
    with np.errstate(divide="ignore", invalid="ignore"):
        smape = np.where(denominator > 0, 200 * np.abs(error) / denominator, 0.0)
        scaled = np.abs(error) / scale if scale > 0 else np.full_like(error, np.nan)
    lower = forecast["lower"].to_numpy(dtype=float)
    upper = forecast["upper"].to_numpy(dtype=float)
    extra = {}
    for alpha in extra_alphas:
        label = interval_label(alpha)
        low = forecast[f"lower_{label}"].to_numpy(dtype=float)
        high = forecast[f"upper_{label}"].to_numpy(dtype=float)
        extra[coverage_column(alpha)] = (low <= y) & (y <= high)
    return pd.DataFrame(
        {
            "model": name,
            "origin": origin,
            "h": np.arange(1, len(y) + 1),
            "year": forecast.index.to_numpy(),
            "actual": y,
            "forecast": f,
            "lower": lower,
            "upper": upper,
            "error": error,
            "scale": scale,
            "abs_scaled_error": scaled,
            "smape": smape,
            "covered": (lower <= y) & (y <= upper),
            **extra,
        }
    )


def fit_diagnostics(reported: Sequence[Sequence[str]]) -> str:
    """What several fits of one model reported, each message once with how many fits said it.

    >>> fit_diagnostics([["damping at its bound"], [], ["damping at its bound", "no fit"]])
    'damping at its bound (2 of 3 fits); no fit (1 of 3 fits)'
    """
    counts = Counter(message for messages in reported for message in dict.fromkeys(messages))
    return "; ".join(f"{m} ({n} of {len(reported)} fits)" for m, n in counts.most_common())


def _scores(errors: pd.DataFrame, names: Sequence[str], n_origins: int) -> pd.DataFrame:
    rows = []
    for name in names:
        mine = errors[errors["model"] == name]
        origins = int(mine["origin"].nunique())
        rows.append(
            {
                "model": name,
                "mase": mine["abs_scaled_error"].mean() if len(mine) else np.nan,
                "smape": mine["smape"].mean() if len(mine) else np.nan,
                "coverage": mine["covered"].mean() if len(mine) else np.nan,
                "origins": origins,
                "forecasts": len(mine),
                "eligible": origins == n_origins and n_origins > 0,
            }
        )
    scores = pd.DataFrame(rows).set_index("model")
    scores["eligible"] &= scores["mase"].notna()
    return scores


def backtest(
    series: pd.Series,
    models: Sequence[ModelFactory] | Mapping[str, ModelFactory] | None = None,
    *,
    min_train: int = DEFAULT_MIN_TRAIN,
    horizon: int = DEFAULT_BACKTEST_HORIZON,
    alpha: float = DEFAULT_ALPHA,
    extra_alphas: Sequence[float] = (),
) -> BacktestResult:
    """Rolling-origin (expanding window) backtest of several models on one series.

    Parameters
    ----------
    series : pandas.Series
        Annual values indexed by int year, without missing years inside the span.
    models : sequence of model factories, or mapping name -> factory, optional
        E.g. ``[Naive, Drift, functools.partial(LogitTrend, ceiling=100)]``; default
        :func:`default_candidates`.
    min_train : int, default 4
        Observations in the first training window. The origins are the years
        ``min_train .. n-1`` (1-based), so there are ``n - min_train`` of them; near the
        end fewer than ``horizon`` years remain and those origins contribute fewer errors.
    horizon : int, default 2
        Years forecast from each origin (fpp3 suggests h <= 3 for 10-20 points).
    alpha : float, default 0.2
        The interval whose empirical coverage is reported (0.2: 80%).
    extra_alphas : sequence of float, optional
        More intervals to check: ``errors`` gains ``covered_<level>`` for each
        (``covered_50``, ``covered_95``) and for ``alpha`` itself (``covered_80``).

    Returns
    -------
    BacktestResult

    Raises
    ------
    SeriesGapError
        If years are missing inside the span (see :func:`contiguous_tail`).
    SeriesTooShortError
        If the series has no more than ``min_train`` observations (no origin).

    Notes
    -----
    A model that needs more points than a training window has is skipped at that origin
    and reported in ``diagnostics``; it then is not ``eligible`` for ranking. Fits that
    fail (a ``ValueError`` or linear-algebra error from statsmodels) are treated the same.
    """
    alphas = check_alphas(alpha, extra_alphas)
    alpha = alphas[0]
    y = to_annual(series)
    _check_backtest_window(y, min_train=min_train, horizon=horizon, who="backtest")
    if len(y) <= min_train:
        raise SeriesTooShortError(
            model=f"a backtest with min_train={min_train}",
            n_points=len(y),
            needed=min_train + 1,
        )
    named, unusable = _resolve_names(y, models if models is not None else default_candidates())
    # Compute once, show many: notebook 04 backtests each series for its table, then again
    # inside auto_forecast to choose the model; the second time is a lookup.
    key = (
        tuple(int(year) for year in y.index.year),
        tuple(float(v) for v in y.to_numpy()),
        tuple(named),
        # the factories themselves: the same names may carry other options (a minimum)
        tuple(repr(factory) for factory in named.values()),
        tuple(sorted(unusable)),
        min_train,
        horizon,
        alphas,
    )
    if key in _BACKTESTS:
        return _BACKTESTS[key]
    result = _backtest(y, named, unusable, min_train=min_train, horizon=horizon, alphas=alphas)
    if len(_BACKTESTS) >= _BACKTESTS_KEPT:
        _BACKTESTS.pop(next(iter(_BACKTESTS)))
    _BACKTESTS[key] = result
    return result


#: Backtests of this process by series, models and settings (pure: same inputs, same result).
_BACKTESTS: dict[tuple, BacktestResult] = {}
_BACKTESTS_KEPT = 256


def _at_origin(exc: Exception, origin: int) -> dict:
    """Why a model was skipped at one origin, as a note (`refusal`, code ``origin_...``)."""
    facts = refusal(exc, origin=origin)
    return {**facts, "code": f"origin_{facts['code']}"}


def _backtest(y, named, unusable, *, min_train: int, horizon: int, alphas: tuple[float, ...]):
    alpha = alphas[0]
    diagnostics = [f"{name}: not evaluated: {why}" for name, why in unusable.items()]
    usable = {name: factory for name, factory in named.items() if name not in unusable}
    years = y.index.year
    origins = tuple(int(years[i - 1]) for i in range(min_train, len(y)))
    frames = []
    skipped: dict[str, list[str]] = {}
    skipped_facts: dict[str, list[dict]] = {}  # the same, as facts for the reader's note
    reported: dict[str, list[tuple[str, ...]]] = {name: [] for name in named}
    for i, origin in zip(range(min_train, len(y)), origins, strict=True):
        train, actual = y.iloc[:i], y.iloc[i : i + horizon]
        scale = float(np.mean(np.abs(np.diff(train.to_numpy()))))
        if scale == 0:
            diagnostics.append(f"origin {origin}: training data constant, MASE undefined there")
        for name, factory in usable.items():
            try:
                result = (
                    factory(train).fit().forecast(len(actual), alpha=alpha, extra_alphas=alphas[1:])
                )
            except SeriesTooShortError as exc:
                skipped.setdefault(name, []).append(f"{origin} (needs {exc.needed} points)")
                skipped_facts.setdefault(name, []).append(_at_origin(exc, origin))
                continue
            except _FIT_ERRORS as exc:
                skipped.setdefault(name, []).append(f"{origin} (fit failed: {exc})")
                skipped_facts.setdefault(name, []).append(_at_origin(exc, origin))
                continue
            reported[name].append(result.diagnostics)
            frame = _error_rows(name, origin, actual, result.frame, scale, alphas[1:])
            if len(alphas) > 1:
                frame[coverage_column(alpha)] = frame["covered"]
            frames.append(frame)
    for name, reasons in skipped.items():
        diagnostics.append(f"{name}: skipped origin(s) {'; '.join(reasons)}")
    errors = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_ERROR_COLUMNS)
    )
    scores = _scores(errors, list(named), len(origins))
    scores["diagnostics"] = [fit_diagnostics(reported[name]) for name in scores.index]
    # Why a model was not scored everywhere, in the table itself (refused as too short, ...),
    # recorded as facts (JSON notes) that `dxecon.present.notes` words for the reader.
    scores["note"] = [
        facts_cell(
            [{"code": "origins_skipped", "skipped": len(skipped[name]), "origins": len(origins)}]
            + skipped_facts[name]
        )
        if name in skipped
        else (facts_cell([refusal(unusable[name], model=name)]) if name in unusable else "")
        for name in scores.index
    ]
    return BacktestResult(
        errors=errors,
        scores=scores,
        origins=origins,
        diagnostics=tuple(diagnostics),
        min_train=min_train,
        horizon=horizon,
        alpha=alpha,
        factories=named,
    )


@dataclass(frozen=True, eq=False)
class ModelSelection:
    """Which model(s) a backtest chose, and why.

    Attributes
    ----------
    chosen : tuple of str
        Names of the chosen models, best first (several for a combination).
    factories : tuple of ModelFactory
        The factories that build them.
    backtest : BacktestResult or None
        None when the series was too short to backtest.
    fallback : bool
        True when the documented default was used instead of a backtest choice.
    reason : str
        One sentence a reader can check.
    """

    chosen: tuple[str, ...]
    factories: tuple[ModelFactory, ...]
    backtest: BacktestResult | None
    fallback: bool
    reason: str

    @property
    def scores(self) -> pd.DataFrame:
        """Backtest scores of the chosen models (empty without a backtest)."""
        if self.backtest is None:
            return pd.DataFrame()
        return self.backtest.scores.loc[list(self.chosen)]


def default_fallback() -> ModelFactory:
    """Drift, refused on fewer than ``min_trend_points`` points (``params/forecasts.yaml``):
    below that the fallback is :class:`Naive`. Drift extrapolates the average change of the
    whole sample, which on a handful of growth rates is mostly noise."""
    return TrendMinimum(Drift, shipped_min_trend_points())


def _fallback(y: pd.Series, why: str, factory: ModelFactory) -> ModelSelection:
    """The fallback model, or :class:`Naive` if the series is too short even for it."""
    try:
        model = factory(y)
    except SeriesTooShortError as exc:
        model, factory = Naive(y), Naive  # raises SeriesTooShortError below 2 points
        why = f"{why}; {exc}"
    reason = f"{why}; fell back to the default model, {model.name}"
    return ModelSelection((model.name,), (factory,), None, True, reason)


def _describe(scores: pd.DataFrame) -> str:
    return "; ".join(
        f"{name} (MASE {row.mase:.3f}, sMAPE {row.smape:.2f}, coverage {row.coverage:.2f}, "
        f"{row.origins} origins)"
        for name, row in scores.iterrows()
    )


def select_model(
    series: pd.Series,
    candidates: Sequence[ModelFactory] | Mapping[str, ModelFactory] | None = None,
    *,
    ceiling: float | None = None,
    min_train: int = DEFAULT_MIN_TRAIN,
    horizon: int = DEFAULT_BACKTEST_HORIZON,
    alpha: float = DEFAULT_ALPHA,
    top_k: int = 1,
    fallback: ModelFactory | None = None,
) -> ModelSelection:
    """Choose the model(s) with the best rolling-origin backtest.

    The ranking is by lowest MASE, ties broken by lowest sMAPE, among candidates evaluated
    at every origin. With ``top_k > 1`` the best ``top_k`` are chosen for an equal-weight
    combination.

    When the series is too short for a single origin (``n <= min_train``) or no candidate
    could be evaluated at every origin, the choice falls back to ``fallback`` (default:
    :class:`Drift` refused below ``min_trend_points`` of ``params/forecasts.yaml``, see
    :func:`default_fallback`; :class:`Naive` when the series is shorter) and the
    selection's ``fallback`` attribute is True.

    Parameters
    ----------
    series : pandas.Series
    candidates : sequence or mapping of model factories, optional
        Default :func:`default_candidates` (with ``ceiling``).
    ceiling : float, optional
        Adds a :class:`LogitTrend` with this ceiling to the default candidates.
    min_train, horizon, alpha
        As in :func:`backtest`.
    top_k : int, default 1
    fallback : ModelFactory, optional
        Default :func:`default_fallback`.
    """
    fallback = fallback if fallback is not None else default_fallback()
    if top_k < 1:
        raise ValueError(f"top_k must be at least 1; got {top_k}")
    y = to_annual(series)
    _check_backtest_window(y, min_train=min_train, horizon=horizon, who="model selection")
    if len(y) <= min_train:
        return _fallback(
            y,
            f"{len(y)} observations are too few for a backtest with min_train={min_train} "
            f"(needs {min_train + 1})",
            fallback,
        )
    candidates = candidates if candidates is not None else default_candidates(ceiling=ceiling)
    result = backtest(y, candidates, min_train=min_train, horizon=horizon, alpha=alpha)
    ranked = result.ranking()
    if ranked.empty:
        return _fallback(y, "no candidate could be evaluated at every backtest origin", fallback)
    best = ranked.iloc[:top_k]
    what = "equal-weight combination of the best" if len(best) > 1 else "best"
    reason = (
        f"{what} by rolling-origin backtest ({len(result.origins)} origins, lowest MASE, "
        f"ties by sMAPE, among {len(ranked)} eligible of {len(result.scores)}): "
        f"{_describe(best)}"
    )
    return ModelSelection(
        chosen=tuple(best.index),
        factories=tuple(result.factories[name] for name in best.index),
        backtest=result,
        fallback=False,
        reason=reason,
    )


def auto_forecast(
    series: pd.Series,
    candidates: Sequence[ModelFactory] | Mapping[str, ModelFactory] | None = None,
    *,
    horizon: int | None = None,
    until: int | None = None,
    alpha: float = DEFAULT_ALPHA,
    extra_alphas: Sequence[float] = (),
    ceiling: float | None = None,
    min_train: int = DEFAULT_MIN_TRAIN,
    backtest_horizon: int = DEFAULT_BACKTEST_HORIZON,
    top_k: int = 1,
    fallback: ModelFactory | None = None,
) -> ForecastResult:
    """Choose by backtest (:func:`select_model`), refit on all the data, forecast.

    Parameters
    ----------
    series : pandas.Series
        Annual values indexed by int year.
    candidates : optional
        As in :func:`select_model`.
    horizon, until : int
        Years ahead, or the last year to forecast (exactly one).
    alpha, extra_alphas
        As in :meth:`ForecastFit.forecast`.
    ceiling : float, optional
        Saturation level for shares: adds a :class:`LogitTrend` candidate.
    min_train, backtest_horizon : int
        The backtest's first training window and horizon.
    top_k : int, default 1
        Combine the best ``top_k`` with equal weights (:func:`combine_forecasts`).
    fallback : ModelFactory, optional
        Used when the series is too short to backtest (see :func:`select_model`).

    Returns
    -------
    ForecastResult
        ``model`` names the model (or combination) used; ``selection`` holds the
        backtest; ``diagnostics`` starts with the reason for the choice.
    """
    selection = select_model(
        series,
        candidates,
        ceiling=ceiling,
        min_train=min_train,
        horizon=backtest_horizon,
        alpha=alpha,
        top_k=top_k,
        fallback=fallback,
    )
    results = [
        factory(series).fit().forecast(horizon, until=until, alpha=alpha, extra_alphas=extra_alphas)
        for factory in selection.factories
    ]
    combined = combine_forecasts(results)
    choice = f"model choice: {selection.reason}"
    return replace(combined, diagnostics=(choice, *combined.diagnostics), selection=selection)
