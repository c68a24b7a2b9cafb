"""Which shipped series can be forecast, and forecasting all of them in one call.

A series is forecastable when its latest contiguous run of annual figures (as of a date)
has at least ``min_points`` years. Shares (unit ``pct`` and a ``share`` indicator) get the
logit candidate with a ceiling of 100%: a documented bound, not an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dxecon.data import Dataset
from dxecon.errors import SeriesSelectionError
from dxecon.forecast._series import SeriesTooShortError, contiguous_tail
from dxecon.forecast.backtest import auto_forecast, backtest, default_candidates

KEY_COLUMNS = ["indicator", "geo", "sector", "price_basis", "method", "unit"]


@dataclass(frozen=True)
class CatalogEntry:
    key: dict
    series: pd.Series

    @property
    def ceiling(self) -> float | None:
        is_share = self.key["unit"] == "pct" and "share" in self.key["indicator"]
        return 100.0 if is_share else None

    @property
    def label(self) -> str:
        parts = [self.key["indicator"], self.key["geo"], self.key["sector"]]
        parts += [v for v in (self.key["method"], self.key["price_basis"]) if v]
        return " / ".join(parts)


def forecastable_series(
    dataset: Dataset, *, as_of: str | None = None, min_points: int = 5
) -> list[CatalogEntry]:
    """Every annual series with at least ``min_points`` contiguous years, as of a date."""
    annual = dataset.observations[dataset.observations["period_kind"] == "year"]
    years = annual.groupby(KEY_COLUMNS)["year"].nunique()
    keys = years[years >= min_points].index  # cheap pre-filter before choosing figures
    entries = []
    for row in keys:
        key = dict(zip(KEY_COLUMNS, row, strict=True))
        try:
            result = dataset.series(
                key["indicator"],
                key["geo"],
                sector=key["sector"],
                price_basis=key["price_basis"],
                method=key["method"] or None,
                unit=key["unit"],
                as_of=as_of,
            )
        except SeriesSelectionError:
            continue  # nothing visible as of the date, or an empty method among several
        tail = contiguous_tail(result.values)
        if len(tail) >= min_points:
            entries.append(CatalogEntry(key, tail))
    return entries


def entries_from_params(
    dataset: Dataset, specs: list[dict], *, as_of: str | None = None
) -> list[CatalogEntry]:
    """The series named in ``params/forecasts.yaml`` (each with an optional first year, to
    stay clear of a known break), as of a date."""
    entries = []
    for spec in specs:
        key = {
            "indicator": spec["indicator"],
            "geo": spec["geo"],
            "sector": spec.get("sector", "total"),
            "price_basis": spec.get("price_basis"),
            "method": spec.get("method"),
            "unit": spec.get("unit"),
        }
        result = dataset.series(**key, as_of=as_of)
        values = result.values
        if "start" in spec:
            values = values[values.index >= int(spec["start"])]
        entries.append(
            CatalogEntry({**result.key, "method": key["method"] or ""}, contiguous_tail(values))
        )
    return entries


#: Columns of `backtest_catalog`, present even when no series could be backtested.
BACKTEST_COLUMNS = ["series", "model", "mase", "smape", "coverage", "origins", "eligible", "note"]


def backtest_catalog(entries: list[CatalogEntry], **kwargs) -> pd.DataFrame:
    """Backtest scores of every default model on every entry, one row per (series, model).

    A series too short to backtest is listed with model '(none)', no scores and the reason
    in ``note``; when every series is, the table has only such rows (same columns), so a
    notebook shows why instead of failing."""
    frames = []
    for entry in entries:
        try:
            scores = backtest(
                entry.series, default_candidates(ceiling=entry.ceiling), **kwargs
            ).scores.reset_index()
        except SeriesTooShortError as exc:
            # Listed, not dropped: the forecast then uses the documented fallback model.
            scores = pd.DataFrame({"model": ["(none)"], "origins": [0], "eligible": [False]})
            scores["note"] = str(exc)
        scores.insert(0, "series", entry.label)
        frames.append(scores)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    extra = [c for c in table.columns if c not in BACKTEST_COLUMNS]
    table = table.reindex(columns=[*BACKTEST_COLUMNS, *extra])
    table["note"] = table["note"].astype(object).where(table["note"].notna(), "")
    return table


def forecast_catalog(entries: list[CatalogEntry], *, until: int, alpha: float = 0.2):
    """Backtest-chosen forecasts of every entry as one tidy frame (the run's forecasts.csv).

    Columns: the series key, year, median, lower, upper, model, interval.
    """
    frames = []
    for entry in entries:
        result = auto_forecast(entry.series, until=until, alpha=alpha, ceiling=entry.ceiling)
        frame = result.frame.reset_index()[["year", "median", "lower", "upper"]]
        for column, value in reversed(list(entry.key.items())):
            frame.insert(0, column, value)
        frame["model"] = result.model
        frame["interval"] = f"{round(100 * (1 - alpha))}%"
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
