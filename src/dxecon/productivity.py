r"""Labour productivity: levels, growth, target paths and shift-share decompositions.

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
target_path              the minimum path implied by "at least g % a year" milestones
assess_target            every-year and compound-average readings of a growth target
shift_share              within / structural / interaction decomposition of a change in
                         aggregate productivity (three-term or two-term form)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dxecon._results import EstimateResult, as_year_index, check_basis, check_choice, make_meta
from dxecon.errors import DxeconError

__all__ = [
    "EMPLOYMENT_UNITS",
    "LP_UNIT",
    "OUTPUT_UNITS",
    "AverageGrowth",
    "EmploymentPath",
    "GrowthRates",
    "MissingEmploymentError",
    "ProductivityLevels",
    "ShiftShareResult",
    "TargetAssessment",
    "assess_target",
    "compound_average_growth",
    "employment_assumption",
    "growth",
    "labour_productivity",
    "level_path",
    "shift_share",
    "target_path",
]

#: Output units and their size in million VND.
OUTPUT_UNITS = {"m_vnd": 1.0, "bn_vnd": 1e3, "tn_vnd": 1e6}
#: Employment units and their size in persons.
EMPLOYMENT_UNITS = {"persons": 1.0, "thousand_persons": 1e3, "m_persons": 1e6}
#: Unit of every labour-productivity level returned here.
LP_UNIT = "m_vnd_per_worker"

PRICES = {"nominal": "current prices", "real": "constant 2010 prices"}
READINGS = ("every_year", "compound_average")
KINDS = ("levels", "growth_pct")
FORMS = ("three_term", "two_term")
# Rounding slack when comparing a rate with a target: a path built exactly at the target
# rate must count as meeting it.
_TOLERANCE_PP = 1e-9
_SERIES = "value"  # column name used internally for a Series input


class MissingEmploymentError(DxeconError, ValueError):
    """Employment is needed but missing for some years, and no assumption was given."""

    def __init__(self, missing: Mapping[str, list[int]], *, what: str) -> None:
        self.missing = {key: list(years) for key, years in missing.items()}
        where = "; ".join(
            f"{years}" if key == _SERIES else f"{key}: {years}" for key, years in missing.items()
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
        return _wide_column(self.frame, f"lp_{self.basis}")

    @property
    def employment_assumed(self) -> pd.Series | pd.DataFrame:
        """True where the level rests on assumed, not observed, employment."""
        return _wide_column(self.frame, "employment_assumed")


@dataclass(frozen=True, eq=False)
class GrowthRates(EstimateResult):
    """Year-on-year growth; :attr:`rates` is the Series (or year x sector frame), in %."""

    @property
    def rates(self) -> pd.Series | pd.DataFrame:
        return _wide_column(self.frame, f"growth_{self.basis}_pct")


@dataclass(frozen=True, eq=False)
class AverageGrowth(EstimateResult):
    """Compound average annual growth; :attr:`value` is a float (or a Series by sector)."""

    @property
    def value(self) -> float | pd.Series:
        column = self.frame[f"cagr_{self.basis}_pct"]
        return float(column.iloc[0]) if list(self.frame.index) == [_SERIES] else column.copy()


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


@dataclass(frozen=True, eq=False)
class TargetAssessment(EstimateResult):
    """A growth target judged under each reading; one row per reading."""

    def met(self, reading: str) -> bool | None:
        """Whether the reading is met so far (None when it cannot be assessed)."""
        check_choice("reading", reading, list(self.frame.index))
        value = self.frame.at[reading, "met_so_far"]
        return None if pd.isna(value) else bool(value)


@dataclass(frozen=True, eq=False)
class ShiftShareResult(EstimateResult):
    """Shift-share terms by sector (``frame``) and for the whole economy (``aggregate``).

    ``aggregate`` has one row per period: productivity at both ends, its change, growth in
    per cent, and each term as a contribution to growth in percentage points.
    """

    aggregate: pd.DataFrame = field(kw_only=True, default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "aggregate", self.aggregate.copy())

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(self.meta["terms"])

    @property
    def totals(self) -> pd.DataFrame:
        """Economy-wide terms, one row per period (the ``sector == 'total'`` rows)."""
        return self.frame.xs("total", level="sector").copy()

    def summary(self) -> str:
        table = self.aggregate.to_string(float_format=lambda v: f"{v:.6g}")
        return f"{super().summary()}\n\nWhole economy:\n{table}"


# --------------------------------------------------------------------------- helpers


def _to_wide(values: pd.Series | pd.DataFrame, *, what: str) -> tuple[pd.DataFrame, bool]:
    """A float year x column frame, sorted by year, and whether the input was a Series."""
    if isinstance(values, pd.Series):
        frame, was_series = values.to_frame(_SERIES), True
    elif isinstance(values, pd.DataFrame):
        frame, was_series = values.copy(), False
    else:
        raise TypeError(
            f"{what} must be a pandas Series indexed by year or a DataFrame indexed by year "
            f"with one column per sector; got {type(values).__name__}"
        )
    frame.index = as_year_index(frame.index, what=what)
    frame.columns = [str(c) for c in frame.columns]
    try:
        frame = frame.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numeric: {exc}") from None
    return frame.sort_index(), was_series


def _long(columns: Mapping[str, pd.DataFrame], was_series: bool) -> pd.DataFrame:
    """Wide year x sector frames (same shape) -> one tidy frame, (year, sector) rows.

    Built with numpy rather than ``stack`` so that NaN rows survive on every pandas version.
    """
    first = next(iter(columns.values()))
    if was_series:
        return pd.DataFrame({name: wide.iloc[:, 0] for name, wide in columns.items()})
    index = pd.MultiIndex.from_product([first.index, first.columns], names=["year", "sector"])
    return pd.DataFrame(
        {name: wide.to_numpy().ravel() for name, wide in columns.items()}, index=index
    )


def _wide_column(frame: pd.DataFrame, column: str) -> pd.Series | pd.DataFrame:
    if isinstance(frame.index, pd.MultiIndex):
        wide = frame[column].unstack("sector")
        wide.columns.name = None
        return wide
    return frame[column].copy()


def _check_unit(name: str, unit: object, units: Mapping[str, float]) -> float:
    check_choice(name, unit, list(units))
    return units[str(unit)]


def _same_columns(a: pd.DataFrame, b: pd.DataFrame, *, what_a: str, what_b: str) -> None:
    only_a = [c for c in a.columns if c not in b.columns]
    only_b = [c for c in b.columns if c not in a.columns]
    if only_a or only_b:
        raise ValueError(
            f"{what_a} and {what_b} must cover the same sectors; only in {what_a}: {only_a}, "
            f"only in {what_b}: {only_b}"
        )


def _missing_by_column(frame: pd.DataFrame) -> dict[str, list[int]]:
    return {
        str(col): [int(y) for y in frame.index[frame[col].isna()]]
        for col in frame.columns
        if frame[col].isna().any()
    }


def _check_rate(name: str, rate: float) -> float:
    rate = float(rate)
    if not np.isfinite(rate) or rate <= -100.0:
        raise ValueError(f"{name} must be a finite growth rate in per cent above -100; got {rate}")
    return rate


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
    _check_unit("unit", unit, EMPLOYMENT_UNITS)
    growth_pct = _check_rate("growth_pct", growth_pct)
    if not isinstance(rationale, str) or not rationale.strip():
        raise ValueError("rationale must say why the growth rate was chosen (source or argument)")
    wide, _ = _to_wide(observed, what="observed employment")
    observed = wide[_SERIES].dropna()
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
    output_scale = _check_unit("output_unit", output_unit, OUTPUT_UNITS)
    employment_scale = _check_unit("employment_unit", employment_unit, EMPLOYMENT_UNITS)
    out, was_series = _to_wide(output, what="output")
    assumptions: list[str] = []
    if isinstance(employment, EmploymentPath):
        if employment.unit != employment_unit:
            raise ValueError(
                f"employment_unit={employment_unit!r} but the employment path is in "
                f"{employment.unit!r}; pass employment_unit={employment.unit!r}"
            )
        emp, _ = _to_wide(employment.values, what="employment")
        assumed, _ = _to_wide(employment.assumed.astype(float), what="employment flags")
        assumptions += employment.assumptions
    else:
        emp, _ = _to_wide(employment, what="employment")
        assumed = pd.DataFrame(0.0, index=emp.index, columns=emp.columns)
    if was_series:
        if emp.shape[1] != 1:
            raise ValueError("output is one series, so employment must be one series too")
        emp.columns = assumed.columns = out.columns
    else:
        _same_columns(out, emp, what_a="output", what_b="employment")
    emp = emp.reindex(index=out.index, columns=out.columns)
    missing = _missing_by_column(emp)
    if missing:
        raise MissingEmploymentError(missing, what="labour_productivity")
    if (emp <= 0).any().any():
        raise ValueError("employment must be positive in every year and sector")
    assumed = assumed.reindex(index=out.index, columns=out.columns).fillna(0.0).astype(bool)
    out_m_vnd = out * output_scale
    persons = emp * employment_scale
    frame = _long(
        {
            "output_m_vnd": out_m_vnd,
            "employment_persons": persons,
            f"lp_{basis}": out_m_vnd / persons,
            "employment_assumed": assumed,
        },
        was_series,
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


def _levels_input(
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
        wide, was_series = _to_wide(levels.levels, what="levels")
        flags, _ = _to_wide(levels.employment_assumed.astype(float), what="flags")
        return wide, was_series, flags.astype(bool), levels.assumptions
    wide, was_series = _to_wide(levels, what="levels")
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
    wide, was_series, flags, assumptions = _levels_input(levels, basis)
    if (wide <= 0).any().any():
        raise ValueError("levels must be positive to compute growth rates")
    full_years = pd.RangeIndex(wide.index.min(), wide.index.max() + 1, name="year")
    full = wide.reindex(full_years)
    rates = (100.0 * (full / full.shift(1) - 1.0)).reindex(wide.index)
    columns = {f"level_{basis}": wide, f"growth_{basis}_pct": rates}
    if flags is not None:
        full_flags = flags.reindex(full_years, fill_value=False).astype(bool)
        either = (full_flags | full_flags.shift(1, fill_value=False)).reindex(wide.index)
        columns["employment_assumed"] = either
    gaps = [int(y) for y in wide.index[1:] if y - 1 not in wide.index]
    if gaps:
        assumptions = [*assumptions, f"no growth for {gaps}: the previous year is not observed"]
    frame = _long(columns, was_series)
    if "employment_assumed" in frame:
        frame["employment_assumed"] = frame["employment_assumed"].astype(bool)
    meta = make_meta(
        method="year-on-year change of levels",
        basis=basis,
        assumptions=assumptions,
        unit="pct",
    )
    return GrowthRates(name=f"year-on-year growth ({basis})", frame=frame, meta=meta)


def _index_from_rates(rates: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Cumulative index (start = 1) from yearly rates; raises naming missing years."""
    years = pd.RangeIndex(start + 1, end + 1)
    window = rates.reindex(years)
    missing = _missing_by_column(window)
    if missing:
        raise ValueError(
            f"yearly rates are needed for every year {start + 1}-{end}; missing: {missing}"
        )
    factors = 1.0 + window / 100.0
    if (factors <= 0).any().any():
        raise ValueError("growth rates must be above -100%")
    return pd.concat([pd.DataFrame(1.0, index=[start], columns=rates.columns), factors.cumprod()])


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
        wide, _, _, assumptions = _levels_input(values, basis)
        ends = wide.reindex([start, end])
        missing = _missing_by_column(ends)
        if missing:
            raise ValueError(f"levels are needed in {start} and {end}; missing: {missing}")
        if (ends <= 0).any().any():
            raise ValueError("levels must be positive")
        ratio = ends.loc[end] / ends.loc[start]
    else:
        if isinstance(values, EstimateResult):
            raise TypeError("kind='growth_pct' takes a Series or DataFrame of yearly rates")
        wide, _ = _to_wide(values, what="growth rates")
        assumptions = []
        ratio = _index_from_rates(wide, start, end).loc[end]
    cagr = 100.0 * (ratio ** (1.0 / (end - start)) - 1.0)
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
    wide, was_series = _to_wide(growth_pct, what="growth_pct")
    later = wide.index[wide.index > base_year]
    if later.empty:
        raise ValueError(f"growth_pct has no year after base_year={base_year}")
    levels = base_level * _index_from_rates(wide, base_year, int(later.max()))
    levels.index.name = "year"
    flags = pd.DataFrame(False, index=levels.index, columns=levels.columns)
    frame = _long({f"lp_{basis}": levels, "employment_assumed": flags}, was_series)
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


# --------------------------------------------------------------------------- targets


def _check_milestones(milestones: Mapping[int, float]) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(milestones, Mapping) or not milestones:
        raise ValueError("milestones must be a non-empty mapping {year: rate_pct}")
    years = np.array(sorted(int(y) for y in milestones), dtype=np.int64)
    by_year = {int(y): r for y, r in milestones.items()}
    rates = np.array([_check_rate(f"milestones[{y}]", by_year[y]) for y in years])
    return years, rates


def target_path(
    base_level: float,
    base_year: int,
    *,
    milestones: Mapping[int, float],
    basis: str,
) -> EstimateResult:
    r"""The minimum level path implied by "grow at least g % a year until year T".

    Milestones :math:`\{T_k: r_k\}` (sorted) apply rate :math:`r_k` to every year in
    :math:`(T_{k-1}, T_k]` (Resolution 03-NQ/TU's productivity targets, read from
    ``data/targets.csv`` with :func:`dxecon.targets.target_values`, give one rate per
    target year):

    .. math::

        L^{min}_t = L_{t_0} \prod_{u=t_0+1}^{t} \bigl(1 + r(u)/100\bigr), \qquad
        r(u) = r_k \text{ for } T_{k-1} < u \le T_k .

    A level on or above the path in year :math:`T_k` meets the compound-average reading
    of the target; the every-year reading also needs each year's growth to reach
    :math:`r(u)` (see :func:`assess_target`). For "g %/yr over the whole span" pass
    a single milestone ``{T: g}``.

    Parameters
    ----------
    base_level : float
        Level in the base year.
    base_year : int
        Milestones at or before it are not part of the path.
    milestones : mapping of int to float
        Target year -> minimum growth rate in per cent a year (the targets are data:
        ``dxecon.targets.target_values(registry, "lp_growth", ...)``).
    basis : {'nominal', 'real'}
        Basis of the level (the target text does not say; report both).

    Returns
    -------
    EstimateResult
        ``frame`` indexed by year (``base_year`` .. last milestone) with columns
        ``min_level_<basis>``, ``required_growth_<basis>_pct`` (NaN in the base year) and
        ``milestone`` (the milestone year whose rate applies).
    """
    basis = check_basis(basis)
    base_year = int(base_year)
    base_level = float(base_level)
    if not np.isfinite(base_level) or base_level <= 0:
        raise ValueError(f"base_level must be positive; got {base_level}")
    years, rates = _check_milestones(milestones)
    future = years > base_year
    if not future.any():
        raise ValueError(
            f"every milestone year {years.tolist()} is at or before base_year={base_year}"
        )
    dropped = years[~future].tolist()
    years, rates = years[future], rates[future]
    path_years = np.arange(base_year, years[-1] + 1)
    # Each year takes the rate of the first milestone on or after it.
    which = np.searchsorted(years, path_years[1:], side="left")
    yearly = np.concatenate([[np.nan], rates[which]])
    factors = np.concatenate([[1.0], np.cumprod(1.0 + rates[which] / 100.0)])
    frame = pd.DataFrame(
        {
            f"min_level_{basis}": base_level * factors,
            f"required_growth_{basis}_pct": yearly,
            "milestone": np.concatenate([[base_year], years[which]]),
        },
        index=pd.Index(path_years, name="year"),
    )
    assumptions = [
        "each milestone's rate applies to every year after the previous milestone, up to it",
        "the target text does not say real or nominal; the basis is the caller's choice",
    ]
    if dropped:
        assumptions.append(f"milestones {dropped} are at or before the base year: not used")
    meta = make_meta(
        method="minimum path: base level compounded at the milestone rates",
        basis=basis,
        assumptions=assumptions,
        milestones={int(y): float(r) for y, r in zip(years, rates, strict=True)},
    )
    return EstimateResult(name=f"minimum target path ({basis})", frame=frame, meta=meta)


def assess_target(
    observed: pd.Series | ProductivityLevels,
    *,
    base_year: int,
    rate: float,
    target_year: int,
    reading: str = "both",
    basis: str,
    kind: str = "levels",
) -> TargetAssessment:
    r"""Judge "grows at least ``rate`` % a year from ``base_year`` to ``target_year``".

    Two readings, reported side by side because the target text does not choose:

    * **every year**: :math:`g_t \ge r` for each observed year :math:`t` after the base;
      met so far if the weakest year reaches :math:`r`. Once a year falls short it can no
      longer be met.
    * **compound average**: :math:`(L_\ell/L_0)^{1/(\ell-t_0)} - 1 \ge r` at the latest
      observed year :math:`\ell`. The growth still needed each year from :math:`\ell` to
      the target year :math:`T` is, in closed form,

    .. math::

        g^{req} = \left(\frac{L_{t_0}(1+r)^{T-t_0}}{L_\ell}\right)^{1/(T-\ell)} - 1 .

    ``gap_pp`` is observed minus target (negative: short by that many percentage points).

    Parameters
    ----------
    observed : pandas.Series or ProductivityLevels
        Levels (``kind='levels'``, must include ``base_year``) or yearly growth in per cent
        (``kind='growth_pct'``, every year after ``base_year`` up to the latest).
    base_year, target_year : int
    rate : float
        Target growth, per cent a year (7.5 for 7.5 %).
    reading : {'both', 'every_year', 'compound_average'}
    basis : {'nominal', 'real'}
        Basis of ``observed``; the target text does not say, so assess both.
    kind : {'levels', 'growth_pct'}

    Returns
    -------
    TargetAssessment
        One row per reading with ``observed_<basis>_pct`` (weakest year or compound
        average), ``target_pct``, ``gap_pp``, ``met_so_far``, ``still_achievable``,
        ``required_<basis>_pct`` (per year from the latest observation to the target
        year), ``latest_year``, ``weakest_year`` and a plain ``verdict``.
    """
    basis = check_basis(basis)
    check_choice("reading", reading, ("both", *READINGS))
    check_choice("kind", kind, KINDS)
    rate = _check_rate("rate", rate)
    base_year, target_year = int(base_year), int(target_year)
    if base_year >= target_year:
        raise ValueError(f"base_year ({base_year}) must be before target_year ({target_year})")
    if kind == "levels":
        wide, _, _, assumptions = _levels_input(observed, basis)
        if wide.shape[1] != 1:
            raise ValueError(
                f"assess_target judges one series; got {wide.shape[1]} columns "
                f"{list(wide.columns)}: pass one sector at a time"
            )
        series = wide.iloc[:, 0].dropna()
        if base_year not in series.index:
            raise ValueError(f"the base-year level ({base_year}) is not in the observed levels")
        if (series <= 0).any():
            raise ValueError("levels must be positive")
        series = series[(series.index >= base_year) & (series.index <= target_year)]
        index = series / series.loc[base_year]
    else:
        if not isinstance(observed, pd.Series):
            raise TypeError("kind='growth_pct' takes a Series of yearly growth rates (%)")
        wide, _ = _to_wide(observed, what="observed growth")
        assumptions = []
        rates = wide.iloc[:, 0].dropna()
        rates = rates[(rates.index > base_year) & (rates.index <= target_year)]
        if rates.empty:
            raise ValueError(f"no growth rate observed after base_year={base_year}")
        index = _index_from_rates(rates.to_frame(), base_year, int(rates.index.max())).iloc[:, 0]
    latest = int(index.index.max())
    if latest == base_year:
        raise ValueError(f"nothing observed after base_year={base_year} up to {target_year}")
    steps_left = target_year - latest
    rows = {}
    if reading in ("both", "every_year"):
        yearly = 100.0 * (index / index.shift(1) - 1.0)
        yearly = yearly.reindex(range(base_year + 1, latest + 1))
        missing = [int(y) for y in yearly.index[yearly.isna()]]
        weakest = yearly.min()
        weakest_year = int(yearly.idxmin()) if yearly.notna().any() else None
        failed = bool(weakest < rate - _TOLERANCE_PP)
        if missing and not failed:
            met, achievable = pd.NA, pd.NA
            verdict = f"cannot be assessed: no yearly growth for {missing}"
        else:
            met, achievable = not failed, not failed
            verdict = (
                f"missed: growth was {weakest:.2f}% in {weakest_year}, below {rate:g}%"
                if failed
                else f"met so far: every year {base_year + 1}-{latest} grew at least {rate:g}%"
            )
        rows["every_year"] = {
            f"observed_{basis}_pct": weakest,
            "gap_pp": weakest - rate,
            "met_so_far": met,
            "still_achievable": achievable,
            f"required_{basis}_pct": rate if (not failed and steps_left > 0) else np.nan,
            "weakest_year": weakest_year,
            "verdict": verdict,
        }
    if reading in ("both", "compound_average"):
        achieved = 100.0 * (index.loc[latest] ** (1.0 / (latest - base_year)) - 1.0)
        met = bool(achieved >= rate - _TOLERANCE_PP)
        if steps_left > 0:
            needed = (1.0 + rate / 100.0) ** (target_year - base_year) / index.loc[latest]
            required = 100.0 * (needed ** (1.0 / steps_left) - 1.0)
            verdict = (
                f"{'on track' if met else 'behind'}: {achieved:.2f}% a year {base_year}-"
                f"{latest}; {required:.2f}% a year needed {latest}-{target_year}"
            )
        else:
            required = np.nan
            verdict = f"{'met' if met else 'missed'}: {achieved:.2f}% a year {base_year}-{latest}"
        rows["compound_average"] = {
            f"observed_{basis}_pct": achieved,
            "gap_pp": achieved - rate,
            "met_so_far": met,
            "still_achievable": bool(met or steps_left > 0),
            f"required_{basis}_pct": required,
            "weakest_year": None,
            "verdict": verdict,
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "reading"
    frame.insert(1, "target_pct", rate)
    for column in ("met_so_far", "still_achievable"):
        frame[column] = frame[column].astype("boolean")
    frame["weakest_year"] = frame["weakest_year"].astype("Int64")
    frame["base_year"], frame["latest_year"], frame["target_year"] = base_year, latest, target_year
    meta = make_meta(
        method="every-year and compound-average readings of a minimum growth rate",
        basis=basis,
        assumptions=[
            *assumptions,
            "the target text does not say real or nominal, nor which reading; both are shown",
        ],
        unit="pct",
    )
    return TargetAssessment(
        name=f"growth target {rate:g}%/yr {base_year}-{target_year} ({basis})",
        frame=frame,
        meta=meta,
    )


# --------------------------------------------------------------------------- shift-share


def _by_year_frame(values: pd.DataFrame | Mapping[int, pd.Series], *, what: str) -> pd.DataFrame:
    if isinstance(values, Mapping):
        if not all(isinstance(v, pd.Series) for v in values.values()):
            raise TypeError(f"{what}: a mapping must be {{year: Series indexed by sector}}")
        values = pd.DataFrame({year: series for year, series in values.items()}).T
    if not isinstance(values, pd.DataFrame):
        raise TypeError(
            f"{what} must be a DataFrame (year x sector) or a mapping {{year: Series by "
            f"sector}}; got {type(values).__name__}"
        )
    wide, _ = _to_wide(values, what=what)
    return wide


def shift_share(
    value_added: pd.DataFrame | Mapping[int, pd.Series],
    employment: pd.DataFrame | Mapping[int, pd.Series],
    *,
    basis: str,
    form: str = "three_term",
    start: int | None = None,
    end: int | None = None,
) -> ShiftShareResult:
    r"""Shift-share decomposition of the change in aggregate labour productivity.

    With sector productivity :math:`y_i = VA_i/E_i`, employment shares
    :math:`\theta_i = E_i / \sum_j E_j` and aggregate productivity
    :math:`Y = \sum_i VA_i / \sum_i E_i = \sum_i \theta_i y_i`, the change from period 0
    to period 1 splits exactly as

    **three-term** (``form='three_term'``):

    .. math::

        \Delta Y = \underbrace{\sum_i \theta_{i0}\,\Delta y_i}_{\text{within}}
                 + \underbrace{\sum_i y_{i0}\,\Delta\theta_i}_{\text{structural (static)}}
                 + \underbrace{\sum_i \Delta y_i\,\Delta\theta_i}_{\text{interaction (dynamic)}}

    **two-term** (``form='two_term'``, McMillan and Rodrik 2011):

    .. math::

        \Delta Y = \underbrace{\sum_i \theta_{i0}\,\Delta y_i}_{\text{within}}
                 + \underbrace{\sum_i y_{i1}\,\Delta\theta_i}_{\text{reallocation}}

    Both are identities: the terms sum to :math:`\Delta Y` up to floating-point rounding.
    Dividing by :math:`Y_0` gives contributions to growth (``aggregate``, in pp).

    Parameters
    ----------
    value_added, employment : pandas.DataFrame or mapping of int to pandas.Series
        Year x sector frames, or ``{year: Series indexed by sector}`` (two years are
        enough). Value added at constant prices for ``basis='real'``. Employment must be
        positive in every sector; any unit, the same in every year.
    basis : {'nominal', 'real'}
    form : {'three_term', 'two_term'}
    start, end : int, optional
        Decompose the change between these two years. Default: every pair of consecutive
        rows (years) in the data, in one vectorised pass.

    Returns
    -------
    ShiftShareResult
        ``frame`` indexed by (start, end, sector) with one column per term and ``total``;
        the rows with ``sector == 'total'`` sum over sectors. ``aggregate`` has, per
        period, ``lp_start``, ``lp_end``, ``change``, ``growth_pct`` and each term in pp.

    Raises
    ------
    MissingEmploymentError
        Employment missing for a year used (the message names years and sectors).
    ValueError
        Unknown ``form``/basis, sectors that differ, non-positive employment.
    """
    basis = check_basis(basis)
    check_choice("form", form, FORMS)
    va = _by_year_frame(value_added, what="value_added")
    emp = _by_year_frame(employment, what="employment")
    _same_columns(va, emp, what_a="value_added", what_b="employment")
    if "total" in va.columns:
        raise ValueError("'total' is reserved for the economy-wide rows; pass sectors only")
    emp = emp.reindex(index=va.index, columns=va.columns)
    if (start is None) != (end is None):
        raise ValueError("give both start and end, or neither (consecutive years)")
    if start is not None:
        start, end = int(start), int(end)
        if start >= end:
            raise ValueError(f"start must be before end; got {start}, {end}")
        absent = [y for y in (start, end) if y not in va.index]
        if absent:
            raise ValueError(f"value_added has no row for {absent}; years: {va.index.tolist()}")
        starts, ends = np.array([start]), np.array([end])
    else:
        if len(va.index) < 2:
            raise ValueError("need at least two years of value added to decompose a change")
        starts, ends = va.index.to_numpy()[:-1], va.index.to_numpy()[1:]
    used = sorted(set(starts.tolist()) | set(ends.tolist()))
    missing = _missing_by_column(emp.loc[used])
    if missing:
        raise MissingEmploymentError(missing, what="shift_share")
    if va.loc[used].isna().any().any():
        raise ValueError(f"value_added is missing: {_missing_by_column(va.loc[used])}")
    if (emp.loc[used] <= 0).any().any():
        raise ValueError("employment must be positive in every sector and year used")
    # Arrays are (periods, sectors): every period is decomposed in one pass.
    va0, va1 = va.loc[starts].to_numpy(), va.loc[ends].to_numpy()
    e0, e1 = emp.loc[starts].to_numpy(), emp.loc[ends].to_numpy()
    y0, y1 = va0 / e0, va1 / e1
    theta0 = e0 / e0.sum(axis=1, keepdims=True)
    theta1 = e1 / e1.sum(axis=1, keepdims=True)
    dy, dtheta = y1 - y0, theta1 - theta0
    if form == "three_term":
        terms = {
            "within": theta0 * dy,
            "structural": y0 * dtheta,
            "interaction": dy * dtheta,
        }
    else:
        terms = {"within": theta0 * dy, "reallocation": y1 * dtheta}
    sectors = [*va.columns, "total"]
    columns = {
        name: np.column_stack([values, values.sum(axis=1)]).ravel()
        for name, values in terms.items()
    }
    periods = len(starts)
    index = pd.MultiIndex.from_arrays(
        [
            np.repeat(starts, len(sectors)),
            np.repeat(ends, len(sectors)),
            np.tile(sectors, periods),
        ],
        names=["start", "end", "sector"],
    )
    frame = pd.DataFrame(columns, index=index)
    frame["total"] = frame[list(terms)].sum(axis=1)
    lp0 = va0.sum(axis=1) / e0.sum(axis=1)
    lp1 = va1.sum(axis=1) / e1.sum(axis=1)
    aggregate = pd.DataFrame(
        {"lp_start": lp0, "lp_end": lp1, "change": lp1 - lp0, "growth_pct": 100 * (lp1 / lp0 - 1)},
        index=pd.MultiIndex.from_arrays([starts, ends], names=["start", "end"]),
    )
    for name, values in terms.items():
        aggregate[f"{name}_pp"] = 100.0 * values.sum(axis=1) / lp0
    meta = make_meta(
        method=f"shift-share decomposition, {form.replace('_', '-')} form",
        basis=basis,
        assumptions=[
            f"value added at {PRICES[basis]}",
            "terms are in the units of value added per employed person",
        ],
        terms=list(terms),
        form=form,
    )
    return ShiftShareResult(
        name=f"shift-share of labour productivity ({basis}, {form.replace('_', '-')})",
        frame=frame,
        meta=meta,
        aggregate=aggregate,
    )
