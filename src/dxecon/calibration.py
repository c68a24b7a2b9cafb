r"""Diffusion of the digital-economy share estimated from ``data/``, and "what it takes".

The scenario engine moves digital intensity along a logistic curve towards a ceiling
(:mod:`dxecon.scenarios.engine`). This module estimates that curve's speed from the
published series instead of typing it in, says where the data cannot pin a parameter
(then a stated, sourced prior in ``params/calibration.yaml`` decides), and draws parameter
samples per Monte Carlo path so that estimation error reaches the fan charts.

Model (docs/methods.md section 3). For series :math:`g` (one geography measured by one
method) and year :math:`t`, with ceiling :math:`C`:

.. math::
    z_{gt} = \log\frac{s_{gt}}{C - s_{gt}} = a_g + \kappa\,(t - \bar t) + e_{gt},
    \qquad e_{gt} \sim \text{iid } N(0, \sigma^2),

fitted by OLS (statsmodels) with one intercept per series and a common speed
:math:`\kappa`. Only within-series changes identify :math:`\kappa`, so a series with a
single year adds nothing to it (it is listed, not used). :math:`s_t = C/(1 + e^{-z_t})` is
the engine's curve :math:`d_t = C / (1 + (C/d_0 - 1) e^{-\kappa (t-t_0)})`.

The ceiling is checked with a profile likelihood: :math:`\mathrm{LR}(C) = n \log(
\mathrm{SSR}(C)/\min_C \mathrm{SSR})`; ceilings with :math:`\mathrm{LR} < \chi^2_{1,0.95}`
are compatible with the data. When that set covers the whole prior range, the data cannot
pin :math:`C` and the prior decides.

Pure helpers for the "what it takes" table: :func:`required_pace`,
:func:`required_growth`, :func:`nominal_growth`, :func:`real_growth`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dxecon import folders
from dxecon.errors import ParamsError, SeriesSelectionError
from dxecon.params import check_keys, load_yaml

__all__ = [
    "DiffusionCalibration",
    "Prior",
    "calibrate_diffusion",
    "diffusion_panel",
    "fit_logistic_speed",
    "nominal_growth",
    "observed_pace",
    "real_growth",
    "required_growth",
    "required_pace",
]

#: 95% point of the chi-square distribution with one degree of freedom.
CHI2_1_95 = 3.841458820694124

_CALIBRATION_KEYS = (
    "indicator",
    "pooled_methods",
    "exclude",
    "ceiling",
    "speed_prior",
    "ceiling_grid_points",
    "start_year_ambiguous",
)
_PRIOR_KEYS = ("distribution", "low", "high", "source")


# -- "what it takes": small pure functions ---------------------------------------------------
def required_pace(
    latest_value: float, latest_year: int, target_value: float, target_year: int
) -> float:
    r"""Percentage points a year needed to go from the latest value to a target.

    .. math:: p = \frac{S^{*} - S_{\ell}}{T - \ell}

    Parameters
    ----------
    latest_value, latest_year : float, int
        The latest observation :math:`S_\ell` (e.g. a share in %) and its year :math:`\ell`.
    target_value, target_year : float, int
        The target :math:`S^*` and the year :math:`T` it must be reached by.

    Returns
    -------
    float
        pp a year (negative when the target is already exceeded).

    Raises
    ------
    ValueError
        If the target year is not after the latest year.
    """
    span = _span(latest_year, target_year)
    return (float(target_value) - float(latest_value)) / span


def required_growth(
    latest_level: float, latest_year: int, target_level: float, target_year: int
) -> float:
    r"""Compound growth a year (%) needed to go from the latest level to a target level.

    .. math:: g = 100\Big[\Big(\frac{L^{*}}{L_{\ell}}\Big)^{1/(T-\ell)} - 1\Big]

    Levels must be positive and on one price basis (both real or both nominal).
    """
    span = _span(latest_year, target_year)
    if latest_level <= 0 or target_level <= 0:
        raise ValueError(
            f"levels must be positive; got latest_level={latest_level}, target_level={target_level}"
        )
    return 100.0 * ((float(target_level) / float(latest_level)) ** (1.0 / span) - 1.0)


def nominal_growth(real_pct, deflator_pct):
    r"""Nominal growth from real growth and the deflator, in %.

    .. math:: 1 + g^{nom} = (1 + g^{real})(1 + \pi)
    """
    return 100.0 * ((1 + np.asarray(real_pct) / 100) * (1 + np.asarray(deflator_pct) / 100) - 1)


def real_growth(nominal_pct, deflator_pct):
    r"""Real growth from nominal growth and the deflator, in %: the inverse of
    :func:`nominal_growth`, :math:`1 + g^{real} = (1 + g^{nom})/(1 + \pi)`."""
    return 100.0 * ((1 + np.asarray(nominal_pct) / 100) / (1 + np.asarray(deflator_pct) / 100) - 1)


def _span(latest_year: int, target_year: int) -> int:
    span = int(target_year) - int(latest_year)
    if span <= 0:
        raise ValueError(f"target_year ({target_year}) must be after latest_year ({latest_year})")
    return span


# -- priors ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prior:
    """A uniform prior with its source (the only kind ``params/calibration.yaml`` uses)."""

    low: float
    high: float
    source: str
    distribution: str = "uniform"

    def __post_init__(self) -> None:
        if self.distribution != "uniform":
            raise ValueError(f"prior distribution {self.distribution!r}: only 'uniform'")
        if not self.high > self.low:
            raise ValueError(f"prior needs high > low; got low={self.low}, high={self.high}")
        if not str(self.source).strip():
            raise ValueError("a prior needs its source")

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def sd(self) -> float:
        return (self.high - self.low) / np.sqrt(12.0)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)


# -- data ------------------------------------------------------------------------------------
def diffusion_panel(
    dataset,
    *,
    indicator: str = "de_share",
    as_of=None,
    exclude: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every annual series of ``indicator`` in the dataset, one row per geography, method
    and year, as published by ``as_of`` (the selection policy picks one figure a year).

    Columns: ``geo``, ``method``, ``year``, ``value``, ``obs_id``, ``source_id``,
    ``kind`` (geography kind: country, province, ...), ``used`` (bool) and ``why`` (why a
    figure is left out: listed in ``exclude``). Provincial rows added to ``data/`` later
    (e.g. PD0001...) are picked up with no change here.
    """
    exclude = dict(exclude or {})
    obs = dataset.observations
    rows = obs[(obs["indicator"] == indicator) & (obs["period_kind"] == "year")]
    kinds = dataset.codes["geographies"].set_index("code")["kind"]
    frames = []
    for (geo, method), _ in rows.groupby(["geo", "method"], sort=True):
        try:
            series = dataset.series(indicator, geo, method=method or None, as_of=as_of)
        except SeriesSelectionError:
            continue  # nothing visible as of the date, or several units
        chosen = series.chosen
        if chosen.empty:
            continue
        frame = pd.DataFrame(
            {
                "geo": geo,
                "method": method,
                "year": chosen.index.astype(int),
                "value": chosen["value"].astype(float).to_numpy(),
                "obs_id": chosen["obs_id"].to_numpy(),
                "source_id": chosen["source_id"].to_numpy(),
            }
        )
        frames.append(frame)
    columns = ["geo", "method", "year", "value", "obs_id", "source_id", "kind", "used", "why"]
    if not frames:
        empty = pd.DataFrame(columns=columns)
        return empty.astype({"year": int, "value": float, "used": bool})
    panel = pd.concat(frames, ignore_index=True)
    kinds = kinds.to_dict()
    panel["kind"] = [kinds.get(g, "unknown") for g in panel["geo"]]
    panel["why"] = [str(exclude.get(o, "")) for o in panel["obs_id"]]
    panel["used"] = panel["why"] == ""
    return panel[columns].sort_values(["method", "geo", "year"], ignore_index=True)


# -- estimation (pure) -----------------------------------------------------------------------
@dataclass(frozen=True)
class SpeedFit:
    """OLS fit of the logistic speed for one ceiling."""

    ceiling: float
    speed: float
    std_error: float
    ssr: float
    n_points: int
    df_resid: int
    groups: tuple[str, ...]


def fit_logistic_speed(panel: pd.DataFrame, *, ceiling: float) -> SpeedFit | None:
    r"""Pooled OLS of :math:`\log(s/(C-s))` on series intercepts and a common year slope.

    Parameters
    ----------
    panel : pandas.DataFrame
        Columns ``group`` (series label), ``year`` (int) and ``value`` (share, % of GRDP,
        strictly between 0 and ``ceiling``).
    ceiling : float
        The ceiling :math:`C`, in the unit of ``value``.

    Returns
    -------
    SpeedFit or None
        None when no series has two years (the speed is not identified). ``std_error`` is
        NaN when no residual degree of freedom is left (exactly identified).
    """
    from statsmodels.regression.linear_model import OLS

    counts = panel.groupby("group")["year"].nunique()
    informative = sorted(counts.index[counts >= 2])
    data = panel[panel["group"].isin(informative)]
    if data.empty:
        return None
    values = data["value"].to_numpy(dtype=float)
    if (values <= 0).any() or (values >= ceiling).any():
        raise ValueError(
            f"shares must lie strictly between 0 and the ceiling {ceiling:g}; "
            f"got {values.min():g}..{values.max():g}"
        )
    z = np.log(values / (ceiling - values))
    years = data["year"].to_numpy(dtype=float)
    dummies = (data["group"].to_numpy()[:, None] == np.asarray(informative)[None, :]).astype(float)
    design = np.column_stack([dummies, years - years.mean()])
    fit = OLS(z, design).fit()
    df_resid = round(float(fit.df_resid))
    se = float(np.sqrt(fit.cov_params()[-1, -1])) if df_resid > 0 else float("nan")
    return SpeedFit(
        ceiling=float(ceiling),
        speed=float(fit.params[-1]),
        std_error=se,
        ssr=float(fit.ssr),
        n_points=len(z),
        df_resid=df_resid,
        groups=tuple(informative),
    )


# -- the calibration -------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DiffusionCalibration:
    """The estimated diffusion of the digital share, with its evidence and priors.

    Attributes
    ----------
    table : pandas.DataFrame
        The calibration table (see :meth:`to_frame`).
    panel : pandas.DataFrame
        Every figure considered (:func:`diffusion_panel`), with ``pooled`` and ``role``.
    by_series : pandas.DataFrame
        Speed estimated on each series with two years or more, pooled or not.
    grid : pandas.DataFrame
        The pooled speed, its standard error, SSR and likelihood ratio on a ceiling grid.
    ceiling_prior, speed_prior : Prior
    speed_from_data : bool
        True when the pooled series estimate the speed (with a standard error).
    as_of : str or None
    """

    table: pd.DataFrame
    panel: pd.DataFrame
    by_series: pd.DataFrame
    grid: pd.DataFrame
    ceiling_prior: Prior
    speed_prior: Prior
    speed_from_data: bool
    as_of: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """Columns ``parameter``, ``estimate``, ``std_error``, ``evidence``,
        ``decided_by`` ('data' or 'prior') and ``source``: one row per parameter."""
        return self.table.copy()

    def summary(self) -> str:
        """The calibration table as plain text, then the notes."""
        vintage = "latest data" if self.as_of is None else f"data published by {self.as_of}"
        lines = [f"Calibration of the digital-share diffusion ({vintage})"]
        for row in self.table.itertuples(index=False):
            lines += [
                f"- {row.parameter}: {row.estimate:.4g} (standard error {row.std_error:.3g});"
                f" decided by {row.decided_by}",
                f"    evidence: {row.evidence}",
                f"    source: {row.source}",
            ]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.table.to_html(index=False, float_format="{:.4g}".format)

    def draw(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        r"""Parameter draws for ``n`` Monte Carlo paths.

        :math:`C \sim` the ceiling prior; then, when the data estimate the speed,
        :math:`\kappa \mid C \sim N(\hat\kappa(C), \widehat{se}(C))` with both
        interpolated on the ceiling grid, truncated at 0; otherwise :math:`\kappa \sim`
        the speed prior. Returns ``{'ceiling': (n,), 'speed': (n,)}``.
        """
        ceiling = self.ceiling_prior.draw(rng, n)
        if not self.speed_from_data:
            return {"ceiling": ceiling, "speed": self.speed_prior.draw(rng, n)}
        grid = self.grid.sort_values("ceiling")
        center = np.interp(ceiling, grid["ceiling"], grid["speed"])
        scale = np.interp(ceiling, grid["ceiling"], grid["std_error"])
        speed = np.maximum(center + scale * rng.standard_normal(n), 0.0)
        return {"ceiling": ceiling, "speed": speed}


def _prior(spec: Any, *, file: str, key: str, highest: float | None) -> Prior:
    if not isinstance(spec, Mapping):
        raise ParamsError(file, key, "expected a mapping with distribution, low, high, source")
    check_keys(dict(spec), _PRIOR_KEYS, file=file, prefix=f"{key}.")
    low = spec.get("low")
    if low == "highest_observed":
        if highest is None:
            raise ParamsError(file, f"{key}.low", "no figure observed to take the highest of")
        low = highest
    try:
        return Prior(
            low=float(low),
            high=float(spec.get("high")),
            source=str(spec.get("source", "")),
            distribution=str(spec.get("distribution", "uniform")),
        )
    except (TypeError, ValueError) as exc:
        raise ParamsError(file, key, str(exc)) from exc


def load_calibration_params(path: Path | str | None = None) -> dict[str, Any]:
    """``params/calibration.yaml``'s ``diffusion`` mapping, checked."""
    path = Path(path) if path is not None else folders.PARAMS_DIR / "calibration.yaml"
    data = load_yaml(path)
    check_keys(data, ("diffusion",), file=str(path))
    spec = data.get("diffusion")
    if not isinstance(spec, Mapping):
        raise ParamsError(str(path), "diffusion", "expected a mapping")
    check_keys(dict(spec), _CALIBRATION_KEYS, file=str(path), prefix="diffusion.")
    return {"_file": str(path), **spec}


def _describe_series(frame: pd.DataFrame) -> str:
    parts = []
    for (geo, method), rows in frame.groupby(["geo", "method"], sort=True):
        years = rows["year"]
        span = f"{years.min()}-{years.max()}" if len(rows) > 1 else f"{years.min()}"
        parts.append(f"{geo} {method} {span} ({len(rows)} point{'s' * (len(rows) > 1)})")
    return "; ".join(parts) or "none"


def calibrate_diffusion(
    dataset,
    *,
    as_of=None,
    params: Mapping[str, Any] | None = None,
) -> DiffusionCalibration:
    """Estimate the diffusion speed of the digital share from ``data/``; prior on the ceiling.

    Parameters
    ----------
    dataset : dxecon.data.Dataset
    as_of : 'YYYY-MM', optional
        Only figures published by then are used.
    params : mapping, optional
        The ``diffusion`` mapping of ``params/calibration.yaml`` (default: that file).

    Returns
    -------
    DiffusionCalibration
        ``summary()`` prints the calibration table; ``draw(rng, n)`` gives parameter draws.
    """
    spec = dict(params) if params is not None else load_calibration_params()
    file = str(spec.pop("_file", "params/calibration.yaml"))
    pooled_methods = list(spec.get("pooled_methods") or [])
    exclude = dict(spec.get("exclude") or {})
    panel = diffusion_panel(
        dataset, indicator=str(spec.get("indicator", "de_share")), as_of=as_of, exclude=exclude
    )
    panel["group"] = panel["geo"] + " " + panel["method"]
    panel["pooled"] = panel["used"] & panel["method"].isin(pooled_methods)
    pooled = panel[panel["pooled"]]
    notes: list[str] = []
    pool_for_highest = pooled if len(pooled) else panel[panel["used"]]
    if len(pooled) == 0:
        notes.append(
            "no figure by a pooled method is visible: the ceiling prior's low end is the "
            "highest figure of any method"
            + ("" if len(pool_for_highest) else " (none visible either: 0)")
        )
    highest = float(pool_for_highest["value"].max()) if len(pool_for_highest) else 0.0
    highest_row = (
        pool_for_highest.loc[pool_for_highest["value"].idxmax()] if len(pool_for_highest) else None
    )
    ceiling_prior = _prior(spec.get("ceiling"), file=file, key="ceiling", highest=highest)
    speed_prior = _prior(spec.get("speed_prior"), file=file, key="speed_prior", highest=None)
    n_grid = int(spec.get("ceiling_grid_points", 25))

    # Per-series speeds (every method), at the prior's central ceiling.
    c_mid = ceiling_prior.mean
    by_rows = []
    for group, rows in panel[panel["used"]].groupby("group", sort=True):
        if rows["year"].nunique() < 2:
            continue
        fit = fit_logistic_speed(rows[["group", "year", "value"]], ceiling=c_mid)
        first, last = rows.iloc[0], rows.iloc[-1]
        by_rows.append(
            {
                "series": group,
                "geo": first["geo"],
                "method": first["method"],
                "years": f"{first['year']}-{last['year']}",
                "points": len(rows),
                "speed": fit.speed,
                "std_error": fit.std_error,
                "pp_per_year": (last["value"] - first["value"]) / (last["year"] - first["year"]),
                "pooled": bool(rows["pooled"].all()),
            }
        )
    by_series = pd.DataFrame(
        by_rows,
        columns=[
            "series",
            "geo",
            "method",
            "years",
            "points",
            "speed",
            "std_error",
            "pp_per_year",
            "pooled",
        ],
    )

    # Pooled speed on a ceiling grid spanning the prior (and the feasible range below it).
    data = pooled[["group", "year", "value"]]
    grid_rows = []
    feasible_low = highest * 1.0001 + 1e-9
    grid_low = max(feasible_low, min(ceiling_prior.low, ceiling_prior.high))
    for c in np.linspace(grid_low, ceiling_prior.high, max(n_grid, 2)):
        fit = fit_logistic_speed(data, ceiling=float(c)) if len(data) else None
        if fit is None:
            break
        grid_rows.append(
            {
                "ceiling": c,
                "speed": fit.speed,
                "std_error": fit.std_error,
                "ssr": fit.ssr,
                "n_points": fit.n_points,
                "df_resid": fit.df_resid,
            }
        )
    grid = pd.DataFrame(
        grid_rows, columns=["ceiling", "speed", "std_error", "ssr", "n_points", "df_resid"]
    )
    speed_from_data = bool(
        len(grid) and (grid["df_resid"] > 0).all() and np.isfinite(grid["std_error"]).all()
    )
    # Profile likelihood of the ceiling over the feasible range (highest pooled value..high).
    profile_compatible = None
    if speed_from_data:
        profile = []
        for c in np.linspace(feasible_low, ceiling_prior.high, 60):
            fit = fit_logistic_speed(data, ceiling=float(c))
            profile.append((c, fit.ssr))
        ssr = np.array([s for _, s in profile])
        n = int(grid["n_points"].iloc[0])
        lr = n * np.log(np.maximum(ssr, 1e-300) / max(ssr.min(), 1e-300))
        grid["lr"] = n * np.log(grid["ssr"] / max(ssr.min(), 1e-300))
        compatible = np.array([c for (c, _), v in zip(profile, lr, strict=True) if v < CHI2_1_95])
        profile_compatible = (float(compatible.min()), float(compatible.max()))

    # The table.
    pooled_desc = _describe_series(pooled)
    n_pooled = len(pooled)
    others = by_series[~by_series["pooled"]]
    other_desc = "; ".join(
        f"{r.series} {r.years}: {r.speed:.3f}/yr"
        + ("" if np.isfinite(r.std_error) else " (exactly identified, no standard error)")
        for r in others.itertuples()
    )
    single = panel[panel["pooled"]].groupby("group")["year"].nunique()
    single = sorted(single.index[single < 2])
    left_out = panel[~panel["used"]]
    rows = []
    if speed_from_data:
        mid = fit_logistic_speed(data, ceiling=c_mid)
        spread = f"{grid['speed'].min():.3f}-{grid['speed'].max():.3f}"
        evidence = (
            f"pooled OLS on logit(share/ceiling), {mid.n_points} points, {mid.df_resid} "
            f"residual df, series with two years or more: "
            f"{_describe_series(pooled[pooled['group'].isin(mid.groups)])}; at the prior's "
            f"central ceiling {c_mid:.1f}% (over the ceiling prior the speed ranges {spread})"
        )
        if single:
            evidence += f"; one year only, so level but not speed: {', '.join(single)}"
        del pooled_desc
        if other_desc:
            evidence += f"; not pooled (other methods): {other_desc}"
        rows.append(
            {
                "parameter": "diffusion speed (logistic rate, per year)",
                "estimate": mid.speed,
                "std_error": mid.std_error,
                "evidence": evidence,
                "decided_by": "data",
                "source": "estimated; figures and sources in the evidence table",
            }
        )
    else:
        why = (
            "no pooled series has two years published by then"
            if not len(grid)
            else "no residual degree of freedom: the speed is exactly identified"
        )
        rows.append(
            {
                "parameter": "diffusion speed (logistic rate, per year)",
                "estimate": speed_prior.mean,
                "std_error": speed_prior.sd,
                "evidence": f"the data cannot pin it ({why}); pooled figures: {pooled_desc}"
                + (f"; not pooled (other methods): {other_desc}" if other_desc else ""),
                "decided_by": "prior",
                "source": speed_prior.source,
            }
        )
    if profile_compatible is not None:
        low_c, high_c = profile_compatible
        step = (ceiling_prior.high - feasible_low) / 59
        covers = low_c <= ceiling_prior.low + step and high_c >= ceiling_prior.high - step
        verdict = (
            "the data cannot pin it: every ceiling in the prior range fits"
            if covers
            else "the data exclude part of the prior range"
        )
        c_evidence = (
            f"profile likelihood over {feasible_low:.2f}-{ceiling_prior.high:g}%: ceilings "
            f"{low_c:.1f}-{high_c:.1f}% are compatible at 95% ({verdict})"
        )
    else:
        c_evidence = "the data cannot pin it: no pooled series with two years"
    if highest_row is not None:
        c_evidence += (
            f"; prior's low end: highest pooled share {highest:.2f}% "
            f"({highest_row['geo']} {highest_row['year']}, {highest_row['obs_id']})"
        )
    rows.append(
        {
            "parameter": "ceiling of the digital share (% of GRDP)",
            "estimate": ceiling_prior.mean,
            "std_error": ceiling_prior.sd,
            "evidence": c_evidence,
            "decided_by": "prior",
            "source": f"uniform {ceiling_prior.low:.2f}-{ceiling_prior.high:g}: "
            f"{ceiling_prior.source}",
        }
    )
    table = pd.DataFrame(rows)
    if len(left_out):
        notes += [
            f"left out {r.obs_id} ({r.group} {r.year}): {r.why}" for r in left_out.itertuples()
        ]
    notes.append(
        f"{n_pooled} figure(s) by {', '.join(pooled_methods) or 'no method'} pooled; methods "
        "are never mixed in levels (one intercept per series)"
    )
    panel["role"] = np.select(
        [~panel["used"], panel["pooled"] & panel["group"].isin(single), panel["pooled"]],
        ["left out", "pooled: one year, level only", "pooled: estimates the speed"],
        default="not pooled (other method)",
    )
    return DiffusionCalibration(
        table=table,
        panel=panel.drop(columns=["group"]),
        by_series=by_series,
        grid=grid,
        ceiling_prior=ceiling_prior,
        speed_prior=speed_prior,
        speed_from_data=speed_from_data,
        as_of=None if as_of is None else str(as_of),
        notes=tuple(notes),
    )


# -- observed pace -----------------------------------------------------------------------------
_PACE_COLUMNS = [
    "measure",
    "geo",
    "method",
    "period",
    "start_value",
    "end_value",
    "pace",
    "unit",
    "evidence",
    "status",
]


def _share_paces(panel: pd.DataFrame) -> pd.DataFrame:
    """pp a year between consecutive figures of one series (one geography, one method)."""
    rows = []
    for (geo, method), frame in panel[panel["used"]].groupby(["geo", "method"], sort=True):
        frame = frame.sort_values("year")
        for a, b in zip(frame.itertuples(), frame.iloc[1:].itertuples(), strict=False):
            rows.append(
                {
                    "geo": geo,
                    "method": method,
                    "kind": a.kind,
                    "period": f"{a.year}-{b.year}",
                    "start_value": a.value,
                    "end_value": b.value,
                    "pace": (b.value - a.value) / (b.year - a.year),
                    "evidence": f"{a.obs_id}, {b.obs_id}",
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "geo",
            "method",
            "kind",
            "period",
            "start_value",
            "end_value",
            "pace",
            "evidence",
        ],
    )


def _multi_year(dataset, indicator: str, as_of) -> pd.DataFrame:
    """Visible multi-year averages (e.g. ``lp_growth_real_avg`` 2016/2020) of every geo."""
    obs = dataset.observations
    rows = obs[(obs["indicator"] == indicator) & (obs["period_kind"] == "multi_year")]
    frames = []
    for geo in sorted(rows["geo"].unique()):
        try:
            cands = dataset.candidates(indicator, geo, as_of=as_of, period_kind="multi_year")
        except SeriesSelectionError:
            continue
        frames.append(cands[cands["chosen"]])
    return pd.concat(frames, ignore_index=True) if frames else rows.iloc[:0]


def observed_pace(
    dataset,
    *,
    geo: str = "HP",
    as_of=None,
    exclude: Mapping[str, str] | None = None,
    share_indicator: str = "de_share",
    productivity_indicator: str = "lp_growth_real_avg",
) -> pd.DataFrame:
    """The paces a target's required path is compared with, as a tidy frame.

    Rows: the city's own record of the digital share (pp a year between two figures of one
    method on one boundary) and of real labour productivity growth (%/yr, published
    multi-year average); the national pace of the share by each method; the best pace any
    province reached by each method (with its geography and period) and the best provincial
    productivity growth. Columns: ``measure``, ``geo``, ``method``, ``period``,
    ``start_value``, ``end_value``, ``pace``, ``unit``, ``evidence`` (obs ids) and
    ``status`` ('observed', or why nothing could be computed: then ``pace`` is NaN).
    """
    if exclude is None:
        try:
            exclude = load_calibration_params().get("exclude") or {}
        except ParamsError:
            exclude = {}
    panel = diffusion_panel(dataset, indicator=share_indicator, as_of=as_of, exclude=exclude)
    paces = _share_paces(panel)
    out = []

    def add(measure: str, row: Mapping | None, unit: str, missing: str, **fixed) -> None:
        if row is None:
            out.append({"measure": measure, **fixed, "unit": unit, "status": missing})
        else:
            out.append({"measure": measure, **dict(row), "unit": unit, "status": "observed"})

    related = [geo, *dataset.related_geographies(geo)]
    own = paces[paces["geo"] == geo]
    if own.empty:
        points = panel[panel["geo"].isin(related) & panel["used"]]
        add(
            "city's own record: digital share",
            None,
            "pp/yr",
            "not observable: no two figures of one method on one boundary"
            f" ({_describe_series(points)})",
            geo=geo,
        )
    for row in own.itertuples(index=False):
        add("city's own record: digital share", row._asdict(), "pp/yr", "")
    for method, frame in paces[paces["kind"] == "country"].groupby("method"):
        first = panel[(panel["geo"].isin(frame["geo"])) & (panel["method"] == method)]
        first = first[first["used"]].sort_values("year")
        a, b = first.iloc[0], first.iloc[-1]
        add(
            "national pace: digital share",
            {
                "geo": a["geo"],
                "method": method,
                "period": f"{a['year']}-{b['year']}",
                "start_value": a["value"],
                "end_value": b["value"],
                "pace": (b["value"] - a["value"]) / (b["year"] - a["year"]),
                "evidence": f"{a['obs_id']}, {b['obs_id']}",
            },
            "pp/yr",
            "",
        )
    provinces = paces[paces["kind"] == "province"]
    if provinces.empty:
        add(
            "best pace of any province: digital share",
            None,
            "pp/yr",
            "not observable: no province has two figures of one method",
        )
    for _method, frame in provinces.groupby("method"):
        best = frame.loc[frame["pace"].idxmax()]
        add("best pace of any province: digital share", best.drop("kind").to_dict(), "pp/yr", "")

    lp = _multi_year(dataset, productivity_indicator, as_of)
    kinds = dataset.codes["geographies"].set_index("code")["kind"]

    def lp_row(r) -> dict:
        return {
            "geo": r["geo"],
            "method": r["price_basis"],
            "period": str(r["period"]).replace("/", "-"),
            "pace": float(r["value"]),
            "evidence": r["obs_id"],
        }

    mine = lp[lp["geo"] == geo]
    if mine.empty:
        add(
            "city's own record: labour productivity growth (real)",
            None,
            "%/yr",
            "not observable: no published multi-year average",
            geo=geo,
        )
    for _, r in mine.iterrows():
        add("city's own record: labour productivity growth (real)", lp_row(r), "%/yr", "")
    prov = lp[lp["geo"].map(kinds) == "province"]
    if len(prov):
        add(
            "best pace of any province: labour productivity growth (real)",
            lp_row(prov.loc[prov["value"].astype(float).idxmax()]),
            "%/yr",
            "",
        )
    frame = pd.DataFrame(out).reindex(columns=_PACE_COLUMNS)
    frame["status"] = frame["status"].replace("", "observed")
    return frame
