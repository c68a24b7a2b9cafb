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

from dxecon.core.errors import SeriesSelectionError
from dxecon.core.params import params_path
from dxecon.core.places import nation
from dxecon.data import overview
from dxecon.data.selection import SelectionPolicy
from dxecon.models.scoring import ScoringConfig
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import narrative
from dxecon.present.charts.published import boundary_chart
from dxecon.present.words import Words

PARAMS_FILE, MEASURES_FILE = "selection.yaml", "measures.yaml"
TARGETS_FILE = "targets.yaml"
#: The indicators whose latest figure in every place is compared (the report's peers).
PEER_INDICATORS = ("de_share", "lp_growth_real_avg")
#: The series whose releases are listed one by one: the national GSO share (the nation's
#: code: `dxecon.core.places.nation`), the longest series of the measure the place's estimate
#: is calibrated to.
VINTAGES = {"indicator": "de_share", "method": "GSO"}
#: The series the place's estimates rest on (on its oldest boundary), whose missing years
#: are listed; the sector is the one its profile adjusts (``digital.adjust_sector``).
GAP_SERIES = (
    {"indicator": "grdp_growth_real"},
    {"indicator": "employment"},
    {"indicator": "de_share", "method": "GSO"},
    {"indicator": "sector_share_grdp", "sector": None},
)
#: Gaps are listed over this many years before the merger (the pre-merger city's record).
GAP_YEARS = 10
#: The coverage table's columns after ``indicator``: generic, so that every place's table
#: has the same columns (the codes are in the notebook's explanation).
COVERAGE_ROLES = ("boundary_old", "boundary_new", "nation")
CHOSEN_COLUMNS = ["year", "value", "obs_id", "source_id", "status", "reason"]


def compute(ctx: Context) -> StepResult:
    policy = SelectionPolicy.from_mapping(
        ctx.params(PARAMS_FILE), file=str(params_path(PARAMS_FILE))
    )
    dataset = ctx.dataset.with_policy(policy)
    geographies = dataset.codes["geographies"]
    city, nation_code = ctx.profile.first, nation()
    boundaries = [city, *dataset.related_geographies(city)[:1]]
    merger = int(narrative.boundary_break(geographies, city)[0] + 0.5)
    vintages = overview.vintages(dataset, VINTAGES["indicator"], nation_code, method="GSO")
    series = dataset.series(**VINTAGES, geo=nation_code, as_of=ctx.as_of)
    sector = ctx.params("digital.yaml")["adjust_sector"]
    gap_series = [
        {**s, "geo": city, **({"sector": sector} if "sector" in s else {})} for s in GAP_SERIES
    ]
    chosen = series.to_frame().reset_index()
    growth = {geo: dataset.series("grdp_growth_real", geo, as_of=ctx.as_of) for geo in boundaries}
    measures = ctx.params(MEASURES_FILE)
    share = {
        geo: _on_measures(
            dataset, geo, (measures["forecast_measure"], measures["other_measure"]), ctx.as_of
        )
        for geo in boundaries
    }
    # Drawn and compared on the forecast measure only; a boundary with the other measure
    # alone is named with its measure in the sentence, never drawn beside the first.
    drawn = {geo: s[VINTAGES["method"]] for geo, s in share.items() if VINTAGES["method"] in s}
    if len(drawn) == len(boundaries):  # both on the forecast measure: side by side
        sentence, found, what = narrative.boundary_sentence, drawn, "txt.what_de_share_gso"
    else:  # each on the measure it has, labelled, not compared
        sentence, found, what = narrative.boundary_measures_sentence, share, "txt.what_de_share"
    words = Words(ctx.lang, ctx.place)
    old, new = (words.place(geo, geographies) for geo in boundaries)
    scoring = ScoringConfig.from_mapping(ctx.params(TARGETS_FILE), file=f"params/{TARGETS_FILE}")
    city_geos = scoring.city_geographies
    return StepResult(
        "data_overview",
        outputs={
            "data_summary": narrative.dataset_summary(dataset, lang=ctx.lang),
            "coverage": _coverage(dataset, (*boundaries, nation_code), words).set_axis(
                ["indicator", *COVERAGE_ROLES], axis=1
            ),
            "revisions_de_share_vn": narrative.revisions_sentence(
                vintages, unit="%", lang=ctx.lang
            ),
            "vintages_de_share_vn": vintages,
            "de_share_vn_chosen": _chosen(chosen, series.provenance, words)[CHOSEN_COLUMNS],
            "conflicts": overview.conflicts(dataset, (*boundaries, nation_code)),
            "gaps": overview.gaps(
                dataset,
                gap_series,
                years=range(merger - GAP_YEARS, merger),
                label=lambda key: _series_name(dataset, key, words),
            ),
            "grdp_growth_boundary": boundary_chart(
                growth,
                geographies,
                title="chart.grdp_growth_title",
                ylabel="chart.pct_year_constant_2010",
                values=False,
                lang=ctx.lang,
                place=ctx.place,
            ),
            "de_share_boundary_sentence": sentence(
                *(found[geo] for geo in boundaries),
                old_label=old,
                new_label=new,
                what=words(what),
                lang=ctx.lang,
            ),
            "de_share_boundary": boundary_chart(
                drawn,
                geographies,
                title="chart.de_share_hp_title",
                ylabel="chart.pct_grdp",
                unit="%",
                note="chart.mic_not_drawn",
                lang=ctx.lang,
                place=ctx.place,
                before=city,
            ),
            "observation_index": overview.observation_index(dataset, ctx.as_of),
            "sources": overview.sources(dataset),
            "code_names": overview.code_names(dataset),
            "targets": overview.targets(dataset),
            "latest_city_figure": overview.latest_figure(dataset, city_geos, as_of=ctx.as_of),
            "latest_by_geo": overview.latest_by_geo(
                dataset, PEER_INDICATORS, as_of=ctx.as_of, city=city_geos
            ),
        },
        objects={"dataset": dataset, "vintages": vintages},
    )


def _on_measures(dataset, geo: str, measures: tuple[str, ...], as_of: str) -> dict:
    """The digital share of ``geo`` on the first of ``measures`` it is published on:
    {measure: series result}, or {} (never two measures: they are not mixed)."""
    for measure in measures:
        try:
            return {measure: dataset.series("de_share", geo, method=measure, as_of=as_of)}
        except SeriesSelectionError:
            continue
    return {}


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
    return table.assign(indicator=table["indicator"].map(lambda c: _indicator(dataset, c, words)))


def _indicator(dataset, code: str, words: Words) -> str:
    """An indicator by its name and the units of its figures: "Dân số (triệu người)"."""
    units = dataset.observations.loc[dataset.observations["indicator"] == code, "unit"]
    unit = ", ".join(words(f"unit.{u}").strip("()") for u in sorted(set(units)))
    said = words.get(f"indicator.{code}", code)
    return f"{said[:1].upper()}{said[1:]}" + (f" ({unit})" if unit else "")


def _series_name(dataset, key: dict, words: Words) -> str:
    """A series key (indicator, place, and any sector or measure) in the reader's words:
    "Số lao động có việc làm (nghìn người), <the place's name in data/codes/geographies.csv>"."""
    parts = [_indicator(dataset, key["indicator"], words)]
    if key.get("sector"):
        parts.append(words.get(f"sector.{key['sector']}", key["sector"]))
    if key.get("method"):
        parts.append(words.get(f"by.{key['method']}", key["method"]))
    parts.append(words.place(key["geo"], dataset.codes["geographies"]))
    return ", ".join(parts)
