"""Charts of the published figures and of the estimates made from them (notebooks 1 to 4),
drawn in the reader's language: every title, axis, legend and caption from the catalogue of
words (`dxecon.present.words`), places by their names in the code list."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dxecon.present import narrative
from dxecon.present.charts.plots import (
    TargetLine,
    bar_chart,
    fan_chart,
    line_chart,
    message_chart,
)
from dxecon.present.words import Words

#: The level of a productivity index in its base year.
INDEX_BASE = 100.0


def boundary_chart(
    results: Mapping[str, object],
    geographies: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    unit: str = "",
    values: bool = True,
    note: str = "",
    lang: str = "vi",
    place: str | None = None,
    before: str | None = None,
):
    """One line per boundary of a city (``results``: geography code -> its series, the
    pre-merger boundary first), never joined; the merger of ``before`` (None: the first
    boundary drawn; give it when that one has nothing to draw) marked between them, the
    sources of every figure drawn in the caption. ``title``, ``ylabel`` and ``note`` are
    catalogue keys; ``place`` the profile whose name fills a ``{place}`` in them."""
    words = Words(lang, place)
    old = before or next(iter(results))
    break_year, break_label = narrative.boundary_break(geographies, old, lang=lang)
    caption = narrative.sources_caption(results.values(), unit=unit, values=values, lang=lang)
    return line_chart(
        {words.place(geo, geographies): result.values for geo, result in results.items()},
        title=words(title),
        ylabel=words(ylabel),
        caption=f"{caption} {words(note)}" if note else caption,
        break_year=break_year,
        break_label=break_label,
    )


def sector_floors_chart(
    estimate,
    floors: Mapping[int, float],
    *,
    instruments: list[str],
    published: Mapping[int, float],
    published_sources: str,
    intensity_sources: str,
    geographies: pd.DataFrame,
    lang: str = "vi",
):
    """The estimated digital share inside each sector
    (`dxecon.models.estimation.from_data.CityDigitalEstimate`) against the floors of the
    targets (``floors``: target year -> minimum %)."""
    words = Words(lang)
    adjusted = estimate.calibration.meta.get("scaled_sectors") or []
    shares = estimate.intensities.rename(lambda code: words.get(f"sector.{code}", code))
    caption = words(
        "chart.floors_caption",
        intensity_year=estimate.intensity_year,
        intensity_sources=intensity_sources,
        sector=words.join(words.get(f"sector.{code}", code) for code in adjusted),
        published=words.join(f"{words.number(v, 2, strip=True)}%" for v in published.values()),
        published_sources=published_sources,
        instruments=words.join(instruments),
    )
    return bar_chart(
        shares,
        title=words(
            "chart.floors_title",
            geo=words.place(estimate.structure_geo, geographies),
            year=estimate.year,
        ),
        ylabel=words("chart.floors_axis"),
        caption=caption,
        targets=[
            TargetLine(v, words("chart.floor_line", year=y, value=words.number(v, 2, strip=True)))
            for y, v in sorted(floors.items())
        ],
    )


def productivity_index_chart(
    real_growth: pd.Series,
    *,
    base_year: int,
    milestones: Mapping[int, float],
    geo_name: str,
    growth_sources: str,
    instruments: list[str],
    lang: str = "vi",
):
    """Real labour productivity as an index (base year = :data:`INDEX_BASE`) chained from
    the yearly real growth after the base year, beside the minimum path of the growth
    targets (``milestones``: target year -> minimum % a year)."""
    from dxecon.models.estimation.productivity import level_path
    from dxecon.models.estimation.target_paths import target_path

    words = Words(lang)
    after = real_growth.dropna()
    after = after[after.index > base_year]
    observed = level_path(after, base_year=base_year, base_level=INDEX_BASE, basis="real")
    minimum = target_path(INDEX_BASE, base_year, milestones=milestones, basis="real")
    base = {"year": base_year, "base": words.number(INDEX_BASE, 0)}
    return line_chart(
        {
            words("chart.lp_observed"): observed.levels,
            words("chart.lp_minimum"): minimum.to_frame()["min_level_real"],
        },
        title=words("chart.lp_title", geo=geo_name, **base),
        ylabel=words("chart.lp_axis", **base),
        caption=words(
            "chart.lp_caption", sources=growth_sources, instruments=words.join(instruments)
        ),
    )


def forecast_fan_chart(
    forecast: pd.DataFrame,
    history: pd.Series,
    *,
    sources: str,
    targets: pd.DataFrame | None,
    as_of: str,
    lang: str = "vi",
):
    """A published series (``history``, by year) and the forecast of its chosen model
    (``forecast``: rows of `dxecon.models.forecast.catalog.forecast_catalog` for one series:
    year, median, lower, upper, model, interval), with the targets on it (rows of
    `dxecon.data.targets.effective_targets`). No forecast (too few figures published by
    ``as_of``): the chart says so."""
    words = Words(lang)
    if forecast.empty:
        return message_chart(
            words("chart.de_share_vn_title"), words("chart.fan_none", as_of=words.month(as_of))
        )
    targets = targets if targets is not None else pd.DataFrame()
    first = forecast.iloc[0]
    lines = [
        TargetLine(
            row.value,
            words(
                "chart.target_line",
                instrument=row.instrument,
                year=int(row.year),
                value=words.number(row.value, 2, strip=True),
            ),
        )
        for row in targets.itertuples()
    ]
    target_text = (
        words("chart.fan_targets", targets=narrative.targets_sentence(targets, lang=lang))
        if not targets.empty
        else ""
    )
    return fan_chart(
        forecast["year"],
        {q: forecast[c].to_numpy() for q, c in ((10, "lower"), (50, "median"), (90, "upper"))},
        title=words("chart.de_share_vn_title"),
        ylabel=words("chart.pct_gdp"),
        caption=words(
            "chart.fan_caption",
            sources=sources,
            model=first["model"],
            interval=first["interval"],
            targets=target_text,
        ),
        history={words("chart.published_latest"): history},
        targets=lines,
        lang=lang,
        band_key="chart.interval_band",
    )
