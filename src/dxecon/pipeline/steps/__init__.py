"""Steps: each notebook's computation as a pure function of a `Context` (and a scenario).

A step module under this package defines ``compute(ctx, ...) -> StepResult``; :data:`STEPS`
declares it (name, scope, the module, the steps whose results it needs). Modules are
imported only when their step runs, so showing a run's saved outputs costs no statsmodels.

A run computes every step once (:func:`run_step`: common steps once, scenario steps once
per scenario, month steps once over every scenario's results) and writes each output once;
a notebook run on its own calls :func:`run_step` for its step and shows the result.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from dxecon.core.errors import DxeconError, did_you_mean
from dxecon.pipeline.catalogue import Output, outputs_of
from dxecon.pipeline.context import Context

#: ``places``: a step over several places' runs (the panel), once per monthly run after them.
Scope = Literal["common", "scenario", "month", "places"]


class StepError(DxeconError):
    """A step returned outputs that do not match the catalogue (a bug, not bad input)."""


@dataclass
class StepResult:
    """What a step produced.

    Attributes
    ----------
    step : str
    scenario : str or None
        The scenario of a per-scenario step.
    outputs : dict
        Catalogue name (a per-target name filled in) -> a DataFrame (table), a matplotlib
        Figure (chart) or a str (text: Markdown in the context's language).
    objects : dict
        Rich results a later step or a notebook uses in memory (e.g. the scenario's
        ``ScenarioRun`` for the scorecard step); never written.
    """

    step: str
    scenario: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        try:
            return self.outputs[name]
        except KeyError:
            raise KeyError(
                f"step {self.step!r} has no output {name!r}; "
                f"{did_you_mean(name, self.outputs)}it has: {', '.join(self.outputs)}"
            ) from None


@dataclass(frozen=True)
class Step:
    """A step's declaration: ``module`` defines ``compute``; ``needs`` are the steps whose
    results it takes (for a scenario step, the same scenario's; for a month step, every
    scenario's result of a scenario step, as a mapping scenario -> result, and a common
    step's result); ``apart``: a common step that a run computes in its second process
    (`dxecon.pipeline.run.StepsApart`), which no step but a month step may need."""

    name: str
    scope: Scope
    module: str
    needs: tuple[str, ...] = ()
    apart: bool = False

    def function(self):
        return importlib.import_module(self.module).compute


#: Every step, in the order a run computes them (a step after the steps it needs).
STEPS: dict[str, Step] = {}


def declare(name: str, scope: Scope, *, needs: tuple[str, ...] = (), apart: bool = False) -> None:
    """Declare a step whose module is ``dxecon.pipeline.steps.<name>``."""
    if apart and scope != "common":
        raise DxeconError(f"step {name!r}: only a common step is computed apart")
    for need in needs:
        if STEPS[need].apart and scope != "month":
            raise DxeconError(
                f"step {name!r} needs {need!r}, computed apart: only a month step may"
            )
    STEPS[name] = Step(name, scope, f"{__name__}.{name}", needs, apart)


def step(name: str) -> Step:
    try:
        return STEPS[name]
    except KeyError:
        raise DxeconError(
            f"no step {name!r}; {did_you_mean(name, STEPS)}steps: {', '.join(STEPS)}"
        ) from None


def run_step(
    name: str,
    ctx: Context,
    *,
    scenario: str | None = None,
    inputs: Mapping[str, Any] | None = None,
) -> StepResult:
    """Compute one step and check its outputs against the catalogue.

    ``inputs``: the results of the steps it needs (a scenario step: step name ->
    StepResult of the same scenario; a month step: step name -> {scenario: StepResult}
    for a scenario step, the StepResult of a common one), and any other argument its
    ``compute`` takes. A needed result not given is computed here (a notebook run on its
    own).
    """
    spec = step(name)
    if spec.scope == "scenario" and not scenario:
        raise DxeconError(f"step {name!r} runs once per scenario: name the scenario")
    given = dict(inputs or {})
    for need in spec.needs:
        if need not in given:
            if spec.scope == "month":
                raise DxeconError(f"step {name!r} needs every scenario's {need!r} result")
            per_scenario = step(need).scope == "scenario"
            given[need] = run_step(need, ctx, scenario=scenario if per_scenario else None)
    args = (ctx, scenario) if spec.scope == "scenario" else (ctx,)
    result = spec.function()(*args, **given)
    result.step, result.scenario = name, scenario
    check_outputs(result, outputs_of(name))
    return result


def check_outputs(result: StepResult, declared: tuple[Output, ...]) -> None:
    """Every output the catalogue gives the step is there (a per-target one at least
    once), nothing else is, each of the declared kind, a table with its columns."""
    expected: dict[str, Output] = {}
    produced = set(result.outputs)
    for entry in declared:
        if entry.per_target:
            expected.update(dict.fromkeys((n for n in produced if entry.matches(n)), entry))
        else:
            expected[entry.name] = entry
    missing = sorted(set(expected) - produced)
    extra = sorted(produced - set(expected))
    if missing or extra:
        raise StepError(
            f"step {result.step!r}: outputs missing {missing}, not in the catalogue {extra}"
        )
    for name, entry in expected.items():
        value = result.outputs[name]
        if entry.kind == "table":
            if not isinstance(value, pd.DataFrame):
                raise StepError(f"{result.step}: table {name!r} is a {type(value).__name__}")
            if entry.columns is not None and tuple(value.columns) != tuple(entry.columns):
                raise StepError(
                    f"{result.step}: table {name!r} has columns {list(value.columns)}, the "
                    f"catalogue declares {list(entry.columns)}"
                )
        elif entry.kind == "text" and not isinstance(value, str):
            raise StepError(f"{result.step}: text {name!r} is a {type(value).__name__}")
        elif entry.kind == "chart" and not hasattr(value, "savefig"):
            raise StepError(f"{result.step}: chart {name!r} is a {type(value).__name__}")


# -- the steps, in the order a run computes them --------------------------------------------
# ``apart``: computed in the run's second process, beside the others; chosen so that the two
# processes have about the same work (the run's: the calibration, the published forecasts and
# the scenarios, and it handles the notebooks; the second: the overview, the estimates, the
# nowcast and the sweep, whose pool forks from a process with no thread instead of starting
# a fork server). Measured: the monthly run's steps end about 0.6 s sooner than with the
# nowcast in the run's process, and no sooner with the published forecasts moved too.
declare("data_overview", "common", apart=True)  # notebook 01
declare("digital_economy", "common", apart=True)  # notebook 02
declare("productivity", "common", apart=True)  # notebook 03
declare("diffusion", "common")  # the calibration and its real-time check (notebook 05 shows)
declare("sweep", "common", needs=("diffusion",), apart=True)  # notebook 07: calibrated ranges
declare("published_forecasts", "common")  # notebook 04
declare("nowcast", "common", apart=True)  # notebook 08
declare("scenario", "scenario", needs=("diffusion",))  # notebook 05
declare("scorecard", "scenario", needs=("scenario",))  # notebook 06
declare("overall", "month", needs=("scorecard",))  # every scenario's scorecard, weighted
declare("forecasts", "month", needs=("scenario", "published_forecasts"))  # in one table
declare("revisions", "month", needs=("scorecard",))  # against the previous month
declare("panel", "places")  # notebook 09: places side by side (inputs: places, overall by place)
