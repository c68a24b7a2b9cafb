r"""The digital economy's share of GRDP: structural estimates, sector shares, calibration.

Pure functions on pandas objects; nothing here reads files. GSO defines the digital
economy's share of GDP/GRDP as digital value added over GDP/GRDP, with digital value added
= core digital economy (ICT industries) + the digitised part of other industries (Circular
13/2021/TT-BKHĐT). Sector weights :math:`w_s` (share of GRDP) and sector digital
intensities :math:`d_s` (digital value added in sector :math:`s` over the sector's value
added) give it as a weighted sum:

.. math::

    \text{DE share} = \sum_s w_s\, d_s .

Units are explicit: every function taking weights or intensities asks whether they are in
per cent (``'pct'``, 0-100) or fractions (``'share'``, 0-1), because a fraction read as a
percentage passes every range check and is silently wrong by a factor of 100. Results are
always in per cent of GRDP (shares) or percentage points (contributions, changes).

Shares here are of value added at current prices (GSO practice), so results carry
``basis='nominal'``.

Functions
---------
structural_share           DE share from sector weights and sector digital intensities
sector_digital_share       a sector's digital share from its DE contribution and its weight
core_digitised_split       core + digitised = total, and each part's share of the total
period_average             average share over a span of years (GSO publishes these)
calibrate_intensity_scale  least-squares scale on intensities to match published shares

Sector shares against target floors are in :mod:`dxecon.models.estimation.sector_floors`; the
change (or gap) in the share split into structure and intensity effects in
:mod:`dxecon.models.estimation.decomposition`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dxecon.models.estimation.frames import (
    ONE,
    as_year_index,
    check_no_missing,
    check_same_columns,
    to_long,
    to_wide,
    unit_factor,
    where,
    wide_column,
)
from dxecon.models.estimation.result import EstimateResult, make_meta

__all__ = [
    "SHARE_UNITS",
    "WEIGHT_TOLERANCE_PP",
    "CalibrationResult",
    "SectorShares",
    "StructuralShare",
    "calibrate_intensity_scale",
    "core_digitised_split",
    "period_average",
    "sector_digital_share",
    "structural_share",
]

#: Units for weights and intensities, and the factor that turns them into per cent.
SHARE_UNITS = {"pct": 1.0, "share": 100.0}
#: Default slack, in percentage points, for sector weights to sum to 100 (published sector
#: structures are rounded to 2 decimals, so they add to 100 within a few hundredths).
WEIGHT_TOLERANCE_PP = 0.1
#: The price basis every share here is on, as stated in the results' assumptions.
CURRENT_PRICES = "shares of value added at current prices (GSO practice)"
#: How to repair weights and intensities that cover different sectors.
SECTORS_FIX = (
    "Add the missing sectors (an intensity of 0 is allowed, e.g. for product taxes) or drop "
    "them from the other input."
)


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True, eq=False)
class StructuralShare(EstimateResult):
    """A structural DE-share estimate: the total and each sector's contribution."""

    @property
    def total(self) -> float | pd.Series:
        """DE share, % of GRDP: a float, or a Series by year."""
        if isinstance(self.frame.index, pd.MultiIndex):
            return self.frame.xs("total", level="sector")["contribution_pp"].copy()
        return float(self.frame.at["total", "contribution_pp"])

    @property
    def contributions(self) -> pd.Series | pd.DataFrame:
        """Each sector's contribution :math:`w_s d_s`, in pp of GRDP (total row excluded)."""
        wide = wide_column(self.frame, "contribution_pp")
        if isinstance(wide, pd.DataFrame):
            return wide.drop(columns="total")
        return wide.drop("total")


@dataclass(frozen=True, eq=False)
class SectorShares(EstimateResult):
    """Digital share inside each sector, per cent of the sector's value added."""

    @property
    def shares(self) -> pd.Series | pd.DataFrame:
        return wide_column(self.frame, "digital_share_pct")


@dataclass(frozen=True, eq=False)
class CalibrationResult(EstimateResult):
    """A least-squares intensity scale and its fit to each published point.

    Attributes
    ----------
    scale : float
        The factor :math:`k` applied to the scaled sectors' intensities.
    calibrated_intensities : pandas.Series or pandas.DataFrame
        The intensities after scaling, per cent.
    """

    scale: float = field(kw_only=True, default=np.nan)
    calibrated_intensities: pd.Series | pd.DataFrame = field(
        kw_only=True, default_factory=pd.Series
    )


# --------------------------------------------------------------------------- validation


def _intensities_pct(values: pd.DataFrame, factor: float, unit: str, *, what: str) -> pd.DataFrame:
    check_no_missing(values, what=what)
    pct = values * factor
    bad = (pct < 0) | (pct > 100)
    if bad.any().any():
        r, c = (int(i[0]) for i in np.nonzero(bad.to_numpy()))
        value = values.iat[r, c]
        allowed = "0-100 (per cent)" if unit == "pct" else "0-1 (fraction)"
        raise ValueError(
            f"{what} of sector {values.columns[c]!r}{where(values.index[r])} is {value:g}; "
            f"allowed: {allowed}, since a sector's digital share cannot be negative or "
            "exceed its value added"
        )
    return pct


def _weights_pct(
    values: pd.DataFrame,
    factor: float,
    unit: str,
    *,
    normalise: bool,
    tolerance: float,
    what: str = "sector_weights",
) -> tuple[pd.DataFrame, list[str]]:
    check_no_missing(values, what=what)
    pct = values * factor
    if (pct < 0).any().any():
        r, c = (int(i[0]) for i in np.nonzero((pct < 0).to_numpy()))
        raise ValueError(
            f"{what} of sector {values.columns[c]!r}{where(values.index[r])} is "
            f"{values.iat[r, c]:g}; weights must be non-negative"
        )
    sums = pct.sum(axis=1)
    off = (sums - 100.0).abs() > tolerance
    notes = []
    if off.any() and not normalise:
        row = sums.index[off.to_numpy().argmax()]
        hint = ""
        if unit == "pct" and abs(sums[row] - 1.0) <= 0.05:
            hint = " They look like fractions: pass weights_unit='share'."
        raise ValueError(
            f"{what} sum to {sums[row] / factor:g}{where(row)} ({sums[row]:.4g}%); allowed: "
            f"100% within {tolerance:g} pp. A sector is probably missing (product taxes "
            f"are often left out).{hint} Add it, or pass normalise=True to rescale the "
            "weights to 100% (the rescaling is recorded in the result's assumptions)."
        )
    if normalise:
        rescaled = sums[(sums - 100.0).abs() > 1e-12]
        if (sums <= 0).any():
            raise ValueError(f"{what} sum to 0; cannot normalise")
        pct = pct.div(sums, axis=0) * 100.0
        if len(rescaled):
            shown = ", ".join(f"{s:.4g}%{where(r)}" for r, s in rescaled.items())
            notes.append(f"sector weights rescaled to sum to 100% (they summed to {shown})")
    return pct, notes


def _broadcast(
    a: pd.DataFrame, a_series: bool, b: pd.DataFrame, b_series: bool, *, what_a: str, what_b: str
) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """Align periods: a Series (one period) is applied to every year of a DataFrame."""
    if a_series and not b_series:
        a = pd.DataFrame(np.repeat(a.to_numpy(), len(b), axis=0), index=b.index, columns=a.columns)
    elif b_series and not a_series:
        b = pd.DataFrame(np.repeat(b.to_numpy(), len(a), axis=0), index=a.index, columns=b.columns)
    elif not a_series and not b_series:
        only_a = [int(y) for y in a.index if y not in b.index]
        only_b = [int(y) for y in b.index if y not in a.index]
        if only_a or only_b:
            raise ValueError(
                f"{what_a} and {what_b} must cover the same years; in {what_a} only: "
                f"{only_a}; in {what_b} only: {only_b}"
            )
        b = b.loc[a.index]
    return a, b, a_series and b_series


def _with_total(frame: pd.DataFrame, column: str, total: pd.Series) -> pd.DataFrame:
    out = frame.copy()
    out[column] = total
    return out


def share_inputs(
    sector_weights: pd.Series | pd.DataFrame,
    intensities: pd.Series | pd.DataFrame,
    weights_unit: str,
    intensity_unit: str,
    normalise: bool,
    tolerance: float,
    /,
) -> tuple[pd.DataFrame, pd.DataFrame, bool, list[str]]:
    """Validated weights and intensities in per cent, aligned (periods x sectors).

    Returns the weights, the intensities, whether both were one period (Series), and the
    notes on any rescaling of the weights. The arguments are those of
    :func:`structural_share`, positional so that every estimator passes them in one line.
    """
    w_factor = unit_factor("weights_unit", weights_unit, SHARE_UNITS)
    d_factor = unit_factor("intensity_unit", intensity_unit, SHARE_UNITS)
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a non-negative number of pp; got {tolerance}")
    w, w_series = to_wide(sector_weights, what="sector_weights", series="sectors")
    d, d_series = to_wide(intensities, what="intensities", series="sectors")
    check_same_columns(w, d, what_a="sector_weights", what_b="intensities", fix=SECTORS_FIX)
    d = d[w.columns]
    w, d, one_period = _broadcast(
        w, w_series, d, d_series, what_a="sector_weights", what_b="intensities"
    )
    d_pct = _intensities_pct(d, d_factor, intensity_unit, what="intensity")
    w_pct, notes = _weights_pct(w, w_factor, weights_unit, normalise=normalise, tolerance=tolerance)
    return w_pct, d_pct, one_period, notes


# --------------------------------------------------------------------------- estimators


def structural_share(
    sector_weights: pd.Series | pd.DataFrame,
    intensities: pd.Series | pd.DataFrame,
    *,
    weights_unit: str,
    intensity_unit: str,
    normalise: bool = False,
    tolerance: float = WEIGHT_TOLERANCE_PP,
) -> StructuralShare:
    r"""Digital-economy share of GRDP from sector weights and sector digital intensities.

    .. math::

        S = \sum_s w_s\, d_s, \qquad c_s = w_s\, d_s

    with :math:`w_s` sector :math:`s`'s share of GRDP (fraction; the weights sum to 1) and
    :math:`d_s` its digital intensity (digital value added over the sector's value added,
    per cent). :math:`S` is in per cent of GRDP and each contribution :math:`c_s` in
    percentage points. The ``total`` row's intensity is :math:`S` itself: the
    weight-averaged intensity.

    Parameters
    ----------
    sector_weights : pandas.Series or pandas.DataFrame
        By sector (Series) or by year and sector (DataFrame indexed by year). Include every
        component of GRDP, product taxes too, so that the weights sum to 100 %.
    intensities : pandas.Series or pandas.DataFrame
        Same sectors. A Series is applied to every year of a DataFrame of weights (e.g.
        national intensities on the city's changing structure).
    weights_unit, intensity_unit : {'pct', 'share'}
        Per cent (0-100) or fraction (0-1). Required: see the module notes.
    normalise : bool, default False
        Rescale weights that do not sum to 100 % (recorded in ``meta['assumptions']``).
        Without it such weights raise.
    tolerance : float, default 0.1
        Allowed deviation of the weights' sum from 100, in pp (rounding of published
        structures).

    Returns
    -------
    StructuralShare
        ``frame`` by sector (or year and sector) with ``weight_pct``, ``intensity_pct`` and
        ``contribution_pp``, plus a ``total`` row; :attr:`~StructuralShare.total` and
        :attr:`~StructuralShare.contributions`.

    Raises
    ------
    ValueError
        Intensities outside 0-100 %, negative or missing weights, weights not summing to
        100 % (unless ``normalise``), sectors or years present in one input only, unknown
        unit.
    """
    w, d, one_period, notes = share_inputs(
        sector_weights, intensities, weights_unit, intensity_unit, normalise, tolerance
    )
    contributions = w * d / 100.0
    share = contributions.sum(axis=1)
    frame = to_long(
        {
            "weight_pct": _with_total(w, "total", w.sum(axis=1)),
            "intensity_pct": _with_total(d, "total", share / w.sum(axis=1) * 100.0),
            "contribution_pp": _with_total(contributions, "total", share),
        },
        one_period,
        series="sectors",
    )
    meta = make_meta(
        method="structural: sum over sectors of GRDP weight x digital intensity",
        basis="nominal",
        assumptions=[CURRENT_PRICES, *notes],
        unit="pct of GRDP",
    )
    return StructuralShare(
        name="digital-economy share of GRDP (structural)", frame=frame, meta=meta
    )


def sector_digital_share(
    contribution_pp: pd.Series | pd.DataFrame, sector_weight: pd.Series | pd.DataFrame
) -> SectorShares:
    r"""Digital share inside each sector, from its DE contribution and its GDP weight.

    GSO publishes, per sector, the digital value added arising in the sector as a share of
    GDP (:math:`c_s`, indicator ``de_sector_contribution``) and the sector's share of GDP
    (:math:`w_s`, ``sector_share_grdp``), both in per cent of GDP. The digital share
    within the sector is their ratio:

    .. math::

        d_s = 100\,\frac{c_s}{w_s} \quad (\%\ \text{of the sector's value added}).

    Parameters
    ----------
    contribution_pp : pandas.Series or pandas.DataFrame
        :math:`c_s`, per cent of GDP, by sector (or year x sector).
    sector_weight : pandas.Series or pandas.DataFrame
        :math:`w_s`, per cent of GDP. Sectors without a contribution (e.g. product taxes)
        are left out, and the result says so.

    Returns
    -------
    SectorShares
        ``frame`` with ``contribution_pp``, ``weight_pct`` and ``digital_share_pct``.

    Raises
    ------
    ValueError
        A contribution for a sector without a weight, a weight that is not positive, a
        negative contribution, or a contribution larger than the sector (share > 100 %).
    """
    c, c_series = to_wide(contribution_pp, what="contribution_pp", series="sectors")
    w, w_series = to_wide(sector_weight, what="sector_weight", series="sectors")
    no_weight = [s for s in c.columns if s not in w.columns]
    if no_weight:
        raise ValueError(
            f"sectors {no_weight} have a DE contribution but no weight; weights are given "
            f"for {list(w.columns)}"
        )
    dropped = [s for s in w.columns if s not in c.columns]
    w = w[c.columns]
    c, w, one_period = _broadcast(
        c, c_series, w, w_series, what_a="contribution_pp", what_b="sector_weight"
    )
    check_no_missing(c, what="contribution_pp")
    check_no_missing(w, what="sector_weight")
    if (w <= 0).any().any():
        r, col = (int(i[0]) for i in np.nonzero((w <= 0).to_numpy()))
        raise ValueError(
            f"sector_weight of {w.columns[col]!r}{where(w.index[r])} is {w.iat[r, col]:g}; "
            "allowed: a positive share of GDP in per cent"
        )
    share = c / w * 100.0
    _intensities_pct(share, 1.0, "pct", what="digital share (contribution / weight)")
    frame = to_long(
        {"contribution_pp": c, "weight_pct": w, "digital_share_pct": share},
        one_period,
        series="sectors",
    )
    notes = [CURRENT_PRICES]
    if dropped:
        notes.append(f"no DE contribution given for {dropped}: not estimated")
    meta = make_meta(
        method="sector DE contribution (% of GDP) / sector share of GDP (%)",
        basis="nominal",
        assumptions=notes,
        unit="pct of sector value added",
    )
    return SectorShares(name="digital share within sectors", frame=frame, meta=meta)


def _as_period_frame(values: float | pd.Series, *, what: str) -> pd.Series:
    if isinstance(values, pd.Series):
        out = values.astype(float).copy()
        out.index = as_year_index(out.index, what=what)
        return out
    if np.isscalar(values):
        return pd.Series([float(values)], index=pd.Index([ONE], name="year"))
    raise TypeError(f"{what} must be a number or a Series indexed by year")


def core_digitised_split(
    core: float | pd.Series,
    digitised: float | pd.Series,
    *,
    published_total: float | pd.Series | None = None,
) -> EstimateResult:
    r"""Total DE share from its two GSO parts, and each part's share of the total.

    .. math::

        S = S^{core} + S^{dig}, \qquad
        \text{core share of DE} = 100\,\frac{S^{core}}{S}

    GSO 2023: 7.42 + 4.91 = 12.33 % of GDP, core 60.18 % of the DE (published 60.19 %,
    from unrounded parts). Published parts are rounded, so a published total can differ
    from the sum by 0.01-0.02 pp (Dec-2023 vintage: 7.77 + 4.91 = 12.68 against 12.67);
    pass ``published_total`` to see the rounding residual.

    Parameters
    ----------
    core, digitised : float or pandas.Series
        Per cent of GDP/GRDP; Series indexed by year must cover the same years.
    published_total : float or pandas.Series, optional
        The published total, for the ``rounding_residual_pp`` column (published - sum).

    Returns
    -------
    EstimateResult
        ``frame`` with ``core_pct``, ``digitised_pct``, ``total_pct``,
        ``core_share_of_de_pct``, ``digitised_share_of_de_pct`` (and the published total
        and residual when given).
    """
    core_s = _as_period_frame(core, what="core")
    dig_s = _as_period_frame(digitised, what="digitised")
    if not core_s.index.equals(dig_s.index):
        raise ValueError(
            f"core and digitised must cover the same years; core: {core_s.index.tolist()}, "
            f"digitised: {dig_s.index.tolist()}"
        )
    both = pd.DataFrame({"core_pct": core_s, "digitised_pct": dig_s})
    if both.isna().any().any() or (both < 0).any().any() or (both > 100).any().any():
        raise ValueError(f"core and digitised must be per cent of GDP in 0-100; got\n{both}")
    both["total_pct"] = both["core_pct"] + both["digitised_pct"]
    if (both["total_pct"] <= 0).any():
        raise ValueError("core + digitised is 0; the parts' shares of the total are undefined")
    both["core_share_of_de_pct"] = 100.0 * both["core_pct"] / both["total_pct"]
    both["digitised_share_of_de_pct"] = 100.0 * both["digitised_pct"] / both["total_pct"]
    if published_total is not None:
        published = _as_period_frame(published_total, what="published_total")
        if not published.index.equals(both.index):
            raise ValueError("published_total must cover the same years as core and digitised")
        both["published_total_pct"] = published
        both["rounding_residual_pp"] = published - both["total_pct"]
    meta = make_meta(
        method="GSO: DE value added = core digital economy + digitised part of other industries",
        basis="nominal",
        assumptions=[CURRENT_PRICES],
        unit="pct of GDP",
    )
    return EstimateResult(name="digital economy: core and digitised parts", frame=both, meta=meta)


def period_average(
    series: pd.Series, start: int, end: int, *, weights: pd.Series | None = None
) -> float:
    r"""Average of an annual share over the years ``start`` .. ``end`` (inclusive).

    Unweighted (GSO's published period averages, e.g. 12.88 % for 2020-2024, are simple
    means of the annual shares), or weighted by e.g. GDP at current prices, which gives the
    share of the period's total value added:

    .. math::

        \bar S = \frac{1}{n}\sum_{t=start}^{end} S_t
        \qquad\text{or}\qquad
        \bar S_w = \frac{\sum_t w_t S_t}{\sum_t w_t}.

    Every year of the span must be present: an average over the years that happen to be
    published is not the average GSO reports.

    Parameters
    ----------
    series : pandas.Series
        Annual values indexed by year. Take one vintage only (one release): GSO revises
        past years, and mixing releases reproduces none of them.
    start, end : int
    weights : pandas.Series, optional
        Non-negative weights by year (same span).

    Returns
    -------
    float
    """
    start, end = int(start), int(end)
    if start > end:
        raise ValueError(f"start must not be after end; got {start}, {end}")
    values = _as_period_frame(series, what="series")
    span = pd.RangeIndex(start, end + 1)
    window = values.reindex(span)
    missing = [int(y) for y in span[window.isna().to_numpy()]]
    if missing:
        raise ValueError(f"series has no value for {missing} (needed: every year {start}-{end})")
    if weights is None:
        return float(window.mean())
    w = _as_period_frame(weights, what="weights").reindex(span)
    if w.isna().any() or (w < 0).any() or w.sum() <= 0:
        raise ValueError(
            f"weights must be non-negative for every year {start}-{end}, not all zero; got "
            f"{w.to_dict()}"
        )
    return float((window * w).sum() / w.sum())


def calibrate_intensity_scale(
    sector_weights: pd.Series | pd.DataFrame,
    intensities: pd.Series | pd.DataFrame,
    published: pd.Series,
    *,
    weights_unit: str,
    intensity_unit: str,
    sectors: Sequence[str] | None = None,
    normalise: bool = False,
    tolerance: float = WEIGHT_TOLERANCE_PP,
) -> CalibrationResult:
    r"""The scale on sector intensities that best reproduces published DE shares.

    Split the structural estimate of year :math:`t` into the contribution of the sectors
    to be scaled, :math:`B_t = \sum_{s\in K} w_{st} d_{st}`, and of the others,
    :math:`A_t`. Scaling the intensities in :math:`K` by :math:`k` gives
    :math:`\hat S_t = A_t + k B_t`; least squares against the published shares
    :math:`P_t` has the closed form

    .. math::

        \hat k = \frac{\sum_t B_t (P_t - A_t)}{\sum_t B_t^2},
        \qquad e_t = P_t - A_t - \hat k B_t .

    With all sectors scaled (:math:`A = 0`) this is :math:`\sum B P / \sum B^2`. With one
    published point the scale is exactly identified: the residual is zero by
    construction and says nothing about fit (the result notes it).

    Parameters
    ----------
    sector_weights, intensities : pandas.Series or pandas.DataFrame
        As in :func:`structural_share`. DataFrames (indexed by year) must cover every
        published year; a Series applies to all of them.
    published : pandas.Series
        Published DE share by year, per cent of GRDP (one method and one vintage: never
        mix GSO and MIC figures).
    weights_unit, intensity_unit : {'pct', 'share'}
    sectors : sequence of str, optional
        Sectors whose intensity is scaled; default all.
    normalise, tolerance
        As in :func:`structural_share`.

    Returns
    -------
    CalibrationResult
        ``scale``; ``calibrated_intensities``; ``frame`` by published year with
        ``published_pct``, ``structural_pct`` (unscaled), ``fixed_part_pp`` (:math:`A`),
        ``scaled_part_pp`` (:math:`B`), ``estimated_pct`` and ``residual_pp``;
        ``meta['rmse_pp']`` and ``meta['diagnostics']``.
    """
    if not isinstance(published, pd.Series):
        raise TypeError("published must be a pandas Series of shares (%) indexed by year")
    target = published.astype(float).dropna()
    target.index = as_year_index(target.index, what="published")
    if target.empty:
        raise ValueError("published has no values to calibrate against")
    w, d, one_period, notes = share_inputs(
        sector_weights, intensities, weights_unit, intensity_unit, normalise, tolerance
    )
    if one_period:
        w = pd.DataFrame(
            np.repeat(w.to_numpy(), len(target), axis=0), index=target.index, columns=w.columns
        )
        d = pd.DataFrame(
            np.repeat(d.to_numpy(), len(target), axis=0), index=target.index, columns=d.columns
        )
    else:
        absent = [int(y) for y in target.index if y not in w.index]
        if absent:
            raise ValueError(
                f"no sector weights/intensities for published years {absent}; they cover "
                f"{w.index.tolist()}"
            )
        w, d = w.loc[target.index], d.loc[target.index]
    scaled = list(w.columns) if sectors is None else [str(s) for s in sectors]
    unknown = [s for s in scaled if s not in w.columns]
    if unknown or not scaled:
        raise ValueError(f"sectors {unknown or scaled} are not among {list(w.columns)}")
    in_k = w.columns.isin(scaled)
    contributions = (w * d / 100.0).to_numpy()
    fixed = contributions[:, ~in_k].sum(axis=1)
    movable = contributions[:, in_k].sum(axis=1)
    p = target.to_numpy()
    denominator = float(movable @ movable)
    if denominator == 0.0:
        raise ValueError(f"the sectors to scale {scaled} contribute nothing: no scale fits")
    scale = float(movable @ (p - fixed)) / denominator
    estimated = fixed + scale * movable
    frame = pd.DataFrame(
        {
            "published_pct": p,
            "structural_pct": fixed + movable,
            "fixed_part_pp": fixed,
            "scaled_part_pp": movable,
            "estimated_pct": estimated,
            "residual_pp": p - estimated,
        },
        index=target.index,
    )
    calibrated = d.copy()
    calibrated.loc[:, in_k] = d.loc[:, in_k] * scale
    diagnostics = []
    if len(target) == 1:
        diagnostics.append(
            "one published point for one parameter: exactly identified, the residual is zero "
            "by construction and is no evidence of fit"
        )
    too_high = calibrated.columns[(calibrated > 100.0).any(axis=0).to_numpy()].tolist()
    if too_high:
        diagnostics.append(
            f"scaled intensities exceed 100% for {too_high}: the structure cannot reproduce "
            "the published share by scaling these sectors alone"
        )
    if scale < 0:
        diagnostics.append("negative scale: the other sectors alone exceed the published share")
    if one_period:
        calibrated = calibrated.iloc[0]
        calibrated.name = None
    rmse = float(np.sqrt(np.mean((p - estimated) ** 2)))
    meta = make_meta(
        method="least squares (closed form) of published shares on scaled structural shares",
        basis="nominal",
        assumptions=[
            CURRENT_PRICES,
            f"one common scale {scale:.6g} on the intensities of {scaled}",
            *notes,
        ],
        unit="pct of GRDP",
        scale=scale,
        scaled_sectors=scaled,
        n_points=len(target),
        rmse_pp=rmse,
        diagnostics=diagnostics,
    )
    return CalibrationResult(
        name="intensity scale calibrated to published shares",
        frame=frame,
        meta=meta,
        scale=scale,
        calibrated_intensities=calibrated,
    )
