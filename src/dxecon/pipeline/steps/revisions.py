"""Step ``revisions`` (the month's): each scenario's goals against the same scenario's
scorecard of the latest earlier month (`dxecon.models.scenarios.revisions`), the change in
each target's probability as a chart, and why the forecasts moved: figures published since
that month, or other inputs (parameters, params files, code) where none was.

``previous``: scenario -> the earlier month (`Previous`), which the run finds among its
published months (`dxecon.pipeline.store.previous_scorecard`); a scenario without one is a
first run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dxecon.models.scenarios.revisions import revisions
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present.charts.month import revisions_chart
from dxecon.present.words import Words

CAUSE_COLUMNS = ("scenario", "previous_as_of", "new_figures", "same_inputs")


@dataclass(frozen=True)
class Previous:
    """A scenario's scorecard of an earlier month, and whether that month's run had this
    run's inputs (data, params files, parameters, code) as its manifest records them."""

    as_of: str
    scorecard: pd.DataFrame
    same_inputs: bool = False


def compute(
    ctx: Context,
    scorecard: Mapping[str, StepResult],
    previous: Mapping[str, Previous] | None = None,
) -> StepResult:
    previous = previous or {}
    tables, causes = [], []
    for name, result in scorecard.items():
        before = previous.get(name)
        table = revisions(before.scorecard if before else None, result["scorecard"])
        table.insert(0, "previous_as_of", before.as_of if before else "")
        table.insert(0, "scenario", name)
        tables.append(table)
        if before is not None:
            causes.append(
                {
                    "scenario": name,
                    "previous_as_of": before.as_of,
                    "new_figures": _published_between(ctx, before.as_of),
                    "same_inputs": before.same_inputs,
                }
            )
    table = pd.concat(tables, ignore_index=True)
    return StepResult(
        "revisions",
        outputs={
            "revisions": table,
            "revisions_chart": revisions_chart(table, as_of=ctx.as_of, words=Words(ctx.lang)),
            "revision_causes": pd.DataFrame(causes, columns=list(CAUSE_COLUMNS)),
        },
    )


def _published_between(ctx: Context, previous: str) -> int:
    """How many figures were published after the end of month ``previous`` and by the end
    of the run's."""
    end = lambda month: pd.Period(month[:7], freq="M").end_time.normalize()  # noqa: E731
    dates = ctx.dataset.observations["published_date"]
    return int(((dates > end(previous)) & (dates <= end(ctx.as_of))).sum())
