"""Step ``sweep`` (common; notebook 07): the run's sensitivity sweep around its base
scenario, every variant scored on the key targets its file names, with the ends of the
ranges of calibrated quantities taken from the run's diffusion calibration (the
``diffusion`` step's): the tornado (one assumption at a time), the probability surface
(two together) and the sample (everything at once), with their tables, charts and what
they say.

The sweep: ``params/sweeps/<name>.yaml`` with the context's overrides for it; the run's is
:data:`RUN_SWEEP` unless the context overrides another sweep file (notebook 07's ``sweep``
parameter). Its sample here has the file's ``notebook_samples`` variants (``dxecon sweep``
draws the file's ``samples``).
"""

from __future__ import annotations

import pandas as pd

from dxecon.data.targets import TargetRegistry
from dxecon.models.sweeps import run_sweep, sweep_from_dict
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import sweep_text
from dxecon.present.charts.sweep import surface_chart, tornado_chart
from dxecon.present.words import Words

#: The sweep a monthly run shows (``params/sweeps/<name>.yaml``).
RUN_SWEEP = "de_share_2030"


def sweep_name(ctx: Context) -> str:
    """The sweep of the context: the one sweep file it overrides, else :data:`RUN_SWEEP`."""
    named = sorted(f for f in ctx.overrides if str(f).startswith("sweeps/"))
    if len(named) > 1:
        raise ValueError(f"the context overrides several sweeps: {named}; name one")
    return named[0].removeprefix("sweeps/").removesuffix(".yaml") if named else RUN_SWEEP


def compute(ctx: Context, diffusion: StepResult) -> StepResult:
    words = Words(ctx.lang)
    name = sweep_name(ctx)
    data = ctx.params(f"sweeps/{name}.yaml")
    file_samples = data.get("samples")
    if data.get("notebook_samples") is not None:
        data["samples"] = data["notebook_samples"]
    sweep = sweep_from_dict(
        data,
        name=name,
        file=f"params/sweeps/{name}.yaml",
        as_of=ctx.as_of,
        dataset=ctx.dataset,
        calibration=diffusion.objects["calibration"],
    )
    registry = TargetRegistry(ctx.dataset)
    result = run_sweep(sweep, registry=registry)
    tornado = result.tornado()
    caption = sweep_text.caption(sweep, registry, words)
    outputs = {
        "sweep_summary": sweep_text.summary(result, words, file_samples=file_samples),
        "sweep_key_targets": sweep_text.key_targets_table(result.targets, words),
        "sweep_ranges": sweep_text.ranges_table(sweep, words),
        "sweep_results": result.table,
        "sweep_tornado": tornado,
        "sweep_top_assumptions": sweep_text.tornado_table(tornado, words),
    }
    for target in result.targets:
        outputs[f"sweep_tornado_{target.target_id}"] = tornado_chart(
            tornado, target, base=sweep.base, caption=caption, words=words
        )
    outputs["sweep_surface"] = result.surface_table()  # no rows: the sweep has no surface
    outputs["sweep_probability_grid"] = pd.DataFrame()
    if sweep.surface is not None:
        headline = result.targets[0]  # the file's first key target
        grid = result.surface(headline.target_id)
        x, y = (sweep.parameter(axis) for axis in (sweep.surface.x, sweep.surface.y))
        outputs["sweep_probability_grid"] = sweep_text.surface_grid(grid, words)
        outputs[f"sweep_surface_{headline.target_id}"] = surface_chart(
            grid,
            headline,
            base_point=(x.base_value, y.base_value),
            base=sweep.base,
            caption=caption,
            words=words,
        )
    outputs |= {
        "sweep_sample_summary": result.sample_summary(),
        "sweep_rank_correlations": result.rank_correlations().reset_index(),
        "sweep_failures": sweep_text.failure_summary(result, words),
        "sweep_failed": result.failures(),
        "sweep_reading": sweep_text.reading(
            tornado, result.sample_summary(), result.targets, words, paths=sweep.paths
        ),
    }
    return StepResult("sweep", outputs=outputs, objects={"result": result})
