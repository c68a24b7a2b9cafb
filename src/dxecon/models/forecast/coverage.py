r"""Are the intervals honest? Backtest coverage per series and model, pooled evidence, the
"too few to judge" status, and intervals widened from backtest errors.

A coverage computed from three forecasts says little, so each figure states how many
forecasts it rests on. Below ``min_forecasts`` (``params/forecasts.yaml``) a series' own
coverage is shown as :data:`TOO_FEW` and the judgement uses the pooled evidence: the
errors of every similar series (a *pool*: growth rates, shares, levels; the national
series, other provinces' series and the city's longer history, whatever ``data/`` holds).

A model's 80% interval is judged too narrow when, on the evidence used,

* its coverage is below ``min_coverage`` (0.60) with at least ``min_forecasts`` forecasts,
  or
* with fewer forecasts, the one-sided binomial test rejects the nominal level:
  :math:`P(X \le k \mid n, 0.8) < p_{\min}` (``binomial_p``; 0 of 3 covered gives
  :math:`0.2^3 = 0.008`).

Such a model is then either dropped from the choice (``low_coverage: drop``) or kept with
intervals widened from its backtest errors (``widen``): a split-conformal interval on the
scaled errors (Angelopoulos & Bates 2021, section 1),

.. math::
    \hat y_{T+h} \pm q_h\,s_T, \qquad
    q_h = \text{the } \lceil (n_h+1)(1-\alpha) \rceil\text{-th smallest of }
    |e_{o+h}| / s_o,

with :math:`s` the in-sample mean absolute one-step change (the MASE scale), so errors of
series on different scales pool; beyond the backtest horizon :math:`q_h` grows with
:math:`\sqrt{h/H}`. The widened interval is the union with the model's own, never narrower.
Every decision is a visible ``flag`` in the backtest table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dxecon.core.errors import ParamsError
from dxecon.core.facts import facts_cell, facts_of
from dxecon.core.params import load_yaml, params_path
from dxecon.models.forecast.results import interval_label

__all__ = [
    "TOO_FEW",
    "CoverageRule",
    "conformal_widen",
    "coverage_table",
]

#: The status shown instead of a coverage resting on too few forecasts.
TOO_FEW = "too few to judge"
ACTIONS = ("widen", "drop")


def backtest_params(path=None) -> dict:
    """The ``backtest`` mapping of ``params/forecasts.yaml`` (empty when absent): the
    coverage rule (:meth:`CoverageRule.from_params`) and the pools."""
    path = path or params_path("forecasts")
    spec = load_yaml(path).get("backtest") or {}
    if not isinstance(spec, Mapping):
        raise ParamsError(str(path), "backtest", "expected a mapping")
    return dict(spec)


@dataclass(frozen=True)
class CoverageRule:
    """How backtest coverage is judged (``params/forecasts.yaml``, key ``backtest``).

    Attributes
    ----------
    levels : tuple of int
        Interval levels reported, in %, e.g. (50, 80, 95).
    judged_level : int
        The level the rule judges (80).
    min_forecasts : int
        Fewer forecasts than this: the coverage is :data:`TOO_FEW`.
    min_coverage : float
        Below this coverage at ``judged_level`` a model's intervals are too narrow.
    binomial_p : float
        With fewer forecasts, too narrow when the one-sided binomial test rejects the
        nominal level at this p-value.
    low_coverage : {'widen', 'drop'}
        What happens to a model judged too narrow.
    """

    levels: tuple[int, ...] = (50, 80, 95)
    judged_level: int = 80
    min_forecasts: int = 10
    min_coverage: float = 0.60
    binomial_p: float = 0.05
    low_coverage: str = "widen"

    def __post_init__(self) -> None:
        if self.low_coverage not in ACTIONS:
            raise ValueError(f"low_coverage {self.low_coverage!r}: use one of {ACTIONS}")
        if self.judged_level not in self.levels:
            raise ValueError(f"judged_level {self.judged_level} must be one of levels")
        if self.min_forecasts < 1 or not 0 < self.min_coverage < 1:
            raise ValueError("min_forecasts must be >= 1 and min_coverage in (0, 1)")

    @classmethod
    def from_params(cls, spec: Mapping | None) -> CoverageRule:
        """From the ``backtest`` mapping of ``params/forecasts.yaml`` (pools ignored)."""
        spec = dict(spec or {})
        fields = {
            "levels": lambda v: tuple(int(x) for x in v),
            "judged_level": int,
            "min_forecasts": int,
            "min_coverage": float,
            "binomial_p": float,
            "low_coverage": str,
        }
        return cls(**{k: f(spec[k]) for k, f in fields.items() if k in spec})

    def binomial(self, inside: int, n: int, level: int | None = None) -> float:
        r"""One-sided binomial p of so few inside: :math:`P(X \le k \mid n, \ell)`, with
        :math:`\ell` the ``level`` (default: the judged level); small: too narrow."""
        p = (self.judged_level if level is None else level) / 100
        return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(int(inside) + 1))

    def judge(self, inside: int, n: int, where: dict) -> tuple[bool, dict]:
        """(too narrow?, why) for ``n`` forecasts of which ``inside`` contained the outturn
        in their interval at the judged level. ``why`` is a note (`dxecon.core.facts`,
        worded by `dxecon.present.notes`; its code says which test decided: the coverage,
        the binomial p, or too few to judge) naming the evidence, ``where``: ``{"kind":
        "own"}``, ``{"kind": "pool", "pool": <name>, "members": <series>}`` or ``{"kind":
        "realtime", "subset": <forecasts judged>}``."""
        level = self.judged_level
        facts = {"level": level, "n": n, "inside": inside, "where": where}
        if n >= self.min_forecasts:
            coverage = {**facts, "coverage": inside / n, "min_coverage": self.min_coverage}
            if inside / n < self.min_coverage:
                return True, {"code": "rule_low_coverage", **coverage}
            return False, {"code": "rule_coverage_ok", **coverage}
        if n == 0:
            return False, {"code": "rule_no_forecasts", **facts}
        p = self.binomial(inside, n)
        if p < self.binomial_p:
            return True, {"code": "rule_binomial", **facts, "p": p, "threshold": self.binomial_p}
        return False, {"code": "rule_too_few", **facts}

    @property
    def alphas(self) -> tuple[float, ...]:
        """Alphas with the judged level first (the backtest's main interval)."""
        others = [lvl for lvl in self.levels if lvl != self.judged_level]
        return tuple(1 - lvl / 100 for lvl in (self.judged_level, *others))


def _column(level: int) -> str:
    return f"covered_{interval_label(1 - level / 100)}"


def _coverages(errors: pd.DataFrame, rule: CoverageRule) -> dict[str, float | str]:
    n = len(errors)
    out: dict[str, float | str] = {}
    for level in rule.levels:
        value = float(errors[_column(level)].mean()) if n else float("nan")
        out[f"coverage_{level}"] = value if n >= rule.min_forecasts else TOO_FEW
    return out


#: Where the errors a verdict rests on come from: the series' own backtest.
OWN = {"kind": "own"}
#: The verdicts (`CoverageRule.judge`) that judge nothing: too few forecasts.
UNJUDGED = ("rule_no_forecasts", "rule_too_few")


def flag_code(flag) -> str:
    """What a backtest's ``flag`` (`coverage_table`, notes) says: 'flag_ok',
    'flag_widened', 'flag_dropped', a verdict of too few to judge, 'flag_no_backtest' or
    'flag_fallback'."""
    return facts_of(flag)[0]["code"]


def _judge(errors: pd.DataFrame, rule: CoverageRule, where: dict) -> tuple[bool, dict]:
    """(too narrow?, why) from one set of errors (:meth:`CoverageRule.judge`)."""
    return rule.judge(int(errors[_column(rule.judged_level)].sum()), len(errors), where)


def coverage_table(
    backtests: Mapping[str, object],
    pools: Mapping[str, str | None],
    pool_members: Mapping[str, Mapping[str, object]],
    rule: CoverageRule,
) -> pd.DataFrame:
    """Coverage at every level per series and model, own and pooled, with the flag.

    Parameters
    ----------
    backtests : mapping series label -> BacktestResult
        Backtests run with ``extra_alphas`` covering ``rule.levels``.
    pools : mapping series label -> pool name (or None)
    pool_members : mapping pool name -> {series label: BacktestResult}
        Every series in the pool (the series itself included or not: it is added).
    rule : CoverageRule

    Returns
    -------
    pandas.DataFrame
        One row per series and model: ``forecasts`` (own), ``coverage_<level>`` (own; a
        number, or :data:`TOO_FEW`), ``pool``, ``pool_series``, ``pool_forecasts``,
        ``pool_coverage_<level>``, ``judged_on`` ('own', 'pool' or :data:`TOO_FEW`),
        ``flag`` (notes, `dxecon.core.facts`: ok, widened or dropped with the rule's
        verdict, or the verdict that too few forecasts judge nothing; :func:`flag_code`)
        and ``usable`` (False when dropped).
    """
    rows = []
    for label, result in backtests.items():
        pool = pools.get(label)
        members = dict(pool_members.get(pool, {})) if pool else {}
        members[label] = result
        for model in result.scores.index:
            own = result.errors[result.errors["model"] == model]
            pooled = pd.concat(
                [m.errors[m.errors["model"] == model] for m in members.values()],
                ignore_index=True,
            )
            row = {"series": label, "model": model, "forecasts": len(own)}
            row.update(_coverages(own, rule))
            row["pool"] = pool or "none"
            row["pool_series"] = len(members)
            row["pool_forecasts"] = len(pooled)
            row.update({f"pool_{k}": v for k, v in _coverages(pooled, rule).items()})
            if len(own) >= rule.min_forecasts or not pool:
                narrow, why = _judge(own, rule, OWN)
                judged = "own" if len(own) >= rule.min_forecasts else TOO_FEW
            else:
                where = {"kind": "pool", "pool": pool, "members": len(members)}
                narrow, why = _judge(pooled, rule, where)
                judged = "pool" if len(pooled) >= rule.min_forecasts else TOO_FEW
                if not narrow and judged == TOO_FEW:
                    # the pool is thin too; the series' own errors may still be conclusive
                    own_narrow, own_why = _judge(own, rule, OWN)
                    if own_narrow:
                        narrow, why = own_narrow, own_why
            if narrow and rule.low_coverage == "drop":
                flag, usable = facts_cell([{"code": "flag_dropped"}, why]), False
            elif narrow:
                flag, usable = facts_cell([{"code": "flag_widened"}, why]), True
            elif why["code"] in UNJUDGED:
                flag, usable = facts_cell([why]), True
            else:
                flag, usable = facts_cell([{"code": "flag_ok"}]), True
            row.update(judged_on=judged, flag=flag, usable=usable)
            rows.append(row)
    return pd.DataFrame(rows)


def conformal_widen(
    frame: pd.DataFrame,
    errors: pd.DataFrame,
    *,
    scale: float,
    alpha: float,
    bounds: tuple[float, float] | None = None,
) -> tuple[pd.DataFrame, str]:
    """Widen a forecast table's ``lower``/``upper`` from scaled backtest errors.

    Parameters
    ----------
    frame : pandas.DataFrame
        Index year; columns ``median``, ``lower``, ``upper`` (a forecast's ``frame``).
    errors : pandas.DataFrame
        Backtest errors with ``h``, ``error`` and ``scale`` (own or pooled).
    scale : float
        The series' in-sample scale :math:`s_T` (mean absolute one-step change).
    alpha : float
        The interval's alpha (0.2 for 80%).
    bounds : (float, float), optional
        Floor and ceiling of a bounded series (a share): the widened bounds stay inside.

    Returns
    -------
    (DataFrame, str)
        The widened table and a sentence saying how.
    """
    usable = errors[np.isfinite(errors["scale"]) & (errors["scale"] > 0)]
    scaled = (usable["error"].abs() / usable["scale"]).to_numpy()
    hs = usable["h"].to_numpy()
    out = frame.copy()
    if len(scaled) == 0 or not np.isfinite(scale) or scale <= 0:
        return out, "not widened: no scaled backtest error to widen from"
    max_h = int(hs.max())
    quantiles = {}
    for h in range(1, max_h + 1):
        sample = np.sort(scaled[hs == h]) if (hs == h).any() else np.sort(scaled)
        rank = math.ceil((len(sample) + 1) * (1 - alpha))
        # With too few errors the conformal rank exceeds n: use the largest error seen.
        quantiles[h] = float(sample[min(rank, len(sample)) - 1])
    steps = np.arange(1, len(out) + 1)
    q = np.array([quantiles[min(h, max_h)] * math.sqrt(max(h, max_h) / max_h) for h in steps])
    half = q * scale
    center = out["median"].to_numpy(dtype=float)
    out["lower"] = np.minimum(out["lower"].to_numpy(dtype=float), center - half)
    out["upper"] = np.maximum(out["upper"].to_numpy(dtype=float), center + half)
    if bounds is not None:
        out["lower"] = out["lower"].clip(lower=bounds[0])
        out["upper"] = out["upper"].clip(upper=bounds[1])
    note = (
        f"{round(100 * (1 - alpha))}% interval widened from {len(scaled)} backtest errors "
        f"(conformal quantile of |error|/scale per horizon; beyond h={max_h} by sqrt(h/{max_h}))"
    )
    return out, note
