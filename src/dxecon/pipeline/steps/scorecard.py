"""Step ``scorecard`` (per scenario; notebook 06): every quantified target of the city, one
row per goal, scored by the scenario's run (`dxecon.models.scenarios.scorecard.score`, which
the ``scenario`` step ran once: its result is read in memory here), with the views notebook
06 shows: how many goals have each status, the city's goals with a figure or a forecast,
those without data, and the national goals as context.
"""

from __future__ import annotations

from dxecon.models.scenarios.scorecard import NO_DATA
from dxecon.models.scoring import ScoringConfig
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import scenario_text
from dxecon.present.scenario_text import (
    CITY_COLUMNS,
    CITY_NOTES_COLUMNS,
    CONTEXT_COLUMNS,
    NO_DATA_COLUMNS,
)

TARGETS_FILE = "targets.yaml"


def compute(ctx: Context, name: str, scenario: StepResult) -> StepResult:
    run, lang = scenario.objects["run"], ctx.lang
    card = run.scorecard
    config = ScoringConfig.from_mapping(ctx.params(TARGETS_FILE), file=f"params/{TARGETS_FILE}")
    city = card.city()
    shown = city[city["status"] != NO_DATA]
    context = card.frame[card.frame["scope"] == "context"]
    return StepResult(
        "scorecard",
        name,
        outputs={
            "scorecard": card.to_frame(),
            "scorecard_header": scenario_text.header_text(run, lang),
            "scorecard_text": scenario_text.scorecard_text(run, lang)
            + "\n\n"
            + scenario_text.status_legend(config, lang),
            "scorecard_status": scenario_text.status_counts(city)
            .rename_axis("status")
            .rename("goals")
            .reset_index(),
            "scorecard_interval_text": scenario_text.interval_text(lang),
            "scorecard_city": shown[list(CITY_COLUMNS)].round(2).reset_index(drop=True),
            "scorecard_city_notes": shown[list(CITY_NOTES_COLUMNS)].reset_index(drop=True),
            "scorecard_no_data": city[city["status"] == NO_DATA][list(NO_DATA_COLUMNS)].reset_index(
                drop=True
            ),
            "scorecard_context": context[list(CONTEXT_COLUMNS)].round(2).reset_index(drop=True),
        },
        objects={"run": run},
    )
