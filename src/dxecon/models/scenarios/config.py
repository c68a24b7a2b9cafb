"""A scenario is a YAML file of assumptions; this module reads and checks it.

Validation is pydantic's (types, ranges, unknown keys), translated into `ParamsError`s that
name the file, the field path, the bad value and what is allowed, with the closest valid
key suggested for a typo. Everything is checked before any computation starts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from dxecon.core import folders
from dxecon.core.errors import ParamsError, did_you_mean
from dxecon.core.folders import RESERVED_NAMES, slugify
from dxecon.core.params import FieldError, load_yaml, params_path, validation_error
from dxecon.core.places import ANY_PLACE

Pct = Annotated[float, Field(ge=-50.0, le=50.0)]
NonNegPct = Annotated[float, Field(ge=0.0, le=50.0)]
Share = Annotated[float, Field(gt=0.0, le=100.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Year = Annotated[int, Field(ge=1900, le=2100)]
#: Statistics a computed growth figure can be centred on (``centre:``).
CENTRES = ("mean", "max", "min")


class Override(_Strict):
    """A figure computed from ``data/`` replaced by hand (the mean, the sd or both), with the
    reason; the run's start table shows it beside the figure it replaces."""

    mean: Pct | None = None
    sd: NonNegPct | None = None
    reason: Annotated[str, Field(min_length=3)]

    @model_validator(mode="after")
    def _replaces_something(self) -> Override:
        if self.mean is None and self.sd is None:
            raise ValueError("state the mean, the sd or both that replace the computed figures")
        return self


class Growth(_Strict):
    """Annual growth in per cent: its mean and volatility (standard deviation across years).

    A scenario file says where the two figures come from, never the figures themselves:

    * ``from_history: [first, last]``: computed at run time from the growth published for
      the years ``first..last`` (`dxecon.models.scenarios.history`: a sector's real growth, the
      GRDP deflator, employment growth); ``centre`` is the statistic the mean is (``mean``,
      or the top ``max`` or bottom ``min`` of the range), the sd is always the standard
      deviation of the same years;
    * ``override: {mean, sd, reason}``: a computed figure replaced by hand, with the reason
      (without ``from_history`` it states both).

    ``mean`` and ``sd`` are the figures the engine uses: filled in by
    `dxecon.models.scenarios.resolve_start` (or varied by a sweep, the explorer), never typed in a
    file (`check_scenario_file`).
    """

    from_history: tuple[Year, Year] | None = None
    centre: Literal["mean", "max", "min"] = "mean"
    override: Override | None = None
    mean: Pct | None = None
    sd: NonNegPct | None = None

    @model_validator(mode="after")
    def _has_a_source(self) -> Growth:
        if self.from_history is not None:
            first, last = self.from_history
            if first > last:
                raise FieldError(
                    "from_history", f"first year {first} is after the last year {last}"
                )
            return self
        if self.centre != "mean":
            raise FieldError("centre", "a centre is a statistic of from_history: [first, last]")
        stated = self.override is not None and None not in (self.override.mean, self.override.sd)
        if not stated and not self.resolved:
            raise ValueError(
                "state where the growth comes from: from_history: [first, last] (computed "
                "from data/ at run time), or override: {mean: .., sd: .., reason: ..}"
            )
        return self

    @property
    def resolved(self) -> bool:
        return self.mean is not None and self.sd is not None


class Intensity(_Strict):
    """Digital share inside a sector (per cent of its value added), diffusing logistically.

    ``start`` is the share in the base year: observed, filled in from ``data/`` at run time
    (`dxecon.models.scenarios.start`), never typed into a scenario file (``start_override`` is the
    explicit way to replace it). ``ceiling`` is the saturation level and ``speed`` the
    logistic rate per year; ``speed_sd`` spreads the speed across paths.
    """

    start: Share | None = None
    #: None: drawn per path from the scenario's ``diffusion`` (the calibration).
    ceiling: Share | None = None
    speed: Annotated[float, Field(ge=0.0, le=3.0)] | None = None
    speed_sd: Annotated[float, Field(ge=0.0, le=3.0)] = 0.0

    @model_validator(mode="after")
    def _ceiling_above_start(self) -> Intensity:
        if self.start is not None and self.ceiling is not None and self.ceiling < self.start:
            raise ValueError(
                f"ceiling {self.ceiling} is below the starting share {self.start:.2f}; "
                "a ceiling must be at least the current share"
            )
        return self


#: Named speed policies of a scenario's ``diffusion`` (dxecon.models.scenarios.diffusion).
SPEED_POLICIES = ("calibrated", "fastest_province", "national_pace")


class Diffusion(_Strict):
    """How the digital intensities diffuse when a sector does not state its own speed or
    ceiling: drawn per path from the calibration of ``data/`` (`dxecon.models.calibration`).

    ``speed``: 'calibrated' (the national speed of the start's measure with its standard
    error, plus the city's own deviation from it, tau), 'fastest_province' (the
    fastest logistic rate any province's series reached), 'national_pace' (the national
    share's pace in percentage points a year, applied to the city's start) or a number (one
    logistic rate for every path, e.g. in a sweep). ``ceiling``: 'prior' (the sourced prior
    of ``params/calibration.yaml``) or a number (% of GRDP). ``start_uncertainty``: draw
    the start share around its published figure (revision error) and, where the figure's
    year is ambiguous, one more year at the observed pace.

    Every quantity is on the start figure's measure (GSO for the structural start).
    ``speed_measure`` names another measure a policy's speed is read on (None: the start's);
    a speed read on another measure needs ``conversion`` ('additive' or 'ratio', defined for
    'fastest_province': the province's excess over its own measure's national speed, added
    to or multiplied into the start measure's national speed), otherwise the draws refuse
    the mix.
    """

    speed: (
        Literal["calibrated", "fastest_province", "national_pace"]
        | Annotated[float, Field(ge=0.0, le=3.0)]
    ) = "calibrated"
    ceiling: Literal["prior"] | Share = "prior"
    start_uncertainty: bool = True
    speed_measure: Annotated[str, Field(min_length=1)] | None = None
    conversion: Literal["additive", "ratio"] | None = None
    source: Annotated[str, Field(min_length=3)]


class Reasoning(_Strict):
    """An assumption's source or reasoning as a reader reads it, in each language of the
    report (`dxecon.present.words.LANGUAGES`): plain sentences, no key or module names (the
    scenario's tables show the text of the run's language)."""

    vi: Annotated[str, Field(min_length=3)]
    en: Annotated[str, Field(min_length=3)]

    def __call__(self, lang: str) -> str:
        """The text in ``lang``."""
        return getattr(self, lang).strip()


class Sector(_Strict):
    """One sector: real growth and digital intensity (assumptions), and its weight in GRDP in
    the base year (observed: filled in from ``data/`` at run time)."""

    weight: Annotated[float, Field(ge=0.0, le=100.0)] | None = None
    growth: Growth
    intensity: Intensity | None = None  # None: outside the digital-share floors (taxes)


class Employment(_Strict):
    """Growth of employed persons: computed from the published levels of the years its
    ``from_history`` names (where no employment is published after a census-based series ends, the
    window is the last published years). Only growth is needed: productivity is reported as
    growth and as an index, never as a level built on an assumed head count."""

    growth: Growth
    #: Why employment growth cannot be computed for the scenario's place (no employment
    #: figure on any of its boundaries): filled in at run time by
    #: `dxecon.models.scenarios.resolve_start`, never typed; productivity is then not
    #: simulated (the engine marks its quantities unavailable with this reason).
    not_available: str | None = None


class Shock(_Strict):
    """An extra change to real growth, in percentage points, in one year."""

    year: int
    growth_pp: Annotated[float, Field(ge=-50.0, le=50.0)]
    sectors: list[str] | Literal["all"] = "all"
    note: str = ""


class StartOverride(_Strict):
    """An observed start value replaced by hand, with the reason (reported in the outputs)."""

    value: float
    reason: Annotated[str, Field(min_length=3)]


class Scenario(_Strict):
    """Every assumption of one scenario. See ``params/scenarios/baseline.yaml``."""

    #: Display name, any letters (Vietnamese too); folders use ``slugify(name)``.
    name: Annotated[str, Field(min_length=1, max_length=80)]
    description: str
    #: The place the scenario's assumptions are stated for: a profile code
    #: (``params/places/<code>.yaml``) or ``any`` (the assumptions hold for every place;
    #: growth and diffusion are computed from the run's place's data).
    place: str = ANY_PLACE
    #: The boundary simulated: filled in from the run's place (its latest boundary,
    #: `scenario_from_dict`); a scenario file leaves it out.
    geo: str
    #: The run's as-of date (only figures published by then count as observed): given by
    #: the run (``--as-of``, the notebook parameter ``as_of``; `load_scenario`), never by
    #: a scenario file (`check_scenario_file`).
    as_of: str
    # Observed: the latest year whose GRDP structure is published for ``geo`` (filled in at
    # run time); a scenario file leaves it out.
    base_year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    horizon: Annotated[int, Field(ge=2000, le=2100)]
    paths: Annotated[int, Field(ge=1, le=1_000_000)]
    seed: Annotated[int, Field(ge=0)]
    correlation: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    sectors: dict[str, Sector]
    #: None: every sector intensity states its own speed and ceiling.
    diffusion: Diffusion | None = None
    deflator: Growth
    employment: Employment
    shocks: list[Shock] = []
    # Instruments whose targets are scored; None: the scoring set of params/targets.yaml.
    instruments: list[str] | None = None
    #: dotted path of an observed start (``sectors.ind_con.intensity.start``, ``base_year``)
    #: -> the value to use instead and why.
    start_override: dict[str, StartOverride] = {}
    assumptions: dict[str, Reasoning] = Field(
        description="section -> its source or reasoning in each language ({vi: ..., en: ...}); "
        "every assumption is documented"
    )

    @field_validator("name")
    @classmethod
    def _name_is_a_safe_folder(cls, value: str) -> str:
        slug = slugify(value)  # raises ValueError naming what is allowed
        if value.startswith(".") or value in RESERVED_NAMES or slug in RESERVED_NAMES:
            raise ValueError(
                f"{value!r} is a folder of the outputs layout ({', '.join(RESERVED_NAMES)}) "
                "or starts with a dot; choose another scenario name"
            )
        return value

    @property
    def slug(self) -> str:
        """The scenario's folder name (ASCII), derived from its display name."""
        return slugify(self.name)

    @field_validator("assumptions", mode="before")
    @classmethod
    def _reasoning_in_each_language(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key, text in value.items():
                if isinstance(text, str):
                    raise ValueError(
                        f"{key}: write its reasoning for a reader in each language, as "
                        "{vi: <Vietnamese>, en: <English>}"
                    )
        return value

    @field_validator("as_of")
    @classmethod
    def _as_of_format(cls, value: str) -> str:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])(-\d{2})?", value):
            raise ValueError("expected YYYY-MM or YYYY-MM-DD")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.base_year is not None and self.horizon <= self.base_year:
            raise ValueError(f"horizon {self.horizon} must be after base_year {self.base_year}")
        if self.horizon < int(self.as_of[:4]):
            raise ValueError(f"horizon {self.horizon} is before the as-of year {self.as_of[:4]}")
        if not self.sectors:
            raise ValueError("sectors: at least one sector is needed")
        if self.resolved:
            total = sum(s.weight for s in self.sectors.values())
            if abs(total - 100.0) > 0.5:
                raise ValueError(f"sector weights sum to {total:.2f}, expected 100 (±0.5)")
        if not any(s.intensity for s in self.sectors.values()):
            raise ValueError("sectors: at least one sector needs an intensity")
        if self.diffusion is None:
            for name, sector in self.sectors.items():
                spec = sector.intensity
                if spec is not None and (spec.speed is None or spec.ceiling is None):
                    raise ValueError(
                        f"sectors.{name}.intensity: state speed and ceiling, or give the "
                        "scenario a 'diffusion' (e.g. diffusion: {speed: calibrated})"
                    )
        for shock in self.shocks:
            if self.base_year is not None and not self.base_year < shock.year <= self.horizon:
                raise ValueError(
                    f"shock year {shock.year} outside {self.base_year + 1}..{self.horizon}"
                )
            if shock.sectors != "all":
                unknown = sorted(set(shock.sectors) - set(self.sectors))
                if unknown:
                    raise ValueError(
                        f"shock sectors {unknown} unknown; allowed: {sorted(self.sectors)}"
                    )
        missing = [k for k in ("sectors", "deflator", "employment") if k not in self.assumptions]
        if missing:
            raise ValueError(f"assumptions: document the source or reasoning of {missing}")
        return self

    def growths(self) -> dict[str, Growth]:
        """Every growth assumption by its dotted place: each sector's, the deflator's and
        employment's (``sectors.agro.growth``, ``deflator``, ``employment.growth``)."""
        found = {f"sectors.{name}.growth": s.growth for name, s in self.sectors.items()}
        found["deflator"] = self.deflator
        if not self.employment.not_available:  # no employment: nothing to compute
            found["employment.growth"] = self.employment.growth
        return found

    @property
    def resolved(self) -> bool:
        """Whether every observed start (base year, weights, start intensities) and every
        growth figure computed from history is filled in."""
        if self.base_year is None or not all(g.resolved for g in self.growths().values()):
            return False
        for sector in self.sectors.values():
            if sector.weight is None or (sector.intensity and sector.intensity.start is None):
                return False
        return True

    @property
    def years(self) -> list[int]:
        if self.base_year is None:
            raise ValueError(
                f"scenario '{self.name}': observed starts not filled in yet; "
                "use dxecon.models.scenarios.resolve_start(scenario, dataset)"
            )
        return list(range(self.base_year + 1, self.horizon + 1))


def load_scenario(
    source: str | Path,
    *,
    as_of: str,
    known_instruments: list[str] | None = None,
    place: str | None = None,
) -> Scenario:
    """Read a scenario by name (``params/scenarios/NAME.yaml``) or path, for a run as of
    ``as_of`` ('YYYY-MM': the run's date, not the file's) about ``place`` (a profile code;
    None: the scenario's own place, else the default place), fully validated.

    Raises
    ------
    ParamsError
        For an unknown scenario name (listing the shipped ones), a malformed file, an
        unknown key, a wrong type, an out-of-range value, a missing field, an unknown
        target instrument, or what a scenario file may not hold (`check_scenario_file`):
        with file, field and the allowed values.
    """
    path = Path(source)
    if path.suffix not in (".yaml", ".yml"):
        path = params_path(source, "scenarios")
        if not path.is_file():
            shipped = ", ".join(available_scenarios()) or "none"
            raise ParamsError(str(path), None, f"unknown scenario '{source}'; shipped: {shipped}")
    data = load_yaml(path)
    check_scenario_file(data, file=str(path))
    return scenario_from_dict(
        {**data, "as_of": as_of},
        file=str(path),
        known_instruments=known_instruments,
        place=place,
    )


def check_scenario_file(data: dict[str, Any], *, file: str) -> None:
    """What a scenario file may not hold: the run's as-of date, and any growth figure that
    is computed from ``data/`` at run time (a growth's ``mean`` or ``sd``).

    A file holding ``as_of`` is refused rather than taken as an override: a file that pins
    its own date would silently stop following the data (every month's run would read the
    same vintage), and a past vintage is a run's choice (``--as-of``), not a scenario's.

    Raises
    ------
    ParamsError
        Naming the file, the field and the fix.
    """
    if "as_of" in data:
        raise ParamsError(
            file,
            "as_of",
            "a scenario file holds no as-of date: the run gives it (--as-of YYYY-MM of "
            "dxecon run, scenario, sweep or monthly, the last three this month by default; "
            "the notebook parameter as_of); remove the as_of line",
        )
    sectors = _mapping(data, "sectors")
    places = {f"sectors.{name}.growth": _mapping(sectors, name, "growth") for name in sectors}
    places["deflator"] = _mapping(data, "deflator")
    places["employment.growth"] = _mapping(data, "employment", "growth")
    for place, growth in places.items():
        typed = [k for k in ("mean", "sd") if k in growth]
        if typed:
            raise ParamsError(
                file,
                f"{place}.{typed[0]}",
                "a growth figure is computed from data/ at run time, not typed in a "
                "scenario file: write from_history: [first, last] (the years of published "
                "growth it is computed from; centre: max or min for the top or bottom of "
                "their range), or override: {mean: .., sd: .., reason: ..} to replace a "
                "computed figure by hand, with the reason",
            )
    if "not_available" in _mapping(data, "employment"):
        raise ParamsError(
            file,
            "employment.not_available",
            "whether employment is published for the place is read from data/ at run time; "
            "remove the line",
        )


def _mapping(data: Any, *keys: str) -> dict[str, Any]:
    """The mapping at ``keys`` of nested mappings, or {} (validation reports a bad shape)."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def scenario_from_dict(
    data: dict[str, Any],
    *,
    file: str = "<dict>",
    known_instruments: list[str] | None = None,
    place: str | None = None,
) -> Scenario:
    """Validate a mapping as a scenario (the explorer and sweeps build scenarios this way);
    it holds the run's ``as_of`` (`load_scenario` adds it to a file's keys). ``place``: the
    run's place (a profile code; None: the scenario's ``place``, else the default place),
    whose latest boundary is the scenario's ``geo`` unless the mapping gives one.

    Raises
    ------
    ParamsError
        Besides a malformed scenario: a scenario stated for another place than the run's
        (field ``place``), or an unknown place.
    """
    data = _with_place(data, place, file=file)
    if data.get("as_of") is None:
        raise ParamsError(
            file,
            "as_of",
            "the run's as-of date is missing: load a scenario file with "
            "load_scenario(name, as_of='YYYY-MM'), or give the notebook parameter as_of",
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, file=file, model=Scenario) from exc
    if known_instruments is not None:
        unknown = [i for i in scenario.instruments or [] if i not in known_instruments]
        if unknown:
            raise ParamsError(
                file,
                "instruments",
                f"unknown instrument(s) {unknown}; allowed: {', '.join(known_instruments)}",
            )
    return scenario


def _with_place(data: dict[str, Any], place: str | None, *, file: str) -> dict[str, Any]:
    """``data`` with its ``geo`` filled in from the place (see `scenario_from_dict`)."""
    from dxecon.data.places import load_place

    stated = data.get("place") or ANY_PLACE
    if stated != ANY_PLACE:
        try:  # an unknown place is the scenario file's error: name the file and the field
            load_place(stated)
        except ParamsError as exc:
            raise ParamsError(file, "place", exc.message) from exc
    if stated != ANY_PLACE and place is not None and stated != place:
        raise ParamsError(
            file,
            "place",
            f"the scenario's assumptions are stated for {stated}, the run is about {place}: "
            "run it for its place, or write place: any if they hold for every place",
        )
    if data.get("geo") is not None:
        return data
    code = place if place is not None else (None if stated == ANY_PLACE else stated)
    return {**data, "geo": load_place(code).current}


def check_scenario_codes(scenario: Scenario, dataset, *, file: str) -> None:
    """The scenario's geography and sectors are codes of the data folder's code lists
    (``codes/geographies.csv``, ``codes/sectors.csv``): a typo fails before any simulation."""
    for field, values, code_list in (
        ("geo", [scenario.geo], "geographies"),
        ("sectors", list(scenario.sectors), "sectors"),
    ):
        allowed = dataset.code_set(code_list)
        for value in values:
            if value not in allowed:
                raise ParamsError(
                    file,
                    field if field == "geo" else f"sectors.{value}",
                    f"{value!r} is not in codes/{code_list}.csv of {dataset.data_dir}; "
                    f"{did_you_mean(value, allowed)}"
                    f"allowed: {', '.join(allowed[:40])}",
                )


def available_scenarios() -> list[str]:
    folder = folders.PARAMS_DIR / "scenarios"
    return sorted(p.stem for p in folder.glob("*.yaml"))


#: Top-level keys of a scenario file; the forecast notebooks declare each as a parameter,
#: so ``papermill ... -f params/scenarios/NAME.yaml`` injects a whole scenario.
SCENARIO_KEYS = tuple(Scenario.model_fields)
