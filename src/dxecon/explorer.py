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

This module imports ipywidgets at once; nothing else in dxecon imports it (only the explorer
notebook, ``notebooks/explorer/scenario_explorer.ipynb``, its tests and its benchmark), so
``import dxecon`` stays free of widgets and matplotlib.
"""

from __future__ import annotations

import copy
import hashlib
import html
import io
import math
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from dxecon import folders
from dxecon.data import Dataset, load_dataset
from dxecon.errors import ParamsError
from dxecon.io import write_text_atomic
from dxecon.params import get_dotted, load_yaml, set_dotted
from dxecon.scenarios import Scenario, ScenarioRun, available_scenarios, scenario_from_dict
from dxecon.scenarios.engine import PERCENTILES, percentiles
from dxecon.scenarios.scenario_run import run_scenario
from dxecon.scenarios.start import resolve_start

#: Sector codes of the scenario files, as a reader says them.
SECTOR_LABELS = {
    "agro": "Agriculture",
    "ind_con": "Industry & construction",
    "services": "Services",
    "taxes": "Product taxes less subsidies",
}

#: Target indicators the scenario engine speaks to (the rest of the scorecard is about
#: e-government and infrastructure, which no slider here moves).
INDICATOR_LABELS = {
    "de_share": "Digital economy, % of GRDP",
    "de_sector_share_min": "Digital share of every sector (the lowest), %",
    "grdp_growth_real": "GRDP real growth, % a year",
    "lp_growth": "Labour productivity growth, % a year",
}

#: Quantities whose percentiles make the fan charts (name in `Paths`, unit).
FAN_QUANTITIES = {
    "de_share": "% of GRDP",
    "lp_growth_real": "% a year",
    "lp_growth_nominal": "% a year",
}

#: Resolution of the charts in the explorer: sharp enough on screen, cheap to redraw.
CHART_DPI = 80

#: Status colours of the attainment table.
_STATUS_COLOURS = {
    "on track": "#1e7b34",
    "met": "#1e7b34",
    "at risk": "#b7791f",
    "off track": "#c0392b",
    "not met": "#c0392b",
    "no data": "#7f8c8d",
}


# -- controls ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ControlSpec:
    """One adjustable assumption: where it sits in a scenario mapping and its slider range.

    The ranges are wider than what is plausible on purpose: validation belongs to
    `dxecon.scenarios.scenario_from_dict`, and the explorer shows its message (e.g. a
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

    @property
    def css_class(self) -> str:
        """A DOM class naming the control, for browser tests (dots are awkward in CSS)."""
        return "dxecon-key-" + self.key.replace(".", "-")

    @property
    def decimals(self) -> int:
        return 0 if self.integer else max(0, -math.floor(math.log10(self.step) + 1e-9))


def control_specs(data: Mapping[str, Any], *, base_year: int) -> list[ControlSpec]:
    """The explorer's controls for a scenario mapping: per sector its real growth and (for
    sectors with a digital intensity) diffusion speed and ceiling; then employment growth,
    the deflator and the horizon (from ``base_year``, the observed start's year)."""
    specs = []
    for code, sector in data["sectors"].items():
        group = SECTOR_LABELS.get(code, code)
        specs.append(
            ControlSpec(
                f"sectors.{code}.growth.mean", group, "real growth", -10, 25, 0.01, "% a year"
            )
        )
        # A sector whose diffusion is drawn per path (the scenario's `diffusion` block) starts
        # its controls at the draws' central values; moving one states it for that sector.
        if sector.get("intensity") is not None:
            specs.append(
                ControlSpec(
                    f"sectors.{code}.intensity.speed",
                    group,
                    "diffusion speed",
                    0,
                    1.5,
                    0.01,
                    "per year (logistic rate)",
                )
            )
            specs.append(
                ControlSpec(
                    f"sectors.{code}.intensity.ceiling",
                    group,
                    "digital ceiling",
                    1,
                    100,
                    0.5,
                    "% of the sector's value added",
                )
            )
    economy = "Whole economy"
    specs += [
        ControlSpec(
            "employment.growth.mean", economy, "employment growth", -5, 5, 0.01, "% a year"
        ),
        ControlSpec("deflator.mean", economy, "GRDP deflator", -5, 15, 0.01, "% a year"),
        ControlSpec("horizon", economy, "horizon", base_year, base_year + 20, 1, "", integer=True),
    ]
    return specs


# One implementation of dotted keys for the explorer, the sweeps and the tests.
get_value = get_dotted


def drawn_centrals(resolved: Scenario, dataset) -> dict[str, float]:
    """Central values of the sector speeds and ceilings a scenario draws per path from its
    ``diffusion`` (`dxecon.scenarios.diffusion`): the central speed, and each sector's start
    scaled by the mean whole-economy ceiling over the start share (capped at 100)."""
    if resolved.diffusion is None:
        return {}
    from dxecon.scenarios.diffusion import draws_for

    draws = draws_for(resolved, 2000, dataset=dataset, sources=("parameters",))
    floor = {k: s for k, s in resolved.sectors.items() if s.intensity}
    start = sum(s.weight * s.intensity.start for s in floor.values()) / 100.0
    ceiling = float(np.mean(draws.ceiling))
    out = {}
    for code, sector in floor.items():
        if sector.intensity.speed is None:
            out[f"sectors.{code}.intensity.speed"] = round(draws.central_speed, 2)
        if sector.intensity.ceiling is None:
            out[f"sectors.{code}.intensity.ceiling"] = round(
                min(sector.intensity.start * ceiling / start, 100.0), 1
            )
    return out


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
    fans: pd.DataFrame  # quantity, unit, year, p5 ... p95
    table: pd.DataFrame  # see `attainment_table`
    seconds: float  # time to compute (simulate, score, summarise), not to draw


def fan_data(run: ScenarioRun) -> pd.DataFrame:
    """Percentiles over paths per year of the charted quantities (one row per year)."""
    frames = []
    for quantity, unit in FAN_QUANTITIES.items():
        table = percentiles(run.paths.quantity(quantity))
        frame = pd.DataFrame(table.T, columns=[f"p{q:g}" for q in PERCENTILES])
        frame.insert(0, "year", run.paths.years)
        frame.insert(0, "unit", unit)
        frame.insert(0, "quantity", quantity)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def attainment_table(scorecard: pd.DataFrame, *, base_year: int) -> pd.DataFrame:
    """The goals of a scorecard that the explorer's assumptions move.

    Kept: city goals on the modelled indicators for years after the base year (scored on
    the paths, or with the reason they are not), plus earlier years already scored on a
    published figure. The statuses are the scorecard's (`dxecon.scenarios.scorecard`).
    """
    card = scorecard[scorecard["indicator"].isin(INDICATOR_LABELS)]
    card = card[(card["scope"] == "city") & card["year"].notna()]
    published = card["scored_on"].str.startswith("published")
    card = card[published | (card["year"] > base_year)]
    table = pd.DataFrame(
        {
            "target_id": card["goal_id"],
            "instrument": card["instrument"],
            "indicator": card["indicator"],
            "quantity": card["indicator"].map(INDICATOR_LABELS),
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
            "note": card["note"].fillna(""),
        }
    )
    return table.sort_values(["year", "indicator", "target_id"], kind="stable").reset_index(
        drop=True
    )


def compute(scenario: Scenario, dataset: Dataset) -> ExplorerResult:
    """Simulate and score a scenario, and summarise it for the charts and the table."""
    start = time.perf_counter()
    run = run_scenario(scenario, dataset=dataset)
    fans = fan_data(run)
    table = attainment_table(run.scorecard.frame, base_year=run.scenario.base_year)
    return ExplorerResult(scenario, run, fans, table, time.perf_counter() - start)


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    # bbox "tight" keeps the source caption, which sits below the axes; no Software
    # metadata, so the same chart gives the same bytes.
    figure.savefig(
        buffer, format="png", dpi=CHART_DPI, bbox_inches="tight", metadata={"Software": None}
    )
    return buffer.getvalue()


def chart_pngs(
    result: ExplorerResult, dataset: Dataset, *, basis: str = "real", which=("de_share", "lp")
) -> dict[str, bytes]:
    """The explorer's fan charts as PNG bytes: ``de_share`` (digital economy, % of GRDP,
    with the published history and the 35% target) and ``lp`` (labour productivity growth,
    ``basis`` "real" or "nominal", with the 16% a year target)."""
    from dxecon.scenarios.charts import digital_share_fan, productivity_fan

    draw = {
        "de_share": lambda: digital_share_fan(result.run, dataset),
        "lp": lambda: productivity_fan(result.run, basis=basis),
    }
    return {name: _png(draw[name]()) for name in which}


# -- presenting ----------------------------------------------------------------------------
def _number(value: float, digits: int = 2) -> str:
    return "" if pd.isna(value) else f"{value:.{digits}f}"


def format_probability(value: float) -> str:
    """A probability as shown in the table: per cent with one decimal ('79.6%')."""
    return "" if pd.isna(value) else f"{100 * value:.1f}%"


def attainment_html(table: pd.DataFrame) -> str:
    """The attainment table as HTML; each row carries its target id and reading as data
    attributes and each cell a class naming its column, so a browser test can read it."""
    head = (
        "<tr><th>target</th><th>quantity</th><th>reading</th><th>year</th><th>target</th>"
        "<th>published</th><th>median</th><th>80% of paths</th><th>P(target met)</th>"
        "<th>status</th><th>note</th></tr>"
    )
    rows = []
    for row in table.itertuples(index=False):
        interval = (
            "" if pd.isna(row.low) else f"{_number(row.low)} to {_number(row.high)}"
        )  # to, not a dash: negative growth would read as a double minus
        colour = _STATUS_COLOURS.get(row.status, "#222222")
        cells = [
            ("target", f"{row.target_id}<br><small>{html.escape(row.instrument)}</small>"),
            ("quantity", html.escape(row.quantity)),
            ("reading", html.escape(row.reading)),
            ("year", str(row.year)),
            ("target-value", f"{html.escape(row.comparator)} {row.target_value:g}"),
            ("published", _number(row.published)),
            ("median", _number(row.median)),
            ("interval", interval),
            ("probability", format_probability(row.probability)),
            ("status", f'<b style="color:{colour}">{html.escape(row.status)}</b>'),
            ("note", f"<small>{html.escape(row.note)}</small>"),
        ]
        body = "".join(f'<td class="{name}">{text}</td>' for name, text in cells)
        rows.append(
            f'<tr data-target="{row.target_id}" data-reading="{html.escape(row.reading)}">'
            f"{body}</tr>"
        )
    return (
        '<table class="dxecon-attainment" style="border-collapse:collapse;font-size:12px">'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
        "<style>.dxecon-attainment td,.dxecon-attainment th{padding:2px 6px;"
        "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}</style>"
    )


def scenario_yaml(data: Mapping[str, Any], *, base_file: str) -> str:
    """A scenario mapping as the text of a params file, keys in the scenario's order."""
    import yaml  # lazy, like dxecon.params

    header = (
        "# Saved by the dxecon scenario explorer (notebooks/explorer/scenario_explorer.ipynb).\n"
        f"# Starting point: {base_file}; its comments (observation ids behind each figure)\n"
        "# are there. What the explorer changed: assumptions.explorer_changes.\n"
        "# Reproduce: dxecon.scenarios.load_scenario(<this file>), or\n"
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
    ) -> None:
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

        scenarios = available_scenarios()
        if base not in scenarios:
            raise ParamsError(
                str(folders.PARAMS_DIR / "scenarios"),
                "base",
                f"unknown scenario '{base}'; shipped: {', '.join(scenarios) or 'none'}",
            )
        self.base_picker = widgets.Dropdown(options=scenarios, value=base, description="Start from")
        self.base_picker.add_class("dxecon-base")
        self.update_on_release = widgets.Checkbox(
            value=update_on_release, description="Update on slider release", indent=False
        )
        self.update_button = widgets.Button(
            description="Update", button_style="primary", icon="refresh"
        )
        self.update_button.add_class("dxecon-update")
        self.reset_button = widgets.Button(
            description="Reset", tooltip="Every control back to the starting scenario's value"
        )
        self.basis = widgets.ToggleButtons(
            options=[("real", "real"), ("nominal", "nominal")],
            value="real",
            description="Productivity",
        )
        self.status = widgets.HTML()
        self.message = widgets.HTML()
        self.message.add_class("dxecon-message")
        self.de_share_chart = widgets.Image(format="png")
        self.de_share_chart.add_class("dxecon-chart-de-share")
        self.lp_chart = widgets.Image(format="png")
        self.lp_chart.add_class("dxecon-chart-lp")
        self.table = widgets.HTML()
        self.table.add_class("dxecon-table")
        self.save_name = widgets.Text(description="Name", placeholder="lower_case_name")
        self.save_name.add_class("dxecon-save-name")
        self.save_button = widgets.Button(description="Save as scenario", icon="save")
        self.save_button.add_class("dxecon-save")
        self.save_message = widgets.HTML()
        self.save_message.add_class("dxecon-save-message")
        self.controls_box = widgets.VBox(layout=widgets.Layout(width="450px"))

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
            value = get_value(self._base_data, key)
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

    def changes_text(self) -> str:
        """The ``assumptions.explorer_changes`` entry of a saved scenario."""
        source = f"params/scenarios/{self.base_name}.yaml"
        if not self.changes():
            return f"Saved from {source} by the scenario explorer without changes."
        listed = "; ".join(
            f"{spec.group.lower()}, {spec.label} ({spec.key}): {old:g} -> {new:g}"
            + (f" {spec.unit}" if spec.unit else "")
            for spec, old, new in self.changes()
        )
        return (
            f"Set by hand in the scenario explorer, starting from {source}: {listed}. "
            "An exploration, not a sourced assumption: the other entries document the "
            "starting point's values."
        )

    def scenario_data(self) -> dict[str, Any]:
        """The scenario mapping of the current settings: the base file with the controls'
        values, the name to save under, and the changes documented in ``assumptions``."""
        data = copy.deepcopy(self._base_data)
        for key, value in self.values().items():
            spec = self._specs[key]
            if key in self._centrals and _same(value, self._centrals[key]):
                continue  # still drawn per path, as in the base scenario
            set_dotted(data, key, int(value) if spec.integer else float(value))
        data["name"] = self.save_name.value.strip()
        data["description"] = (
            f"Explorer variant of '{self.base_name}'. {self._base_data['description']}"
        )
        data["assumptions"] = {
            **self._base_data["assumptions"],
            "explorer_changes": self.changes_text(),
        }
        return data

    def scenario(self) -> Scenario:
        """The current settings as a validated scenario.

        Raises
        ------
        ParamsError
            When the settings are not a valid scenario (a ceiling below the current share,
            a horizon before the as-of year, a name that is not lower_case, ...).
        """
        file = f"<explorer settings, from {self.base_name}.yaml>"
        scenario = scenario_from_dict(self.scenario_data(), file=file)
        # The observed start is part of the check (a ceiling below today's share).
        return resolve_start(scenario, self.dataset, file=file)[0]

    # -- actions ---------------------------------------------------------------------------
    def update(self) -> ExplorerResult | None:
        """Validate, simulate, score and redraw; on invalid settings show the message,
        keep the last valid charts and return None."""
        from dxecon.scenarios.budget import ResourceBudgetError

        try:
            scenario = self.scenario()
            result = compute(scenario, self.dataset)  # the memory budget is checked first
        except (ParamsError, ResourceBudgetError) as exc:
            self._show_error(exc)
            return None
        self.error = None
        self.message.value = ""
        self.result = result
        start = time.perf_counter()
        self._draw_de_share()
        self._draw_lp()
        self.table.value = attainment_html(self.result.table)
        self.draw_seconds = time.perf_counter() - start
        self.updates += 1
        self._show_status()
        return self.result

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
            self.save_message.value = _error_html("Not saved", exc)
            return None
        path = self.save_dir / f"{scenario.slug}.yaml"  # the display name may hold any letter
        replaced = path.exists()
        base_file = f"params/scenarios/{self.base_name}.yaml"
        write_text_atomic(scenario_yaml(self.scenario_data(), base_file=base_file), path)
        verb = "Replaced" if replaced else "Saved"
        self.save_message.value = (
            f'<span class="dxecon-saved" data-path="{html.escape(str(path))}">{verb} '
            f"<code>{html.escape(str(path))}</code>. Run the notebook suite on it with "
            f"<code>./dx run --as-of {scenario.as_of} --params {html.escape(str(path))}</code>"
            "</span>"
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
                self.message.value = (
                    f'<div style="color:#c0392b"><b>Unexpected error</b> ({type(exc).__name__}:'
                    f" {html.escape(str(exc))}). Please report it with the details."
                    f"<details><pre>{detail}</pre></details></div>"
                )
                raise

        return guarded

    def _layout(self) -> widgets.Widget:
        header = widgets.HBox([self.base_picker, self.reset_button])
        buttons = widgets.HBox([self.update_button, self.update_on_release])
        left = widgets.VBox(
            [header, self.controls_box, buttons, self.status, self.message],
            layout=widgets.Layout(width="470px", min_width="470px"),
        )
        right = widgets.VBox(
            [
                self.de_share_chart,
                self.basis,
                self.lp_chart,
                widgets.HTML("<h4>Target attainment</h4>"),
                self.table,
            ]
        )
        save = widgets.VBox(
            [
                widgets.HTML("<h4>Save as scenario</h4>"),
                widgets.HBox([self.save_name, self.save_button]),
                self.save_message,
            ]
        )
        root = widgets.VBox([widgets.HBox([left, right]), save])
        root.add_class("dxecon-explorer")
        return root

    def _load_base(self, name: str) -> None:
        """Fill the controls with a shipped scenario's values (without recomputing)."""
        file = str(folders.PARAMS_DIR / "scenarios" / f"{name}.yaml")
        data = load_yaml(file)
        # The controls are assumptions; the observed start comes from the data (and is not
        # written into a saved scenario, so a saved file follows new data like a shipped one).
        resolved, _ = resolve_start(scenario_from_dict(data, file=file), self.dataset, file=file)
        self._base_data = data
        self._centrals = drawn_centrals(resolved, self.dataset)
        specs = control_specs(data, base_year=resolved.base_year)
        self._loading = True
        try:
            if [s.key for s in specs] != list(self.controls):
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
            self.save_name.value = f"{name}_variant"
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
                tooltip=f"{spec.label}{', ' + spec.unit if spec.unit else ''} ({spec.key})",
                continuous_update=False,
                style={"description_width": "135px"},
                layout=widgets.Layout(width="440px"),
                **extra,
            )
            control.add_class("dxecon-control")
            control.add_class(spec.css_class)
            control.observe(self._guard(self._on_control_change), names="value")
            self.controls[spec.key] = control
            children.append(control)
        self.controls_box.children = children

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
        or the deflator the digital share), so one of the two charts is often reusable."""
        shown = _chart_content(self.result, name, basis)
        if self._drawn.get(name, (None,))[0] != shown:
            png = chart_pngs(self.result, self.dataset, basis=basis, which=(name,))[name]
            self._drawn[name] = (shown, png)
        return self._drawn[name][1]

    def _draw_de_share(self) -> None:
        self.de_share_chart.value = self._chart("de_share", "real")

    def _draw_lp(self) -> None:
        if self.result is not None:
            self.lp_chart.value = self._chart("lp", self.basis.value)

    def _show_status(self, *, stale: bool = False) -> None:
        result = self.result
        if result is None:
            shown = "nothing computed yet"
        else:
            moved = len(self.changes())
            shown = (
                f"Showing '{html.escape(result.scenario.name)}' from "
                f"'{html.escape(self.base_name)}' ({moved} setting(s) changed), "
                f"{result.scenario.paths:,} paths, seed {result.scenario.seed}: computed in "
                f"{1000 * result.seconds:.0f} ms, drawn in {1000 * self.draw_seconds:.0f} ms."
            )
        if stale:
            shown += " <b>Settings changed: press Update.</b>"
        self.status.value = (
            f'<span class="dxecon-status" data-updates="{self.updates}" '
            f'data-stale="{str(stale).lower()}">{shown}</span>'
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
        self.message.value = _error_html("These settings cannot be simulated", exc, label)
        self._show_status(stale=True)


def _chart_content(result: ExplorerResult, name: str, basis: str) -> tuple:
    """What a chart shows, as a comparable key: the charted paths (digested) and everything
    of the scenario that enters the title, the caption, the history or the target lines."""
    paths_ = result.run.paths
    values = paths_.de_share if name == "de_share" else paths_.quantity(f"lp_growth_{basis}")
    digest = hashlib.blake2b(values.tobytes(), digest_size=16).hexdigest()
    scenario = result.scenario
    context = (scenario.name, scenario.geo, scenario.as_of, tuple(scenario.instruments or ()))
    return (name, basis, values.shape, digest, *context)


def _error_html(title: str, exc: ParamsError, control: str | None = None) -> str:
    where = f" Check <b>{html.escape(control)}</b>." if control else ""
    return (
        f'<div class="dxecon-error" style="color:#c0392b;white-space:pre-wrap">'
        f"<b>{html.escape(title)}</b>: {html.escape(str(exc))}.{where} The charts and the "
        "table still show the last valid settings.</div>"
    )


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
    "format_probability",
    "scenario_yaml",
]
