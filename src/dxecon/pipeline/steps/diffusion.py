"""Step ``diffusion`` (common; notebook 05 shows it): the diffusion of the digital share
calibrated on the start's measure (`dxecon.models.calibration.calibrate_diffusion`) and its
real-time check (`dxecon.models.calibration_realtime.realtime_coverage`), each computed once
per run: the check's verdict widens the calibration's yearly noise, and every scenario and
the sweep draw from this calibration.

``params/calibration.yaml`` (its ``diffusion`` mapping, with the context's overrides).
"""

from __future__ import annotations

from dxecon.models.calibration import calibrate_diffusion
from dxecon.models.calibration_realtime import realtime_coverage
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult

PARAMS_FILE = "calibration.yaml"


def compute(ctx: Context) -> StepResult:
    params = {**ctx.params(PARAMS_FILE)["diffusion"], "_file": f"params/{PARAMS_FILE}"}
    realtime = realtime_coverage(ctx.dataset, as_of=ctx.as_of, params=params)
    calibration = calibrate_diffusion(
        ctx.dataset, as_of=ctx.as_of, params=params, widening=realtime.widening
    )
    return StepResult(
        "diffusion",
        outputs={
            "diffusion_calibration": calibration.to_frame(),
            "diffusion_realtime": realtime.forecasts,
            "diffusion_realtime_coverage": realtime.coverage,
        },
        objects={"calibration": calibration, "realtime": realtime},
    )
