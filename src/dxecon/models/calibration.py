r"""Diffusion of the digital-economy share estimated from ``data/``, and "what it takes".

The scenario engine moves digital intensity along a logistic curve towards a ceiling
(:mod:`dxecon.models.scenarios.engine`). This module estimates that curve from the published
series instead of typing it in, one **measure** at a time (GSO's and MIC's measures of the
digital economy are never mixed, not in levels, speeds, spreads or priors), says where the
data cannot pin a parameter (then a stated prior in ``params/calibration.yaml`` decides),
and draws the predictive distribution of a geography's path per Monte Carlo path.

Model (docs/methods.md section 3). For series :math:`g` (one geography measured by one
method :math:`m`) and year :math:`t`, with ceiling :math:`C`:

.. math::
    z_{gt} = \log\frac{s_{gt}}{C - s_{gt}} = a_g + k_g\,(t - \bar t) + e_{gt},
    \qquad k_g = k_m + u_g,\quad u_g \sim N(0, \tau_m^2),

one :math:`k_m` per measure. With fewer than two provinces of two years or more on the
measure, :math:`\tau_m` is not identified: OLS (statsmodels) with one intercept per series
and the common speed :math:`k_m` estimates the speed, and :math:`\tau_m` comes from a
stated prior. With two or more such provinces, a linear mixed model (statsmodels
``MixedLM``, REML: fixed intercepts per series, a random slope per series) estimates
:math:`k_m`, its standard error and :math:`\tau_m`. Only within-series changes identify the
speeds, so a series with a single year adds nothing to them (it is listed, not used).
:math:`s_t = C/(1 + e^{-z_t})` is the engine's curve.

Forecast of a geography's logit :math:`h` years after its published start figure
:math:`s_0` (a random walk with drift along the curve):

.. math::
    z_{h} = \operatorname{logit}(s_0 e^{\varepsilon}/C) + h\,(k_m + u)
        + \sum_{j=1}^{h}\eta_j,\qquad
    \operatorname{Var}(z_h) \approx \operatorname{Var}(a) + h^2(\widehat{se}^2 + \tau^2)
        + h\,f^2\sigma_\eta^2,

with :math:`k_m = \hat k(C) + \widehat{se}(C)\,t_\nu`, :math:`\eta_j \sim N(0,
f^2\sigma_\eta^2)` (yearly noise, estimated from the changes of the measure's published
logits; :math:`f \ge 1` its widening when the real-time check of the intervals,
`dxecon.models.calibration_realtime`, finds them too narrow by the project's rule) and
:math:`\varepsilon \sim N(0, \rho^2)` (the start figure's revision error on the log scale,
estimated from the figures of the measure published in several vintages), so the start
:math:`s_0e^{\varepsilon}` is lognormal with the published figure as its median and
:math:`\operatorname{Var}(a) \approx (C/(C - s_0))^2\rho^2` (delta method). The ceiling of a
path is drawn from the prior given that it is at least the path's start.
Each estimated scale (:math:`\widehat{se}`, :math:`\sigma_\eta`, :math:`\rho`) is drawn
from its sampling distribution given its degrees of freedom, which inflates its term by
:math:`\nu/(\nu - 2)` (:meth:`DiffusionCalibration.predictive_draw`). The national series
stands for :math:`k_m` (it aggregates the provinces), so its own forecast draws no
:math:`u`.

The ceiling is checked with a profile likelihood: :math:`\mathrm{LR}(C) = n \log(
\mathrm{SSR}(C)/\min_C \mathrm{SSR})`; ceilings with :math:`\mathrm{LR} < \chi^2_{1,0.95}`
are compatible with the data. When that set covers the whole prior range, the data cannot
pin :math:`C` and the prior decides.

Pure helpers for the "what it takes" table: :func:`required_pace`, :func:`required_growth`
(rates combine through `dxecon.models.rates`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dxecon.core.errors import ParamsError, SeriesSelectionError
from dxecon.core.facts import facts_cell, text_note, text_problem
from dxecon.core.params import check_keys, load_yaml, params_path, resolve
from dxecon.models.rates import growth_from_ratio

if TYPE_CHECKING:
    from dxecon.models.calibration_realtime import NoiseWidening

__all__ = [
    "DiffusionCalibration",
    "NoiseFit",
    "PredictiveDraws",
    "Prior",
    "SpeedFit",
    "SpreadFit",
    "SpreadPrior",
    "calibrate_diffusion",
    "diffusion_panel",
    "estimate_noise",
    "fit_logistic_speed",
    "fit_speed_spread",
    "logit_noise_paths",
    "observed_pace",
    "required_growth",
    "required_pace",
    "revision_errors",
    "start_logit",
]

#: 95% point of the chi-square distribution with one degree of freedom.
CHI2_1_95 = 3.841458820694124

_CALIBRATION_KEYS = (
    "indicator",
    "measure",
    "exclude",
    "ceiling",
    "speed_prior",
    "tau_prior",
    "noise_prior",
    "ceiling_grid_points",
    "start_year_ambiguous",
    "realtime",
)
_PRIOR_KEYS = ("distribution", "low", "high", "source")
_SPREAD_PRIOR_KEYS = ("ratio_to_speed", "source")


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
    return float(growth_from_ratio(float(target_level) / float(latest_level), span))


def _span(latest_year: int, target_year: int) -> int:
    span = int(target_year) - int(latest_year)
    if span <= 0:
        raise ValueError(f"target_year ({target_year}) must be after latest_year ({latest_year})")
    return span


# -- priors ----------------------------------------------------------------------------------
def _check_source(source) -> None:
    """A prior's source: its reasoning for a reader in each language, ``{vi: ..., en: ...}``
    (`dxecon.core.facts.text_note`)."""
    if problem := text_problem(dict(source) if isinstance(source, Mapping) else source):
        raise ValueError(f"a prior needs its source: {problem}")


@dataclass(frozen=True)
class Prior:
    """A uniform prior with its source (the only kind ``params/calibration.yaml`` uses):
    ``source``, its reasoning in each language (``{vi: ..., en: ...}``)."""

    low: float
    high: float
    source: Mapping[str, str]
    distribution: str = "uniform"

    def __post_init__(self) -> None:
        if self.distribution != "uniform":
            raise ValueError(f"prior distribution {self.distribution!r}: only 'uniform'")
        if not self.high > self.low:
            raise ValueError(f"prior needs high > low; got low={self.low}, high={self.high}")
        _check_source(self.source)

    @property
    def notes(self) -> list[dict]:
        """Where the prior comes from, as notes (`dxecon.core.facts`): its range, then its
        source in each language."""
        return [
            {"code": "calib_uniform", "prior_low": self.low, "prior_high": self.high},
            text_note(self.source),
        ]

    @property
    def note(self) -> dict:
        """The prior's source alone, as a note."""
        return text_note(self.source)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def sd(self) -> float:
        return (self.high - self.low) / np.sqrt(12.0)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def at_least(self, floor, uniform) -> np.ndarray:
        r"""The prior given that the value is at least ``floor`` (per path), from draws
        ``uniform`` on :math:`[0, 1)`: uniform on :math:`[\max(l, f), \max(h, f)]`, the
        uniform prior truncated below at :math:`f` (a floor above the high end leaves the
        floor itself). Where :math:`f \le l` it is the prior's own draw
        :math:`l + (h - l)u`."""
        low = np.maximum(self.low, np.asarray(floor, dtype=float))
        return low + (np.maximum(self.high, low) - low) * np.asarray(uniform, dtype=float)


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
    key = ("diffusion_panel", indicator, as_of, tuple(sorted(exclude.items())))
    return dataset.remembered(key, lambda: _diffusion_panel(dataset, indicator, as_of, exclude))


def _diffusion_panel(dataset, indicator: str, as_of, exclude: dict[str, str]) -> pd.DataFrame:
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


def _informative(panel: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    counts = panel.groupby("group")["year"].nunique()
    groups = sorted(counts.index[counts >= 2])
    return panel[panel["group"].isin(groups)], groups


def _logit(values: np.ndarray, ceiling: float) -> np.ndarray:
    if (values <= 0).any() or (values >= ceiling).any():
        raise ValueError(
            f"shares must lie strictly between 0 and the ceiling {ceiling:g}; "
            f"got {values.min():g}..{values.max():g}"
        )
    return np.log(values / (ceiling - values))


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

    data, informative = _informative(panel)
    if data.empty:
        return None
    z = _logit(data["value"].to_numpy(dtype=float), ceiling)
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


@dataclass(frozen=True)
class SpreadFit:
    """Mixed-model fit of the measure's speed and its between-series spread for one ceiling."""

    ceiling: float
    speed: float
    std_error: float
    tau: float
    tau_std_error: float
    n_points: int
    n_groups: int
    df_resid: int
    converged: bool


def fit_speed_spread(panel: pd.DataFrame, *, ceiling: float) -> SpreadFit | None:
    r"""Linear mixed model of the logit: series intercepts, a common speed and a random
    speed deviation per series.

    .. math:: z_{gt} = a_g + (k_m + u_g)(t - \bar t) + e_{gt},\qquad
        u_g \sim N(0, \tau^2),\ e_{gt} \sim N(0, \sigma_e^2)

    Fitted by REML with statsmodels ``MixedLM`` (fixed intercepts per series, random slope
    per series). REML rather than a moment estimator: it gives the speed's standard error
    with :math:`\tau` in it and a standard error of :math:`\tau^2` (from the REML
    information, :math:`se(\hat\tau) = se(\hat\tau^2)/(2\hat\tau)`), and uses series of
    unequal length and gaps without weights chosen by hand.

    Parameters
    ----------
    panel : pandas.DataFrame
        Columns ``group``, ``year``, ``value`` (as :func:`fit_logistic_speed`).
    ceiling : float

    Returns
    -------
    SpreadFit or None
        None when fewer than two series have two years, or the model cannot be fitted
        (singular design). ``tau_std_error`` is NaN when :math:`\hat\tau = 0` (the
        estimate sits on the boundary).
    """
    from statsmodels.regression.mixed_linear_model import MixedLM

    data, groups = _informative(panel)
    if len(groups) < 2:
        return None
    z = _logit(data["value"].to_numpy(dtype=float), ceiling)
    years = data["year"].to_numpy(dtype=float)
    centred = years - years.mean()
    labels = data["group"].to_numpy()
    dummies = (labels[:, None] == np.asarray(groups)[None, :]).astype(float)
    exog = np.column_stack([dummies, centred])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = MixedLM(z, exog, groups=labels, exog_re=centred[:, None]).fit(reml=True)
        except (np.linalg.LinAlgError, ValueError):
            return None
    n_fe = exog.shape[1]
    tau2 = max(float(np.asarray(fit.cov_re)[0, 0]), 0.0)
    cov = np.asarray(fit.cov_params())
    # cov_params' variance block is on the scale of cov_re / scale (statsmodels' psi)
    tau2_se = float(fit.scale * np.sqrt(cov[n_fe, n_fe])) if cov.shape[0] > n_fe else np.nan
    tau = float(np.sqrt(tau2))
    converged = bool(fit.converged) and not any(
        "converge" in str(w.message).lower() for w in caught
    )
    return SpreadFit(
        ceiling=float(ceiling),
        speed=float(fit.fe_params[-1]),
        std_error=float(fit.bse_fe[-1]),
        tau=tau,
        tau_std_error=tau2_se / (2 * tau) if tau > 0 else float("nan"),
        n_points=len(z),
        n_groups=len(groups),
        df_resid=len(z) - n_fe,
        converged=converged,
    )


@dataclass(frozen=True)
class NoiseFit:
    """The yearly noise of the logit, estimated from the changes of the published series."""

    sd: float
    df: int
    n_changes: int
    n_series: int
    ceiling: float

    @property
    def std_error(self) -> float:
        """Approximate standard error of the sd, :math:`\\hat\\sigma/\\sqrt{2\\,df}`."""
        return self.sd / np.sqrt(2.0 * self.df)


def estimate_noise(panel: pd.DataFrame, *, ceiling: float) -> NoiseFit | None:
    r"""Standard deviation of the yearly shocks of the logit, each series a random walk with
    its own drift.

    For series :math:`g` with consecutive published figures :math:`i` (gaps :math:`\Delta_
    {gi}` years apart), logit changes :math:`\delta_{gi} = z_{g,i} - z_{g,i-1}` and drift
    :math:`\bar k_g = \sum_i \delta_{gi} / \sum_i \Delta_{gi}`:

    .. math:: \hat\sigma_\eta^2 = \frac{1}{M - G}\sum_g\sum_i
        \frac{(\delta_{gi} - \bar k_g\Delta_{gi})^2}{\Delta_{gi}},

    with :math:`M` changes and :math:`G` series (:math:`M - G` degrees of freedom): a change
    over :math:`\Delta` years sums :math:`\Delta` yearly shocks.

    Returns
    -------
    NoiseFit or None
        None when no degree of freedom is left (fewer than two changes in any series).
    """
    data, groups = _informative(panel)
    total, changes = 0.0, 0
    for _, rows in data.groupby("group", sort=True):
        rows = rows.sort_values("year")
        z = _logit(rows["value"].to_numpy(dtype=float), ceiling)
        delta = np.diff(z)
        gap = np.diff(rows["year"].to_numpy(dtype=float))
        drift = delta.sum() / gap.sum()
        total += float(((delta - drift * gap) ** 2 / gap).sum())
        changes += len(delta)
    df = changes - len(groups)
    if df < 1:
        return None
    return NoiseFit(
        sd=float(np.sqrt(total / df)),
        df=df,
        n_changes=changes,
        n_series=len(groups),
        ceiling=float(ceiling),
    )


def logit_noise_paths(rng: np.random.Generator, noise_sd: np.ndarray, steps: int) -> np.ndarray:
    r"""Cumulative yearly noise of the logit, :math:`W_{pt} = \sum_{j \le t} \eta_{pj}`,
    :math:`\eta_{pj} \sim N(0, \sigma_p^2)`: shape (paths, steps); its variance at step
    :math:`h` is :math:`h\sigma_p^2`."""
    noise_sd = np.asarray(noise_sd, dtype=float)
    shocks = rng.standard_normal((len(noise_sd), int(steps))) * noise_sd[:, None]
    return np.cumsum(shocks, axis=1)


_REVISION_COLUMNS = [
    "geo",
    "method",
    "year",
    "first_obs",
    "first_value",
    "first_published",
    "chosen_obs",
    "chosen_value",
    "log_revision",
]


def revision_errors(
    dataset,
    *,
    measure: str,
    indicator: str = "de_share",
    as_of=None,
    exclude: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    r"""How much a first release of the measure moved by the figure chosen now: one row per
    geography and year published in two vintages or more (as visible by ``as_of``).

    :math:`r = \log(\text{first release} / \text{chosen figure})`; the start's revision
    error is :math:`\rho = \sqrt{\overline{r^2}}` (zero-mean: a published figure is the
    statistics office's best estimate). A figure is only ever compared with another figure
    of the same geography code and method: never across a boundary change (a place before
    and after a merger) or a measure.
    """
    exclude = dict(exclude or {})
    obs = dataset.observations
    rows = obs[
        (obs["indicator"] == indicator)
        & (obs["period_kind"] == "year")
        & (obs["method"] == measure)
        & (obs["sector"] == "total")
    ]
    out = []
    for geo in sorted(rows["geo"].unique()):
        try:
            cands = dataset.candidates(indicator, geo, method=measure, as_of=as_of)
        except SeriesSelectionError:
            continue
        cands = cands[
            cands["visible"] & (cands["duplicate_of"] == "") & ~cands["obs_id"].isin(exclude)
        ]
        for year, group in cands.groupby("year"):
            chosen = group[group["chosen"]]
            if len(group) < 2 or chosen.empty:
                continue
            first = group.sort_values(["published_effective", "obs_id"]).iloc[0]
            best = chosen.iloc[0]
            out.append(
                {
                    "geo": geo,
                    "method": measure,
                    "year": int(year),
                    "first_obs": first["obs_id"],
                    "first_value": float(first["value"]),
                    "first_published": str(first["published_effective"])[:10],
                    "chosen_obs": best["obs_id"],
                    "chosen_value": float(best["value"]),
                    "log_revision": float(np.log(first["value"] / best["value"])),
                }
            )
    return pd.DataFrame(out, columns=_REVISION_COLUMNS)


# -- priors of the spread and the noise --------------------------------------------------------
@dataclass(frozen=True)
class SpreadPrior:
    r"""A stated prior for the between-province spread of the speed on one measure:
    :math:`\tau_m = r\,|\hat k_m|`, a multiple of the measure's own national speed (so it
    never borrows another measure's scale)."""

    ratio_to_speed: float
    source: Mapping[str, str]

    def __post_init__(self) -> None:
        if not self.ratio_to_speed >= 0:
            raise ValueError(f"ratio_to_speed must be >= 0; got {self.ratio_to_speed}")
        _check_source(self.source)

    @property
    def note(self) -> dict:
        """The prior's source, as a note (`dxecon.core.facts.text_note`)."""
        return text_note(self.source)

    def tau(self, speed) -> np.ndarray:
        return self.ratio_to_speed * np.abs(np.asarray(speed, dtype=float))


# -- the calibration -------------------------------------------------------------------------
@dataclass(frozen=True)
class PredictiveDraws:
    r"""Per-path draws of one geography's diffusion on one measure (arrays of shape (n,)).

    ``ceiling`` :math:`C_p`; ``national_speed`` :math:`k_{m,p}`, the measure's speed;
    ``deviation`` :math:`u_p \sim N(0, \tau(C_p)^2)`, the geography's own deviation;
    ``speed`` :math:`k_{m,p} + u_p`; ``noise_sd`` :math:`\sigma_{\eta,p}` of the yearly
    logit shocks; ``revision_sd`` :math:`\rho_p`; ``start_logit`` the start's logit
    :math:`\operatorname{logit}(m_p s_0/C_p)` and ``start_factor`` :math:`m_p =
    e^{\varepsilon_p}`, the factor on the published start (median 1; every
    :math:`C_p \ge m_p s_0`). See :meth:`DiffusionCalibration.predictive_draw`.
    """

    ceiling: np.ndarray
    national_speed: np.ndarray
    deviation: np.ndarray
    speed: np.ndarray
    noise_sd: np.ndarray
    revision_sd: np.ndarray
    start_logit: np.ndarray
    start_factor: np.ndarray


def _scale_draws(rng: np.random.Generator, estimate: float, df: int, n: int) -> np.ndarray:
    r"""An estimated standard deviation with ``df`` degrees of freedom, drawn per path
    from its sampling distribution (Jeffreys prior): :math:`\hat s\sqrt{\nu/\chi^2_\nu}`.
    With no degree of freedom the estimate itself (the caller says it is not estimated)."""
    chi2 = rng.chisquare(max(int(df), 1), n)
    if df < 1:
        return np.full(n, float(estimate))
    return float(estimate) * np.sqrt(df / chi2)


def start_logit(start: float, ceiling: np.ndarray, error: np.ndarray) -> np.ndarray:
    r"""The logit, relative to the ceiling, of a published start :math:`s_0` off by a log
    error :math:`\varepsilon` (the scale a revision error is measured on), exactly:

    .. math:: \operatorname{logit}(m s_0 / C) = \log(m s_0) - \log(C - m s_0),
        \qquad m = e^{\varepsilon},

    :math:`+\infty` for a start at its ceiling. A zero-median error gives the published
    figure as the median start. The delta method, :math:`\operatorname{logit}(s_0/C) +
    \varepsilon\,C/(C - s_0)`, is its first-order term only: it explodes when a ceiling
    lies just above :math:`s_0` (a place at the ceiling prior's low end), which the exact
    form does not.

    Raises
    ------
    ValueError
        When a ceiling is below its start (the start must be drawn first and the ceiling
        given it: :meth:`Prior.at_least`)."""
    level = float(start) * np.exp(np.asarray(error, dtype=float))
    room = np.asarray(ceiling, dtype=float) - level
    if np.any(room < 0):
        raise ValueError("a ceiling below its start has no logit: draw the ceiling given the start")
    with np.errstate(divide="ignore"):
        return np.log(level) - np.log(room)


CALIBRATION_COLUMNS = [
    "parameter",
    "key",
    "measure",
    "estimate",
    "std_error",
    "tau",
    "noise",
    "evidence",
    "points",
    "df",
    "decided_by",
    "source",
]


@dataclass(frozen=True, eq=False)
class DiffusionCalibration:
    """The estimated diffusion of the digital share on one measure, with evidence and priors.

    Attributes
    ----------
    table : pandas.DataFrame
        The calibration table (see :meth:`to_frame`).
    panel : pandas.DataFrame
        Every figure considered (:func:`diffusion_panel`), with ``pooled`` (on this
        measure and used) and ``role``.
    by_series : pandas.DataFrame
        Speed estimated on each series of the measure with two years or more.
    grid : pandas.DataFrame
        On a ceiling grid: the speed, its standard error, :math:`\\tau` (``tau``,
        ``tau_std_error``), SSR and likelihood ratio.
    ceiling_prior, speed_prior, noise_prior : Prior
    speed_from_data : bool
        True when the measure's series estimate the speed (with a standard error).
    measure : str
        The method every figure, speed, spread, noise and ceiling here comes from.
    tau_prior : SpreadPrior
    tau_from_data : bool
        True when two or more provinces with two years or more estimate :math:`\\tau`.
    noise : NoiseFit or None
        The yearly noise estimated from the data (None: the prior decides).
    revisions : pandas.DataFrame
        :func:`revision_errors` of the measure: the start's revision error rests on them.
    as_of : str or None
    widening : NoiseWidening or None
        The real-time check's verdict on the intervals as of ``as_of`` and the factor on
        the yearly noise sd it leads to (`dxecon.models.calibration_realtime`); None: not checked
        (the factor is 1).
    params : mapping
        The ``diffusion`` mapping of ``params/calibration.yaml`` it was made with.
    """

    table: pd.DataFrame
    panel: pd.DataFrame
    by_series: pd.DataFrame
    grid: pd.DataFrame
    ceiling_prior: Prior
    speed_prior: Prior
    speed_from_data: bool
    measure: str
    tau_prior: SpreadPrior
    tau_from_data: bool
    noise: NoiseFit | None
    noise_prior: Prior
    revisions: pd.DataFrame
    as_of: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    widening: NoiseWidening | None = None
    #: The ``diffusion`` mapping of ``params/calibration.yaml`` it was made with (the
    #: scenario draws read its start-year ambiguities).
    params: Mapping[str, Any] = field(default_factory=dict)

    # -- the table ---------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: ``parameter`` (in words), ``key`` (a stable name for
        readers that translate: speed, tau, noise, revision, ceiling), ``measure``,
        ``estimate``, ``std_error`` (NaN where a stated prior fixes the value), ``tau`` and
        ``noise`` (the measure's spread of speeds and yearly noise sd, at the prior's
        central ceiling), ``evidence``, ``points`` and ``df`` (figures or changes used,
        residual degrees of freedom), ``decided_by`` ('data', 'prior' or 'left out') and
        ``source``. The last row, the widening factor of the yearly noise from the real-time
        check, counts forecasts in ``points`` and distinct outturn years (events) in ``df``."""
        return self.table.copy()

    def summary(self) -> str:
        """The calibration table as plain text, then the notes."""
        vintage = "latest data" if self.as_of is None else f"data published by {self.as_of}"
        lines = [f"Calibration of the digital-share diffusion, {self.measure} ({vintage})"]
        for row in self.table.itertuples(index=False):
            se = "none" if not np.isfinite(row.std_error) else f"{row.std_error:.3g}"
            lines += [
                f"- {row.parameter}: {row.estimate:.4g} (standard error {se}; "
                f"{row.points} points, {row.df} df); decided by {row.decided_by}",
                f"    evidence: {row.evidence}",
                f"    source: {row.source}",
            ]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.table.to_html(index=False, na_rep="-", float_format="{:.4g}".format)

    # -- values on the ceiling grid -----------------------------------------------------------
    @property
    def noise_sd(self) -> float:
        """The yearly noise sd of the logit: estimated, or the prior's mean."""
        return self.noise.sd if self.noise is not None else self.noise_prior.mean

    @property
    def noise_factor(self) -> float:
        """The factor on the yearly noise sd from the real-time check (1: not widened)."""
        return self.widening.factor if self.widening is not None else 1.0

    @property
    def revision_sd(self) -> float:
        r""":math:`\rho`, the root-mean-square log revision of a first release (0 when no
        figure of the measure was published twice: then the start error is left out)."""
        r = self.revisions["log_revision"].to_numpy(dtype=float)
        return float(np.sqrt(np.mean(r**2))) if len(r) else 0.0

    def _grid(self, column: str, ceiling) -> np.ndarray:
        grid = self.grid.sort_values("ceiling")
        return np.interp(np.asarray(ceiling, dtype=float), grid["ceiling"], grid[column])

    def speed_at(self, ceiling) -> np.ndarray:
        r""":math:`\hat k_m(C)` interpolated on the grid (the speed prior's mean when the data
        cannot pin the speed)."""
        if not self.speed_from_data:
            return np.full(np.shape(ceiling), self.speed_prior.mean)
        return self._grid("speed", ceiling)

    def spread_at(self, ceiling) -> np.ndarray:
        r""":math:`\tau_m(C)`: estimated on the grid, or the stated prior
        :math:`r\,|\hat k_m(C)|`."""
        if self.tau_from_data:
            return self._grid("tau", ceiling)
        return self.tau_prior.tau(self.speed_at(ceiling))

    # -- draws -------------------------------------------------------------------------------
    @property
    def speed_df(self) -> int:
        """Residual degrees of freedom of the speed's fit (0: not estimated by the data)."""
        if not self.speed_from_data:
            return 0
        return int(self.grid["df_resid"].min())

    def _speed_variates(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The national speed's raw draws (a normal and its scale's chi-square factor)."""
        return rng.standard_normal(n), _scale_draws(rng, 1.0, self.speed_df, n)

    def _national(self, ceiling: np.ndarray, normal: np.ndarray, scale: np.ndarray) -> np.ndarray:
        if not self.speed_from_data:
            low, high = self.speed_prior.low, self.speed_prior.high
            return low + (high - low) * _uniform(normal)
        return self.speed_at(ceiling) + self._grid("std_error", ceiling) * normal * scale

    def draw(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        r"""National-speed draws for ``n`` Monte Carlo paths.

        :math:`C \sim` the ceiling prior; then, when the data estimate the speed,
        :math:`k_m \mid C = \hat k(C) + \widehat{se}(C)\,t_\nu` (Student's t with the
        fit's residual degrees of freedom :math:`\nu`: the standard error is itself
        estimated), both interpolated on the ceiling grid; otherwise :math:`k_m \sim` the
        speed prior. Returns ``{'ceiling': (n,), 'speed': (n,)}``: the measure's speed, not
        a city's (see :meth:`predictive_draw`).
        """
        ceiling = self.ceiling_prior.draw(rng, n)
        return {"ceiling": ceiling, "speed": self._national(ceiling, *self._speed_variates(rng, n))}

    def predictive_draw(
        self,
        rng: np.random.Generator,
        n: int,
        *,
        start: float,
        ceiling: float | None = None,
        start_error: bool = True,
    ) -> PredictiveDraws:
        r"""Draws of a geography's diffusion on this measure from a published ``start``.

        Per path :math:`p`: the start error :math:`\varepsilon_p \sim N(0, \rho_p^2)` on
        the log scale, the start :math:`m_ps_0`, :math:`m_p = e^{\varepsilon_p}` exactly
        (lognormal, median the published figure; ``start_error`` False: :math:`m_p = 1`,
        the error still drawn so that the other draws do not move); the ceiling
        :math:`C_p` from the prior given :math:`C_p \ge m_ps_0` (:meth:`Prior.at_least`:
        uniform from the larger of the prior's low end and the path's start to its high
        end; ``ceiling`` fixed: the larger of it and the path's start); the national
        speed :math:`k_{m,p}` as in :meth:`draw`; the geography's own deviation
        :math:`u_p \sim N(0, \tau_m(C_p)^2)`; the noise sd :math:`\sigma_{\eta,p} =
        f\,\hat\sigma_\eta\sqrt{\nu_\eta/\chi^2_{\nu_\eta}}` (:math:`f \ge 1` the
        widening from the real-time check, :attr:`noise_factor`) and the revision sd
        :math:`\rho_p = \hat\rho\sqrt{n_\rho/\chi^2_{n_\rho}}` (each estimated scale
        drawn from its sampling distribution: with four degrees of freedom, an estimated sd
        is itself uncertain by a third; so :math:`\log m_p/\hat\rho` is Student's t with
        :math:`n_\rho` degrees of freedom). The logit :math:`h` years after the start figure,

        .. math:: z_h = \operatorname{logit}(m s_0/C) + h\,(k_m + u)
            + \textstyle\sum_{j\le h}\eta_j

        (:func:`start_logit`, :func:`logit_noise_paths`), has variance, for a fixed ceiling
        well above the start, to first order in :math:`\rho`,

        .. math:: \operatorname{Var}(z_h) \approx \operatorname{Var}(a)
            + h^2\big(\operatorname{Var}(k_m) + \tau^2\big) + h\,f^2E[\sigma_\eta^2],

        :math:`\operatorname{Var}(a) = (C/(C-s_0))^2 E[\rho^2]`,
        :math:`\operatorname{Var}(k_m) = \widehat{se}^2\,\nu/(\nu-2)` and
        :math:`E[\sigma_\eta^2] = \hat\sigma_\eta^2\,\nu_\eta/(\nu_\eta-2)` (and
        :math:`E[\rho^2] = \hat\rho^2 n_\rho/(n_\rho-2)`): the plug-in
        :math:`\operatorname{Var}(a) + h^2(\widehat{se}^2 + \tau^2) + h\hat\sigma_\eta^2`
        with each estimated scale inflated for its degrees of freedom (infinite at two or
        fewer: Student-t tails). The draws are made in one fixed order whatever is used
        afterwards, so switching one source off leaves the others' numbers unchanged.
        """
        # Every variate in one fixed order; the ceiling is set once the start is known.
        ceiling_uniform = rng.uniform(size=n)
        speed_variates = self._speed_variates(rng, n)
        deviation_normal = rng.standard_normal(n)
        uniform = rng.uniform(size=n)
        if self.noise is not None:
            noise_sd = _scale_draws(rng, self.noise.sd, self.noise.df, n)
        else:
            _scale_draws(rng, 0.0, 0, n)  # keeps the stream's order
            noise_sd = self.noise_prior.low + (self.noise_prior.high - self.noise_prior.low) * (
                uniform
            )
        noise_sd = noise_sd * self.noise_factor
        revision_sd = _scale_draws(rng, self.revision_sd, len(self.revisions), n)
        start_normal = rng.standard_normal(n)  # drawn either way: the stream keeps its order
        error = revision_sd * start_normal if start_error else np.zeros(n)
        start_factor = np.exp(error)
        # The ceiling is at least where the path starts: the prior's low end is the highest
        # share reached, and on this path the place itself has reached m_p s_0. Conditioning
        # the ceiling on the start (not the start on the ceiling) keeps the start's
        # distribution the one its revisions measured (docs/methods.md 3.3).
        level = float(start) * start_factor
        if ceiling is None:
            ceiling_draws = self.ceiling_prior.at_least(level, ceiling_uniform)
        else:
            ceiling_draws = np.maximum(float(ceiling), level)
        national = self._national(ceiling_draws, *speed_variates)
        deviation = self.spread_at(ceiling_draws) * deviation_normal
        logit0 = start_logit(float(start), ceiling_draws, error)
        return PredictiveDraws(
            ceiling=ceiling_draws,
            national_speed=national,
            deviation=deviation,
            speed=national + deviation,
            noise_sd=noise_sd,
            revision_sd=revision_sd,
            start_logit=logit0,
            start_factor=start_factor,
        )


def _uniform(normal: np.ndarray) -> np.ndarray:
    """Standard normal draws mapped to uniform ones (one stream for either prior kind)."""
    from scipy.special import ndtr

    return ndtr(normal)


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
            source=spec.get("source"),
            distribution=str(spec.get("distribution", "uniform")),
        )
    except (TypeError, ValueError) as exc:
        raise ParamsError(file, key, str(exc)) from exc


def _spread_prior(spec: Any, *, file: str) -> SpreadPrior:
    key = "diffusion.tau_prior"
    if not isinstance(spec, Mapping):
        raise ParamsError(file, key, "expected a mapping with ratio_to_speed and source")
    check_keys(dict(spec), _SPREAD_PRIOR_KEYS, file=file, prefix=f"{key}.")
    try:
        return SpreadPrior(
            ratio_to_speed=float(spec.get("ratio_to_speed")),
            source=spec.get("source"),
        )
    except (TypeError, ValueError) as exc:
        raise ParamsError(file, key, str(exc)) from exc


def load_calibration_params(path: Path | str | None = None) -> dict[str, Any]:
    """``params/calibration.yaml``'s ``diffusion`` mapping, checked."""
    path = Path(path) if path is not None else params_path("calibration")
    data = load_yaml(path)
    check_keys(data, ("diffusion",), file=str(path))
    spec = data.get("diffusion")
    if not isinstance(spec, Mapping):
        raise ParamsError(str(path), "diffusion", "expected a mapping")
    check_keys(dict(spec), _CALIBRATION_KEYS, file=str(path), prefix="diffusion.")
    if not isinstance(spec.get("measure"), str) or not spec["measure"].strip():
        raise ParamsError(
            str(path),
            "diffusion.measure",
            "name the measure the calibration estimates (the method of the scenario's start "
            "figure, e.g. GSO)",
        )
    return {"_file": str(path), **spec}


def diffusion_params(params: Mapping[str, Any] | None = None, **values: Any) -> dict[str, Any]:
    """The ``diffusion`` mapping a calibration uses: ``params`` (a run's, already resolved
    against the file) or :func:`load_calibration_params`, with ``values`` (keyword
    arguments such as ``measure``) laid over it by the one rule, None meaning the file's
    value (`dxecon.core.params.resolve`)."""
    return resolve(values, dict(params) if params is not None else load_calibration_params())


def _series_facts(frame: pd.DataFrame) -> list[dict]:
    """Each series (geography, method) of ``frame``: its first and last year and points."""
    return [
        {
            "geo": geo,
            "method": method,
            "first": int(rows["year"].min()),
            "last": int(rows["year"].max()),
            "points": len(rows),
        }
        for (geo, method), rows in frame.groupby(["geo", "method"], sort=True)
    ]


def _measures_facts(frame: pd.DataFrame) -> list[dict]:
    """Per measure: how many series, and those with two years or more (`_series_facts`)."""
    found = []
    for method, rows in frame.groupby("method", sort=True):
        counts = rows.groupby("geo")["year"].nunique()
        longer = rows[rows["geo"].isin(counts.index[counts >= 2])]
        found.append({"method": method, "n": len(counts), "series": _series_facts(longer)})
    return found


def calibrate_diffusion(
    dataset,
    *,
    as_of=None,
    params: Mapping[str, Any] | None = None,
    measure: str | None = None,
    widen: bool = True,
    widening=None,
) -> DiffusionCalibration:
    """Estimate the diffusion of the digital share on one measure from ``data/``.

    Parameters
    ----------
    dataset : dxecon.data.Dataset
    as_of : 'YYYY-MM', optional
        Only figures published by then are used.
    params : mapping, optional
        The ``diffusion`` mapping of ``params/calibration.yaml`` (default: that file).
    measure : str, optional
        The method calibrated (default: the file's ``measure``, the start's). Figures of
        other methods never enter the estimates, the ceiling prior or the revision error.
    widen : bool
        Run the real-time check as of ``as_of`` and widen the yearly noise when the rule
        finds the intervals too narrow (`dxecon.models.calibration_realtime.realtime_coverage`;
        default). False: the calibration as estimated (what the check itself re-runs at
        each vintage).
    widening : NoiseWidening, optional
        The real-time check's verdict as of ``as_of`` when it was already run (a run's
        diffusion step shows the check and calibrates once): used instead of running it
        again (with ``widen``).

    Returns
    -------
    DiffusionCalibration
        ``summary()`` prints the calibration table; ``predictive_draw(rng, n)`` gives a
        geography's per-path draws.
    """
    spec = diffusion_params(params, measure=measure)
    file = str(spec.pop("_file", "params/calibration.yaml"))
    measure = str(spec.get("measure") or "")
    if not measure:
        raise ParamsError(file, "diffusion.measure", "name the measure to calibrate (e.g. GSO)")
    exclude = dict(spec.get("exclude") or {})
    indicator = str(spec.get("indicator", "de_share"))
    panel = diffusion_panel(dataset, indicator=indicator, as_of=as_of, exclude=exclude)
    panel["group"] = panel["geo"] + " " + panel["method"]
    panel["pooled"] = panel["used"] & (panel["method"] == measure)
    pooled = panel[panel["pooled"]]
    notes: list[str] = []
    if len(pooled) == 0:
        notes.append(
            f"no {measure} figure is visible: the ceiling prior's low end falls to 0 (figures "
            "of other measures are never used for it)"
        )
    highest = float(pooled["value"].max()) if len(pooled) else 0.0
    highest_row = pooled.loc[pooled["value"].idxmax()] if len(pooled) else None
    ceiling_prior = _prior(spec.get("ceiling"), file=file, key="diffusion.ceiling", highest=highest)
    speed_prior = _prior(
        spec.get("speed_prior"), file=file, key="diffusion.speed_prior", highest=None
    )
    noise_prior = _prior(
        spec.get("noise_prior"), file=file, key="diffusion.noise_prior", highest=None
    )
    tau_prior = _spread_prior(spec.get("tau_prior"), file=file)
    n_grid = int(spec.get("ceiling_grid_points", 25))
    kinds = dataset.codes["geographies"].set_index("code")["kind"].to_dict()

    # Per-series speeds of the measure, at the prior's central ceiling.
    c_mid = ceiling_prior.mean
    by_rows = []
    for group, rows in pooled.groupby("group", sort=True):
        if rows["year"].nunique() < 2:
            continue
        fit = fit_logistic_speed(rows[["group", "year", "value"]], ceiling=c_mid)
        first, last = rows.iloc[0], rows.iloc[-1]
        by_rows.append(
            {
                "series": group,
                "geo": first["geo"],
                "method": first["method"],
                "kind": kinds.get(first["geo"], "unknown"),
                "years": f"{first['year']}-{last['year']}",
                "first_year": int(first["year"]),
                "last_year": int(last["year"]),
                "points": len(rows),
                "speed": fit.speed,
                "std_error": fit.std_error,
                "pp_per_year": (last["value"] - first["value"]) / (last["year"] - first["year"]),
            }
        )
    by_series = pd.DataFrame(
        by_rows,
        columns=[
            "series",
            "geo",
            "method",
            "kind",
            "years",
            "first_year",
            "last_year",
            "points",
            "speed",
            "std_error",
            "pp_per_year",
        ],
    )
    provinces = by_series[by_series["kind"] != "country"]
    spread_identified = len(provinces) >= 2

    # Speed (and tau where identified) on a ceiling grid spanning the prior.
    data = pooled[["group", "year", "value"]]
    grid_rows = []
    feasible_low = highest * 1.0001 + 1e-9
    grid_low = max(feasible_low, min(ceiling_prior.low, ceiling_prior.high))
    tau_failed = False
    for c in np.linspace(grid_low, ceiling_prior.high, max(n_grid, 2)):
        fit = fit_logistic_speed(data, ceiling=float(c)) if len(data) else None
        if fit is None:
            break
        row = {
            "ceiling": c,
            "speed": fit.speed,
            "std_error": fit.std_error,
            "tau": np.nan,
            "tau_std_error": np.nan,
            "ssr": fit.ssr,
            "n_points": fit.n_points,
            "df_resid": fit.df_resid,
        }
        spread = fit_speed_spread(data, ceiling=float(c)) if spread_identified else None
        if spread is not None:
            row.update(
                speed=spread.speed,
                std_error=spread.std_error,
                tau=spread.tau,
                tau_std_error=spread.tau_std_error,
            )
        elif spread_identified:
            tau_failed = True
        grid_rows.append(row)
    grid = pd.DataFrame(
        grid_rows,
        columns=[
            "ceiling",
            "speed",
            "std_error",
            "tau",
            "tau_std_error",
            "ssr",
            "n_points",
            "df_resid",
        ],
    )
    tau_from_data = bool(spread_identified and not tau_failed and len(grid))
    if tau_failed:  # one model on every ceiling: the pooled OLS speeds, tau from the prior
        ols = [fit_logistic_speed(data, ceiling=float(c)) for c in grid["ceiling"]]
        grid["speed"] = [f.speed for f in ols]
        grid["std_error"] = [f.std_error for f in ols]
        grid["tau"] = grid["tau_std_error"] = np.nan
        notes.append(
            f"the mixed model of {measure}'s provinces could not be fitted on every ceiling: "
            "the spread of speeds falls back to its prior"
        )
    speed_from_data = bool(
        len(grid) and (grid["df_resid"] > 0).all() and np.isfinite(grid["std_error"]).all()
    )
    # Profile likelihood of the ceiling over the feasible range (highest value..high).
    profile_compatible = None
    if speed_from_data:
        profile = []
        for c in np.linspace(feasible_low, ceiling_prior.high, 60):
            profile.append((c, fit_logistic_speed(data, ceiling=float(c)).ssr))
        ssr = np.array([s for _, s in profile])
        n = int(grid["n_points"].iloc[0])
        lr = n * np.log(np.maximum(ssr, 1e-300) / max(ssr.min(), 1e-300))
        grid["lr"] = n * np.log(grid["ssr"] / max(ssr.min(), 1e-300))
        compatible = np.array([c for (c, _), v in zip(profile, lr, strict=True) if v < CHI2_1_95])
        profile_compatible = (float(compatible.min()), float(compatible.max()))

    noise = estimate_noise(data, ceiling=c_mid) if len(data) else None
    revisions = revision_errors(
        dataset, measure=measure, indicator=indicator, as_of=as_of, exclude=exclude
    )
    calibration = DiffusionCalibration(
        table=pd.DataFrame(columns=CALIBRATION_COLUMNS),
        panel=panel,
        by_series=by_series,
        grid=grid,
        ceiling_prior=ceiling_prior,
        speed_prior=speed_prior,
        speed_from_data=speed_from_data,
        measure=measure,
        tau_prior=tau_prior,
        tau_from_data=tau_from_data,
        noise=noise,
        noise_prior=noise_prior,
        revisions=revisions,
        as_of=None if as_of is None else str(as_of),
    )

    # The table.
    tau_mid = float(calibration.spread_at(c_mid))
    context = {"measure": measure, "tau": tau_mid, "noise": calibration.noise_sd}
    # Evidence and sources are notes (`dxecon.core.facts`): the saved table stays
    # machine-readable and `dxecon.present.notes` words them in the reader's language.
    others = panel[panel["used"] & (panel["method"] != measure)]
    other_notes = (
        [{"code": "calib_other_measures", "measure": measure, "measures": _measures_facts(others)}]
        if len(others)
        else []
    )
    single = pooled.groupby("group")["year"].nunique()
    single = sorted(single.index[single < 2])
    rows = []
    mid = fit_logistic_speed(data, ceiling=c_mid) if len(data) else None
    if speed_from_data:
        notes = [
            {
                "code": "calib_speed",
                "how": "mixed" if tau_from_data else "pooled",
                "points": mid.n_points,
                "df": mid.df_resid,
                "series": _series_facts(pooled[pooled["group"].isin(mid.groups)]),
                "central_ceiling": c_mid,
                "speed_low": float(grid["speed"].min()),
                "speed_high": float(grid["speed"].max()),
            }
        ]
        if single:
            series = pooled[pooled["group"].isin(single)]
            notes.append({"code": "calib_single", "series": _series_facts(series)})
        rows.append(
            {
                "parameter": "national diffusion speed k_m (logistic rate, per year)",
                "key": "speed",
                "estimate": float(calibration.speed_at(c_mid)),
                "std_error": float(calibration._grid("std_error", c_mid)),
                "evidence": facts_cell(notes + other_notes),
                "points": mid.n_points,
                "df": mid.df_resid,
                "decided_by": "data",
                "source": facts_cell([{"code": "calib_estimated"}]),
            }
        )
    else:
        why = "no_series" if not len(grid) else "exact"
        notes = [
            {"code": "calib_speed_prior", "why": why, "measure": measure},
            {"code": "calib_figures", "series": _series_facts(pooled)},
        ]
        rows.append(
            {
                "parameter": "national diffusion speed k_m (logistic rate, per year)",
                "key": "speed",
                "estimate": speed_prior.mean,
                "std_error": speed_prior.sd,
                "evidence": facts_cell(notes + other_notes),
                "points": len(pooled),
                "df": 0 if mid is None else mid.df_resid,
                "decided_by": "prior",
                "source": facts_cell([speed_prior.note]),
            }
        )
    province_series = _series_facts(pooled[pooled["group"].isin(provinces["series"])])
    if tau_from_data:
        rows.append(
            {
                "parameter": "spread of a province's speed around k_m, tau (per year)",
                "key": "tau",
                "estimate": tau_mid,
                "std_error": float(calibration._grid("tau_std_error", c_mid)),
                "evidence": facts_cell(
                    [{"code": "calib_tau", "n": len(provinces), "series": province_series}]
                ),
                "points": int(provinces["points"].sum()),
                "df": len(provinces) - 1,
                "decided_by": "data",
                "source": facts_cell([{"code": "calib_mixed_model"}]),
            }
        )
    else:
        rows.append(
            {
                "parameter": "spread of a province's speed around k_m, tau (per year)",
                "key": "tau",
                "estimate": tau_mid,
                "std_error": np.nan,
                "evidence": facts_cell(
                    [
                        {
                            "code": "calib_tau_prior",
                            "n": len(provinces),
                            "measure": measure,
                            "series": province_series,
                            "ratio": tau_prior.ratio_to_speed,
                        }
                    ]
                ),
                "points": int(provinces["points"].sum()),
                "df": 0,
                "decided_by": "prior",
                "source": facts_cell([tau_prior.note]),
            }
        )
    if noise is not None:
        rows.append(
            {
                "parameter": "yearly noise of the logit, sigma_eta",
                "key": "noise",
                "estimate": noise.sd,
                "std_error": noise.std_error,
                "evidence": facts_cell(
                    [
                        {
                            "code": "calib_noise",
                            "changes": noise.n_changes,
                            "n": noise.n_series,
                            "central_ceiling": c_mid,
                        }
                    ]
                ),
                "points": noise.n_changes,
                "df": noise.df,
                "decided_by": "data",
                "source": facts_cell([{"code": "calib_estimated"}]),
            }
        )
    else:
        rows.append(
            {
                "parameter": "yearly noise of the logit, sigma_eta",
                "key": "noise",
                "estimate": noise_prior.mean,
                "std_error": noise_prior.sd,
                "evidence": facts_cell([{"code": "calib_noise_prior", "measure": measure}]),
                "points": 0,
                "df": 0,
                "decided_by": "prior",
                "source": facts_cell(noise_prior.notes),
            }
        )
    rho = calibration.revision_sd
    if len(revisions):
        listed = [
            {
                "geo": r.geo,
                "year": int(r.year),
                "first": float(r.first_value),
                "first_obs": r.first_obs,
                "chosen": float(r.chosen_value),
                "chosen_obs": r.chosen_obs,
            }
            for r in revisions.itertuples()
        ]
        rows.append(
            {
                "parameter": "revision error of a first release (sd of log revision), rho",
                "key": "revision",
                "estimate": rho,
                "std_error": rho / np.sqrt(2.0 * len(revisions)),
                "evidence": facts_cell(
                    [
                        {
                            "code": "calib_revision",
                            "n": len(revisions),
                            "measure": measure,
                            "revisions": listed,
                        }
                    ]
                ),
                "points": len(revisions),
                "df": len(revisions),
                "decided_by": "data",
                "source": facts_cell([{"code": "calib_vintages"}]),
            }
        )
    else:
        rows.append(
            {
                "parameter": "revision error of a first release (sd of log revision), rho",
                "key": "revision",
                "estimate": 0.0,
                "std_error": np.nan,
                "evidence": facts_cell([{"code": "calib_revision_none", "measure": measure}]),
                "points": 0,
                "df": 0,
                "decided_by": "left out",
                "source": facts_cell([{"code": "calib_no_revision"}]),
            }
        )
    if profile_compatible is not None:
        low_c, high_c = profile_compatible
        step = (ceiling_prior.high - feasible_low) / 59
        covers = low_c <= ceiling_prior.low + step and high_c >= ceiling_prior.high - step
        c_notes = [
            {
                "code": "calib_ceiling",
                "prior_low": feasible_low,
                "prior_high": ceiling_prior.high,
                "ceiling_low": low_c,
                "ceiling_high": high_c,
                "covers": bool(covers),
            }
        ]
    else:
        c_notes = [{"code": "calib_ceiling_none", "measure": measure}]
    if highest_row is not None:
        c_notes.append(
            {
                "code": "calib_ceiling_floor",
                "measure": measure,
                "highest": highest,
                "geo": highest_row["geo"],
                "year": int(highest_row["year"]),
                "obs": highest_row["obs_id"],
            }
        )
    rows.append(
        {
            "parameter": "ceiling of the digital share (% of GRDP)",
            "key": "ceiling",
            "estimate": ceiling_prior.mean,
            "std_error": ceiling_prior.sd,
            "evidence": facts_cell(c_notes),
            "points": len(pooled),
            "df": 0 if mid is None else mid.df_resid,
            "decided_by": "prior",
            "source": facts_cell(ceiling_prior.notes),
        }
    )
    if not widen:
        widening = None
    else:
        # imported here: the real-time check re-runs this function (unwidened) per vintage
        from dxecon.models.calibration_realtime import noise_widening

        if widening is None:
            widening = noise_widening(
                dataset, as_of=as_of, params={**spec, "_file": file}, measure=measure
            )
        rows.append(
            {
                "parameter": "widening factor of the yearly noise sd (real-time check)",
                "key": "widening",
                "estimate": widening.factor,
                "std_error": np.nan,
                "evidence": widening.evidence,
                "points": widening.forecasts,
                "df": len(widening.events),
                "decided_by": "data" if widening.forecasts else "left out",
                "source": facts_cell([{"code": "calib_realtime_rule"}]),
            }
        )
    table = pd.DataFrame([{**row, **context} for row in rows]).reindex(columns=CALIBRATION_COLUMNS)
    table = table.astype({"points": int, "df": int})
    left_out = panel[~panel["used"]]
    notes += [f"left out {r.obs_id} ({r.group} {r.year}): {r.why}" for r in left_out.itertuples()]
    notes.append(
        f"{len(pooled)} {measure} figure(s) used; measures are never mixed (one calibration per "
        "measure, one intercept per series: a place's boundaries before and after a merger "
        "are separate series, never spliced)"
    )
    panel["role"] = np.select(
        [~panel["used"], panel["pooled"] & panel["group"].isin(single), panel["pooled"]],
        ["left out", "one year: level only", "estimates the speed"],
        default="other measure (never mixed)",
    )
    return replace(
        calibration,
        table=table,
        panel=panel.drop(columns=["group"]),
        notes=tuple(notes),
        widening=widening,
        params={**spec, "_file": file},
    )


# -- observed pace -----------------------------------------------------------------------------
#: A pace's ``status``: computed, or not (its ``evidence`` then records why).
OBSERVED, NOT_OBSERVABLE = "observed", "not_observable"
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
    geo: str,
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
    ``status`` (:data:`OBSERVED`, or :data:`NOT_OBSERVABLE`: then ``pace`` is NaN and
    ``evidence`` records why, as a note of `dxecon.core.facts`).
    """
    exclude = dict(diffusion_params(exclude=exclude).get("exclude") or {})
    key = ("observed_pace", geo, as_of, tuple(sorted(exclude.items())), share_indicator)
    return dataset.remembered(
        (*key, productivity_indicator),
        lambda: _observed_pace(
            dataset, geo, as_of, exclude, share_indicator, productivity_indicator
        ),
    )


def _observed_pace(
    dataset,
    geo: str,
    as_of,
    exclude: dict[str, str],
    share_indicator: str,
    productivity_indicator: str,
) -> pd.DataFrame:
    panel = diffusion_panel(dataset, indicator=share_indicator, as_of=as_of, exclude=exclude)
    paces = _share_paces(panel)
    out = []

    def add(measure: str, row: Mapping | None, unit: str, missing: dict, **fixed) -> None:
        if row is None:  # why nothing could be computed: a recorded note (dxecon.core.facts)
            why = facts_cell([missing])
            out.append(
                {
                    "measure": measure,
                    **fixed,
                    "unit": unit,
                    "evidence": why,
                    "status": NOT_OBSERVABLE,
                }
            )
        else:
            out.append({"measure": measure, **dict(row), "unit": unit, "status": OBSERVED})

    related = [geo, *dataset.related_geographies(geo)]
    own = paces[paces["geo"] == geo]
    if own.empty:
        points = panel[panel["geo"].isin(related) & panel["used"]]
        add(
            "city's own record: digital share",
            None,
            "pp/yr",
            {"code": "pace_no_two_figures", "series": _series_facts(points)},
            geo=geo,
        )
    for row in own.itertuples(index=False):
        add("city's own record: digital share", row._asdict(), "pp/yr", {})
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
            {},
        )
    provinces = paces[paces["kind"] == "province"]
    if provinces.empty:
        add(
            "best pace of any province: digital share",
            None,
            "pp/yr",
            {"code": "pace_no_province"},
        )
    for _method, frame in provinces.groupby("method"):
        best = frame.loc[frame["pace"].idxmax()]
        add("best pace of any province: digital share", best.drop("kind").to_dict(), "pp/yr", {})

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
            {"code": "pace_no_multi_year"},
            geo=geo,
        )
    for _, r in mine.iterrows():
        add("city's own record: labour productivity growth (real)", lp_row(r), "%/yr", {})
    prov = lp[lp["geo"].map(kinds) == "province"]
    if len(prov):
        add(
            "best pace of any province: labour productivity growth (real)",
            lp_row(prov.loc[prov["value"].astype(float).idxmax()]),
            "%/yr",
            {},
        )
    return pd.DataFrame(out).reindex(columns=_PACE_COLUMNS)
    return frame
