"""The in-year nowcast: bridge recovery, as-of discipline, stages, boundaries, backtest."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dxecon.core.errors import ParamsError
from dxecon.data import load_dataset
from dxecon.models.forecast.nowcast import (
    BRIDGE,
    COVERAGE_TOO_FEW,
    LAST_YEAR,
    NOWCAST,
    STAGES,
    TOO_FEW,
    NowcastConfig,
    NowcastModel,
    backtest_nowcast,
    fit_bridge,
    scenario_start,
)


@pytest.fixture(scope="module")
def model(dataset):
    return NowcastModel(dataset)


# -- the bridge on synthetic data -------------------------------------------------------------
def test_bridge_recovers_a_known_relation():
    rng = np.random.default_rng(3)
    years = pd.Index(range(1990, 2030), name="year")
    cum = pd.Series(rng.uniform(5, 15, len(years)), index=years)
    iip = pd.Series(rng.uniform(5, 25, len(years)), index=years)
    outturn = 0.8 + 0.9 * cum + 0.1 * iip + rng.normal(0, 0.05, len(years))
    fit = fit_bridge(outturn, cum, iip.to_frame("iip"), slope=True)
    assert fit.params["const"] == pytest.approx(0.8, abs=0.1)
    assert fit.params["cumulative"] == pytest.approx(0.9, abs=0.01)
    assert fit.params["iip"] == pytest.approx(0.1, abs=0.01)
    # Leave-one-out errors are out-of-sample: about the noise, never zero.
    assert 0.03 < np.sqrt(np.mean(fit.loo_errors**2)) < 0.08
    assert fit.predict(10.0, {"iip": 20.0}) == pytest.approx(0.8 + 9 + 2, abs=0.1)


def test_offset_bridge_fixes_the_slope_at_one():
    years = pd.Index(range(2000, 2010))
    cum = pd.Series(np.linspace(8, 16, 10), index=years)
    gain = pd.Series([0.3, 0.5, 0.4, 0.6, 0.2, 0.4, 0.5, 0.3, 0.4, 0.4], index=years)
    fit = fit_bridge(cum + gain, cum, slope=False)
    assert "cumulative" not in fit.params
    assert fit.params["const"] == pytest.approx(gain.mean())
    # Leaving year t out, the offset is the mean of the others: error = n/(n-1) (g_t - mean).
    expected = (gain - gain.mean()) * 10 / 9
    assert np.allclose(fit.loo_errors, expected.to_numpy())


def test_bridge_refuses_too_few_years():
    years = pd.Index([2020, 2021])
    with pytest.raises(ValueError, match="leave one year out"):
        fit_bridge(pd.Series([1.0, 2.0], years), pd.Series([1.0, 2.0], years), slope=True)


# -- stage selection and the as-of discipline ------------------------------------------------
def _stage_dates(dataset, year):
    """First publication date of each stage of ``year`` on the shipped data (from the rows)."""
    model = NowcastModel(dataset)
    rows = model._rows[model.config.growth_indicator]
    rows = rows[(rows["year"] == year) & (rows["stage"] != "year")]
    return rows.groupby("stage")["published_effective"].min()


def test_stage_is_the_latest_released_by_the_as_of(dataset, model):
    dates = _stage_dates(dataset, 2025)
    day = pd.Timedelta(days=1)
    assert model.fit(dates.min() - day, year=2025).stage == "none"
    for stage in STAGES[1:]:
        assert model.fit(dates[stage], year=2025).stage == stage
    later = [s for s in STAGES[1:] if dates[s] > dates["Q1"]]
    assert model.fit(dates[later[0]] - day, year=2025).stage == "Q1"


def test_no_figure_published_after_the_as_of_is_used(dataset, model):
    as_of = pd.Timestamp("2025-09-30")
    result = model.fit(as_of)
    assert (result.inputs["published"] <= as_of).all()
    assert result.stage == "H1"  # the nine-month figure came out in October
    for indicator in model._rows:
        assert (model.known(indicator, as_of)["published"] <= as_of).all()


def test_rows_published_later_do_not_change_the_nowcast(data_copy: Path, model):
    as_of = "2024-08"
    before = model.fit(as_of)
    obs = data_copy / "observations.csv"
    with obs.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    col = header.index("published")
    kept = [r for r in body if not r[col] or r[col][:7] <= as_of]
    assert len(kept) < len(body)  # something later was really removed
    with obs.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *kept])
    after = NowcastModel(load_dataset(data_copy)).fit(as_of)
    assert after.median == pytest.approx(before.median)
    assert after.lower == pytest.approx(before.lower)
    assert list(after.inputs["obs_id"]) == list(before.inputs["obs_id"])


# -- the 2025 boundary -------------------------------------------------------------------------
def test_2025_is_on_the_merged_boundary_and_says_when_a_release_is_not(dataset, model):
    result = model.fit("2025-05", year=2025)
    assert result.geo == "HP2025" and result.stage == "Q1"
    q1 = result.inputs[result.inputs["stage"] == "Q1"].iloc[0]
    assert q1["geo"] == "HP" and q1["boundary"] == "other"
    assert result.cross_boundary
    (note,) = [n for n in result.notes if n.code == "boundary"]
    assert note.values == {"stage": "Q1", "year": 2025, "geo": "HP", "own": "HP2025"}
    strict_config = replace(NowcastConfig.from_yaml(), cross_boundary_releases="exclude")
    strict = NowcastModel(dataset, strict_config)
    assert strict.fit("2025-05", year=2025).stage == "none"
    # The first half was published for both boundaries: the merged city's figure is used.
    h1 = model.fit("2025-08", year=2025).inputs.set_index("stage").loc["H1"]
    assert h1["geo"] == "HP2025"
    assert model.fit("2024-08", year=2024).geo == "HP"


# -- probability, draws, results ---------------------------------------------------------------
def test_probability_of_a_threshold(model):
    result = model.fit("2025-10", year=2025)
    assert result.probability_at_least(result.median) == pytest.approx(0.5)
    assert result.probability_at_least(result.lower) == pytest.approx(0.9)
    assert result.probability_at_least(result.upper) == pytest.approx(0.1)
    assert result.target is not None and result.target["instrument"] == "HP-SEDP"
    draws = result.draws(20000, seed=1)
    assert np.mean(draws >= result.upper) == pytest.approx(0.1, abs=0.01)
    frame = result.to_frame()
    assert frame["method"].iloc[0].startswith(BRIDGE) and not frame.isna().any().any()
    assert "Nowcast of 2025" in result.summary()


def test_scenario_start_gives_draws_of_the_current_year(dataset):
    result, draws = scenario_start("2025-10", n_paths=500, seed=2, dataset=dataset)
    assert result.year == 2025 and draws.shape == (500,)
    assert np.median(draws) == pytest.approx(result.median, abs=0.2)


def test_bad_config_names_the_field(tmp_path):
    with pytest.raises(ParamsError, match="cross_boundary_releases"):
        NowcastConfig(cross_boundary_releases="splice")
    bad = tmp_path / "nowcast.yaml"
    bad.write_text("interval_levl: 0.8\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="interval_level"):
        NowcastConfig.from_yaml(bad)


# -- a new release moves the nowcast ---------------------------------------------------------
def test_a_new_release_moves_the_nowcast_and_says_what_moved(data_copy: Path, model):
    before = model.fit("2026-05")
    assert before.stage == "none"
    line = (
        "TEST0001,grdp_growth_real,HP2025,total,2026-Q1,9.5,pct,constant_2010,E,,2026-04-03,"
        "S13,test release,\n"
    )
    with (data_copy / "observations.csv").open("a", encoding="utf-8") as handle:
        handle.write(line)
    after = NowcastModel(load_dataset(data_copy)).fit("2026-05")
    assert after.stage == "Q1" and after.median != pytest.approx(before.median)
    assert list(after.new_releases(before)["obs_id"]) == ["TEST0001"]
    from dxecon.present.nowcast_text import what_is_new
    from dxecon.present.words import Words

    releases = after.new_releases(before).to_dict("records")
    geographies = model.dataset.codes["geographies"]
    said = what_is_new(after, releases, Words("en"), geographies)
    assert said.startswith("New release: first quarter 2026 growth 9.50%") and "TEST0001" in said


# -- backtest ------------------------------------------------------------------------------------
def test_backtest_counts_each_year_once_per_stage_and_method(dataset, model):
    backtest = backtest_nowcast(dataset, model=model)
    records = backtest.records
    assert not records.duplicated(["year", "stage", "method"]).any()
    table = backtest.table()
    # Expected counts, from the releases themselves: a year counts at a stage when that stage
    # was first published within the year and the year has a full-year figure.
    rows = model._rows[model.config.growth_indicator]
    outturn_years = set(rows.loc[rows["stage"] == "year", "year"])
    for stage in STAGES[1:]:
        first = rows[rows["stage"] == stage].groupby("year")["published_effective"].min()
        in_time = {y for y, d in first.items() if d.year == y and y in outturn_years}
        n = table.loc[(table["stage"] == stage) & (table["method"] == NOWCAST), "years"]
        assert int(n.iloc[0]) == len(in_time), stage
    few = table[table["years"] < backtest.min_years]
    assert (few["verdict"] == TOO_FEW).all()
    assert len(few) and len(table) > len(few)
    enough = table[table["years"] >= backtest.min_years]
    assert not (enough["verdict"] == TOO_FEW).any()
    thin = enough["years_with_interval"] < backtest.min_years
    assert (enough.loc[thin, "verdict"] == COVERAGE_TOO_FEW).all()
    # Every nowcast of a past year was made before the figure it is scored against.
    assert (records["as_of"] <= pd.to_datetime(records["year"].astype(str) + "-12-31")).all()
    assert len(backtest.stage_steps()) == len(STAGES) - 1
    # Head to head: the same years for every method, no more than any method alone has.
    for row in backtest.head_to_head().itertuples():
        years = [int(y) for y in row.which_years.split(", ")]
        assert len(years) == row.years
        for method in (BRIDGE, LAST_YEAR):
            made = records[(records["method"] == method) & (records["stage"] == row.stage)]
            assert set(years) <= set(made["year"])


# -- the step (notebook 08) -----------------------------------------------------------------
def test_the_step_gives_the_years_nowcast_its_path_and_its_backtest(dataset):
    from dxecon.pipeline.context import Context
    from dxecon.pipeline.steps import run_step

    result = run_step("nowcast", Context(dataset, "2025-10", "en"))
    table = result["nowcast"]
    assert set(table["year"]) == {2025} and set(table["stage"]) == {"9M"}
    assert len(result["nowcast_path"]) == 1 + len(_stage_dates(dataset, 2025))
    assert len(result["nowcast_inputs"]) == len(_stage_dates(dataset, 2025))
    fitted = result.objects["result"]
    assert f"{fitted.median:.2f}%" in result["nowcast_headline"]
    assert result.objects["backtest"].table().equals(result["nowcast_backtest"])
    figure = result["nowcast_path_chart"]
    assert (
        figure.axes[0].get_title(loc="left")
        == "2025 real GRDP growth: the nowcast after each release"
    )
