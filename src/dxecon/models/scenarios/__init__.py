"""Scenarios: assumptions in YAML -> Monte Carlo paths -> a scorecard against the targets.

>>> from dxecon.models.scenarios import load_scenario, simulate, score  # doctest: +SKIP
>>> scenario, start = resolve_start(load_scenario("baseline", as_of="2026-10"), load_dataset())
>>> paths = simulate(scenario)
"""

from dxecon.models.scenarios.config import (
    SCENARIO_KEYS,
    Scenario,
    available_scenarios,
    load_scenario,
    scenario_from_dict,
)
from dxecon.models.scenarios.engine import Paths, percentiles, simulate
from dxecon.models.scenarios.scenario_run import (
    ScenarioRun,
    assumptions_table,
    run_scenario,
    simulate_scenario,
)
from dxecon.models.scenarios.scorecard import Scorecard, score
from dxecon.models.scenarios.start import StartValues, observed_start, resolve_start

__all__ = [
    "SCENARIO_KEYS",
    "Paths",
    "Scenario",
    "ScenarioRun",
    "Scorecard",
    "StartValues",
    "assumptions_table",
    "available_scenarios",
    "load_scenario",
    "observed_start",
    "percentiles",
    "resolve_start",
    "run_scenario",
    "scenario_from_dict",
    "score",
    "simulate",
    "simulate_scenario",
]
