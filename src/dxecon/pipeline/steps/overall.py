"""Step ``overall`` (the month's): every scenario's scorecard weighted into one probability
per goal and reading (`dxecon.models.scenarios.weights.overall_scorecard`), with the weights
of ``params/scenario_weights.yaml`` (the context's overrides laid over them) and a sentence
saying how they weight, or why there is no overall figure: what the month report's "two
readings" section and its summary show beside each scenario's probability, and the weights
as a table (``in_run``: whether the run has the scenario; a weighted one it lacks leaves
no overall figure).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dxecon.models.scenarios.weights import ScenarioWeights, overall_scorecard
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present.scenario_text import weights_text

WEIGHTS_FILE = "scenario_weights.yaml"


def compute(ctx: Context, scorecard: Mapping[str, StepResult]) -> StepResult:
    weights = ScenarioWeights.from_mapping(ctx.params(WEIGHTS_FILE), file=f"params/{WEIGHTS_FILE}")
    cards = {name: result["scorecard"] for name, result in scorecard.items()}
    table = pd.DataFrame(
        {
            "scenario": list(weights.weights),
            "weight": list(weights.weights.values()),
            "in_run": [name in cards for name in weights.weights],
        }
    )
    return StepResult(
        "overall",
        outputs={
            "overall_scorecard": overall_scorecard(cards, weights),
            "overall_weights": weights_text(weights, weights.missing(cards), ctx.lang),
            "scenario_weights": table,
        },
        objects={"weights": weights},
    )
