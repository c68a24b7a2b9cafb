"""Observed starting values of a scenario, read from ``data/`` for the run's as-of date.

A scenario file holds assumptions about the future only. Where a scenario starts (the base
year, each sector's weight in GRDP, each sector's digital intensity) is what the published
figures say as of the scenario's ``as_of``, chosen by the same series selection the
estimators use:

* base year: the latest year whose GRDP structure (agriculture, industry and construction,
  services) is published for the scenario's geography;
* weights: that structure (product taxes derived as the remainder when not published);
* start intensities: the structural estimate of
  `dxecon.models.estimation.from_data.city_digital_estimate` (national GSO sector
  intensities of the latest year published, one sector scaled so that the city's structure
  reproduces its published GSO share; the sector is an assumption in
  ``params/digital.yaml``).

A new figure in ``data/`` therefore moves the next run's start without touching a YAML.
``start_override`` in a scenario replaces an observed value explicitly, with a reason, and
the table of `StartValues` reports it. `resolve_start` also fills in the growth figures a
scenario computes from history (`dxecon.models.scenarios.history`), each a row of the same table
with the figures it rests on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dxecon.core.errors import DxeconError, ParamsError, SeriesSelectionError
from dxecon.core.facts import facts_cell
from dxecon.core.params import get_dotted, set_dotted
from dxecon.core.places import place_of, place_params
from dxecon.data import Dataset
from dxecon.data.changes import figure_text
from dxecon.models.scenarios.config import (
    Scenario,
    available_scenarios,
    load_scenario,
    scenario_from_dict,
)
from dxecon.models.scenarios.history import predecessors, resolve_history

#: ``history``: for a growth computed from a merged geography's history, how its
#: predecessors were read (a note, `dxecon.core.facts`; empty otherwise).
START_COLUMNS = ["field", "value", "source", "overridden", "reason", "history"]


@dataclass(frozen=True)
class StartValues:
    """Where a scenario starts, and where each number comes from."""

    geo: str
    as_of: str
    base_year: int
    table: pd.DataFrame  # START_COLUMNS: one row per observed start
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        head = f"Observed start of {self.geo}, as of {self.as_of}: base year {self.base_year}"
        return "\n".join([head, *self.notes, self.table.to_string(index=False)])


def _obs_ref(dataset: Dataset, indicator: str, geo: str, year: int, as_of: str, **keys) -> str:
    try:
        figures = dataset.series(indicator, geo, as_of=as_of, **keys).figures()
    except SeriesSelectionError:
        figures = pd.DataFrame(columns=["year", "reference"])
    found = figures[figures["year"] == year]
    return (
        found["reference"].iloc[0] if not found.empty else facts_cell([{"code": "start_remainder"}])
    )


def observed_start(
    dataset: Dataset, geo: str, as_of: str, *, adjust_sector: str | None = None
) -> StartValues:
    """The observed start of a scenario for ``geo`` as of ``as_of`` (see module docstring).

    The national intensities' year and the adjusted sector are those of
    ``params/digital.yaml`` (the structural estimate of notebook 2); the structure is always
    the latest one of ``geo``.

    Raises
    ------
    SeriesSelectionError
        When ``geo`` has no published GRDP structure or GSO digital share by ``as_of``,
        naming what is missing.
    """
    from dxecon.models.estimation.from_data import (
        DIGITAL_SECTORS,
        GRDP_SECTORS,
        city_digital_estimate,
    )

    digital = place_params("digital", place_of(geo))
    estimate = city_digital_estimate(
        dataset,
        structure_geo=geo,
        structure_year="latest",
        intensity_year=digital.get("intensity_year", "latest"),
        adjust_sector=adjust_sector or digital.get("adjust_sector"),
        calibrate_geo=geo,
        as_of=as_of,
    )
    base_year, intensity_year = estimate.year, estimate.intensity_year
    latest = facts_cell([{"code": "start_structure"}])
    rows = [{"field": "base_year", "value": float(base_year), "source": latest}]
    for sector in GRDP_SECTORS:
        rows.append(
            {
                "field": f"sectors.{sector}.weight",
                "value": float(estimate.weights[sector]),
                "source": _obs_ref(
                    dataset, "sector_share_grdp", geo, base_year, as_of, sector=sector
                ),
            }
        )
    calibrated = [int(y) for y in estimate.calibration.to_frame().index]
    for sector in DIGITAL_SECTORS:
        how = {"code": "start_structural", "year": int(intensity_year)}
        if sector == adjust_sector:
            scale = float(estimate.calibration.scale)
            how = {**how, "code": "start_scaled", "scale": scale, "geo": geo, "years": calibrated}
        rows.append(
            {
                "field": f"sectors.{sector}.intensity.start",
                "value": float(estimate.intensities[sector]),
                "source": facts_cell([how]),
            }
        )
    table = pd.DataFrame(rows).assign(overridden=False, reason="", history="")
    return StartValues(geo, as_of, base_year, table[START_COLUMNS], tuple(estimate.notes))


def _start_on_boundary(dataset: Dataset, geo: str, as_of: str) -> tuple[StartValues, str]:
    """The observed start on ``geo``; when ``geo`` did not exist yet at ``as_of`` (its
    ``valid_from`` in the geographies code list is later) or has nothing published by then,
    on its predecessor boundaries in code-list order (``successor`` column), with a note.

    Raises
    ------
    SeriesSelectionError
        When no boundary has what a start needs, naming what is missing on each.
    """
    table = dataset.codes["geographies"].set_index("code")
    problems = []
    for candidate in [geo, *predecessors(dataset, geo)]:
        try:
            start = observed_start(dataset, candidate, as_of)
        except SeriesSelectionError as exc:
            problems.append(f"{candidate}: {exc}")
            continue
        if candidate != geo:
            valid_from = str(table.at[geo, "valid_from"] or "")
            why = (
                f"{geo} did not exist yet (from {valid_from})"
                if valid_from and valid_from[:7] > str(as_of)[:7]
                else f"nothing needed for a start was published for {geo} by {as_of}"
            )
            note = (
                f"{why}: the scenario starts on its predecessor boundary {candidate} "
                "(geographies code list), and simulates that boundary"
            )
            start = StartValues(
                start.geo, start.as_of, start.base_year, start.table, (note, *start.notes)
            )
        return start, candidate
    raise SeriesSelectionError(
        f"no scenario start for {geo} or its predecessors as of {as_of}: " + "; ".join(problems),
        field="as_of",
        value=str(as_of),
        allowed=[],
    )


def resolve_start(
    scenario: Scenario, dataset: Dataset, *, file: str = "<scenario>"
) -> tuple[Scenario, StartValues]:
    """The scenario with everything it reads from ``dataset`` as of its ``as_of`` filled
    in: its observed start (``start_override`` applied) and its growth figures computed
    from the history each ``from_history`` names (`dxecon.models.scenarios.history`, ``override``
    applied). The one way from a scenario file to the plain numbers the engine simulates;
    the `StartValues` table has a row, with its evidence, for every value filled in.

    Raises
    ------
    ParamsError
        For a sector the data has no weight for, an override of a field that is not an
        observed start, a history window the data cannot answer, or a resolved scenario that
        is not valid (e.g. a ceiling below the observed start).
    """
    # Remembered on the dataset: a run resolves each scenario when it checks it and again
    # when it simulates it. Besides the scenario and the data, it reads the place's
    # params/digital.yaml (the start's estimate), so that is part of the key.
    digital = place_params("digital", place_of(scenario.geo)) if scenario.geo else {}
    key = ("resolve_start", scenario.model_dump_json(), repr(sorted(digital.items())), file)
    return dataset.remembered(key, lambda: _resolve_start(scenario, dataset, file))


def _resolve_start(scenario: Scenario, dataset: Dataset, file: str) -> tuple[Scenario, StartValues]:
    start, geo = _start_on_boundary(dataset, scenario.geo, scenario.as_of)
    table = start.table.set_index("field")
    data = scenario.model_dump()
    data["geo"] = geo
    data["base_year"] = int(table.at["base_year", "value"])
    for name, sector in data["sectors"].items():
        key = f"sectors.{name}.weight"
        if key not in table.index:
            raise ParamsError(
                file,
                f"sectors.{name}",
                f"no observed weight for sector '{name}'; sectors with data: "
                + ", ".join(f.split(".")[1] for f in table.index if f.endswith(".weight")),
            )
        sector["weight"] = float(table.at[key, "value"])
        if sector.get("intensity") is not None:
            key = f"sectors.{name}.intensity.start"
            if key not in table.index:
                raise ParamsError(
                    file, f"sectors.{name}.intensity", "no observed digital intensity"
                )
            sector["intensity"]["start"] = float(table.at[key, "value"])
    used = {"base_year"}
    for field in table.index:
        try:
            if get_dotted(data, field) is not None:
                used.add(field)
        except (KeyError, TypeError):  # a sector or intensity the scenario does not have
            continue
    for field, override in scenario.start_override.items():
        if field not in used:
            growth = " (a growth figure: override it in its place, override: {mean, sd, reason})"
            raise ParamsError(
                file,
                f"start_override.{field}",
                f"not an observed start{growth if '.growth.' in f'.{field}.' else ''}; "
                f"allowed: {', '.join(sorted(used))}",
            )
        value = int(override.value) if field == "base_year" else override.value
        set_dotted(data, field, value)
        table.loc[field, ["value", "overridden", "reason"]] = [
            float(override.value),
            True,
            override.reason,
        ]
    if scenario.start_override:
        # Weights are shares of one total: an overridden weight rescales the others' sum.
        total = sum(s["weight"] for s in data["sectors"].values())
        if abs(total - 100.0) > 0.5:
            raise ParamsError(
                file,
                "start_override",
                f"sector weights sum to {total:.2f} after the overrides, expected 100 (±0.5)",
            )
    figures, rows = resolve_history(scenario, dataset, file=file)
    for field, value in figures.items():
        set_dotted(data, field, value)
    resolved = scenario_from_dict(data, file=file)
    table = table.reset_index()
    table = table[table["field"].isin(used)]
    table = pd.concat([table, pd.DataFrame(rows, columns=START_COLUMNS)], ignore_index=True)
    return resolved, StartValues(start.geo, start.as_of, resolved.base_year, table, start.notes)


def scenario_start_changes(
    before: Dataset, after: Dataset, as_of: dt.date, *, say: Callable[[str], str] = str
) -> list[str]:
    """What new figures move in what every shipped scenario reads from the data, for a run
    as of ``as_of``'s month: its observed start (:func:`resolve_start`) and its growth
    figures computed from history (`dxecon.models.scenarios.history`); one line per value.
    ``before`` and ``after``: the data folder without and with the figures (the
    `dxecon.data.changes.AddResult` of ``dxecon data add``); ``say`` words a value's
    recorded source (`dxecon.present.notes.say_facts` in the reader's language)."""
    month = f"{as_of:%Y-%m}"
    lines = []
    for name in available_scenarios():
        tables = []
        for ds in (before, after):
            try:
                scenario = load_scenario(name, as_of=month)
                tables.append(resolve_start(scenario, ds)[1].table.set_index("field"))
            except (DxeconError, ValueError):
                tables.append(None)
        old, new = tables
        if old is None or new is None:
            if (old is None) != (new is None):
                what = "appears" if old is None else "disappears"
                lines.append(f"scenario {name}: a start for its geography {what}")
            continue
        for field_name in new.index:
            was = old["value"].get(field_name)
            now = new.at[field_name, "value"]
            if was is None or abs(float(was) - float(now)) > 1e-9:
                shown = "-" if was is None else figure_text(float(was))
                kind = "growth" if field_name.endswith((".mean", ".sd")) else "start"
                lines.append(
                    f"scenario {name}: {kind} {field_name} {shown} -> {figure_text(float(now))} "
                    f"({say(new.at[field_name, 'source'])})"
                )
    return lines
