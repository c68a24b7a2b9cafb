"""The shared input helpers of the estimators: argument checks, year indexes, wide and long
frames, units, missing values.

Every estimator takes pandas objects in one of two shapes and turns them into a float
*wide* frame (rows = years, columns = sectors) before computing, then back into a tidy
*long* frame for its result:

* a **DataFrame** indexed by year, one column per sector;
* a **Series**, which is either one period indexed by sector (``series='sectors'``: the
  digital-share estimators, where the inputs are a year's structure) or one territory
  indexed by year (``series='years'``: the productivity estimators, where the inputs are
  time series).

Every bad option, year label, unit or sector list fails here with the same kind of
message: what was given, what is allowed, and how to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "ONE",
    "as_year_index",
    "check_basis",
    "check_choice",
    "check_no_missing",
    "check_rate",
    "check_same_columns",
    "missing_by_column",
    "to_long",
    "to_wide",
    "unit_factor",
    "where",
    "wide_column",
]

#: Row label (``series='sectors'``) or column label (``series='years'``) of a Series input.
ONE = "value"
#: How a Series input is read: one period by sector, or one territory by year.
SERIES_SHAPES = {
    "sectors": "a pandas Series indexed by sector",
    "years": "a pandas Series indexed by year",
}
_BASES = ("real", "nominal")


# --------------------------------------------------------------------------- argument checks


def check_choice(name: str, value: object, allowed: Sequence[object]) -> None:
    """Raise ``ValueError`` naming the argument, the bad value and the allowed values."""
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {shown}; got {value!r}")


def check_basis(basis: object) -> str:
    """Validate a price basis: ``'real'`` (constant 2010 prices) or ``'nominal'``."""
    check_choice("basis", basis, _BASES)
    return str(basis)


def check_rate(name: str, rate: float) -> float:
    """A growth rate in per cent: finite and above -100 (a level cannot fall below zero)."""
    rate = float(rate)
    if not np.isfinite(rate) or rate <= -100.0:
        raise ValueError(f"{name} must be a finite growth rate in per cent above -100; got {rate}")
    return rate


def unit_factor(name: str, unit: object, units: Mapping[str, float]) -> float:
    """The conversion factor of ``unit`` in ``units``; an unknown unit names the allowed."""
    check_choice(name, unit, list(units))
    return units[str(unit)]


# --------------------------------------------------------------------------- years


def as_year_index(index: pd.Index, *, what: str) -> pd.Index:
    """Integer years from an index of ints or year strings (``'2023'``), named ``year``.

    Sub-annual or multi-year periods (``'2023-H1'``, ``'2020/2024'``) are rejected: annual
    estimators would silently treat a half-year as a year.
    """
    try:
        years = np.asarray([int(str(label).strip()) for label in index], dtype=np.int64)
    except ValueError:
        bad = [label for label in index if not str(label).strip().lstrip("-").isdigit()]
        raise ValueError(
            f"{what} must be indexed by calendar years (int, e.g. 2023); got labels "
            f"{bad[:5]!r}. Select annual rows first (sub-annual and multi-year periods such "
            "as '2023-H1' or '2020/2024' are not years)."
        ) from None
    if len(set(years.tolist())) != len(years):
        dupes = sorted({int(y) for y in years if (years == y).sum() > 1})
        raise ValueError(f"{what} has duplicate years {dupes}; keep one value per year")
    return pd.Index(years, name="year")


def where(row: object) -> str:
    """`` in 2023`` for a year row, nothing for the single period of a Series input."""
    return "" if row == ONE else f" in {row}"


# --------------------------------------------------------------------------- wide and long


def to_wide(
    values: pd.Series | pd.DataFrame, *, what: str, series: str
) -> tuple[pd.DataFrame, bool]:
    """A float frame (years x sectors, sorted by year) and whether the input was a Series.

    ``series='sectors'``: a Series is one period by sector (one row labelled :data:`ONE`);
    ``series='years'``: a Series is one territory by year (one column labelled :data:`ONE`).
    """
    check_choice("series", series, list(SERIES_SHAPES))
    if isinstance(values, pd.Series):
        frame = values.to_frame(ONE)
        if series == "sectors":
            frame = frame.T
        else:
            frame.index = as_year_index(frame.index, what=what)
        was_series = True
    elif isinstance(values, pd.DataFrame):
        frame, was_series = values.copy(), False
        frame.index = as_year_index(frame.index, what=what)
    else:
        raise TypeError(
            f"{what} must be {SERIES_SHAPES[series]} or a DataFrame indexed by year with one "
            f"column per sector; got {type(values).__name__}"
        )
    frame.columns = [str(c) for c in frame.columns]
    if frame.columns.has_duplicates:
        raise ValueError(
            f"{what} has duplicate sectors: {frame.columns[frame.columns.duplicated()]}"
        )
    try:
        frame = frame.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numeric: {exc}") from None
    return (frame if series == "sectors" and was_series else frame.sort_index()), was_series


def to_long(columns: Mapping[str, pd.DataFrame], was_series: bool, *, series: str) -> pd.DataFrame:
    """Wide frames of one shape -> one tidy frame with a column per name.

    Rows are (year, sector); for a Series input, by sector (``series='sectors'``) or by
    year (``series='years'``). Built with numpy rather than ``stack`` so that NaN rows
    survive on every pandas version.
    """
    check_choice("series", series, list(SERIES_SHAPES))
    if was_series and series == "sectors":
        out = pd.DataFrame({name: wide.iloc[0] for name, wide in columns.items()})
        out.index.name = "sector"
        return out
    if was_series:
        return pd.DataFrame({name: wide.iloc[:, 0] for name, wide in columns.items()})
    first = next(iter(columns.values()))
    index = pd.MultiIndex.from_product([first.index, first.columns], names=["year", "sector"])
    return pd.DataFrame(
        {name: wide.to_numpy().ravel() for name, wide in columns.items()}, index=index
    )


def wide_column(frame: pd.DataFrame, column: str) -> pd.Series | pd.DataFrame:
    """One column of a long result frame, back as a Series or a year x sector frame."""
    if isinstance(frame.index, pd.MultiIndex):
        wide = frame[column].unstack("sector")
        wide.columns.name = None
        return wide
    return frame[column].copy()


# --------------------------------------------------------------------------- coverage


def check_same_columns(
    a: pd.DataFrame, b: pd.DataFrame, *, what_a: str, what_b: str, fix: str = ""
) -> None:
    """Raise naming the sectors present in one input only (``fix``: how to repair it)."""
    only_a = [c for c in a.columns if c not in b.columns]
    only_b = [c for c in b.columns if c not in a.columns]
    if only_a or only_b:
        raise ValueError(
            f"{what_a} and {what_b} must cover the same sectors; in {what_a} only: {only_a}; "
            f"in {what_b} only: {only_b}.{' ' + fix if fix else ''}"
        )


def missing_by_column(frame: pd.DataFrame) -> dict[str, list[int]]:
    """``{sector: [years with NaN]}`` for the sectors with a missing value."""
    return {
        str(col): [int(y) for y in frame.index[frame[col].isna()]]
        for col in frame.columns
        if frame[col].isna().any()
    }


def check_no_missing(frame: pd.DataFrame, *, what: str) -> None:
    """Raise naming the first missing (sector, year) cells."""
    if frame.isna().any().any():
        rows, cols = np.nonzero(frame.isna().to_numpy())
        labels = [
            f"{frame.columns[c]!r}{where(frame.index[r])}" for r, c in zip(rows, cols, strict=True)
        ]
        shown = ", ".join(labels[:10])
        raise ValueError(f"{what} is missing for {shown}; give a value for every sector")
