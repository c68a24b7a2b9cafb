r"""Are the diffusion intervals honest? The calibration and its predictive draw re-run as
of past vintages, against what was published later; widened when the project's rule says
they are too narrow.

For every as-of date :math:`v` of the schedule (``params/calibration.yaml``, key
``diffusion.realtime``: the given months of every year) at which the national series of the
measure shows two years or more, :func:`realtime_coverage` re-runs
`dxecon.models.calibration.calibrate_diffusion` with only the figures published by :math:`v`, and
the same predictive draw the scenarios use (:meth:`DiffusionCalibration.predictive_draw`):
for a geography whose last figure visible at :math:`v` is :math:`s_\ell` (year
:math:`\ell`), the logit :math:`h = t - \ell` years on is

.. math::
    z_{t} = \log\frac{m s_\ell}{C - m s_\ell} + h\,(k_m + u) + f\sum_{j=1}^{h}\eta_j,

with the ceiling, national speed, revision error and noise estimated as of :math:`v`
(:math:`u = 0` for the national series, which stands for :math:`k_m`; :math:`u \sim N(0,
\tau^2)` for a province) and :math:`f` the noise's widening factor (below; 1 as
forecast). Every later year with an outturn published by the check's own date is
forecast; the outturn is the figure chosen then, on the same geography code (never across
a boundary change) and the same measure. Its 50% and 80% central intervals either contain
it or not.

**Widening.** The project's rule for forecast intervals (`dxecon.models.forecast.coverage.
CoverageRule`, ``params/forecasts.yaml`` key ``backtest``) judges the forecasts of
``diffusion.realtime.widen.forecasts_from`` at its judged level. When it finds them too
narrow, the yearly noise sd is multiplied by the factor :math:`f \ge 1`
(:func:`noise_inflation`) that makes the mean square of their standardized errors one:

.. math::
    \frac{1}{n}\sum_{i=1}^{n} z_i(f)^2 = 1,\qquad
    z_i(f) = \Phi^{-1}\Big(\frac{1}{P}\sum_{p=1}^{P}
        \Phi\Big(\frac{y_{ip} - d_{ip}}{f\,\sigma_{ip}\sqrt{h_i}}\Big)\Big),

with, on path :math:`p`, :math:`d_{ip}` the logit before the noise, :math:`y_{ip}` the
outturn's logit at the path's ceiling and :math:`\sigma_{ip}` its noise sd: the PIT of the
widened predictive, given every draw but the noise (:func:`standardized_errors`). Never
below 1: the rule only widens. No look-ahead: the factor as of a date uses only forecasts
made before it whose outturns were published by it (as chosen then); the check reports the
factor each vintage knew (``noise_factor_realtime``: a real-time result) beside today's
(``noise_factor_now``: *not* a real-time result, its evidence came later).

A coverage resting on fewer forecasts than ``params/forecasts.yaml``'s
``backtest.min_forecasts`` is reported as "too few to judge", with the cases listed
instead of a rate (`dxecon.models.forecast.coverage.TOO_FEW`). The forecasts of one vintage share
its calibration, and successive vintages share figures: they are not independent, so the
check also counts distinct outturn **events** (one geography's year, however many vintages
forecast it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri

from dxecon.core.errors import ParamsError
from dxecon.core.facts import facts_cell, facts_of
from dxecon.core.params import check_keys
from dxecon.models.calibration import (
    calibrate_diffusion,
    diffusion_panel,
    diffusion_params,
    logit_noise_paths,
)
from dxecon.models.forecast.coverage import TOO_FEW, CoverageRule, backtest_params

__all__ = [
    "ALL_VINTAGES",
    "SPEED_FROM_DATA",
    "SUBSETS",
    "DiffusionRealTime",
    "NoiseWidening",
    "noise_inflation",
    "realtime_coverage",
    "realtime_schedule",
    "standardized_errors",
]

#: Spawn key of the noise draws the widening is measured against (the forecasts use
#: ``[seed, vintage, series]``).
NOISE_STREAM = 99

#: The coverage table's subsets (``forecasts_from``).
ALL_VINTAGES, SPEED_FROM_DATA = "all vintages", "speed estimated from data"

_REALTIME_KEYS = ("months", "paths", "seed", "widen")
_WIDEN_KEYS = ("forecasts_from",)

#: Subsets of the real-time forecasts, by what decided the speed of their vintage.
SUBSETS = {ALL_VINTAGES: None, SPEED_FROM_DATA: "data"}

#: The interval variants of the coverage table: as forecast, widened by the factor each
#: vintage knew (real time), widened by today's factor (not a real-time result).
AS_FORECAST = "as forecast"
WIDENED_REALTIME = "widened in real time"
WIDENED_NOW = "widened now (not a real-time result)"

FORECAST_COLUMNS = [
    "as_of",
    "geo",
    "measure",
    "last_year",
    "last_value",
    "year",
    "h",
    "outturn",
    "outturn_obs",
    "median",
    "pit",
    "start_revised",
    "speed",
    "speed_std_error",
    "tau",
    "noise",
    "revision",
    "speed_decided_by",
]


# -- the factor (pure) -----------------------------------------------------------------------
def standardized_errors(
    gaps: Sequence[np.ndarray], noise_sds: Sequence[np.ndarray], factor: float = 1.0
) -> np.ndarray:
    r"""Standardized errors :math:`z_i = \Phi^{-1}(\mathrm{PIT}_i)` of forecasts whose
    yearly noise is widened by ``factor``.

    .. math:: \mathrm{PIT}_i(f) = \frac{1}{P}\sum_p
        \Phi\Big(\frac{g_{ip}}{f\,s_{ip}}\Big)

    the share of the predictive below the outturn given every draw of path :math:`p` but
    its noise (a Rao-Blackwellised PIT: smooth in :math:`f`, with no Monte Carlo step).

    Parameters
    ----------
    gaps : sequence of arrays, one per forecast
        :math:`g_{ip}`: the outturn's logit at the path's ceiling minus the path's logit
        before the noise (``inf`` when the outturn is at or above the path's ceiling).
    noise_sds : sequence of arrays (or scalars), one per forecast
        :math:`s_{ip}`: the sd of the path's cumulative noise at the forecast's horizon,
        :math:`\sigma_{ip}\sqrt{h_i}`. A path with no noise counts as inside below the
        outturn when :math:`g_{ip} \ge 0`.
    factor : float
        :math:`f`, the factor on the noise sd (``inf``: the limit where noise swamps all).

    Returns
    -------
    numpy.ndarray
        One :math:`z_i` per forecast (PITs kept off 0 and 1 by the float resolution).
    """
    eps = np.finfo(float).eps
    out = []
    for gap, sd in zip(gaps, noise_sds, strict=True):
        gap = np.asarray(gap, dtype=float)
        sd = np.broadcast_to(np.asarray(sd, dtype=float), gap.shape)
        with np.errstate(divide="ignore", invalid="ignore"):  # sd 0 or factor inf
            below = np.where(sd > 0, ndtr(gap / (sd * float(factor))), (gap >= 0).astype(float))
        out.append(float(ndtri(np.clip(np.mean(below), eps, 1.0 - eps))))
    return np.asarray(out, dtype=float)


def noise_inflation(gaps: Sequence[np.ndarray], noise_sds: Sequence[np.ndarray]) -> float:
    r"""The factor :math:`f \ge 1` on the yearly noise sd that brings the mean square of
    the standardized errors (:func:`standardized_errors`) to one:

    .. math:: \frac{1}{n}\sum_i z_i(f)^2 = 1,

    or 1 when it is one or less already (the rule only widens). With the whole predictive
    spread in the noise, :math:`z_i(f) = z_i/f` and :math:`f = \sqrt{\overline{z^2}}`.

    Raises
    ------
    ValueError
        When no factor can do it (the errors sit where the paths carry no noise).
    """
    if not len(gaps):
        return 1.0

    def excess(factor: float) -> float:
        return float(np.mean(standardized_errors(gaps, noise_sds, factor) ** 2)) - 1.0

    if excess(1.0) <= 0:
        return 1.0
    if excess(np.inf) >= 0:
        raise ValueError(
            "no widening of the yearly noise brings these errors' mean square to one: "
            "the paths that miss carry no noise"
        )
    high = 2.0
    while excess(high) > 0:  # excess falls towards excess(inf) < 0 as the factor grows
        high *= 2.0
    return float(brentq(excess, high / 2.0 if high > 2.0 else 1.0, high, xtol=1e-10))


# -- results ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoiseWidening:
    """The rule's verdict on the diffusion's intervals as of one date, and the factor on the
    yearly noise it leads to.

    Attributes
    ----------
    as_of : str or None
        The date: forecasts made before it, outturns published by it.
    forecasts_from : str
        The subset judged (a key of :data:`SUBSETS`).
    level : int
        The interval level judged (the rule's).
    forecasts, inside : int
        Forecasts judged, and those whose interval at ``level`` contained the outturn.
    events : tuple of str
        The distinct outturns forecast ('<geo> <year>'): one event however many vintages
        forecast it.
    events_inside : int
        Events with at least one forecast inside.
    binomial_p, events_binomial_p : float
        The one-sided binomial p of so few inside, over forecasts and over events (NaN
        with none).
    too_narrow : bool
        The rule's verdict (on the forecasts, as for every forecast interval).
    verdict : str
        The rule's reason: a note (`dxecon.core.facts`).
    mean_square, mean_square_after : float
        Mean of :math:`z_i^2` with the noise the calibration as of ``as_of`` draws (the
        noise the factor widens; every other draw as forecast), before and after widening
        it by ``factor``.
    factor : float
        The factor on the yearly noise sd (1: not widened).
    """

    as_of: str | None
    forecasts_from: str
    level: int
    forecasts: int
    inside: int
    events: tuple[str, ...]
    events_inside: int
    binomial_p: float
    events_binomial_p: float
    too_narrow: bool
    verdict: str
    mean_square: float
    mean_square_after: float
    factor: float

    @property
    def evidence(self) -> str:
        """The verdict and its evidence (the calibration table's), as a note
        (`dxecon.core.facts`) worded by `dxecon.present.notes`: the date, the subset, the
        forecasts and distinct outturns (a year forecast from several vintages is one
        event), how many fell inside, the rule's verdict with its binomial p, the mean
        square of the standardized errors and the factor."""
        when = {"as_of": self.as_of, "subset": self.forecasts_from}
        if not self.forecasts:
            return facts_cell([{"code": "rt_widening_none", **when}])
        widened = "widened" if self.factor > 1 else "not_needed" if self.too_narrow else "no"
        note = {
            "code": "rt_widening",
            **when,
            "forecasts": self.forecasts,
            "events": [event.split(" ") for event in self.events],
            "inside": self.inside,
            "level": self.level,
            "p": self.binomial_p,
            "too_narrow": self.too_narrow,
            "events_inside": self.events_inside,
            "events_p": self.events_binomial_p,
            "mean_square": self.mean_square,
            "widened": widened,
            "factor": self.factor,
            "after": self.mean_square_after,
        }
        return facts_cell([note])


@dataclass(frozen=True, eq=False)
class DiffusionRealTime:
    """The real-time check of the diffusion intervals.

    Attributes
    ----------
    forecasts : pandas.DataFrame
        One row per vintage, geography and forecast year (``FORECAST_COLUMNS``, then
        ``lower_L``, ``upper_L`` and ``inside_L`` for every level L of the coverage rule,
        e.g. 50, 80 and 95): the figure forecast from, the outturn, the median, the central
        intervals' bounds and whether each contains the outturn, and the calibration of
        that vintage (speed and its standard error, tau, noise sd, revision sd, what
        decided the speed). ``pit``: the share of predictive paths at or below the outturn
        (near 0 or 1: the outturn sat in a tail); ``start_revised``: how far the figure
        forecast from has been revised since (log of the figure chosen now over the one
        used then; NaN if no longer published). Then the widening: ``z`` (the
        standardized error :math:`\\Phi^{-1}(\\mathrm{PIT})`, :func:`standardized_errors`),
        ``noise_factor_realtime`` (the factor estimated from the checks completed by the
        vintage) with ``inside_L_realtime`` (a real-time result), and ``noise_factor_now``
        (today's factor) with ``lower_L_widened_now``, ``upper_L_widened_now`` and
        ``inside_L_widened_now``: **not** a real-time result, today's factor rests on
        outturns published after the vintage.
    coverage : pandas.DataFrame
        One row per level, subset (``forecasts_from``: every vintage, or those whose speed
        the data estimated) and ``intervals`` (as forecast, for every level; widened in
        real time and widened now, for the judged level): ``level`` (%), ``forecasts``,
        ``inside``, ``coverage`` (a rate, or "too few to judge"), ``binomial_p`` (the
        chance of so few inside were the level right), ``min_forecasts``, ``cases``
        (listed when too few) and ``events`` (distinct outturn years).
    vintages : pandas.DataFrame
        Every as-of date of the schedule: ``as_of``, ``national_years`` (seen then),
        ``forecasts`` and ``status`` (why a vintage forecast nothing), ``checked`` (the
        judged forecasts with outturns published by then) and ``noise_factor`` (the factor
        known then).
    widening : NoiseWidening
        The rule's verdict and the factor as of the check's own date.
    measure : str
    """

    forecasts: pd.DataFrame
    coverage: pd.DataFrame
    vintages: pd.DataFrame
    widening: NoiseWidening
    measure: str

    def to_frame(self) -> pd.DataFrame:
        """The forecasts table (one row per forecast)."""
        return self.forecasts.copy()

    def summary(self) -> str:
        lines = [
            f"Real-time check of the diffusion intervals ({self.measure}): the calibration "
            "and its predictive draw as of each past vintage, against the later outturn"
        ]
        for row in self.coverage.itertuples(index=False):
            head = f"- {row.level}% interval, {row.forecasts_from}, {row.intervals}:"
            if not row.forecasts:
                lines.append(f"{head} no forecast to check")
            elif row.coverage == TOO_FEW:
                lines.append(
                    f"{head} {row.inside} of {row.forecasts} forecasts ({row.events} distinct "
                    f"outturn years) contain the outturn ({TOO_FEW}; binomial p "
                    f"{row.binomial_p:.3f}); {len(facts_of(row.cases))} cases in the table"
                )
            else:
                lines.append(
                    f"{head} coverage {row.coverage:.2f} ({row.inside} of {row.forecasts} "
                    f"forecasts, {row.events} distinct outturn years; binomial p "
                    f"{row.binomial_p:.3f})"
                )
        widening = self.widening
        narrow = "too narrow" if widening.too_narrow else "not too narrow"
        lines.append(f"Widening: x{widening.factor:.3f} (the intervals {narrow})")
        return "\n".join(lines)


def _realtime_params(spec: Mapping, file: str) -> dict:
    realtime = spec.get("realtime")
    if not isinstance(realtime, Mapping):
        raise ParamsError(
            file, "diffusion.realtime", "expected a mapping: months, paths, seed, widen"
        )
    check_keys(dict(realtime), _REALTIME_KEYS, file=file, prefix="diffusion.realtime.")
    try:
        months = [int(m) for m in realtime["months"]]
        paths, seed = int(realtime["paths"]), int(realtime["seed"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ParamsError(
            file, "diffusion.realtime", f"months (list), paths and seed (integers): {exc}"
        ) from exc
    if not months or any(not 1 <= m <= 12 for m in months) or paths < 100:
        raise ParamsError(
            file, "diffusion.realtime", "months between 1 and 12, and at least 100 paths"
        )
    widen = realtime.get("widen")
    if not isinstance(widen, Mapping):
        raise ParamsError(
            file, "diffusion.realtime.widen", "expected a mapping with forecasts_from"
        )
    check_keys(dict(widen), _WIDEN_KEYS, file=file, prefix="diffusion.realtime.widen.")
    subset = widen.get("forecasts_from")
    if subset not in SUBSETS:
        raise ParamsError(
            file,
            "diffusion.realtime.widen.forecasts_from",
            f"{subset!r}: use one of {', '.join(repr(k) for k in SUBSETS)}",
        )
    return {"months": sorted(set(months)), "paths": paths, "seed": seed, "subset": subset}


def realtime_schedule(dataset, *, measure: str, months: Iterable[int], until=None) -> list[str]:
    """As-of dates ('YYYY-MM') in ``months`` of every year from the first year any figure
    of ``measure`` was published to ``until`` (default: the latest publication)."""
    obs = dataset.observations
    rows = obs[(obs["indicator"] == "de_share") & (obs["method"] == measure)]
    dates = rows["published_date"].dropna()
    if dates.empty:
        return []
    first = int(dates.min().year)
    last = pd.Timestamp(str(until)[:7] + "-01") if until else dates.max()
    schedule = []
    for year in range(first, int(last.year) + 1):
        for month in months:
            stamp = pd.Timestamp(year=year, month=int(month), day=1)
            if stamp <= last:
                schedule.append(f"{year}-{int(month):02d}")
    return schedule


@dataclass(frozen=True, eq=False)
class _Predictive:
    """One real-time forecast's paths, split at the yearly noise (logits at each path's
    ceiling): the share is :math:`C/(1 + e^{-(d + fW)})`."""

    as_of: str
    geo: str
    year: int
    speed_decided_by: str
    ceiling: np.ndarray
    drift: np.ndarray  # d: the logit before the noise (start, speed, deviation)
    walk: np.ndarray  # W: the cumulative noise at the horizon
    walk_sd: np.ndarray  # its sd given the path's noise sd, sigma_p sqrt(h)
    horizon: int = 1

    def with_noise(self, noise_sd: np.ndarray) -> _Predictive:
        r"""The same forecast with another yearly noise sd per path (every other draw
        kept): its cumulative noise rescaled to :math:`\sigma'_p\sqrt h`."""
        own = self.walk_sd / np.sqrt(float(self.horizon))
        noise_sd = np.broadcast_to(np.asarray(noise_sd, dtype=float), own.shape)
        ratio = np.divide(noise_sd, own, out=np.zeros_like(own), where=own > 0)
        return dataclasses.replace(
            self, walk=self.walk * ratio, walk_sd=noise_sd * np.sqrt(float(self.horizon))
        )

    def shares(self, factor: float = 1.0) -> np.ndarray:
        return self.ceiling / (1.0 + np.exp(-(self.drift + factor * self.walk)))

    def bounds(self, level: int, factor: float = 1.0) -> tuple[float, float]:
        low, high = np.percentile(self.shares(factor), [50 - level / 2, 50 + level / 2])
        return float(low), float(high)

    def gap(self, outturn: float) -> np.ndarray:
        """The outturn's logit at each path's ceiling minus the path's logit before the
        noise (``inf`` where the outturn is at or above the path's ceiling)."""
        above = outturn >= self.ceiling
        room = np.where(above, 1.0, self.ceiling - outturn)
        return np.where(above, np.inf, np.log(outturn / room)) - self.drift


def _outturn_map(panel: pd.DataFrame) -> dict[tuple[str, int], float]:
    return {(r.geo, int(r.year)): float(r.value) for r in panel.itertuples(index=False)}


def _in_subset(speed_decided_by: str, subset: str) -> bool:
    wanted = SUBSETS[subset]
    return wanted is None or speed_decided_by == wanted


def _widening(
    predictives: Sequence[_Predictive],
    outturns: Mapping[tuple[str, int], float],
    rule: CoverageRule,
    subset: str,
    as_of: str | None,
    noise_now: np.ndarray,
) -> NoiseWidening:
    """The rule's verdict and the noise factor from the forecasts in ``predictives`` (made
    before ``as_of``) of ``subset`` whose outturn is in ``outturns`` (published by then).

    The verdict judges the intervals as they were forecast. The factor is measured against
    the noise the calibration as of ``as_of`` draws (``noise_now``, one sd per path), the
    noise it will widen: a surprise that has since raised the noise estimate is then not
    counted a second time by the factor."""
    checked = [
        (f, outturns[f.geo, f.year])
        for f in predictives
        if _in_subset(f.speed_decided_by, subset) and (f.geo, f.year) in outturns
    ]
    level = rule.judged_level
    inside_flags = []
    events: dict[str, bool] = {}
    for forecast, outturn in checked:
        low, high = forecast.bounds(level)
        inside = bool(low <= outturn <= high)
        inside_flags.append(inside)
        event = f"{forecast.geo} {forecast.year}"
        events[event] = events.get(event, False) or inside
    n, k = len(checked), int(sum(inside_flags))
    narrow, why = rule.judge(k, n, {"kind": "realtime", "subset": subset})
    rescaled = [(f.with_noise(noise_now), o) for f, o in checked]
    gaps = [f.gap(o) for f, o in rescaled]
    sds = [f.walk_sd for f, _ in rescaled]
    mean_square = float(np.mean(standardized_errors(gaps, sds) ** 2)) if n else np.nan
    factor = noise_inflation(gaps, sds) if narrow else 1.0
    after = float(np.mean(standardized_errors(gaps, sds, factor) ** 2)) if n else np.nan
    return NoiseWidening(
        as_of=None if as_of is None else str(as_of),
        forecasts_from=subset,
        level=level,
        forecasts=n,
        inside=k,
        events=tuple(sorted(events)),
        events_inside=int(sum(events.values())),
        binomial_p=rule.binomial(k, n) if n else np.nan,
        events_binomial_p=rule.binomial(sum(events.values()), len(events)) if n else np.nan,
        too_narrow=narrow,
        verdict=facts_cell([why]),
        mean_square=mean_square,
        mean_square_after=after,
        factor=factor,
    )


def realtime_coverage(
    dataset,
    *,
    as_of=None,
    as_of_dates: Iterable[str] | None = None,
    params: Mapping | None = None,
    rule: CoverageRule | None = None,
    measure: str | None = None,
) -> DiffusionRealTime:
    """Re-run the diffusion calibration and its predictive draw as of past vintages, judge
    the intervals with the project's rule and estimate the noise's widening factor.

    Parameters
    ----------
    dataset : dxecon.data.Dataset
    as_of : 'YYYY-MM', optional
        The check's own date: outturns are the figures published by then, and the default
        schedule ends there (default: every figure in ``data/``).
    as_of_dates : iterable of 'YYYY-MM', optional
        The vintages, in time order (default: :func:`realtime_schedule` with the months of
        ``params/calibration.yaml``). A vintage whose national series of the measure shows
        fewer than two years is listed in ``vintages`` and forecasts nothing.
    params : mapping, optional
        ``params/calibration.yaml``'s ``diffusion`` mapping (default: that file).
    rule : CoverageRule, optional
        The rule that judges the intervals: the level judged, ``min_forecasts`` below
        which a coverage is "too few to judge", the binomial p (default:
        ``params/forecasts.yaml``, key ``backtest``).
    measure : str, optional
        The measure checked (default: the params' ``measure``).

    Returns
    -------
    DiffusionRealTime
        Forecasts as made (with the factor of each vintage, and today's), coverage, and
        the widening as of ``as_of``.
    """
    spec = diffusion_params(params, measure=measure)
    file = str(spec.get("_file", "params/calibration.yaml"))
    settings = _realtime_params(spec, file)
    measure = str(spec["measure"])
    if rule is None:
        rule = CoverageRule.from_params(backtest_params())
    if as_of_dates is None:
        as_of_dates = realtime_schedule(
            dataset, measure=measure, months=settings["months"], until=as_of
        )
    subset = settings["subset"]
    kinds = dataset.codes["geographies"].set_index("code")["kind"].to_dict()
    exclude = dict(spec.get("exclude") or {})
    indicator = str(spec.get("indicator", "de_share"))
    outturns = diffusion_panel(dataset, indicator=indicator, as_of=as_of, exclude=exclude)
    outturns = outturns[outturns["used"] & (outturns["method"] == measure)]
    rows, vintages, predictives = [], [], []
    for i, vintage in enumerate(as_of_dates):
        calibration = calibrate_diffusion(
            dataset, as_of=vintage, params=spec, measure=measure, widen=False
        )
        seen = calibration.panel[calibration.panel["pooled"]]
        # the factor this vintage knew: forecasts made before it, outturns published by it,
        # against the noise it estimated itself
        known = _widening(
            predictives,
            _outturn_map(seen),
            rule,
            subset,
            vintage,
            _noise_draws(calibration, settings),
        )
        national = seen[seen["geo"].map(kinds) == "country"]
        n_years = int(national.groupby("geo")["year"].nunique().max()) if len(national) else 0
        record = {
            "as_of": str(vintage),
            "national_years": n_years,
            "forecasts": 0,
            "checked": known.forecasts,
            "noise_factor": known.factor,
        }
        if n_years < 2:
            vintages.append({**record, "status": f"fewer than two national {measure} years"})
            continue
        speed_row = calibration.table.iloc[0]
        made = []
        for j, (_, last) in enumerate(seen.sort_values("year").groupby("geo").tail(1).iterrows()):
            later = outturns[(outturns["geo"] == last["geo"]) & (outturns["year"] > last["year"])]
            if later.empty:
                continue
            rng = np.random.Generator(np.random.PCG64([settings["seed"], i, j]))
            forecasts = _forecast(
                calibration,
                rng,
                settings["paths"],
                start=float(last["value"]),
                horizons=(later["year"] - last["year"]).to_numpy(dtype=int),
                national=kinds.get(last["geo"]) == "country",
                vintage=str(vintage),
                geo=str(last["geo"]),
                years=later["year"].to_numpy(dtype=int),
                speed_decided_by=str(speed_row["decided_by"]),
            )
            for (_, out), forecast in zip(later.iterrows(), forecasts, strict=True):
                outturn = float(out["value"])
                values = forecast.shares()
                bounds = {}
                for level in rule.levels:
                    low, high = forecast.bounds(level)
                    bounds[f"lower_{level}"] = low
                    bounds[f"upper_{level}"] = high
                    bounds[f"inside_{level}"] = bool(low <= outturn <= high)
                start_now = outturns[
                    (outturns["geo"] == last["geo"]) & (outturns["year"] == last["year"])
                ]["value"]
                rows.append(
                    {
                        "as_of": str(vintage),
                        "geo": last["geo"],
                        "measure": measure,
                        "last_year": int(last["year"]),
                        "last_value": float(last["value"]),
                        "year": int(out["year"]),
                        "h": int(out["year"] - last["year"]),
                        "outturn": outturn,
                        "outturn_obs": out["obs_id"],
                        "median": float(np.median(values)),
                        "pit": float(np.mean(values <= outturn)),
                        "start_revised": (
                            float(np.log(start_now.iloc[0] / last["value"]))
                            if len(start_now)
                            else np.nan
                        ),
                        "speed": float(speed_row["estimate"]),
                        "speed_std_error": float(speed_row["std_error"]),
                        "tau": float(speed_row["tau"]),
                        "noise": float(speed_row["noise"]),
                        "revision": calibration.revision_sd,
                        "speed_decided_by": speed_row["decided_by"],
                        **bounds,
                        "z": float(
                            standardized_errors([forecast.gap(outturn)], [forecast.walk_sd])[0]
                        ),
                        "noise_factor_realtime": known.factor,
                    }
                )
                made.append(forecast)
        predictives.extend(made)
        status = "forecast" if made else "no later figure published yet"
        vintages.append({**record, "forecasts": len(made), "status": status})
    now = calibrate_diffusion(dataset, as_of=as_of, params=spec, measure=measure, widen=False)
    noise_now = _noise_draws(now, settings)
    widening = _widening(predictives, _outturn_map(outturns), rule, subset, as_of, noise_now)
    for row, forecast in zip(rows, predictives, strict=True):
        row["noise_factor_now"] = widening.factor
        today = forecast.with_noise(noise_now)
        row["z_now"] = float(standardized_errors([today.gap(row["outturn"])], [today.walk_sd])[0])
        for level in rule.levels:
            low, high = forecast.bounds(level, row["noise_factor_realtime"])
            row[f"inside_{level}_realtime"] = bool(low <= row["outturn"] <= high)
            low, high = today.bounds(level, widening.factor)
            row[f"lower_{level}_widened_now"] = low
            row[f"upper_{level}_widened_now"] = high
            row[f"inside_{level}_widened_now"] = bool(low <= row["outturn"] <= high)
    columns = (
        FORECAST_COLUMNS
        + [f"{kind}_{level}" for level in rule.levels for kind in ("lower", "upper", "inside")]
        + ["z", "noise_factor_realtime"]
        + [f"inside_{level}_realtime" for level in rule.levels]
        + ["z_now", "noise_factor_now"]
        + [
            f"{kind}_{level}_widened_now"
            for level in rule.levels
            for kind in ("lower", "upper", "inside")
        ]
    )
    forecasts = pd.DataFrame(rows, columns=columns)
    return DiffusionRealTime(
        forecasts=forecasts,
        # which subset the rule judged for the widening (params: realtime.widen)
        coverage=_coverage(forecasts, rule).assign(
            judged=lambda frame: frame["forecasts_from"] == subset
        ),
        vintages=pd.DataFrame(
            vintages,
            columns=["as_of", "national_years", "forecasts", "status", "checked", "noise_factor"],
        ),
        widening=widening,
        measure=measure,
    )


def noise_widening(
    dataset, *, as_of=None, params: Mapping | None = None, measure: str | None = None
) -> NoiseWidening:
    """The widening of the yearly noise as of ``as_of``: :func:`realtime_coverage`'s
    verdict and factor (what `dxecon.models.calibration.calibrate_diffusion` applies)."""
    return realtime_coverage(dataset, as_of=as_of, params=params, measure=measure).widening


def _noise_draws(calibration, settings: Mapping) -> np.ndarray:
    """Per-path yearly noise sds the calibration draws (unwidened), from a stream of their
    own (the forecasts' draws do not move) that is the same at every date, so that two
    dates with the same evidence measure the same factor."""
    rng = np.random.Generator(np.random.PCG64([settings["seed"], NOISE_STREAM]))
    start = float(calibration.panel.loc[calibration.panel["pooled"], "value"].median())
    return calibration.predictive_draw(rng, settings["paths"], start=start).noise_sd


def _forecast(
    calibration,
    rng,
    n: int,
    *,
    start: float,
    horizons,
    national: bool,
    vintage: str,
    geo: str,
    years,
    speed_decided_by: str,
) -> list[_Predictive]:
    """Predictive paths ``horizons`` years after a figure ``start``, one per horizon."""
    draws = calibration.predictive_draw(rng, n, start=start)
    speed = draws.national_speed if national else draws.speed
    walk = logit_noise_paths(rng, draws.noise_sd, int(max(horizons)))
    return [
        _Predictive(
            as_of=vintage,
            geo=geo,
            year=int(year),
            speed_decided_by=speed_decided_by,
            ceiling=draws.ceiling,
            drift=draws.start_logit + speed * float(h),
            walk=walk[:, int(h) - 1],
            walk_sd=draws.noise_sd * np.sqrt(float(h)),
            horizon=int(h),
        )
        for h, year in zip(horizons, years, strict=True)
    ]


def _coverage(forecasts: pd.DataFrame, rule: CoverageRule) -> pd.DataFrame:
    """Coverage per level, over every forecast and over those whose speed the data
    estimated, as forecast; at the judged level also widened in real time and widened now.
    With fewer than ``rule.min_forecasts`` forecasts, the cases instead."""
    variants = [(level, AS_FORECAST, "") for level in rule.levels] + [
        (rule.judged_level, WIDENED_REALTIME, "_realtime"),
        (rule.judged_level, WIDENED_NOW, "_widened_now"),
    ]
    rows = []
    for level, intervals, suffix in variants:
        for label in SUBSETS:
            mask = np.array([_in_subset(d, label) for d in forecasts["speed_decided_by"]], bool)
            frame = forecasts[mask]
            n = len(frame)
            flags = frame[f"inside_{level}{suffix}"]
            inside = int(flags.sum()) if n else 0
            if n >= rule.min_forecasts:
                coverage, cases = inside / n, ""
            else:
                coverage = TOO_FEW
                cases = facts_cell([_case(r, level, suffix) for _, r in frame.iterrows()])
            rows.append(
                {
                    "level": level,
                    "forecasts_from": label,
                    "intervals": intervals,
                    "forecasts": n,
                    "inside": inside,
                    "coverage": coverage,
                    # P(at most `inside` of n inside | the nominal level): small = too narrow
                    "binomial_p": rule.binomial(inside, n, level) if n else np.nan,
                    "min_forecasts": rule.min_forecasts,
                    "cases": cases,
                    "events": int(frame[["geo", "year"]].drop_duplicates().shape[0]),
                }
            )
    return pd.DataFrame(rows)


def _case(row: pd.Series, level: int, suffix: str) -> dict:
    """One forecast as a note (`dxecon.core.facts`): vintage, place, year, horizon, outturn,
    inside or not, and its interval (or, widened in real time, the factor it was widened
    by), worded by `dxecon.present.notes`."""
    case = {
        "as_of": str(row["as_of"]),
        "geo": row["geo"],
        "year": int(row["year"]),
        "h": int(row["h"]),
        "outturn": float(row["outturn"]),
        "where": "inside" if row[f"inside_{level}{suffix}"] else "outside",
    }
    if suffix == "_realtime":
        return {"code": "rt_case_widened", **case, "factor": float(row["noise_factor_realtime"])}
    low, high = row[f"lower_{level}{suffix}"], row[f"upper_{level}{suffix}"]
    return {"code": "rt_case", **case, "low": float(low), "high": float(high)}
