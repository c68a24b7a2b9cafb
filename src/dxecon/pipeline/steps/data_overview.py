"""Step ``data_overview`` (notebook 01): what is published, how it was revised, where sources
disagree, which years are missing, and the boundary change of the merger; and what a reader
of the run's outputs looks up (the month report): every observation published by the as-of
with its source, the sources, the code lists in words, the targets with their wording, the
city's latest figure and the latest figure of every place for the compared indicators.

The selection policy is ``params/selection.yaml`` with the context's overrides (a notebook's
parameters): every figure of this step is chosen by it; the city's geographies are
``params/targets.yaml``'s.
"""

from __future__ import annotations

import pandas as pd

from dxecon.core.params import params_path
from dxecon.data import overview
from dxecon.data.selection import SelectionPolicy
from dxecon.models.scoring import ScoringConfig
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import narrative
from dxecon.present.charts.published import boundary_chart
from dxecon.present.words import Words

PARAMS_FILE, TARGETS_FILE = "selection.yaml", "targets.yaml"
#: The indicators whose latest figure in every place is compared (the report's peers).
PEER_INDICATORS = ("de_share", "lp_growth_real_avg")
#: The city before the merger: its series, their gaps and the boundary it changed to.
CITY = "HP"
#: The series whose releases are listed one by one: the national GSO share, the longest
#: series of the measure the city's estimate is calibrated to.
VINTAGES = {"indicator": "de_share", "geo": "VN", "method": "GSO"}
#: The series the city's estimates rest on, whose missing years are listed.
GAP_SERIES = (
    {"indicator": "grdp_growth_real", "geo": CITY},
    {"indicator": "employment", "geo": CITY},
    {"indicator": "de_share", "geo": CITY, "method": "GSO"},
    {"indicator": "sector_share_grdp", "geo": CITY, "sector": "ind_con"},
)
#: Gaps are listed over this many years before the merger (the pre-merger city's record).
GAP_YEARS = 10
CHOSEN_COLUMNS = ["year", "value", "obs_id", "source_id", "status", "reason"]


def compute(ctx: Context) -> StepResult:
    policy = SelectionPolicy.from_mapping(
        ctx.params(PARAMS_FILE), file=str(params_path(PARAMS_FILE))
    )
    dataset = ctx.dataset.with_policy(policy)
    geographies = dataset.codes["geographies"]
    boundaries = [CITY, *dataset.related_geographies(CITY)[:1]]
    merger = int(narrative.boundary_break(geographies, CITY)[0] + 0.5)
    vintages = overview.vintages(dataset, VINTAGES["indicator"], VINTAGES["geo"], method="GSO")
    series = dataset.series(**VINTAGES, as_of=ctx.as_of)
    chosen = series.to_frame().reset_index()
    growth = {geo: dataset.series("grdp_growth_real", geo, as_of=ctx.as_of) for geo in boundaries}
    share = {
        geo: dataset.series("de_share", geo, method="GSO", as_of=ctx.as_of) for geo in boundaries
    }
    words = Words(ctx.lang)
    old, new = (words.place(geo, geographies) for geo in boundaries)
    scoring = ScoringConfig.from_mapping(ctx.params(TARGETS_FILE), file=f"params/{TARGETS_FILE}")
    city = scoring.city_geographies
    return StepResult(
        "data_overview",
        outputs={
            "data_summary": narrative.dataset_summary(dataset, lang=ctx.lang),
            "coverage": _coverage(dataset, (*boundaries, VINTAGES["geo"]), words),
            "revisions_de_share_vn": narrative.revisions_sentence(
                vintages, unit="%", lang=ctx.lang
            ),
            "vintages_de_share_vn": vintages,
            "de_share_vn_chosen": _chosen(chosen, series.provenance, words)[CHOSEN_COLUMNS],
            "conflicts": overview.conflicts(dataset, (*boundaries, VINTAGES["geo"])),
            "gaps": overview.gaps(
                dataset, list(GAP_SERIES), years=range(merger - GAP_YEARS, merger)
            ),
            "grdp_growth_boundary": boundary_chart(
                growth,
                geographies,
                title="chart.grdp_growth_title",
                ylabel="chart.pct_year_constant_2010",
                values=False,
                lang=ctx.lang,
            ),
            "de_share_boundary_sentence": narrative.boundary_sentence(
                share[CITY],
                share[boundaries[1]],
                old_label=old,
                new_label=new,
                what=words("txt.what_de_share_gso"),
                lang=ctx.lang,
            ),
            "de_share_boundary": boundary_chart(
                share,
                geographies,
                title="chart.de_share_hp_title",
                ylabel="chart.pct_grdp",
                unit="%",
                note="chart.mic_not_drawn",
                lang=ctx.lang,
            ),
            "observation_index": overview.observation_index(dataset, ctx.as_of),
            "sources": overview.sources(dataset),
            "code_names": overview.code_names(dataset),
            "targets": overview.targets(dataset),
            "latest_city_figure": overview.latest_figure(dataset, city, as_of=ctx.as_of),
            "latest_by_geo": overview.latest_by_geo(
                dataset, PEER_INDICATORS, as_of=ctx.as_of, city=city
            ),
        },
        objects={"dataset": dataset, "vintages": vintages},
    )


def _chosen(chosen: pd.DataFrame, provenance: pd.DataFrame, words: Words) -> pd.DataFrame:
    """The chosen figure of each year, why in the reader's language: the only figure
    published by then, or preferred among several by the selection policy (the data
    layer's own ``reason`` text names the rule that decided; `dxecon data show` prints it)."""
    visible = provenance[provenance["visible"]].groupby("year")["obs_id"].count()

    def why(n) -> str:
        if pd.isna(n):  # a year with no figure by then
            return words.text(None)
        return words("reason.preferred", n=int(n)) if n > 1 else words("reason.only")

    return chosen.assign(reason=chosen["year"].map(visible).map(why))


def _coverage(dataset, geos: tuple[str, ...], words: Words) -> pd.DataFrame:
    """`overview.coverage` in the reader's words: an indicator by its name and the units
    of its figures ("Dân số (triệu người)"), a cell by its count of years and their span
    ("1 năm (2022)", "3 năm (2022-2024)")."""

    def describe(n: int, first: int, last: int) -> str:
        count = words.count("year", n)
        if first == last:
            return words("coverage.years", count=count, first=first)
        return words("coverage.years_span", count=count, first=first, last=last)

    table = overview.coverage(dataset, geos, describe=describe)
    units = dataset.observations.groupby("indicator")["unit"].agg(
        lambda codes: ", ".join(words(f"unit.{code}").strip("()") for code in sorted(set(codes)))
    )

    def name(code: str) -> str:
        said = words.get(f"indicator.{code}", code)
        return f"{said[:1].upper()}{said[1:]} ({units[code]})"

    return table.assign(indicator=table["indicator"].map(name))
