"""Sensitivity sweeps: thousands of scenario variants, on this machine or a Dask cluster.

A sweep file (``params/sweeps/NAME.yaml``) varies scenario assumptions, addressed by dotted
paths (``sectors.ind_con.intensity.speed``), around a shipped base scenario. Each variant is
simulated with its own seed and scored on the key targets the file names; the result is one
tidy table (one row per variant), a one-at-a-time tornado and a two-parameter probability
surface.

>>> from dxecon.models.sweeps import load_sweep, run_sweep  # doctest: +SKIP
>>> result = run_sweep(load_sweep("de_share_2030", as_of="2026-10"))  # all local cores
>>> result = run_sweep(sweep, scheduler="tcp://10.0.0.5:8786")  # an existing Dask cluster
>>> result.tornado(); result.surface("TGT021"); result.write(outputs_dir)

Importing this package loads numpy and pandas, never Dask or matplotlib.
"""

from dxecon.models.sweeps.evaluate import (
    KeyTarget,
    Variant,
    evaluate_variant,
    evaluate_variants,
    key_targets,
    variant_seed,
)
from dxecon.models.sweeps.plan import Parameter, Surface, Sweep
from dxecon.models.sweeps.spec import (
    DEFAULT_LIMIT,
    available_sweeps,
    load_sweep,
    sweep_from_dict,
    sweepable_paths,
)
from dxecon.models.sweeps.sweep_run import SweepResult, build_variants, run_sweep

__all__ = [
    "DEFAULT_LIMIT",
    "KeyTarget",
    "Parameter",
    "Surface",
    "Sweep",
    "SweepResult",
    "Variant",
    "available_sweeps",
    "build_variants",
    "evaluate_variant",
    "evaluate_variants",
    "key_targets",
    "load_sweep",
    "run_sweep",
    "sweep_from_dict",
    "sweepable_paths",
    "variant_seed",
]
