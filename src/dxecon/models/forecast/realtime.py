r"""Pseudo-real-time evaluation: what would we have forecast each January?

For every January as-of date, the series is read as it had been published by then
(:meth:`Dataset.series` with ``as_of``: later figures and later revisions are invisible),
its latest contiguous run is forecast with the model the backtest rule chooses
(:func:`dxecon.models.forecast.auto_forecast`, falling back to its documented default when the
run is too short to backtest), and every forecast year is set against the outturn as
published now. A naive no-change forecast (the last figure published by then) stands
beside it. For as-of :math:`a` with forecast years :math:`Y_a` that have an outturn:

.. math::
    \mathrm{MAE}_a = \frac{1}{|Y_a|}\sum_{t\in Y_a}|y_t - \hat y_{t|a}|, \qquad
    \mathrm{MAE}^{naive}_a = \frac{1}{|Y_a|}\sum_{t\in Y_a}|y_t - y_{\ell(a)|a}|,

with :math:`\ell(a)` the last year published by :math:`a` (Stark & Croushore 2002 on
real-time data; fpp3 5.8 on the naive benchmark).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.models.forecast._series import SeriesTooShortError, contiguous_tail
from dxecon.models.forecast.backtest import auto_forecast

__all__ = [
    "ALL_PUBLISHED",
    "NOTHING_PUBLISHED",
    "NO_MODEL",
    "SCORED",
    "RealTimeResult",
    "pseudo_real_time",
]

#: A January's status: scored against the outturn; nothing published by then; every
#: outturn year already published; too few figures for any model (codes, worded by
#: `dxecon.present`).
SCORED, NOTHING_PUBLISHED = "scored", "nothing_published"
ALL_PUBLISHED, NO_MODEL = "all_published", "no_model"

_ROW_COLUMNS = [
    "series",
    "as_of",
    "last_year",
    "year",
    "h",
    "forecast",
    "naive",
    "outturn",
    "error",
    "naive_error",
    "model",
    "used",
]


@dataclass(frozen=True, eq=False)
class RealTimeResult:
    """Forecasts made each January against the later outturn.

    Attributes
    ----------
    rows : pandas.DataFrame
        One row per as-of and forecast year: ``series``, ``as_of``, ``last_year`` (the
        last year published by then), ``year``, ``h``, ``forecast`` (chosen model),
        ``naive``, ``outturn`` (latest published; NaN when not yet published), ``error``
        and ``naive_error`` (outturn minus forecast), ``model`` and ``used`` (the years
        and obs ids the forecast rested on).
    mae : pandas.DataFrame
        One row per series and as-of: ``years`` (forecast years with an outturn),
        ``mae_model``, ``mae_naive``, ``model``, ``no_worse_than_naive`` and ``status``
        (:data:`SCORED`, or why there is nothing to score: :data:`NOTHING_PUBLISHED` by the
        January, :data:`ALL_PUBLISHED` already, :data:`NO_MODEL` for too few figures).
    """

    rows: pd.DataFrame
    mae: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.mae.copy()

    def summary(self) -> str:
        lines = ["Pseudo-real-time forecasts (made each January) against the later outturn"]
        for r in self.mae.itertuples(index=False):
            if r.status != SCORED:
                lines.append(f"- {r.series}, as of {r.as_of}: {r.status}")
                continue
            verdict = "no larger than" if r.no_worse_than_naive else "larger than"
            lines.append(
                f"- {r.series}, as of {r.as_of} ({r.model}, years {r.years}): MAE "
                f"{r.mae_model:.2f} vs naive {r.mae_naive:.2f} ({verdict} naive)"
            )
        return "\n".join(lines)

    def verdict(self, as_of: str, series: str | None = None) -> bool:
        """Whether the model's MAE was no larger than naive's for one as-of date."""
        mae = self.mae[(self.mae["as_of"] == as_of) & (self.mae["status"] == SCORED)]
        if series is not None:
            mae = mae[mae["series"] == series]
        if mae.empty:
            raise ValueError(f"nothing scored as of {as_of}")
        return bool(mae["no_worse_than_naive"].all())


def pseudo_real_time(
    dataset,
    indicator: str,
    geo: str,
    *,
    method: str | None = None,
    unit: str | None = None,
    ceiling: float | None = None,
    first: int,
    last: int | None = None,
    label: str | None = None,
) -> RealTimeResult:
    """Forecasts made as of each January from ``first`` to ``last`` against the outturn.

    Parameters
    ----------
    dataset : dxecon.data.Dataset
    indicator, geo, method, unit
        The series (as in :meth:`Dataset.series`).
    ceiling : float, optional
        For shares: adds the logit trend to the candidates (as the forecast catalog does).
    first, last : int
        The first and last January (years). ``last`` defaults to the January after the
        latest outturn year (nothing left to forecast after it).
    label : str, optional
        The series' name in the tables (default ``'indicator / geo'``).

    Returns
    -------
    RealTimeResult
    """
    label = label or " / ".join(p for p in (indicator, geo, method) if p)
    final = dataset.series(indicator, geo, method=method, unit=unit).values.dropna()
    if final.empty:
        raise ValueError(f"{label}: nothing published")
    last = int(final.index.max()) + 1 if last is None else int(last)
    until = int(final.index.max())
    rows, scores = [], []
    for year in range(int(first), last + 1):
        as_of = f"{year}-01"
        try:
            vintage = dataset.series(indicator, geo, method=method, unit=unit, as_of=as_of)
            chosen = vintage.chosen
            values = vintage.values.dropna()
        except SeriesSelectionError:
            values, chosen = pd.Series(dtype=float), pd.DataFrame()
        if values.empty:
            scores.append(_status(label, as_of, NOTHING_PUBLISHED))
            continue
        tail = contiguous_tail(vintage.values)
        last_year = int(tail.index.max())
        horizon = until - last_year
        if horizon < 1:
            scores.append(_status(label, as_of, ALL_PUBLISHED))
            continue
        used = ", ".join(f"{y}:{chosen.at[y, 'obs_id']}" for y in tail.index)
        try:
            result = auto_forecast(tail, until=until, ceiling=ceiling)
            forecast, model = result.frame["median"], result.model
        except SeriesTooShortError:
            forecast = pd.Series(np.nan, index=range(last_year + 1, until + 1))
            model = ""  # too few figures for any model
        naive = float(tail.iloc[-1])
        frame = pd.DataFrame(
            {
                "series": label,
                "as_of": as_of,
                "last_year": last_year,
                "year": forecast.index.astype(int),
                "h": forecast.index.astype(int) - last_year,
                "forecast": forecast.to_numpy(dtype=float),
                "naive": naive,
                "outturn": final.reindex(forecast.index).to_numpy(dtype=float),
                "model": model,
                "used": used,
            }
        )
        frame["error"] = frame["outturn"] - frame["forecast"]
        frame["naive_error"] = frame["outturn"] - frame["naive"]
        rows.append(frame[_ROW_COLUMNS])
        scored = frame.dropna(subset=["outturn"])
        if scored["forecast"].isna().all():
            scores.append(_status(label, as_of, NO_MODEL))
            continue
        scored = scored.dropna(subset=["forecast"])
        mae_model = float(scored["error"].abs().mean())
        mae_naive = float(scored["naive_error"].abs().mean())
        scores.append(
            {
                "series": label,
                "as_of": as_of,
                "years": f"{scored['year'].min()}-{scored['year'].max()}",
                "mae_model": mae_model,
                "mae_naive": mae_naive,
                "model": model,
                "no_worse_than_naive": bool(mae_model <= mae_naive + 1e-12),
                "status": SCORED,
            }
        )
    rows_frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=_ROW_COLUMNS)
    return RealTimeResult(rows=rows_frame, mae=pd.DataFrame(scores))


def _status(label: str, as_of: str, why: str) -> dict:
    return {
        "series": label,
        "as_of": as_of,
        "years": "",
        "mae_model": np.nan,
        "mae_naive": np.nan,
        "model": "",
        "no_worse_than_naive": False,
        "status": why,
    }
