"""The loaded dataset and the question every estimate asks: *which series, as of when?*"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from dxecon.core import folders
from dxecon.core.errors import DataValidationError, SeriesSelectionError
from dxecon.data.schema import CODE_LISTS, MAIN_TABLES
from dxecon.data.selection import (
    SelectionPolicy,
    choose,
    effective_publication,
    parse_as_of,
    visible_as_of,
)
from dxecon.data.validate import Report, Table, parse_date, validate

#: Columns of a series' provenance table, in display order.
PROVENANCE_COLUMNS = [
    "year",
    "geo",
    "value",
    "unit",
    "price_basis",
    "method",
    "status",
    "obs_id",
    "source_id",
    "source_kind",
    "publisher",
    "published_effective",
    "published_basis",
    "visible",
    "chosen",
    "reason",
    "duplicate_of",
    "note",
]


T = TypeVar("T")


def _frame(table: Table) -> pd.DataFrame:
    frame = pd.DataFrame([r.values for r in table.rows], columns=table.spec.column_names)
    frame.insert(0, "line", [r.line for r in table.rows])
    return frame


def _period_fields(period: pd.Series) -> pd.DataFrame:
    """Kind ('year', 'quarter', 'half', 'months', 'multi_year'), year and end date of a period."""
    first_year = period.str.slice(0, 4).astype(int)
    kind = pd.Series("year", index=period.index)
    kind[period.str.contains("-Q")] = "quarter"
    kind[period.str.contains("-H")] = "half"
    kind[period.str.endswith("M")] = "months"
    kind[period.str.contains("/")] = "multi_year"
    end_year = first_year.where(kind != "multi_year", period.str.slice(5, 9).str.zfill(4))
    end_year = end_year.astype(int)
    months = pd.Series(12, index=period.index)
    quarter = kind == "quarter"
    months[quarter] = period[quarter].str.slice(6, 7).astype(int) * 3
    half = kind == "half"
    months[half] = period[half].str.slice(6, 7).astype(int) * 6
    cum = kind == "months"
    months[cum] = period[cum].str.slice(5, -1).astype(int)
    period_end = pd.to_datetime(
        {"year": end_year, "month": months, "day": 1}
    ) + pd.offsets.MonthEnd(0)
    return pd.DataFrame({"period_kind": kind, "year": first_year, "period_end": period_end})


def _published(text: pd.Series) -> pd.Series:
    parsed = [parse_date(t) if t else None for t in text]
    return pd.to_datetime(pd.Series(parsed, index=text.index, dtype="object"))


def checksum(data_dir: Path) -> str:
    """SHA-256 over every table of a data folder (code lists included), in a fixed order."""
    digest = hashlib.sha256()
    for spec in (*CODE_LISTS.values(), *MAIN_TABLES):
        digest.update(spec.file.encode())
        digest.update((data_dir / spec.file).read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class SeriesResult:
    """One annual series with the provenance of every year.

    Attributes
    ----------
    key : dict
        indicator, geo, sector, price_basis, method, unit as selected.
    values : pd.Series
        Float values indexed by year; NaN where nothing was published (gaps are not filled).
    provenance : pd.DataFrame
        Every candidate figure considered, with ``visible``, ``chosen`` and ``reason``.
    gaps : list of int
        Years inside the requested (or observed) range with no figure.
    notes : list of str
        Boundary breaks, conflicts and other things a reader must know.
    as_of : pd.Timestamp or None
        The vintage date: only figures published by then were visible.
    """

    key: dict
    values: pd.Series
    provenance: pd.DataFrame
    gaps: list[int]
    notes: list[str] = field(default_factory=list)
    as_of: pd.Timestamp | None = None

    @property
    def chosen(self) -> pd.DataFrame:
        """The figure used for each year."""
        return self.provenance[self.provenance["chosen"]].set_index("year").sort_index()

    def figures(self) -> pd.DataFrame:
        """One row per published year: the figure used and where it comes from (``year``,
        ``value``, ``obs_id``, ``source_id``, ``status``, ``published_effective``, ``note``
        and ``reference``, e.g. ``OBS0441 (D4)``)."""
        values = self.values.dropna()
        chosen = self.chosen.reindex(values.index)
        frame = pd.DataFrame({"year": values.index.astype(int), "value": values.to_numpy()})
        for column in ("obs_id", "source_id", "status", "published_effective", "note"):
            frame[column] = chosen[column].to_numpy()
        frame["reference"] = frame["obs_id"] + " (" + frame["source_id"] + ")"
        return frame

    @property
    def conflicts(self) -> pd.DataFrame:
        """Years where visible figures disagree on the value."""
        prov = self.provenance
        # A row marked duplicate_of repeats a figure: it cannot disagree with it.
        repeats = prov.get("duplicate_of", pd.Series("", index=prov.index)).fillna("") != ""
        vis = prov[prov["visible"] & ~repeats]
        spread = vis.groupby("year")["value"].agg(["min", "max", "count"])
        return spread[spread["min"] != spread["max"]]

    def to_frame(self) -> pd.DataFrame:
        """Year, value and the chosen figure's provenance (missing years included)."""
        chosen = self.chosen.drop(columns=["value", "visible", "chosen"], errors="ignore")
        frame = self.values.to_frame("value").join(chosen)
        frame.index.name = "year"
        return frame

    def summary(self) -> str:
        """A readable text: key, vintage, table, gaps and notes."""
        key = ", ".join(f"{k}={v}" for k, v in self.key.items() if v is not None)
        vintage = "latest" if self.as_of is None else self.as_of.strftime("%Y-%m-%d")
        cols = ["value", "obs_id", "source_id", "status", "published_effective", "reason"]
        table = self.to_frame()[cols].to_string(na_rep="-")
        lines = [f"Series: {key}", f"As of: {vintage}", table]
        lines.append("Gaps (not filled): " + (", ".join(map(str, self.gaps)) or "none"))
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


class Dataset:
    """A validated data folder: observations, sources, targets and code lists.

    Build it with :func:`load_dataset`. Frames are read-only views of the raw layer; the
    dataset never writes to the folder it came from.
    """

    def __init__(self, data_dir: Path, report: Report, policy: SelectionPolicy) -> None:
        self.data_dir = data_dir
        self.policy = policy
        self.codes = {name: _frame(report.tables[name]) for name in CODE_LISTS}
        self.sources = _frame(report.tables["sources"])
        self.targets = _frame(report.tables["targets"])
        self.targets["value"] = self.targets["value"].astype(float)
        self.targets["year"] = pd.to_numeric(self.targets["year"]).astype("Int64")
        self.checksum = checksum(data_dir)
        self.observations = self._build_observations(_frame(report.tables["observations"]))
        self.ranks = {
            "source_kind": self._rank("source_kinds"),
            "status": self._rank("statuses"),
        }
        # The dataset never changes once loaded, so queries are remembered: estimators,
        # the real-time check (one query per vintage) and notebooks ask for the same few
        # series many times. A series' rows and their publication dates do not depend on
        # the as-of date; what it changes is which rows are visible, so the choice among
        # them and the series are remembered by that visibility, not by the date.
        self._rows_cache: dict[tuple, pd.DataFrame] = {}
        self._choice_cache: dict[tuple, pd.DataFrame] = {}
        self._series_cache: dict[tuple, SeriesResult] = {}
        self._derived_cache: dict[tuple, Any] = {}

    def with_policy(self, policy: SelectionPolicy) -> Dataset:
        """The same figures chosen by another selection policy (this dataset when the
        policy is its own): the loaded frames and the query cache (keyed by policy) are
        shared, not read again."""
        if policy == self.policy:
            return self
        import copy

        other = copy.copy(self)
        other.policy = policy
        return other

    def remembered(self, key: tuple, compute: Callable[[], T]) -> T:
        """``compute()``, a result derived from this dataset alone, remembered by ``key`` (the
        deriving function's name and its arguments) and this dataset's policy; a copy each
        time. The dataset never changes once loaded, so neither does what is derived from it:
        a run's steps ask for the same panels, paces and starts for each scenario and
        vintage. An error is raised each time, never remembered."""
        key = (*key, repr(self.policy))
        if key not in self._derived_cache:
            self._derived_cache[key] = compute()
        found = self._derived_cache[key]
        return found.copy() if isinstance(found, pd.DataFrame) else copy.deepcopy(found)

    def _rank(self, code_list: str) -> dict[str, int]:
        table = self.codes[code_list]
        return dict(zip(table["code"], table["preference_rank"].astype(float), strict=True))

    def _build_observations(self, obs: pd.DataFrame) -> pd.DataFrame:
        obs["value"] = obs["value"].astype(float)
        obs = obs.join(_period_fields(obs["period"]))
        src = self.sources.set_index("source_id")
        obs["source_kind"] = obs["source_id"].map(src["kind"])
        obs["publisher"] = obs["source_id"].map(src["publisher"])
        # The row's own date when given, else its source article's date (data/README.md).
        from_row = obs["published"] != ""
        source_date = obs["source_id"].map(src["published"])
        obs["published_from"] = "row"
        obs.loc[~from_row & (source_date != ""), "published_from"] = "source"
        text = obs["published"].where(from_row, source_date).fillna("")
        obs["published_date"] = _published(text)
        # An undated source cannot have come out before the end of the latest period it
        # reports on: the undated rule of the selection policy counts from there.
        obs["source_period_end"] = obs.groupby("source_id")["period_end"].transform("max")
        return obs

    # -- code lists -------------------------------------------------------------------
    def code_set(self, code_list: str) -> list[str]:
        return list(self.codes[code_list]["code"])

    @functools.cached_property
    def _known_codes(self) -> dict[str, frozenset[str]]:
        return {name: frozenset(table["code"]) for name, table in self.codes.items()}

    @functools.cached_property
    def _geographies(self) -> pd.DataFrame:
        return self.codes["geographies"].set_index("code")

    @functools.cached_property
    def _row_positions(self) -> dict[tuple, np.ndarray]:
        """Positions of the observations of each (indicator, geo, sector, period kind)."""
        keys = ["indicator", "geo", "sector", "period_kind"]
        return self.observations.groupby(keys, sort=False).indices

    def related_geographies(self, geo: str) -> list[str]:
        """Geographies across a boundary change from ``geo``: successors and predecessors."""
        table = self._geographies
        successor = table.at[geo, "successor"]
        related = [successor] if successor else []
        related += list(table.index[table["successor"] == geo])
        return related

    # -- queries ----------------------------------------------------------------------
    def _check_code(self, field_name: str, value: str, code_list: str, used: pd.Series) -> None:
        if value not in self._known_codes[code_list]:
            raise SeriesSelectionError(
                f"unknown {field_name}",
                field=field_name,
                value=value,
                allowed=sorted(used.unique()),
            )

    def candidates(
        self,
        indicator: str,
        geo: str,
        *,
        sector: str = "total",
        price_basis: str | None = None,
        method: str | None = None,
        unit: str | None = None,
        as_of: str | dt.date | None = None,
        period_kind: str = "year",
        policy: SelectionPolicy | None = None,
    ) -> pd.DataFrame:
        """Every published figure for a series key, with visibility and the choice made."""
        return self._chosen(
            indicator, geo, sector, price_basis, method, unit, as_of, period_kind, policy
        )[1].copy()

    def _chosen(
        self, indicator, geo, sector, price_basis, method, unit, as_of, period_kind, policy
    ) -> tuple[tuple, pd.DataFrame]:
        """The remembered candidates (not a copy: callers copy) and the key they are
        remembered by: the series key, the policy and which rows are visible."""
        policy = policy or self.policy
        rows_key = (indicator, geo, sector, price_basis, method, unit, period_kind, repr(policy))
        rows = self._rows_cache.get(rows_key)
        if rows is None:
            rows = self._rows(indicator, geo, sector, price_basis, method, unit, period_kind)
            rows = self._rows_cache.setdefault(rows_key, effective_publication(rows, policy))
        visible = visible_as_of(rows, parse_as_of(as_of), policy)
        key = (rows_key, visible.to_numpy().tobytes())
        if key not in self._choice_cache:
            # A row marked duplicate_of repeats another row's figure: it stays in the
            # candidates (with its reason) but is never chosen, so it enters no fit twice.
            duplicate = rows["duplicate_of"] != ""
            out = choose(rows.assign(visible=visible & ~duplicate), policy, self.ranks)
            out["visible"] = visible
            out.loc[duplicate, "reason"] = (
                "repeats " + rows.loc[duplicate, "duplicate_of"] + " (duplicate_of); never chosen"
            )
            self._choice_cache[key] = out
        return key, self._choice_cache[key]

    def _rows(self, indicator, geo, sector, price_basis, method, unit, period_kind):
        """A series key's observations, one measure (refusing a mix)."""
        obs = self.observations
        self._check_code("indicator", indicator, "indicators", obs["indicator"])
        self._check_code("geo", geo, "geographies", obs["geo"])
        self._check_code("sector", sector, "sectors", obs["sector"])
        positions = self._row_positions.get((indicator, geo, sector, period_kind))
        if positions is None:
            have = obs[obs["indicator"] == indicator]
            combos = sorted({f"{g}/{s}" for g, s in zip(have["geo"], have["sector"], strict=True)})
            raise SeriesSelectionError(
                f"no {period_kind} figures for {indicator} in {geo}, sector {sector}",
                field="geo/sector",
                value=f"{geo}/{sector}",
                allowed=combos,
            )
        rows = obs.iloc[positions]
        for name, wanted in (("price_basis", price_basis), ("method", method), ("unit", unit)):
            if wanted is not None:
                narrowed = rows[rows[name] == wanted]
                if narrowed.empty:
                    raise SeriesSelectionError(
                        f"no figures with this {name} for {indicator} in {geo}",
                        field=name,
                        value=wanted,
                        allowed=sorted(rows[name].unique()),
                    )
                rows = narrowed
            elif rows[name].nunique() > 1:
                # Never mix measures (GSO vs MIC, real vs nominal, VND vs USD) silently.
                raise SeriesSelectionError(
                    f"{indicator} in {geo} mixes several {name} values; choose one",
                    field=name,
                    value=None,
                    allowed=sorted(rows[name].unique()),
                )
        return rows

    def series(
        self,
        indicator: str,
        geo: str,
        *,
        sector: str = "total",
        price_basis: str | None = None,
        method: str | None = None,
        unit: str | None = None,
        as_of: str | dt.date | None = None,
        years: range | list[int] | None = None,
        policy: SelectionPolicy | None = None,
    ) -> SeriesResult:
        """An annual series as it could be read on ``as_of``, one figure per year.

        Parameters
        ----------
        indicator, geo, sector : str
            Codes of ``data/codes/``; ``geo`` is one boundary (a place before a merger
            or after it): boundaries are never spliced here (see `spliced_series`).
        price_basis, method, unit : str, optional
            Required when the matching figures carry more than one value: measures are
            never mixed (GSO vs MIC, current vs constant prices).
        as_of : 'YYYY-MM' or 'YYYY-MM-DD', optional
            Only figures published by then are visible; among those the policy chooses
            (by default official over press, final over estimate, newer over older).
        years : iterable of int, optional
            The years to report; missing ones come back as NaN and are listed in ``gaps``.
        policy : SelectionPolicy, optional
            Overrides the dataset's policy (``params/selection.yaml``).
        """
        cands_key, cands = self._chosen(
            indicator, geo, sector, price_basis, method, unit, as_of, "year", policy
        )
        key = (cands_key, None if years is None else tuple(years))
        if key not in self._series_cache:
            self._series_cache[key] = self._series(indicator, geo, sector, cands, years)
        kept = self._series_cache[key]
        return SeriesResult(
            key=dict(kept.key),
            values=kept.values.copy(),
            provenance=kept.provenance.copy(),
            gaps=list(kept.gaps),
            notes=list(kept.notes),
            as_of=parse_as_of(as_of),
        )

    def _series(self, indicator, geo, sector, cands: pd.DataFrame, years) -> SeriesResult:
        """`series` from its candidates (which rows were visible decides it; the as-of
        date itself is not needed)."""
        chosen = cands[cands["chosen"]].set_index("year")["value"].sort_index()
        if years is not None:
            span = list(years)
        elif chosen.empty:
            span = []
        else:
            span = list(range(int(chosen.index.min()), int(chosen.index.max()) + 1))
        values = chosen.reindex(span).astype(float)
        values.index.name = "year"
        values.name = indicator
        gaps = [int(y) for y in values.index[values.isna()]]
        key = {
            "indicator": indicator,
            "geo": geo,
            "sector": sector,
            "price_basis": _single(cands, "price_basis"),
            "method": _single(cands, "method") or None,
            "unit": _single(cands, "unit"),
        }
        notes = self._boundary_notes(key, set(chosen.index))
        if cands["chosen"].sum() and not cands["visible"].all():
            hidden = int((~cands["visible"]).sum())
            notes.append(f"{hidden} figure(s) published after the as-of date were not used")
        provenance = cands.reindex(columns=PROVENANCE_COLUMNS).sort_values(["year", "obs_id"])
        result = SeriesResult(
            key=key,
            values=values,
            provenance=provenance.reset_index(drop=True),
            gaps=gaps,
            notes=notes,
        )
        conflicts = result.conflicts
        if len(conflicts):
            notes.append(
                "sources disagree in "
                + ", ".join(str(y) for y in conflicts.index)
                + "; see provenance for the figure chosen and why"
            )
        return result

    def _boundary_notes(self, key: dict, years: set[int]) -> list[str]:
        notes = []
        geos = self._geographies
        valid_to = geos.at[key["geo"], "valid_to"]
        if valid_to:
            after = sorted(y for y in years if y > int(valid_to[:4]))
            if after:
                notes.append(
                    f"{key['geo']}'s boundary ended {valid_to}, yet figures for "
                    f"{', '.join(map(str, after))} exist; check which boundary they cover"
                )
        year_column = self.observations["year"].to_numpy()
        for other in self.related_geographies(key["geo"]):
            positions = self._row_positions.get(
                (key["indicator"], other, key["sector"], "year"), np.array([], dtype=int)
            )
            other_years = sorted({int(y) for y in year_column[positions]} - years)
            if other_years:
                notes.append(
                    f"{', '.join(map(str, other_years))}: published only for {other} "
                    f"({geos.at[other, 'name']}), a different boundary; not spliced into "
                    f"this {key['geo']} series (Dataset.spliced_series joins them explicitly)"
                )
        return notes

    def spliced_series(self, indicator: str, geos: list[str], **kwargs) -> SeriesResult:
        """Join one series across a boundary change, saying so in ``notes`` and ``key``.

        Each year comes from the last geography in ``geos`` that has a figure for it;
        ``to_frame()`` keeps a ``geo`` column per year and every switch is a note.
        """
        if len(geos) < 2:
            raise ValueError("spliced_series needs at least two geographies, in time order")
        parts = [self.series(indicator, g, **kwargs) for g in geos]
        values = pd.concat([p.values.dropna() for p in parts])
        values = values[~values.index.duplicated(keep="last")].sort_index()
        span = kwargs.get("years") or range(int(values.index.min()), int(values.index.max()) + 1)
        values = values.reindex(list(span))
        provenance = pd.concat([p.provenance for p in parts], ignore_index=True)
        # Keep "chosen" only for the geography that supplies each year.
        supplier = {}
        for part in parts:
            for year in part.values.dropna().index:
                supplier[year] = part.key["geo"]
        provenance["chosen"] &= provenance["geo"] == provenance["year"].map(supplier)
        switches = [
            f"boundary break between {y0} ({supplier[y0]}) and {y1} ({supplier[y1]}): "
            "levels on either side cover different territories"
            for y0, y1 in zip(sorted(supplier), sorted(supplier)[1:], strict=False)
            if supplier[y0] != supplier[y1]
        ]
        key = {**parts[-1].key, "geo": "+".join(geos), "spliced": True}
        return SeriesResult(
            key=key,
            values=values.rename(indicator),
            provenance=provenance,
            gaps=[int(y) for y in values.index[values.isna()]],
            notes=switches + [n for p in parts for n in p.notes if "not spliced" not in n],
            as_of=parts[0].as_of,
        )

    def facts(self) -> dict:
        """The counts that describe the folder (`summary`; a notebook's summary in its
        language): checksum (first 16 hex digits), observations (annual), indicators,
        geographies, first and last year, sources, targets, instruments, undated figures,
        figures by geography (the six largest) and by status."""
        obs = self.observations
        return {
            "checksum": self.checksum[:16],
            "observations": len(obs),
            "annual": int((obs["period_kind"] == "year").sum()),
            "indicators": obs["indicator"].nunique(),
            "geographies": obs["geo"].nunique(),
            "first_year": int(obs["year"].min()),
            "last_year": int(obs["period_end"].dt.year.max()),
            "sources": len(self.sources),
            "targets": len(self.targets),
            "instruments": self.targets["instrument"].nunique(),
            "undated": int(obs["published_date"].isna().sum()),
            "by_geo": dict(obs["geo"].value_counts().head(6).items()),
            "by_status": dict(obs["status"].value_counts().items()),
        }

    def summary(self, *, show_folder: bool = True) -> str:
        """A few lines on what the folder holds (``show_folder=False`` leaves out the
        machine-specific path, for notebooks whose outputs are compared across machines)."""
        f = self.facts()
        lines = [
            *([f"Data folder: {self.data_dir}"] if show_folder else []),
            f"Checksum (sha256): {f['checksum']}...",
            f"Observations: {f['observations']} ({f['annual']} annual), "
            f"{f['indicators']} indicators, {f['geographies']} geographies, "
            f"years {f['first_year']}-{f['last_year']}",
            f"Sources: {f['sources']}; targets: {f['targets']} in {f['instruments']} instruments",
            f"Undated figures (need the policy's undated rule for as-of queries): {f['undated']}",
            "Figures by geography: " + ", ".join(f"{g} {n}" for g, n in f["by_geo"].items()),
            "Status: " + ", ".join(f"{s} {n}" for s, n in f["by_status"].items()),
        ]
        return "\n".join(lines)


def _single(frame: pd.DataFrame, column: str):
    values = frame[column].unique()
    return values[0] if len(values) == 1 else None


def load_dataset(
    data_dir: Path | str | None = None, *, policy: SelectionPolicy | None = None
) -> Dataset:
    """Validate and load a data folder (default: the project's ``data/``).

    Raises
    ------
    DataValidationError
        Listing every problem of every file (file, line, id, column, value, fix).
    """
    data_dir = Path(data_dir) if data_dir is not None else folders.DATA_DIR
    report = validate(data_dir)
    if not report.ok:
        raise DataValidationError(report.problems, data_dir=str(data_dir))
    return Dataset(data_dir, report, policy or SelectionPolicy.default())
