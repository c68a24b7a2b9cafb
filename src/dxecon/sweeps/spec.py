"""A sweep file (``params/sweeps/NAME.yaml``) read, checked and turned into a plan of variants.

Everything that can be wrong with a sweep is found here, before any variant runs: an unknown
key, a parameter path that is not a number of the base scenario (with the closest valid path
suggested), an empty range, an end of a range the scenario itself would reject, a sweep larger
than the limit (with the count). Errors are `ParamsError`s naming the file and the field.

The plan is a table with one row per variant: the base scenario, the one-at-a-time ends of
every parameter (the tornado), the two-parameter grid of the probability surface and the
design's sample (a full grid, a random sample or a Latin hypercube).
"""

from __future__ import annotations

import difflib
import itertools
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dxecon import folders
from dxecon.errors import ParamsError
from dxecon.params import check_keys, load_yaml, set_dotted

#: Keys of a sweep file.
SWEEP_KEYS = (
    "description",
    "base",
    "seed",
    "paths",
    "common_random_numbers",
    "design",
    "samples",
    "notebook_samples",
    "parameters",
    "surface",
    "productivity_basis",
)
#: Readings of the productivity growth target a sweep can score (``productivity_basis``).
PRODUCTIVITY_BASES = ("real", "nominal")
#: Keys of one parameter's range.
PARAMETER_KEYS = ("low", "high", "steps", "step", "values", "distribution", "mode", "mean", "sd")
DESIGNS = ("grid", "random", "latin_hypercube")
DISTRIBUTIONS = ("uniform", "triangular", "normal")
#: Scenario numbers a sweep may not vary: they set the simulated years or the Monte Carlo
#: itself (the sweep sets paths and seeds), so varying them would not be an assumption.
NOT_SWEEPABLE = {
    "base_year": "defines the simulated years",
    "horizon": "defines the simulated years",
    "paths": "is set by the sweep's 'paths'",
    "seed": "is derived per variant from the sweep's 'seed'",
}
#: Default cap on the number of variants (a typo in 'steps' should not start a week's run).
DEFAULT_LIMIT = 20_000
DEFAULT_SURFACE_STEPS = 9
#: Plan groups, in plan order.
GROUPS = ("base", "tornado", "surface", "sample")


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

    Build it with `load_sweep` or `sweep_from_parameters`; `plan` lists its variants.
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
        """The swept assumptions, one row each: what a reader checks first."""
        rows = []
        for p in self.parameters:
            if p.distribution == "grid":
                shape = f"grid of {len(p.values)} values"
            elif p.distribution == "triangular":
                shape = f"triangular, mode {p.mode:g}"
            elif p.distribution == "normal":
                shape = f"normal, mean {p.mean:g}, sd {p.sd:g}, truncated"
            else:
                shape = "uniform"
            rows.append(
                {
                    "parameter": p.name,
                    "meaning": describe(p.name),
                    "base": p.base_value,
                    "low": p.low,
                    "high": p.high,
                    "range": shape,
                }
            )
        return pd.DataFrame(rows)

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


_SECTORS = {
    "agro": "agriculture",
    "ind_con": "industry & construction",
    "services": "services",
    "taxes": "product taxes",
    "*": "every sector",
}
_LEAVES = {
    "growth.mean": "real growth, mean (%/yr)",
    "growth.sd": "real growth, sd (pp)",
    "intensity.start": "digital share at base (% of value added)",
    "intensity.ceiling": "digital share ceiling (% of value added)",
    "intensity.speed": "digital diffusion speed (logistic rate /yr)",
    "intensity.speed_sd": "diffusion speed, sd across paths (/yr)",
    "weight": "weight in GRDP at base (%)",
    "mean": "mean (%/yr)",
    "sd": "sd (pp)",
}


def describe(name: str) -> str:
    """A reader's label with units for a parameter path (the path itself when unknown)."""
    parts = name.split(".")
    if parts[0] == "sectors" and len(parts) >= 3:
        leaf = _LEAVES.get(".".join(parts[2:]), ".".join(parts[2:]))
        return f"{_SECTORS.get(parts[1], parts[1])}: {leaf}"
    if parts[0] == "employment" and parts[1:] == ["growth", "mean"]:
        return "employment growth, mean (%/yr)"
    if parts[0] == "deflator" and len(parts) == 2:
        return f"GRDP deflator, {_LEAVES.get(parts[1], parts[1])}"
    if name == "correlation":
        return "correlation of sector growth shocks (0-1)"
    return name


def sweepable_paths(scenario: dict[str, Any]) -> dict[str, float]:
    """Every number of a scenario a sweep may vary, by dotted path (lists are not entered);
    with a ``diffusion`` block, also the sector speeds and ceilings it draws (base NaN)."""
    found: dict[str, float] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}.{key}" if prefix else str(key))
        elif (
            isinstance(node, int | float)
            and not isinstance(node, bool)
            and prefix not in NOT_SWEEPABLE
        ):
            found[prefix] = float(node)

    walk(scenario, "")
    if scenario.get("diffusion"):
        # Drawn per path from the calibration (dxecon.scenarios.diffusion): a sweep may still
        # state a sector's speed or ceiling, which then replaces the draw for that sector.
        # Its base value is not one number: NaN.
        for code, sector in (scenario.get("sectors") or {}).items():
            intensity = sector.get("intensity") if isinstance(sector, dict) else None
            if isinstance(intensity, dict):
                for key in ("speed", "ceiling"):
                    if intensity.get(key) is None:
                        found[f"sectors.{code}.intensity.{key}"] = math.nan
    return found


set_path = set_dotted  # the one dotted-key setter (dxecon.params)


def _expand(name: str, valid: dict[str, float], *, file: str) -> tuple[str, ...]:
    field = f"parameters.{name}"
    if name in NOT_SWEEPABLE:
        raise ParamsError(file, field, f"'{name}' cannot be swept: it {NOT_SWEEPABLE[name]}")
    pattern = name.split(".")
    matches = tuple(
        path
        for path in valid
        if len(path.split(".")) == len(pattern)
        and all(want in ("*", got) for want, got in zip(pattern, path.split("."), strict=True))
    )
    if matches:
        return matches
    close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    shown = ", ".join(valid)
    raise ParamsError(
        file,
        field,
        f"unknown parameter: not a number of the base scenario; {hint}valid paths: {shown} "
        "('*' stands for every key at its level, e.g. sectors.*.intensity.speed)",
    )


def _number(spec: dict[str, Any], key: str, *, file: str, field: str) -> float | None:
    if key not in spec or spec[key] is None:
        return None
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParamsError(file, f"{field}.{key}", f"expected a finite number, got {value!r}")
    return float(value)


def _parameter(
    name: str, spec: Any, *, design: str, valid: dict[str, float], file: str
) -> Parameter:
    field = f"parameters.{name}"
    targets = _expand(name, valid, file=file)
    if isinstance(spec, list):  # shorthand: a list of values
        spec = {"values": spec}
    if not isinstance(spec, dict):
        raise ParamsError(
            file, field, f"expected a mapping such as {{low: 0.05, high: 0.3}}, got {spec!r}"
        )
    check_keys(spec, PARAMETER_KEYS, file=file, prefix=f"{field}.")
    numeric = [k for k in PARAMETER_KEYS if k not in ("values", "distribution")]
    num = {k: _number(spec, k, file=file, field=field) for k in numeric}
    base_values = tuple(valid[t] for t in targets)
    low, high = num["low"], num["high"]

    if design == "grid":
        if "distribution" in spec:
            raise ParamsError(
                file,
                f"{field}.distribution",
                "a grid lists values (values, or low/high with steps or step); "
                "distributions belong to the random and latin_hypercube designs",
            )
        if "values" in spec:
            raw = spec["values"]
            if not isinstance(raw, list) or not raw:
                raise ParamsError(file, f"{field}.values", "empty range: list at least one value")
            values = [_number({"v": v}, "v", file=file, field=f"{field}.values") for v in raw]
            if len(set(values)) != len(values):
                raise ParamsError(file, f"{field}.values", f"values repeat: {raw}")
        else:
            _check_range(low, high, file=file, field=field)
            steps, step = num["steps"], num["step"]
            if (steps is None) == (step is None):
                raise ParamsError(
                    file,
                    field,
                    "a grid range needs exactly one of 'steps' (number of values, ends "
                    "included) or 'step' (the increment)",
                )
            if steps is not None:
                if steps != int(steps) or steps < 2:
                    raise ParamsError(
                        file, f"{field}.steps", f"expected a whole number >= 2, got {steps:g}"
                    )
                values = list(np.linspace(low, high, int(steps)))
            else:
                if step <= 0:
                    raise ParamsError(file, f"{field}.step", f"expected > 0, got {step:g}")
                count = math.floor((high - low) / step + 1e-9) + 1
                values = [low + i * step for i in range(count)]
        values = [round(v, 12) for v in values]  # 0.1 + 2*0.05 prints as 0.2, not 0.2000...04
        return Parameter(
            name, targets, base_values, min(values), max(values), "grid", tuple(values)
        )

    if "values" in spec or "steps" in spec or "step" in spec:
        raise ParamsError(
            file,
            field,
            f"values/steps/step list a grid; the {design} design samples from a distribution "
            f"({', '.join(DISTRIBUTIONS)}) between low and high",
        )
    distribution = spec.get("distribution", "uniform")
    if distribution not in DISTRIBUTIONS:
        raise ParamsError(
            file,
            f"{field}.distribution",
            f"unknown distribution {distribution!r}; allowed: {', '.join(DISTRIBUTIONS)}",
        )
    _check_range(low, high, file=file, field=field)
    mode, mean, sd = num["mode"], num["mean"], num["sd"]
    if distribution == "triangular" and (mode is None or not low <= mode <= high):
        raise ParamsError(
            file, f"{field}.mode", f"a triangular range needs low <= mode <= high, got {mode}"
        )
    if distribution == "normal":
        if mean is None or sd is None or sd <= 0:
            raise ParamsError(file, field, "a normal range needs 'mean' and 'sd' > 0")
        if not low <= mean <= high:
            raise ParamsError(
                file, f"{field}.mean", f"mean {mean:g} is outside its range {low:g}..{high:g}"
            )
    return Parameter(name, targets, base_values, low, high, distribution, (), mode, mean, sd)


def _check_range(low: float | None, high: float | None, *, file: str, field: str) -> None:
    if low is None or high is None:
        missing = [k for k, v in (("low", low), ("high", high)) if v is None]
        raise ParamsError(file, field, f"a range needs both ends; missing {missing}")
    if not low < high:
        raise ParamsError(file, field, f"empty range: low {low:g} must be below high {high:g}")


def _check_ends(
    parameter: Parameter, base: dict[str, Any], *, file: str, known_values: list[float]
) -> None:
    """Each distinct value, one at a time around base, must be a valid scenario: an end the
    scenario rejects (a negative speed, a ceiling under the start) fails here, not 2,000
    times in the workers."""
    import copy

    from dxecon.scenarios.config import scenario_from_dict

    for value in sorted(set(known_values)):
        variant = copy.deepcopy(base)
        for target in parameter.targets:
            set_path(variant, target, value)
        try:
            scenario_from_dict(variant, file=file)
        except ParamsError as exc:
            message = str(exc).removeprefix(f"{file}, ").removeprefix(f"{file}: ")
            raise ParamsError(
                file,
                f"parameters.{parameter.name}",
                f"value {value:g} makes the base scenario invalid: {message}",
            ) from exc


def _resolve(source: str | Path) -> Path:
    path = Path(source)
    if path.suffix in (".yaml", ".yml"):
        return path
    path = folders.PARAMS_DIR / "sweeps" / f"{source}.yaml"
    if not path.is_file():
        shipped = ", ".join(available_sweeps()) or "none"
        raise ParamsError(str(path), None, f"unknown sweep '{source}'; shipped: {shipped}")
    return path


def _shown(path: Path) -> str:
    """A file as messages show it: relative to the project when inside it (no machine paths
    in stored notebook outputs)."""
    try:
        return str(path.resolve().relative_to(folders.PROJECT_ROOT))
    except ValueError:
        return str(path)


def available_sweeps() -> list[str]:
    """Names of the shipped sweeps (``params/sweeps/*.yaml``)."""
    return sorted(p.stem for p in (folders.PARAMS_DIR / "sweeps").glob("*.yaml"))


def load_sweep(
    source: str | Path,
    *,
    as_of: str | None = None,
    paths_per_variant: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Sweep:
    """Read and validate a sweep by name (``params/sweeps/NAME.yaml``) or path.

    Parameters
    ----------
    source : str or path
        A shipped sweep's name or a YAML file.
    as_of : 'YYYY-MM', optional
        Vintage for every variant (default: the base scenario's).
    paths_per_variant : int, optional
        Overrides the file's ``paths``.
    limit : int
        Largest number of variants accepted.

    Raises
    ------
    ParamsError
        For anything wrong with the file, naming the file and field (see module docstring).
    """
    path = _resolve(source)
    overrides: dict[str, Any] = {}
    if paths_per_variant is not None:
        overrides["paths"] = paths_per_variant
    return sweep_from_dict(
        load_yaml(path), name=path.stem, file=_shown(path), as_of=as_of, limit=limit, **overrides
    )


def sweep_from_parameters(
    sweep: str, *, as_of: str | None = None, limit: int = DEFAULT_LIMIT, **overrides: Any
) -> Sweep:
    """A sweep from notebook parameters: the named file with every override that is not None
    laid over it (the notebook declares each key of a sweep file)."""
    unknown = sorted(set(overrides) - set(SWEEP_KEYS))
    if unknown:
        raise ParamsError(
            "<notebook parameters>", unknown[0], f"not a sweep key; allowed: {SWEEP_KEYS}"
        )
    path = _resolve(sweep)
    data = load_yaml(path)
    data.update({k: v for k, v in overrides.items() if v is not None})
    return sweep_from_dict(data, name=path.stem, file=_shown(path), as_of=as_of, limit=limit)


def sweep_from_dict(
    data: dict[str, Any],
    *,
    name: str,
    file: str = "<dict>",
    as_of: str | None = None,
    limit: int = DEFAULT_LIMIT,
    dataset: Any = None,
    **overrides: Any,
) -> Sweep:
    """Validate a mapping as a sweep (see `load_sweep`); ``dataset`` (default: the shipped
    data) gives the base scenario's observed start."""
    from dxecon.scenarios.config import load_scenario

    data = {**data, **overrides}
    check_keys(data, SWEEP_KEYS, file=file)
    for key in ("base", "seed", "paths", "design", "parameters"):
        if key not in data:
            raise ParamsError(file, key, "required field is missing")
    base_name = data["base"]
    if not isinstance(base_name, str):
        raise ParamsError(file, "base", f"expected a scenario name, got {base_name!r}")
    try:
        base = load_scenario(base_name)
    except ParamsError as exc:
        raise ParamsError(file, "base", str(exc)) from exc
    base_dict = base.model_dump()
    if as_of is not None:
        base_dict["as_of"] = as_of
        try:
            from dxecon.scenarios.config import scenario_from_dict

            base = scenario_from_dict(base_dict, file=file)
        except ParamsError as exc:
            raise ParamsError(file, "as_of", str(exc)) from exc
    # Variants vary assumptions around the base's observed start, read from the data as of
    # the sweep's date (the same start the base scenario's own run uses).
    from dxecon.data import load_dataset
    from dxecon.scenarios.start import resolve_start

    base, _ = resolve_start(base, dataset or load_dataset(), file=file)
    base_dict = base.model_dump()

    seed, n_paths = data["seed"], data["paths"]
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParamsError(file, "seed", f"expected a whole number >= 0, got {seed!r}")
    if isinstance(n_paths, bool) or not isinstance(n_paths, int) or not 1 <= n_paths <= 1_000_000:
        raise ParamsError(file, "paths", f"expected a whole number 1..1000000, got {n_paths!r}")
    common = data.get("common_random_numbers", False)
    if not isinstance(common, bool):
        raise ParamsError(file, "common_random_numbers", f"expected true or false, got {common!r}")
    design = data["design"]
    if design not in DESIGNS:
        raise ParamsError(
            file, "design", f"unknown design {design!r}; allowed: {', '.join(DESIGNS)}"
        )
    samples = data.get("samples")
    if design == "grid" and samples is not None:
        raise ParamsError(
            file, "samples", "a grid's size is its values; 'samples' is for random designs"
        )
    if design != "grid" and (
        isinstance(samples, bool) or not isinstance(samples, int) or samples < 1
    ):
        raise ParamsError(
            file, "samples", f"the {design} design needs samples >= 1, got {samples!r}"
        )

    shown = data.get("notebook_samples")
    if shown is not None and (isinstance(shown, bool) or not isinstance(shown, int) or shown < 1):
        raise ParamsError(
            file, "notebook_samples", f"expected a number of samples >= 1, got {shown!r}"
        )

    specs = data["parameters"]
    if not isinstance(specs, dict) or not specs:
        raise ParamsError(file, "parameters", "list at least one parameter: path -> range")
    valid = sweepable_paths(base_dict)
    parameters = tuple(
        _parameter(str(key), spec, design=design, valid=valid, file=file)
        for key, spec in specs.items()
    )
    owner: dict[str, str] = {}
    for p in parameters:
        for target in p.targets:
            if target in owner:
                raise ParamsError(
                    file,
                    f"parameters.{p.name}",
                    f"sets {target}, which '{owner[target]}' already sets; keep one",
                )
            owner[target] = p.name

    surface = _surface(data.get("surface"), parameters, file=file)
    basis = data.get("productivity_basis", "real")
    if basis not in PRODUCTIVITY_BASES:
        raise ParamsError(
            file,
            "productivity_basis",
            f"expected one of {', '.join(PRODUCTIVITY_BASES)}, got {basis!r}",
        )
    sweep = Sweep(
        name=name,
        file=file,
        description=str(data.get("description") or "").strip(),
        base=base_name,
        base_scenario=base_dict,
        seed=seed,
        paths=n_paths,
        common_random_numbers=common,
        design=design,
        samples=samples,
        parameters=parameters,
        surface=surface,
        productivity_basis=basis,
    )
    counts = sweep.counts()
    if sweep.size > limit:
        detail = ", ".join(f"{k} {v:,}" for k, v in counts.items() if v)
        raise ParamsError(
            file,
            "parameters" if design == "grid" else "samples",
            f"the sweep has {sweep.size:,} variants ({detail}), more than the limit {limit:,}; "
            "use fewer steps or samples, or raise the limit (--limit)",
        )
    for p in parameters:
        _check_ends(p, base_dict, file=file, known_values=[p.low, p.high, *p.values])
    return sweep


def _surface(spec: Any, parameters: tuple[Parameter, ...], *, file: str) -> Surface | None:
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise ParamsError(file, "surface", f"expected {{x: PATH, y: PATH, steps: N}}, got {spec!r}")
    check_keys(spec, ("x", "y", "steps"), file=file, prefix="surface.")
    names = [p.name for p in parameters]
    for axis in ("x", "y"):
        if spec.get(axis) not in names:
            close = difflib.get_close_matches(str(spec.get(axis)), names, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ParamsError(
                file,
                f"surface.{axis}",
                f"{spec.get(axis)!r} is not one of the sweep's parameters; {hint}"
                f"parameters: {', '.join(names)}",
            )
    if spec["x"] == spec["y"]:
        raise ParamsError(file, "surface.y", "x and y must be two different parameters")
    steps = spec.get("steps", DEFAULT_SURFACE_STEPS)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 2 <= steps <= 101:
        raise ParamsError(file, "surface.steps", f"expected a whole number 2..101, got {steps!r}")
    return Surface(spec["x"], spec["y"], steps)
