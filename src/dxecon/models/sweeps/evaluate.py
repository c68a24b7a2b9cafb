"""One variant of a sweep, evaluated by a pure top-level function any worker can run.

`evaluate_variant` takes a `Variant` (plain data: the base scenario as a mapping, the values
to set, a seed, the number of paths, the key targets and the sweep's diffusion calibration)
and returns one result row. It reads no params file; a base with a ``diffusion`` block draws
from the variant's calibration and reads which figure is the start from the shipped data
(loaded once per process), so a process pool or a Dask worker on another machine gives the
same numbers as a loop here. A variant whose combination of parameters is invalid
returns the reason instead of raising, so one bad combination never costs the others; any
other exception (a bug) stops the sweep.

The key targets (named by the sweep file) are scored by the scorecard's one scorer
(`dxecon.models.scenarios.scorecard.score_paths` on `path_values`: its comparators, its reading
of the growth target as a compound average), on arrays, without the scorecard's
observed-data lookups: a variant costs the simulation and little else.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Indicators the engine can score (the scorecard's list of modelled ones, minus GRDP growth).
SCORABLE = ("de_share", "de_sector_share_min", "lp_growth")
#: Spawn key of the variant seeds under the sweep seed (0 is the design's sample).
_VARIANT_STREAM = 1


@dataclass(frozen=True)
class KeyTarget:
    """A target as a variant needs it: what to compare, with what, in which year (a row of
    ``data/targets.csv``, named by the sweep file's ``key_targets``)."""

    target_id: str
    indicator: str
    year: int
    comparator: str
    value: float
    basis: str = "real"  # productivity growth read as real or nominal growth


def key_targets(registry, ids: Sequence[str], *, basis: str = "real") -> tuple[KeyTarget, ...]:
    """The key targets ``ids`` (a sweep file's ``key_targets``) from the target registry: their
    values are never copied into code or params.

    ``basis`` reads the productivity growth target as real (default) or nominal growth
    (real growth times the GRDP deflator: the reading a deflator sweep moves).

    Raises
    ------
    ValueError
        For an id not in ``data/targets.csv`` or a target the engine cannot simulate.
    """
    import pandas as pd

    frame = registry.frame.set_index("target_id")
    found = []
    for target_id in ids:
        if target_id not in frame.index:
            raise ValueError(f"target {target_id} is not in the registry (data/targets.csv)")
        row = frame.loc[target_id]
        if row["indicator"] not in SCORABLE or pd.isna(row["year"]):
            raise ValueError(
                f"target {target_id} ({row['indicator']}) cannot be scored on simulated "
                f"paths; scorable indicators: {', '.join(SCORABLE)}"
            )
        found.append(
            KeyTarget(
                target_id=target_id,
                indicator=str(row["indicator"]),
                year=int(row["year"]),
                comparator=str(row["comparator"]),
                value=float(row["value"]),
                basis=basis,
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class Variant:
    """Everything one variant needs, as plain picklable data.

    ``overrides`` are (scenario path, value) pairs; the scenario is ``base`` with them set.
    """

    index: int
    base: dict[str, Any]
    overrides: tuple[tuple[str, float], ...]
    seed: int
    paths: int
    targets: tuple[KeyTarget, ...]
    file: str = "<sweep>"
    calibration: Any = None  # the sweep's diffusion calibration (None: computed by a worker)


def variant_seed(sweep_seed: int, index: int, *, common: bool = False) -> int:
    """The simulation seed of variant ``index``: a pure function of the sweep seed and the
    index (numpy's SeedSequence), so the engine, the chunking or the order never matter.

    With ``common`` every variant gets the same seed (common random numbers): differences
    between variants are then the assumptions' alone, without sampling noise.
    """
    key = (_VARIANT_STREAM,) if common else (_VARIANT_STREAM, int(index))
    sequence = np.random.SeedSequence(int(sweep_seed), spawn_key=key)
    return int(sequence.generate_state(1, dtype=np.uint64)[0])


def score_targets(paths, targets: Sequence[KeyTarget]) -> dict[str, float]:
    """Probability of meeting each target and the median, as ``<id>_probability`` and
    ``<id>_median``: the scorecard's one scorer (`dxecon.models.scenarios.scorecard.score_paths`)
    on the paths alone, without the scorecard's observed-data lookups."""
    from dxecon.models.scenarios.scorecard import path_values, score_paths

    row: dict[str, float] = {}
    for target in targets:
        values = path_values(paths, target.indicator, target.year, basis=target.basis)
        score = score_paths(values, target.comparator, target.value)
        row[f"{target.target_id}_probability"] = score.probability
        row[f"{target.target_id}_median"] = score.median
    return row


def result_columns(targets: Sequence[KeyTarget]) -> list[str]:
    columns = []
    for target in targets:
        columns += [f"{target.target_id}_probability", f"{target.target_id}_median"]
    return columns


def evaluate_variant(variant: Variant) -> dict[str, Any]:
    """Build, validate, simulate and score one variant.

    An invalid combination of parameters is the variant's result, not an error of the
    sweep: the variant's scenario fails validation (`ParamsError`, or pydantic's
    ``ValidationError``), or the simulation rejects a parameter it draws (a `ParamsError`
    of `dxecon.models.scenarios.diffusion`). Any other exception is a bug and propagates with its
    traceback: it must stop the sweep, not become a row of NaN.

    Returns
    -------
    dict
        ``variant``, ``seed``, ``<id>_probability`` and ``<id>_median`` per key target, and
        ``error``: empty on success, else why the combination is invalid (the numbers are
        then NaN).
    """
    from pydantic import ValidationError

    from dxecon.core.errors import ParamsError
    from dxecon.core.params import set_dotted
    from dxecon.models.scenarios.config import scenario_from_dict
    from dxecon.models.scenarios.engine import simulate

    row: dict[str, Any] = {"variant": variant.index, "seed": variant.seed}
    data = copy.deepcopy(variant.base)
    for path, value in variant.overrides:
        set_dotted(data, path, value)
    data["seed"] = variant.seed
    data["paths"] = variant.paths
    try:
        paths = simulate(
            scenario_from_dict(data, file=variant.file), calibration=variant.calibration
        )
    except (ParamsError, ValidationError) as exc:
        row.update(dict.fromkeys(result_columns(variant.targets), math.nan))
        # The row names the variant; the reason alone reads the same for every variant
        # it stops (the count of each reason is the sweep's failure summary).
        row["error"] = exc.in_file if isinstance(exc, ParamsError) else str(exc)
        return row
    row.update(score_targets(paths, variant.targets))
    row["error"] = ""
    return row


def evaluate_variants(variants: Sequence[Variant]) -> list[dict[str, Any]]:
    """`evaluate_variant` over a chunk: one task per chunk keeps per-task overhead small."""
    return [evaluate_variant(v) for v in variants]


def worker_version() -> str:
    """dxecon's version where this runs (checks a Dask worker can import dxecon at all)."""
    import dxecon

    return dxecon.__version__
