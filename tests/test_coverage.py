"""Backtest coverage (issue 12): levels, forecast counts, pooled evidence, "too few to
judge", and the flag that widens or drops a model whose intervals are too narrow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dxecon.core.facts import facts_of
from dxecon.core.params import load_yaml, params_path
from dxecon.models.forecast import Drift, Naive, backtest
from dxecon.models.forecast.catalog import (
    CatalogEntry,
    backtest_catalog,
    entries_from_params,
    forecast_catalog,
)
from dxecon.models.forecast.coverage import (
    OWN,
    TOO_FEW,
    CoverageRule,
    conformal_widen,
    coverage_table,
    flag_code,
)
from dxecon.present.notes import say_facts
from dxecon.present.words import Words

RULE = CoverageRule(min_forecasts=10, min_coverage=0.6, binomial_p=0.05)


def line(n=8, slope=1.0, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    years = range(2010, 2010 + n)
    return pd.Series([slope * i + noise * rng.standard_normal() for i in range(n)], years)


def run(series, models, *, min_train=3, horizon=2):
    return backtest(
        series,
        models,
        min_train=min_train,
        horizon=horizon,
        alpha=RULE.alphas[0],
        extra_alphas=RULE.alphas[1:],
    )


def test_backtest_reports_every_level():
    result = run(line(noise=0.5), [Naive, Drift])
    assert {"covered_50", "covered_80", "covered_95"} <= set(result.errors.columns)
    assert (result.errors["covered_80"] == result.errors["covered"]).all()
    # nested intervals: inside the 50% means inside the 80% means inside the 95%
    e = result.errors
    assert (e["covered_50"] <= e["covered_80"]).all() and (e["covered_80"] <= e["covered_95"]).all()


def english(cell) -> str:
    """A recorded note (`dxecon.core.facts`) as an English reader reads it."""
    return say_facts(cell, Words("en"))


def test_too_few_forecasts_is_a_status_not_a_number():
    result = run(line(n=6, noise=0.5), [Naive])  # 3 origins: 5 forecasts
    table = coverage_table({"s": result}, {"s": None}, {}, RULE)
    row = table.iloc[0]
    assert row["forecasts"] == 5 and row["coverage_80"] == TOO_FEW
    assert row["judged_on"] == TOO_FEW


def test_pooled_evidence_judges_a_short_series_and_says_how_many():
    short = run(line(n=6, noise=0.5, seed=1), [Naive, Drift])
    others = {f"o{i}": run(line(n=10, noise=0.5, seed=i), [Naive, Drift]) for i in range(3)}
    table = coverage_table({"s": short}, {"s": "growth"}, {"growth": others}, RULE)
    row = table.set_index("model").loc["drift"]
    assert row["coverage_80"] == TOO_FEW
    assert row["pool"] == "growth" and row["pool_series"] == 4
    assert row["pool_forecasts"] == row["forecasts"] + sum(
        len(o.errors[o.errors["model"] == "drift"]) for o in others.values()
    )
    assert row["judged_on"] == "pool"  # the pool's name: its own column
    assert isinstance(row["pool_coverage_80"], float)


def test_low_coverage_is_flagged_and_widened_or_dropped():
    # a perfectly linear series: drift's intervals have zero width, but a naive model
    # misses every time with a narrow interval on a trending series
    trending = run(line(n=14, slope=1.0, noise=0.01), [Naive, Drift])
    widen = coverage_table({"s": trending}, {"s": None}, {}, RULE).set_index("model")
    naive = widen.loc["naive"]
    assert naive["forecasts"] >= 10 and naive["coverage_80"] < 0.6
    flag, why = facts_of(naive["flag"])
    assert (flag["code"], why["code"], why["where"]) == ("flag_widened", "rule_low_coverage", OWN)
    assert english(naive["flag"]).startswith("widened from backtest errors; 80% coverage")
    assert naive["usable"]
    drop_rule = CoverageRule(low_coverage="drop")
    dropped = coverage_table({"s": trending}, {"s": None}, {}, drop_rule).set_index("model")
    assert flag_code(dropped.at["naive", "flag"]) == "flag_dropped"
    assert not dropped.at["naive", "usable"]


def test_few_but_conclusive_misses_are_flagged():
    # 0 of 3 inside an 80% interval: binomial p = 0.2**3 = 0.008
    errors = pd.DataFrame(
        {"model": "m", "h": 1, "covered_50": False, "covered_80": False, "covered_95": False},
        index=range(3),
    )

    class Fake:
        scores = pd.DataFrame(index=pd.Index(["m"], name="model"))

    Fake.errors = errors
    row = coverage_table({"s": Fake()}, {"s": None}, {}, RULE).iloc[0]
    assert row["coverage_80"] == TOO_FEW
    assert flag_code(row["flag"]) == "flag_widened"
    assert "binomial p = 0.008 < 0.05" in english(row["flag"])
    assert "p nhị thức = 0,008" in say_facts(row["flag"], Words("vi"))


def test_conformal_widening_is_never_narrower_and_stays_in_bounds():
    frame = pd.DataFrame(
        {"median": [10.0, 11.0, 12.0], "lower": [9.9, 10.8, 11.7], "upper": [10.1, 11.2, 12.3]},
        index=[2026, 2027, 2028],
    )
    errors = pd.DataFrame({"h": [1, 1, 2, 2], "error": [1.0, -2.0, 3.0, -1.0], "scale": 1.0})
    widened, note = conformal_widen(frame, errors, scale=2.0, alpha=0.2, bounds=(0.0, 11.5))
    assert (widened["lower"] <= frame["lower"]).all()
    assert (widened["upper"] <= 11.5).all()
    # h=1: the largest of two scaled errors (rank ceil(3*0.8)=3 > 2) is 2.0 -> +-4.0
    assert widened.at[2026, "lower"] == pytest.approx(6.0)
    assert "widened from 4 backtest errors" in note


def test_shipped_national_drift_cannot_be_used_silently(dataset):
    specs = load_yaml(params_path("forecasts"))["series"]
    entries = [
        e for e in entries_from_params(dataset, specs, as_of="2026-10") if e.ceiling is not None
    ]
    table = backtest_catalog(entries, dataset=dataset, as_of="2026-10").set_index("model")
    # Refused on the 4-5 training points of every origin (min_trend_points): listed, not
    # scored, never chosen, and the table says why.
    drift = table.loc["drift"]
    assert not drift["eligible"] and facts_of(drift["note"])[0] == {
        "code": "origins_skipped",
        "skipped": 2,
        "origins": 2,
    }
    naive = table.loc["naive"]
    # 0 of 3 inside its 80% interval: flagged, never a bare coverage number
    assert naive["coverage_80"] == TOO_FEW and naive["forecasts"] == 3
    assert flag_code(naive["flag"]) == "flag_widened"
    assert naive["diagnostics"] == "-"
    forecasts = forecast_catalog(entries, until=2030, dataset=dataset, as_of="2026-10")
    assert set(forecasts["model"]) == {"naive"}
    assert forecasts["flag"].str.len().gt(0).all()
    assert forecasts["diagnostics"].str.len().gt(0).all()
    assert forecasts["interval_note"].str.startswith("80% interval widened").all()


def test_rule_reads_params():
    spec = load_yaml(params_path("forecasts"))["backtest"]
    rule = CoverageRule.from_params(spec)
    assert rule.min_forecasts == spec["min_forecasts"]
    assert rule.min_coverage == spec["min_coverage"]
    assert rule.alphas[0] == pytest.approx(1 - spec["judged_level"] / 100)
    with pytest.raises(ValueError, match="low_coverage"):
        CoverageRule(low_coverage="ignore")


def test_catalog_entry_pool_defaults_to_none():
    entry = CatalogEntry(
        {
            "indicator": "x",
            "geo": "VN",
            "sector": "total",
            "unit": "pct",
            "method": "",
            "price_basis": None,
        },
        line(),
    )
    assert entry.pool is None
