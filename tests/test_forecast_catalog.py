"""The shipped series the monthly run forecasts, end to end through the data layer."""

from __future__ import annotations

import numpy as np

from dxecon.core.places import place_params
from dxecon.models.forecast.catalog import (
    backtest_catalog,
    entries_from_params,
    forecast_catalog,
    forecastable_series,
)


def shipped_entries(dataset, as_of="2026-10"):
    specs = place_params("forecasts")["series"]  # the nation's and the default place's
    return entries_from_params(dataset, specs, as_of=as_of)


def test_params_series_respect_known_breaks(dataset):
    entries = {e.key["indicator"]: e for e in shipped_entries(dataset)}
    # national LP starts in 2021: the 2020/2021 employment break is not crossed
    assert entries["lp_current"].series.index.min() == 2021
    assert entries["de_share"].ceiling == 100.0 and entries["grdp_growth_real"].ceiling is None


def test_forecasts_start_after_the_last_observation_and_reach_2030(dataset):
    frame = forecast_catalog(shipped_entries(dataset), until=2030)
    for _, group in frame.groupby("indicator"):
        assert group["year"].max() == 2030
        assert (group["lower"] <= group["median"]).all() and (
            group["median"] <= group["upper"]
        ).all()
    de = frame[frame["indicator"] == "de_share"]
    assert de["year"].min() == 2026 and (de["upper"] < 100).all()
    assert not frame[["median", "lower", "upper"]].isna().any().any()
    assert set(frame["model"]) <= {"naive", "drift", "log_linear_trend", "theta", "logit_trend"}


def test_as_of_changes_what_is_forecast(dataset):
    early = {e.key["indicator"]: e for e in shipped_entries(dataset, as_of="2025-06")}
    assert early["de_share"].series.index.max() == 2024  # the 2025 figure came in Jan 2026


def test_catalog_backtests_every_forecastable_series(dataset):
    entries = forecastable_series(dataset, min_points=6)
    assert all(len(e.series) >= 6 for e in entries)
    scores = backtest_catalog(entries)
    assert set(scores["series"]) == {e.label for e in entries}
    eligible = scores[scores["eligible"]]
    assert np.isfinite(eligible["mase"]).all()


def test_a_series_says_why_it_is_forecast_in_each_language(dataset):
    import pytest

    from dxecon.core.errors import ParamsError
    from dxecon.models.forecast.catalog import entries_table
    from dxecon.present.tables import readable
    from dxecon.present.words import LANGUAGES

    spec = {"indicator": "de_share", "geo": "VN", "method": "GSO"}
    with pytest.raises(ParamsError, match=r"series\.0\.note.*each language"):
        entries_from_params(dataset, [{**spec, "note": "English only"}], as_of="2026-10")
    said = {"vi": "vì sao dự báo", "en": "why it is forecast"}
    specs = [{**spec, "note": said}]
    table = entries_table(entries_from_params(dataset, specs, as_of="2026-10"), specs)
    for lang in LANGUAGES:
        assert readable(table, lang).iloc[0, -1] == said[lang]
