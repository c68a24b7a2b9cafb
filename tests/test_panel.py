"""The places panel (step panel): places side by side on one measure, never mixed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dxecon.data.places import load_place
from dxecon.data.targets import TargetRegistry
from dxecon.models.panel import PANEL_COLUMNS, latest_target, pace, panel
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import run_step

AS_OF = "2026-12"


def test_pace_is_the_change_a_year_from_the_first_figure_to_the_last():
    a, b = 10.0, 17.5
    assert pace(pd.Series({2019: a, 2020: np.nan, 2022: 12.0, 2024: b})) == (b - a) / (2024 - 2019)
    assert np.isnan(pace(pd.Series({2025: 22.28})))  # one figure: no pace
    assert np.isnan(pace(pd.Series(dtype=float)))


@pytest.fixture(scope="module")
def table(dataset):
    places = [load_place("HP"), load_place("BN")]
    registry = TargetRegistry(dataset)
    goal = latest_target(registry, places[0])["goal_id"]
    overall = {"HP": pd.DataFrame({"goal_id": [goal], "probability": [0.25]})}
    return panel(dataset, places, measures=("GSO", "MIC"), as_of=AS_OF, probabilities=overall)


def test_one_row_per_place_and_measure_never_mixing_measures(table, dataset):
    assert tuple(table.columns) == PANEL_COLUMNS
    assert list(table["measure"]) == ["GSO", "GSO", "MIC", "MIC"]  # the forecast measure first
    for row in table.itertuples():  # each figure is the latest of its own boundary and measure
        figures = dataset.series("de_share", row.boundary, method=row.measure, as_of=AS_OF)
        values = figures.values.dropna()
        assert (row.year, row.share) == (values.index[-1], values.iloc[-1])
        assert row.distance_pp == pytest.approx(row.target - row.share)


def test_a_boundary_break_is_named_and_not_used(table):
    hp = table[(table["place"] == "HP") & (table["measure"] == "GSO")].iloc[0]
    assert hp["boundary"] == "HP2025" and hp["other_boundaries"] == "HP"
    assert np.isnan(hp["pace_pp_a_year"])  # one figure on the merged boundary: no pace
    bn_mic = table[(table["place"] == "BN") & (table["measure"] == "MIC")].iloc[0]
    assert bn_mic["boundary"] == "BN"  # the old province has MIC's share only


def test_probability_from_the_places_overall_scorecard_else_not_computed(table):
    probability = table.set_index(["place", "measure"])["probability"]
    assert probability["HP", "GSO"] == 0.25
    assert np.isnan(probability["HP", "MIC"])  # the scenarios simulate the forecast measure
    assert np.isnan(probability["BN", "GSO"])  # no overall scorecard given for BN


def test_the_step_speaks_the_readers_language(dataset):
    result = run_step("panel", Context(dataset, AS_OF, "en"), inputs={"places": ["HP", "BN"]})
    view = result["places_panel_view"]
    assert set(view["place"]) == {"Hai Phong", "Bac Ninh"}
    assert "One figure only (2025): no pace." in view["note"].iloc[0]
    assert "Compare rows of the same measure only" in result["places_panel_text"]
    vi = run_step("panel", Context(dataset, AS_OF), inputs={"places": ["BN"]})
    assert set(vi["places_panel_view"]["place"]) == {"Bắc Ninh"}
