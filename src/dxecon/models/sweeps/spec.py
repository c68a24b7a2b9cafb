"""A sweep file (``params/sweeps/NAME.yaml``) read and checked into a `Sweep`.

Everything that can be wrong with a sweep is found here, before any variant runs, in two
steps. The file's own shape is a pydantic model (`SweepFile`, validated like a scenario
file and reported in the same words by `dxecon.core.params.validation_error`): an unknown key
(with the closest valid one suggested), a wrong type, an empty range, a range that does not
fit the design. Then the file is checked against its base scenario: a parameter path that
is not a number of the base (with the closest valid path suggested), an end of a range the
scenario itself would reject, a sweep larger than the limit (with the count). Errors are
`ParamsError`s naming the file and the field. The `Sweep` (`dxecon.models.sweeps.plan`) lists
the variants.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from dxecon.core import folders
from dxecon.core.errors import ParamsError, did_you_mean
from dxecon.core.params import FieldError, load_yaml, params_path, set_dotted, validation_error
from dxecon.models.sweeps.plan import DEFAULT_SURFACE_STEPS, Parameter, Surface, Sweep

#: Readings of the productivity growth target a sweep can score (``productivity_basis``).
PRODUCTIVITY_BASES = ("real", "nominal")
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


# -- the file's shape --------------------------------------------------------------------
def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def _whole(low: int, high: int | None = None) -> Any:
    """A whole number in ``low..high`` (no bool, no float), with the range in the message."""
    expected = f"a whole number {low}..{high}" if high is not None else f"a whole number >= {low}"

    def check(value: Any) -> Any:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < low
            or (high is not None and value > high)
        ):
            raise ValueError(f"expected {expected}")
        return value

    return Annotated[int, BeforeValidator(check)]


def _choice(allowed: tuple[str, ...]) -> Any:
    """One of ``allowed``, with the closest suggested for a typo."""

    def check(value: Any) -> Any:
        if value not in allowed:
            raise ValueError(
                f"unknown value; {did_you_mean(value, allowed)}allowed: {', '.join(allowed)}"
            )
        return value

    return Annotated[str, BeforeValidator(check)]


def _boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


Number = Annotated[float, BeforeValidator(_number)]
#: "base" in place of a number: the base scenario's value of the parameter (a figure the
#: base computes from data/ at run time, e.g. a sector's growth, is never typed).
BASE = "base"


def _number_or_base(value: Any) -> Any:
    return value if value == BASE else _number(value)


NumberOrBase = Annotated[float | Literal["base"], BeforeValidator(_number_or_base)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Strict):
    """One parameter's range as a sweep file writes it (``parameters: {PATH: RANGE}``).

    A grid lists ``values`` (a bare list is short for them) or steps from ``low`` to
    ``high`` (``steps`` values, ends included, or every ``step``); a random or Latin
    hypercube design draws between ``low`` and ``high`` from a ``distribution``
    (``uniform``, ``triangular`` with a ``mode``, ``normal`` with ``mean`` and ``sd``,
    truncated to the range); ``mode: base`` or ``mean: base`` centres it on the base
    scenario's value. ``from_calibration: [5, 95]`` in place of ``low`` and ``high`` takes
    the ends from the evidence at run time: those percentiles of the diffusion calibration's
    predictive draws of a sector's speed or ceiling (`dxecon.models.scenarios.diffusion.
    predictive_range`), uniform between them.
    """

    low: Number | None = None
    high: Number | None = None
    from_calibration: tuple[Number, Number] | None = None
    steps: _whole(2) | None = None
    step: Number | None = None
    values: list[Number] | None = None
    distribution: _choice(DISTRIBUTIONS) | None = None
    mode: NumberOrBase | None = None
    mean: NumberOrBase | None = None
    sd: Number | None = None

    @model_validator(mode="before")
    @classmethod
    def _list_is_values(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"values": data}
        if not isinstance(data, dict):
            raise ValueError("expected a range such as {low: 0.05, high: 0.3} or a list of values")
        return data

    @model_validator(mode="after")
    def _a_range(self) -> Range:
        if self.values is not None:
            if not self.values:
                raise FieldError("values", "empty range: list at least one value")
            if len(set(self.values)) != len(self.values):
                raise FieldError("values", f"values repeat: {self.values}")
            return self
        if self.from_calibration is not None:
            return self._calibrated()
        low, high = self.low, self.high
        if low is None or high is None:
            missing = [k for k, v in (("low", low), ("high", high)) if v is None]
            raise ValueError(f"a range needs both ends; missing {missing}")
        if not low < high:
            raise ValueError(f"empty range: low {low:g} must be below high {high:g}")
        if self.step is not None and self.step <= 0:
            raise FieldError("step", f"expected > 0, got {self.step:g}")
        if self.distribution == "triangular":
            _centre_inside("mode", self.mode, low, high)
        if self.distribution == "normal":
            if self.mean is None or self.sd is None or self.sd <= 0:
                raise ValueError("a normal range needs 'mean' and 'sd' > 0")
            _centre_inside("mean", self.mean, low, high)
        return self

    def _calibrated(self) -> Range:
        """A range from the calibration: two percentiles, ends and shape left to them."""
        lower, upper = self.from_calibration
        if not 0 < lower < upper < 100:
            raise FieldError(
                "from_calibration",
                f"expected two percentiles 0 < lower < upper < 100, got {lower:g}, {upper:g}",
            )
        given = [
            k
            for k in ("low", "high", "values", "step", "mode", "mean", "sd")
            if getattr(self, k) is not None
        ]
        if given or self.distribution not in (None, "uniform"):
            raise FieldError(
                "from_calibration",
                "a range from the calibration takes its ends from the evidence: drop "
                f"{', '.join(given) or 'distribution'} (uniform between the percentiles; "
                "a grid may give steps)",
            )
        return self

    def with_ends(self, low: float, high: float) -> Range:
        """This range with its ends set (a calibrated range, resolved at run time)."""
        return self.model_copy(update={"low": float(low), "high": float(high)})

    def grid_values(self) -> tuple[float, ...]:
        """The grid's values: listed, or stepped from low to high."""
        if self.values is not None:
            values = list(self.values)
        elif self.steps is not None:
            values = list(np.linspace(self.low, self.high, self.steps))
        else:
            count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
            values = [self.low + i * self.step for i in range(count)]
        return tuple(round(float(v), 12) for v in values)  # 0.1 + 2*0.05 prints as 0.2


def _centre_inside(name: str, value: float | str | None, low: float, high: float) -> None:
    """A distribution's mode or mean lies within its range ("base" is checked once the base
    scenario's value is known, `_parameter`)."""
    if value is None:
        raise FieldError(name, f"the distribution needs a {name} (a number, or base)")
    if value != BASE and not low <= value <= high:
        raise FieldError(name, f"{name} {value:g} is outside its range {low:g}..{high:g}")


class SurfaceSpec(_Strict):
    """The probability surface as written: two of the parameters and the steps of each."""

    x: str
    y: str
    steps: _whole(2, 101) = DEFAULT_SURFACE_STEPS


class SweepFile(_Strict):
    """A sweep file as written (see ``params/sweeps/de_share_2030.yaml``); `sweep_from_dict`
    checks it against its base scenario and builds the `Sweep`."""

    description: str | None = None
    base: str
    key_targets: list[str]
    seed: _whole(0)
    paths: _whole(1, 1_000_000)
    common_random_numbers: Annotated[bool, BeforeValidator(_boolean)] = False
    design: _choice(DESIGNS)
    samples: _whole(1) | None = None
    notebook_samples: _whole(1) | None = None
    parameters: dict[str, Range]
    surface: SurfaceSpec | None = None
    #: How the productivity growth target is read: 'real' or 'nominal' (real growth and
    #: the GRDP deflator: the reading the deflator moves).
    productivity_basis: _choice(PRODUCTIVITY_BASES) = "real"

    @model_validator(mode="after")
    def _fits_the_design(self) -> SweepFile:
        if not self.parameters:
            raise FieldError("parameters", "list at least one parameter: path -> range")
        if not self.key_targets or len(set(self.key_targets)) != len(self.key_targets):
            raise FieldError(
                "key_targets", "list the target ids scored (data/targets.csv), each once"
            )
        grid = self.design == "grid"
        if grid and self.samples is not None:
            raise FieldError(
                "samples", "a grid's size is its values; 'samples' is for random designs"
            )
        if not grid and self.samples is None:
            raise FieldError("samples", f"the {self.design} design needs samples >= 1")
        for name, spec in self.parameters.items():
            field = f"parameters.{name}"
            if grid and spec.distribution is not None:
                raise FieldError(
                    f"{field}.distribution",
                    "a grid lists values (values, or low/high with steps or step); "
                    "distributions belong to the random and latin_hypercube designs",
                )
            if grid and spec.from_calibration is not None and spec.steps is None:
                raise FieldError(
                    field, "a grid range from the calibration needs 'steps' (number of values)"
                )
            if (
                grid
                and spec.values is None
                and spec.from_calibration is None
                and (spec.steps is None) == (spec.step is None)
            ):
                raise FieldError(
                    field,
                    "a grid range needs exactly one of 'steps' (number of values, ends "
                    "included) or 'step' (the increment)",
                )
            if not grid and (spec.values, spec.steps, spec.step) != (None, None, None):
                raise FieldError(
                    field,
                    f"values/steps/step list a grid; the {self.design} design samples from a "
                    f"distribution ({', '.join(DISTRIBUTIONS)}) between low and high",
                )
        return self


#: Keys of a sweep file.
SWEEP_KEYS = tuple(SweepFile.model_fields)
#: Keys of one parameter's range.
PARAMETER_KEYS = tuple(Range.model_fields)


def sweepable_paths(scenario: dict[str, Any]) -> dict[str, float]:
    """Every number of a scenario a sweep may vary, by dotted path (lists are not entered);
    with a ``diffusion`` block, also the sector speeds and ceilings it draws (base NaN).

    A growth's figures are its resolved ``mean`` and ``sd`` (computed from history or
    overridden): a sweep varies those, never the ``override`` that may have set them."""
    found: dict[str, float] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "override":
                    walk(value, f"{prefix}.{key}" if prefix else str(key))
        elif (
            isinstance(node, int | float)
            and not isinstance(node, bool)
            and prefix not in NOT_SWEEPABLE
        ):
            found[prefix] = float(node)

    walk(scenario, "")
    if scenario.get("diffusion"):
        # Drawn per path from the calibration (dxecon.models.scenarios.diffusion): a sweep may still
        # state a sector's speed or ceiling, which then replaces the draw for that sector.
        # Its base value is not one number: NaN.
        for code, sector in (scenario.get("sectors") or {}).items():
            intensity = sector.get("intensity") if isinstance(sector, dict) else None
            if isinstance(intensity, dict):
                for key in ("speed", "ceiling"):
                    if intensity.get(key) is None:
                        found[f"sectors.{code}.intensity.{key}"] = math.nan
    return found


# -- the file against its base scenario --------------------------------------------------
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
    raise ParamsError(
        file,
        field,
        f"unknown parameter: not a number of the base scenario; {did_you_mean(name, valid)}"
        f"valid paths: {', '.join(valid)} "
        "('*' stands for every key at its level, e.g. sectors.*.intensity.speed)",
    )


def _parameter(
    name: str, spec: Range, *, design: str, valid: dict[str, float], file: str
) -> Parameter:
    targets = _expand(name, valid, file=file)
    base_values = tuple(valid[t] for t in targets)
    quantiles = tuple(spec.from_calibration) if spec.from_calibration else None
    if design == "grid":
        values = spec.grid_values()
        return Parameter(
            name,
            targets,
            base_values,
            min(values),
            max(values),
            "grid",
            values,
            from_calibration=quantiles,
        )
    centres = {}
    for key in ("mode", "mean"):
        value = getattr(spec, key)
        if value == BASE:
            value = base_values[0]
            if any(v != value for v in base_values) or math.isnan(value):
                raise ParamsError(
                    file,
                    f"parameters.{name}.{key}",
                    "'base' needs one base value, but the base scenario's values differ or "
                    "are drawn per path; give a number",
                )
            if not spec.low <= value <= spec.high:
                raise ParamsError(
                    file,
                    f"parameters.{name}.{key}",
                    f"the base scenario's value {value:g} is outside the range "
                    f"{spec.low:g}..{spec.high:g}; widen it",
                )
        centres[key] = value
    return Parameter(
        name,
        targets,
        base_values,
        float(spec.low),
        float(spec.high),
        spec.distribution or "uniform",
        sd=spec.sd,
        from_calibration=quantiles,
        **centres,
    )


#: The lowest value a sweep may give each kind of calibrated quantity: a stated sector
#: speed is a diffusion rate (the scenario refuses a negative one), a ceiling a share.
_CALIBRATED_FLOOR = {"speed": 0.0, "ceiling": 0.0}


def _calibrated_ranges(
    parameters: dict[str, Range],
    base: dict[str, Any],
    valid: dict[str, float],
    *,
    calibration,
    file: str,
) -> dict[str, Range]:
    """Every ``from_calibration`` range with its ends from the calibration's predictive
    percentiles (`predictive_range`), on the base scenario; a wildcard's sectors must share
    them, and an end below what a scenario accepts is raised to it (`_CALIBRATED_FLOOR`)."""
    from dxecon.models.scenarios.config import scenario_from_dict
    from dxecon.models.scenarios.diffusion import predictive_range

    calibrated = {k: v for k, v in parameters.items() if v.from_calibration is not None}
    if not calibrated:
        return dict(parameters)
    scenario = scenario_from_dict(base, file=file)
    out = dict(parameters)
    for name, spec in calibrated.items():
        field = f"parameters.{name}.from_calibration"
        ends = set()
        for target in _expand(name, valid, file=file):
            try:
                low, high = predictive_range(scenario, calibration, target, spec.from_calibration)
            except ValueError as exc:
                raise ParamsError(file, field, str(exc)) from exc
            ends.add((round(low, 12), round(high, 12)))
        if len(ends) > 1:
            raise ParamsError(
                file,
                field,
                "the calibration gives each sector its own range here: list the sectors one "
                "by one instead of '*'",
            )
        low, high = ends.pop()
        floor = _CALIBRATED_FLOOR[name.rsplit(".", 1)[-1]]
        out[name] = spec.with_ends(max(low, floor), max(high, floor))
        if not out[name].low < out[name].high:
            raise ParamsError(
                file, field, f"the calibration's range {low:g}..{high:g} is empty above {floor:g}"
            )
    return out


def _check_ends(parameter: Parameter, base: dict[str, Any], *, file: str) -> None:
    """Each distinct value, one at a time around base, must be a valid scenario: an end the
    scenario rejects (a negative speed, a ceiling under the start) fails here, not 2,000
    times in the workers."""
    import copy

    from dxecon.models.scenarios.config import scenario_from_dict

    for value in sorted({parameter.low, parameter.high, *parameter.values}):
        variant = copy.deepcopy(base)
        for target in parameter.targets:
            set_dotted(variant, target, value)
        try:
            scenario_from_dict(variant, file=file)
        except ParamsError as exc:
            raise ParamsError(
                file,
                f"parameters.{parameter.name}",
                f"value {value:g} makes the base scenario invalid: {exc.in_file}",
            ) from exc


def _surface(spec: SurfaceSpec | None, names: list[str], *, file: str) -> Surface | None:
    """The surface's axes are two of the sweep's parameters (checked once the parameters
    are known to be paths of the base: a typo there is the first thing to fix)."""
    if spec is None:
        return None
    for axis in ("x", "y"):
        value = getattr(spec, axis)
        if value not in names:
            raise ParamsError(
                file,
                f"surface.{axis}",
                f"{value!r} is not one of the sweep's parameters; "
                f"{did_you_mean(value, names)}parameters: {', '.join(names)}",
            )
    if spec.x == spec.y:
        raise ParamsError(file, "surface.y", "x and y must be two different parameters")
    return Surface(spec.x, spec.y, spec.steps)


def _base_scenario(name: str, *, as_of: str, dataset: Any, file: str) -> dict[str, Any]:
    """The base scenario as a mapping, as of the sweep's date, with everything it reads
    from the data filled in (its observed start and its growth figures computed from
    history: the same numbers the base scenario's own run uses); a sweep varies these."""
    from dxecon.models.scenarios.config import load_scenario
    from dxecon.models.scenarios.start import resolve_start

    try:
        base = load_scenario(name, as_of=as_of)
    except ParamsError as exc:
        field = "as_of" if exc.field == "as_of" else "base"
        raise ParamsError(file, field, str(exc)) from exc
    base, _ = resolve_start(base, dataset, file=file)
    return base.model_dump()


def _resolve(source: str | Path) -> Path:
    path = Path(source)
    if path.suffix in (".yaml", ".yml"):
        return path
    path = params_path(source, "sweeps")
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
    as_of: str,
    paths_per_variant: int | None = None,
    limit: int = DEFAULT_LIMIT,
    dataset: Any = None,
    calibration: Any = None,
) -> Sweep:
    """Read and validate a sweep by name (``params/sweeps/NAME.yaml``) or path.

    Parameters
    ----------
    source : str or path
        A shipped sweep's name or a YAML file.
    as_of : 'YYYY-MM'
        The run's vintage: the base scenario's start and growth figures are read from the
        data as of then (a scenario file holds no date).
    paths_per_variant : int, optional
        Overrides the file's ``paths``.
    limit : int
        Largest number of variants accepted.
    dataset, calibration : optional
        As in `sweep_from_dict` (default: the shipped data, its calibration as of ``as_of``).

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
        load_yaml(path),
        name=path.stem,
        file=_shown(path),
        as_of=as_of,
        limit=limit,
        dataset=dataset,
        calibration=calibration,
        **overrides,
    )


def sweep_from_dict(
    data: dict[str, Any],
    *,
    name: str,
    file: str = "<dict>",
    as_of: str,
    limit: int = DEFAULT_LIMIT,
    dataset: Any = None,
    calibration: Any = None,
    **overrides: Any,
) -> Sweep:
    """Validate a mapping as a sweep (see `load_sweep`); ``dataset`` (default: the shipped
    data) gives the base scenario's observed start and the key targets; ``calibration``
    (default: the start measure's as of ``as_of``, `start_calibration`) the ends of the
    ranges ``from_calibration``, and every variant's diffusion draws."""
    from dxecon.data import load_dataset
    from dxecon.data.targets import TargetRegistry
    from dxecon.models.scenarios.diffusion import start_calibration

    try:
        spec = SweepFile.model_validate({**data, **overrides})
    except ValidationError as exc:
        raise validation_error(exc, file=file, model=SweepFile) from exc
    dataset = dataset if dataset is not None else load_dataset()
    known = set(TargetRegistry(dataset).frame["target_id"])
    unknown = [t for t in spec.key_targets if t not in known]
    if unknown:
        raise ParamsError(
            file,
            "key_targets",
            f"{unknown[0]} is not a target of data/targets.csv; "
            f"{did_you_mean(unknown[0], sorted(known))}",
        )
    # Variants vary assumptions around the base's observed start, read from the data as of
    # the sweep's date (the same start the base scenario's own run uses).
    base = _base_scenario(spec.base, as_of=as_of, dataset=dataset, file=file)
    valid = sweepable_paths(base)
    if base.get("diffusion") and calibration is None:
        calibration = start_calibration(dataset, as_of)
    ranges = _calibrated_ranges(spec.parameters, base, valid, calibration=calibration, file=file)
    parameters = tuple(
        _parameter(str(key), value, design=spec.design, valid=valid, file=file)
        for key, value in ranges.items()
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
    surface = _surface(spec.surface, [p.name for p in parameters], file=file)
    sweep = Sweep(
        name=name,
        file=file,
        description=(spec.description or "").strip(),
        base=spec.base,
        base_scenario=base,
        seed=spec.seed,
        paths=spec.paths,
        common_random_numbers=spec.common_random_numbers,
        design=spec.design,
        samples=spec.samples,
        parameters=parameters,
        surface=surface,
        productivity_basis=spec.productivity_basis,
        key_targets=tuple(spec.key_targets),
        calibration=calibration,
    )
    if sweep.size > limit:
        detail = ", ".join(f"{k} {v:,}" for k, v in sweep.counts().items() if v)
        raise ParamsError(
            file,
            "parameters" if spec.design == "grid" else "samples",
            f"the sweep has {sweep.size:,} variants ({detail}), more than the limit {limit:,}; "
            "use fewer steps or samples, or raise the limit (--limit)",
        )
    for p in parameters:
        _check_ends(p, base, file=file)
    return sweep
