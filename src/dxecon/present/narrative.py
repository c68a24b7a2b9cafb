"""Sentences and captions built from results, so that no figure is typed into a notebook.

Every function here is pure: it takes results (series with their chosen observations,
estimate tables, target rows) and returns text. A notebook renders the text with
``IPython.display.Markdown``; a changed data file changes the prose on the next run.

Functions
---------
sources_caption    "Sources: A1 (year: value%), B2 (...)" from the chosen observations
revisions_sentence how one year's figure moved between releases
boundary_sentence  two boundaries' latest figures, side by side, never joined
split_sentence     core + digitised = total, per year, with sources
calibration_sentence  the structural estimate before and after the city adjustment
targets_sentence   "at least g% a year to T1 and h% a year to T2 (instrument: target ids)"
floors_sentence    each sector's share against the floors, and the growth it would need
nominal_real_sentence  a productivity level's nominal growth next to the published real one
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dxecon.present.words import Words

__all__ = [
    "boundary_break",
    "boundary_sentence",
    "calibration_sentence",
    "floors_sentence",
    "nominal_real_sentence",
    "revisions_sentence",
    "sources_caption",
    "split_sentence",
    "targets_sentence",
    "year_sources",
]


def _chosen(result) -> pd.DataFrame:
    """Year, value and source of the figures a series result uses (missing years dropped)."""
    chosen = result.chosen.reset_index()
    return chosen[chosen["value"].notna()][["year", "value", "source_id", "obs_id"]]


def _figure(words: Words, value, unit: str = "") -> str:
    """A figure as a sentence shows it: two decimals at most, trailing zeros dropped."""
    return f"{words.number(value, 2, strip=True)}{unit}"


def sources_caption(
    results: Iterable,
    *,
    unit: str = "",
    values: bool = True,
    prefix: str | None = None,
    lang: str = "vi",
) -> str:
    """A caption naming the sources of the figures actually used, in order of first year.

    Parameters
    ----------
    results : iterable of SeriesResult
        The series drawn (``Dataset.series``); their ``chosen`` figures are listed.
    unit : str
        Appended to each value (``"%"``).
    values : bool
        List each figure's year and value (True) or only the years (False).
    prefix : str, optional
        What the sources are of (default: the catalogue's word for sources).

    Returns
    -------
    str
        ``"Sources: A1 (year: value%); B2 (year: value%)."``; each series' gaps are named.
    """
    words = Words(lang)
    prefix = prefix or words("txt.sources")
    results = list(results)
    rows = pd.concat([_chosen(r) for r in results], ignore_index=True)
    if rows.empty:
        return words("txt.sources_none", prefix=prefix)
    parts = []
    for source, group in rows.sort_values(["year", "obs_id"]).groupby("source_id", sort=False):
        if values:
            cited = ", ".join(
                f"{int(y)}: {_figure(words, v, unit)}"
                for y, v in zip(group["year"], group["value"], strict=True)
            )
        else:
            cited = ", ".join(str(int(y)) for y in sorted(set(group["year"])))
        parts.append(f"{source} ({cited})")
    text = f"{prefix}: " + "; ".join(parts) + "."
    gaps = sorted({int(y) for r in results for y in r.gaps})
    if gaps:
        text += words("txt.sources_gaps", years=", ".join(map(str, gaps)))
    return text


def release_label(published, source_id: str, status: str, *, lang: str = "vi") -> str:
    """A release as a sentence names it: ``2023-09-30 (X12, P)``, or undated."""
    words = Words(lang)
    if pd.isna(published):
        return words("txt.release_undated", source=source_id, status=status)
    date = f"{pd.Timestamp(published):%Y-%m-%d}"
    return words("txt.release_dated", date=date, source=source_id, status=status)


def revisions_sentence(
    vintages: pd.DataFrame, *, year: int | None = None, unit: str = "", lang: str = "vi"
) -> str:
    """How the figure of one reference year moved from release to release.

    Parameters
    ----------
    vintages : pandas.DataFrame
        :func:`dxecon.data.overview.vintages`: one row per release (``published``, NaT when
        undated, ``source_id``, ``status``), one column per reference year.
    year : int, optional
        The reference year; default the year with the most distinct published values.
    """
    words = Words(lang)
    years = [c for c in vintages.columns if not isinstance(c, str)]
    if vintages.empty or not years:
        return words("txt.revisions_none")
    if year is None:
        year = int(vintages[years].nunique().idxmax())
    column = vintages[year].dropna()
    if column.empty:
        return words("txt.revisions_year_none", year=year)
    releases = [
        release_label(*vintages.loc[i, ["published", "source_id", "status"]], lang=lang)
        for i in column.index
    ]
    if column.nunique() == 1 and len(column) > 1:
        return words(
            "txt.revisions_same",
            year=year,
            value=_figure(words, column.iloc[0], unit),
            releases=words.join(releases),
        )
    readings = [
        words("txt.revision_in", value=_figure(words, v, unit), release=release)
        for v, release in zip(column, releases, strict=True)
    ]
    return words("txt.revisions", year=year, readings=words.join(readings))


def boundary_measures_sentence(
    old, new, *, old_label: str, new_label: str, what: str, unit: str = "%", lang: str = "vi"
) -> str:
    """The latest figure of two boundaries of one city published on different measures
    (``old`` and ``new``: mapping measure -> series result, one measure each), each labelled
    with its measure and never compared (GSO's and MIC's measures are not mixed)."""
    words = Words(lang)
    parts = []
    for label, found in ((old_label, old), (new_label, new)):
        for measure, result in found.items():
            chosen = _chosen(result)
            if chosen.empty:
                continue
            last = chosen.iloc[-1]
            parts.append(
                words(
                    "txt.boundary_measure_part",
                    place=label,
                    by=words.get(f"by.{measure}", measure),
                    value=_figure(words, last["value"], unit),
                    year=int(last["year"]),
                    source=last["source_id"],
                )
            )
    if not parts:
        return words("txt.boundary_none", what=what, missing=f"{old_label}, {new_label}")
    return words("txt.boundary_measures", what=what, parts="; ".join(parts))


def boundary_sentence(
    old, new, *, old_label: str, new_label: str, what: str, unit: str = "%", lang: str = "vi"
) -> str:
    """The latest figure of two boundaries of one city, side by side, never joined.

    ``old`` and ``new`` are series results of the pre-merger and the merged geography;
    ``what`` (the quantity) and the labels are already in ``lang``.
    """
    words = Words(lang)
    a, b = _chosen(old), _chosen(new)
    if a.empty or b.empty:
        return words("txt.boundary_none", what=what, missing=old_label if a.empty else new_label)
    last_a, last_b = a.iloc[-1], b.iloc[-1]
    same = a[a["value"] == last_a["value"]]
    relation = "lower" if last_b["value"] < last_a["value"] else "higher"
    relation = "equal" if last_b["value"] == last_a["value"] else relation
    return words(
        "txt.boundary",
        what=what,
        year=int(last_b["year"]),
        new=new_label,
        value=_figure(words, last_b["value"], unit),
        source=last_b["source_id"],
        relation=words(f"txt.{relation}"),
        old_value=_figure(words, last_a["value"], unit),
        old=old_label,
        years=words.join(str(int(y)) for y in same["year"]),
        sources=", ".join(dict.fromkeys(same["source_id"])),
    )


def split_sentence(
    split: pd.DataFrame, *, sources: Mapping[int, str] | None = None, lang: str = "vi"
) -> str:
    """``core + digitised = total`` for each year of a `core_digitised_split` frame.

    Uses the published total where the frame has one (``published_total_pct``), and says
    so when the parts do not add up to it.
    """
    words = Words(lang)
    if split.empty:
        return words("txt.split_none")
    parts = []
    for year, row in split.iterrows():
        text = words(
            "txt.split_item",
            core=_figure(words, row["core_pct"]),
            digitised=_figure(words, row["digitised_pct"]),
            total=_figure(words, row.get("published_total_pct", row["total_pct"])),
            year=int(year),
        )
        if sources and year in sources:
            text += f" ({sources[year]})"
        residual = row.get("rounding_residual_pp", 0.0)
        if pd.notna(residual) and abs(residual) >= 0.005:
            text += words("txt.split_residual", total=_figure(words, row["total_pct"]))
        parts.append(text)
    return words("txt.split", items="; ".join(parts))


def calibration_sentence(
    estimate,
    *,
    published: Mapping[int, float],
    source: str = "",
    lang: str = "vi",
) -> str:
    """The structural estimate with national intensities, and the city adjustment that
    reproduces the published share
    (``estimate``: `dxecon.models.estimation.from_data.CityDigitalEstimate`)."""
    words = Words(lang)
    adjust = estimate.calibration.meta.get("scaled_sectors") or []
    sector = words.join(words.get(f"sector.{a}", a) for a in adjust)
    source_text = f", {source}" if source else ""
    cited = words.join(
        f"{_figure(words, v, '%')} ({y}{source_text})" for y, v in sorted(published.items())
    )
    text = words(
        "txt.calibration",
        year=estimate.year,
        structural=words.number(estimate.structural.total, 1, strip=True),
        cited=cited,
        sector=sector,
        scale=_figure(words, estimate.calibration.scale),
    )
    if len(published) == 1:
        return f"{text} {words('txt.calibration_one')}"
    return f"{text} {words('txt.calibration_many', n=len(published))}"


def targets_sentence(
    targets: pd.DataFrame, *, unit: str = "%", per_year: bool = False, lang: str = "vi"
) -> str:
    """``"at least g% a year to T1 and at least h% a year to T2 (instrument: TGTnnn, ...)"``.

    ``targets``: rows of :func:`dxecon.data.targets.effective_targets` (``year``, ``comparator``,
    ``value``, ``instrument``, ``target_id``); ``per_year``: a rate a year until the year.
    """
    words = Words(lang)
    key = "txt.target_rate" if per_year else "txt.target_level"
    parts = [
        words(
            key,
            comparator=words(f"txt.cmp.{row.comparator}"),
            value=_figure(words, row.value, unit),
            year=int(row.year),
        )
        for row in targets.itertuples()
    ]
    cited = "; ".join(
        f"{instrument}: {', '.join(group['target_id'])}"
        for instrument, group in targets.groupby("instrument", sort=False)
    )
    return f"{words.join(parts)} ({cited})"


def floors_sentence(floors: pd.DataFrame, *, lang: str = "vi") -> str:
    """Each sector against the floors, from
    :func:`dxecon.models.estimation.from_data.sector_floors`'s frame (``sector``, ``floor_year``,
    ``floor_pct``, ``share_pct``, ``meets``, ``required_growth_pct_per_year``): which
    sectors meet every floor, and what the others would need."""
    words = Words(lang)
    lines = []
    last_year = int(floors["floor_year"].max())
    for sector, group in floors.groupby("sector", sort=False):
        observed = group.dropna(subset=["share_pct"])  # a floor before the share's year: none
        share = observed["share_pct"].iloc[0] if len(observed) else float("nan")
        known = observed["share_year"].dropna() if "share_year" in group else pd.Series()
        shown = {
            "sector": words.get(f"sector.{sector}", sector),
            "share": words.number(share, 1, strip=True),
            "at": words("txt.at_year", year=int(known.iloc[0])) if not known.empty else "",
        }
        if len(observed) and bool(observed["meets"].all()):
            lines.append(words("txt.floor_above", **shown))
            continue
        last = group[group["floor_year"] == last_year].iloc[0]
        needed = last["required_growth_pct_per_year"]
        if pd.isna(needed):
            lines.append(words("txt.floor_below", year=last_year, **shown))
            continue
        lines.append(
            words(
                "txt.floor_need",
                needed=words.number(needed, 0),
                floor=_figure(words, last["floor_pct"]),
                year=last_year,
                doubling=words("txt.floor_doubling") if needed >= 100 else "",
                **shown,
            )
        )
    return "\n".join(lines)


def nominal_real_sentence(national: pd.DataFrame, *, who: str = "GSO", lang: str = "vi") -> str:
    """The last year with a published level, its nominal growth and the published real
    growth (:func:`dxecon.models.estimation.from_data.national_productivity`'s frame)."""
    words = Words(lang)
    both = national.dropna(subset=["lp_growth_nominal_pct", "lp_growth_real_pct_published"])
    if both.empty:
        return words("txt.nominal_real_none")
    row = both.iloc[-1]
    year = int(row["year"])
    before = national[national["year"] == year - 1]["lp_current_m_vnd"]
    start = (
        words("txt.from_level", level=words.number(before.iloc[0], 1, strip=True))
        if not before.empty
        else ""
    )
    return words(
        "txt.nominal_real",
        who=who,
        start=start,
        level=words.number(row["lp_current_m_vnd"], 1, strip=True),
        year=year,
        nominal=words.number(row["lp_growth_nominal_pct"], 1, strip=True),
        real=_figure(words, row["lp_growth_real_pct_published"]),
        deflator=words.number(row["implied_deflator_pct"], 1, strip=True),
    )


def year_sources(results: Iterable, years: Iterable[int]) -> dict[int, str]:
    """For each year, the source ids of the figures the given series chose, in order,
    without repeats: ``{year: "A1, B2"}``."""
    results = list(results)
    out = {}
    for year in years:
        ids = []
        for result in results:
            chosen = result.chosen
            if year in chosen.index:
                ids.append(str(chosen.loc[year, "source_id"]))
        out[int(year)] = ", ".join(dict.fromkeys(ids))
    return out


def boundary_break(geographies: pd.DataFrame, geo: str, *, lang: str = "vi") -> tuple[float, str]:
    """Where a chart marks the boundary change of ``geo`` and how it labels it.

    ``geographies``: ``data/codes/geographies.csv`` (``code``, ``valid_from``,
    ``successor``). Annual figures of the successor start in the year it came into being,
    so the mark sits half-way before that year, labelled with the merger's date.

    Raises
    ------
    ValueError
        When ``geo`` has no successor with a start date.
    """
    table = geographies.set_index("code")
    successor = table.at[geo, "successor"] if geo in table.index else ""
    start = table.at[successor, "valid_from"] if successor in table.index else ""
    if not successor or not start:
        raise ValueError(f"geography {geo!r} has no successor with a valid_from date")
    words = Words(lang)
    return pd.Timestamp(start).year - 0.5, words("chart.merger", date=words.date(start))


def dataset_summary(dataset, *, lang: str = "vi") -> str:
    """What a data folder holds, as a Markdown list in ``lang`` (`Dataset.facts`)."""
    words = Words(lang)
    facts = dataset.facts()

    def counts(mapping) -> str:
        return ", ".join(f"{key} {words.number(n, 0)}" for key, n in mapping.items())

    return words(
        "txt.data_summary",
        checksum=facts["checksum"],
        observations=words.number(facts["observations"], 0),
        annual=words.number(facts["annual"], 0),
        indicators=words.number(facts["indicators"], 0),
        geographies=words.number(facts["geographies"], 0),
        first=facts["first_year"],
        last=facts["last_year"],
        sources=words.number(facts["sources"], 0),
        targets=words.number(facts["targets"], 0),
        instruments=words.number(facts["instruments"], 0),
        undated=words.number(facts["undated"], 0),
        by_geo=counts(facts["by_geo"]),
        by_status=counts(facts["by_status"]),
    )
