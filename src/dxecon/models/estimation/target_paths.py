r"""Growth targets of labour productivity: the minimum path a target implies, and whether
the observed growth meets it.

Resolution 03-NQ/TU and the plans after it set targets "labour productivity grows at
least g % a year until year T". The targets are data (``data/targets.csv``, read with
:func:`dxecon.data.targets.target_values`); nothing here types a target year or rate. The text
of a target says neither real nor nominal, nor whether every year or the compound average
must reach the rate: both readings are reported, and the basis is the caller's choice.

Functions
---------
target_path    the minimum level path implied by "at least g % a year" milestones
assess_target  every-year and compound-average readings of a growth target
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dxecon.models.estimation.frames import check_basis, check_choice, check_rate, to_wide
from dxecon.models.estimation.productivity import (
    KINDS,
    ProductivityLevels,
    index_from_rates,
    levels_input,
)
from dxecon.models.estimation.result import EstimateResult, make_meta
from dxecon.models.rates import growth_from_ratio, growth_index

__all__ = ["READINGS", "VERDICTS", "TargetAssessment", "assess_target", "target_path"]

#: The two readings of "at least g % a year", reported side by side.
READINGS = ("every_year", "compound_average")
#: A reading's verdict: every year so far at least the rate (``met_so_far``), a year below it
#: (``missed``, the weakest year in ``weakest_year``), a missing year (``not_assessed``);
#: the compound average on track for the target year or behind (what it needs a year in
#: ``required_<basis>_pct``), or, in the target year, ``met`` or ``missed``.
VERDICTS = ("met_so_far", "missed", "not_assessed", "on_track", "behind", "met")
# Rounding slack when comparing a rate with a target: a path built exactly at the target
# rate must count as meeting it.
_TOLERANCE_PP = 1e-9


@dataclass(frozen=True, eq=False)
class TargetAssessment(EstimateResult):
    """A growth target judged under each reading; one row per reading."""

    def met(self, reading: str) -> bool | None:
        """Whether the reading is met so far (None when it cannot be assessed)."""
        check_choice("reading", reading, list(self.frame.index))
        value = self.frame.at[reading, "met_so_far"]
        return None if pd.isna(value) else bool(value)


def _check_milestones(milestones: Mapping[int, float]) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(milestones, Mapping) or not milestones:
        raise ValueError("milestones must be a non-empty mapping {year: rate_pct}")
    years = np.array(sorted(int(y) for y in milestones), dtype=np.int64)
    by_year = {int(y): r for y, r in milestones.items()}
    rates = np.array([check_rate(f"milestones[{y}]", by_year[y]) for y in years])
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
    ``data/targets.csv`` with :func:`dxecon.data.targets.target_values`, give one rate per
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
        ``dxecon.data.targets.target_values(registry, "lp_growth", ...)``).
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
    factors = np.concatenate([[1.0], growth_index(rates[which])])
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
        year), ``latest_year``, ``weakest_year`` and a ``verdict`` code (:data:`VERDICTS`,
        worded by `dxecon.present`; its figures are the row's).
    """
    basis = check_basis(basis)
    check_choice("reading", reading, ("both", *READINGS))
    check_choice("kind", kind, KINDS)
    rate = check_rate("rate", rate)
    base_year, target_year = int(base_year), int(target_year)
    if base_year >= target_year:
        raise ValueError(f"base_year ({base_year}) must be before target_year ({target_year})")
    if kind == "levels":
        wide, _, _, assumptions = levels_input(observed, basis)
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
        wide, _ = to_wide(observed, what="observed growth", series="years")
        assumptions = []
        rates = wide.iloc[:, 0].dropna()
        rates = rates[(rates.index > base_year) & (rates.index <= target_year)]
        if rates.empty:
            raise ValueError(f"no growth rate observed after base_year={base_year}")
        index = index_from_rates(rates.to_frame(), base_year, int(rates.index.max())).iloc[:, 0]
    latest = int(index.index.max())
    if latest == base_year:
        raise ValueError(f"nothing observed after base_year={base_year} up to {target_year}")
    steps_left = target_year - latest
    rows = {}
    if reading in ("both", "every_year"):
        yearly = growth_from_ratio(index / index.shift(1))
        yearly = yearly.reindex(range(base_year + 1, latest + 1))
        missing = [int(y) for y in yearly.index[yearly.isna()]]
        weakest = yearly.min()
        weakest_year = int(yearly.idxmin()) if yearly.notna().any() else None
        failed = bool(weakest < rate - _TOLERANCE_PP)
        if missing and not failed:
            met, achievable = pd.NA, pd.NA
            verdict = "not_assessed"
            assumptions = [*assumptions, f"no yearly growth for {missing}: not assessed"]
        else:
            met, achievable = not failed, not failed
            verdict = "missed" if failed else "met_so_far"
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
        achieved = growth_from_ratio(index.loc[latest], latest - base_year)
        met = bool(achieved >= rate - _TOLERANCE_PP)
        if steps_left > 0:
            needed = (1.0 + rate / 100.0) ** (target_year - base_year) / index.loc[latest]
            required = growth_from_ratio(needed, steps_left)
            verdict = "on_track" if met else "behind"
        else:
            required = np.nan
            verdict = "met" if met else "missed"
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
