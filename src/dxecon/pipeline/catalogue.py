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

from dataclasses import dataclass
from typing import Literal

from dxecon.core.errors import DxeconError, did_you_mean

Kind = Literal["table", "chart", "text"]
Scope = Literal["common", "scenario", "month"]


class UnknownOutputError(DxeconError, KeyError):
    """An output name the catalogue does not list."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


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
    columns : tuple of str, optional
        A table's columns, in order (None: a chart, or a table whose columns vary with the
        data, e.g. one column per year; say why in ``note``).
    title : str
        The words-catalogue key of the output's title (`dxecon.present.words`).
    note : str
        Anything a reader of this catalogue needs to know (why columns vary...).
    """

    name: str
    kind: Kind
    scope: Scope
    step: str
    columns: tuple[str, ...] | None = None
    title: str = ""
    note: str = ""

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

    @property
    def suffix(self) -> str:
        return {"table": ".csv", "chart": ".png", "text": ".md"}[self.kind]

    @property
    def folder(self) -> str:
        return {"table": "tables", "chart": "charts", "text": "texts"}[self.kind]


#: The columns of a city's published digital-economy shares (one table per measure).
_REPORTED_SHARES = (
    "year",
    "boundary",
    "de_share_pct",
    "method",
    "status",
    "published",
    "obs_id",
    "source_id",
    "note",
)

#: Every output of a run. Filled in by the steps' modules' authors, one entry per output,
#: grouped by step; `tests/test_catalogue.py` checks that every step produces exactly its
#: outputs and that no name is typed anywhere else.
OUTPUTS: tuple[Output, ...] = (
    # -- common: data_overview, digital_economy, productivity, published_forecasts, nowcast
    Output("data_summary", "text", "common", "data_overview", title="out.data_summary"),
    Output(
        "coverage",
        "table",
        "common",
        "data_overview",
        ("indicator", "HP", "HP2025", "VN"),
        title="out.coverage",
    ),
    Output(
        "revisions_de_share_vn",
        "text",
        "common",
        "data_overview",
        title="out.revisions_de_share_vn",
    ),
    Output(
        "vintages_de_share_vn",
        "table",
        "common",
        "data_overview",
        title="out.vintages_de_share_vn",
        note="published, source_id, status, then one column per reference year published",
    ),
    Output(
        "de_share_vn_chosen",
        "table",
        "common",
        "data_overview",
        ("year", "value", "obs_id", "source_id", "status", "reason"),
        title="out.de_share_vn_chosen",
    ),
    Output(
        "conflicts",
        "table",
        "common",
        "data_overview",
        (
            "indicator",
            "geo",
            "sector",
            "price_basis",
            "method",
            "unit",
            "year",
            "figures",
            "min",
            "max",
            "chosen",
            "obs_id",
            "source_id",
        ),
        title="out.conflicts",
    ),
    Output(
        "gaps", "table", "common", "data_overview", ("series", "missing years"), title="out.gaps"
    ),
    Output(
        "grdp_growth_boundary",
        "chart",
        "common",
        "data_overview",
        title="out.grdp_growth_boundary",
    ),
    Output(
        "de_share_boundary_sentence",
        "text",
        "common",
        "data_overview",
        title="out.de_share_boundary_sentence",
    ),
    Output("de_share_boundary", "chart", "common", "data_overview", title="out.de_share_boundary"),
    Output(
        "reported_shares_gso",
        "table",
        "common",
        "digital_economy",
        _REPORTED_SHARES,
        title="out.reported_shares_gso",
    ),
    Output(
        "reported_shares_mic",
        "table",
        "common",
        "digital_economy",
        _REPORTED_SHARES,
        title="out.reported_shares_mic",
    ),
    Output(
        "core_digitised_sentence",
        "text",
        "common",
        "digital_economy",
        title="out.core_digitised_sentence",
    ),
    Output(
        "core_digitised_split",
        "table",
        "common",
        "digital_economy",
        (
            "year",
            "core_pct",
            "digitised_pct",
            "total_pct",
            "core_share_of_de_pct",
            "digitised_share_of_de_pct",
            "published_total_pct",
            "rounding_residual_pp",
        ),
        title="out.core_digitised_split",
    ),
    Output(
        "calibration_sentence",
        "text",
        "common",
        "digital_economy",
        title="out.calibration_sentence",
    ),
    Output(
        "national_intensities",
        "table",
        "common",
        "digital_economy",
        ("sector", "contribution_pp", "weight_pct", "digital_share_pct"),
        title="out.national_intensities",
    ),
    Output(
        "calibration",
        "table",
        "common",
        "digital_economy",
        (
            "year",
            "published_pct",
            "structural_pct",
            "fixed_part_pp",
            "scaled_part_pp",
            "estimated_pct",
            "residual_pp",
        ),
        title="out.calibration",
    ),
    Output(
        "structural_estimate",
        "table",
        "common",
        "digital_economy",
        ("sector", "weight_pct", "intensity_pct", "contribution_pp"),
        title="out.structural_estimate",
    ),
    Output(
        "sector_floors_sentence",
        "text",
        "common",
        "digital_economy",
        title="out.sector_floors_sentence",
    ),
    Output(
        "sector_floors",
        "table",
        "common",
        "digital_economy",
        (
            "sector",
            "floor_year",
            "floor_pct",
            "share_year",
            "share_pct",
            "gap_pp",
            "meets",
            "verdict",
            "required_growth_pct_per_year",
        ),
        title="out.sector_floors",
    ),
    Output(
        "sector_shares_floors",
        "chart",
        "common",
        "digital_economy",
        title="out.sector_shares_floors",
    ),
    Output(
        "city_vs_nation_decomposition",
        "table",
        "common",
        "digital_economy",
        ("sector", "structure_pp", "intensity_pp", "change_pp"),
        title="out.city_vs_nation_decomposition",
    ),
    Output(
        "observed_pace",
        "table",
        "common",
        "digital_economy",
        (
            "measure",
            "geo",
            "method",
            "period",
            "start_value",
            "end_value",
            "pace",
            "unit",
            "evidence",
            "status",
        ),
        title="out.observed_pace",
        note="read by the month report's what-it-takes table",
    ),
    Output(
        "lp_targets_sentence",
        "text",
        "common",
        "productivity",
        title="out.lp_targets_sentence",
    ),
    Output(
        "national_productivity_sentence",
        "text",
        "common",
        "productivity",
        title="out.national_productivity_sentence",
    ),
    Output(
        "national_productivity",
        "table",
        "common",
        "productivity",
        (
            "year",
            "lp_current_m_vnd",
            "lp_growth_nominal_pct",
            "lp_growth_real_pct_published",
            "implied_deflator_pct",
        ),
        title="out.national_productivity",
    ),
    Output(
        "employment_assumption",
        "text",
        "common",
        "productivity",
        title="out.employment_assumption",
    ),
    Output(
        "city_lp_growth_real",
        "table",
        "common",
        "productivity",
        (
            "year",
            "grdp_growth_real_pct",
            "employment_growth_pct",
            "employment_assumed",
            "lp_growth_real_pct",
        ),
        title="out.city_lp_growth_real",
    ),
    Output(
        "grdp_current_sources",
        "text",
        "common",
        "productivity",
        title="out.grdp_current_sources",
    ),
    Output(
        "city_lp_levels_nominal",
        "table",
        "common",
        "productivity",
        ("year", "output_m_vnd", "employment_persons", "lp_nominal", "employment_assumed"),
        title="out.city_lp_levels_nominal",
    ),
    Output(
        "city_lp_targets",
        "table",
        "common",
        "productivity",
        (
            "reading",
            "observed_real_pct",
            "target_pct",
            "gap_pp",
            "met_so_far",
            "still_achievable",
            "required_real_pct",
            "weakest_year",
            "verdict",
            "base_year",
            "latest_year",
            "target_year",
            "rate_pct",
        ),
        title="out.city_lp_targets",
    ),
    Output(
        "city_lp_trajectory",
        "chart",
        "common",
        "productivity",
        title="out.city_lp_trajectory",
    ),
    Output(
        "forecast_series_sentence",
        "text",
        "common",
        "published_forecasts",
        title="out.forecast_series_sentence",
    ),
    Output(
        "forecast_series",
        "table",
        "common",
        "published_forecasts",
        ("series", "years", "points", "why"),
        title="out.forecast_series",
    ),
    Output("backtest_setup", "text", "common", "published_forecasts", title="out.backtest_setup"),
    Output(
        "backtests",
        "table",
        "common",
        "published_forecasts",
        title="out.backtests",
        note="a coverage column per interval level of params/forecasts.yaml's backtest rule",
    ),
    Output(
        "published_forecasts",
        "table",
        "common",
        "published_forecasts",
        (
            "indicator",
            "geo",
            "sector",
            "price_basis",
            "method",
            "unit",
            "year",
            "median",
            "lower",
            "upper",
            "model",
            "interval",
            "flag",
            "interval_note",
            "diagnostics",
        ),
        title="out.published_forecasts",
        note="joined with each scenario's forecasts into forecasts.csv by the runner",
    ),
    Output(
        "published_forecasts_sentence",
        "text",
        "common",
        "published_forecasts",
        title="out.published_forecasts_sentence",
    ),
    Output(
        "published_forecast_medians",
        "table",
        "common",
        "published_forecasts",
        title="out.published_forecast_medians",
        note="indicator, geo, sector, model, then one column per forecast year",
    ),
    Output(
        "de_share_vn_forecast",
        "chart",
        "common",
        "published_forecasts",
        title="out.de_share_vn_forecast",
    ),
    Output(
        "pseudo_real_time_summary",
        "text",
        "common",
        "published_forecasts",
        title="out.pseudo_real_time_summary",
    ),
    Output(
        "pseudo_real_time",
        "table",
        "common",
        "published_forecasts",
        (
            "series",
            "as_of",
            "years",
            "mae_model",
            "mae_naive",
            "model",
            "no_worse_than_naive",
            "status",
        ),
        title="out.pseudo_real_time",
    ),
    Output("growth_rule", "text", "common", "published_forecasts", title="out.growth_rule"),
    Output(
        "growth_candidates",
        "table",
        "common",
        "published_forecasts",
        title="out.growth_candidates",
        note="candidate, mae_<as-of> and errors_<as-of> per January, then the pooled scores; "
        "read by the month report's methods section",
    ),
    Output(
        "growth_choices",
        "table",
        "common",
        "published_forecasts",
        ("as_of", "chosen", "used", "why"),
        title="out.growth_choices",
    ),
    Output(
        "growth_refused",
        "table",
        "common",
        "published_forecasts",
        ("as_of", "candidate", "why", "reason", "points", "needed"),
        title="out.growth_refused",
    ),
    Output("nowcast_headline", "text", "common", "nowcast", title="out.nowcast_headline"),
    Output(
        "nowcast",
        "table",
        "common",
        "nowcast",
        (
            "year",
            "as_of",
            "stage",
            "boundary",
            "method",
            "median",
            "lower",
            "upper",
            "past_years",
            "interval",
        ),
        title="out.nowcast",
        note="read by the month report's nowcast section",
    ),
    Output("nowcast_path_chart", "chart", "common", "nowcast", title="out.nowcast_path_chart"),
    Output(
        "nowcast_path",
        "table",
        "common",
        "nowcast",
        ("as_of", "stage", "method", "median", "lower", "upper", "what_is_new"),
        title="out.nowcast_path",
    ),
    Output(
        "nowcast_inputs_sentence",
        "text",
        "common",
        "nowcast",
        title="out.nowcast_inputs_sentence",
    ),
    Output(
        "nowcast_inputs",
        "table",
        "common",
        "nowcast",
        ("stage", "value", "geo", "boundary", "publisher", "published", "obs_id"),
        title="out.nowcast_inputs",
    ),
    Output(
        "nowcast_backtest_records",
        "table",
        "common",
        "nowcast",
        (
            "year",
            "stage",
            "as_of",
            "method",
            "method_detail",
            "median",
            "lower",
            "upper",
            "outturn",
            "outturn_obs_id",
            "error",
            "abs_error",
            "covered",
            "boundary",
            "cross_boundary",
        ),
        title="out.nowcast_backtest_records",
    ),
    Output(
        "nowcast_backtest",
        "table",
        "common",
        "nowcast",
        ("stage", "method", "years", "mae", "coverage", "years_with_interval", "verdict"),
        title="out.nowcast_backtest",
    ),
    Output(
        "nowcast_head_to_head",
        "table",
        "common",
        "nowcast",
        (
            "stage",
            "years",
            "which_years",
            "bridge_mae",
            "carry_mae",
            "last_year_mae",
            "verdict",
        ),
        title="out.nowcast_head_to_head",
    ),
    Output(
        "nowcast_stage_findings",
        "text",
        "common",
        "nowcast",
        title="out.nowcast_stage_findings",
    ),
    # -- common: diffusion; scenario: scenario, scorecard; common: sweep; month: overall
)


def output(name: str) -> Output:
    """The catalogue entry called ``name`` (a per-target name matches its pattern)."""
    for entry in OUTPUTS:
        if entry.name == name:
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
