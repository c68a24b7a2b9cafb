r"""In-year nowcast of the full-year real GRDP growth from the year's cumulative releases.

The city publishes the year's real growth as it accrues: after the first quarter (Q1), the
first half (H1) and nine months (9M), then the year's estimate in December or January and
sometimes a later official figure. A *bridge equation*, one per release stage :math:`s`,
maps what is known after that stage to the full-year outturn, estimated across past years
with statsmodels' OLS:

.. math::

    y_t = a_s + b_s\,c_{s,t} + \gamma_s' x_{s,t} + e_{s,t}

where :math:`y_t` is the full-year growth of year :math:`t`, :math:`c_{s,t}` the cumulative
growth published at stage :math:`s` and :math:`x_{s,t}` year-to-date indicators (the
cumulative industrial production index) where they were published for enough years. With
fewer than ``slope_min_years`` past years the slope is fixed at one (:math:`b_s = 1`, the
*offset* bridge :math:`y_t - c_{s,t} = a_s + \gamma_s' x_{s,t} + e_{s,t}`): the year's growth
is the cumulative figure plus the average later gain.

Everything is pseudo-real-time: a nowcast as of a date uses only figures published by then
(the dataset's selection policy, ``params/selection.yaml``; undated in-year releases are
assumed out ``undated_release_lag_months`` after their period), both for the current year's
releases and for the past years the bridge is estimated on.

Intervals come from the stage's out-of-sample errors: the leave-one-year-out errors
:math:`\tilde e_t` of the bridge over its past years, with a Student-t of :math:`n-1` degrees
of freedom scaled by their root mean square,

.. math::

    \hat y \pm t_{n-1,\,1-\alpha/2}\,\sqrt{\tfrac1n\sum_t \tilde e_t^2},

and the same distribution gives the probability of meeting a growth target.

**The 2025 boundary.** A place that merged on 1 July 2025 has two boundaries. A year's
outturn is on the boundary valid on its 31 December (the old one to 2024, the merged one
from 2025). A release on
that boundary is always preferred; where a stage was published only on the other boundary
(2025's first quarter: old city only), ``cross_boundary_releases`` decides: ``flag`` uses it
and says so in every table (column ``boundary``), ``exclude`` leaves it out.

Two naive benchmarks stand beside the bridge: last year's growth, and the latest cumulative
figure carried to the year's end.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dxecon.core.errors import ParamsError
from dxecon.core.params import check_keys, load_yaml, params_path
from dxecon.core.places import place_params

if TYPE_CHECKING:
    from dxecon.data import Dataset

__all__ = [
    "BRIDGE",
    "CARRY",
    "LAST_YEAR",
    "NOWCAST",
    "Note",
    "NowcastBacktest",
    "NowcastConfig",
    "NowcastModel",
    "NowcastResult",
    "backtest_nowcast",
    "fit_bridge",
    "nowcast",
    "scenario_start",
]

#: Release stages in the order they are published; "none": before the year's first release.
#: Codes, as every label of this module's tables: `dxecon.present` words them.
STAGES = ("none", "Q1", "H1", "9M")
#: The columns of `NowcastResult.inputs_frame`.
INPUT_COLUMNS = ("stage", "value", "geo", "boundary", "publisher", "published", "obs_id")
#: Methods: the bridge equation; the naive benchmarks (last year's growth, the latest
#: cumulative figure carried to the year's end); the nowcast as a run shows it (the method
#: used at the stage). A bridge's detail adds its form (:data:`BRIDGE_FORMS`):
#: ``bridge_offset`` (cumulative figure plus the average later gain), ``bridge_slope``.
BRIDGE, LAST_YEAR, CARRY, NOWCAST = "bridge", "last_year", "carry", "nowcast"
BRIDGE_FORMS = ("offset", "slope")
#: Where a release's figure is: on the boundary of the year's outturn, or on the other.
SAME_BOUNDARY, OTHER_BOUNDARY = "same", "other"
#: A backtest row's verdict: too few years; enough years for the error, too few with an
#: interval for the coverage; enough years.
TOO_FEW, COVERAGE_TOO_FEW, ENOUGH_YEARS = "too_few", "coverage_too_few", "enough_years"


# -- configuration ----------------------------------------------------------------------------
@dataclass(frozen=True)
class NowcastConfig:
    """The choices of ``params/nowcast.yaml`` (see that file for why each value)."""

    growth_indicator: str = "grdp_growth_real"
    growth_price_basis: str = "constant_2010"
    boundary_geos: tuple[str, ...] = ()  # the place's boundaries (params/places/)
    release_periods: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {"Q1": ("Q1", "3M"), "H1": ("H1", "6M"), "9M": ("9M",)}
    )
    bridge_indicators: Mapping[str, str] = field(
        default_factory=lambda: {"iip_growth": "industrial production index, year to date"}
    )
    bridge_min_years: int = 3
    slope_min_years: int = 8
    indicator_min_years: int = 8
    interval_level: float = 0.8
    min_backtest_years: int = 4
    undated_release_lag_months: int = 1
    cross_boundary_releases: str = "flag"
    nowcast_target_instruments: tuple[str, ...] = ()  # the place's (params/places/)

    KEYS = (
        "growth_indicator",
        "growth_price_basis",
        "boundary_geos",
        "release_periods",
        "bridge_indicators",
        "bridge_min_years",
        "slope_min_years",
        "indicator_min_years",
        "interval_level",
        "min_backtest_years",
        "undated_release_lag_months",
        "cross_boundary_releases",
        "nowcast_target_instruments",
    )

    def __post_init__(self) -> None:
        problems = []
        if set(self.release_periods) != set(STAGES[1:]):
            problems.append(("release_periods", f"give the periods of each of {STAGES[1:]}"))
        if not 0 < float(self.interval_level) < 1:
            problems.append(("interval_level", "a coverage level in (0, 1), e.g. 0.8"))
        if self.cross_boundary_releases not in ("flag", "exclude"):
            problems.append(("cross_boundary_releases", "use 'flag' or 'exclude'"))
        if not self.boundary_geos:
            problems.append(("boundary_geos", "give the place's boundary codes, oldest first"))
        if int(self.bridge_min_years) < 2:
            problems.append(("bridge_min_years", "at least 2 (one year is left out per error)"))
        if problems:
            name, message = problems[0]
            raise ParamsError("params/nowcast.yaml", name, message)

    @classmethod
    def from_params(cls, values: Mapping[str, Any], *, file: str = "<parameters>") -> NowcastConfig:
        """From a mapping of the file's keys (a notebook's parameters, a YAML file)."""
        known = {k: v for k, v in values.items() if k in cls.KEYS}
        check_keys(known, cls.KEYS, file=file)
        conv: dict[str, Any] = dict(known)
        for key in ("boundary_geos", "nowcast_target_instruments"):
            if key in conv:
                conv[key] = tuple(conv[key])
        if "release_periods" in conv:
            conv["release_periods"] = {
                str(k): tuple(str(p) for p in v) for k, v in conv["release_periods"].items()
            }
        try:
            return cls(**conv)
        except TypeError as exc:
            raise ParamsError(file, None, str(exc)) from exc

    @classmethod
    def from_yaml(
        cls, path: Path | str | None = None, *, place: str | None = None
    ) -> NowcastConfig:
        """From a file, or from ``params/nowcast.yaml`` with the profile of ``place`` (None:
        the default place) laid over it."""
        if path is None:
            return cls.from_params(place_params("nowcast", place), file=str(params_path("nowcast")))
        path = Path(path)
        data = load_yaml(path)
        check_keys(data, cls.KEYS, file=str(path))
        return cls.from_params(data, file=str(path))


# -- the bridge (pure functions) ------------------------------------------------------------
@dataclass(frozen=True)
class BridgeFit:
    """An estimated bridge: its form, coefficients and leave-one-year-out errors."""

    form: str  # "slope" or "offset"
    params: dict[str, float]
    loo_errors: np.ndarray
    n_years: int

    def predict(self, cum: float, extra: Mapping[str, float] | None = None) -> float:
        extra = extra or {}
        value = self.params["const"] + sum(self.params[k] * extra[k] for k in extra)
        slope = self.params.get("cumulative", 1.0)
        return float(value + slope * cum)


def _ols(target: np.ndarray, design: pd.DataFrame) -> dict[str, float]:
    import statsmodels.api as sm

    fitted = sm.OLS(target, design, hasconst=True).fit()
    return {str(k): float(v) for k, v in fitted.params.items()}


def fit_bridge(
    outturn: pd.Series, cumulative: pd.Series, extra: pd.DataFrame | None = None, *, slope: bool
) -> BridgeFit:
    r"""Fit one stage's bridge by OLS and its leave-one-year-out errors.

    Parameters
    ----------
    outturn : Series
        Full-year growth :math:`y_t`, indexed by year.
    cumulative : Series
        The stage's cumulative growth :math:`c_{s,t}`, same index.
    extra : DataFrame, optional
        Year-to-date indicators :math:`x_{s,t}`, one column each, same index.
    slope : bool
        Estimate :math:`b_s` (``True``) or fix it at one (the offset bridge).

    Returns
    -------
    BridgeFit
        ``params`` holds ``const`` (:math:`a_s`), ``cumulative`` (:math:`b_s`, slope form
        only) and one coefficient per indicator; ``loo_errors`` the out-of-sample errors
        :math:`y_t - \hat y_{t}^{(-t)}` from fits without year :math:`t`.
    """
    extra = extra if extra is not None else pd.DataFrame(index=outturn.index)
    design = pd.DataFrame({"const": 1.0}, index=outturn.index)
    if slope:
        design["cumulative"] = cumulative
    design = design.join(extra)
    target = (outturn if slope else outturn - cumulative).to_numpy(float)
    if len(target) < design.shape[1] + 1:
        raise ValueError(
            f"{len(target)} years cannot estimate {design.shape[1]} coefficients and leave "
            "one year out"
        )
    params = _ols(target, design)
    errors = []
    for i in range(len(target)):
        keep = np.arange(len(target)) != i
        loo = _ols(target[keep], design.iloc[keep])
        predicted = sum(loo[c] * design.iloc[i][c] for c in design.columns)
        errors.append(target[i] - predicted)
    return BridgeFit(
        form="slope" if slope else "offset",
        params=params,
        loo_errors=np.asarray(errors, dtype=float),
        n_years=len(target),
    )


def error_distribution(errors: np.ndarray) -> tuple[float, int] | None:
    r"""Scale :math:`\sqrt{\tfrac1n\sum e^2}` and degrees of freedom :math:`n-1` of past
    errors; None with fewer than two errors (no interval can be formed)."""
    errors = np.asarray(errors, dtype=float)
    errors = errors[np.isfinite(errors)]
    if len(errors) < 2:
        return None
    return float(np.sqrt(np.mean(errors**2))), len(errors) - 1


def _interval(median: float, dist, level: float) -> tuple[float, float]:
    if dist is None:
        return float("nan"), float("nan")
    from scipy.stats import t

    scale, df = dist
    half = float(t.ppf(0.5 + level / 2, df)) * scale
    return median - half, median + half


# -- results ----------------------------------------------------------------------------------
def growth_text(value: float) -> str:
    """A growth rate as :meth:`NowcastResult.summary` shows it (two decimals, per cent)."""
    return "-" if value is None or not np.isfinite(value) else f"{value:.2f}%"


@dataclass(frozen=True)
class Note:
    """Something a reader of a nowcast should know, as a code and its figures (worded by
    `dxecon.present.nowcast_text`):

    - ``full_year``: the year's full-year figure is already published (``value``,
      ``obs_id``);
    - ``boundary``: the stage's release is on the other boundary (``stage``, ``year``,
      ``geo``: the release's, ``own``: the year's);
    - ``no_release``: nothing of the year is published by ``as_of`` (``year``): the
      nowcast is last year's growth until the first quarter's release;
    - ``few_years``: fewer than ``minimum`` past years with a ``stage`` release and an
      outturn: the cumulative figure is carried to the year's end;
    - ``indicators``: the bridge also reads these year-to-date ``indicators`` (codes).
    """

    code: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NowcastResult:
    """The nowcast of one year's full-year growth as of a date.

    ``median``, ``lower`` and ``upper`` are in per cent; ``geo`` is the boundary of the
    year's outturn; ``inputs`` the year's releases used (with their boundary); ``benchmarks``
    the naive forecasts beside the bridge; ``path`` how the nowcast moved release by release.
    """

    year: int
    as_of: pd.Timestamp
    stage: str
    geo: str
    geo_name: str
    median: float
    lower: float
    upper: float
    level: float
    scale: float | None
    df: int | None
    model: str  # the method used at the stage: BRIDGE, CARRY or LAST_YEAR
    params: dict[str, float]
    n_years: int
    training: pd.DataFrame
    inputs: pd.DataFrame
    benchmarks: pd.DataFrame
    target: dict | None
    notes: list[Note] = field(default_factory=list)
    path: pd.DataFrame | None = None
    bridge_form: str | None = None  # the bridge's form (BRIDGE_FORMS) when it is used

    # probability -------------------------------------------------------------------------
    def probability_at_least(self, threshold: float) -> float:
        r""":math:`P(y \ge \text{threshold}) = 1 - F_{t,n-1}((\text{threshold} - \hat y)/s)`;
        NaN when no interval could be formed."""
        if self.scale is None or self.df is None:
            return float("nan")
        from scipy.stats import t

        if self.scale == 0:
            return float(self.median >= threshold)
        return float(t.sf((threshold - self.median) / self.scale, self.df))

    @property
    def target_probability(self) -> float | None:
        """The probability of meeting the year's growth target (None without a target)."""
        if self.target is None:
            return None
        return self.probability_at_least(self.target["value"])

    def draws(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` draws of the year's growth from the nowcast distribution (for scenarios)."""
        rng = np.random.default_rng(seed)
        if self.scale is None or self.df is None:
            return np.full(n, self.median)
        return self.median + self.scale * rng.standard_t(self.df, size=n)

    # tables ------------------------------------------------------------------------------
    @property
    def method(self) -> str:
        """The method used, with the bridge's form: ``bridge_offset``, ``bridge_slope``,
        ``carry`` or ``last_year``."""
        return f"{BRIDGE}_{self.bridge_form}" if self.model == BRIDGE else self.model

    @property
    def cross_boundary(self) -> bool:
        """Whether the stage's release is on the other boundary than the year's."""
        return any(note.code == "boundary" for note in self.notes)

    def to_frame(self) -> pd.DataFrame:
        """One row per method: the bridge (or the method used at this stage) and the naive
        benchmarks, with year, as-of, stage, boundary, median and interval."""
        main = pd.DataFrame(
            [
                {
                    "method": self.method,
                    "median": self.median,
                    "lower": self.lower,
                    "upper": self.upper,
                    "past_years": self.n_years,
                }
            ]
        )
        frame = pd.concat([main, self.benchmarks], ignore_index=True)
        frame.insert(0, "boundary", self.geo)
        frame.insert(0, "stage", self.stage)
        frame.insert(0, "as_of", self.as_of.strftime("%Y-%m-%d"))
        frame.insert(0, "year", self.year)
        frame["interval"] = f"{100 * self.level:g}%"
        return frame

    def inputs_frame(self) -> pd.DataFrame:
        """The year's releases read, one row each: stage, cumulative growth, its geography
        and boundary (:data:`SAME_BOUNDARY` as the year's outturn, or the other), publisher,
        publication date (ISO), figure id."""
        frame = self.inputs.assign(
            published=pd.to_datetime(self.inputs["published"]).dt.strftime("%Y-%m-%d"),
        )
        return frame[list(INPUT_COLUMNS)].reset_index(drop=True)

    def summary(self) -> str:
        lines = [
            f"Nowcast of {self.year} real GRDP growth, {self.geo_name} ({self.geo}), "
            f"as of {self.as_of:%Y-%m-%d}",
            f"Latest release: {self.stage}",
            f"Method: {self.method} ({self.n_years} past years)",
            f"Median {growth_text(self.median)}; {100 * self.level:g}% range "
            f"{growth_text(self.lower)} to {growth_text(self.upper)}",
        ]
        if self.target is not None:
            lines.append(
                f"Target {self.target['value']:g}% ({self.target['instrument']}): "
                f"probability of meeting it {probability_text(self.target_probability)}"
            )
        else:
            lines.append(f"No growth target for {self.year} in the instruments searched")
        lines += [f"Note: {n.code} {n.values}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    # what moved ---------------------------------------------------------------------------
    def new_releases(self, previous: NowcastResult) -> pd.DataFrame:
        """The year's releases this nowcast read that an earlier nowcast of the same year had
        not (rows of ``inputs``): what moved it, beside its median and stage."""
        if previous.year != self.year:
            raise ValueError(f"compare nowcasts of one year, not {previous.year} and {self.year}")
        old = set(previous.inputs["obs_id"]) if len(previous.inputs) else set()
        return self.inputs[~self.inputs["obs_id"].isin(old)].reset_index(drop=True)


def probability_text(p: float | None) -> str:
    """A probability in whole per cent, as :meth:`NowcastResult.summary` shows it."""
    return "-" if p is None or not np.isfinite(p) else f"{100 * p:.0f}%"


# -- the model ------------------------------------------------------------------------------
class NowcastModel:
    """Bridge nowcasts on a dataset: ``NowcastModel(ds).fit(as_of)`` -> :class:`NowcastResult`.

    The releases of every year are read once; each as-of view is remembered.
    """

    def __init__(self, dataset: Dataset, config: NowcastConfig | None = None) -> None:
        self.dataset = dataset
        self.config = config or NowcastConfig.from_yaml()
        self._rows = {
            code: self._release_rows(code)
            for code in (self.config.growth_indicator, *self.config.bridge_indicators)
        }
        self._views: dict[tuple, pd.DataFrame] = {}

    # data ---------------------------------------------------------------------------------
    def _release_rows(self, indicator: str) -> pd.DataFrame:
        from dxecon.data.selection import effective_publication

        cfg, obs = self.config, self.dataset.observations
        rows = obs[
            (obs["indicator"] == indicator)
            & (obs["sector"] == "total")
            & obs["geo"].isin(cfg.boundary_geos)
        ]
        if indicator == cfg.growth_indicator:
            rows = rows[rows["price_basis"] == cfg.growth_price_basis]
        # A bound ("over 24%") is not a point value.
        rows = rows[~rows["note"].str.contains("lower bound", case=False)]
        stage_of = {p: s for s, periods in cfg.release_periods.items() for p in periods}
        stage = rows["period"].str.slice(5).map(stage_of)
        stage[rows["period_kind"] == "year"] = "year"
        rows = rows.assign(stage=stage)
        rows = rows[rows["stage"].notna()]
        policy = self.dataset.policy
        in_year = policy.with_(undated_lag_months=int(cfg.undated_release_lag_months))
        parts = [
            effective_publication(rows[rows["stage"] != "year"], in_year),
            effective_publication(rows[rows["stage"] == "year"], policy),
        ]
        return pd.concat(parts)

    def year_geo(self, year: int) -> str:
        """The boundary of ``year``'s outturn: the geography valid on its 31 December."""
        geos = self.dataset.codes["geographies"].set_index("code")
        end = f"{year}-12-31"
        for geo in self.config.boundary_geos:
            start, stop = geos.at[geo, "valid_from"], geos.at[geo, "valid_to"]
            if (not start or start <= end) and (not stop or stop >= end):
                return geo
        raise ValueError(f"no geography of {self.config.boundary_geos} covers {year}")

    def known(self, indicator: str, as_of) -> pd.DataFrame:
        """One figure per year and stage as published by ``as_of`` (index year, stage), on
        the year's boundary where published, else (``flag``) on the other, with a note."""
        from dxecon.data.selection import choose, parse_as_of, visible_as_of

        as_of_ts = parse_as_of(as_of) if as_of is not None else None
        key = (indicator, as_of_ts)
        if key in self._views:
            return self._views[key]
        rows = self._rows[indicator]
        rows = rows[visible_as_of(rows, as_of_ts, self.dataset.policy)]
        columns = [
            "value",
            "geo",
            "period",
            "obs_id",
            "source_id",
            "publisher",
            "status",
            "published",
            "boundary",
            "stage",
            "year",
        ]
        if rows.empty:
            view = pd.DataFrame(columns=columns).set_index(["year", "stage"], drop=False)
            self._views[key] = view
            return view
        rows = rows.assign(
            visible=True, group=rows["year"].astype(str) + "|" + rows["stage"] + "|" + rows["geo"]
        )
        chosen = choose(rows, self.dataset.policy, self.dataset.ranks, by="group")
        chosen = chosen[chosen["chosen"]]
        own = chosen["year"].map(self.year_geo)
        chosen = chosen.assign(own=own, same=chosen["geo"] == own)
        chosen = chosen.sort_values(["year", "stage", "same"], ascending=[True, True, False])
        picked = chosen.groupby(["year", "stage"], sort=True).head(1)
        if self.config.cross_boundary_releases == "exclude":
            picked = picked[picked["same"]]
        boundary = np.where(picked["same"], SAME_BOUNDARY, OTHER_BOUNDARY)
        view = picked.assign(published=picked["published_effective"], boundary=boundary).set_index(
            ["year", "stage"], drop=False
        )[columns]
        self._views[key] = view
        return view

    # fitting ------------------------------------------------------------------------------
    def latest_stage(self, year: int, as_of) -> str:
        """The latest stage released for ``year`` by ``as_of`` ('none' before the first)."""
        view = self.known(self.config.growth_indicator, as_of)
        released = set(view.loc[view["year"] == year, "stage"])
        return next((s for s in reversed(STAGES[1:]) if s in released), "none")

    def fit(
        self, as_of, *, year: int | None = None, stage: str | None = None, with_path: bool = False
    ) -> NowcastResult:
        """Nowcast ``year`` (default: the as-of year) from what was published by ``as_of``.

        ``stage`` forces a stage (it must be released by then); by default the latest.
        ``with_path`` adds the nowcast after each of the year's releases (``path``).
        """
        from dxecon.data.selection import parse_as_of

        cfg = self.config
        as_of_ts = parse_as_of(as_of)
        if as_of_ts is None:
            raise ValueError("a nowcast needs an as-of date (YYYY-MM or YYYY-MM-DD)")
        year = int(year if year is not None else as_of_ts.year)
        latest = self.latest_stage(year, as_of_ts)
        stage = stage or latest
        if STAGES.index(stage) > STAGES.index(latest):
            raise ValueError(f"stage {stage} of {year} is not published by {as_of_ts:%Y-%m-%d}")
        growth = self.known(cfg.growth_indicator, as_of_ts)
        geo = self.year_geo(year)
        names = self.dataset.codes["geographies"].set_index("code")["name"]
        notes: list[Note] = []
        fy = growth[growth["stage"] == "year"].set_index("year")
        if year in fy.index:
            value, obs_id = float(fy.at[year, "value"]), fy.at[year, "obs_id"]
            notes.append(Note("full_year", {"value": value, "obs_id": obs_id}))
        inputs = growth[(growth["year"] == year) & (growth["stage"] != "year")].reset_index(
            drop=True
        )
        inputs = inputs[inputs["stage"].map(STAGES.index) <= STAGES.index(stage)]
        for row in inputs[inputs["stage"] == stage].itertuples():
            if row.boundary != SAME_BOUNDARY:
                values = {"stage": row.stage, "year": year, "geo": row.geo, "own": geo}
                notes.append(Note("boundary", values))

        benchmarks = []
        last = self._last_year(year, fy)
        benchmarks.append(last)
        if stage == "none":
            model, median, dist, n_years, params = (
                LAST_YEAR,
                last["median"],
                last["_dist"],
                last["past_years"],
                {},
            )
            training = last["_training"]
            notes.append(Note("no_release", {"year": year, "as_of": f"{as_of_ts:%Y-%m-%d}"}))
        else:
            cum = float(growth.loc[(year, stage), "value"])
            carry = self._carry(year, stage, cum, growth, fy)
            benchmarks.append(carry)
            fit = self._bridge(year, stage, cum, growth, fy, as_of_ts)
            if fit is None:
                model, median, dist = CARRY, cum, carry["_dist"]
                n_years, params, training = carry["past_years"], {}, carry["_training"]
                values = {"minimum": cfg.bridge_min_years, "stage": stage}
                notes.append(Note("few_years", values))
            else:
                bridge, extra_now, training = fit
                model = BRIDGE
                if extra_now:
                    notes.append(Note("indicators", {"indicators": tuple(extra_now)}))
                median = bridge.predict(cum, extra_now)
                dist = error_distribution(bridge.loo_errors)
                n_years, params = bridge.n_years, bridge.params
        lower, upper = _interval(median, dist, cfg.interval_level)
        table = pd.DataFrame(
            [{k: v for k, v in b.items() if not k.startswith("_")} for b in benchmarks],
            columns=["method", "median", "lower", "upper", "past_years"],
        )
        for b in benchmarks:
            if b["method"] == model:
                table = table[table["method"] != model]  # the method used is not repeated
        result = NowcastResult(
            year=year,
            as_of=as_of_ts,
            stage=stage,
            geo=geo,
            geo_name=str(names[geo]),
            median=float(median),
            lower=lower,
            upper=upper,
            level=float(cfg.interval_level),
            scale=None if dist is None else dist[0],
            df=None if dist is None else dist[1],
            model=model,
            params=params,
            n_years=int(n_years),
            training=training,
            inputs=inputs,
            benchmarks=table.reset_index(drop=True),
            target=self.target(year, geo),
            notes=notes,
            bridge_form=bridge.form if model == BRIDGE else None,
        )
        if with_path:
            result = replace(result, path=self.path(year, as_of_ts))
        return result

    def _bridge(self, year, stage, cum, growth, fy, as_of_ts):
        cfg = self.config
        past = growth[(growth["stage"] == stage) & (growth["year"] < year)].set_index("year")
        years = [y for y in past.index if y in fy.index]
        if len(years) < cfg.bridge_min_years:
            return None
        frame = pd.DataFrame(
            {
                "cumulative": past.loc[years, "value"].astype(float),
                "outturn": fy.loc[years, "value"].astype(float),
            }
        )
        extra_now: dict[str, float] = {}
        for code in cfg.bridge_indicators:
            view = self.known(code, as_of_ts)
            at_stage = view[view["stage"] == stage].set_index("year")["value"].astype(float)
            if year not in at_stage.index:
                continue
            with_it = [y for y in frame.index if y in at_stage.index]
            if len(with_it) < cfg.indicator_min_years:
                continue
            frame = frame.loc[with_it].assign(**{code: at_stage.loc[with_it]})
            extra_now[code] = float(at_stage.loc[year])
        slope = len(frame) >= cfg.slope_min_years
        bridge = fit_bridge(
            frame["outturn"], frame["cumulative"], frame[list(extra_now)], slope=slope
        )
        training = frame.assign(out_of_sample_error=bridge.loo_errors).reset_index()
        return bridge, extra_now, training

    def _carry(self, year, stage, cum, growth, fy) -> dict:
        past = growth[(growth["stage"] == stage) & (growth["year"] < year)].set_index("year")
        years = [y for y in past.index if y in fy.index]
        errors = fy.loc[years, "value"].astype(float) - past.loc[years, "value"].astype(float)
        dist = error_distribution(errors.to_numpy())
        lower, upper = _interval(cum, dist, self.config.interval_level)
        training = pd.DataFrame({"year": years, "out_of_sample_error": errors.to_numpy()})
        return {
            "method": CARRY,
            "median": cum,
            "lower": lower,
            "upper": upper,
            "past_years": len(years),
            "_dist": dist,
            "_training": training,
        }

    def _last_year(self, year, fy) -> dict:
        value = float(fy.at[year - 1, "value"]) if year - 1 in fy.index else float("nan")
        pairs = [y for y in fy.index if y < year and y - 1 in fy.index]
        errors = np.array([fy.at[y, "value"] - fy.at[y - 1, "value"] for y in pairs], float)
        dist = error_distribution(errors) if np.isfinite(value) else None
        lower, upper = _interval(value, dist, self.config.interval_level)
        training = pd.DataFrame({"year": pairs, "out_of_sample_error": errors})
        return {
            "method": LAST_YEAR,
            "median": value,
            "lower": lower,
            "upper": upper,
            "past_years": len(pairs),
            "_dist": dist,
            "_training": training,
        }

    def target(self, year: int, geo: str) -> dict | None:
        """The year's growth target (comparator >=) from the first instrument of
        ``nowcast_target_instruments`` that sets one for this boundary; None without."""
        from dxecon.data.targets import TargetRegistry

        registry = self.__dict__.setdefault("_registry", TargetRegistry(self.dataset))
        wanted = [i for i in self.config.nowcast_target_instruments if i in registry.instruments]
        found = registry.select(wanted, geo=geo, years=[year])
        found = found[
            (found["indicator"] == self.config.growth_indicator)
            & (found["sector"] == "total")
            & (found["comparator"] == ">=")
        ]
        for instrument in wanted:
            rows = found[found["instrument"] == instrument]
            if len(rows):
                row = rows.iloc[0]
                return {
                    "value": float(row["value"]),
                    "instrument": instrument,
                    "target_id": row["target_id"],
                    "text": row["text"],
                }
        return None

    def path(self, year: int, as_of) -> pd.DataFrame:
        """The nowcast of ``year`` after each of its releases published by ``as_of``, plus
        the one before the first release: as_of, stage, method, median, lower, upper and
        ``new_releases`` (the releases new since the row before, as records of
        ``inputs``' columns; none at the start of the year)."""
        from dxecon.data.selection import parse_as_of

        as_of_ts = parse_as_of(as_of)
        rows = self._rows[self.config.growth_indicator]
        dates = rows.loc[
            (rows["year"] == year) & (rows["stage"] != "year"), "published_effective"
        ].dropna()
        year_end = pd.Timestamp(f"{year + 1}-01-31")
        dates = sorted({d for d in dates if d <= min(as_of_ts, year_end)})
        start = min([pd.Timestamp(f"{year}-01-31"), *dates]) - pd.Timedelta(days=1)
        records = []
        previous = None
        for when in [start, *dates]:
            result = self.fit(when, year=year)
            new = [] if previous is None else result.new_releases(previous).to_dict("records")
            records.append(
                {
                    "as_of": when,
                    "stage": result.stage,
                    "method": result.method,
                    "median": result.median,
                    "lower": result.lower,
                    "upper": result.upper,
                    "new_releases": new,
                }
            )
            previous = result
        return pd.DataFrame(records)


# -- backtest ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class NowcastBacktest:
    """Pseudo-real-time nowcasts of every past year at every stage against the later figure.

    ``records``: one row per year, stage and method; ``table()``: MAE and coverage by stage.
    """

    records: pd.DataFrame
    level: float
    min_years: int

    def table(self) -> pd.DataFrame:
        """By stage and method: years, mean absolute error, interval coverage, verdict."""
        rows = []
        for (stage, method), group in self.records.groupby(["stage", "method"], sort=False):
            with_interval = group.dropna(subset=["lower", "upper"])
            n = len(group)
            rows.append(
                {
                    "stage": stage,
                    "method": method,
                    "years": n,
                    "mae": float(group["abs_error"].mean()),
                    "coverage": float(with_interval["covered"].mean())
                    if len(with_interval)
                    else np.nan,
                    "years_with_interval": len(with_interval),
                    "verdict": _verdict(n, len(with_interval), self.min_years),
                }
            )
        order = {stage: i for i, stage in enumerate(STAGES)}
        methods = {m: i for i, m in enumerate((NOWCAST, BRIDGE, CARRY, LAST_YEAR))}
        frame = pd.DataFrame(rows)
        frame["_s"] = frame["stage"].map(order)
        frame["_m"] = frame["method"].map(methods)
        return frame.sort_values(["_s", "_m"]).drop(columns=["_s", "_m"]).reset_index(drop=True)

    def head_to_head(self) -> pd.DataFrame:
        """The bridge against both naive benchmarks on the same years: by stage, the mean
        absolute error of each over the years where all three were made."""
        rows = []
        for stage in STAGES[1:]:
            recs = self.records[self.records["stage"] == stage]
            wide = recs.pivot_table(index="year", columns="method", values="abs_error")
            wanted = [BRIDGE, CARRY, LAST_YEAR]
            if not set(wanted) <= set(wide.columns):
                continue
            common = wide[wanted].dropna()
            if common.empty:
                continue
            rows.append(
                {
                    "stage": stage,
                    "years": len(common),
                    "which_years": ", ".join(str(y) for y in common.index),
                    "bridge_mae": float(common[BRIDGE].mean()),
                    "carry_mae": float(common[CARRY].mean()),
                    "last_year_mae": float(common[LAST_YEAR].mean()),
                    "verdict": TOO_FEW if len(common) < self.min_years else ENOUGH_YEARS,
                }
            )
        return pd.DataFrame(rows)

    def stage_steps(self, method: str = NOWCAST) -> pd.DataFrame:
        """Does the error fall stage by stage? One row per step from a stage to the next
        (``before``, ``after``: stages), with the mean absolute error of each over the
        years both stages have (``mae_before``, ``mae_after``; NaN when no year has both),
        those ``years`` and whether they are too few to judge (``too_few``)."""
        recs = self.records[self.records["method"] == method]
        rows = []
        stages = [s for s in STAGES if s in set(recs["stage"])]
        for before, after in itertools.pairwise(stages):
            a = recs[recs["stage"] == before].set_index("year")["abs_error"]
            b = recs[recs["stage"] == after].set_index("year")["abs_error"]
            common = sorted(set(a.index) & set(b.index))
            rows.append(
                {
                    "before": before,
                    "after": after,
                    "mae_before": float(a.loc[common].mean()) if common else np.nan,
                    "mae_after": float(b.loc[common].mean()) if common else np.nan,
                    "years": ", ".join(map(str, common)),
                    "too_few": len(common) < self.min_years,
                }
            )
        columns = ["before", "after", "mae_before", "mae_after", "years", "too_few"]
        return pd.DataFrame(rows, columns=columns)


def _verdict(years: int, with_interval: int, minimum: int) -> str:
    if years < minimum:
        return TOO_FEW
    if with_interval < minimum:
        return COVERAGE_TOO_FEW
    return ENOUGH_YEARS


def backtest_nowcast(
    dataset: Dataset, config: NowcastConfig | None = None, *, model: NowcastModel | None = None
) -> NowcastBacktest:
    """For each past year with a full-year figure and each of its stages: the nowcast as of
    the day that stage's release came out (the first-quarter-free "none" stage as of the end
    of January), against the latest figure for the year (the later official one where
    published)."""
    model = model or NowcastModel(dataset, config)
    cfg = model.config
    latest = model.known(cfg.growth_indicator, None)
    outturns = latest[latest["stage"] == "year"].set_index("year")
    rows = model._rows[cfg.growth_indicator]
    records = []
    for year in outturns.index:
        actual = float(outturns.at[year, "value"])
        when_by_stage = {"none": pd.Timestamp(f"{year}-01-31")}
        for stage in STAGES[1:]:
            mask = (rows["year"] == year) & (rows["stage"] == stage)
            dates = rows.loc[mask, "published_effective"].dropna()
            # The stage's first release, if it came out within the year (a figure first seen
            # as a citation a year later was no nowcast input in real time).
            if len(dates) and dates.min() <= pd.Timestamp(f"{year}-12-31"):
                when_by_stage[stage] = dates.min()
        for stage, when in when_by_stage.items():
            if model.latest_stage(year, when) != stage:
                continue  # published only on an excluded boundary, or later than its date
            result = model.fit(when, year=year, stage=stage)
            main = {"median": result.median, "lower": result.lower, "upper": result.upper}
            methods = [{"method": result.method, **main}, {"method": NOWCAST, **main}]
            methods += result.benchmarks[["method", "median", "lower", "upper"]].to_dict("records")
            for m in methods:
                if not np.isfinite(m["median"]):
                    continue
                method = BRIDGE if m["method"].startswith(BRIDGE) else m["method"]
                detail = result.method if method == NOWCAST else m["method"]
                covered = m["lower"] <= actual <= m["upper"] if np.isfinite(m["lower"]) else np.nan
                records.append(
                    {
                        "year": year,
                        "stage": stage,
                        "as_of": when,
                        "method": method,
                        "method_detail": detail,
                        "median": m["median"],
                        "lower": m["lower"],
                        "upper": m["upper"],
                        "outturn": actual,
                        "outturn_obs_id": outturns.at[year, "obs_id"],
                        "error": actual - m["median"],
                        "abs_error": abs(actual - m["median"]),
                        "covered": covered,
                        "boundary": result.geo,
                        "cross_boundary": result.cross_boundary,
                    }
                )
    frame = pd.DataFrame(records)
    return NowcastBacktest(frame, level=cfg.interval_level, min_years=cfg.min_backtest_years)


# -- entry points --------------------------------------------------------------------------
def nowcast(
    as_of: str | dt.date,
    *,
    dataset: Dataset | None = None,
    config: NowcastConfig | None = None,
    year: int | None = None,
    with_path: bool = False,
) -> NowcastResult:
    """The nowcast of the as-of year (or ``year``) on a dataset (default: ``data/``)."""
    from dxecon.data import load_dataset

    dataset = dataset or load_dataset()
    return NowcastModel(dataset, config).fit(as_of, year=year, with_path=with_path)


def scenario_start(
    as_of: str | dt.date,
    *,
    n_paths: int,
    seed: int = 0,
    dataset: Dataset | None = None,
    config: NowcastConfig | None = None,
) -> tuple[NowcastResult, np.ndarray]:
    """The current year's growth for a scenario engine: the nowcast and ``n_paths`` draws of
    the year's real growth (per cent) from its interval distribution. The year and the
    boundary the draws are on are ``result.year`` and ``result.geo``."""
    result = nowcast(as_of, dataset=dataset, config=config)
    return result, result.draws(n_paths, seed=seed)
