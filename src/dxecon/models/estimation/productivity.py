r"""Labour productivity: levels, employment assumptions, growth and compound averages.

Pure functions on pandas objects: nothing here reads files. Every number that depends on a
price basis carries it, in the result's ``meta['basis']`` and in its column names
(``growth_real_pct``), because the same productivity series grows at very different rates
at current and at constant prices. Vietnam 2024 (GSO): 199.3 to 221.9 million VND per
worker at current prices is +11.34 % nominal, against published real growth of 5.88 %.

Conventions
-----------
* Annual data are indexed by calendar year (int). A Series is one territory or sector; a
  DataFrame has one column per sector and is handled in one vectorised pass.
* Growth rates are in per cent (7.5 means 7.5 % a year).
* Labour productivity is output per employed person, in million VND per worker
  (``m_vnd_per_worker``, the GSO unit).
* Employment is never filled silently. Where it is missing, either pass an explicit
  assumption built with :func:`employment_assumption` (every assumed year is flagged), or
  get a :class:`MissingEmploymentError` naming the years.

Functions
---------
labour_productivity      output per employed person, with unit conversion
employment_assumption    an employment path from a stated assumption, flagged year by year
growth                   year-on-year growth, labelled real or nominal
compound_average_growth  compound average annual growth from levels or yearly rates
level_path               levels implied by a base level and yearly growth rates

Growth targets (minimum paths, assessments) are in :mod:`dxecon.models.estimation.target_paths`;
the shift-share decomposition of a change in aggregate productivity in
:mod:`dxecon.models.estimation.decomposition`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dxecon.core.errors import DxeconError
from dxecon.models.estimation.frames import (
    ONE,
    as_year_index,
    check_basis,
    check_choice,
    check_rate,
    check_same_columns,
    missing_by_column,
    to_long,
    to_wide,
    unit_factor,
    wide_column,
)
from dxecon.models.estimation.result import EstimateResult, make_meta
from dxecon.models.rates import growth_from_ratio, growth_index

__all__ = [
    "EMPLOYMENT_UNITS",
    "LP_UNIT",
    "OUTPUT_UNITS",
    "AverageGrowth",
    "EmploymentPath",
    "GrowthRates",
    "MissingEmploymentError",
    "ProductivityLevels",
    "compound_average_growth",
    "employment_assumption",
    "growth",
    "labour_productivity",
    "level_path",
]

#: Output units and their size in million VND.
OUTPUT_UNITS = {"m_vnd": 1.0, "bn_vnd": 1e3, "tn_vnd": 1e6}
#: Employment units and their size in persons.
EMPLOYMENT_UNITS = {"persons": 1.0, "thousand_persons": 1e3, "m_persons": 1e6}
#: Unit of every labour-productivity level returned here.
LP_UNIT = "m_vnd_per_worker"

PRICES = {"nominal": "current prices", "real": "constant 2010 prices"}
KINDS = ("levels", "growth_pct")


class MissingEmploymentError(DxeconError, ValueError):
    """Employment is needed but missing for some years, and no assumption was given."""

    def __init__(self, missing: Mapping[str, list[int]], *, what: str) -> None:
        self.missing = {key: list(years) for key, years in missing.items()}
        where = "; ".join(
            f"{years}" if key == ONE else f"{key}: {years}" for key, years in missing.items()
        )
        super().__init__(
            f"{what} needs employment, which is missing for {where}. Pass an explicit "
            "assumption (employment=employment_assumption(observed, years=..., "
            "growth_pct=..., rationale=...)) or leave these years out; employment is "
            "never filled silently."
        )


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True, eq=False)
class ProductivityLevels(EstimateResult):
    """Labour-productivity levels; :attr:`levels` is the Series (or year x sector frame)."""

    @property
    def levels(self) -> pd.Series | pd.DataFrame:
        return wide_column(self.frame, f"lp_{self.basis}")

    @property
    def employment_assumed(self) -> pd.Series | pd.DataFrame:
        """True where the level rests on assumed, not observed, employment."""
        return wide_column(self.frame, "employment_assumed")


@dataclass(frozen=True, eq=False)
class GrowthRates(EstimateResult):
    """Year-on-year growth; :attr:`rates` is the Series (or year x sector frame), in %."""

    @property
    def rates(self) -> pd.Series | pd.DataFrame:
        return wide_column(self.frame, f"growth_{self.basis}_pct")


@dataclass(frozen=True, eq=False)
class AverageGrowth(EstimateResult):
    """Compound average annual growth; :attr:`value` is a float (or a Series by sector)."""

    @property
    def value(self) -> float | pd.Series:
        column = self.frame[f"cagr_{self.basis}_pct"]
        return float(column.iloc[0]) if list(self.frame.index) == [ONE] else column.copy()


@dataclass(frozen=True, eq=False)
class EmploymentPath(EstimateResult):
    """Employment, observed then assumed; the ``assumed`` column flags every assumed year."""

    @property
    def values(self) -> pd.Series:
        return self.frame["employment"].copy()

    @property
    def assumed(self) -> pd.Series:
        return self.frame["assumed"].copy()

    @property
    def unit(self) -> str:
        return self.meta["unit"]

    @property
    def note(self) -> str:
        """The assumption, in words (also the first entry of ``meta['assumptions']``)."""
        return self.meta["assumptions"][0] if self.meta["assumptions"] else ""


# --------------------------------------------------------------------------- levels


def employment_assumption(
    observed: pd.Series,
    *,
    years: Iterable[int],
    growth_pct: float,
    rationale: str,
    unit: str = "thousand_persons",
) -> EmploymentPath:
    r"""An employment path: observed years as published, later years from a stated assumption.

    After the last observed year :math:`t_\ell`, employment grows at the assumed rate
    :math:`n` (per cent a year):

    .. math::

        E_t = E_{t_\ell}\,(1 + n/100)^{\,t - t_\ell}, \qquad t > t_\ell .

    Every assumed year is flagged (``assumed`` is True) and the assumption, with its
    rationale, is the first entry of ``meta['assumptions']``; estimators that use the path
    carry both forward. Nothing is interpolated between observations.

    Parameters
    ----------
    observed : pandas.Series
        Published employment by year (NaN entries are treated as not observed).
    years : iterable of int
        Years the path must cover, e.g. ``range(2010, 2031)``.
    growth_pct : float
        Assumed employment growth after the last observation, per cent a year (for Hai
        Phong, e.g. the 2010-2015 average 0.91 from a params file).
    rationale : str
        Why this rate: the source or argument. Required, so that no assumption is anonymous.
    unit : str, default 'thousand_persons'
        Unit of ``observed`` (one of :data:`EMPLOYMENT_UNITS`); kept in ``meta['unit']``.

    Returns
    -------
    EmploymentPath
        ``frame`` indexed by year with columns ``employment`` and ``assumed`` (bool).

    Raises
    ------
    ValueError
        No observation, an empty rationale, a bad rate or unit, or requested years before
        the last observation that are not observed (this helper only extends forward).
    """
    unit_factor("unit", unit, EMPLOYMENT_UNITS)
    growth_pct = check_rate("growth_pct", growth_pct)
    if not isinstance(rationale, str) or not rationale.strip():
        raise ValueError("rationale must say why the growth rate was chosen (source or argument)")
    wide, _ = to_wide(observed, what="observed employment", series="years")
    observed = wide[ONE].dropna()
    if observed.empty:
        raise ValueError("observed employment has no values; an assumption needs a last level")
    if (observed <= 0).any():
        raise ValueError(f"employment must be positive; got {observed[observed <= 0].to_dict()}")
    wanted = as_year_index(pd.Index(sorted(set(years))), what="years")
    last_year = int(observed.index.max())
    last_level = float(observed.loc[last_year])
    gaps = [int(y) for y in wanted if y < last_year and y not in observed.index]
    if gaps:
        raise ValueError(
            f"years {gaps} are before the last observation ({last_year}) and not observed; "
            "this helper only extends forward from the last observed level, it does not "
            "interpolate. Drop these years or supply observations."
        )
    assumed = np.asarray(wanted > last_year)
    steps = np.asarray(wanted - last_year, dtype=float)
    extended = last_level * (1.0 + growth_pct / 100.0) ** steps
    values = np.where(assumed, extended, observed.reindex(wanted).to_numpy())
    frame = pd.DataFrame({"employment": values, "assumed": assumed}, index=wanted)
    assumed_years = [int(y) for y in wanted[assumed]]
    span = f"{assumed_years[0]}-{assumed_years[-1]}" if assumed_years else "no year"
    note = (
        f"Employment {span} is assumed, not observed: {last_level:,.6g} {unit} in {last_year} "
        f"(last observation) growing {growth_pct:g}% a year. Rationale: {rationale.strip()}"
    )
    meta = make_meta(
        method="observed levels; after the last observation, last level x (1 + n)^(t - t_last)",
        assumptions=[note],
        unit=unit,
    )
    return EmploymentPath(name="employment (observed and assumed)", frame=frame, meta=meta)


def labour_productivity(
    output: pd.Series | pd.DataFrame,
    employment: pd.Series | pd.DataFrame | EmploymentPath,
    *,
    basis: str,
    output_unit: str,
    employment_unit: str,
) -> ProductivityLevels:
    r"""Labour productivity: output per employed person, in million VND per worker.

    .. math::

        LP_t = \frac{Y_t \cdot u_Y}{E_t \cdot u_E}

    where :math:`Y_t` is GRDP (or sector value added) in ``output_unit``, :math:`E_t`
    employment in ``employment_unit``, and :math:`u_Y` (million VND per unit) and
    :math:`u_E` (persons per unit) convert both to million VND and persons.

    Parameters
    ----------
    output : pandas.Series or pandas.DataFrame
        Output by year (Series) or by year and sector (DataFrame, one column per sector).
        At current prices for ``basis='nominal'``, at constant 2010 prices for ``'real'``.
    employment : pandas.Series, pandas.DataFrame or EmploymentPath
        Employed persons, shaped like ``output``. An :class:`EmploymentPath` from
        :func:`employment_assumption` supplies assumed years, which stay flagged.
    basis : {'nominal', 'real'}
        Price basis of ``output``; carried by the result.
    output_unit : {'m_vnd', 'bn_vnd', 'tn_vnd'}
    employment_unit : {'persons', 'thousand_persons', 'm_persons'}

    Returns
    -------
    ProductivityLevels
        ``frame`` indexed by year (or year and sector) with columns ``output_m_vnd``,
        ``employment_persons``, ``lp_<basis>`` and ``employment_assumed``.

    Raises
    ------
    MissingEmploymentError
        Employment is missing for some years of ``output``; the message names them.
    ValueError
        Unknown basis or unit, sectors that differ between the inputs, non-positive
        employment.

    Examples
    --------
    Vietnam 2023: GDP 10,221.8 trillion VND, 51.3 million employed, GSO-published level
    199.3 million VND per worker.

    >>> import pandas as pd
    >>> lp = labour_productivity(pd.Series({2023: 10221.8}), pd.Series({2023: 51.3}),
    ...     basis="nominal", output_unit="tn_vnd", employment_unit="m_persons")
    >>> round(float(lp.levels.loc[2023]), 1)
    199.3
    """
    basis = check_basis(basis)
    output_scale = unit_factor("output_unit", output_unit, OUTPUT_UNITS)
    employment_scale = unit_factor("employment_unit", employment_unit, EMPLOYMENT_UNITS)
    out, was_series = to_wide(output, what="output", series="years")
    assumptions: list[str] = []
    if isinstance(employment, EmploymentPath):
        if employment.unit != employment_unit:
            raise ValueError(
                f"employment_unit={employment_unit!r} but the employment path is in "
                f"{employment.unit!r}; pass employment_unit={employment.unit!r}"
            )
        emp, _ = to_wide(employment.values, what="employment", series="years")
        assumed, _ = to_wide(
            employment.assumed.astype(float), what="employment flags", series="years"
        )
        assumptions += employment.assumptions
    else:
        emp, _ = to_wide(employment, what="employment", series="years")
        assumed = pd.DataFrame(0.0, index=emp.index, columns=emp.columns)
    if was_series:
        if emp.shape[1] != 1:
            raise ValueError("output is one series, so employment must be one series too")
        emp.columns = assumed.columns = out.columns
    else:
        check_same_columns(out, emp, what_a="output", what_b="employment")
    emp = emp.reindex(index=out.index, columns=out.columns)
    missing = missing_by_column(emp)
    if missing:
        raise MissingEmploymentError(missing, what="labour_productivity")
    if (emp <= 0).any().any():
        raise ValueError("employment must be positive in every year and sector")
    assumed = assumed.reindex(index=out.index, columns=out.columns).fillna(0.0).astype(bool)
    out_m_vnd = out * output_scale
    persons = emp * employment_scale
    frame = to_long(
        {
            "output_m_vnd": out_m_vnd,
            "employment_persons": persons,
            f"lp_{basis}": out_m_vnd / persons,
            "employment_assumed": assumed,
        },
        was_series,
        series="years",
    )
    frame["employment_assumed"] = frame["employment_assumed"].astype(bool)
    meta = make_meta(
        method="output / employed persons",
        basis=basis,
        assumptions=[f"output at {PRICES[basis]}", *assumptions],
        unit=LP_UNIT,
    )
    return ProductivityLevels(name=f"labour productivity ({basis})", frame=frame, meta=meta)


# --------------------------------------------------------------------------- growth


def levels_input(
    levels: pd.Series | pd.DataFrame | EstimateResult, basis: str
) -> tuple[pd.DataFrame, bool, pd.DataFrame | None, list[str]]:
    """Wide levels, was-series, employment-assumed flags (or None), inherited assumptions."""
    if isinstance(levels, EstimateResult):
        if levels.basis != basis:
            raise ValueError(
                f"the levels are {levels.basis!r} ({levels.name}) but basis={basis!r} was "
                "given; growth keeps the basis of its levels"
            )
        if not isinstance(levels, ProductivityLevels):
            raise TypeError(
                f"pass levels as a Series/DataFrame or a ProductivityLevels result; got "
                f"{type(levels).__name__}"
            )
        wide, was_series = to_wide(levels.levels, what="levels", series="years")
        flags, _ = to_wide(levels.employment_assumed.astype(float), what="flags", series="years")
        return wide, was_series, flags.astype(bool), levels.assumptions
    wide, was_series = to_wide(levels, what="levels", series="years")
    return wide, was_series, None, []


def growth(levels: pd.Series | pd.DataFrame | ProductivityLevels, *, basis: str) -> GrowthRates:
    r"""Year-on-year growth in per cent, labelled with its price basis.

    .. math::

        g_t = 100\left(\frac{L_t}{L_{t-1}} - 1\right)

    Only consecutive calendar years are compared: after a gap in the data the growth is
    NaN (and noted), never the change over several years passed off as one.

    Parameters
    ----------
    levels : pandas.Series, pandas.DataFrame or ProductivityLevels
        Positive levels by year (DataFrame: one column per sector). A
        :class:`ProductivityLevels` result brings its basis (which must equal ``basis``),
        its assumptions and its employment-assumed flags.
    basis : {'nominal', 'real'}
        Price basis of ``levels``. Growth of current-price levels is nominal growth; it is
        not comparable with a real-growth target.

    Returns
    -------
    GrowthRates
        ``frame`` with columns ``level_<basis>`` and ``growth_<basis>_pct`` (plus
        ``employment_assumed`` when the levels rest on assumed employment in either year).

    Examples
    --------
    >>> import pandas as pd
    >>> g = growth(pd.Series({2023: 199.3, 2024: 221.9}), basis="nominal")
    >>> round(float(g.rates.loc[2024]), 2)
    11.34
    """
    basis = check_basis(basis)
    wide, was_series, flags, assumptions = levels_input(levels, basis)
    if (wide <= 0).any().any():
        raise ValueError("levels must be positive to compute growth rates")
    full_years = pd.RangeIndex(wide.index.min(), wide.index.max() + 1, name="year")
    full = wide.reindex(full_years)
    rates = growth_from_ratio(full / full.shift(1)).reindex(wide.index)
    columns = {f"level_{basis}": wide, f"growth_{basis}_pct": rates}
    if flags is not None:
        full_flags = flags.reindex(full_years, fill_value=False).astype(bool)
        either = (full_flags | full_flags.shift(1, fill_value=False)).reindex(wide.index)
        columns["employment_assumed"] = either
    gaps = [int(y) for y in wide.index[1:] if y - 1 not in wide.index]
    if gaps:
        assumptions = [*assumptions, f"no growth for {gaps}: the previous year is not observed"]
    frame = to_long(columns, was_series, series="years")
    if "employment_assumed" in frame:
        frame["employment_assumed"] = frame["employment_assumed"].astype(bool)
    meta = make_meta(
        method="year-on-year change of levels",
        basis=basis,
        assumptions=assumptions,
        unit="pct",
    )
    return GrowthRates(name=f"year-on-year growth ({basis})", frame=frame, meta=meta)


def index_from_rates(rates: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Cumulative index (start = 1) from yearly rates; raises naming missing years."""
    years = pd.RangeIndex(start + 1, end + 1)
    window = rates.reindex(years)
    missing = missing_by_column(window)
    if missing:
        raise ValueError(
            f"yearly rates are needed for every year {start + 1}-{end}; missing: {missing}"
        )
    if (window <= -100.0).any().any():
        raise ValueError("growth rates must be above -100%")
    index = pd.DataFrame(growth_index(window, axis=0), index=years, columns=window.columns)
    return pd.concat([pd.DataFrame(1.0, index=[start], columns=rates.columns), index])


def compound_average_growth(
    values: pd.Series | pd.DataFrame | ProductivityLevels,
    start: int,
    end: int,
    *,
    basis: str,
    kind: str,
) -> AverageGrowth:
    r"""Compound average annual growth between two years, from levels or yearly rates.

    From levels :math:`L` or from yearly rates :math:`g_t` (per cent):

    .. math::

        \bar g = 100\left[\left(\frac{L_{end}}{L_{start}}\right)^{1/(end-start)} - 1\right]
               = 100\left[\Bigl(\prod_{t=start+1}^{end} (1 + g_t/100)\Bigr)^{1/(end-start)}
                 - 1\right]

    This, not the arithmetic mean of yearly rates, is what "at least g % a year on
    average" is judged against: the mean of +30 % and -10 % is +10 % although the level
    rose only 17 % in two years (CAGR 8.2 %).

    Parameters
    ----------
    values : pandas.Series, pandas.DataFrame or ProductivityLevels
        Levels (``kind='levels'``) or yearly growth in per cent (``kind='growth_pct'``),
        indexed by year; a DataFrame gives one average per column.
    start, end : int
        First and last year; ``start < end``. With rates, every year ``start+1..end``
        must be present.
    basis : {'nominal', 'real'}
        Price basis of ``values``, carried by the result.
    kind : {'levels', 'growth_pct'}
        What ``values`` holds. Required: confusing the two gives a plausible-looking but
        wrong number.

    Returns
    -------
    AverageGrowth
        ``frame`` with one row per series and columns ``start``, ``end``, ``years``,
        ``cagr_<basis>_pct``; :attr:`AverageGrowth.value` is the number.
    """
    basis = check_basis(basis)
    check_choice("kind", kind, KINDS)
    start, end = int(start), int(end)
    if start >= end:
        raise ValueError(f"start must be before end; got start={start}, end={end}")
    if kind == "levels":
        wide, _, _, assumptions = levels_input(values, basis)
        ends = wide.reindex([start, end])
        missing = missing_by_column(ends)
        if missing:
            raise ValueError(f"levels are needed in {start} and {end}; missing: {missing}")
        if (ends <= 0).any().any():
            raise ValueError("levels must be positive")
        ratio = ends.loc[end] / ends.loc[start]
    else:
        if isinstance(values, EstimateResult):
            raise TypeError("kind='growth_pct' takes a Series or DataFrame of yearly rates")
        wide, _ = to_wide(values, what="growth rates", series="years")
        assumptions = []
        ratio = index_from_rates(wide, start, end).loc[end]
    cagr = growth_from_ratio(ratio, end - start)
    frame = pd.DataFrame(
        {"start": start, "end": end, "years": end - start, f"cagr_{basis}_pct": cagr},
        index=pd.Index(wide.columns, name="series"),
    )
    meta = make_meta(
        method="compound average annual growth from "
        + ("levels" if kind == "levels" else "yearly rates"),
        basis=basis,
        assumptions=assumptions,
        unit="pct",
    )
    return AverageGrowth(
        name=f"compound average growth {start}-{end} ({basis})", frame=frame, meta=meta
    )


def level_path(
    growth_pct: pd.Series | pd.DataFrame, *, base_year: int, base_level: float, basis: str
) -> ProductivityLevels:
    r"""Levels implied by a base-year level and yearly growth rates.

    .. math::

        L_t = L_{t_0} \prod_{u=t_0+1}^{t} (1 + g_u/100), \qquad t > t_0 .

    With a current-price base level and published *real* rates this gives a real series in
    prices of the base year, the way to build a real productivity path when only the
    level at current prices and the real growth rates are published (GSO practice).
    Rates for years up to ``base_year`` describe growth into the base year and are not
    used.

    Parameters
    ----------
    growth_pct : pandas.Series or pandas.DataFrame
        Yearly growth in per cent, every year after ``base_year`` up to the last one.
    base_year : int
    base_level : float
        Level in ``base_year`` (million VND per worker for productivity).
    basis : {'nominal', 'real'}
        Basis of the rates, hence of the path.

    Returns
    -------
    ProductivityLevels
        ``frame`` indexed by year from ``base_year`` with column ``lp_<basis>``.
    """
    basis = check_basis(basis)
    base_year = int(base_year)
    base_level = float(base_level)
    if not np.isfinite(base_level) or base_level <= 0:
        raise ValueError(f"base_level must be positive; got {base_level}")
    wide, was_series = to_wide(growth_pct, what="growth_pct", series="years")
    later = wide.index[wide.index > base_year]
    if later.empty:
        raise ValueError(f"growth_pct has no year after base_year={base_year}")
    levels = base_level * index_from_rates(wide, base_year, int(later.max()))
    levels.index.name = "year"
    flags = pd.DataFrame(False, index=levels.index, columns=levels.columns)
    frame = to_long(
        {f"lp_{basis}": levels, "employment_assumed": flags}, was_series, series="years"
    )
    frame["employment_assumed"] = frame["employment_assumed"].astype(bool)
    prices = (
        f"prices of {base_year} (base level chained with real growth)"
        if basis == "real"
        else "current prices"
    )
    meta = make_meta(
        method="base level chained with yearly growth rates",
        basis=basis,
        assumptions=[f"levels in {prices}"],
        unit=None,
    )
    return ProductivityLevels(name=f"level path ({basis})", frame=frame, meta=meta)
