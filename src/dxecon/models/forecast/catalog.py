"""Which shipped series can be forecast, and forecasting all of them in one call.

A series is forecastable when its latest contiguous run of annual figures (as of a date)
has at least ``min_points`` years. Shares (unit ``pct`` and a ``share`` indicator) get the
logit candidate with a ceiling of 100%: a documented bound, not an estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dxecon.core.errors import ParamsError, SeriesSelectionError
from dxecon.core.facts import facts_cell, text_note, text_problem
from dxecon.core.params import resolve
from dxecon.core.places import nation
from dxecon.data import Dataset
from dxecon.models.forecast._series import SeriesTooShortError, contiguous_tail, refusal
from dxecon.models.forecast.backtest import (
    DEFAULT_BACKTEST_HORIZON,
    DEFAULT_MIN_TRAIN,
    BacktestResult,
    auto_forecast,
    backtest,
)
from dxecon.models.forecast.coverage import (
    TOO_FEW,
    CoverageRule,
    backtest_params,
    conformal_widen,
    coverage_table,
    flag_code,
)
from dxecon.models.forecast.models import default_candidates

KEY_COLUMNS = ["indicator", "geo", "sector", "price_basis", "method", "unit"]


@dataclass(frozen=True)
class CatalogEntry:
    key: dict
    series: pd.Series
    #: The pool whose errors stand in when the series' own backtest is too short.
    pool: str | None = None

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


def series_geo(spec: Mapping) -> str:
    """The geography of a series named in ``params/forecasts.yaml``: its ``geo``, or the
    nation (`dxecon.core.places.nation`) for a series that names none (the nation's code
    has one home, ``params/places/default.yaml``)."""
    return str(spec.get("geo") or nation())


def entries_from_params(
    dataset: Dataset, specs: list[dict], *, as_of: str | None = None
) -> list[CatalogEntry]:
    """The series named in ``params/forecasts.yaml`` (each with an optional first year, to
    stay clear of a known break; `series_geo` its geography, and why it is forecast,
    ``note``: ``{vi: ..., en: ...}``), as of a date."""
    entries = []
    for i, spec in enumerate(specs):
        if "note" in spec and (problem := text_problem(spec["note"])):
            raise ParamsError(
                "params/forecasts.yaml (or the place's profile, forecasts.series)",
                f"series.{i}.note",
                f"why {spec['indicator']} / {spec['geo']} is forecast: {problem}",
            )
        key = {
            "indicator": spec["indicator"],
            "geo": series_geo(spec),
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
            CatalogEntry(
                {**result.key, "method": key["method"] or ""},
                contiguous_tail(values),
                pool=spec.get("pool"),
            )
        )
    return entries


def entries_table(entries: list[CatalogEntry], specs: list[dict]) -> pd.DataFrame:
    """The series forecast (`entries_from_params` of ``specs``): label, unit (a code of
    ``data/codes/units.csv``: the label names none), the years of the run forecast, how
    many published points it has, and why it is forecast (the spec's ``note``, a note of
    `dxecon.core.facts` that `dxecon.present.tables.readable` shows in the reader's
    language)."""
    return pd.DataFrame(
        {
            "series": [e.label for e in entries],
            "unit": [e.key["unit"] for e in entries],
            "years": [f"{e.series.index.min()}-{e.series.index.max()}" for e in entries],
            "points": [int(e.series.notna().sum()) for e in entries],
            "why": [facts_cell([text_note(s["note"])]) if "note" in s else "" for s in specs],
        }
    )


#: Columns of `backtest_catalog`, present even when no series could be backtested.
BACKTEST_COLUMNS = [
    "series",
    "model",
    "mase",
    "smape",
    "coverage",
    "origins",
    "eligible",
    "note",
    "diagnostics",
]

#: Shown in a table's ``diagnostics`` column when the fits reported nothing.
NO_DIAGNOSTICS = "-"


def _diagnostics_cell(messages) -> str:
    """Diagnostics for a table cell: ``'; '``-joined, or :data:`NO_DIAGNOSTICS`."""
    text = messages if isinstance(messages, str) else "; ".join(messages)
    return text or NO_DIAGNOSTICS


# -- pools (params/forecasts.yaml, key `backtest`) --------------------------------------------
def pool_of(indicator: str, pools: Mapping[str, Mapping]) -> str | None:
    """The pool whose ``indicators`` list holds ``indicator``."""
    return next(
        (name for name, spec in pools.items() if indicator in (spec.get("indicators") or [])),
        None,
    )


def pool_entries(
    dataset: Dataset,
    pools: Mapping[str, Mapping],
    *,
    as_of: str | None = None,
    min_points: int = DEFAULT_MIN_TRAIN + 1,
) -> dict[str, list[CatalogEntry]]:
    """Every series in ``data/`` long enough to backtest, by pool (its indicator's pool):
    the national series, other provinces' series and the city's own, whatever the data
    hold as of the date."""
    out: dict[str, list[CatalogEntry]] = {name: [] for name in pools}
    for entry in forecastable_series(dataset, as_of=as_of, min_points=min_points):
        pool = pool_of(entry.key["indicator"], pools)
        if pool is not None:
            out[pool].append(CatalogEntry(entry.key, entry.series, pool=pool))
    return out


_BACKTESTS: dict[tuple, BacktestResult | SeriesTooShortError] = {}


def _backtest(entry: CatalogEntry, *, alphas: tuple[float, ...], **kwargs) -> BacktestResult:
    """The default candidates' backtest of an entry, remembered (notebooks ask twice)."""
    key = (
        entry.label,
        tuple(entry.series.index),
        tuple(np.round(entry.series.to_numpy(dtype=float), 12)),
        entry.ceiling,
        alphas,
        tuple(sorted(kwargs.items())),
    )
    if key not in _BACKTESTS:
        try:
            _BACKTESTS[key] = backtest(
                entry.series,
                default_candidates(ceiling=entry.ceiling),
                alpha=alphas[0],
                extra_alphas=alphas[1:],
                **kwargs,
            )
        except SeriesTooShortError as exc:
            _BACKTESTS[key] = exc
    result = _BACKTESTS[key]
    if isinstance(result, SeriesTooShortError):
        raise result
    return result


@dataclass(frozen=True)
class _Judged:
    """Backtests, pools and the coverage table of a set of entries."""

    backtests: dict[str, BacktestResult]
    too_short: dict[str, str]
    table: pd.DataFrame
    pool_members: dict[str, dict[str, BacktestResult]]
    rule: CoverageRule
    pools: dict[str, str | None]


def _judge_entries(
    entries: list[CatalogEntry],
    *,
    dataset: Dataset | None,
    as_of: str | None,
    rule: CoverageRule | None,
    pools: Mapping[str, Mapping] | None,
    min_train: int = DEFAULT_MIN_TRAIN,
    horizon: int = DEFAULT_BACKTEST_HORIZON,
) -> _Judged:
    if rule is None or pools is None:  # None: the value of params/forecasts.yaml
        spec = resolve({"pools": pools}, {"pools": {}, **backtest_params()})
        rule = rule if rule is not None else CoverageRule.from_params(spec)
        pools = spec["pools"] or {}
    kwargs = {"min_train": min_train, "horizon": horizon}
    backtests: dict[str, BacktestResult] = {}
    too_short: dict[str, str] = {}
    for entry in entries:
        try:
            backtests[entry.label] = _backtest(entry, alphas=rule.alphas, **kwargs)
        except SeriesTooShortError as exc:
            # the backtest itself refused: a note of the points it needs and the series has
            too_short[entry.label] = facts_cell([{**refusal(exc), "code": "backtest_too_short"}])
    entry_pools = {e.label: e.pool or pool_of(e.key["indicator"], pools or {}) for e in entries}
    # Only the pools of series that have a backtest of their own to judge are needed.
    needed = {entry_pools[label] for label in backtests} - {None}
    members: dict[str, dict[str, BacktestResult]] = {}
    if dataset is not None and needed:
        wanted = {name: spec for name, spec in pools.items() if name in needed}
        for name, pooled in pool_entries(
            dataset, wanted, as_of=as_of, min_points=min_train + 1
        ).items():
            members[name] = {}
            for entry in pooled:
                try:
                    members[name][entry.label] = _backtest(entry, alphas=rule.alphas, **kwargs)
                except SeriesTooShortError:
                    continue
    table = coverage_table(backtests, entry_pools, members, rule)
    return _Judged(backtests, too_short, table, members, rule, entry_pools)


def backtest_catalog(
    entries: list[CatalogEntry],
    *,
    dataset: Dataset | None = None,
    as_of: str | None = None,
    rule: CoverageRule | None = None,
    pools: Mapping[str, Mapping] | None = None,
    **kwargs,
) -> pd.DataFrame:
    """Backtest scores and interval coverage of every default model on every entry.

    One row per (series, model): MASE, sMAPE, origins, ``eligible``, ``note``,
    ``diagnostics`` (what the model's fits at the backtest origins reported: warnings,
    parameters on their bounds, with how many fits said so; ``-`` when nothing), then
    coverage at every level of the rule (own backtest, and pooled over the series' pool
    when ``dataset`` is given), how many forecasts each rests on, and the ``flag``
    (see :func:`dxecon.models.forecast.coverage.coverage_table`). ``rule`` and ``pools`` default
    to ``params/forecasts.yaml`` (key ``backtest``).
    """
    judged = _judge_entries(entries, dataset=dataset, as_of=as_of, rule=rule, pools=pools, **kwargs)
    frames = []
    for entry in entries:
        if entry.label in judged.too_short:
            # Listed, not dropped: the forecast then uses the documented fallback model.
            scores = pd.DataFrame({"model": ["(none)"], "origins": [0], "eligible": [False]})
            scores["note"] = judged.too_short[entry.label]
            scores["flag"] = facts_cell([{"code": "flag_no_backtest"}])
            scores["usable"] = True
            scores["forecasts"] = 0
            for level in judged.rule.levels:
                scores[f"coverage_{level}"] = TOO_FEW
            scores["pool"] = judged.pools.get(entry.label) or "none"
            scores["judged_on"] = TOO_FEW
            scores["coverage"] = TOO_FEW
            scores["pool_series"] = 0
            scores["pool_forecasts"] = 0
        else:
            scores = judged.backtests[entry.label].scores.reset_index()
            scores = scores.drop(columns=["coverage"]).merge(
                judged.table[judged.table["series"] == entry.label].drop(
                    columns=["series", "forecasts"]
                ),
                on="model",
                how="left",
            )
            # `coverage`: the judged level's coverage, or the status when too few forecasts
            scores["coverage"] = scores[f"coverage_{judged.rule.judged_level}"]
        scores.insert(0, "series", entry.label)
        frames.append(scores)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    extra = [c for c in table.columns if c not in BACKTEST_COLUMNS]
    table = table.reindex(columns=[*BACKTEST_COLUMNS, *extra])
    table["note"] = table["note"].astype(object).where(table["note"].notna(), "")
    # object first: with no model scored the column is all-NaN float and cannot hold text
    diagnostics = table["diagnostics"].astype(object)
    table["diagnostics"] = diagnostics.where(diagnostics.notna(), "").map(_diagnostics_cell)
    return table


def forecast_catalog(
    entries: list[CatalogEntry],
    *,
    until: int,
    alpha: float = 0.2,
    dataset: Dataset | None = None,
    as_of: str | None = None,
    rule: CoverageRule | None = None,
    pools: Mapping[str, Mapping] | None = None,
):
    """Backtest-chosen forecasts of every entry as one tidy frame (the run's forecasts.csv).

    The model is the eligible one with the lowest backtest MASE (ties by sMAPE) among
    those the coverage rule keeps (``low_coverage: drop`` removes a model whose
    intervals are too narrow); a kept model judged too narrow gets intervals widened from
    its backtest errors (own, or pooled when its own are too few). Columns: the series
    key, year, median, lower, upper, model, interval, ``flag`` (the backtest table's),
    ``interval_note`` (how the interval was made) and ``diagnostics`` (what the fit of the
    chosen model on the whole series reported; ``-`` when nothing). An entry with too few
    figures published by ``as_of`` for any model is left out (empty frame when every
    entry is).
    """
    judged = _judge_entries(entries, dataset=dataset, as_of=as_of, rule=rule, pools=pools)
    frames = []
    for entry in entries:
        flag, note = facts_cell([{"code": "flag_no_backtest"}]), "the model's own interval"
        bt = judged.backtests.get(entry.label)
        chosen = None
        if bt is not None:
            table = judged.table[judged.table["series"] == entry.label].set_index("model")
            ranked = [m for m in bt.ranking().index if bool(table.at[m, "usable"])]
            chosen = ranked[0] if ranked else None
        if chosen is None:
            try:
                result = auto_forecast(
                    entry.series, until=until, alpha=alpha, ceiling=entry.ceiling
                )
            except SeriesTooShortError:
                continue  # too few figures published by the as-of date: nothing to forecast
            frame = result.frame
            model = result.model
            # auto_forecast puts the reason for its choice first; the flag says it here.
            diagnostics = result.diagnostics[1:]
            if bt is not None:
                flag = facts_cell([{"code": "flag_fallback"}])
        else:
            factory = bt.factories[chosen]
            result = factory(entry.series).fit().forecast(until=until, alpha=alpha)
            frame, model, diagnostics = result.frame, result.model, result.diagnostics
            flag = str(table.at[chosen, "flag"])
            if flag_code(flag) == "flag_widened":
                pooled = table.at[chosen, "judged_on"] == "pool"
                pool = judged.pools.get(entry.label) or ""
                members = {**judged.pool_members.get(pool, {}), entry.label: bt}
                sources = list(members.values()) if pooled else [bt]
                errors = pd.concat(
                    [s.errors[s.errors["model"] == chosen] for s in sources], ignore_index=True
                )
                y = entry.series.to_numpy(dtype=float)
                bounds = (0.0, entry.ceiling) if entry.ceiling is not None else None
                frame, note = conformal_widen(
                    frame,
                    errors,
                    scale=float(np.mean(np.abs(np.diff(y)))),
                    alpha=alpha,
                    bounds=bounds,
                )
        frame = frame.reset_index()[["year", "median", "lower", "upper"]]
        for column, value in reversed(list(entry.key.items())):
            frame.insert(0, column, value)
        frame["model"] = model
        frame["interval"] = f"{round(100 * (1 - alpha))}%"
        frame["flag"] = flag
        frame["interval_note"] = note
        frame["diagnostics"] = _diagnostics_cell(diagnostics)
        frames.append(frame)
    if not frames:
        columns = [*(entries[0].key if entries else {}), "year", "median", "lower", "upper"]
        extra = ["model", "interval", "flag", "interval_note", "diagnostics"]
        return pd.DataFrame(columns=[*columns, *extra])
    return pd.concat(frames, ignore_index=True)
