"""Annual series in, annual series out: index conversion, gaps, lengths, warnings.

statsmodels needs a PeriodIndex with an annual frequency: a plain ``int64`` index of years
triggers "An unsupported index was provided" and then ``ValueError: No supported index is
available`` on ``.forecast()`` (see ``baseline_perf.md`` 3.5). Every model therefore goes
through :func:`to_annual` before statsmodels sees the data.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

from dxecon.core.errors import DxeconError

__all__ = [
    "SeriesGapError",
    "SeriesTooShortError",
    "contiguous_tail",
    "missing_years",
    "to_annual",
    "to_int_years",
]


class SeriesTooShortError(DxeconError, ValueError):
    """A model was given fewer annual observations than it needs.

    Attributes
    ----------
    model : str
        The model's name.
    n_points : int
        Observations the series has (gaps not counted).
    needed : int
        The model's minimum.
    """

    def __init__(self, *, model: str, n_points: int, needed: int) -> None:
        self.model = model
        self.n_points = n_points
        self.needed = needed
        super().__init__(
            f"{model} needs at least {needed} annual observations; the series has {n_points}"
        )


class NotPositiveError(DxeconError, ValueError):
    """A model on the log scale was given a value at or below zero (``years``: where)."""

    def __init__(self, *, model: str, years: list[int]) -> None:
        self.model = model
        self.years = [int(year) for year in years]
        super().__init__(f"{model} needs positive values; not positive in {self.years}")


def refusal(exc: Exception, **facts) -> dict:
    """Why a model was refused (``exc``), as the facts a reader's note is worded from
    (``{"code": ..., <facts>}``, `dxecon.present.notes`): ``too_short`` with the points
    needed and had, ``not_positive`` with the years at or below zero, else ``fit_failed``
    with the error's text."""
    if isinstance(exc, SeriesTooShortError):
        return {"code": "too_short", **facts, "needed": exc.needed, "points": exc.n_points}
    if isinstance(exc, NotPositiveError):
        return {"code": "not_positive", **facts, "years": exc.years}
    return {"code": "fit_failed", **facts, "error": str(exc)}


class SeriesGapError(DxeconError, ValueError):
    """A series has missing years inside its span and the method needs consecutive years.

    Attributes
    ----------
    missing_years : tuple of int
        The years with no value.
    """

    def __init__(self, missing: Iterable[int], *, who: str) -> None:
        self.missing_years = tuple(int(year) for year in missing)
        shown = ", ".join(map(str, self.missing_years))
        super().__init__(
            f"{who} needs consecutive years, but the series has no value for {shown}. "
            "Forecast a gap-free stretch (dxecon.models.forecast.contiguous_tail keeps the last "
            "one) or use a trend model (LogLinearTrend, LogitTrend), which fits the observed "
            "years."
        )


def _years_from_index(index: pd.Index) -> np.ndarray:
    """Calendar years of an index of int years, annual periods, dates or 'YYYY' strings."""
    if isinstance(index, pd.PeriodIndex):
        if not index.freqstr.startswith("Y"):
            raise TypeError(f"expected annual periods, got a PeriodIndex with freq {index.freqstr}")
        return np.asarray(index.year, dtype=np.int64)
    if isinstance(index, pd.DatetimeIndex):
        return np.asarray(index.year, dtype=np.int64)
    if pd.api.types.is_integer_dtype(index.dtype):
        return np.asarray(index, dtype=np.int64)
    as_text = pd.Index(index).astype(str)
    if as_text.str.fullmatch(r"\d{4}").all():
        return np.asarray(as_text.astype(int), dtype=np.int64)
    raise TypeError(
        "index must hold years: ints (2020), annual periods, dates or 'YYYY' strings; "
        f"got dtype {index.dtype} starting {list(index[:3])!r}"
    )


def _annual_index(first_year: int, n_years: int) -> pd.PeriodIndex:
    return pd.period_range(start=pd.Period(year=first_year, freq="Y"), periods=n_years)


def to_annual(series: pd.Series) -> pd.Series:
    """Return ``series`` as floats on a gap-explicit annual ``PeriodIndex`` (freq ``'Y'``).

    Parameters
    ----------
    series : pandas.Series
        Values indexed by year: ints (what the data layer returns), an annual
        ``PeriodIndex``, a ``DatetimeIndex`` (one value per year) or ``'YYYY'`` strings.

    Returns
    -------
    pandas.Series
        Float values on consecutive annual periods from the first to the last observed
        year. Years missing inside that span are present as NaN; leading and trailing NaN
        are dropped, because they are not gaps but the ends of the data.

    Raises
    ------
    TypeError
        If the index does not hold years.
    ValueError
        If a year appears twice or a value is infinite.
    """
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series indexed by year, got {type(series).__name__}")
    years = _years_from_index(series.index)
    values = pd.to_numeric(pd.Series(series.to_numpy(), copy=False), errors="raise").to_numpy(
        dtype=float, na_value=np.nan
    )
    duplicated = sorted(set(years[pd.Index(years).duplicated()].tolist()))
    if duplicated:
        raise ValueError(f"each year must appear once; repeated: {duplicated}")
    if np.isinf(values).any():
        raise ValueError(f"infinite values in years {sorted(years[np.isinf(values)].tolist())}")
    observed = ~np.isnan(values)
    if not observed.any():
        return pd.Series([], index=_annual_index(2000, 0), dtype=float, name=series.name)
    first, last = int(years[observed].min()), int(years[observed].max())
    by_year = pd.Series(values[observed], index=years[observed])
    full = by_year.reindex(range(first, last + 1))
    return pd.Series(
        full.to_numpy(dtype=float), index=_annual_index(first, len(full)), name=series.name
    )


def to_int_years(series: pd.Series) -> pd.Series:
    """Return an annual-period series re-indexed by int year (the data layer's convention)."""
    out = series.copy()
    out.index = pd.Index(_years_from_index(series.index), name="year")
    return out


def missing_years(series: pd.Series) -> list[int]:
    """Years inside the observed span that have no value.

    >>> import pandas as pd
    >>> missing_years(pd.Series([1.0, 2.0, 4.0], index=[2017, 2019, 2020]))
    [2018]
    """
    annual = to_annual(series)
    return [int(year) for year in annual.index.year[annual.isna().to_numpy()]]


def contiguous_tail(series: pd.Series) -> pd.Series:
    """The last run of consecutive observed years, indexed by int year.

    Use it when a series has gaps and the chosen method needs consecutive years: it keeps
    the most recent stretch, which is the one that matters for forecasting.

    >>> import pandas as pd
    >>> contiguous_tail(pd.Series([14.0, 16.7, 11.2], index=[2017, 2019, 2020])).index.tolist()
    [2019, 2020]
    """
    annual = to_annual(series)
    gaps = np.flatnonzero(annual.isna().to_numpy())
    start = gaps[-1] + 1 if gaps.size else 0
    return to_int_years(annual.iloc[start:])


def dedupe(messages: Iterable[str]) -> list[str]:
    """Messages in first-seen order, each once (statsmodels repeats warnings per call)."""
    return list(dict.fromkeys(messages))


#: Said when the optimiser stopped before converging, whoever noticed (a statsmodels
#: ConvergenceWarning or the fit's own ``converged`` flag): one sentence, so it is listed once.
NOT_CONVERGED = "the optimiser did not converge: the estimates are unreliable"

#: statsmodels' warnings in plain words: (category, start of the message, what it means).
#: An empty category or start matches any. Unknown warnings are kept, first line only.
PLAIN_WARNINGS = (
    ("ConvergenceWarning", "", NOT_CONVERGED),
    (
        "",
        "Non-stationary starting autoregressive",
        "the AR term's starting values were non-stationary; the fit started from zero",
    ),
    (
        "",
        "Non-invertible starting MA",
        "the MA term's starting values were non-invertible; the fit started from zero",
    ),
    (
        "",
        "Too few observations to estimate starting parameters",
        "too few observations for starting values; the fit started from zero",
    ),
    ("RuntimeWarning", "", "numerical trouble in the fit (overflow or division by zero)"),
)


def plain_warning(category: str, message: str) -> str:
    """A warning as a short sentence a reader can act on.

    >>> plain_warning("ConvergenceWarning", "Maximum Likelihood optimization failed")
    'the optimiser did not converge: the estimates are unreliable'
    >>> plain_warning("FutureWarning", "x is deprecated.\\nUse y.")
    'statsmodels warned (FutureWarning): x is deprecated.'
    """
    for known, start, meaning in PLAIN_WARNINGS:
        if category == (known or category) and message.startswith(start):
            return meaning
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    return f"statsmodels warned ({category}): {first_line}"


@contextmanager
def captured_warnings(into: list[str]) -> Iterator[None]:
    """Record every warning raised inside the block, in plain words, into ``into``.

    The warnings do not reach the caller: notebooks stay clean and nbval strict mode does
    not see stray stderr. ``simplefilter('always')`` is needed because a caller's
    ``'error'`` filter would otherwise turn statsmodels' warnings into exceptions, and the
    default ``'once'``-style filters would hide repeats from later fits. Each warning is
    put in words by :func:`plain_warning`.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            into.extend(plain_warning(w.category.__name__, str(w.message)) for w in caught)
