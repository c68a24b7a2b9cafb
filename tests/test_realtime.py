"""Pseudo-real-time forecasts (issue 12): only what was published by each January."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import replace_in

from dxecon.data import load_dataset
from dxecon.models.forecast.realtime import pseudo_real_time


@pytest.fixture(scope="module")
def growth(dataset):
    return pseudo_real_time(dataset, "grdp_growth_real", "HP", first=2019)


def test_every_january_from_2019_is_listed(growth):
    as_of = list(growth.mae["as_of"])
    assert as_of[0] == "2019-01" and as_of == sorted(as_of)
    assert len(as_of) == len(set(as_of)) == int(as_of[-1][:4]) - 2019 + 1
    assert growth.mae["status"].str.len().gt(0).all()


def test_forecasts_use_only_figures_published_by_the_as_of_date(dataset, growth):
    obs = dataset.candidates("grdp_growth_real", "HP").set_index("obs_id")
    for row in growth.rows.drop_duplicates("as_of").itertuples():
        limit = pd.Timestamp(row.as_of) + pd.offsets.MonthEnd(0)
        for item in row.used.split(", "):
            year, obs_id = item.split(":")
            assert obs.at[obs_id, "published_effective"] <= limit, (row.as_of, obs_id)
            assert int(year) <= row.last_year


def test_a_later_revision_does_not_change_an_earlier_forecast(data_copy, growth):
    # Change the 2024 figure (published 6/1/2025): forecasts made before 2025 must not move,
    # only the outturn they are scored against.
    replace_in(
        data_copy / "observations.csv",
        "OBS0025,grdp_growth_real,HP,total,2024,11.01",
        "OBS0025,grdp_growth_real,HP,total,2024,5.01",
    )
    changed = pseudo_real_time(load_dataset(data_copy), "grdp_growth_real", "HP", first=2019)
    cols = ["as_of", "year", "forecast", "naive"]
    pd.testing.assert_frame_equal(changed.rows[cols], growth.rows[cols])
    assert (changed.rows.loc[changed.rows["year"] == 2024, "outturn"] == 5.01).all()


def test_mae_is_the_mean_absolute_error_of_scored_years(growth):
    rows = growth.rows.dropna(subset=["outturn", "forecast"])
    for mae in growth.mae[growth.mae["status"] == "scored"].itertuples():
        mine = rows[rows["as_of"] == mae.as_of]
        assert mae.mae_model == pytest.approx(mine["error"].abs().mean())
        assert mae.mae_naive == pytest.approx(mine["naive_error"].abs().mean())
        assert mae.no_worse_than_naive == (mae.mae_model <= mae.mae_naive + 1e-12)


def test_as_of_2021_01_against_naive(growth):
    row = growth.mae.set_index("as_of").loc["2021-01"]
    assert row["status"] == "scored" and row["years"] == "2021-2024"
    # two figures (2019, 2020) are too few to backtest: the rule falls back to a model
    # that equals the no-change forecast, so its MAE cannot be larger
    assert growth.verdict("2021-01")


def test_nothing_published_is_a_status(dataset):
    share = pseudo_real_time(dataset, "de_share", "VN", method="GSO", ceiling=100.0, first=2019)
    early = share.mae.set_index("as_of").loc["2019-01"]
    assert early["status"] == "nothing_published"
    with pytest.raises(ValueError, match="nothing scored"):
        share.verdict("2019-01")
