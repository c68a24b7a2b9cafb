"""Step ``nowcast`` (notebook 08): this year's real GRDP growth against this year's target,
from the year's cumulative releases (bridge equations, `dxecon.models.forecast.nowcast`), how
the nowcast moved with each release, the releases it read, and its pseudo-real-time
backtest beside the naive benchmarks.

Choices: ``params/nowcast.yaml`` (with the context's overrides).
"""

from __future__ import annotations

from dxecon.core.params import params_path
from dxecon.models.forecast import nowcast as nc
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import nowcast_text
from dxecon.present.charts.nowcast import path_chart

PARAMS_FILE = "nowcast.yaml"


def compute(ctx: Context) -> StepResult:
    config = nc.NowcastConfig.from_params(
        ctx.params(PARAMS_FILE), file=f"{params_path(PARAMS_FILE)} or the notebook parameters"
    )
    geographies, lang = ctx.dataset.codes["geographies"], ctx.lang
    model = nc.NowcastModel(ctx.dataset, config)
    result = model.fit(ctx.as_of, with_path=True)
    backtest = nc.backtest_nowcast(ctx.dataset, model=model)
    return StepResult(
        "nowcast",
        outputs={
            "nowcast_headline": nowcast_text.headline(result, geographies=geographies, lang=lang),
            "nowcast": result.to_frame(),
            "nowcast_path_chart": path_chart(result, geographies=geographies, lang=lang),
            "nowcast_path": nowcast_text.path_table(result, geographies=geographies, lang=lang),
            "nowcast_inputs_sentence": nowcast_text.inputs_sentence(result, lang=lang),
            "nowcast_inputs": result.inputs_frame(),
            "nowcast_backtest_records": backtest.records,
            "nowcast_backtest": backtest.table(),
            "nowcast_head_to_head": backtest.head_to_head(),
            "nowcast_stage_findings": nowcast_text.stage_findings(
                backtest.stage_steps(), lang=lang
            ),
        },
        objects={"result": result, "backtest": backtest, "model": model},
    )
