"""The scenario explorer: change a shipped scenario's main assumptions with widgets, see the
fans and the target-attainment table move, and save the result as a scenario file.

The state lives in a `ScenarioExplorer` object, not in notebook globals, so every callback is
a method over that object (a slider never reads a variable that a later cell reassigned) and
pytest can drive it by setting widget values::

    explorer = ScenarioExplorer("baseline")
    explorer.controls["sectors.ind_con.intensity.speed"].value = 0.2
    explorer.update_button.click()
    explorer.result.table  # the attainment table now shown

The computing part (`compute`: scenario -> paths, fan data, attainment table) and the drawing
part (`chart_pngs`) are plain functions, measured by ``benchmarks/bench_explorer.py``.

Every word the explorer shows (labels, headings, table headers, status words, chart texts,
messages) comes from the report's catalogue (`dxecon.present.words`) in the explorer's
``lang``, Vietnamese by default; numbers are formatted for that language with Babel.

This module imports ipywidgets at once; nothing else in dxecon imports it (only the explorer
notebook, ``notebooks/explorer/scenario_explorer.ipynb``, its tests and its benchmark), so
``import dxecon`` stays free of widgets and matplotlib.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import html
import math
import time
import traceback
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from dxecon.core import folders
from dxecon.core.errors import ParamsError
from dxecon.core.io import write_text_atomic
from dxecon.core.params import get_dotted, load_yaml, params_path, set_dotted
from dxecon.core.places import place_of
from dxecon.data import Dataset, load_dataset
from dxecon.data.places import load_place
from dxecon.data.targets import TargetRegistry
from dxecon.models.scenarios import (
    Scenario,
    ScenarioRun,
    available_scenarios,
    load_scenario,
    scenario_from_dict,
)
from dxecon.models.scenarios.engine import PERCENTILES, percentiles
from dxecon.models.scenarios.scenario_run import simulate_scenario
from dxecon.models.scenarios.scorecard import Scorecard, score
from dxecon.models.scenarios.start import resolve_start
from dxecon.present.charts.plots import STATUS_COLOURS, FanChart
from dxecon.present.charts.scenario import scenario_fan_parts
from dxecon.present.notes import say_notes
from dxecon.present.scenario_text import not_simulated_text, reading_words
from dxecon.present.words import LANGUAGES, Words

#: Target indicators the scenario engine speaks to (the rest of the scorecard is about
#: e-government and infrastructure, which no slider here moves); each is named in the
#: catalogue as ``explorer.quantity.<indicator>``.
INDICATORS = ("de_share", "de_sector_share_min", "grdp_growth_real", "lp_growth")

#: Quantities whose percentiles make the fan charts (names in `Paths`; all in per cent).
FAN_QUANTITIES = ("de_share", "lp_growth_real", "lp_growth_nominal")

#: Resolution of the charts in the explorer: a chart is shown at its natural size (one
#: image pixel a screen pixel), so its smallest text (8 points) is 8 * 100 / 72, about 11 px.
CHART_DPI = 100
#: The width a chart needs to be shown unshrunk (the figure's 8 inches at `CHART_DPI`, plus
#: the caption's margin): narrower, the charts go under the controls rather than shrink.
CHART_WIDTH_PX = 820


# -- controls ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ControlSpec:
    """One adjustable assumption: where it sits in a scenario mapping and its slider range.

    The ranges are wider than what is plausible on purpose: validation belongs to
    `dxecon.models.scenarios.scenario_from_dict`, and the explorer shows its message (e.g. a
    ceiling below the current share) rather than hiding the limit in a slider.
    """

    key: str  # dotted path in the scenario mapping, e.g. "sectors.ind_con.intensity.speed"
    group: str  # heading the control is shown under
    label: str
    minimum: float
    maximum: float
    step: float
    unit: str  # "" for a year
    integer: bool = False
    #: values a reader places the slider against, in words: (label, value)
    marks: tuple[tuple[str, float], ...] = ()

    @property
    def css_class(self) -> str:
        """A DOM class naming the control, for browser tests (dots are awkward in CSS)."""
        return "dxecon-key-" + self.key.replace(".", "-")

    @property
    def decimals(self) -> int:
        return 0 if self.integer else max(0, -math.floor(math.log10(self.step) + 1e-9))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def control_specs(
    data: Mapping[str, Any],
    *,
    base_year: int,
    words: Words | None = None,
    evidence: Mapping[str, SliderEvidence] | None = None,
    employment: bool = True,
) -> list[ControlSpec]:
    """The explorer's controls for a scenario mapping: per sector its real growth and (for
    sectors with a digital intensity) diffusion speed and ceiling; then employment growth
    (not with ``employment`` False: the place has no employment figure, so productivity is
    not simulated and no slider could move it), the deflator and the horizon (from
    ``base_year``, the observed start's year). Groups, labels and units in the language of
    ``words`` (Vietnamese by default). A control with ``evidence`` (`slider_evidence`)
    takes its range, step and marks from it."""
    w = words or Words()
    pct_year = w("explorer.unit.pct_year")
    specs = []
    for code, sector in data["sectors"].items():
        group = _capital(w.get(f"sector.{code}", code))
        specs.append(
            ControlSpec(
                f"sectors.{code}.growth.mean",
                group,
                w("explorer.control.growth"),
                -10,
                25,
                0.01,
                pct_year,
            )
        )
        # A sector whose diffusion is drawn per path (the scenario's `diffusion` block) starts
        # its controls at the draws' central values; moving one states it for that sector.
        if sector.get("intensity") is not None:
            specs.append(
                ControlSpec(
                    f"sectors.{code}.intensity.speed",
                    group,
                    w("explorer.control.speed"),
                    0,
                    1.5,
                    0.01,
                    w("explorer.unit.speed"),
                )
            )
            specs.append(
                ControlSpec(
                    f"sectors.{code}.intensity.ceiling",
                    group,
                    w("explorer.control.ceiling"),
                    1,
                    100,
                    0.5,
                    w("explorer.unit.ceiling"),
                )
            )
    economy = w("explorer.group.economy")
    horizon = w("explorer.control.horizon")
    specs += [
        ControlSpec(
            "employment.growth.mean",
            economy,
            w("explorer.control.employment"),
            -5,
            5,
            0.01,
            pct_year,
        ),
        ControlSpec(
            "deflator.mean", economy, w("explorer.control.deflator"), -5, 15, 0.01, pct_year
        ),
        ControlSpec("horizon", economy, horizon, base_year, base_year + 20, 1, "", integer=True),
    ]
    if not employment:
        specs = [spec for spec in specs if not spec.key.startswith("employment.")]
    if evidence:
        specs = [
            dataclasses.replace(
                spec,
                minimum=evidence[spec.key].low,
                maximum=evidence[spec.key].high,
                step=evidence[spec.key].step,
                marks=tuple((w(label), value) for label, value in evidence[spec.key].marks),
            )
            if spec.key in evidence
            else spec
            for spec in specs
        ]
    return specs


@dataclass(frozen=True)
class SliderEvidence:
    """A slider's range from the evidence behind it: ``low`` to ``high`` in ``step``, and
    ``marks``: (catalogue key, value) of the figures a reader places it against."""

    low: float
    high: float
    step: float
    marks: tuple[tuple[str, float], ...] = ()


#: Percentiles of the calibration's predictive distribution a speed or ceiling slider spans.
EVIDENCE_PERCENTILES = (1.0, 99.0)


def _span(low: float, high: float, values, *, floor: float | None = None) -> tuple[float, float]:
    """``low``..``high`` widened so that every one of ``values`` sits inside, a tenth of
    the span away from either end (a default never at an end); not below ``floor``."""
    values = [float(v) for v in values if v is not None]
    low, high = min([low, *values]), max([high, *values])
    margin = (high - low) / 10
    low = low - margin if any(v <= low for v in values) else low
    high = high + margin if any(v >= high for v in values) else high
    return (low if floor is None else max(floor, low)), high


def slider_evidence(resolved: Scenario, dataset, values: Mapping[str, float]) -> dict:
    """The ranges of the diffusion sliders of a resolved scenario with a ``diffusion``, from
    the calibration of its start's measure as of its date
    (`dxecon.models.scenarios.diffusion.predictive_range`: the predictive distribution of a
    city's speed, the national speed with the city's own deviation, and of a sector's
    ceiling), `EVIDENCE_PERCENTILES` of it, widened to hold the starting values
    (``values``, by control key) and the marks: the national speed and the fastest province
    on the same measure (where one has two figures). Empty without a ``diffusion``."""
    if resolved.diffusion is None:
        return {}
    from dxecon.models.scenarios.diffusion import (
        fastest_province,
        predictive_range,
        start_calibration,
    )

    calibration = start_calibration(dataset, resolved.as_of)
    nations = calibration.by_series[calibration.by_series["kind"] == "country"]
    marks = [("explorer.mark.national", float(speed)) for speed in nations["speed"]]
    fastest = fastest_province(calibration)
    if fastest is not None:
        marks.append(("explorer.mark.fastest_province", float(fastest["speed"])))
    out = {}
    for code, sector in resolved.sectors.items():
        if sector.intensity is None:
            continue
        for what, step, floor, top in (("speed", 0.001, 0.0, None), ("ceiling", 0.1, None, 100.0)):
            key = f"sectors.{code}.intensity.{what}"
            low, high = predictive_range(resolved, calibration, key, EVIDENCE_PERCENTILES)
            shown = marks if what == "speed" else []
            low, high = _span(low, high, [values.get(key), *(v for _, v in shown)], floor=floor)
            high = min(high, top) if top is not None else high
            low, high = math.floor(low / step) * step, math.ceil(high / step) * step
            out[key] = SliderEvidence(round(low, 3), round(high, 3), step, tuple(shown))
    return out


def _parameter_draws(resolved: Scenario, dataset):
    """A scenario's diffusion draws with only the calibration's parameter uncertainty on."""
    from dxecon.models.scenarios.diffusion import draws_for

    return draws_for(resolved, 2000, dataset=dataset, sources=("parameters",))


def drawn_centrals(resolved: Scenario, dataset) -> dict[str, float]:
    """Central values of the sector speeds and ceilings a scenario draws per path from its
    ``diffusion`` (`dxecon.models.scenarios.diffusion`): the central speed, and each sector's start
    scaled by the mean whole-economy ceiling over the start share (capped at 100)."""
    if resolved.diffusion is None:
        return {}
    from dxecon.models.scenarios.diffusion import sector_ceiling, start_share

    draws = _parameter_draws(resolved, dataset)
    floor = {k: s for k, s in resolved.sectors.items() if s.intensity}
    ceiling = float(np.mean(draws.ceiling))
    out = {}
    for code, sector in floor.items():
        if sector.intensity.speed is None:
            out[f"sectors.{code}.intensity.speed"] = round(draws.central_speed, 3)
        if sector.intensity.ceiling is None:
            scaled = sector_ceiling(sector.intensity.start, start_share(resolved), ceiling)
            out[f"sectors.{code}.intensity.ceiling"] = round(float(scaled), 1)
    return out


def drawn_speed_spread(resolved: Scenario, dataset) -> float:
    """The standard deviation of the diffusion speed a scenario draws per path from the
    calibration's parameter uncertainty (0 without a ``diffusion``): the spread a moved
    speed slider keeps around its new centre (``intensity.speed_sd``)."""
    if resolved.diffusion is None:
        return 0.0
    return round(float(np.std(_parameter_draws(resolved, dataset).speed, ddof=1)), 4)


def computed_growths(resolved: Scenario) -> dict[str, float]:
    """The growth means a scenario computes from history (or overrides), by control key
    (``sectors.ind_con.growth.mean``, ``employment.growth.mean``, ``deflator.mean``): the
    sliders start there; a moved one is saved as an ``override`` with a reason."""
    return {f"{place}.mean": growth.mean for place, growth in resolved.growths().items()}


def _same(a: float, b: float) -> bool:
    # Slider values come back from the browser as binary floats (0.1 + 0.01 * 5); a change
    # below 1e-9 is no change a reader could see.
    return math.isclose(float(a), float(b), rel_tol=0.0, abs_tol=1e-9)


# -- computing -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ExplorerResult:
    """What one update computed: the run, the fan data and the attainment table."""

    scenario: Scenario
    run: ScenarioRun
    fans: pd.DataFrame  # quantity, year, p5 ... p95 (per cent)
    table: pd.DataFrame  # see `attainment_table`
    seconds: float  # time to compute (simulate, score, summarise), not to draw
    #: the scenario's name in the reader's words (`ScenarioExplorer.shown_name`); empty:
    #: the catalogue's name of ``scenario.name``
    shown_name: str = ""


def fan_data(run: ScenarioRun) -> pd.DataFrame:
    """Percentiles over paths per year of the charted quantities (one row per year)."""
    frames = []
    for quantity in FAN_QUANTITIES:
        table = percentiles(run.paths.quantity(quantity))
        frame = pd.DataFrame(table.T, columns=[f"p{q:g}" for q in PERCENTILES])
        frame.insert(0, "year", run.paths.years)
        frame.insert(0, "quantity", quantity)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def attainment_table(scorecard: pd.DataFrame, *, base_year: int) -> pd.DataFrame:
    """The goals of a scorecard that the explorer's assumptions move.

    Kept: city goals on the modelled indicators for years after the base year (scored on
    the paths, or with the reason they are not), plus earlier years already scored on a
    published figure. The statuses are the scorecard's (`dxecon.models.scenarios.scorecard`).
    """
    card = scorecard[scorecard["indicator"].isin(INDICATORS)]
    card = card[(card["scope"] == "city") & card["year"].notna()]
    published = card["scored_on"].str.startswith("published")
    card = card[published | (card["year"] > base_year)]
    table = pd.DataFrame(
        {
            "target_id": card["goal_id"],
            "instrument": card["instrument"],
            "indicator": card["indicator"],
            "reading": card["reading"],
            "year": card["year"].astype(int),
            "comparator": card["comparator"],
            "target_value": card["target_value"],
            "published": card["latest_value"].where(published),
            "median": card["median"],
            "low": card["low"],
            "high": card["high"],
            "probability": card["probability"],
            "status": card["status"],
            "note": card["note_codes"].fillna(""),
        }
    )
    return table.sort_values(["year", "indicator", "target_id"], kind="stable").reset_index(
        drop=True
    )


_SCORING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def explorer_scorecard(paths, dataset: Dataset) -> Scorecard:
    """The scorecard of the goals on the indicators the explorer speaks to (`INDICATORS`,
    every level of each) for simulated ``paths``: the targets of the place whose boundary
    the scenario simulates (``params/targets.yaml`` with its profile laid over it).

    The rest of the scorecard (e-government, infrastructure) is time no slider needs, and
    what scoring reads from the data (the published figures, the measure fits, the scoring
    and measure configs) depends on the data, the as-of date and the place only: it is
    looked up once per dataset, as-of date and place
    (`dxecon.models.scenarios.scorecard.score`'s ``cache``)."""
    from dxecon.models.measures import MeasureConfig
    from dxecon.models.scenarios.scorecard import ScoringConfig

    states = _SCORING.setdefault(dataset, {})
    key = (paths.scenario.as_of, place_of(paths.scenario.geo))
    if key not in states:
        registry = TargetRegistry(dataset)
        registry.frame = registry.frame[registry.frame["indicator"].isin(INDICATORS)]
        config = ScoringConfig.from_yaml(place=key[1])
        states[key] = (registry, config, MeasureConfig.from_yaml(), {})
    registry, config, measures, cache = states[key]
    return score(paths, registry, dataset, config=config, measures=measures, cache=cache)


def compute(scenario: Scenario, dataset: Dataset) -> ExplorerResult:
    """Simulate and score a resolved scenario (`resolve_start` done, as
    `ScenarioExplorer.scenario` gives it), and summarise it for the charts and the table.
    Only what a slider moves is recomputed: the observed start, the calibration, the nowcast
    and the goals scored on published figures are computed once (cached per dataset)."""
    start = time.perf_counter()
    simulated = simulate_scenario(scenario, dataset=dataset)
    card = explorer_scorecard(simulated.paths, dataset)
    run = dataclasses.replace(simulated, scorecard=card)
    fans = fan_data(run)
    table = attainment_table(card.frame, base_year=run.scenario.base_year)
    return ExplorerResult(scenario, run, fans, table, time.perf_counter() - start)


def chart_pngs(
    result: ExplorerResult,
    dataset: Dataset,
    *,
    basis: str = "real",
    which=("de_share", "lp"),
    words: Words | None = None,
    kept: dict[tuple[str, str], FanChart] | None = None,
) -> dict[str, bytes]:
    """The explorer's fan charts as PNG bytes: ``de_share`` (digital economy, % of GRDP,
    with the published history and its targets) and ``lp`` (labour productivity growth,
    ``basis`` "real" or "nominal", with its targets), in the language of ``words``
    (Vietnamese by default). ``kept``: figures kept between calls, by (chart, basis),
    redrawn in place (`FanChart`: the same bytes as a new figure, in about a third of the
    time); without it every chart is a new figure."""
    kept = {} if kept is None else kept
    pngs = {}
    for name in which:
        fan = kept.setdefault((name, basis), FanChart())
        fan.show(
            **scenario_fan_parts(
                result.run,
                dataset,
                name,
                basis=basis,
                words=words,
                scenario_name=result.shown_name or None,
            )
        )
        pngs[name] = fan.png(dpi=CHART_DPI)
    return pngs


def fan_figure(
    result: ExplorerResult,
    dataset: Dataset,
    name: str,
    basis: str = "real",
    words: Words | None = None,
):
    """One fan chart of the explorer (``name`` "de_share" or "lp") as a matplotlib Figure:
    the scenario notebook's chart (`dxecon.present.charts.scenario.scenario_fan`)."""
    from dxecon.present.charts.scenario import scenario_fan

    return scenario_fan(
        result.run, dataset, name, basis=basis, words=words, scenario_name=result.shown_name or None
    )


# -- presenting ----------------------------------------------------------------------------
def format_probability(value: float, words: Words | None = None) -> str:
    """A probability as shown in the table: per cent with one decimal ('79,6%' in vi,
    '79.6%' in en); a dash when missing."""
    return (words or Words()).percent(None if pd.isna(value) else 100 * value, 1)


#: The attainment table's columns: (class, header key); the targets the sliders move show
#: the paths' numbers, the past ones the published figure.
_FORECAST_COLUMNS = (
    ("target", "col.target"),
    ("quantity", "explorer.col.quantity"),
    ("reading", "explorer.col.reading"),
    ("year", "col.year"),
    ("target-value", "col.target_value"),
    ("median", "explorer.col.median"),
    ("interval", "explorer.col.interval"),
    ("probability", "explorer.col.probability"),
    ("status", "col.status"),
    ("note", "explorer.col.note"),
)
_PAST_COLUMNS = (
    ("target", "col.target"),
    ("quantity", "explorer.col.quantity"),
    ("reading", "explorer.col.reading"),
    ("year", "col.year"),
    ("target-value", "col.target_value"),
    ("published", "explorer.col.published"),
    ("status", "col.status"),
    ("note", "explorer.col.note"),
)
_TABLE_STYLE = (
    "<style>.dxecon-attainment{border-collapse:collapse;font-size:13px;width:100%;"
    "table-layout:auto;line-height:1.35}"
    ".dxecon-attainment td,.dxecon-attainment th{padding:2px 6px;"
    "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
    ".dxecon-attainment th{font-weight:600;line-height:1.25}"
    ".dxecon-attainment td.note{overflow-wrap:anywhere;font-size:12px;color:#444}"
    ".dxecon-attainment td.target,.dxecon-attainment td.year,"
    ".dxecon-attainment td.probability{white-space:nowrap}"
    "details.dxecon-past>summary{cursor:pointer;font-weight:600;margin:8px 0 4px}</style>"
)


def _attainment_cells(row, w: Words) -> dict[str, str]:
    """The HTML of every cell a row of the attainment table can show, by column class."""
    interval = (
        w.text(None)
        if pd.isna(row.low)
        else w(
            "explorer.interval",
            low=w.number(row.low, 2, trim=False),
            high=w.number(row.high, 2, trim=False),
        )
    )  # to, not a dash: negative growth would read as a double minus
    colour = STATUS_COLOURS.get(row.status, "#222222")
    sign = "≤" if row.comparator == "<=" else "≥"
    return {
        "target": html.escape(row.instrument),
        "quantity": html.escape(w.get(f"explorer.quantity.{row.indicator}", row.indicator)),
        "reading": html.escape(w.text(reading_words(row.reading, w))),
        "year": str(row.year),
        "target-value": f"{sign} {w.number(row.target_value, 2, strip=True)}",
        "published": w.number(row.published, 2, trim=False),
        "median": w.number(row.median, 2, trim=False),
        "interval": html.escape(interval),
        "probability": format_probability(row.probability, w),
        "status": f'<b style="color:{colour}">{html.escape(w.status(row.status))}</b>',
        # The scorecard's notes are long: folded, so a row is as tall as its numbers.
        "note": (
            f"<details><summary>{html.escape(w('explorer.note_fold'))}</summary>"
            f"{html.escape(say_notes(row.note, w))}</details>"
            if str(row.note).strip()
            else w.text(None)
        ),
    }


def _attainment_part(table: pd.DataFrame, columns, w: Words, kind: str) -> str:
    head = "".join(f'<th class="{name}">{html.escape(w(key))}</th>' for name, key in columns)
    rows = []
    for row in table.itertuples(index=False):
        cells = _attainment_cells(row, w)
        body = "".join(f'<td class="{name}">{cells[name]}</td>' for name, _ in columns)
        rows.append(
            f'<tr data-target="{row.target_id}" data-reading="{html.escape(row.reading)}" '
            f'data-part="{kind}">{body}</tr>'
        )
    return (
        f'<table class="dxecon-attainment dxecon-{kind}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def attainment_html(
    table: pd.DataFrame, words: Words | None = None, *, base_year: int | None = None
) -> str:
    """The attainment table as HTML in the language of ``words``: first the targets the
    sliders move (years after ``base_year``, the observed start's), then, folded under a
    heading (an HTML ``<details>``), the past years scored on published figures. Each row
    carries its target id, (scorecard) reading and part as data attributes and each cell a
    class naming its column, so a browser test can read it. The notes are the scorecard's
    own. ``base_year`` None: the latest year scored on a published figure."""
    w = words or Words()
    if base_year is None:
        past_years = table.loc[table["published"].notna(), "year"]
        base_year = int(past_years.max()) if len(past_years) else int(table["year"].min()) - 1
    ahead = table[table["year"] > base_year]
    past = table[table["year"] <= base_year]
    out = [_attainment_part(ahead, _FORECAST_COLUMNS, w, "ahead")]
    if len(past):
        summary = w("explorer.heading.past", year=base_year, count=w.count("target", len(past)))
        out.append(
            f'<details class="dxecon-past"><summary>{html.escape(summary)}</summary>'
            f"{_attainment_part(past, _PAST_COLUMNS, w, 'past')}</details>"
        )
    return "".join(out) + _TABLE_STYLE


def scenario_yaml(data: Mapping[str, Any], *, base_file: str) -> str:
    """A scenario mapping as the text of a params file, keys in the scenario's order."""
    import yaml  # lazy, like dxecon.core.params

    header = (
        "# Saved by the dxecon scenario explorer (notebooks/explorer/scenario_explorer.ipynb).\n"
        f"# Starting point: {base_file}; its comments say where each figure comes from\n"
        "# (a run's start table lists the observations behind those computed from data/).\n"
        "# What the explorer changed: assumptions.explorer_changes (and each override).\n"
        "# Reproduce: dxecon.models.scenarios.load_scenario(<this file>, as_of=<YYYY-MM>), or\n"
        "#   ./dx run --as-of <YYYY-MM> --params <this file>\n"
    )
    # repr-exact floats: yaml writes the shortest text that reads back as the same float,
    # so the saved file simulates to the same numbers as the explorer.
    body = yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=88)
    return header + body


# -- the explorer --------------------------------------------------------------------------
class ScenarioExplorer:
    """Widgets over one scenario: adjust its main assumptions, see the fans and the target
    attainment, save the result as a scenario file.

    Parameters
    ----------
    base : str
        A shipped scenario (``params/scenarios/NAME.yaml``) to start from.
    dataset : Dataset, optional
        The published figures (history in the chart, targets scored on published years);
        loaded once when not given.
    save_dir : path, optional
        Where "Save as scenario" writes ``NAME.yaml``; ``OUTPUTS/explorer`` by default (not
        ``params/scenarios``, whose every file the monthly job runs).
    update_on_release : bool
        Recompute when a slider is released (``continuous_update=False``: once per release,
        never per pixel of a drag); otherwise only the Update button recomputes.
    lang : {"vi", "en"}
        The language of every label, heading, status word, chart and message (the report's
        catalogue, ``dxecon/present/catalogue.yaml``); Vietnamese by default.
    as_of : 'YYYY-MM', optional
        The vintage the scenarios start from and compute their growth from (this month by
        default, as a monthly run); a saved scenario holds no date.
    place : str, optional
        The code of the place profile (``params/places/CODE.yaml``; None: the default
        place): the scenario is simulated on its latest boundary from its data, scored
        against its targets, and saved as a scenario about it. What the place's data lack
        (productivity without an employment figure) is said in words, not drawn.

    Attributes
    ----------
    controls : dict of str -> widget
        One slider per adjustable assumption, by dotted key (see `control_specs`).
    result : ExplorerResult or None
        What the charts and the table show now (the last valid settings).
    error : str or None
        The message shown for invalid settings, None when the settings are valid.
    """

    def __init__(
        self,
        base: str = "baseline",
        *,
        dataset: Dataset | None = None,
        save_dir: Path | str | None = None,
        update_on_release: bool = False,
        lang: str = "vi",
        as_of: str | None = None,
        place: str | None = None,
    ) -> None:
        from dxecon.core.dates import current_month

        self.place = load_place(place)  # an unknown code: the profiles and a did-you-mean
        self.words = w = Words(lang, self.place.code)  # checks the language
        self.as_of = as_of or current_month()
        self.dataset = dataset if dataset is not None else load_dataset()
        self.save_dir = Path(save_dir) if save_dir is not None else folders.OUTPUTS_DIR / "explorer"
        self.result: ExplorerResult | None = None
        self.error: str | None = None
        self.updates = 0  # how many updates were drawn (the page shows it for browser tests)
        self.draw_seconds = 0.0  # time the last update took to draw the charts and the table
        self.controls: dict[str, widgets.FloatSlider | widgets.IntSlider] = {}
        self._specs: dict[str, ControlSpec] = {}
        self._loading = False  # True while a new base fills the controls: no recompute
        self._drawn: dict[str, tuple[tuple, bytes]] = {}  # chart -> (what it shows, PNG)
        self._fans: dict[tuple[str, str], FanChart] = {}  # (chart, basis) -> kept figure

        scenarios = available_scenarios()
        if base not in scenarios:
            raise ParamsError(
                str(folders.PARAMS_DIR / "scenarios"),
                "base",
                f"unknown scenario '{base}'; shipped: {', '.join(scenarios) or 'none'}",
            )
        self.base_picker = widgets.Dropdown(
            options=[(w.scenario(name), name) for name in scenarios],
            value=base,
            description=w("explorer.start_from"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self.base_picker.add_class("dxecon-base")
        self.update_on_release = widgets.Checkbox(
            value=update_on_release,
            description=w("explorer.update_on_release"),
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.update_button = widgets.Button(
            description=w("explorer.update"), button_style="primary", icon="refresh"
        )
        self.update_button.add_class("dxecon-update")
        self.reset_button = widgets.Button(
            description=w("explorer.reset"), tooltip=w("explorer.reset_tip")
        )
        self.basis = widgets.ToggleButtons(
            options=[(w(f"explorer.basis.{b}"), b) for b in ("real", "nominal")],
            value="real",
            description=w("explorer.productivity"),
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.title = widgets.HTML(f"<h3>{html.escape(w('explorer.title'))}</h3>")
        self.title.add_class("dxecon-title")
        self.status = widgets.HTML()
        self.missing = widgets.HTML()  # what the place's data lack, in words
        self.missing.add_class("dxecon-missing")
        self.message = widgets.HTML()
        self.message.add_class("dxecon-message")
        # Charts at their natural size (text as drawn); only a window narrower than a chart
        # scales it down (never wider than its column), keeping its shape.
        chart_layout = {"width": "auto", "max_width": "100%", "height": "auto"}
        self.de_share_chart = widgets.Image(format="png", layout=widgets.Layout(**chart_layout))
        self.de_share_chart.add_class("dxecon-chart-de-share")
        self.lp_chart = widgets.Image(format="png", layout=widgets.Layout(**chart_layout))
        self.lp_chart.add_class("dxecon-chart-lp")
        self.table = widgets.HTML(layout=widgets.Layout(width="auto"))
        self.table.add_class("dxecon-table")
        self.save_name = widgets.Text(
            description=w("explorer.name"),
            placeholder=w("explorer.name_hint"),
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self.save_name.add_class("dxecon-save-name")
        self.save_button = widgets.Button(
            description=w("explorer.save"), icon="save", layout=widgets.Layout(width="auto")
        )
        self.save_button.add_class("dxecon-save")
        self.save_message = widgets.HTML()
        self.save_message.add_class("dxecon-save-message")
        self.controls_box = widgets.VBox(layout=widgets.Layout(width="auto"))

        self.base_picker.observe(self._guard(self._on_base_change), names="value")
        self.update_button.on_click(self._guard(lambda _: self.update()))
        self.reset_button.on_click(self._guard(lambda _: self.reset()))
        self.basis.observe(self._guard(lambda _: self._draw_lp()), names="value")
        self.save_button.on_click(self._guard(lambda _: self.save()))

        self.widget = self._layout()
        self._load_base(base)
        self.update()

    # -- state -----------------------------------------------------------------------------
    @property
    def base_name(self) -> str:
        return self.base_picker.value

    def values(self) -> dict[str, float | int]:
        """The controls' current values by dotted key."""
        return {key: control.value for key, control in self.controls.items()}

    def _base_value(self, key: str) -> float:
        try:
            value = get_dotted(self._base_data, key)
        except KeyError:  # a sector speed or ceiling left to the diffusion draws
            value = None
        return self._centrals[key] if value is None else value

    def changes(self) -> list[tuple[ControlSpec, Any, Any]]:
        """(control, value in the base scenario, value now) for every control moved."""
        return [
            (self._specs[key], self._base_value(key), value)
            for key, value in self.values().items()
            if not _same(value, self._base_value(key))
        ]

    def changes_text(self) -> dict[str, str]:
        """The ``assumptions.explorer_changes`` entry of a saved scenario: what was moved,
        in each language (a scenario's reasoning, `dxecon.models.scenarios.config.Reasoning`);
        each control by its group and label in that language."""
        source = f"params/scenarios/{self.base_name}.yaml"
        said = {}
        for lang in LANGUAGES:
            words = Words(lang)
            if not self.changes():
                said[lang] = words("explorer.changes.none", source=source)
                continue
            specs = control_specs(self._base_data, base_year=self._resolved.base_year, words=words)
            named = {spec.key: spec for spec in specs}
            listed = "; ".join(
                f"{named[spec.key].group.lower()}, {named[spec.key].label} ({spec.key}): "
                f"{old:g} -> {new:g}" + (f" {named[spec.key].unit}" if spec.unit else "")
                for spec, old, new in self.changes()
            )
            said[lang] = words("explorer.changes.listed", source=source, changes=listed)
        return said

    def scenario_data(self, *, resolved: bool = False) -> dict[str, Any]:
        """The scenario mapping of the current settings: the base file with the controls'
        values, the name to save under, and the changes documented in ``assumptions``.

        ``resolved``: start from the resolved base instead (observed start and computed
        growth filled in, as `resolve_start` gave them once), so the mapping validates into
        the scenario the engine simulates without reading ``data/`` again; a moved growth
        figure is then its ``mean``, where the file form records an ``override``."""
        data = self._resolved.model_dump() if resolved else copy.deepcopy(self._base_data)
        for key, value in self.values().items():
            spec = self._specs[key]
            if key in self._centrals and _same(value, self._centrals[key]):
                continue  # still drawn per path or computed from data/, as in the base
            value = int(value) if spec.integer else float(value)
            if key in self._computed and not resolved:
                # A figure computed from history, moved by hand: an override, with a reason.
                growth = get_dotted(data, key.removesuffix(".mean"))
                growth["override"] = {
                    **(growth.get("override") or {}),
                    "mean": value,
                    "reason": self.words("explorer.override_reason"),
                }
                continue
            set_dotted(data, key, value)
            if key.endswith(".intensity.speed") and key in self._centrals:
                # A speed the base draws per path keeps the draws' parameter spread around
                # its new centre: moving it states where the speed is, not that it is known.
                set_dotted(data, key + "_sd", self._speed_spread)
        data["name"] = self.save_name.value.strip()
        # The settings were chosen on this place's data (its start, its growth): a saved
        # file is a scenario about it, refused for another place's run.
        data["place"] = self.place.code
        data["description"] = self.words(
            "explorer.description",
            base=self.words.scenario(self.base_name),
            description=self._base_data["description"],
        )
        data["assumptions"] = {
            **self._base_data["assumptions"],
            "explorer_changes": self.changes_text(),
        }
        return data

    def scenario(self) -> Scenario:
        """The current settings as a validated, resolved scenario (what `compute` takes).

        Raises
        ------
        ParamsError
            When the settings are not a valid scenario (a ceiling below the current share,
            a horizon before the as-of year, a name that is not lower_case, ...).
        """
        file = f"<explorer settings, from {self.base_name}.yaml>"
        # The file form is checked too: what "Save" writes must load as it is.
        place = self.place.code
        scenario_from_dict({**self.scenario_data(), "as_of": self.as_of}, file=file, place=place)
        return scenario_from_dict(self.scenario_data(resolved=True), file=file, place=place)

    # -- actions ---------------------------------------------------------------------------
    def update(self) -> ExplorerResult | None:
        """Validate, simulate, score and redraw; on invalid settings show the message,
        keep the last valid charts and return None."""
        from dxecon.models.scenarios.budget import ResourceBudgetError

        try:
            scenario = self.scenario()
            result = compute(scenario, self.dataset)  # the memory budget is checked first
        except (ParamsError, ResourceBudgetError) as exc:
            self._show_error(exc)
            return None
        self.error = None
        self.message.value = ""
        self.result = result = dataclasses.replace(result, shown_name=self.shown_name())
        self.missing.value = self._missing_html(result)
        # The quick answer first: the numbers (table, status) reach the page as soon as they
        # are computed; the charts follow, and the status says so until they are drawn.
        self.table.value = attainment_html(
            result.table, self.words, base_year=result.scenario.base_year
        )
        self._show_status(drawing=True)
        start = time.perf_counter()
        self._draw_de_share()
        self._draw_lp()
        self.draw_seconds = time.perf_counter() - start
        self.updates += 1
        self._show_status()
        return self.result

    def shown_name(self) -> str:
        """The scenario's name as the reader sees it: the starting point's (e.g. "Cơ sở")
        while nothing is moved, "Cơ sở (đã chỉnh)" / "Baseline (edited)" once a setting
        is, the name typed under "Save" when it is not the default one."""
        name = self.save_name.value.strip()
        if name and name != self._default_save_name:
            return name
        base = self.words.scenario(self.base_name)
        return self.words("explorer.variant", base=base) if self.changes() else base

    def reset(self) -> None:
        """Put every control back to the starting point's value and update."""
        self._load_base(self.base_name)
        self.update()

    def save(self) -> Path | None:
        """Write the current settings to ``save_dir/NAME.yaml`` (atomically) and return the
        path; invalid settings are not written, their message is shown instead."""
        try:
            scenario = self.scenario()
        except ParamsError as exc:
            self.save_message.value = self._error_html(self.words("explorer.error.not_saved"), exc)
            return None
        path = self.save_dir / f"{scenario.slug}.yaml"  # the display name may hold any letter
        replaced = path.exists()
        base_file = f"params/scenarios/{self.base_name}.yaml"
        write_text_atomic(scenario_yaml(self.scenario_data(), base_file=base_file), path)
        shown = f"<code>{html.escape(str(path))}</code>"
        command = (
            f"<code>./dx run --as-of {scenario.as_of} --place {self.place.code} "
            f"--params {html.escape(str(path))}</code>"
        )
        said = self.words(f"explorer.{'replaced' if replaced else 'saved'}", path=shown)
        self.save_message.value = (
            f'<span class="dxecon-saved" data-path="{html.escape(str(path))}">{said} '
            f"{self.words('explorer.run_hint', command=command)}</span>"
        )
        return path

    # -- widgets ---------------------------------------------------------------------------
    def _guard(self, callback: Callable[[Any], Any]) -> Callable[[Any], None]:
        """Wrap a widget callback: in Voila an exception in a callback only reaches the
        server log, so an unexpected one is shown in the page as well."""

        def guarded(event: Any) -> None:
            try:
                callback(event)
            except Exception as exc:
                detail = html.escape(traceback.format_exc())
                w = self.words
                self.message.value = (
                    f'<div style="color:#c0392b"><b>{w("explorer.error.unexpected")}</b> '
                    f"({type(exc).__name__}: {html.escape(str(exc))}). "
                    f"{w('explorer.error.report')}<details><summary>"
                    f"{w('explorer.error.details')}</summary><pre>{detail}</pre></details></div>"
                )
                raise

        return guarded

    def _layout(self) -> widgets.Widget:
        """Controls left, charts right, the attainment table under both; where the controls
        and a chart at its natural size (`CHART_WIDTH_PX`) do not fit side by side (JupyterLab
        at 1366 px with the file browser open), the charts wrap under the controls, one per
        row. Nothing is wider than the window (checked at 1366 px by the browser tests)."""
        wrap = {"flex_flow": "row wrap", "align_items": "center", "width": "auto"}
        header = widgets.HBox([self.base_picker, self.reset_button], layout=widgets.Layout(**wrap))
        buttons = widgets.HBox(
            [self.update_button, self.update_on_release], layout=widgets.Layout(**wrap)
        )
        left = widgets.VBox(
            [header, self.controls_box, buttons, self.status, self.missing, self.message],
            layout=widgets.Layout(flex="1 1 380px", max_width="480px", min_width="0"),
        )
        right = widgets.VBox(
            [self.de_share_chart, self.basis, self.lp_chart],
            # Wide enough for a chart at its natural size, or wrapped under the controls at
            # the full width (one chart per row): the layout reflows rather than shrinking.
            layout=widgets.Layout(
                flex=f"100 1 {CHART_WIDTH_PX}px",
                min_width=f"min({CHART_WIDTH_PX}px, 100%)",
                margin="0 0 0 12px",
            ),
        )
        save = widgets.VBox(
            [
                widgets.HTML(f"<h4>{html.escape(self.words('explorer.save'))}</h4>"),
                widgets.HBox([self.save_name, self.save_button], layout=widgets.Layout(**wrap)),
                self.save_message,
            ]
        )
        main = widgets.HBox(
            [left, right], layout=widgets.Layout(**{**wrap, "align_items": "flex-start"})
        )
        # The table spans the page: eleven columns need more than the charts' column.
        heading = self.words("explorer.heading.attainment")
        attainment = widgets.VBox([widgets.HTML(f"<h4>{html.escape(heading)}</h4>"), self.table])
        root = widgets.VBox(
            [self.title, main, attainment, save], layout=widgets.Layout(width="auto")
        )
        root.add_class("dxecon-explorer")
        return root

    def _load_base(self, name: str) -> None:
        """Fill the controls with a shipped scenario's values (without recomputing)."""
        file = str(params_path(name, "scenarios"))
        data = load_yaml(file)
        # The controls are assumptions; the observed start and the growth figures computed
        # from history come from the data (and are not written into a saved scenario, so a
        # saved file follows new data like a shipped one, unless a slider moved a figure).
        scenario = load_scenario(file, as_of=self.as_of, place=self.place.code)
        resolved, _ = resolve_start(scenario, self.dataset, file=file)
        self._base_data = data
        self._resolved = resolved
        self._computed = computed_growths(resolved)
        self._centrals = {**drawn_centrals(resolved, self.dataset), **self._computed}
        self._speed_spread = drawn_speed_spread(resolved, self.dataset)
        starting = {
            key: self._base_value(key)
            for code, sector in resolved.sectors.items()
            if sector.intensity is not None
            for key in (f"sectors.{code}.intensity.speed", f"sectors.{code}.intensity.ceiling")
        }
        evidence = slider_evidence(resolved, self.dataset, starting)
        specs = control_specs(
            data,
            base_year=resolved.base_year,
            words=self.words,
            evidence=evidence,
            employment=resolved.employment.not_available is None,
        )
        self._loading = True
        try:
            # Built anew for each starting point: the ranges and marks are its evidence.
            self._build_controls(specs)
            for spec in specs:
                control = self.controls[spec.key]
                value = self._base_value(spec.key)
                # Widen a range that would clamp a shipped value (ipywidgets clamps silently);
                # held notifications: min, max and value are checked together, at the end.
                with control.hold_trait_notifications():
                    control.min = min(spec.minimum, value)
                    control.max = max(spec.maximum, value)
                    control.value = value
            self._default_save_name = f"{name}_variant"
            self.save_name.value = self._default_save_name
        finally:
            self._loading = False

    def _build_controls(self, specs: list[ControlSpec]) -> None:
        self._specs = {spec.key: spec for spec in specs}
        self.controls = {}
        children: list[widgets.Widget] = []
        group = None
        for spec in specs:
            if spec.group != group:
                group = spec.group
                children.append(widgets.HTML(f"<b>{html.escape(group)}</b>"))
            kind = widgets.IntSlider if spec.integer else widgets.FloatSlider
            extra = {} if spec.integer else {"readout_format": f".{spec.decimals}f"}
            control = kind(
                min=spec.minimum,
                max=spec.maximum,
                step=spec.step,
                description=spec.label,
                tooltip=f"{spec.label}{', ' + spec.unit if spec.unit else ''}",
                continuous_update=False,
                style={"description_width": "40%"},
                layout=widgets.Layout(width="auto"),
                **extra,
            )
            control.add_class("dxecon-control")
            control.add_class(spec.css_class)
            control.observe(self._guard(self._on_control_change), names="value")
            self.controls[spec.key] = control
            children.append(control)
            if spec.marks:
                children.append(widgets.HTML(self._marks_html(spec)))
        self.controls_box.children = children

    def _marks_html(self, spec: ControlSpec) -> str:
        """The line under an evidence-scaled slider: where its range comes from and the
        figures marked, in the reader's words and number format."""
        w = self.words
        low, high = EVIDENCE_PERCENTILES
        marks = "; ".join(
            f"{label} {w.number(value, spec.decimals, trim=False)}" for label, value in spec.marks
        )
        text = w(
            "explorer.marks",
            low=w.number(low, 0),
            high=w.number(high, 0),
            marks=marks,
            unit=spec.unit,
        )
        return (
            '<small class="dxecon-marks" style="color:#555;line-height:1.35;'
            f'display:inline-block">{html.escape(text)}</small>'
        )

    def _on_control_change(self, _change: Any) -> None:
        if self._loading:
            return
        if self.update_on_release.value:
            self.update()
        else:
            self._show_status(stale=True)

    def _on_base_change(self, change: Any) -> None:
        # Choosing a starting point is one deliberate step: show it at once.
        self._load_base(change["new"])
        self.update()

    def _chart(self, name: str, basis: str) -> bytes:
        """A chart's PNG, redrawn only when what it shows changed: drawing is most of an
        update's time, and a diffusion setting does not move productivity (nor employment
        or the deflator the digital share), so one of the two charts is often reusable.
        A redrawn chart keeps its figure and moves its bands, median and texts in place
        (`FanChart`): the picture `chart_pngs` draws afresh, in one render."""
        shown = _chart_content(self.result, name, basis)
        if self._drawn.get(name, (None,))[0] != shown:
            png = chart_pngs(
                self.result,
                self.dataset,
                basis=basis,
                which=(name,),
                words=self.words,
                kept=self._fans,
            )[name]
            self._drawn[name] = (shown, png)
        return self._drawn[name][1]

    def _draw_de_share(self) -> None:
        self.de_share_chart.value = self._chart("de_share", "real")

    def _draw_lp(self) -> None:
        if self.result is not None:
            self.lp_chart.value = self._chart("lp", self.basis.value)

    def _show_status(self, *, stale: bool = False, drawing: bool = False) -> None:
        result, w = self.result, self.words
        if result is None:
            shown = html.escape(w("explorer.status.none"))
        else:
            shown = html.escape(
                w(
                    "explorer.status.shown",
                    name=result.shown_name,
                    base=w.scenario(self.base_name),
                    moved=len(self.changes()),
                    paths=w.number(result.scenario.paths, 0),
                    seed=result.scenario.seed,
                    compute=w.number(1000 * result.seconds, 0),
                    draw=w.number(1000 * self.draw_seconds, 0),
                )
            )
        if stale:
            stale_text = w("explorer.status.stale", update=w("explorer.update"))
            shown += f" <b>{html.escape(stale_text)}</b>"
        if drawing:
            shown += f" <i>{html.escape(w('explorer.status.drawing'))}</i>"
        self.status.value = (
            f'<span class="dxecon-status" style="line-height:1.4;display:inline-block" '
            f'data-updates="{self.updates}" '
            f'data-stale="{str(stale).lower()}" data-drawing="{str(drawing).lower()}">'
            f"{shown}</span>"
        )

    def _missing_html(self, result: ExplorerResult) -> str:
        """What the run could not simulate for lack of a figure, in the reader's words
        (e.g. productivity where the place has no employment figure); "" when nothing."""
        said = dict.fromkeys(
            text
            for quantity in FAN_QUANTITIES
            if (text := not_simulated_text(result.run, quantity, self.words.lang))
        )
        return "".join(
            f'<div class="dxecon-missing-figure" style="color:#8a5a00">{html.escape(text)}</div>'
            for text in said
        )

    def _show_error(self, exc: Exception) -> None:
        self.error = str(exc)
        # The field of a cross-field rule (ceiling vs start) is the parent mapping: name
        # every control under it.
        involved = [
            spec
            for key, spec in self._specs.items()
            if (field := getattr(exc, "field", None))
            and (key == field or key.startswith(f"{field}."))
        ]
        label = (
            f"{involved[0].group}: {' / '.join(spec.label for spec in involved)}"
            if involved
            else None
        )
        self.message.value = self._error_html(self.words("explorer.error.invalid"), exc, label)
        self._show_status(stale=True)

    def _error_html(self, title: str, exc: Exception, control: str | None = None) -> str:
        """A settings error: its title and the library's message, the control to check."""
        w = self.words
        where = (
            " " + w("explorer.error.check", control=f"<b>{html.escape(control)}</b>")
            if control
            else ""
        )
        return (
            f'<div class="dxecon-error" style="color:#c0392b;white-space:pre-wrap">'
            f"<b>{html.escape(title)}</b>: {html.escape(str(exc))}.{where} "
            f"{w('explorer.error.kept')}</div>"
        )


def _chart_content(result: ExplorerResult, name: str, basis: str) -> tuple:
    """What a chart shows, as a comparable key: the charted paths (digested) and everything
    of the scenario that enters the title, the caption, the history or the target lines."""
    paths_ = result.run.paths
    values = paths_.de_share if name == "de_share" else paths_.quantity(f"lp_growth_{basis}")
    digest = hashlib.blake2b(values.tobytes(), digest_size=16).hexdigest()
    scenario = result.scenario
    context = (result.shown_name, scenario.geo, scenario.as_of, tuple(scenario.instruments or ()))
    return (name, basis, values.shape, digest, *context)


__all__ = [
    "ControlSpec",
    "ExplorerResult",
    "ScenarioExplorer",
    "attainment_html",
    "attainment_table",
    "chart_pngs",
    "compute",
    "control_specs",
    "fan_data",
    "fan_figure",
    "format_probability",
    "scenario_yaml",
]
