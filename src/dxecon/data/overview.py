"""Tables that describe the dataset itself: coverage, vintages, conflicts, gaps."""

from __future__ import annotations

import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.data.dataset import Dataset

SERIES_KEY = ["indicator", "geo", "sector", "price_basis", "method", "unit"]


def coverage(dataset: Dataset, geos: tuple[str, ...]) -> pd.DataFrame:
    """Annual figures per indicator and geography: a cell ``first-last (years)``, e.g.
    ``2019-2024 (5)`` for five years published between 2019 and 2024; none: missing."""
    annual = dataset.observations[
        (dataset.observations["period_kind"] == "year") & dataset.observations["geo"].isin(geos)
    ]
    stats = annual.groupby(["indicator", "geo"])["year"].agg(["nunique", "min", "max"])
    stats["cell"] = (
        stats["min"].astype(str)
        + "-"
        + stats["max"].astype(str)
        + " ("
        + stats["nunique"].astype(str)
        + ")"
    )
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


def gaps(dataset: Dataset, keys: list[dict], *, years: range) -> pd.DataFrame:
    """For each series key, the years in ``years`` with no published figure (none: empty;
    a series never published for the key, e.g. a place without employment: every year)."""
    rows = []
    for key in keys:
        try:
            missing = dataset.series(**key, years=years).gaps
        except SeriesSelectionError:  # nothing with this key at all
            missing = list(years)
        label = " / ".join(str(v) for v in key.values())
        rows.append({"series": label, "missing years": ", ".join(map(str, missing)) or None})
    return pd.DataFrame(rows)
