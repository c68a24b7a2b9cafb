"""Step ``panel`` (the month's; notebook 09): several places side by side on the digital
share, on the same measure (`dxecon.models.panel`): the latest share with its year,
boundary and measure, the pace on one boundary and one measure, the distance to each
place's own latest share target and the probability of meeting it from the place's overall
scorecard (weighted over its scenarios), or "not computed".

The runner calls it once per run with the places it ran and each place's ``overall``
result::

    run_step("panel", ctx, inputs={"places": codes, "overall": {code: overall_result}})

``places`` None: every profile (``params/places/``); ``overall`` None or a place missing
from it: its probabilities are not computed. Measures: ``params/measures.yaml`` (the
forecast measure first); a row is comparable with the rows of its own measure only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dxecon.data.places import list_places, load_place
from dxecon.models.panel import panel
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present.panel_text import panel_view
from dxecon.present.words import Words

MEASURES_FILE = "measures.yaml"


def compute(
    ctx: Context,
    places: Sequence[str] | None = None,
    overall: Mapping[str, object] | None = None,
) -> StepResult:
    measures = ctx.params(MEASURES_FILE)
    order = (measures["forecast_measure"], measures["other_measure"])
    profiles = [load_place(code) for code in (places or list_places())]
    probabilities = {
        code: result["overall_scorecard"] if hasattr(result, "outputs") else result
        for code, result in (overall or {}).items()
    }
    table = panel(
        ctx.dataset, profiles, measures=order, as_of=ctx.as_of, probabilities=probabilities
    )
    words = Words(ctx.lang, ctx.place)
    geographies = ctx.dataset.codes["geographies"]
    names = {p.code: p.name(ctx.lang) for p in profiles}
    return StepResult(
        "panel",
        outputs={
            "places_panel": table,
            "places_panel_view": panel_view(
                table, words, geographies, names, forecast_measure=order[0]
            ),
            "places_panel_text": words(
                "txt.panel",
                measures=words.join(words.get(f"by.{m}", m) for m in order),
                as_of=words.month(ctx.as_of),
            ),
        },
        objects={"places": profiles},
    )
