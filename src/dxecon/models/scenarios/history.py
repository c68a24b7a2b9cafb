"""Growth figures of a scenario computed from the published history, at run time.

A scenario file names the years (``from_history: [first, last]``), never the figures;
`resolve_history` reads them from ``data/`` as of the run's date, so a new or revised
figure moves the next run without touching a YAML:

* a sector's real growth: the centre (``mean``, or the range's ``max`` or ``min``) and the
  standard deviation of the real value-added growth rates published for ``first..last``;
* the GRDP deflator: the compound average a year implied by current-price GRDP at the
  window's ends (``first - 1`` and ``last``) against the published real growth of
  ``first..last``. Its sd is that of the yearly implied deflators where two consecutive
  levels are published (two years at least); otherwise the distance to the national GDP
  deflator of the window's years (root mean square over them): the city's deflator then
  rests on two levels only, the nation's is the other reading the data give, and it sits
  one standard deviation away;
* employment growth: the compound average a year of employed persons from ``first - 1`` to
  ``last``, its sd that of the yearly growth rates.

Boundaries: the scenario's geography and its predecessors, the geographies of the code
list whose successor it is. A sector's growth before a merger is the growth of the merged
territory: the parts' yearly real growth rates weighted by their sector value added in one
common year (`merged_growth`, `part_weights`), in the years every part published; where a
part published no growth of the sector or no common year weighs them, the history is that
of the part that did, and the figure's note says so (`HistoryFigure.boundary`, worded by
`dxecon.present.notes`): one predecessor is never taken silently. The deflator and
employment growth need levels at both ends of a window on one boundary, the first
predecessor's or the scenario's own (the other merged parts' levels are not used).
Growth rates are read across the boundary change (a year published for both boundaries
uses the scenario's geography): the scenario then assumes the merged city grows as its
record of the old parts and the merged city together, and every figure's source in the start
table says "across the boundary change". Levels are never compared across it: both ends of
a window are on one boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dxecon.core.errors import NotPublishedYetError, ParamsError, SeriesSelectionError
from dxecon.core.facts import facts_cell, facts_of
from dxecon.data import Dataset
from dxecon.models.contribution import nominal_levels
from dxecon.models.estimation.from_data import NATION, grdp_weights
from dxecon.models.estimation.productivity import compound_average_growth, growth
from dxecon.models.rates import growth_of_ratio

#: Real growth of the whole economy: GDP for the nation, GRDP for a province.
REAL_GROWTH_INDICATOR = {NATION: "gdp_growth_real"}
#: What a window's years are growth of, by the place of a growth in a scenario.
WHAT = {"deflator": "the GRDP deflator", "employment.growth": "employed persons"}


class HistoryError(ValueError):
    """The published figures cannot give a window's statistic (`resolve_history` turns it
    into a `ParamsError` naming the scenario file and field)."""


@dataclass(frozen=True)
class HistoryFigure:
    """A growth's mean and sd computed from published figures, with what each rests on: the
    facts of a note (`dxecon.core.facts.facts_cell`: how it is computed, the window, the
    boundary and every figure), worded by `dxecon.present.notes`; ``boundary``: for a merged
    geography, how its predecessors' histories were read (a note, ``{"code":
    "history_weighted" | "history_one_part", ...}``)."""

    mean: float
    sd: float
    mean_source: str
    sd_source: str
    boundary: dict | None = None


def rate_statistics(rates: Sequence[float], centre: str = "mean") -> tuple[float, float]:
    r"""Centre and spread of yearly growth rates :math:`g_1 \dots g_n`, in per cent.

    .. math::

        \bar g = \frac{1}{n}\sum_t g_t, \qquad
        s = \sqrt{\frac{1}{n-1}\sum_t (g_t - \bar g)^2}

    ``centre`` 'max' or 'min' gives the top or bottom of the range instead of :math:`\bar g`;
    the spread stays the sample standard deviation :math:`s`.

    >>> rate_statistics([1.0, 2.0, 3.0])
    (2.0, 1.0)
    >>> rate_statistics([1.0, 2.0, 3.0], "max")
    (3.0, 1.0)
    """
    values = np.asarray(rates, dtype=float)
    if values.size < 2:
        raise HistoryError(f"a standard deviation needs two rates at least, got {values.size}")
    pick = {"mean": np.mean, "max": np.max, "min": np.min}[centre]
    return float(pick(values)), float(values.std(ddof=1))


def predecessors(dataset: Dataset, geo: str) -> list[str]:
    """Geographies whose successor is ``geo``, in code-list order (``codes/geographies.csv``)."""
    table = dataset.codes["geographies"]
    return list(table.loc[table["successor"] == geo, "code"])


def boundaries(dataset: Dataset, geo: str) -> list[str]:
    """The boundaries a scenario's history is read on, oldest first: ``geo``'s predecessor
    (the first in the code list) and ``geo``."""
    return [*predecessors(dataset, geo)[:1], geo]


def merged_growth(rates: pd.DataFrame, value_added: pd.Series) -> pd.Series:
    r"""Real growth of a merged territory from its parts' growth, weighted by value added.

    .. math:: g_t = \sum_i w_i\,g_{it}, \qquad w_i = \frac{V_i}{\sum_j V_j},

    with :math:`g_{it}` part :math:`i`'s real growth in year :math:`t` (per cent) and
    :math:`V_i` its value added in one common year. With :math:`V_i` the value added of the
    year before :math:`t` at constant prices this is exactly the growth of the summed
    value added, :math:`\sum_i V_i(1 + g_{it}/100) / \sum_i V_i - 1`; with one common
    year's value added at current prices it is that growth to the extent the parts'
    relative sizes stayed as they were then. A year a part did not publish is left out
    (never filled from the others).

    Parameters
    ----------
    rates : pandas.DataFrame
        One column per part (its code), indexed by year; NaN where not published.
    value_added : pandas.Series
        The parts' value added in the common year, indexed by the same codes.

    >>> rates = pd.DataFrame({"A": [10.0, 4.0], "B": [20.0, None]}, index=[2023, 2024])
    >>> merged_growth(rates, pd.Series({"A": 300.0, "B": 100.0}))
    2023    12.5
    dtype: float64
    """
    weights = value_added.reindex(rates.columns).astype(float)
    if weights.isna().any() or not (weights > 0).all():
        raise ValueError(f"every part needs a positive value added; got {weights.to_dict()}")
    return rates.dropna().astype(float).dot(weights / weights.sum())


def _published_rates(
    dataset: Dataset, indicator: str, boundary: str, as_of: str, **key: Any
) -> pd.DataFrame | None:
    """Yearly figures of ``boundary`` published by ``as_of`` (None: none): columns value,
    geo, reference, indexed by year."""
    obs = dataset.observations
    rows = (obs["indicator"] == indicator) & (obs["geo"] == boundary)
    rows &= (obs["sector"] == key.get("sector", "total")) & (obs["period_kind"] == "year")
    if not rows.any():
        return None  # nothing ever published on this boundary
    try:
        series = dataset.series(indicator, boundary, as_of=as_of, **key)
    except SeriesSelectionError as exc:  # e.g. measures that may not be mixed
        raise HistoryError(str(exc)) from exc
    frame = series.to_frame().dropna(subset=["value"])
    if frame.empty:
        return None  # nothing published by the as-of date
    frame["geo"] = boundary
    frame["reference"] = frame["obs_id"] + " (" + frame["source_id"] + ")"
    return frame[["value", "geo", "reference"]]


def part_weights(
    dataset: Dataset, parts: Sequence[str], sector: str, *, as_of: str
) -> tuple[int, pd.Series, list[dict]] | None:
    """The parts' value added of ``sector`` (billion VND, current prices) in the latest year
    in which every part's GRDP structure (`grdp_weights`) and current-price GRDP are
    published by ``as_of``: (year, value added by part, the figures it rests on as facts,
    one ``{"geo", "share", "grdp", "ref", "derived"}`` a part: ``derived`` when its share is
    the taxes that `grdp_weights` derives as 100 minus the published sectors); None when no
    year has them for every part."""
    candidates = None
    levels = {}
    for part in parts:
        levels[part] = nominal_levels(dataset, part, as_of=as_of)
        years = set(levels[part].index)
        candidates = years if candidates is None else candidates & years
    for year in sorted(candidates or (), reverse=True):
        shares, derived = {}, {}
        try:
            for part in parts:
                weights, _note = grdp_weights(dataset, part, int(year), as_of=as_of)
                shares[part] = float(weights[sector])
                derived[part] = sector in weights.attrs["derived"]
        except (SeriesSelectionError, KeyError):
            continue
        value_added = pd.Series(
            {p: shares[p] / 100.0 * float(levels[p].at[year, "value"]) for p in parts}
        )
        basis = [
            {
                "geo": p,
                "share": shares[p],
                "grdp": float(levels[p].at[year, "value"]),
                "ref": levels[p].at[year, "reference"],
                "derived": derived[p],
            }
            for p in parts
        ]
        return int(year), value_added, basis
    return None


def _sector_rates(
    dataset: Dataset, geo: str, sector: str, window: tuple[int, int], as_of: str
) -> tuple[pd.DataFrame, dict | None, dict | None]:
    """Yearly real growth of ``sector`` on ``geo`` and, before it, its predecessors
    combined (`merged_growth`) or the one that published: columns value, geo, reference by
    year; the note on how the predecessors were read (None: one predecessor or none); and
    the weights and the figures they rest on, a note (``history_weights``; None when not
    weighted).

    One part's history stands for the merged territory's only where the parts cannot be
    combined over ``window``: a part published no growth of the sector, no common year
    weighs them, or fewer than two of the window's years (the scenario's own included)
    have a figure of every part. That part is the one with the most figures in the window
    (of equal counts, the largest by value added where the weights are known, else the
    first in the code list); the note says which and why."""
    indicator, key = "sector_growth_real", {"sector": sector}
    parts = predecessors(dataset, geo)
    found = {p: _published_rates(dataset, indicator, p, as_of, **key) for p in parts}
    own = _published_rates(dataset, indicator, geo, as_of, **key)
    having = [p for p in parts if found[p] is not None]
    lacking = [p for p in parts if found[p] is None]
    note, basis, before, why = None, None, None, "no_growth"
    weights = part_weights(dataset, having, sector, as_of=as_of) if len(having) > 1 else None
    combined = None
    if weights is not None:
        year, value_added, figures = weights
        rates = pd.DataFrame({p: found[p]["value"] for p in having})
        combined = merged_growth(rates, value_added)
        own_years = set(_in_window(own, *window).index) if own is not None else set()
        if len(set(_in_window(combined, *window).index) | own_years) < 2:
            combined, why = None, "few_common_years"
    elif len(having) > 1:
        why = "no_weight"
    if combined is not None:
        shares = value_added / value_added.sum()
        basis = {
            "code": "history_weights",
            "sector": sector,
            "year": year,
            "parts": [{**f, "weight": 100 * float(shares[f["geo"]])} for f in figures],
        }
        before = pd.DataFrame(
            {
                "value": combined,
                "geo": "+".join(having),
                "reference": [
                    " & ".join(found[p].at[y, "reference"] for p in having) for y in combined.index
                ],
            }
        )
        note = {"code": "history_weighted", "geo": geo, "parts": having, "year": year}
        if lacking:
            note["lacking"] = lacking
    elif having:
        size = weights[1] if weights is not None else pd.Series(0.0, index=having)
        used = min(having, key=lambda p: (-len(_in_window(found[p], *window)), -size[p]))
        before = found[used]
        if len(parts) > 1:
            note = {
                "code": "history_one_part",
                "geo": geo,
                "used": used,
                "others": [p for p in parts if p != used],
                "why": why,
            }
    frames = [f for f in (before, own) if f is not None]
    if not frames:
        raise HistoryError(
            f"no {indicator} of {sector} is published for {' or '.join([*parts, geo])} by {as_of}"
        )
    frame = pd.concat(frames)
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()  # the later boundary
    return frame, note, basis


def _in_window(frame: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    return frame[(frame.index >= first) & (frame.index <= last)]


def evidence(frame: pd.DataFrame) -> list[dict]:
    """The figures a statistic rests on, by boundary, as a fact of a note
    (`dxecon.core.facts`): ``[{"geo": <code>, "refs": [[2019, "OBS0052 (S1)"], ...]}]``,
    worded by `dxecon.present.notes` ("<place>: 2019 OBS0052 (S1), ...")."""
    return [
        {"geo": geo, "refs": [[int(y), r] for y, r in rows["reference"].items()]}
        for geo, rows in frame.groupby("geo", sort=False)
    ]


def _span(first: int, last: int, found: pd.Index) -> dict:
    """A window's facts: its years, how many have a figure, and those without one."""
    missing = [y for y in range(first, last + 1) if y not in found]
    return {"first": first, "last": last, "n": len(found), "missing": missing}


def sector_growth(
    dataset: Dataset,
    geo: str,
    sector: str,
    window: tuple[int, int],
    *,
    centre: str = "mean",
    as_of: str,
) -> HistoryFigure:
    """The centre and sd of the real growth of ``sector`` published for ``window``
    (`rate_statistics`), on ``geo`` and, before it, its predecessors (see module docstring;
    a merged geography's note in ``boundary``)."""
    first, last = window
    history, note, basis = _sector_rates(dataset, geo, sector, window, as_of)
    rates = _in_window(history, *window)
    if len(rates) < 2:
        raise HistoryError(
            f"{len(rates)} real growth rate(s) of {sector} published for {first}-{last} by "
            f"{as_of}; a mean and a standard deviation need two at least"
        )
    mean, sd = rate_statistics(rates["value"], centre)
    span = {
        **_span(first, last, rates.index),
        "crossing": bool(rates["geo"].nunique() > 1),
        "evidence": evidence(rates),
    }
    how: dict[str, Any] = {"stat": "mean"}
    # Before a merger: how the predecessors were read, and what weighs them (the source says
    # it; the start table's history column gives the note alone).
    merger = [n for n in (note, basis) if n is not None]
    if centre != "mean":
        year = (rates["value"].idxmax if centre == "max" else rates["value"].idxmin)()
        how = {"stat": "highest" if centre == "max" else "lowest", "year": int(year)}
    return HistoryFigure(
        mean,
        sd,
        facts_cell([{"code": "history_growth", **how, **span}, *merger]),
        facts_cell([{"code": "history_growth", "stat": "sd", **span}, *merger]),
        note,
    )


def _levels_on_one_boundary(
    dataset: Dataset, geo: str, window: tuple[int, int], as_of: str, read
) -> tuple[str, pd.DataFrame]:
    """The boundary (latest first) whose levels ``read(boundary)`` hold both ends of the
    window (``first - 1`` and ``last``), and those levels."""
    first, last = window
    for boundary in reversed(boundaries(dataset, geo)):
        levels = read(boundary)
        if {first - 1, last} <= set(levels.index):
            return boundary, levels.assign(geo=boundary)
    raise HistoryError(
        f"no levels of both {first - 1} and {last} (the ends of growth over {first}-{last}) "
        f"published on one boundary ({' or '.join(boundaries(dataset, geo))}) by {as_of}"
    )


def _yearly_deflators(
    dataset: Dataset, geo: str, window: tuple[int, int], as_of: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Levels of current-price GRDP (GDP for the nation), the published real growth of
    ``window`` and the implied deflator of each year of it whose previous level is
    published, all on ``geo`` alone."""
    levels = nominal_levels(dataset, geo, as_of=as_of).assign(geo=geo)
    indicator = REAL_GROWTH_INDICATOR.get(geo, "grdp_growth_real")
    try:
        real = dataset.series(indicator, geo, as_of=as_of).figures().set_index("year")
    except SeriesSelectionError:
        real = pd.DataFrame(columns=["value", "reference"])
    real = _in_window(real.assign(geo=geo), *window)
    yearly = pd.Series(dtype=float)
    if len(levels) > 1:
        nominal = _in_window(growth(levels["value"], basis="nominal").rates.dropna(), *window)
        nominal = nominal[nominal.index.isin(real.index)]
        # the deflator is what nominal growth holds beyond real growth
        ratio = growth_of_ratio(nominal, real["value"].reindex(nominal.index))
        yearly = pd.Series(ratio, index=nominal.index, dtype=float)
    return levels, real, yearly


def deflator(dataset: Dataset, geo: str, window: tuple[int, int], *, as_of: str) -> HistoryFigure:
    """The GRDP deflator implied by the published current-price GRDP and real growth of
    ``window``, and its sd (see module docstring)."""
    first, last = window

    def read(boundary: str) -> pd.DataFrame:
        return nominal_levels(dataset, boundary, as_of=as_of)

    boundary = _levels_on_one_boundary(dataset, geo, window, as_of, read)[0]
    levels, real, yearly = _yearly_deflators(dataset, boundary, window, as_of)
    missing = [y for y in range(first, last + 1) if y not in real.index]
    if missing:
        raise HistoryError(
            f"no real GRDP growth of {boundary} published for {', '.join(map(str, missing))} "
            f"by {as_of}, needed with the current-price levels of {first - 1} and {last}"
        )
    nominal = compound_average_growth(
        levels["value"], first - 1, last, basis="nominal", kind="levels"
    ).value
    average_real = compound_average_growth(
        real["value"], first - 1, last, basis="real", kind="growth_pct"
    ).value
    mean = float(growth_of_ratio(nominal, average_real))
    window_facts = {"geo": boundary, "first": first, "last": last}
    mean_source = facts_cell(
        [
            {
                "code": "history_deflator",
                **window_facts,
                "levels": evidence(levels.loc[[first - 1, last]]),
                "real": evidence(real),
            }
        ]
    )
    if len(yearly) >= 2:
        sd = float(np.std(yearly.to_numpy(), ddof=1))
        sd_source = facts_cell(
            [{"code": "history_deflator_sd", **window_facts, "levels": evidence(levels)}]
        )
        return HistoryFigure(mean, sd, mean_source, sd_source)
    national, national_real, national_yearly = _yearly_deflators(dataset, NATION, window, as_of)
    if national_yearly.empty:
        raise HistoryError(
            f"fewer than two yearly deflators of {boundary} in {first}-{last} (no two "
            "consecutive current-price levels) and no national GDP deflator of those years "
            f"published by {as_of} to measure its spread by"
        )
    sd = float(np.sqrt(np.mean((national_yearly.to_numpy() - mean) ** 2)))
    years = national_yearly.index
    used = national.loc[sorted({*years, *(years - 1)})]
    sd_source = facts_cell(
        [
            {
                "code": "history_deflator_national",
                **window_facts,
                "years": [int(y) for y in years],
                "gdp": evidence(used),
                "real": evidence(national_real.loc[years]),
            }
        ]
    )
    return HistoryFigure(mean, sd, mean_source, sd_source)


def employment_growth(
    dataset: Dataset, geo: str, window: tuple[int, int], *, as_of: str
) -> HistoryFigure:
    """Growth of employed persons over ``window`` from the published levels: compound
    average a year, and the sd of the yearly rates (see module docstring)."""
    first, last = window

    def read(boundary: str) -> pd.DataFrame:
        try:
            found = dataset.series("employment", boundary, as_of=as_of).figures()
        except SeriesSelectionError:
            return pd.DataFrame(columns=["value", "reference"])
        return found.set_index("year")[["value", "reference"]]

    boundary, levels = _levels_on_one_boundary(dataset, geo, window, as_of, read)
    levels = levels[(levels.index >= first - 1) & (levels.index <= last)]
    # A head count has no prices: 'real' only labels the computation.
    mean = compound_average_growth(
        levels["value"], first - 1, last, basis="real", kind="levels"
    ).value
    yearly = growth(levels["value"], basis="real").rates.dropna()
    if len(yearly) < 2:
        raise HistoryError(
            f"fewer than two years of employment growth of {boundary} in {first}-{last} "
            f"(consecutive levels) published by {as_of}"
        )
    facts = {"geo": boundary, "first": first - 1, "last": last, "evidence": evidence(levels)}
    return HistoryFigure(
        mean,
        float(np.std(yearly.to_numpy(), ddof=1)),
        facts_cell([{"code": "history_employment", **facts}]),
        facts_cell([{"code": "history_employment_sd", **facts}]),
    )


def no_employment(dataset: Dataset, geo: str) -> str:
    """Why employment growth cannot be computed for ``geo`` ("" when it can be tried): no
    employment figure, in any year or vintage, on ``geo`` or its predecessor (a note,
    `dxecon.core.facts.facts_cell`)."""
    on = boundaries(dataset, geo)
    obs = dataset.observations
    if ((obs["indicator"] == "employment") & obs["geo"].isin(on)).any():
        return ""
    return facts_cell([{"code": "no_employment", "geo": geo}])  # the scorecard's note


def _compute(place: str, spec, geo: str, dataset: Dataset, as_of: str) -> HistoryFigure:
    window = tuple(spec.from_history)
    if place == "deflator":
        return deflator(dataset, geo, window, as_of=as_of)
    if place == "employment.growth":
        return employment_growth(dataset, geo, window, as_of=as_of)
    sector = place.split(".")[1]
    return sector_growth(dataset, geo, sector, window, centre=spec.centre, as_of=as_of)


def resolve_history(scenario, dataset: Dataset, *, file: str) -> tuple[dict[str, float], list]:
    """Every growth figure of ``scenario`` that is not filled in yet, computed from the
    history its ``from_history`` names (as of the scenario's ``as_of``), with ``override``
    applied: ({dotted field: value}, one start-table row per figure: field, value, source,
    overridden, reason).

    Raises
    ------
    ParamsError
        A window the data cannot answer (no or one published year, no levels at its ends,
        a centre on the deflator or employment), naming the file, the field and the fix;
        `NotPublishedYetError` (also a `SeriesSelectionError`) when the figures exist but
        were published after the as-of date.
    """
    values: dict[str, Any] = {}
    rows = []
    missing = no_employment(dataset, scenario.geo)
    if missing and not scenario.employment.growth.resolved:
        # Nothing to compute from in any year: productivity is not simulated (the engine
        # marks it unavailable), where a window without figures is a scenario's error.
        values["employment.not_available"] = missing
        rows.append(
            {
                "field": "employment.growth",
                "value": float("nan"),
                "source": missing,
                "overridden": False,
                "reason": "",
                "history": "",
            }
        )
    for place, spec in scenario.growths().items():
        if place == "employment.growth" and missing:
            continue
        if spec.resolved:
            continue  # filled in already: a resolved scenario, a sweep's or explorer's value
        computed = None
        if spec.from_history is not None:
            if spec.centre != "mean" and not place.startswith("sectors."):
                raise ParamsError(
                    file,
                    f"{place}.centre",
                    f"{WHAT[place]} is a compound average of its window; a centre (max, "
                    "min) applies to a sector's growth only",
                )
            try:
                computed = _compute(place, spec, scenario.geo, dataset, scenario.as_of)
            except HistoryError as exc:
                raise _window_error(exc, place, spec, scenario, dataset, file) from exc
        for stat in ("mean", "sd"):
            replaced = getattr(spec.override, stat) if spec.override else None
            if computed is None:
                source = facts_cell([{"code": "override_stated"}])
            else:
                source = getattr(computed, f"{stat}_source")
                if replaced is not None:
                    replaces = {"code": "override_replaces", "replaced": getattr(computed, stat)}
                    source = facts_cell([replaces, *facts_of(source)])
            value = replaced if replaced is not None else getattr(computed, stat)
            values[f"{place}.{stat}"] = float(value)
            boundary = computed.boundary if computed is not None else None
            rows.append(
                {
                    "field": f"{place}.{stat}",
                    "value": float(value),
                    "source": source,
                    "overridden": replaced is not None,
                    "reason": spec.override.reason if replaced is not None else "",
                    "history": facts_cell([boundary] if boundary else []),
                }
            )
    return values, rows


def _window_error(exc: HistoryError, place, spec, scenario, dataset, file) -> ParamsError:
    """The error a window the data cannot answer gives: `NotPublishedYetError` when the
    figures were only published after the as-of date, a `ParamsError` otherwise."""
    field = f"{place}.from_history"
    fix = (
        f"{exc}. Fix: name years with published figures (from_history: [first, last]), or "
        "replace the figure by hand with override: {mean: .., sd: .., reason: ..}"
    )
    try:
        _compute(place, spec, scenario.geo, dataset, as_of=None)
    except HistoryError:
        return ParamsError(file, field, fix)
    return NotPublishedYetError(file, field, fix, as_of=scenario.as_of)
