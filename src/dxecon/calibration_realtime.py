r"""Are the diffusion intervals honest? The calibration and its predictive draw re-run as
of past vintages, against what was published later.

For every as-of date :math:`v` of the schedule (``params/calibration.yaml``, key
``diffusion.realtime``: the given months of every year) at which the national series of the
measure shows two years or more, :func:`realtime_coverage` re-runs
`dxecon.calibration.calibrate_diffusion` with only the figures published by :math:`v`, and
the same predictive draw the scenarios use (:meth:`DiffusionCalibration.predictive_draw`):
for a geography whose last figure visible at :math:`v` is :math:`s_\ell` (year
:math:`\ell`), the logit :math:`h = t - \ell` years on is

.. math::
    z_{t} = \log\frac{m s_\ell}{C - m s_\ell} + h\,(k_m + u) + \sum_{j=1}^{h}\eta_j,

with the ceiling, national speed, revision error and noise estimated as of :math:`v`
(:math:`u = 0` for the national series, which stands for :math:`k_m`; :math:`u \sim N(0,
\tau^2)` for a province). Every later year with an outturn published by the check's own
date is forecast; the outturn is the figure chosen then, on the same geography code (never
across a boundary change) and the same measure. Its 50% and 80% central intervals either
contain it or not.

A coverage resting on fewer forecasts than ``params/forecasts.yaml``'s
``backtest.min_forecasts`` is reported as "too few to judge", with the cases listed
instead of a rate (`dxecon.forecast.coverage.TOO_FEW`). The forecasts of one vintage share
its calibration, and successive vintages share figures: they are not independent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dxecon import folders
from dxecon.calibration import (
    calibrate_diffusion,
    diffusion_panel,
    load_calibration_params,
    logit_noise_paths,
)
from dxecon.errors import ParamsError
from dxecon.forecast.coverage import TOO_FEW, CoverageRule
from dxecon.params import check_keys, load_yaml

__all__ = [
    "ALL_VINTAGES",
    "SPEED_FROM_DATA",
    "DiffusionRealTime",
    "realtime_coverage",
    "realtime_schedule",
]

#: The coverage table's subsets (``forecasts_from``).
ALL_VINTAGES, SPEED_FROM_DATA = "all vintages", "speed estimated from data"

_REALTIME_KEYS = ("months", "paths", "seed")

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
        decided the speed). ``pit``: the
        share of predictive paths at or below the outturn (near 0 or 1: the outturn sat in
        a tail); ``start_revised``: how far the figure forecast from has been revised since
        (log of the figure chosen now over the one used then; NaN if no longer published).
    coverage : pandas.DataFrame
        One row per level and subset (``forecasts_from``: every vintage, or those whose
        speed the data estimated): ``level`` (%), ``forecasts``, ``inside``, ``coverage``
        (a rate, or "too few to judge"), ``binomial_p`` (the chance of so few inside were
        the level right), ``min_forecasts`` and ``cases`` (listed when too few).
    vintages : pandas.DataFrame
        Every as-of date of the schedule: ``as_of``, ``national_years`` (seen then),
        ``forecasts`` and ``status`` (why a vintage forecast nothing).
    measure : str
    """

    forecasts: pd.DataFrame
    coverage: pd.DataFrame
    vintages: pd.DataFrame
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
            head = f"- {row.level}% interval, {row.forecasts_from}:"
            if not row.forecasts:
                lines.append(f"{head} no forecast to check")
            elif row.coverage == TOO_FEW:
                lines.append(
                    f"{head} {row.inside} of {row.forecasts} forecasts contain the outturn "
                    f"({TOO_FEW}; binomial p {row.binomial_p:.3f}): {row.cases}"
                )
            else:
                lines.append(
                    f"{head} coverage {row.coverage:.2f} ({row.inside} of {row.forecasts} "
                    f"forecasts; binomial p {row.binomial_p:.3f})"
                )
        return "\n".join(lines)


def _realtime_params(spec: Mapping, file: str) -> dict:
    realtime = spec.get("realtime")
    if not isinstance(realtime, Mapping):
        raise ParamsError(file, "diffusion.realtime", "expected a mapping: months, paths, seed")
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
    return {"months": sorted(set(months)), "paths": paths, "seed": seed}


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


def realtime_coverage(
    dataset,
    *,
    as_of=None,
    as_of_dates: Iterable[str] | None = None,
    params: Mapping | None = None,
    rule: CoverageRule | None = None,
) -> DiffusionRealTime:
    """Re-run the diffusion calibration and its predictive draw as of past vintages.

    Parameters
    ----------
    dataset : dxecon.data.Dataset
    as_of : 'YYYY-MM', optional
        The check's own date: outturns are the figures published by then, and the default
        schedule ends there (default: every figure in ``data/``).
    as_of_dates : iterable of 'YYYY-MM', optional
        The vintages (default: :func:`realtime_schedule` with the months of
        ``params/calibration.yaml``). A vintage whose national series of the measure shows
        fewer than two years is listed in ``vintages`` and forecasts nothing.
    params : mapping, optional
        ``params/calibration.yaml``'s ``diffusion`` mapping (default: that file).
    rule : CoverageRule, optional
        ``min_forecasts`` below which a coverage is "too few to judge" (default:
        ``params/forecasts.yaml``, key ``backtest``).

    Returns
    -------
    DiffusionRealTime
    """
    spec = dict(params) if params is not None else load_calibration_params()
    file = str(spec.get("_file", "params/calibration.yaml"))
    settings = _realtime_params(spec, file)
    measure = str(spec["measure"])
    if rule is None:
        forecasts_yaml = load_yaml(folders.PARAMS_DIR / "forecasts.yaml")
        rule = CoverageRule.from_params(forecasts_yaml.get("backtest"))
    if as_of_dates is None:
        as_of_dates = realtime_schedule(
            dataset, measure=measure, months=settings["months"], until=as_of
        )
    kinds = dataset.codes["geographies"].set_index("code")["kind"].to_dict()
    exclude = dict(spec.get("exclude") or {})
    indicator = str(spec.get("indicator", "de_share"))
    outturns = diffusion_panel(dataset, indicator=indicator, as_of=as_of, exclude=exclude)
    outturns = outturns[outturns["used"] & (outturns["method"] == measure)]
    rows, vintages = [], []
    for i, vintage in enumerate(as_of_dates):
        calibration = calibrate_diffusion(dataset, as_of=vintage, params=spec, measure=measure)
        seen = calibration.panel[calibration.panel["pooled"]]
        national = seen[seen["geo"].map(kinds) == "country"]
        n_years = int(national.groupby("geo")["year"].nunique().max()) if len(national) else 0
        record = {"as_of": str(vintage), "national_years": n_years, "forecasts": 0}
        if n_years < 2:
            vintages.append({**record, "status": f"fewer than two national {measure} years"})
            continue
        speed_row = calibration.table.iloc[0]
        made = 0
        for j, (geo, last) in enumerate(seen.sort_values("year").groupby("geo").tail(1).iterrows()):
            del geo
            later = outturns[(outturns["geo"] == last["geo"]) & (outturns["year"] > last["year"])]
            if later.empty:
                continue
            rng = np.random.Generator(np.random.PCG64([settings["seed"], i, j]))
            shares = _forecast(
                calibration,
                rng,
                settings["paths"],
                start=float(last["value"]),
                horizons=(later["year"] - last["year"]).to_numpy(dtype=int),
                national=kinds.get(last["geo"]) == "country",
            )
            for (_, out), values in zip(later.iterrows(), shares.T, strict=True):
                outturn = float(out["value"])
                bounds = {}
                for level in rule.levels:
                    low, high = np.percentile(values, [50 - level / 2, 50 + level / 2])
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
                    }
                )
                made += 1
        status = "forecast" if made else "no later figure published yet"
        vintages.append({**record, "forecasts": made, "status": status})
    columns = FORECAST_COLUMNS + [
        f"{kind}_{level}" for level in rule.levels for kind in ("lower", "upper", "inside")
    ]
    forecasts = pd.DataFrame(rows, columns=columns)
    return DiffusionRealTime(
        forecasts=forecasts,
        coverage=_coverage(forecasts, rule),
        vintages=pd.DataFrame(vintages, columns=["as_of", "national_years", "forecasts", "status"]),
        measure=measure,
    )


def _forecast(calibration, rng, n: int, *, start: float, horizons, national: bool) -> np.ndarray:
    """Predictive shares (n, len(horizons)) ``horizons`` years after a figure ``start``."""
    draws = calibration.predictive_draw(rng, n, start=start)
    speed = draws.national_speed if national else draws.speed
    walk = logit_noise_paths(rng, draws.noise_sd, int(max(horizons)))
    h = np.asarray(horizons, dtype=float)
    z = draws.start_logit[:, None] + speed[:, None] * h[None, :] + walk[:, np.asarray(horizons) - 1]
    return draws.ceiling[:, None] / (1.0 + np.exp(-z))


def _coverage(forecasts: pd.DataFrame, rule: CoverageRule) -> pd.DataFrame:
    """Coverage per level, over every forecast and over those whose speed the data
    estimated; with fewer than ``rule.min_forecasts`` forecasts, the cases instead."""
    from scipy.stats import binom

    subsets = {
        ALL_VINTAGES: forecasts,
        SPEED_FROM_DATA: forecasts[forecasts["speed_decided_by"] == "data"],
    }
    rows = []
    for level in rule.levels:
        for label, frame in subsets.items():
            n = len(frame)
            inside = int(frame[f"inside_{level}"].sum()) if n else 0
            if n >= rule.min_forecasts:
                coverage, cases = inside / n, ""
            else:
                coverage = TOO_FEW
                cases = "; ".join(
                    f"as of {r.as_of}, {r.geo} {r.year} (h={r.h}): {r.outturn:g} "
                    f"{'inside' if getattr(r, f'inside_{level}') else 'outside'} "
                    f"{getattr(r, f'lower_{level}'):.2f}-{getattr(r, f'upper_{level}'):.2f}"
                    for r in frame.itertuples(index=False)
                )
            rows.append(
                {
                    "level": level,
                    "forecasts_from": label,
                    "forecasts": n,
                    "inside": inside,
                    "coverage": coverage,
                    # P(at most `inside` of n inside | the nominal level): small = too narrow
                    "binomial_p": float(binom.cdf(inside, n, level / 100)) if n else np.nan,
                    "min_forecasts": rule.min_forecasts,
                    "cases": cases,
                }
            )
    return pd.DataFrame(rows)
