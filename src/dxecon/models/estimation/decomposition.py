r"""Decompositions: what moved a share or an average, split into exact additive effects.

Two decompositions with the same idea, an aggregate that is a weighted sum over sectors
whose change splits into a *structure* effect (the weights moved) and a *within* effect
(the sector values moved):

* the digital-economy share of GRDP, :math:`S = \sum_s w_s d_s` (sector weights times
  sector digital intensities), between two years or between two territories, e.g. the gap
  of a city to the nation (:func:`decompose_share_change`;
  :func:`dxecon.models.estimation.from_data.share_gap_to_nation` picks the published figures);
* aggregate labour productivity, :math:`Y = \sum_i \theta_i y_i` (employment shares
  times sector productivity), between two years (:func:`shift_share`).

Both are identities: the effects add up to the change exactly (up to floating-point
rounding), sector by sector. Pure functions on pandas objects; nothing here reads files.

Functions
---------
decompose_share_change  change in the DE share = structure effect + intensity effect
shift_share             within / structural / interaction decomposition of a change in
                        aggregate productivity (three-term or two-term form)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dxecon.models.estimation.digital_share import (
    CURRENT_PRICES,
    SECTORS_FIX,
    WEIGHT_TOLERANCE_PP,
    share_inputs,
)
from dxecon.models.estimation.frames import (
    check_basis,
    check_choice,
    check_same_columns,
    missing_by_column,
    to_wide,
)
from dxecon.models.estimation.productivity import PRICES, MissingEmploymentError
from dxecon.models.estimation.result import EstimateResult, make_meta

__all__ = [
    "SHARE_FORMS",
    "SHIFT_SHARE_FORMS",
    "ShareDecomposition",
    "ShiftShareResult",
    "decompose_share_change",
    "share_change_terms",
    "shift_share",
]

#: Forms of the share decomposition: symmetric two-term, or base-weighted with interaction.
SHARE_FORMS = ("shapley", "three_term")
#: Forms of the shift-share decomposition.
SHIFT_SHARE_FORMS = ("three_term", "two_term")
#: Names of the effects, for a reader (the frame's columns are ``<effect>_pp``).
EFFECT_NAMES = {
    "structure": "structure effect (sector weights)",
    "intensity": "intensity effect (digital share within sectors)",
    "interaction": "interaction (both moved)",
}


@dataclass(frozen=True, eq=False)
class ShareDecomposition(EstimateResult):
    """Change in the DE share by sector and effect; the ``total`` row sums the sectors.

    Like a statsmodels results object: the numbers as attributes (:attr:`share_start`,
    :attr:`share_end`, :attr:`change`, :attr:`components`), the sector table as
    :meth:`to_frame`, the effects with both shares as :meth:`components_table`, and
    everything in words in :meth:`summary`.
    """

    @property
    def totals(self) -> pd.Series:
        """The ``total`` row: each effect and the change, in pp of GRDP."""
        return self.frame.loc["total"].copy()

    @property
    def labels(self) -> tuple[str, str]:
        """What the two structures are (two years, or two territories)."""
        start, end = self.meta.get("labels") or ("start", "end")
        return str(start), str(end)

    @property
    def share_start(self) -> float:
        """The DE share of the first structure, % of GRDP."""
        return float(self.meta["share_start"])

    @property
    def share_end(self) -> float:
        """The DE share of the second structure, % of GRDP."""
        return float(self.meta["share_end"])

    @property
    def change(self) -> float:
        r""":math:`\Delta S`, pp of GRDP: the sum of :attr:`components`."""
        return float(self.frame.at["total", "change_pp"])

    @property
    def components(self) -> pd.Series:
        """The effects in total, pp of GRDP, indexed ``structure``, ``intensity`` (and
        ``interaction``); they add up to :attr:`change`."""
        effects = self.totals.drop("change_pp")
        effects.index = [name.removesuffix("_pp") for name in effects.index]
        effects.name = "pp of GRDP"
        return effects

    def components_table(self) -> pd.DataFrame:
        """From one share to the other: the first share, each effect, the second share."""
        start, end = self.labels
        rows = [(f"DE share, {start} (% of GRDP)", self.share_start)]
        rows += [(EFFECT_NAMES[name] + ", pp", value) for name, value in self.components.items()]
        rows.append((f"DE share, {end} (% of GRDP)", self.share_end))
        return pd.DataFrame(rows, columns=["component", "value"]).set_index("component")

    def summary(self) -> str:
        table = self.components_table().to_string(float_format=lambda v: f"{v:.6g}")
        return f"{super().summary()}\n\nFrom {self.labels[0]} to {self.labels[1]}:\n{table}"


def _check_labels(labels: tuple[str, str]) -> tuple[str, str]:
    if isinstance(labels, str) or len(labels) != 2 or not all(str(x).strip() for x in labels):
        raise ValueError(f"labels must be two non-empty names (start, end); got {labels!r}")
    return str(labels[0]), str(labels[1])


def decompose_share_change(
    w0: pd.Series,
    d0: pd.Series,
    w1: pd.Series,
    d1: pd.Series,
    *,
    weights_unit: str,
    intensity_unit: str,
    form: str = "shapley",
    normalise: bool = False,
    tolerance: float = WEIGHT_TOLERANCE_PP,
    labels: tuple[str, str] = ("start", "end"),
) -> ShareDecomposition:
    r"""Change in the DE share split into a structure effect and an intensity effect.

    With :math:`S_t = \sum_s w_{st} d_{st}` (weights as fractions, intensities in per
    cent), the default symmetric (Shapley, midpoint-weight) form has exactly two terms:

    .. math::

        \Delta S = \underbrace{\sum_s \Delta w_s\,\tfrac{d_{s0}+d_{s1}}{2}}_{\text{structure}}
                 + \underbrace{\sum_s \tfrac{w_{s0}+w_{s1}}{2}\,\Delta d_s}_{\text{intensity}}

    It is the average of the two orders of substitution, so it favours neither year. The
    ``three_term`` form uses base-year weights and adds the interaction:

    .. math::

        \Delta S = \sum_s \Delta w_s\, d_{s0} + \sum_s w_{s0}\,\Delta d_s
                 + \sum_s \Delta w_s\,\Delta d_s .

    Both are exact, sector by sector: the terms sum to :math:`\Delta S` up to rounding.

    Parameters
    ----------
    w0, d0, w1, d1 : pandas.Series
        Weights and intensities by sector at the start (0) and end (1); the same sectors
        in all four.
    weights_unit, intensity_unit : {'pct', 'share'}
    form : {'shapley', 'three_term'}
    normalise, tolerance
        As in :func:`~dxecon.models.estimation.digital_share.structural_share`, for each period's
        weights.
    labels : (str, str), default ('start', 'end')
        What the two structures are, for the summary and the assumptions: two years, or
        two territories (``('nation', 'province')``: the gap of a city to the nation).

    Returns
    -------
    ShareDecomposition
        ``frame`` by sector plus a ``total`` row with ``structure_pp``, ``intensity_pp``
        (and ``interaction_pp``), ``change_pp``; :attr:`~ShareDecomposition.components`
        the effects in total; ``meta`` has ``share_start``, ``share_end`` and ``labels``.
    """
    check_choice("form", form, SHARE_FORMS)
    for name, value in (("w0", w0), ("d0", d0), ("w1", w1), ("d1", d1)):
        if not isinstance(value, pd.Series):
            raise TypeError(f"{name} must be a pandas Series indexed by sector")
    start, end = _check_labels(labels)
    ww0, dd0, _, notes0 = share_inputs(w0, d0, weights_unit, intensity_unit, normalise, tolerance)
    ww1, dd1, _, notes1 = share_inputs(w1, d1, weights_unit, intensity_unit, normalise, tolerance)
    check_same_columns(ww0, ww1, what_a="w0", what_b="w1", fix=SECTORS_FIX)
    sectors = ww0.columns
    # Weights as fractions, intensities in per cent: products are pp of GRDP.
    a0, b0 = ww0.iloc[0][sectors].to_numpy() / 100.0, dd0.iloc[0][sectors].to_numpy()
    a1, b1 = ww1.iloc[0][sectors].to_numpy() / 100.0, dd1.iloc[0][sectors].to_numpy()
    terms = share_change_terms(a0, b0, a1, b1, form=form)
    frame = pd.DataFrame(terms, index=pd.Index(sectors, name="sector"))
    frame["change_pp"] = a1 * b1 - a0 * b0
    frame.loc["total"] = frame.sum(axis=0)
    share0, share1 = float((a0 * b0).sum()), float((a1 * b1).sum())
    meta = make_meta(
        method=(
            "symmetric (Shapley) structure/intensity split"
            if form == "shapley"
            else "three-term split, base-year weights, with interaction"
        ),
        basis="nominal",
        assumptions=[
            CURRENT_PRICES,
            *(f"{start}: {n}" for n in notes0),
            *(f"{end}: {n}" for n in notes1),
        ],
        unit="pp of GRDP",
        share_start=share0,
        share_end=share1,
        form=form,
        labels=[start, end],
    )
    return ShareDecomposition(name="change in the DE share of GRDP", frame=frame, meta=meta)


def share_change_terms(w0, d0, w1, d1, *, form: str = "shapley") -> dict[str, np.ndarray]:
    r"""The effects of :func:`decompose_share_change` on arrays, per sector: weights as
    fractions of GRDP, intensities in per cent, sectors on the last axis; leading axes
    broadcast (one row per Monte Carlo path: `dxecon.models.scenarios.decomposition`).

    Returns
    -------
    dict
        ``structure_pp``, ``intensity_pp`` (and, ``three_term``, ``interaction_pp``), pp of
        GRDP; summed over sectors they add up to :math:`\sum w_1 d_1 - \sum w_0 d_0`.

    >>> terms = share_change_terms(np.array([0.7, 0.3]), np.array([60.0, 20.0]),
    ...                            np.array([0.6, 0.4]), np.array([61.0, 20.0]))
    >>> {k: round(float(v.sum()), 2) for k, v in terms.items()}
    {'structure_pp': -4.05, 'intensity_pp': 0.65}
    """
    w0, d0, w1, d1 = (np.asarray(x, dtype=float) for x in (w0, d0, w1, d1))
    dw, dd = w1 - w0, d1 - d0
    if form == "shapley":
        return {"structure_pp": dw * (d0 + d1) / 2.0, "intensity_pp": (w0 + w1) / 2.0 * dd}
    return {"structure_pp": dw * d0, "intensity_pp": w0 * dd, "interaction_pp": dw * dd}


# --------------------------------------------------------------------------- shift-share


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
    wide, _ = to_wide(values, what=what, series="years")
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
    check_choice("form", form, SHIFT_SHARE_FORMS)
    va = _by_year_frame(value_added, what="value_added")
    emp = _by_year_frame(employment, what="employment")
    check_same_columns(va, emp, what_a="value_added", what_b="employment")
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
    missing = missing_by_column(emp.loc[used])
    if missing:
        raise MissingEmploymentError(missing, what="shift_share")
    if va.loc[used].isna().any().any():
        raise ValueError(f"value_added is missing: {missing_by_column(va.loc[used])}")
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
