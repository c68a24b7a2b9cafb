"""Step ``scenario`` (per scenario; notebook 05): the scenario simulated once, from the
observed start as of the run's date, with the run's diffusion calibration (the ``diffusion``
step's), and everything notebook 05 shows of it: where it starts, its assumptions, the
diffusion draws, the fans with the targets, the forecasts table, what the targets take and
how much each source of uncertainty widens the interval. The run it holds
(``objects["run"]``, a `ScenarioRun` with its scorecard) is what the ``scorecard`` step reads.

The scenario: ``params/scenarios/<name>.yaml`` with the context's overrides for that file
(a notebook's parameters; a whole scenario saved by the explorer need not be a shipped
file); the scoring rules: ``params/targets.yaml``.
"""

from __future__ import annotations

import pandas as pd

from dxecon.data.targets import TargetRegistry
from dxecon.models.scenarios.config import (
    SCENARIO_KEYS,
    Scenario,
    check_scenario_file,
    scenario_from_dict,
)
from dxecon.models.scenarios.decomposition import share_change
from dxecon.models.scenarios.scenario_run import assumptions_table, run_scenario
from dxecon.models.scenarios.uncertainty import interval_breakdown, what_it_takes
from dxecon.models.scoring import ScoringConfig
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import scenario_text, uncertainty_text
from dxecon.present.charts.scenario import scenario_fan, what_it_takes_chart
from dxecon.present.words import Words

TARGETS_FILE = "targets.yaml"
#: The columns of a scenario's forecasts table (as the published series' forecasts name them).
FORECAST_COLUMNS = ("indicator", "geo", "sector", "basis", "year", "median", "lower", "upper")
FORECAST_COLUMNS += ("model", "interval")


def scenario_forecasts(run) -> pd.DataFrame:
    """A scenario's quantities by year: median and 10th-90th percentile of its paths."""
    table = run.percentiles().rename(columns={"p50": "median", "p10": "lower", "p90": "upper"})
    n_paths = run.paths.de_share.shape[0]
    table["model"] = f"scenario {run.scenario.name} (Monte Carlo, {n_paths} paths)"
    table["interval"] = "80%"
    return table.reindex(columns=list(FORECAST_COLUMNS))


def params_file(name: str) -> str:
    """The params file of scenario ``name`` (relative to ``params/``)."""
    return f"scenarios/{name}.yaml"


def scenario_from_context(ctx: Context, name: str) -> Scenario:
    """Scenario ``name`` as the context gives it: its file (a shipped name) with the
    context's overrides laid over it (None keeps the file's value; a whole scenario may come
    as overrides alone), as of the run's date, validated against the data's instruments.

    Raises
    ------
    ParamsError
        For an unknown scenario, or one a file or the overrides state wrongly (a typed growth
        figure, an as-of date...), naming the file and the field.
    """
    file = params_file(name)
    keys = [k for k in SCENARIO_KEYS if k != "as_of"]  # the run's date is the context's
    given = ctx.overrides.get(file, {})
    check_scenario_file(
        {k: v for k, v in given.items() if k in keys and v is not None},
        file="<notebook parameters>",
    )
    values = ctx.params(file, keys=keys)
    shown = f"params/{file}"
    if not values.get("sectors"):
        from dxecon.core.errors import ParamsError
        from dxecon.models.scenarios.config import available_scenarios

        shipped = ", ".join(available_scenarios()) or "none"
        raise ParamsError(shown, "name", f"unknown scenario '{name}'; shipped: {shipped}")
    check_scenario_file(values, file=shown)
    values.update(name=name, as_of=ctx.as_of)
    registry = TargetRegistry(ctx.dataset)
    return scenario_from_dict(
        values, file=shown, known_instruments=registry.instruments, place=ctx.place
    )


def compute(ctx: Context, name: str, diffusion: StepResult) -> StepResult:
    words, lang, dataset = Words(ctx.lang, ctx.place), ctx.lang, ctx.dataset
    calibration = diffusion.objects["calibration"]
    scenario = scenario_from_context(ctx, name)
    scoring = ScoringConfig.from_mapping(ctx.params(TARGETS_FILE), file=f"params/{TARGETS_FILE}")
    run = run_scenario(
        scenario,
        dataset=dataset,
        calibration=calibration,
        scoring=scoring,
        score_cache=ctx.memo("scorecard lookups"),
    )
    needs = what_it_takes(run, dataset)
    breakdown = interval_breakdown(run.scenario, dataset=dataset, calibration=calibration)
    forecasts = scenario_forecasts(run)
    draws = run.diffusion
    change = share_change(run.paths)
    share_text = scenario_text.share_change_text(change, words)
    return StepResult(
        "scenario",
        name,
        outputs={
            "scenario_header": scenario_text.header_text(run, lang),
            "scenario_start_text": scenario_text.start_text(run, lang),
            "scenario_start": scenario_text.start_table(run.start),
            "scenario_assumptions": scenario_text.assumptions_view(
                assumptions_table(run.scenario, run.start), lang
            ),
            "scenario_reasoning": scenario_text.reasoning_table(run.scenario, lang),
            "diffusion_draws_text": scenario_text.draws_text(draws, lang),
            "diffusion_draws": scenario_text.draws_table(draws),
            "de_share_fan": scenario_fan(run, dataset, "de_share", words=words),
            "de_share_fan_text": " ".join(
                t for t in (scenario_text.fan_text(run, "de_share", lang), share_text) if t
            ),
            "de_share_change": change,
            "lp_growth_real_fan": scenario_fan(run, dataset, "lp", basis="real", words=words),
            "lp_growth_nominal_fan": scenario_fan(run, dataset, "lp", basis="nominal", words=words),
            "lp_growth_fan_text": scenario_text.fan_text(run, "lp_growth", lang),
            "scenario_forecasts": forecasts,
            "scenario_medians": scenario_text.medians_table(forecasts, lang),
            "what_it_takes": needs,
            "what_it_takes_text": uncertainty_text.what_it_takes_text(needs, words),
            "what_it_takes_view": uncertainty_text.what_it_takes_table(needs, words),
            "what_it_takes_chart": what_it_takes_chart(needs, words),
            "interval_breakdown": breakdown,
            "interval_breakdown_text": uncertainty_text.breakdown_text(breakdown, words),
            "interval_breakdown_view": uncertainty_text.breakdown_table(breakdown, words),
        },
        objects={"run": run},
    )
