"""The catalogue of outputs: every table and chart a run writes, named once.

A run's outputs are what notebooks show, what the month report reads, what the explorer and
the tests look at. Each is declared here, once: its name (the file stem: ``tables/<name>.csv``,
``charts/<name>.png``, ``texts/<name>.md`` for a sentence rendered in the run's language), its
kind, its scope (``common``: once per run, under
``outputs/<month>/common/``; ``scenario``: once per scenario, under
``outputs/<month>/<scenario>/``; ``month``: the month's own, beside the report), the step that
produces it (`dxecon.pipeline.steps`) and, for a table, its columns (checked when written).
No other module types an output's name: they refer to it through :data:`OUTPUTS`
(:func:`output`, :func:`outputs_of`).

A chart drawn once per key target of a sweep is one entry whose name holds ``{target}``
(:func:`Output.file_stem` fills it in); every other name is fixed.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from dxecon.core.errors import DxeconError, did_you_mean

Kind = Literal["table", "chart", "text"]
Scope = Literal["common", "scenario", "month"]


class UnknownOutputError(DxeconError, KeyError):
    """An output name the catalogue does not list."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class ColumnsOf(Sequence):
    """A table's columns as its producer's constant declares them (``"module:NAME"``), with
    fixed columns ``before`` and ``after`` it and its first ``skip`` left out; the module is
    imported when the columns are first read, so importing the catalogue (a notebook that
    only shows a run's saved outputs) imports no model."""

    def __init__(self, spec: str, *, before=(), after=(), skip: int = 0) -> None:
        self.spec, self.before, self.after, self.skip = spec, tuple(before), tuple(after), skip

    @cached_property
    def names(self) -> tuple[str, ...]:
        module, name = self.spec.split(":")
        found = importlib.import_module(module)
        for part in name.split("."):  # a class's constant: "Class.NAME"
            found = getattr(found, part)
        return (*self.before, *tuple(found)[self.skip :], *self.after)

    def __getitem__(self, index):
        return self.names[index]

    def __len__(self) -> int:
        return len(self.names)

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash((self.spec, self.before, self.after, self.skip))

    def __repr__(self) -> str:
        return f"ColumnsOf({self.spec!r})"


@dataclass(frozen=True)
class Output:
    """One table or chart of a run.

    Attributes
    ----------
    name : str
        The file stem (``{target}`` in it: one file per key target).
    kind : {'table', 'chart', 'text'}
        A text is Markdown in the run's language (a notebook's or the report's sentence
        made from the step's results), so a notebook that loads a run's outputs shows it
        without recomputing.
    scope : {'common', 'scenario', 'month'}
    step : str
        The producing step's name (a key of `dxecon.pipeline.steps.STEPS`).
    columns : tuple of str or ColumnsOf, optional
        A table's columns, in order (None: a chart, or a table whose columns vary with the
        data, e.g. one column per year; say why in ``note``); `ColumnsOf` names a
        producer's constant, read when needed.
    title : str
        The words-catalogue key of the output's title (`dxecon.present.words`).
    note : str
        Anything a reader of this catalogue needs to know (why columns vary...).
    in_notebook : bool
        Whether the step's notebook shows it (False: saved for the month report only).
    """

    name: str
    kind: Kind
    scope: Scope
    step: str
    columns: tuple[str, ...] | ColumnsOf | None = None
    title: str = ""
    note: str = ""
    in_notebook: bool = True

    @property
    def per_target(self) -> bool:
        return "{target}" in self.name

    def file_stem(self, target: str | None = None) -> str:
        """The file's name without suffix (``target`` fills a per-target name)."""
        if self.per_target:
            if not target:
                raise ValueError(f"output {self.name!r} is drawn once per target: name one")
            return self.name.format(target=target)
        return self.name

    def matches(self, stem: str) -> bool:
        """Whether ``stem`` is this output's file stem (a per-target one: any target)."""
        if not self.per_target:
            return stem == self.name
        prefix, suffix = self.name.split("{target}")
        return stem.startswith(prefix) and stem.endswith(suffix) and len(stem) > len(self.name) - 8

    def target_of(self, stem: str) -> str | None:
        """The target a per-target file stem names (None for a fixed name)."""
        if not self.per_target:
            return None
        prefix, suffix = self.name.split("{target}")
        return stem[len(prefix) : len(stem) - len(suffix)]

    @property
    def suffix(self) -> str:
        return {"table": ".csv", "chart": ".png", "text": ".md"}[self.kind]

    @property
    def folder(self) -> str:
        return {"table": "tables", "chart": "charts", "text": "texts"}[self.kind]


def _common(step: str, *entries: tuple) -> tuple[Output, ...]:
    """One step's common outputs, each ``(name, kind[, columns[, note[, in_notebook]]])``:
    ``columns`` a tuple or a space-separated string (None: they vary, ``note`` says how);
    the title is the words key ``out.<name>``."""
    found = []
    for name, kind, *rest in entries:
        columns = rest[0] if rest else None
        columns = tuple(columns.split()) if isinstance(columns, str) else columns
        note = rest[1] if len(rest) > 1 else ""
        in_notebook = rest[2] if len(rest) > 2 else True
        found.append(Output(name, kind, "common", step, columns, f"out.{name}", note, in_notebook))
    return tuple(found)


def _columns_of(
    module: str, *entries: tuple[str, str, str], in_notebook: bool = True
) -> tuple[tuple, ...]:
    """``_common`` entries ``(name, "table", columns, note, in_notebook)`` of tables whose
    columns are a constant of ``module`` (each entry: name, the constant's name, a note)."""
    return tuple(
        (name, "table", ColumnsOf(f"{module}:{constant}"), note, in_notebook)
        for name, constant, note in entries
    )


def _steps_05_07() -> tuple[Output, ...]:
    """The outputs of the steps of notebooks 05-07 (diffusion, scenario, scorecard, sweep)
    and of the month's overall reading; a table's columns are its producer's constant."""
    CALIBRATION_COLUMNS = ColumnsOf("dxecon.models.calibration:CALIBRATION_COLUMNS")
    DRAWS_COLUMNS = ColumnsOf("dxecon.models.scenarios.diffusion:TABLE_COLUMNS")
    SCORECARD_COLUMNS = ColumnsOf("dxecon.models.scenarios.scorecard:SCORECARD_COLUMNS")
    START_COLUMNS = ColumnsOf("dxecon.models.scenarios.start:START_COLUMNS")
    breakdown = "dxecon.models.scenarios.uncertainty:BREAKDOWN_COLUMNS"
    WHAT_IT_TAKES_COLUMNS = ColumnsOf("dxecon.models.scenarios.uncertainty:WHAT_IT_TAKES_COLUMNS")
    TORNADO_COLUMNS = ColumnsOf("dxecon.models.sweeps.sweep_run:TORNADO_COLUMNS")
    FORECAST_COLUMNS = ColumnsOf("dxecon.pipeline.steps.scenario:FORECAST_COLUMNS")
    views = "dxecon.present.scenario_text"

    def common(name, kind, step, columns=None, note=""):
        return Output(name, kind, "common", step, _tuple(columns), f"out.{name}", note)

    def scenario(name, kind, step, columns=None, note="", in_notebook=True):
        return Output(
            name, kind, "scenario", step, _tuple(columns), f"out.{name}", note, in_notebook
        )

    varies = "one column per year"
    SAMPLE_PROBABILITIES = ("probability_p10", "probability_median", "probability_p90")
    return (
        common("diffusion_calibration", "table", "diffusion", CALIBRATION_COLUMNS),
        common(
            "diffusion_realtime",
            "table",
            "diffusion",
            note="bounds and hits per interval level of params/forecasts.yaml's backtest",
        ),
        common(
            "diffusion_realtime_coverage",
            "table",
            "diffusion",
            (
                "level",
                "forecasts_from",
                "intervals",
                "forecasts",
                "inside",
                "coverage",
                "binomial_p",
                "min_forecasts",
                "cases",
                "events",
                "judged",
            ),
        ),
        scenario("scenario_header", "text", "scenario"),
        scenario("scenario_start_text", "text", "scenario"),
        scenario("scenario_start", "table", "scenario", START_COLUMNS),
        scenario(
            "scenario_assumptions",
            "table",
            "scenario",
            ColumnsOf(f"{views}:ASSUMPTION_VIEW_COLUMNS"),
            note="sectors and the sources of growth figures in the run's language",
        ),
        scenario("scenario_reasoning", "table", "scenario", ("assumption", "reasoning")),
        scenario("diffusion_draws_text", "text", "scenario"),
        scenario("diffusion_draws", "table", "scenario", DRAWS_COLUMNS),
        scenario("de_share_fan", "chart", "scenario"),
        scenario("de_share_fan_text", "text", "scenario"),
        scenario(
            "de_share_change",
            "table",
            "scenario",
            ColumnsOf("dxecon.models.scenarios.decomposition:SHARE_CHANGE_COLUMNS"),
            note="why the share falls, for the report; notebook 05 says it in the fan's text",
            in_notebook=False,
        ),
        scenario("lp_growth_real_fan", "chart", "scenario"),
        scenario("lp_growth_nominal_fan", "chart", "scenario"),
        scenario("lp_growth_fan_text", "text", "scenario"),
        scenario("scenario_forecasts", "table", "scenario", FORECAST_COLUMNS),
        scenario("scenario_medians", "table", "scenario", note=f"indicator, sector, {varies}"),
        scenario("what_it_takes", "table", "scenario", WHAT_IT_TAKES_COLUMNS),
        scenario("what_it_takes_text", "text", "scenario"),
        scenario(
            "what_it_takes_view",
            "table",
            "scenario",
            ColumnsOf(
                "dxecon.present.uncertainty_text:PACES",
                before=("goal", "target", "latest", "required"),
                after=("unit",),
            ),
        ),
        scenario("what_it_takes_chart", "chart", "scenario"),
        scenario("interval_breakdown", "table", "scenario", ColumnsOf(breakdown)),
        scenario("interval_breakdown_text", "text", "scenario"),
        scenario(
            "interval_breakdown_view",
            "table",
            "scenario",
            ColumnsOf(breakdown, before=("uncertainty",), skip=1),
            note="the sources switched on, in words",
        ),
        scenario("scorecard", "table", "scorecard", SCORECARD_COLUMNS),
        scenario("scorecard_header", "text", "scorecard"),
        scenario("scorecard_text", "text", "scorecard"),
        scenario("scorecard_status", "table", "scorecard", ("status", "goals")),
        scenario("scorecard_interval_text", "text", "scorecard"),
        scenario("scorecard_city", "table", "scorecard", ColumnsOf(f"{views}:CITY_COLUMNS")),
        scenario(
            "scorecard_city_notes", "table", "scorecard", ColumnsOf(f"{views}:CITY_NOTES_COLUMNS")
        ),
        scenario("scorecard_no_data", "table", "scorecard", ColumnsOf(f"{views}:NO_DATA_COLUMNS")),
        scenario("scorecard_context", "table", "scorecard", ColumnsOf(f"{views}:CONTEXT_COLUMNS")),
        common("sweep_summary", "text", "sweep"),
        common("sweep_key_targets", "table", "sweep", ("target_id", "target", "reading")),
        common(
            "sweep_ranges",
            "table",
            "sweep",
            ("parameter", "meaning", "base", "low", "high", "range"),
        ),
        common(
            "sweep_results",
            "table",
            "sweep",
            note="one column per parameter, a probability and a median per key target",
        ),
        common("sweep_tornado", "table", "sweep", TORNADO_COLUMNS),
        common("sweep_top_assumptions", "table", "sweep", note="the tornado's strongest, in words"),
        common("sweep_tornado_{target}", "chart", "sweep", note="one per key target"),
        common("sweep_surface", "table", "sweep", note="the surface's two parameters vary"),
        common("sweep_probability_grid", "table", "sweep", note="one column per x value"),
        common(
            "sweep_surface_{target}", "chart", "sweep", note="the sweep file's first key target"
        ),
        common(
            "sweep_sample_summary",
            "table",
            "sweep",
            ("target_id", "variants", "share_likely", *SAMPLE_PROBABILITIES),
        ),
        common("sweep_rank_correlations", "table", "sweep", note="one column per key target"),
        common("sweep_failures", "text", "sweep"),
        common("sweep_failed", "table", "sweep", note="one column per parameter"),
        common("sweep_reading", "text", "sweep"),
        Output(
            "overall_scorecard",
            "table",
            "month",
            "overall",
            ColumnsOf("dxecon.models.scenarios.weights:PROBABILITY_COLUMNS", before=("goal_id",)),
            "out.overall_scorecard",
        ),
        Output("overall_weights", "text", "month", "overall", title="out.overall_weights"),
        Output(
            "scenario_weights",
            "table",
            "month",
            "overall",
            ("scenario", "weight", "in_run"),
            "out.scenario_weights",
            "params/scenario_weights.yaml's weights; read by the month report",
        ),
        Output(
            "forecasts",
            "table",
            "month",
            "forecasts",
            ColumnsOf("dxecon.pipeline.steps.forecasts:COLUMNS"),
            "out.forecasts",
            "every scenario's forecasts and the published series' (scenario empty)",
        ),
        Output(
            "revisions",
            "table",
            "month",
            "revisions",
            ColumnsOf(
                "dxecon.models.scenarios.revisions:REVISION_COLUMNS",
                before=("scenario", "previous_as_of"),
            ),
            "out.revisions",
        ),
        Output("revisions_chart", "chart", "month", "revisions", title="out.revisions_chart"),
        Output(
            "revision_causes",
            "table",
            "month",
            "revisions",
            ColumnsOf("dxecon.pipeline.steps.revisions:CAUSE_COLUMNS"),
            "out.revision_causes",
            "per scenario with an earlier month: figures published since, same inputs or not",
        ),
    )


def _panel_outputs() -> tuple[Output, ...]:
    """The outputs of the panel step (several places on one measure), the month's."""

    def month(name, kind, columns=None, note=""):
        return Output(name, kind, "month", "panel", _tuple(columns), f"out.{name}", note)

    return (
        month("places_panel", "table", ColumnsOf("dxecon.models.panel:PANEL_COLUMNS")),
        month(
            "places_panel_view",
            "table",
            ColumnsOf("dxecon.present.panel_text:VIEW_COLUMNS"),
            "the reader's panel, a note per row",
        ),
        month("places_panel_text", "text"),
    )


def _tuple(columns) -> tuple[str, ...] | ColumnsOf | None:
    if columns is None or isinstance(columns, ColumnsOf):
        return columns
    return tuple(columns)


#: Every output of a run. Filled in by the steps' modules' authors, one entry per output,
#: grouped by step; `tests/test_catalogue.py` checks that every step produces exactly its
#: outputs and that no name is typed anywhere else.
OUTPUTS: tuple[Output, ...] = (
    # -- common: data_overview, digital_economy, productivity, published_forecasts, nowcast
    *_common(
        "data_overview",
        ("data_summary", "text"),
        ("coverage", "table", "indicator boundary_old boundary_new nation"),
        ("revisions_de_share_vn", "text"),
        (
            "vintages_de_share_vn",
            "table",
            None,
            "published, source_id, status, then one column per reference year published",
        ),
        ("de_share_vn_chosen", "table", "year value obs_id source_id status reason"),
        (
            "conflicts",
            "table",
            "indicator geo sector price_basis method unit year figures min max chosen "
            "obs_id source_id",
        ),
        ("gaps", "table", ("series", "missing years")),
        ("grdp_growth_boundary", "chart"),
        ("de_share_boundary_sentence", "text"),
        ("de_share_boundary", "chart"),
        *_columns_of(
            "dxecon.data.overview",
            ("observation_index", "OBSERVATION_COLUMNS", "the report's sources and evidence"),
            ("sources", "SOURCE_COLUMNS", "the report's bibliography"),
            ("code_names", "CODE_NAME_COLUMNS", "the report's words for codes"),
            ("targets", "TARGET_COLUMNS", "the report's wording of each target"),
            ("latest_city_figure", "LATEST_COLUMNS", "the report's title page"),
            ("latest_by_geo", "LATEST_COLUMNS", "the report's peers"),
            in_notebook=False,
        ),
    ),
    *_common(
        "digital_economy",
        (
            "reported_shares_gso",
            "table",
            "year boundary de_share_pct method status published obs_id source_id note",
        ),
        (
            "reported_shares_mic",
            "table",
            "year boundary de_share_pct method status published obs_id source_id note",
        ),
        ("core_digitised_sentence", "text"),
        (
            "core_digitised_split",
            "table",
            "year core_pct digitised_pct total_pct core_share_of_de_pct "
            "digitised_share_of_de_pct published_total_pct rounding_residual_pp",
        ),
        ("calibration_sentence", "text"),
        ("national_intensities", "table", "sector contribution_pp weight_pct digital_share_pct"),
        (
            "calibration",
            "table",
            "year published_pct structural_pct fixed_part_pp scaled_part_pp estimated_pct "
            "residual_pp",
        ),
        ("structural_estimate", "table", "sector weight_pct intensity_pct contribution_pp"),
        ("sector_floors_sentence", "text"),
        (
            "sector_floors",
            "table",
            "sector floor_year floor_pct share_year share_pct gap_pp meets verdict "
            "required_growth_pct_per_year",
        ),
        ("sector_shares_floors", "chart"),
        ("city_vs_nation_decomposition", "table", "sector structure_pp intensity_pp change_pp"),
        (
            "observed_pace",
            "table",
            "measure geo method period start_value end_value pace unit evidence status",
            "read by the month report's what-it-takes table",
        ),
        (
            "de_contribution",
            "table",
            ColumnsOf("dxecon.models.contribution:COLUMNS"),
            "the report's contribution to growth",
            False,
        ),
        *_columns_of(
            "dxecon.models.measures",
            ("measure_setup", "SETUP_COLUMNS", "the report's two measures"),
            ("measure_ratio_fits", "FIT_COLUMNS", "the report's conversion"),
            ("measure_ratio_pairs", "PAIR_COLUMNS", "the report's conversion"),
            ("measure_ratio_predicted", "PREDICTED_COLUMNS", "the report's conversion"),
            ("measure_ratio_realtime", "REALTIME_COLUMNS", "the report's conversion"),
            in_notebook=False,
        ),
    ),
    *_common(
        "productivity",
        ("lp_targets_sentence", "text"),
        ("national_productivity_sentence", "text"),
        (
            "national_productivity",
            "table",
            "year lp_current_m_vnd lp_growth_nominal_pct lp_growth_real_pct_published "
            "implied_deflator_pct",
        ),
        ("employment_assumption", "text"),
        (
            "city_lp_growth_real",
            "table",
            "year grdp_growth_real_pct employment_growth_pct employment_assumed lp_growth_real_pct",
        ),
        ("grdp_current_sources", "text"),
        (
            "city_lp_levels_nominal",
            "table",
            "year output_m_vnd employment_persons lp_nominal employment_assumed",
        ),
        (
            "city_lp_targets",
            "table",
            "reading observed_real_pct target_pct gap_pp met_so_far still_achievable "
            "required_real_pct weakest_year verdict base_year latest_year target_year "
            "rate_pct",
        ),
        ("city_lp_trajectory", "chart"),
    ),
    *_common(
        "published_forecasts",
        ("forecast_series_sentence", "text"),
        ("forecast_series", "table", "series unit years points why"),
        ("backtest_setup", "text"),
        (
            "backtests",
            "table",
            None,
            "a coverage column per interval level of params/forecasts.yaml's backtest rule",
        ),
        (
            "published_forecasts",
            "table",
            "indicator geo sector price_basis method unit year median lower upper model "
            "interval flag interval_note diagnostics",
            "joined with each scenario's forecasts into forecasts.csv by the runner",
        ),
        ("published_forecasts_sentence", "text"),
        (
            "published_forecast_medians",
            "table",
            None,
            "indicator, geo, sector, model, then one column per forecast year",
        ),
        ("de_share_vn_forecast", "chart"),
        ("pseudo_real_time_summary", "text"),
        (
            "pseudo_real_time",
            "table",
            "series as_of years mae_model mae_naive model no_worse_than_naive status",
        ),
        ("growth_rule", "text"),
        (
            "growth_candidates",
            "table",
            None,
            "candidate, mae_<as-of> and errors_<as-of> per January, then the pooled scores; "
            "read by the month report's methods section",
        ),
        ("growth_choices", "table", "as_of chosen used why"),
        ("growth_refused", "table", "as_of candidate why reason points needed"),
        (
            "growth_spec",
            "table",
            ColumnsOf("dxecon.models.forecast.growth:GrowthSpec.FIELDS"),
            "the growth rule's setup (params/forecasts.yaml), read by the month report",
            False,
        ),
    ),
    *_common(
        "nowcast",
        ("nowcast_headline", "text"),
        (
            "nowcast",
            "table",
            "year as_of stage boundary method median lower upper past_years interval",
            "read by the month report's nowcast section",
        ),
        ("nowcast_path_chart", "chart"),
        ("nowcast_path", "table", "as_of stage method median lower upper what_is_new"),
        ("nowcast_inputs_sentence", "text"),
        ("nowcast_inputs", "table", "stage value geo boundary publisher published obs_id"),
        (
            "nowcast_backtest_records",
            "table",
            "year stage as_of method method_detail median lower upper outturn "
            "outturn_obs_id error abs_error covered boundary cross_boundary",
        ),
        (
            "nowcast_backtest",
            "table",
            "stage method years mae coverage years_with_interval verdict",
        ),
        (
            "nowcast_head_to_head",
            "table",
            "stage years which_years bridge_mae carry_mae last_year_mae verdict",
        ),
        ("nowcast_stage_findings", "text"),
    ),
    # -- common: diffusion; scenario: scenario, scorecard; common: sweep; month: overall
    *_steps_05_07(),
    # -- month: panel (places side by side; notebook 09)
    *_panel_outputs(),
)


def output(name: str) -> Output:
    """The catalogue entry called ``name`` (a per-target file stem, such as
    ``sweep_tornado_TGT021``, matches its pattern)."""
    for entry in OUTPUTS:
        if entry.name == name:
            return entry
    for entry in OUTPUTS:
        if entry.per_target and entry.matches(name):
            return entry
    names = [entry.name for entry in OUTPUTS]
    raise UnknownOutputError(
        f"no output {name!r} in the catalogue (dxecon.pipeline.catalogue); "
        f"{did_you_mean(name, names)}"
    )


def outputs_of(step: str) -> tuple[Output, ...]:
    """The outputs a step produces, in catalogue order."""
    return tuple(entry for entry in OUTPUTS if entry.step == step)


def outputs_in(scope: Scope) -> tuple[Output, ...]:
    """The outputs of one scope, in catalogue order."""
    return tuple(entry for entry in OUTPUTS if entry.scope == scope)
