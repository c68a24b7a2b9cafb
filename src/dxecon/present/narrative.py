"""Sentences and captions built from results, so that no figure is typed into a notebook.

Every function here is pure: it takes results (series with their chosen observations,
estimate tables, target rows) and returns text. A notebook renders the text with
``IPython.display.Markdown``; a changed data file changes the prose on the next run.

Functions
---------
number             a figure as the reader sees it (rounded, trailing zeros dropped)
join_words         "a, b and c"
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

import numpy as np
import pandas as pd

__all__ = [
    "boundary_break",
    "boundary_sentence",
    "calibration_sentence",
    "floors_sentence",
    "join_words",
    "nominal_real_sentence",
    "number",
    "revisions_sentence",
    "sources_caption",
    "split_sentence",
    "targets_sentence",
    "year_sources",
]


def number(value: float, digits: int = 2, *, grouped: bool = False) -> str:
    """``value`` rounded to ``digits`` decimals, trailing zeros dropped (1.50 -> 1.5).

    >>> number(1.50), number(3.14159, 2), number(2000, grouped=True)
    ('1.5', '3.14', '2,000')
    """
    if value is None or not np.isfinite(value):
        return "not available"
    text = f"{float(value):,.{digits}f}" if grouped else f"{float(value):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def join_words(items: Iterable[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _chosen(result) -> pd.DataFrame:
    """Year, value and source of the figures a series result uses (missing years dropped)."""
    chosen = result.chosen.reset_index()
    return chosen[chosen["value"].notna()][["year", "value", "source_id", "obs_id"]]


def sources_caption(
    results: Iterable, *, unit: str = "", values: bool = True, prefix: str = "Sources"
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

    Returns
    -------
    str
        ``"Sources: A1 (year: value%); B2 (year: value%)."``; each series' gaps are named.
    """
    results = list(results)
    rows = pd.concat([_chosen(r) for r in results], ignore_index=True)
    if rows.empty:
        return f"{prefix}: no published figure."
    parts = []
    for source, group in rows.sort_values(["year", "obs_id"]).groupby("source_id", sort=False):
        if values:
            cited = ", ".join(
                f"{int(y)}: {number(v)}{unit}"
                for y, v in zip(group["year"], group["value"], strict=True)
            )
        else:
            cited = ", ".join(str(int(y)) for y in sorted(set(group["year"])))
        parts.append(f"{source} ({cited})")
    text = f"{prefix}: " + "; ".join(parts) + "."
    gaps = sorted({int(y) for r in results for y in r.gaps})
    if gaps:
        text += f" Missing (not filled): {', '.join(map(str, gaps))}."
    return text


def revisions_sentence(vintages: pd.DataFrame, *, year: int | None = None, unit: str = "") -> str:
    """How the figure of one reference year moved from release to release.

    Parameters
    ----------
    vintages : pandas.DataFrame
        :func:`dxecon.data.overview.vintages`: one row per release (label
        ``"YYYY-MM-DD (SOURCE, STATUS)"``), one column per reference year.
    year : int, optional
        The reference year; default the year with the most distinct published values.
    """
    if vintages.empty:
        return "No release has been published."
    if year is None:
        distinct = vintages.nunique()
        year = int(distinct.idxmax())
    column = vintages[year].dropna()
    if column.empty:
        return f"No release reports {year}."
    readings = [
        f"{number(v)}{unit} in "
        + (
            f"an undated release {release[len('undated') :].strip()}"
            if str(release).startswith("undated")
            else f"the release of {release}"
        )
        for release, v in column.items()
    ]
    if column.nunique() == 1 and len(column) > 1:
        releases = join_words(column.index)
        return f"{year}: every release gives {number(column.iloc[0])}{unit} ({releases})."
    return f"{year}: {join_words(readings)}."


def boundary_sentence(
    old, new, *, old_label: str, new_label: str, unit: str = "%", what: str = "figure"
) -> str:
    """The latest figure of two boundaries of one city, side by side, never joined.

    ``old`` and ``new`` are series results of the pre-merger and the merged geography.
    """
    a, b = _chosen(old), _chosen(new)
    if a.empty or b.empty:
        missing = old_label if a.empty else new_label
        return (
            f"No published {what} for the {missing}: the two boundaries cannot be set side by side."
        )
    last_a, last_b = a.iloc[-1], b.iloc[-1]
    same = a[a["value"] == last_a["value"]]
    years_a = join_words(str(int(y)) for y in same["year"])
    sources_a = ", ".join(dict.fromkeys(same["source_id"]))
    relation = (
        "lower than"
        if last_b["value"] < last_a["value"]
        else ("higher than" if last_b["value"] > last_a["value"] else "equal to")
    )
    return (
        f"The {int(last_b['year'])} {what} of the {new_label} ({number(last_b['value'])}{unit}, "
        f"{last_b['source_id']}) is {relation} the {number(last_a['value'])}{unit} published for "
        f"the {old_label} ({years_a}, {sources_a}): the two cover different areas, "
        "so the difference is not a change over time."
    )


def split_sentence(split: pd.DataFrame, *, sources: Mapping[int, str] | None = None) -> str:
    """``core + digitised = total`` for each year of a `core_digitised_split` frame.

    Uses the published total where the frame has one (``published_total_pct``), and says
    so when the parts do not add up to it.
    """
    if split.empty:
        return "No year has both parts published."
    parts = []
    for year, row in split.iterrows():
        total = row.get("published_total_pct", row["total_pct"])
        core, digitised = number(row["core_pct"]), number(row["digitised_pct"])
        text = f"{core} + {digitised} = {number(total)}% in {int(year)}"
        if sources and year in sources:
            text += f" ({sources[year]})"
        residual = row.get("rounding_residual_pp", 0.0)
        if pd.notna(residual) and abs(residual) >= 0.005:
            text += f", where the parts sum to {number(row['total_pct'])}"
        parts.append(text)
    return "; ".join(parts) + "."


def calibration_sentence(
    estimate,
    *,
    published: Mapping[int, float],
    source: str = "",
    sector_names: Mapping[str, str] | None = None,
) -> str:
    """The structural estimate with national intensities, and the city adjustment that
    reproduces the published share
    (``estimate``: `dxecon.models.estimation.from_data.CityDigitalEstimate`)."""
    adjust = estimate.calibration.meta.get("scaled_sectors") or []
    names = dict(sector_names or {})
    sector = join_words(names.get(a, a) for a in adjust) if adjust else "the adjusted sector"
    source_text = f", {source}" if source else ""
    cited = join_words(f"{number(v)}% ({y}{source_text})" for y, v in sorted(published.items()))
    scale = estimate.calibration.scale
    return (
        f"With national intensities the {estimate.year} structure gives "
        f"{number(estimate.structural.total, 1)}% of GRDP; the published {cited} "
        f"needs {sector} to be {number(scale, 2)} times as digital as nationally. "
        + (
            "One published point identifies one scale exactly: this is a calibration, "
            "not a test of fit."
            if len(published) == 1
            else f"{len(published)} published points: the calibration table shows each residual."
        )
    )


def targets_sentence(
    targets: pd.DataFrame, *, unit: str = "%", per: str = "", until: str = "by"
) -> str:
    """``"at least g% a year to T1 and at least h% a year to T2 (instrument: TGTnnn, ...)"``.

    ``targets``: rows of :func:`dxecon.data.targets.effective_targets` (``year``, ``comparator``,
    ``value``, ``instrument``, ``target_id``).
    """
    words = {">=": "at least", "<=": "at most", "==": "about", ">": "above", "<": "below"}
    parts = [
        f"{words.get(row.comparator, row.comparator)} {number(row.value)}{unit}{per} "
        f"{until} {int(row.year)}"
        for row in targets.itertuples()
    ]
    cited = "; ".join(
        f"{instrument}: {', '.join(group['target_id'])}"
        for instrument, group in targets.groupby("instrument", sort=False)
    )
    return f"{join_words(parts)} ({cited})"


def floors_sentence(floors: pd.DataFrame, *, sector_names: Mapping[str, str] | None = None) -> str:
    """Each sector against the floors, from
    :func:`dxecon.models.estimation.from_data.sector_floors`'s frame (``sector``, ``floor_year``,
    ``floor_pct``, ``share_pct``, ``meets``, ``required_growth_pct_per_year``): which
    sectors meet every floor, and what the others would need."""
    names = dict(sector_names or {})
    lines = []
    last_year = int(floors["floor_year"].max())
    for sector, group in floors.groupby("sector", sort=False):
        name = names.get(sector, sector)
        share = group["share_pct"].iloc[0]
        known = group["share_year"].dropna() if "share_year" in group else pd.Series()
        year = int(known.iloc[0]) if not known.empty else None
        at = f" in {year}" if year is not None else ""
        if bool(group["meets"].all()):
            lines.append(f"- {name} ({number(share, 1)}%{at}) is above every floor.")
            continue
        last = group[group["floor_year"] == last_year].iloc[0]
        needed = last["required_growth_pct_per_year"]
        need_text = (
            f"its share would need to grow {number(needed, 0)}% a year to reach "
            f"{number(last['floor_pct'])}% by {last_year}"
            if pd.notna(needed)
            else f"it is below the {last_year} floor"
        )
        if pd.notna(needed) and needed >= 100:
            need_text += " (more than doubling every year)"
        lines.append(f"- {name} ({number(share, 1)}%{at}): {need_text}.")
    return "\n".join(lines)


def nominal_real_sentence(national: pd.DataFrame, *, who: str = "GSO") -> str:
    """The last year with a published level, its nominal growth and the published real
    growth (:func:`dxecon.models.estimation.from_data.national_productivity`'s frame)."""
    both = national.dropna(subset=["lp_growth_nominal_pct", "lp_growth_real_pct_published"])
    if both.empty:
        return "No year has both a published level and a published real growth."
    row = both.iloc[-1]
    year = int(row["year"])
    before = national[national["year"] == year - 1]["lp_current_m_vnd"]
    start = f"from {number(before.iloc[0], 1)} " if not before.empty else ""
    return (
        f"{who}'s productivity level rose {start}to {number(row['lp_current_m_vnd'], 1)} million "
        f"VND per worker in {year}: {number(row['lp_growth_nominal_pct'], 1)}% at current prices, "
        f"while the published real growth was {number(row['lp_growth_real_pct_published'])}%. "
        f"The difference ({number(row['implied_deflator_pct'], 1)}%) is prices."
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


def boundary_break(geographies: pd.DataFrame, geo: str) -> tuple[float, str]:
    """Where a chart marks the boundary change of ``geo`` and how it labels it.

    ``geographies``: ``data/codes/geographies.csv`` (``code``, ``valid_from``,
    ``successor``). Annual figures of the successor start in the year it came into being,
    so the mark sits half-way before that year, labelled ``"merger D Month YYYY"``.

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
    date = pd.Timestamp(start)
    return date.year - 0.5, f"merger {date.day} {date.strftime('%B %Y')}"
