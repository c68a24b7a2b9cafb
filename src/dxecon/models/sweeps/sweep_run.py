"""One call from a validated sweep to its result table, tornado and probability surface."""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dxecon.core.errors import DxeconError
from dxecon.core.io import write_csv_atomic
from dxecon.models.sweeps.evaluate import KeyTarget, Variant, key_targets, variant_seed
from dxecon.models.sweeps.plan import Sweep

TORNADO_COLUMNS = [
    "target_id",
    "rank",
    "parameter",
    "base_value",
    "low_value",
    "high_value",
    "probability_base",
    "probability_low",
    "probability_high",
    "probability_swing",
    "median_base",
    "median_low",
    "median_high",
    "median_swing",
]


def build_variants(
    sweep: Sweep, plan: pd.DataFrame, targets: tuple[KeyTarget, ...]
) -> list[Variant]:
    """One `Variant` per plan row (a NaN value keeps the base scenario's own values)."""
    variants = []
    for values in plan.to_dict("records"):
        overrides = []
        for parameter in sweep.parameters:
            value = float(values[parameter.name])
            if not math.isnan(value):
                overrides += [(target, value) for target in parameter.targets]
        index = int(values["variant"])
        variants.append(
            Variant(
                index=index,
                base=sweep.base_scenario,
                overrides=tuple(overrides),
                seed=variant_seed(sweep.seed, index, common=sweep.common_random_numbers),
                paths=sweep.paths,
                targets=targets,
                file=sweep.file,
                calibration=sweep.calibration,
            )
        )
    return variants


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: ``table`` has one row per variant (plan columns, seed, probability
    and median per key target, error)."""

    sweep: Sweep
    targets: tuple[KeyTarget, ...]
    table: pd.DataFrame
    engine: str
    seconds: float

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.sweep.parameters]

    def failures(self) -> pd.DataFrame:
        """Variants that failed, with their parameter values and the reason."""
        failed = self.table[self.table["error"] != ""]
        return failed[["variant", "group", *self.parameter_names, "error"]]

    def failure_reasons(self) -> pd.DataFrame:
        """Why variants failed: one row per distinct reason, in the order first met, with
        the number of variants it stopped and the first of them."""
        failed = self.table.loc[self.table["error"] != "", ["variant", "error"]]
        grouped = failed.groupby("error", sort=False)["variant"]
        frame = pd.DataFrame({"variants": grouped.size(), "first_variant": grouped.min()})
        return frame.rename_axis("reason").reset_index()

    def tornado(self) -> pd.DataFrame:
        """One-at-a-time sensitivity: for each key target and parameter, the probability and
        median with the parameter at its low and high end (the others at base), ranked by
        the swing in probability (then in the median) within each target."""
        table = self.table.set_index("variant")
        base = table[table["group"] == "base"].iloc[0]
        ends = table[table["group"] == "tornado"]
        rows = []
        for target in self.targets:
            prob, med = f"{target.target_id}_probability", f"{target.target_id}_median"
            for parameter in self.sweep.parameters:
                mine = ends[ends["varied"] == parameter.name].set_index("end")
                low, high = mine.loc["low"], mine.loc["high"]
                rows.append(
                    {
                        "target_id": target.target_id,
                        "parameter": parameter.name,
                        "base_value": parameter.base_value,
                        "low_value": parameter.low,
                        "high_value": parameter.high,
                        "probability_base": base[prob],
                        "probability_low": low[prob],
                        "probability_high": high[prob],
                        "probability_swing": abs(high[prob] - low[prob]),
                        "median_base": base[med],
                        "median_low": low[med],
                        "median_high": high[med],
                        "median_swing": abs(high[med] - low[med]),
                    }
                )
        frame = pd.DataFrame(rows)
        frame = frame.sort_values(
            ["target_id", "probability_swing", "median_swing", "parameter"],
            ascending=[True, False, False, True],
            kind="mergesort",
        )
        frame["rank"] = frame.groupby("target_id").cumcount() + 1
        return frame.reindex(columns=TORNADO_COLUMNS).reset_index(drop=True)

    def surface(self, target_id: str, metric: str = "probability") -> pd.DataFrame:
        """The probability (or median) surface of one target: rows are the y values (high
        at the top), columns the x values."""
        if self.sweep.surface is None:
            raise ValueError(f"sweep {self.sweep.name} defines no surface")
        x, y = self.sweep.surface.x, self.sweep.surface.y
        rows = self.table[self.table["group"] == "surface"]
        grid = rows.pivot(index=y, columns=x, values=f"{target_id}_{metric}")
        return grid.sort_index(ascending=False)

    def surface_table(self) -> pd.DataFrame:
        """The surface rows in long form: x, y, and every target's probability and median."""
        if self.sweep.surface is None:
            return pd.DataFrame()
        x, y = self.sweep.surface.x, self.sweep.surface.y
        values = [c for c in self.table.columns if c.endswith(("_probability", "_median"))]
        rows = self.table[self.table["group"] == "surface"]
        return rows[["variant", x, y, *values]].reset_index(drop=True)

    def sample_summary(self) -> pd.DataFrame:
        """Across the design's sample: the share of variants where each target is more
        likely than not, and the spread of its probability."""
        sample = self.table[(self.table["group"] == "sample") & (self.table["error"] == "")]
        rows = []
        for target in self.targets:
            prob = sample[f"{target.target_id}_probability"]
            rows.append(
                {
                    "target_id": target.target_id,
                    "variants": len(prob),
                    "share_likely": float((prob > 0.5).mean()) if len(prob) else math.nan,
                    "probability_p10": prob.quantile(0.1),
                    "probability_median": prob.median(),
                    "probability_p90": prob.quantile(0.9),
                }
            )
        return pd.DataFrame(rows)

    def rank_correlations(self) -> pd.DataFrame:
        """Across the sample (every parameter moving at once): the Spearman rank correlation
        of each parameter with each target's probability. A global complement to the
        one-at-a-time tornado; NaN where a probability does not vary."""
        sample = self.table[(self.table["group"] == "sample") & (self.table["error"] == "")]
        ranks = sample[self.parameter_names].rank()
        out = {}
        for target in self.targets:
            probability = sample[f"{target.target_id}_probability"].rank()
            if probability.nunique() <= 1:
                out[target.target_id] = pd.Series(np.nan, index=self.parameter_names)
            else:
                out[target.target_id] = ranks.corrwith(probability)
        frame = pd.DataFrame(out)
        frame.index.name = "parameter"
        return frame

    def folder(self, outputs_dir: Path) -> Path:
        return Path(outputs_dir) / self.sweep.as_of / "sweeps" / self.sweep.name

    def write(self, outputs_dir: Path) -> Path:
        """Write ``results.csv``, ``tornado.csv`` (the summary) and, with a surface,
        ``surface.csv`` under OUTPUTS/<as-of>/sweeps/<name>/, each atomically."""
        folder = self.folder(outputs_dir)
        write_csv_atomic(self.table, folder / "results.csv")
        write_csv_atomic(self.tornado(), folder / "tornado.csv")
        if self.sweep.surface is not None:
            write_csv_atomic(self.surface_table(), folder / "surface.csv")
        return folder


def _check_budget(sweep: Sweep, engine: str, workers: int | None) -> None:
    """The resource budget, before any variant runs: variants simulated at once on this
    machine (one per local worker) each take ``paths x sectors x years``."""
    import os

    from dxecon.models.scenarios.budget import check_budget

    base = sweep.base_scenario
    at_once = (workers or os.cpu_count() or 1) if engine == "local" else 1
    check_budget(
        sweep.paths,
        len(base["sectors"]),
        max(1, int(base["horizon"]) - int(base["base_year"])),
        what=f"sweep '{sweep.name}'",
        concurrent=at_once,
    )


def run_sweep(
    sweep: Sweep,
    *,
    engine: str | None = None,
    workers: int | None = None,
    scheduler=None,
    chunk_size: int | None = None,
    progress: bool = False,
    registry=None,
    task_timeout: float | None = None,
) -> SweepResult:
    """Run every variant of a sweep and gather the tidy result table.

    Parameters
    ----------
    sweep : Sweep
        From `load_sweep` (already validated).
    engine : {'local', 'serial', 'dask'}, optional
        ``local``: a process pool on this machine; ``dask``: an existing cluster. Default:
        ``local``, but ``serial`` inside a notebook kernel: a pool started there needs a
        forkserver (forking a threaded kernel can deadlock), which costs more than a
        notebook-sized sweep (notebook 07: 8.3 s with the pool, 1.9 s as a script on the
        same machine), and the runner already runs notebooks side by side on every core.
    workers : int, optional
        Local pool size (default: all cores).
    scheduler : str or distributed.Client, optional
        For ``engine='dask'`` (implied when given).
    progress : bool
        Show a progress bar on stderr.
    registry : TargetRegistry, optional
        Where the key targets come from (default: the shipped data's).
    task_timeout : float, optional
        Dask: seconds to wait for the next chunk before the rest fail.
    """
    from tqdm import tqdm

    from dxecon.models.sweeps.engines import local_context, map_variants

    if scheduler is not None:
        engine = "dask"
    elif engine is None:
        engine = "serial" if "ipykernel" in sys.modules else "local"
    if registry is None:
        from dxecon.data import load_dataset
        from dxecon.data.targets import TargetRegistry

        registry = TargetRegistry(load_dataset())
    targets = key_targets(registry, sweep.key_targets, basis=sweep.productivity_basis)
    _check_budget(sweep, engine, workers)
    plan = sweep.plan()
    variants = build_variants(sweep, plan, targets)
    start = time.perf_counter()
    # Chosen before the progress bar starts its monitor thread (see `local_context`).
    context = local_context() if engine == "local" else None
    bar = tqdm(
        total=len(variants),
        desc=f"sweep {sweep.name} ({engine})",
        unit="variant",
        file=sys.stderr,
        disable=not progress,
    )
    try:
        rows = map_variants(
            variants,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
            chunk_size=chunk_size,
            progress=bar.update,
            mp_context=context,
            task_timeout=task_timeout,
        )
    finally:
        bar.close()
    seconds = time.perf_counter() - start
    if rows and all(str(row["error"]).startswith("engine:") for row in rows):
        # Not bad variants but a broken engine (workers that cannot start or import dxecon):
        # a table of nothing but that error would only hide it.
        raise DxeconError(f"every chunk failed on the {engine} engine: {rows[0]['error']}")
    results = pd.DataFrame(rows).set_index("variant")
    table = plan.join(results, on="variant")
    return SweepResult(sweep, targets, table, engine, seconds)
