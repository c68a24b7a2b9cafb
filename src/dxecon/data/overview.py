"""Tables that describe the dataset itself: coverage, vintages, conflicts, gaps."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.data.dataset import Dataset
from dxecon.data.selection import (
    SelectionPolicy,
    effective_publication,
    parse_as_of,
    visible_as_of,
)

SERIES_KEY = ["indicator", "geo", "sector", "price_basis", "method", "unit"]


def coverage(
    dataset: Dataset,
    geos: tuple[str, ...],
    *,
    describe: Callable[[int, int, int], str] | None = None,
) -> pd.DataFrame:
    """Annual figures per indicator and geography: a cell ``describe(years, first, last)``,
    by default ``first-last (years)``, e.g. ``2019-2024 (5)`` for five years published
    between 2019 and 2024; none: missing."""
    describe = describe or (lambda n, first, last: f"{first}-{last} ({n})")
    annual = dataset.observations[
        (dataset.observations["period_kind"] == "year") & dataset.observations["geo"].isin(geos)
    ]
    stats = annual.groupby(["indicator", "geo"])["year"].agg(["nunique", "min", "max"])
    stats["cell"] = [
        describe(int(n), int(first), int(last))
        for n, first, last in zip(stats["nunique"], stats["min"], stats["max"], strict=True)
    ]
    table = stats["cell"].unstack("geo").reindex(columns=list(geos))
    table.columns.name = None
    return table.reset_index()


def vintages(
    dataset: Dataset, indicator: str, geo: str, *, method: str | None = None
) -> pd.DataFrame:
    """One row per release (``published``: its date, NaT when undated; ``source_id``;
    ``status``), one column per reference year."""
    obs = dataset.observations
    rows = obs[
        (obs["indicator"] == indicator)
        & (obs["geo"] == geo)
        & (obs["sector"] == "total")
        & (obs["period_kind"] == "year")
    ]
    if method is not None:
        rows = rows[rows["method"] == method]
    release = ["published", "source_id", "status"]
    table = rows.assign(published=rows["published_date"]).pivot_table(
        index=release, columns="year", values="value", aggfunc="first", dropna=False
    )
    table = table.dropna(how="all")
    table.columns.name = None
    return table.sort_index(na_position="last").reset_index()


def conflicts(dataset: Dataset, geos: tuple[str, ...]) -> pd.DataFrame:
    """Years where published annual figures of one series disagree, and the figure chosen."""
    obs = dataset.observations
    annual = obs[(obs["period_kind"] == "year") & obs["geo"].isin(geos)]
    keyed = annual.fillna({"method": ""})
    spread = keyed.groupby([*SERIES_KEY, "year"])["value"].agg(["count", "min", "max"])
    spread = spread[spread["min"] != spread["max"]].reset_index()
    chosen = []
    for row in spread.itertuples(index=False):
        result = dataset.series(
            row.indicator,
            row.geo,
            sector=row.sector,
            price_basis=row.price_basis,
            method=row.method or None,
            unit=row.unit,
        )
        pick = result.chosen.loc[row.year]
        chosen.append((pick["value"], pick["obs_id"], pick["source_id"]))
    spread[["chosen", "obs_id", "source_id"]] = pd.DataFrame(chosen, index=spread.index)
    return spread.rename(columns={"count": "figures"})


def gaps(dataset: Dataset, keys: list[dict], *, years: range, label=None) -> pd.DataFrame:
    """For each series key, the years in ``years`` with no published figure (none: empty;
    a series never published for the key, e.g. a place without employment: every year).
    ``label(key)`` names a series (default: its key's values joined by " / ")."""
    rows = []
    for key in keys:
        try:
            missing = dataset.series(**key, years=years).gaps
        except SeriesSelectionError:  # nothing with this key at all
            missing = list(years)
        said = label(key) if label else " / ".join(str(v) for v in key.values())
        rows.append({"series": said, "missing years": ", ".join(map(str, missing)) or None})
    return pd.DataFrame(rows)


# -- what a report cites: the observations, their sources, the code lists, the targets ----------
#: Columns of :func:`observation_index`.
OBSERVATION_COLUMNS = ("obs_id", "indicator", "geo", "sector", "period", "year", "value", "unit")
OBSERVATION_COLUMNS += ("method", "status", "source_id", "publisher", "published")
#: Code lists a reader needs in words: each code's definition (``name``), for places and
#: instruments its name in each language, for instruments whether the source names it.
NAMED_CODE_LISTS = ("geographies", "instruments", "indicators", "sectors", "units", "methods")
CODE_NAME_COLUMNS = ("list", "code", "name", "name_en", "name_vi", "named")
SOURCE_COLUMNS = ("source_id", "publisher", "title", "url", "published", "kind", "language")
TARGET_COLUMNS = ("target_id", "instrument", "pillar", "indicator", "geo", "sector", "year")
TARGET_COLUMNS += ("comparator", "value", "unit", "text", "text_vi", "source_id")
#: Columns of :func:`latest_by_geo`.
LATEST_COLUMNS = ("indicator", "geo", "method", "period", "year", "value", "unit", "source_id")
LATEST_COLUMNS += ("publisher", "published", "published_date", "city")


def _visible(dataset: Dataset, as_of) -> pd.DataFrame:
    """Every observation published by the end of the as-of month (``YYYY-MM``)."""
    end = pd.Period(str(as_of)[:7], freq="M").end_time.normalize()
    obs = dataset.observations
    return obs[obs["published_date"] <= end]


def observation_index(dataset: Dataset, as_of) -> pd.DataFrame:
    """Every observation a step could have used by the as-of date, by id: what it says and
    its source (a report names the sources of the figures its tables rest on). Visible by
    the selection rule the steps use (`dxecon.data.selection`), so an undated figure a model
    used (its publication assumed) is found too."""
    policy = SelectionPolicy.default()
    obs = effective_publication(dataset.observations, policy)
    visible = obs[visible_as_of(obs, parse_as_of(as_of), policy)]
    return visible.reindex(columns=list(OBSERVATION_COLUMNS))


def code_names(dataset: Dataset) -> pd.DataFrame:
    """The code lists a reader sees in words (`NAMED_CODE_LISTS`), one row per code."""
    frames = [
        dataset.codes[name].reindex(columns=list(CODE_NAME_COLUMNS[1:])).assign(list=name)
        for name in NAMED_CODE_LISTS
    ]
    return pd.concat(frames, ignore_index=True)[list(CODE_NAME_COLUMNS)]


def sources(dataset: Dataset) -> pd.DataFrame:
    """The sources of ``sources.csv`` (a report's bibliography lists those it cites)."""
    return dataset.sources.reindex(columns=list(SOURCE_COLUMNS))


def targets(dataset: Dataset) -> pd.DataFrame:
    """The quantified targets of ``targets.csv`` with their wording in each language."""
    return dataset.targets.reindex(columns=list(TARGET_COLUMNS))


def latest_by_geo(
    dataset: Dataset, indicators, *, as_of, city: tuple[str, ...] = ()
) -> pd.DataFrame:
    """For each indicator, place and method, the figure of the latest year published by
    the as-of date (a duplicate left out), the latest published first for a year; ``city``:
    the geographies marked as the report's own."""
    obs = _visible(dataset, as_of)
    rows = obs[obs["indicator"].isin(list(indicators)) & (obs["duplicate_of"].fillna("") == "")]
    rows = rows.sort_values(["year", "published_date", "line"])
    latest = rows.groupby(["indicator", "geo", "method"], as_index=False, dropna=False).tail(1)
    latest = latest.assign(city=latest["geo"].isin(list(city)))
    return latest.reindex(columns=list(LATEST_COLUMNS)).reset_index(drop=True)


def latest_figure(dataset: Dataset, geographies, *, as_of) -> pd.DataFrame:
    """The latest figure published about ``geographies`` (a city's) by the as-of date (no
    row when there is none): what a report's title page names as its vintage."""
    obs = _visible(dataset, as_of)
    mine = obs[obs["geo"].isin(list(geographies))].sort_values(["published_date", "line"])
    latest = mine.tail(1).assign(city=True)
    return latest.reindex(columns=list(LATEST_COLUMNS)).reset_index(drop=True)
