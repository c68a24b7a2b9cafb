"""One answer as well as three (dxecon.models.scenarios.weights): the weighted probability and the
weights file's errors."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dxecon.core.errors import ParamsError
from dxecon.models.scenarios.weights import ScenarioWeights, overall_probability, overall_scorecard

KNOWN = ["accelerated", "baseline", "lagging"]


def write(tmp_path, weights: str):
    path = tmp_path / "scenario_weights.yaml"
    path.write_text(f"weights:\n{weights}\nreasoning: stated here\n", encoding="utf-8")
    return path


def test_overall_probability_is_the_weighted_sum():
    assert overall_probability({"a": 0.1, "b": 0.5, "c": 0.9}, {"a": 0.5, "b": 0.3, "c": 0.2}) == (
        pytest.approx(0.05 + 0.15 + 0.18)
    )
    # a scenario with weight 0 needs no probability; a weighted one does
    assert overall_probability({"a": 0.4}, {"a": 1.0, "b": 0.0}) == pytest.approx(0.4)
    assert math.isnan(overall_probability({"a": 0.4}, {"a": 0.5, "b": 0.5}))
    assert math.isnan(overall_probability({"a": 0.4, "b": float("nan")}, {"a": 0.5, "b": 0.5}))


def test_the_shipped_weights_name_every_shipped_scenario_and_sum_to_one():
    weights = ScenarioWeights.from_yaml()
    assert sorted(weights.weights) == KNOWN
    assert sum(weights.weights.values()) == pytest.approx(1.0)
    assert "assumption" in weights.reasoning


def test_fractions_are_exact(tmp_path):
    path = write(tmp_path, "  baseline: 1/3\n  accelerated: 1/3\n  lagging: 1/3")
    assert ScenarioWeights.from_yaml(path, known=KNOWN).weights["lagging"] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("weights", "field", "words"),
    [
        ("  baseline: 0.5\n  accelerated: 0.5", "weights.lagging", "has no weight"),
        (
            "  baseline: 0.5\n  accelerated: 0.25\n  lagging: 0.25\n  upbeat: 0",
            "weights.upbeat",
            "unknown scenario",
        ),
        ("  baseline: 0.5\n  accelerated: 0.3\n  lagging: 0.3", "weights", "sum to 1.1, not 1"),
        (
            "  baseline: 1.5\n  accelerated: -0.25\n  lagging: -0.25",
            "weights.baseline",
            "within 0 to 1",
        ),
        (
            "  baseline: half\n  accelerated: 0.25\n  lagging: 0.25",
            "weights.baseline",
            "fraction such as 1/3",
        ),
    ],
)
def test_a_bad_weights_file_is_a_params_error(tmp_path, weights, field, words):
    path = write(tmp_path, weights)
    with pytest.raises(ParamsError) as info:
        ScenarioWeights.from_yaml(path, known=KNOWN)
    assert info.value.field == field and words in info.value.message
    assert str(path) in str(info.value)


def test_the_scorecards_are_weighted_per_goal_and_reading():
    weights = ScenarioWeights({"a": 0.25, "b": 0.75}, "hand")
    cards = {
        "a": pd.DataFrame(
            {
                "goal_id": ["G1", "G2"],
                "probability": [0.2, 0.0],
                "probability_mic": [0.4, float("nan")],
                "probability_old_boundary": [None, None],
            }
        ),
        "b": pd.DataFrame(
            {
                "goal_id": ["G1", "G2"],
                "probability": [0.6, 1.0],
                "probability_mic": [0.8, float("nan")],
                "probability_old_boundary": [None, None],
            }
        ),
    }
    overall = overall_scorecard(cards, weights).set_index("goal_id")
    assert overall.loc["G1", "probability"] == pytest.approx(0.25 * 0.2 + 0.75 * 0.6)
    assert overall.loc["G1", "probability_mic"] == pytest.approx(0.25 * 0.4 + 0.75 * 0.8)
    assert overall.loc["G2", "probability"] == pytest.approx(0.75)
    assert overall["probability_old_boundary"].isna().all()
    assert math.isnan(overall.loc["G2", "probability_mic"])
