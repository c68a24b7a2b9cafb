r"""One answer as well as three: the scenarios' probabilities weighted into one
(``params/scenario_weights.yaml``).

.. math::

    P = \sum_s \pi_s \, P(\text{hit} \mid s), \qquad \sum_s \pi_s = 1, \; \pi_s \ge 0

The weights are assumptions, stated with their reasoning in the params file; they name
every shipped scenario (``params/scenarios/``) and no other. A weight may be written as a
fraction (``1/3``), so equal weights sum to exactly one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path, with_keys

#: The probability columns of a scorecard that are weighted (one per reading).
PROBABILITY_COLUMNS = ("probability", "probability_mic", "probability_old_boundary")


@dataclass(frozen=True)
class ScenarioWeights:
    """The weight of each shipped scenario (``params/scenario_weights.yaml``)."""

    weights: dict[str, float]
    reasoning: str
    source: str = "<code>"

    KEYS = ("weights", "reasoning")

    @classmethod
    def from_yaml(
        cls, path: Path | str | None = None, *, known: list[str] | None = None
    ) -> ScenarioWeights:
        """Read and check the weights file; ``known`` are the scenario names it must cover
        (default: every file of ``params/scenarios/``).

        Raises
        ------
        ParamsError
            A missing or unknown scenario, a weight that is not a number in [0, 1], or
            weights that do not sum to 1.
        """
        path = Path(path) if path is not None else params_path("scenario_weights")
        return cls.from_mapping(load_yaml(path), file=str(path), known=known)

    @classmethod
    def from_mapping(
        cls, data: Mapping, *, file: str = "params/scenario_weights.yaml", known=None
    ) -> ScenarioWeights:
        """:meth:`from_yaml` on the file's mapping (a run's params, `Context.params`)."""
        from dxecon.models.scenarios.config import available_scenarios

        data = with_keys(dict(data), cls.KEYS, file=file)
        if not str(data["reasoning"] or "").strip():
            raise ParamsError(file, "reasoning", "say why the weights are what they are")
        given = data["weights"]
        if not isinstance(given, dict):
            raise ParamsError(file, "weights", "expected a mapping of scenario name to weight")
        known = sorted(known if known is not None else available_scenarios())
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ParamsError(
                file,
                f"weights.{unknown[0]}",
                f"unknown scenario; the scenarios are {', '.join(known)} (params/scenarios/)",
            )
        missing = sorted(set(known) - set(given))
        if missing:
            raise ParamsError(
                file,
                f"weights.{missing[0]}",
                "scenario has no weight; give every scenario of params/scenarios/ a weight "
                "(0 to leave it out)",
            )
        exact = {name: _fraction(value, file, f"weights.{name}") for name, value in given.items()}
        total = sum(exact.values())
        if total != 1:
            raise ParamsError(
                file,
                "weights",
                f"the weights sum to {float(total):g}, not 1; write equal weights as fractions "
                "(1/3)",
            )
        return cls(
            weights={name: float(w) for name, w in exact.items()},
            reasoning=str(data["reasoning"]).strip(),
            source=file,
        )

    def missing(self, scenarios) -> list[str]:
        """The scenarios with a weight that ``scenarios`` (a run's) lacks: without them there
        is no overall probability."""
        return [n for n, w in self.weights.items() if w > 0 and n not in scenarios]


def _fraction(value, file: str, field: str) -> Fraction:
    """A weight as an exact fraction: a number or a string ``a/b``, within [0, 1]."""
    try:
        if isinstance(value, bool):
            raise ValueError
        weight = Fraction(str(value)) if isinstance(value, str) else Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise ParamsError(
            file, field, f"expected a number or a fraction such as 1/3, got {value!r}"
        ) from None
    if not 0 <= weight <= 1:
        raise ParamsError(file, field, f"a weight lies within 0 to 1, got {value!r}")
    return weight


def overall_probability(probabilities: Mapping[str, float], weights: Mapping[str, float]) -> float:
    r"""The weighted probability :math:`P = \sum_s \pi_s P_s` over the weighted scenarios.

    A scenario with weight 0 may lack a probability; any other missing (or NaN)
    probability makes the result NaN: an overall figure needs every weighted scenario.

    >>> overall_probability({"a": 0.2, "b": 0.6}, {"a": 0.5, "b": 0.5})
    0.4
    """
    total = 0.0
    for name, weight in weights.items():
        if weight == 0:
            continue
        value = probabilities.get(name, np.nan)
        if value is None or np.isnan(value):
            return float("nan")
        total += weight * float(value)
    return total


def overall_scorecard(cards: Mapping[str, pd.DataFrame], weights: ScenarioWeights) -> pd.DataFrame:
    """The weighted probability of every goal and reading, from the scenarios' scorecards
    (``{scenario name: scorecard frame}``, as the run wrote them).

    Returns one row per goal of the scorecards: ``goal_id`` and the weighted
    `PROBABILITY_COLUMNS` (NaN where a weighted scenario lacks the goal or the reading).
    """
    goal_ids = sorted(set().union(*(set(card["goal_id"]) for card in cards.values())))
    rows = []
    for goal_id in goal_ids:
        row = {"goal_id": goal_id}
        for column in PROBABILITY_COLUMNS:
            found = {}
            for name, card in cards.items():
                match = card[card["goal_id"] == goal_id]
                if len(match) and column in match:
                    value = match.iloc[0][column]
                    found[name] = np.nan if pd.isna(value) else float(value)
            row[column] = overall_probability(found, weights.weights)
        rows.append(row)
    return pd.DataFrame(rows, columns=["goal_id", *PROBABILITY_COLUMNS])
