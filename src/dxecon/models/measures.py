r"""A digital-share target read on MIC's measure as well as GSO's: the ratio of the two
measures, modelled and shown (``params/measures.yaml``).

GSO's and MIC's measures of the digital economy are never mixed. Resolution 03-NQ/TU set
its shares (October 2021) before either body had published an estimate, so a target can be
read on both. The scenarios simulate the share on GSO's measure (the forecast measure); the
reading on MIC's measure goes through an explicit conversion:

* **pairs**: every year in which both measures of the same quantity are published for one
  geography by the as-of date (the nation, ``pairs_geo``: `dxecon.core.places.nation`),
  :math:`y_t = \log(\text{MIC}_t / \text{GSO}_t)`;
* **the ratio model** (``form``), fitted on those pairs:

  - ``trend``: :math:`y_t = d_0 + d_1 (t - \bar t) + v_t`, ordinary least squares
    (statsmodels); at year :math:`T`, with :math:`x_T = (1, T - \bar t)`,
    :math:`y_T \sim x_T'\hat d + s \sqrt{1 + x_T'(X'X)^{-1}x_T}\; t_{n-2}`
    (parameter uncertainty plus the residual);
  - ``random_walk``: :math:`y_t = y_{t-1} + v_t`, no drift, with
    :math:`s^2 = \frac1m \sum (\Delta y)^2 / \Delta t` over the :math:`m` changes; at year
    :math:`T`, :math:`y_T \sim y_{last} + s \sqrt{T - t_{last}}\; t_m`;

* **the city's own deviation** from the nation's ratio: for every year a city geography has
  both measures on one boundary, :math:`c = y_{city,t} - y_{nation,t}`; its root mean square
  :math:`\sigma_c` widens the predictive scale to :math:`\sqrt{\text{scale}^2 + \sigma_c^2}`
  (a ratio estimated for the nation is not known for the city). With no such year the
  deviation cannot be sized and nothing is converted;
* **the reading**: each path's share on GSO's measure times a ratio drawn for that path
  from the predictive distribution; the probability is the share of paths that meet the
  target.

`ratio_realtime` checks the model's intervals as they would have been given before each
pair was published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dxecon.core.errors import ParamsError, SeriesSelectionError
from dxecon.core.params import load_with_keys, params_path
from dxecon.core.places import nation

FORMS = ("trend", "random_walk")
#: Fewest pairs each form needs for one residual degree of freedom.
MIN_PAIRS = {"trend": 3, "random_walk": 2}
#: Why a share is not converted (catalogue ``reading.<code>`` words them).
NO_PAIRS, NO_CITY_PAIR = "no pairs", "no city pair"
#: A share in per cent is at most the whole.
WHOLE = 100.0
#: Random stream of the ratio draws, apart from the engine's (``PCG64([seed, stream])``).
RATIO_STREAM = 20


@dataclass(frozen=True)
class MeasureConfig:
    """How a share target is read on another measure (``params/measures.yaml``; the
    pairs' geography ``pairs_geo`` is the nation, whose code lives in
    ``params/places/default.yaml``)."""

    forecast_measure: str
    other_measure: str
    pairs_geo: str
    form: str
    share_indicators: tuple[str, ...]
    city_reports_measure: str | None
    city_reports_evidence: tuple[str, ...]
    source: str = "<code>"

    KEYS = (
        "forecast_measure",
        "other_measure",
        "form",
        "share_indicators",
        "city_reports",
    )

    @classmethod
    def from_yaml(cls, path: Path | str | None = None) -> MeasureConfig:
        path = Path(path) if path is not None else params_path("measures")
        file, data = str(path), load_with_keys(path, cls.KEYS)
        if data["form"] not in FORMS:
            raise ParamsError(
                file, "form", f"expected one of {', '.join(FORMS)}, got {data['form']!r}"
            )
        if data["forecast_measure"] == data["other_measure"]:
            raise ParamsError(file, "other_measure", "must differ from forecast_measure")
        shares = data["share_indicators"]
        if not isinstance(shares, list) or not all(isinstance(s, str) for s in shares):
            raise ParamsError(file, "share_indicators", "expected a list of indicator codes")
        reports = data["city_reports"]
        if not isinstance(reports, dict) or set(reports) != {"measure", "evidence"}:
            raise ParamsError(file, "city_reports", "expected the keys measure and evidence")
        evidence = reports["evidence"] or []
        if not isinstance(evidence, list):
            raise ParamsError(file, "city_reports.evidence", "expected a list of obs_ids")
        return cls(
            forecast_measure=str(data["forecast_measure"]),
            other_measure=str(data["other_measure"]),
            pairs_geo=nation(),
            form=data["form"],
            share_indicators=tuple(shares),
            city_reports_measure=None if reports["measure"] is None else str(reports["measure"]),
            city_reports_evidence=tuple(str(e) for e in evidence),
            source=file,
        )


class ConversionError(Exception):
    """A share that cannot be read on the other measure; ``code`` says why (``NO_PAIRS``,
    ``NO_CITY_PAIR``), ``detail`` with what, and ``values`` the same facts as fields (the
    scorecard's notes word them in the reader's language)."""

    def __init__(self, code: str, detail: str, **values) -> None:
        self.code, self.detail, self.values = code, detail, values
        super().__init__(f"{code}: {detail}")


# -- pairs ------------------------------------------------------------------------------------
def measure_pairs(
    dataset, indicator: str, geo: str, *, base: str, other: str, as_of
) -> pd.DataFrame:
    """Years with both measures of ``indicator`` for ``geo`` published by ``as_of``.

    Returns
    -------
    pd.DataFrame
        ``year``, ``base``, ``other`` (the figures, per cent), ``log_ratio``
        (:math:`\\log(other/base)`), ``base_ref`` and ``other_ref`` (``OBS0368 (E4)``) and
        ``published`` (the later publication date of the two), sorted by year.
    """
    figures = []
    for method in (base, other):
        try:
            result = dataset.series(indicator, geo, method=method, as_of=as_of)
        except SeriesSelectionError:
            return _no_pairs()
        prov = result.provenance
        first = prov[prov["visible"]].groupby("year")["published_effective"].min()
        figures.append(result.figures().set_index("year").assign(first=first))
    both = figures[0].merge(
        figures[1], left_index=True, right_index=True, suffixes=("_base", "_other")
    )
    if both.empty:
        return _no_pairs()
    frame = pd.DataFrame(
        {
            "year": both.index.astype(int),
            "base": both["value_base"].to_numpy(float),
            "other": both["value_other"].to_numpy(float),
            "base_ref": both["reference_base"].to_numpy(),
            "other_ref": both["reference_other"].to_numpy(),
            "first_published": np.maximum(
                pd.to_datetime(both["first_base"]).to_numpy(),
                pd.to_datetime(both["first_other"]).to_numpy(),
            ),
        }
    )
    frame.insert(3, "log_ratio", np.log(frame["other"] / frame["base"]))
    return frame.sort_values("year").reset_index(drop=True)


def _no_pairs() -> pd.DataFrame:
    kinds = {"year": int, "base": float, "other": float, "log_ratio": float}
    kinds |= {"base_ref": object, "other_ref": object, "first_published": "datetime64[ns]"}
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in kinds.items()})


# -- the ratio model ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RatioFit:
    """The fitted ratio model of one quantity (see the module docstring).

    ``coefficients``: name -> (estimate, standard error); ``scale`` the residual standard
    deviation :math:`s`, ``df`` its degrees of freedom; ``city_sd`` :math:`\\sigma_c`.
    """

    form: str
    pairs: pd.DataFrame
    coefficients: dict[str, tuple[float, float]]
    scale: float
    df: int
    city_pairs: pd.DataFrame
    city_sd: float
    _results: object = None  # statsmodels results of the trend form

    def predictive(self, year: int) -> tuple[float, float, int]:
        """Location, scale and degrees of freedom of the Student-t predictive of
        :math:`\\log(other/base)` for the city in ``year``."""
        if self.form == "trend":
            tbar = float(self.pairs["year"].mean())
            prediction = self._results.get_prediction(np.array([[1.0, year - tbar]]))
            loc, scale = float(prediction.predicted_mean[0]), float(prediction.se_obs[0])
        else:
            last = self.pairs.iloc[-1]
            loc = float(last["log_ratio"])
            scale = self.scale * np.sqrt(max(year - int(last["year"]), 0))
        return loc, float(np.hypot(scale, self.city_sd)), self.df

    def ratio_quantiles(self, year: int, probabilities) -> np.ndarray:
        """Quantiles of the ratio other/base in ``year``."""
        from scipy import stats

        loc, scale, df = self.predictive(year)
        return np.exp(loc + scale * stats.t.ppf(np.asarray(probabilities, float), df))

    def draw(self, year: int, size: int, rng: np.random.Generator) -> np.ndarray:
        """``size`` ratios other/base in ``year``, one per path."""
        loc, scale, df = self.predictive(year)
        return np.exp(loc + scale * rng.standard_t(df, size))

    def to_frame(self) -> pd.DataFrame:
        """The pairs (nation, then the city's) with the ratio."""
        nation = self.pairs.assign(geo="", ratio=np.exp(self.pairs["log_ratio"]))
        city = self.city_pairs.assign(ratio=np.exp(self.city_pairs["log_ratio"]))
        return pd.concat([nation, city], ignore_index=True)

    def summary(self) -> str:
        coefs = ", ".join(
            f"{k} = {v:.4f} (s.e. {se:.4f})" for k, (v, se) in self.coefficients.items()
        )
        return (
            f"log ratio, {self.form}: {coefs}; s = {self.scale:.4f} on {self.df} d.f.; "
            f"city deviation sd {self.city_sd:.4f} from {len(self.city_pairs)} pair(s)"
        )


def fit_ratio(
    pairs: pd.DataFrame, form: str, *, city_pairs: pd.DataFrame | None = None
) -> RatioFit:
    """Fit the ratio model on ``pairs`` (`measure_pairs`); ``city_pairs`` are the city's
    pairs with their ``deviation`` from the nation's log ratio in the same year (:math:`c`).
    """
    if form not in FORMS:
        raise ValueError(f"form {form!r}: expected one of {FORMS}")
    if len(pairs) < MIN_PAIRS[form]:
        raise ConversionError(
            NO_PAIRS,
            f"{len(pairs)} pair(s); the {form} form needs {MIN_PAIRS[form]}",
            pairs=len(pairs),
            form=form,
            needed=MIN_PAIRS[form],
        )
    years = pairs["year"].to_numpy(float)
    y = pairs["log_ratio"].to_numpy(float)
    results = None
    if form == "trend":
        import statsmodels.api as sm

        design = np.column_stack([np.ones_like(years), years - years.mean()])
        results = sm.OLS(y, design).fit()
        coefficients = {
            "d0": (float(results.params[0]), float(results.bse[0])),
            "d1": (float(results.params[1]), float(results.bse[1])),
        }
        scale, df = float(np.sqrt(results.scale)), int(results.df_resid)
    else:
        steps = np.diff(y) / np.sqrt(np.diff(years))
        scale, df = float(np.sqrt(np.mean(steps**2))), len(steps)
        coefficients = {}
    city_pairs = pd.DataFrame() if city_pairs is None else city_pairs.reset_index(drop=True)
    deviations = city_pairs.get("deviation", pd.Series(dtype=float)).to_numpy(float)
    city_sd = float(np.sqrt(np.mean(deviations**2))) if deviations.size else 0.0
    return RatioFit(
        form=form,
        pairs=pairs.reset_index(drop=True),
        coefficients=coefficients,
        scale=scale,
        df=df,
        city_pairs=city_pairs,
        city_sd=city_sd,
        _results=results,
    )


def city_ratio(
    dataset, indicator: str, *, as_of, city_geos, config: MeasureConfig | None = None
) -> RatioFit:
    """The ratio model of ``indicator`` for the city, on the shipped data as of a date.

    Raises
    ------
    ConversionError
        Too few national pairs (``NO_PAIRS``) or no year in which a city geography has both
        measures (``NO_CITY_PAIR``: its deviation from the nation cannot be sized).
    """
    config = config or MeasureConfig.from_yaml()
    measures = {"base": config.forecast_measure, "other": config.other_measure}
    pairs = measure_pairs(dataset, indicator, config.pairs_geo, as_of=as_of, **measures)
    nation = pairs.set_index("year")["log_ratio"]
    city = []
    for geo in city_geos:
        own = measure_pairs(dataset, indicator, geo, as_of=as_of, **measures)
        own = own[own["year"].isin(nation.index)]
        if len(own):
            deviation = own["log_ratio"] - own["year"].map(nation)
            city.append(own.assign(geo=geo, deviation=deviation))
    city_pairs = pd.concat(city, ignore_index=True) if city else pd.DataFrame()
    fit = fit_ratio(pairs, config.form, city_pairs=city_pairs)
    if city_pairs.empty:
        raise ConversionError(
            NO_CITY_PAIR,
            f"no year in which {', '.join(city_geos)} has both {config.forecast_measure}'s and "
            f"{config.other_measure}'s figure of {indicator} together with the nation's pair",
            geos=list(city_geos),
            forecast=config.forecast_measure,
            other=config.other_measure,
            indicator=indicator,
        )
    return fit


def read_on_other_measure(
    shares: np.ndarray,
    ratios: np.ndarray,
    comparator: str,
    target: float,
    interval: tuple[float, float] = (10, 90),
) -> dict[str, float]:
    """A share target read on the other measure: each path's share (per cent) times its
    ratio, at most the whole (100).

    Returns the probability of meeting ``target`` (``comparator`` ``>=`` or ``<=``) and the
    median and interval (``interval``: percentiles, low and high) of the share on that
    measure.
    """
    converted = np.minimum(np.asarray(shares, float) * np.asarray(ratios, float), WHOLE)
    met = converted >= target if comparator == ">=" else converted <= target
    low, median, high = np.percentile(converted, [interval[0], 50, interval[1]])
    return {"probability": float(np.mean(met)), "median": median, "low": low, "high": high}


def ratio_rng(seed: int) -> np.random.Generator:
    """The generator of a scenario's ratio draws (reproducible, apart from the engine's)."""
    return np.random.Generator(np.random.PCG64([int(seed), RATIO_STREAM]))


def ratio_realtime(
    dataset,
    indicator: str,
    *,
    as_of,
    config: MeasureConfig | None = None,
    coverage: float = 0.8,
) -> pd.DataFrame:
    """The ratio model's interval for each pair's year as it was the day before that pair
    was first published, against the pair as read on ``as_of`` (the nation's ratio; no city
    term).

    Returns one row per checked year: ``year``, ``as_of`` (the day before the pair was
    first published), ``pairs_used``, ``median``, ``low``, ``high``, ``outturn``,
    ``inside``.
    Years whose model had too few earlier pairs are left out.
    """
    config = config or MeasureConfig.from_yaml()
    measures = {"base": config.forecast_measure, "other": config.other_measure}
    now = measure_pairs(dataset, indicator, config.pairs_geo, as_of=as_of, **measures)
    tail = (1 - coverage) / 2
    rows = []
    for pair in now.itertuples():
        before = (pd.Timestamp(pair.first_published) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        then = measure_pairs(dataset, indicator, config.pairs_geo, as_of=before, **measures)
        then = then[then["year"] < pair.year]
        try:
            fit = fit_ratio(then, config.form)
        except ConversionError:
            continue
        low, median, high = fit.ratio_quantiles(int(pair.year), [tail, 0.5, 1 - tail])
        outturn = float(np.exp(pair.log_ratio))
        rows.append(
            {
                "year": int(pair.year),
                "as_of": before,
                "pairs_used": len(then),
                "median": median,
                "low": low,
                "high": high,
                "outturn": outturn,
                "inside": bool(low <= outturn <= high),
            }
        )
    return pd.DataFrame(rows)


# -- the conversion as tables (what a report shows of it) ----------------------------------
#: The measures' setup, one row: which measure forecasts, which is read by conversion, the
#: pairs' place, the share indicators, the measure the city's own reports use (if known)
#: and the observations that say so.
SETUP_COLUMNS = ("forecast_measure", "other_measure", "pairs_geo", "form", "share_indicators")
SETUP_COLUMNS += ("city_reports_measure", "city_reports_evidence")
#: One row per indicator: the ratio model as fitted, or the code of why there is none.
FIT_COLUMNS = ("indicator", "form", "df", "scale", "d0", "d0_se", "d1", "d1_se")
FIT_COLUMNS += ("last_year", "last_ratio", "city_sd", "error")
#: The pairs each model rests on (the nation's, then the city's).
PAIR_COLUMNS = ("indicator", "geo", "year", "base", "other", "ratio", "base_ref", "other_ref")
PAIR_COLUMNS += ("city",)
#: The ratio's 10th, 50th and 90th percentiles in each target year.
PREDICTED_COLUMNS = ("indicator", "year", "low", "median", "high")
#: The model's real-time check (:func:`ratio_realtime`), by indicator.
REALTIME_COLUMNS = ("indicator", "year", "as_of", "pairs_used", "median", "low", "high")
REALTIME_COLUMNS += ("outturn", "inside")


def setup_table(config: MeasureConfig) -> pd.DataFrame:
    """`SETUP_COLUMNS` of a configuration (lists joined with spaces)."""
    row = {
        "forecast_measure": config.forecast_measure,
        "other_measure": config.other_measure,
        "pairs_geo": config.pairs_geo,
        "form": config.form,
        "share_indicators": " ".join(config.share_indicators),
        "city_reports_measure": config.city_reports_measure,
        "city_reports_evidence": " ".join(config.city_reports_evidence),
    }
    return pd.DataFrame([row], columns=list(SETUP_COLUMNS))


def conversion_tables(
    dataset, years: dict[str, list[int]], *, as_of, city_geos, config: MeasureConfig
) -> dict[str, pd.DataFrame]:
    """Each share indicator's ratio model (:func:`city_ratio`) as tables: ``fits``
    (`FIT_COLUMNS`; ``error``: the `ConversionError` code where there is no model),
    ``pairs`` (`PAIR_COLUMNS`), ``predicted`` (`PREDICTED_COLUMNS`, in each year of
    ``years[indicator]``: its targets' years) and ``realtime`` (`REALTIME_COLUMNS`)."""
    fits, pairs, predicted, realtime = [], [], [], []
    for indicator in config.share_indicators:
        row = dict.fromkeys(FIT_COLUMNS) | {"indicator": indicator}
        try:
            fit = city_ratio(dataset, indicator, as_of=as_of, city_geos=city_geos, config=config)
        except ConversionError as why:
            fits.append(row | {"error": why.code})
            continue
        none = (np.nan, np.nan)  # the random walk has no trend coefficients
        (d0, d0_se), (d1, d1_se) = (fit.coefficients.get(k, none) for k in ("d0", "d1"))
        last = fit.pairs.iloc[-1]
        fits.append(
            row
            | {"form": fit.form, "df": fit.df, "scale": fit.scale, "d0": d0, "d0_se": d0_se}
            | {"d1": d1, "d1_se": d1_se, "last_year": int(last["year"])}
            | {"last_ratio": float(np.exp(last["log_ratio"])), "city_sd": fit.city_sd, "error": ""}
        )
        frame = fit.to_frame()
        geo = frame["geo"].where(frame["geo"].fillna("") != "", config.pairs_geo)
        pairs.append(frame.assign(indicator=indicator, geo=geo, city=geo.isin(list(city_geos))))
        for year in sorted(set(years.get(indicator, []))):
            low, median, high = fit.ratio_quantiles(year, [0.1, 0.5, 0.9])
            predicted.append({"indicator": indicator, "year": year, "low": low, "median": median})
            predicted[-1]["high"] = high
        check = ratio_realtime(dataset, indicator, as_of=as_of, config=config)
        realtime.append(check.assign(indicator=indicator))
    return {
        "fits": pd.DataFrame(fits, columns=list(FIT_COLUMNS)),
        "pairs": _frame(pairs, PAIR_COLUMNS),
        "predicted": pd.DataFrame(predicted, columns=list(PREDICTED_COLUMNS)),
        "realtime": _frame(realtime, REALTIME_COLUMNS),
    }


def _frame(frames: list[pd.DataFrame], columns) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    joined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return joined.reindex(columns=list(columns))
