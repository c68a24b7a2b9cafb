"""Scenarios: assumptions in YAML -> Monte Carlo paths -> a scorecard against the targets.

>>> from dxecon.scenarios import load_scenario, simulate, score  # doctest: +SKIP
>>> paths = simulate(load_scenario("baseline"))
"""

from dxecon.scenarios.config import (
    Scenario,
    available_scenarios,
    load_scenario,
    scenario_from_dict,
)
from dxecon.scenarios.engine import Paths, compound_growth, percentiles, simulate
from dxecon.scenarios.run import ScenarioRun, run_scenario
from dxecon.scenarios.scorecard import Scorecard, score

__all__ = [
    "Paths",
    "Scenario",
    "ScenarioRun",
    "Scorecard",
    "available_scenarios",
    "compound_growth",
    "load_scenario",
    "percentiles",
    "run_scenario",
    "scenario_from_dict",
    "score",
    "simulate",
]
