"""Step ``forecasts`` (the month's): every forecast of the run in one table, one row per
scenario (empty for the published series' statsmodels forecasts), quantity and year: each
scenario's forecasts (the ``scenario`` step's) and the published series' (the
``published_forecasts`` step's), on the same columns.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.pipeline.steps.scenario import FORECAST_COLUMNS

COLUMNS = ("scenario", *FORECAST_COLUMNS)


def compute(
    ctx: Context, scenario: Mapping[str, StepResult], published_forecasts: StepResult
) -> StepResult:
    frames = [
        result["scenario_forecasts"].reindex(columns=list(FORECAST_COLUMNS)).assign(scenario=name)
        for name, result in scenario.items()
    ]
    published = published_forecasts["published_forecasts"].rename(columns={"price_basis": "basis"})
    frames.append(published.reindex(columns=list(FORECAST_COLUMNS)).assign(scenario=""))
    table = pd.concat(frames, ignore_index=True)[list(COLUMNS)]
    return StepResult("forecasts", outputs={"forecasts": table})
