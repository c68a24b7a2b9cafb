r"""Growth forecasts from what a forecaster knows each January, and their real-time record.

A January forecast of the city's real growth can use more than the city's own short series:
the year's plan (if published by then) and national growth. Two models read them from the
dataset *as of* the forecast date (:class:`GrowthContext`), so no later figure, plan or
revision leaks in:

- :class:`PlanShortfall`: the plan for the next year plus the city's mean past shortfall,

  .. math:: \hat y_{T+1} = p_{T+1} + \frac{1}{|S|}\sum_{t\in S}(y_t - p_t),

  with :math:`S` the years whose plan :math:`p_t` and outturn :math:`y_t` were both
  published by the as-of;
- :class:`NationalPremium`: national growth for the next year (the National Assembly's plan
  if published, else the last national figure) plus the city's mean premium over the
  nation, :math:`\frac{1}{|P|}\sum_{t\in P}(y_t - n_t)`.

Both hold their next-year forecast flat for later years (no plan for them is published yet).
A plan or its source is visible only from its source's publication date; an undated source
follows ``params/selection.yaml`` and is never assumed out before the end of the plan year
plus the undated lag (``exclude``: never).

:func:`growth_realtime` makes every candidate's January forecasts (also the equal-weight
combination of the candidates available and the statistical models of
:func:`dxecon.models.forecast.default_candidates`, trend models refused on few points) and chooses
each January, with only the forecasts and outturns published before it, the candidate
whose pooled MAE beat no-change on at least ``min_outturn_years`` outturn years; otherwise
no-change. :func:`growth_candidates` is the table of pooled errors (notebook 4, report).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from dxecon.core.errors import ParamsError, SeriesSelectionError
from dxecon.core.facts import facts_cell
from dxecon.core.params import check_keys, params_path
from dxecon.core.places import nation, place_params
from dxecon.models.forecast._series import SeriesTooShortError, contiguous_tail
from dxecon.models.forecast.models import ForecastModel, Naive, default_candidates
from dxecon.models.forecast.results import Estimate, normal_prediction

__all__ = [
    "GrowthContext",
    "GrowthRealTime",
    "GrowthSpec",
    "NationalPremium",
    "NotPublishedError",
    "PlanShortfall",
    "choose_by_pooled_error",
    "growth_candidates",
    "growth_realtime",
    "meets_goal",
    "published_plans",
]

COMBINATION = "combination"
RULE = "rule"
PLAN_POINTS = ("lower", "midpoint")
#: Why a candidate could not forecast at an as-of (``GrowthRealTime.refused["reason"]``).
TOO_SHORT, NOT_PUBLISHED, FAILED = "too short", "not published", "failed"


class NotPublishedError(ValueError):
    """What a model needs (a plan, a national figure, a past year) was not published by the
    as-of date."""


@dataclass(frozen=True)
class GrowthSpec:
    """The ``growth`` mapping of ``params/forecasts.yaml`` (see the comments there).
    ``national_geo`` is not read from it: the nation's code has one home,
    ``params/places/default.yaml`` (`dxecon.core.places.nation`)."""

    indicator: str
    geo: str
    national_indicator: str
    plan_instruments: tuple[str, ...]
    national_plan_instruments: tuple[str, ...]
    national_geo: str = field(default_factory=nation)
    plan_point: str = "lower"
    first: int = 2021
    min_outturn_years: int = 4
    label: str = ""
    goal_mae_ratio: float | None = None

    #: The fields, in the order the spec table (step published_forecasts) shows them.
    FIELDS: ClassVar[tuple[str, ...]] = (
        "indicator",
        "geo",
        "national_indicator",
        "national_geo",
        "plan_instruments",
        "national_plan_instruments",
        "plan_point",
        "first",
        "min_outturn_years",
        "label",
        "goal_mae_ratio",
    )
    #: The keys of the params mapping: every field but the nation's code.
    KEYS: ClassVar[tuple[str, ...]] = tuple(f for f in FIELDS if f != "national_geo")
    #: The keys the params mapping must hold.
    REQUIRED: ClassVar[tuple[str, ...]] = KEYS[:5]

    @classmethod
    def from_params(
        cls, spec: Mapping | None = None, *, path=None, place: str | None = None
    ) -> GrowthSpec:
        """From a mapping, or from ``params/forecasts.yaml`` (key ``growth``) with the
        profile of ``place`` (None: the default place) laid over it."""
        path = str(path or params_path("forecasts"))
        if spec is None:
            spec = place_params("forecasts", place).get("growth")
        if not isinstance(spec, Mapping):
            raise ParamsError(path, "growth", "expected a mapping (see params/forecasts.yaml)")
        check_keys(dict(spec), cls.KEYS, file=path, prefix="growth.")
        missing = [k for k in cls.REQUIRED if k not in spec]
        if missing:
            raise ParamsError(path, f"growth.{missing[0]}", "required")
        if spec.get("plan_point", "lower") not in PLAN_POINTS:
            raise ParamsError(path, "growth.plan_point", f"use one of {', '.join(PLAN_POINTS)}")
        minimum = spec.get("min_outturn_years", 4)
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
            raise ParamsError(path, "growth.min_outturn_years", "expected a whole number >= 1")
        goal = spec.get("goal_mae_ratio")
        if goal is not None and (
            isinstance(goal, bool) or not isinstance(goal, int | float) or not goal > 0
        ):
            raise ParamsError(
                path, "growth.goal_mae_ratio", "expected a positive number (e.g. 0.9)"
            )
        values = {k: spec[k] for k in cls.KEYS if k in spec}
        for key in ("plan_instruments", "national_plan_instruments"):
            values[key] = tuple(values[key])
        return cls(**values)


def _published(text: str) -> pd.Timestamp | None:
    from dxecon.data.validate import parse_date

    parsed = parse_date(str(text).strip()) if isinstance(text, str) and text.strip() else None
    return pd.Timestamp(parsed) if parsed else None


def published_plans(
    dataset, indicator: str, geo: str, instruments, *, as_of, point: str = "lower"
) -> pd.DataFrame:
    """The plan targets (``>=``/``==`` lower end, ``<=`` upper end) published by ``as_of``.

    A row counts from its source's ``published`` date (``YYYY-MM``: the month's last day).
    An undated source is never counted before the end of the plan year plus
    ``undated_lag_months`` (``params/selection.yaml``; under ``undated: exclude`` never):
    a plan report without a date may come from after its year. Among several visible
    sources for a year the latest published wins (a revised plan replaces the first).

    Returns
    -------
    pandas.DataFrame
        Indexed by plan year: ``value`` (``point``: lower end or midpoint), ``lower``,
        ``upper``, ``target_ids``, ``source_id``, ``published``.
    """
    from dxecon.data.selection import parse_as_of

    as_of_ts = parse_as_of(as_of)
    targets = dataset.targets
    rows = targets[
        (targets["indicator"] == indicator)
        & (targets["geo"] == geo)
        & (targets["sector"] == "total")
        & targets["instrument"].isin(list(instruments))
        & targets["year"].notna()
    ].copy()
    columns = ["value", "lower", "upper", "target_ids", "source_id", "published"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    sources = dataset.sources.set_index("source_id")["published"]
    policy = dataset.policy
    published = []
    for year, source in zip(rows["year"].astype(int), rows["source_id"], strict=True):
        date = _published(sources.get(source, ""))
        if date is None and policy.undated != "exclude":
            lag = pd.DateOffset(months=int(policy.undated_lag_months))
            date = pd.Timestamp(dt.date(year, 12, 31)) + lag
        published.append(date)
    rows["published"] = published
    if as_of_ts is not None:
        rows = rows[rows["published"].notna() & (rows["published"] <= as_of_ts)]
    out = {}
    for year, group in rows.groupby(rows["year"].astype(int)):
        latest = group[group["published"] == group["published"].max()]
        lower = latest[latest["comparator"].isin([">=", "=="])]["value"]
        upper = latest[latest["comparator"].isin(["<=", "=="])]["value"]
        if lower.empty:
            continue  # only an upper bound: no figure the plan commits to
        low = float(lower.min())
        high = float(upper.max()) if not upper.empty else low
        out[int(year)] = {
            "value": low if point == "lower" else (low + high) / 2,
            "lower": low,
            "upper": high,
            "target_ids": ", ".join(latest["target_id"]),
            "source_id": ", ".join(dict.fromkeys(latest["source_id"])),
            "published": latest["published"].max(),
        }
    return pd.DataFrame.from_dict(out, orient="index", columns=columns).sort_index()


@dataclass(frozen=True, eq=False)
class GrowthContext:
    """What was published by ``as_of``: the city's and the nation's growth and the plans.

    The models of this module are built from a context (``context.factory(PlanShortfall)``),
    so that the backtest and the real-time evaluation can hand them the series alone.
    """

    dataset: object
    as_of: str
    spec: GrowthSpec

    def _values(self, indicator: str, geo: str) -> pd.Series:
        try:
            return self.dataset.series(indicator, geo, as_of=self.as_of).values.dropna()
        except SeriesSelectionError:
            return pd.Series(dtype=float)

    @functools.cached_property
    def city(self) -> pd.Series:
        return self._values(self.spec.indicator, self.spec.geo)

    @functools.cached_property
    def national(self) -> pd.Series:
        return self._values(self.spec.national_indicator, self.spec.national_geo)

    @functools.cached_property
    def plans(self) -> pd.DataFrame:
        return published_plans(
            self.dataset,
            self.spec.indicator,
            self.spec.geo,
            self.spec.plan_instruments,
            as_of=self.as_of,
            point=self.spec.plan_point,
        )

    @functools.cached_property
    def national_plans(self) -> pd.DataFrame:
        return published_plans(
            self.dataset,
            self.spec.national_indicator,
            self.spec.national_geo,
            self.spec.national_plan_instruments,
            as_of=self.as_of,
            point=self.spec.plan_point,
        )

    def factory(self, model: type[_ContextModel]):
        """A model factory (series -> model) that reads this context."""
        return functools.partial(model, context=self)


class _ContextModel(ForecastModel):
    """A level for the next year from the context, held flat; normal intervals with the
    standard deviation of the past deviations the level was corrected by, times
    :math:`\\sqrt h` (NaN with fewer than two deviations)."""

    min_points = 1
    handles_gaps = True

    def __init__(self, series: pd.Series, *, context: GrowthContext) -> None:
        self.context = context
        super().__init__(series)
        self.next_year = int(self.series.index.year[-1]) + 1
        self.base, self.deviations, self.source = self._components()

    def _components(self) -> tuple[float, pd.Series, str]:
        raise NotImplementedError

    def _estimate(self) -> Estimate:
        correction = float(self.deviations.mean())
        level = self.base + correction
        sigma = float(self.deviations.std(ddof=1)) if len(self.deviations) > 1 else np.nan

        def predict(steps: int, alphas: tuple[float, ...]):
            h = np.arange(1, steps + 1)
            return normal_prediction(np.full(steps, level), sigma * np.sqrt(h), alphas)

        params = {"base": self.base, "correction": correction, "years": len(self.deviations)}
        return Estimate(params=params, predict=predict, flags=[self.source])


class PlanShortfall(_ContextModel):
    """The next year's plan plus the city's mean past shortfall (outturn minus plan)."""

    label = "plan_minus_shortfall"

    def _components(self):
        plans, city = self.context.plans, self.context.city
        if self.next_year not in plans.index:
            raise NotPublishedError(
                f"no plan for {self.next_year} published by {self.context.as_of}"
            )
        past = [y for y in plans.index if y in city.index and y < self.next_year]
        if not past:
            raise NotPublishedError(
                f"no year with both a plan and an outturn published by {self.context.as_of}"
            )
        deviations = pd.Series({y: city[y] - plans.at[y, "value"] for y in past}, dtype=float)
        row = plans.loc[self.next_year]
        source = f"plan {self.next_year}: {row['target_ids']} ({row['source_id']})"
        return float(row["value"]), deviations, source


class NationalPremium(_ContextModel):
    """National growth for the next year (plan if published, else the last national
    figure) plus the city's mean premium over the nation (city minus national growth)."""

    label = "national_plus_premium"

    def _components(self):
        national, city = self.context.national, self.context.city
        if national.empty:
            raise NotPublishedError(f"no national growth published by {self.context.as_of}")
        plans = self.context.national_plans
        if self.next_year in plans.index:
            base = float(plans.at[self.next_year, "value"])
            source = f"national plan {self.next_year}: {plans.at[self.next_year, 'target_ids']}"
        else:
            base = float(national.iloc[-1])
            source = f"no national plan for {self.next_year}: last national figure used"
        past = [y for y in city.index if y in national.index]
        if not past:
            raise NotPublishedError(
                f"no year with city and national growth by {self.context.as_of}"
            )
        deviations = pd.Series({y: city[y] - national[y] for y in past}, dtype=float)
        return base, deviations, source


# -- the January forecasts of every candidate ------------------------------------------------
@dataclass(frozen=True, eq=False)
class GrowthRealTime:
    """Every candidate's January forecasts against the outturn, and the rule's choices.

    Attributes
    ----------
    forecasts : pandas.DataFrame
        One row per as-of, candidate and forecast year: ``as_of``, ``candidate``, ``year``,
        ``h``, ``forecast``, ``naive`` (no-change of the same as-of) and ``outturn``
        (latest published; NaN before it is published).
    refused : pandas.DataFrame
        Candidates that could not forecast then: ``as_of``, ``candidate``, ``why`` (the
        message), ``reason`` (:data:`TOO_SHORT`, :data:`NOT_PUBLISHED` or :data:`FAILED`),
        ``points`` and ``needed`` (too short: the annual observations the series had and
        the model's minimum; NaN otherwise).
    choices : pandas.DataFrame
        One row per as-of: the ``chosen`` candidate, the one ``used`` (no-change when the
        chosen one cannot forecast then) and ``why``.
    spec : GrowthSpec
    """

    forecasts: pd.DataFrame
    refused: pd.DataFrame
    choices: pd.DataFrame
    spec: GrowthSpec

    def scored(self) -> pd.DataFrame:
        """Forecasts with an outturn, with ``error`` and ``naive_error`` (outturn minus)."""
        rows = self.forecasts.dropna(subset=["outturn", "forecast"]).copy()
        rows["error"] = rows["outturn"] - rows["forecast"]
        rows["naive_error"] = rows["outturn"] - rows["naive"]
        return rows

    def to_frame(self) -> pd.DataFrame:
        return growth_candidates(self)

    def summary(self) -> str:
        table = growth_candidates(self)
        rule = table[table["candidate"] == RULE].iloc[0]
        text = (
            f"{self.spec.label or self.spec.indicator}: the rule's pooled MAE "
            f"{rule['pooled_mae']:.2f} against no-change's {rule['pooled_mae_naive']:.2f} "
            f"over {int(rule['errors'])} January forecasts"
        )
        met = meets_goal(table, self.spec.goal_mae_ratio)
        if met is not None:
            text += (
                f"; goal (at most {self.spec.goal_mae_ratio:g} times no-change's): "
                f"{'met' if met else 'not met'}"
            )
        return text


def _candidates(context: GrowthContext) -> dict[str, object]:
    named = {"naive": Naive}
    for factory in default_candidates()[1:]:
        inner = getattr(factory, "factory", factory)
        options = getattr(inner, "keywords", {})
        name = getattr(factory, "label", "model")
        if options.get("order"):
            name = f"arima{tuple(options['order'])}".replace(" ", "")
        named[name] = factory
    named[PlanShortfall.label] = context.factory(PlanShortfall)
    named[NationalPremium.label] = context.factory(NationalPremium)
    return named


def growth_realtime(
    dataset, spec: GrowthSpec | None = None, *, last: int | None = None
) -> GrowthRealTime:
    """Each January's forecasts of every candidate, and the rule's choice (no look-ahead).

    Parameters
    ----------
    dataset : dxecon.data.Dataset
    spec : GrowthSpec, optional
        Default :meth:`GrowthSpec.from_params` (``params/forecasts.yaml``).
    last : int, optional
        The last January; default the one after the latest outturn year.
    """
    spec = spec or GrowthSpec.from_params()
    final = dataset.series(spec.indicator, spec.geo).values.dropna()
    until = int(final.index.max())
    last = until + 1 if last is None else int(last)
    rows, refused = [], []
    for year in range(int(spec.first), last + 1):
        as_of = f"{year}-01"
        context = GrowthContext(dataset, as_of, spec)
        if context.city.empty:
            continue
        tail = contiguous_tail(context.city)
        horizon = until - int(tail.index.max())
        if horizon < 1:
            continue
        frames = {}
        for name, factory in _candidates(context).items():
            try:
                result = factory(tail).fit().forecast(horizon)
            except SeriesTooShortError as exc:
                refused.append(_refusal(as_of, name, exc, TOO_SHORT, exc.n_points, exc.needed))
                continue
            except NotPublishedError as exc:
                refused.append(_refusal(as_of, name, exc, NOT_PUBLISHED))
                continue
            except ValueError as exc:
                refused.append(_refusal(as_of, name, exc, FAILED))
                continue
            frames[name] = result.frame["median"]
        frames[COMBINATION] = sum(frames.values()) / len(frames)
        for name, forecast in frames.items():
            rows.append(
                pd.DataFrame(
                    {
                        "as_of": as_of,
                        "candidate": name,
                        "year": forecast.index.astype(int),
                        "h": forecast.index.astype(int) - int(tail.index.max()),
                        "forecast": forecast.to_numpy(dtype=float),
                        "naive": float(tail.iloc[-1]),
                    }
                )
            )
    forecasts = pd.concat(rows, ignore_index=True)
    forecasts["outturn"] = forecasts["year"].map(final)
    outturns = {
        as_of: GrowthContext(dataset, as_of, spec).city for as_of in forecasts["as_of"].unique()
    }
    choices = choose_by_pooled_error(forecasts, outturns, min_outturn_years=spec.min_outturn_years)
    used = forecasts.merge(choices[["as_of", "used"]], on="as_of")
    rule = used[used["candidate"] == used["used"]].drop(columns="used").assign(candidate=RULE)
    forecasts = pd.concat([forecasts, rule], ignore_index=True)
    return GrowthRealTime(
        forecasts=forecasts,
        refused=pd.DataFrame(refused, columns=REFUSED_COLUMNS),
        choices=choices,
        spec=spec,
    )


REFUSED_COLUMNS = ["as_of", "candidate", "why", "reason", "points", "needed"]


def refusals_cell(name: str, refused: pd.DataFrame) -> str:
    """A candidate's refusals (its rows of ``refused``) as a recorded note (`facts_cell`):
    ``growth_refused`` with the candidate and each refusal's as-of, reason, points and
    minimum (`dxecon.present.forecast_text.growth_why` words it); empty when none."""
    if refused.empty:
        return ""
    kept = refused[["as_of", "reason", "points", "needed"]].astype(object)
    refusals = kept.where(kept.notna(), None).to_dict("records")
    return facts_cell([{"code": "growth_refused", "candidate": name, "refusals": refusals}])


def _refusal(as_of, name, exc, reason, points=np.nan, needed=np.nan) -> dict:
    why = str(exc)
    return dict(zip(REFUSED_COLUMNS, [as_of, name, why, reason, points, needed], strict=True))


def choose_by_pooled_error(
    forecasts: pd.DataFrame, outturns: Mapping[str, pd.Series], *, min_outturn_years: int
) -> pd.DataFrame:
    r"""For each as-of, the candidate to use, judged only on what was known then.

    At as-of :math:`a` the evidence is every forecast made at an earlier as-of for a year
    whose outturn was published by :math:`a`, scored against that outturn as published by
    :math:`a` (``outturns[a]``). A candidate is eligible with forecasts of at least
    ``min_outturn_years`` distinct years; the eligible candidate with the lowest ratio of
    its pooled MAE to no-change's on the same forecasts is chosen when that ratio is below
    one, else no-change. A chosen candidate that cannot forecast at :math:`a` (its plan not
    yet published) gives way to no-change.

    Parameters
    ----------
    forecasts : pandas.DataFrame
        ``as_of``, ``candidate``, ``year``, ``forecast``, ``naive``.
    outturns : mapping of as-of to pandas.Series
        The outturns by year as published by each as-of.
    min_outturn_years : int

    Returns
    -------
    pandas.DataFrame
        ``as_of``, ``chosen``, ``used``, ``why``.
    """
    choices = []
    for as_of in sorted(forecasts["as_of"].unique()):
        known = outturns[as_of]
        past = forecasts[(forecasts["as_of"] < as_of) & forecasts["year"].isin(known.index)]
        past = past.assign(outturn=past["year"].map(known))
        best, best_ratio = "naive", 1.0
        why = "no candidate beat no-change on enough outturn years"
        for name, group in past.groupby("candidate"):
            years = group["year"].nunique()
            mae = (group["outturn"] - group["forecast"]).abs().mean()
            mae_naive = (group["outturn"] - group["naive"]).abs().mean()
            if name in ("naive", RULE) or years < min_outturn_years or not mae_naive > 0:
                continue
            if mae / mae_naive < best_ratio:
                best, best_ratio = name, mae / mae_naive
                why = (
                    f"pooled MAE {mae:.2f} against no-change's {mae_naive:.2f} over "
                    f"{len(group)} forecasts of {years} outturn years"
                )
        available = set(forecasts.loc[forecasts["as_of"] == as_of, "candidate"])
        used = best if best in available else "naive"
        if used != best:
            why += f"; {best} could not forecast then, so no-change"
        choices.append({"as_of": as_of, "chosen": best, "used": used, "why": why})
    return pd.DataFrame(choices, columns=["as_of", "chosen", "used", "why"])


def meets_goal(candidates: pd.DataFrame, goal_mae_ratio: float | None) -> bool | None:
    """Whether the rule's pooled MAE is at most ``goal_mae_ratio`` times no-change's on the
    same forecasts (the ``rule`` row of :func:`growth_candidates`); None without a goal or
    with no forecast of the rule scored yet."""
    rule = candidates[candidates["candidate"] == RULE]
    if goal_mae_ratio is None or rule.empty or not rule["errors"].iloc[0] > 0:
        return None
    return bool(rule["ratio"].iloc[0] <= goal_mae_ratio)


def growth_candidates(result: GrowthRealTime) -> pd.DataFrame:
    """Pooled MAE of every candidate beside no-change's on the same forecasts.

    One row per candidate (the rule last): ``mae_<as-of>`` and ``errors_<as-of>`` for each
    January, ``pooled_mae``, ``pooled_mae_naive`` (no-change on the same forecasts),
    ``ratio``, ``errors``, ``years`` (outturn years) and ``note`` (why a candidate has
    nothing to score at some Januaries).
    """
    scored = result.scored()
    as_ofs = sorted(result.forecasts["as_of"].unique())
    names = list(dict.fromkeys([*result.forecasts["candidate"], *result.refused["candidate"]]))
    names = [n for n in names if n != RULE] + [RULE]
    rows = []
    for name in names:
        mine = scored[scored["candidate"] == name]
        row: dict = {"candidate": name}
        for as_of in as_ofs:
            at = mine[mine["as_of"] == as_of]
            row[f"mae_{as_of}"] = at["error"].abs().mean() if len(at) else np.nan
            row[f"errors_{as_of}"] = len(at)
        row["pooled_mae"] = mine["error"].abs().mean() if len(mine) else np.nan
        row["pooled_mae_naive"] = mine["naive_error"].abs().mean() if len(mine) else np.nan
        row["ratio"] = row["pooled_mae"] / row["pooled_mae_naive"] if len(mine) else np.nan
        row["errors"] = len(mine)
        row["years"] = mine["year"].nunique()
        refused = result.refused[result.refused["candidate"] == name]
        row["note"] = refusals_cell(name, refused)
        rows.append(row)
    return pd.DataFrame(rows)
