"""A validated sweep and its plan: what varies around which base scenario, one row per variant.

`Sweep` is what `dxecon.models.sweeps.spec` builds from a sweep file once every check passed;
`Sweep.plan` lists the variants: the base scenario, the one-at-a-time ends of every
parameter (the tornado), the two-parameter grid of the probability surface and the
design's sample (a full grid, a random sample or a Latin hypercube). A reader's label of a
parameter path: `dxecon.present.sweep_text.parameter_label`.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

DEFAULT_SURFACE_STEPS = 9
#: Plan groups, in plan order.
GROUPS = ("base", "tornado", "surface", "sample")
#: Columns of `Sweep.ranges`.
RANGE_COLUMNS = [
    "parameter",
    "base",
    "low",
    "high",
    "distribution",
    "centre",
    "sd",
    "grid_values",
    "calibration_lower",
    "calibration_upper",
]


@dataclass(frozen=True)
class Parameter:
    """One swept assumption.

    Attributes
    ----------
    name : str
        Dotted path into the scenario as written in the file; ``*`` stands for every key at
        its level (``sectors.*.intensity.speed``: the diffusion speed of every sector).
    targets : tuple of str
        The concrete scenario paths the name sets.
    base_values : tuple of float
        The base scenario's value at each target path.
    low, high : float
        Ends of the range: the tornado's one-at-a-time low and high.
    distribution : str
        ``grid`` (the values are listed or stepped) or a sampling distribution.
    values : tuple of float
        Grid values (grid design only).
    """

    name: str
    targets: tuple[str, ...]
    base_values: tuple[float, ...]
    low: float
    high: float
    distribution: str = "grid"
    values: tuple[float, ...] = ()
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    #: The calibration's predictive percentiles the ends were taken from (None: stated).
    from_calibration: tuple[float, float] | None = None

    @property
    def base_value(self) -> float:
        """The base scenario's value (NaN when a wildcard's targets differ at base)."""
        first = self.base_values[0]
        return first if all(v == first for v in self.base_values) else math.nan

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map uniform draws in (0, 1) to this parameter's distribution (inverse CDF)."""
        u = np.asarray(u, dtype=float)
        if self.distribution == "uniform":
            return self.low + u * (self.high - self.low)
        if self.distribution == "triangular":
            low, mode, high = self.low, float(self.mode), self.high
            cut = (mode - low) / (high - low)
            left = low + np.sqrt(u * (high - low) * (mode - low))
            right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
            return np.where(u < cut, left, right)
        if self.distribution == "normal":
            # Truncated to [low, high] by inverse CDF: every draw is a valid assumption and
            # the mapping stays monotone (Latin hypercube strata survive).
            dist = statistics.NormalDist(float(self.mean), float(self.sd))
            lo, hi = dist.cdf(self.low), dist.cdf(self.high)
            return np.array([dist.inv_cdf(lo + x * (hi - lo)) for x in u.ravel()]).reshape(u.shape)
        raise ValueError(f"no sampling distribution for a {self.distribution} parameter")


@dataclass(frozen=True)
class Surface:
    """The probability surface: a grid over two parameters, the others at base."""

    x: str
    y: str
    steps: int = DEFAULT_SURFACE_STEPS


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: what to vary around which base scenario, and how.

    Build it with `load_sweep` or `sweep_from_dict`; `plan` lists its variants.
    """

    name: str
    file: str
    description: str
    base: str
    base_scenario: dict[str, Any]  # validated, as_of set; a plain mapping (picklable, cheap)
    seed: int
    paths: int
    common_random_numbers: bool
    design: str
    samples: int | None
    parameters: tuple[Parameter, ...]
    surface: Surface | None
    #: How the productivity growth target is read: 'real' (default) or 'nominal' (real
    #: growth and the GRDP deflator: the reading the deflator moves).
    productivity_basis: str = "real"
    #: The targets scored (ids of data/targets.csv, the file's ``key_targets``); the first
    #: is the probability surface's.
    key_targets: tuple[str, ...] = ()
    #: The diffusion calibration every variant draws from (and calibrated ranges rest on).
    calibration: Any = None

    @property
    def as_of(self) -> str:
        return str(self.base_scenario["as_of"])

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        names = [p.name for p in self.parameters]
        raise KeyError(f"{name!r} is not a parameter of sweep {self.name}; parameters: {names}")

    def counts(self) -> dict[str, int]:
        """Variants per plan group, computed without building anything."""
        if self.design == "grid":
            sample = math.prod(len(p.values) for p in self.parameters)
        else:
            sample = int(self.samples or 0)
        surface = self.surface.steps**2 if self.surface else 0
        return {
            "base": 1,
            "tornado": 2 * len(self.parameters),
            "surface": surface,
            "sample": sample,
        }

    @property
    def size(self) -> int:
        return sum(self.counts().values())

    def ranges(self) -> pd.DataFrame:
        """The swept assumptions, one row each (`RANGE_COLUMNS`): the base scenario's value
        (NaN where it is drawn per path or differs across a wildcard's paths), the ends, the
        distribution with its centre (a triangular mode or a normal mean) and sd, the number
        of a grid's values, and the calibration's percentiles the ends come from (NaN:
        stated in the file)."""
        rows = []
        for p in self.parameters:
            lower, upper = p.from_calibration or (math.nan, math.nan)
            rows.append(
                {
                    "parameter": p.name,
                    "base": p.base_value,
                    "low": p.low,
                    "high": p.high,
                    "distribution": p.distribution,
                    "centre": p.mode if p.mode is not None else p.mean,
                    "sd": p.sd,
                    "grid_values": len(p.values) if p.distribution == "grid" else None,
                    "calibration_lower": lower,
                    "calibration_upper": upper,
                }
            )
        return pd.DataFrame(rows, columns=RANGE_COLUMNS)

    def plan(self) -> pd.DataFrame:
        """Every variant, one row each: ``variant`` (0-based), ``group``, ``varied`` and
        ``end`` (which parameter a tornado row moves, to which end), then one column per
        parameter holding its value (NaN where a wildcard's base values differ and the row
        keeps them)."""
        names = [p.name for p in self.parameters]
        base = {p.name: p.base_value for p in self.parameters}
        rows: list[dict[str, Any]] = [{"group": "base", "varied": "", "end": "", **base}]
        for p in self.parameters:
            for end, value in (("low", p.low), ("high", p.high)):
                rows.append(
                    {"group": "tornado", "varied": p.name, "end": end, **base, p.name: value}
                )
        if self.surface is not None:
            xs, ys = self.surface_values()
            for y in ys:  # y outer: the pivot reads top to bottom like the table
                for x in xs:
                    rows.append(
                        {
                            "group": "surface",
                            "varied": f"{self.surface.x} x {self.surface.y}",
                            "end": "",
                            **base,
                            self.surface.x: x,
                            self.surface.y: y,
                        }
                    )
        sample = self._sample()
        frame = pd.DataFrame(rows)
        if len(sample):
            sample.insert(0, "end", "")
            sample.insert(0, "varied", "all")
            sample.insert(0, "group", "sample")
            frame = pd.concat([frame, sample], ignore_index=True)
        frame.insert(0, "variant", np.arange(len(frame)))
        return frame[["variant", "group", "varied", "end", *names]]

    def surface_values(self) -> tuple[np.ndarray, np.ndarray]:
        """Grid values of the surface's x and y (the grid's values, or evenly spaced)."""
        if self.surface is None:
            raise ValueError(f"sweep {self.name} defines no surface")
        values = []
        for name in (self.surface.x, self.surface.y):
            p = self.parameter(name)
            if p.distribution == "grid" and len(p.values) == self.surface.steps:
                values.append(np.array(p.values))
            else:
                values.append(np.linspace(p.low, p.high, self.surface.steps))
        return values[0], values[1]

    def _sample(self) -> pd.DataFrame:
        names = [p.name for p in self.parameters]
        if self.design == "grid":
            grid = list(itertools.product(*(p.values for p in self.parameters)))
            return pd.DataFrame(grid, columns=names, dtype=float)
        n = int(self.samples or 0)
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(0,)))
        )
        k = len(self.parameters)
        if self.design == "random":
            u = rng.random((n, k))
        else:  # Latin hypercube: one draw in each of n equal strata per parameter
            strata = np.argsort(rng.random((n, k)), axis=0)
            u = (strata + rng.random((n, k))) / n
        columns = {p.name: p.from_unit(u[:, j]) for j, p in enumerate(self.parameters)}
        return pd.DataFrame(columns, columns=names)
