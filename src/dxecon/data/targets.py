"""The registry of quantified targets, and which of them a forecast is scored against.

Targets are data (``data/targets.csv``); the set to score against is a parameter
(``params/targets.yaml``): a list of instruments. When two chosen instruments set a target
for the same quantity (indicator, geography, sector, year, comparator), the instrument
adopted later supersedes the earlier one (Plan 106/KH-UBND of 2025 raised Resolution
03-NQ/TU's 2025 digital-economy target from 25% to 35% of GRDP); both rows stay in the
table, the earlier marked ``superseded_by``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dxecon.core.errors import ParamsError
from dxecon.core.params import check_keys, load_yaml, params_path
from dxecon.data import Dataset, load_dataset
from dxecon.data.schema import FLAGS

#: Columns that identify "the same quantity" for supersession.
TARGET_KEY = ["indicator", "geo", "sector", "year", "comparator"]

#: The keys of ``params/targets.yaml``: the instruments read here, the rest by
#: `dxecon.models.scoring.ScoringConfig` (how a forecast is scored against them).
TARGETS_PARAMS_KEYS = (
    "instruments",
    "city_geographies",
    "successor_inherits_later_targets",
    "status_thresholds",
    "trend_min_points",
    "method_preference",
    "observed_as",
    "estimated",
    "proxies",
)


@dataclass(frozen=True)
class TargetSet:
    """The instruments a forecast is scored against, in a params file."""

    instruments: tuple[str, ...]
    source: str = "<code>"

    @classmethod
    def from_yaml(cls, path: Path | str, *, known: list[str]) -> TargetSet:
        return cls.from_mapping(load_yaml(path), known=known, file=str(path))

    @classmethod
    def from_mapping(cls, data: dict, *, known: list[str], file: str) -> TargetSet:
        """From the mapping of ``params/targets.yaml`` (``file`` names it in errors)."""
        check_keys(data, TARGETS_PARAMS_KEYS, file=file)
        instruments = data.get("instruments")
        if instruments == "all":
            return cls(tuple(known), source=file)
        if not isinstance(instruments, list) or not instruments:
            raise ParamsError(file, "instruments", "expected a non-empty list of instrument codes")
        unknown = [i for i in instruments if i not in known]
        if unknown:
            raise ParamsError(
                file,
                "instruments",
                f"unknown instrument(s) {unknown}; allowed: {', '.join(known)}",
            )
        return cls(tuple(instruments), source=file)


class TargetRegistry:
    """Every quantified target, with its instrument, year, comparator, value, unit, source."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        instruments = dataset.codes["instruments"].set_index("code")
        frame = dataset.targets.drop(columns=["line"]).copy()
        frame["adopted_year"] = pd.to_numeric(
            frame["instrument"].map(instruments["adopted_year"]).replace("", pd.NA)
        ).astype("Int64")
        # False for a placeholder code whose source does not name the instrument.
        frame["instrument_named"] = frame["instrument"].map(instruments["named"].map(FLAGS))
        sources = dataset.sources.set_index("source_id")
        frame["source"] = frame["source_id"].map(sources["publisher"])
        self.frame = frame

    @property
    def instruments(self) -> list[str]:
        return self.dataset.code_set("instruments")

    def select(
        self,
        instruments: list[str] | tuple[str, ...] | None = None,
        *,
        geo: str | None = None,
        pillar: str | None = None,
        years: list[int] | None = None,
    ) -> pd.DataFrame:
        """Targets of the given instruments (all when None), with ``superseded_by``.

        Raises
        ------
        ValueError
            For an instrument code that is not in ``data/codes/instruments.csv``.
        """
        frame = self.frame
        if instruments is not None:
            unknown = [i for i in instruments if i not in self.instruments]
            if unknown:
                raise ValueError(
                    f"unknown instrument(s) {unknown}; allowed: {', '.join(self.instruments)}"
                )
            frame = frame[frame["instrument"].isin(instruments)]
        if geo is not None:
            frame = frame[frame["geo"] == geo]
        if pillar is not None:
            frame = frame[frame["pillar"] == pillar]
        if years is not None:
            frame = frame[frame["year"].isin(years)]
        return _mark_superseded(frame.copy())

    def scoring_set(
        self, target_set: TargetSet | None = None, *, place: str | None = None
    ) -> pd.DataFrame:
        """The targets a forecast is scored against: default ``params/targets.yaml`` as read
        for ``place`` (its profile's ``targets`` section; None: the default place)."""
        if target_set is None:
            from dxecon.core.places import place_params

            target_set = TargetSet.from_mapping(
                place_params("targets", place),
                known=self.instruments,
                file=str(params_path("targets")),
            )
        return self.select(list(target_set.instruments))


def _mark_superseded(frame: pd.DataFrame) -> pd.DataFrame:
    """For each quantity set by several instruments, point older rows to the newest."""
    frame["superseded_by"] = ""
    instrument_of = frame.set_index("target_id")["instrument"]
    dated = frame[frame["year"].notna()]
    order = dated.sort_values(["adopted_year", "target_id"], na_position="first")
    newest = order.groupby(TARGET_KEY, dropna=False)["target_id"].transform("last")
    older = (newest != order["target_id"]) & (newest.map(instrument_of) != order["instrument"])
    frame.loc[older[older].index, "superseded_by"] = newest[older]
    return frame


def load_targets(data_dir: Path | str | None = None) -> TargetRegistry:
    """The target registry of a data folder (default: the project's ``data/``)."""
    return TargetRegistry(load_dataset(data_dir))


def effective_targets(
    registry: TargetRegistry,
    indicator: str,
    *,
    instruments: list[str] | tuple[str, ...] | None = None,
    geo: str | None = None,
    sector: str | None = "total",
    years: list[int] | None = None,
    allow_empty: bool = False,
) -> pd.DataFrame:
    """The dated targets on one indicator that are in force: superseded rows dropped.

    Parameters
    ----------
    registry : TargetRegistry
        Targets of ``data/targets.csv``.
    indicator : str
        Indicator code of the targets (e.g. ``lp_growth``, ``de_sector_share_min``).
    instruments : sequence of str, optional
        Instruments to read (e.g. those of ``params/targets.yaml``); all when None. Where two
        of them set the same quantity for the same year, the one adopted later wins
        (``superseded_by``).
    geo, sector : str, optional
        Restrict to one geography and sector (None: any).
    years : list of int, optional
        Restrict to these target years.
    allow_empty : bool
        Return an empty frame instead of raising when no target matches.

    Returns
    -------
    pd.DataFrame
        One row per target year, sorted by year, with every column of the registry.

    Raises
    ------
    ValueError
        When no target matches (unless ``allow_empty``), or when one year still has several
        different values (two comparators, or two rows of the same instrument): the caller
        must choose.
    """
    frame = registry.select(instruments, geo=geo, years=years)
    frame = frame[(frame["indicator"] == indicator) & frame["year"].notna()]
    if sector is not None:
        frame = frame[frame["sector"] == sector]
    frame = frame[frame["superseded_by"] == ""]
    if frame.empty and allow_empty:
        return frame.reset_index(drop=True)
    if frame.empty:
        raise ValueError(
            f"no dated target on {indicator!r} (geo {geo}, sector {sector}) in data/targets.csv "
            f"for instruments {list(instruments) if instruments is not None else 'any'}"
        )
    frame = frame.assign(year=frame["year"].astype(int)).sort_values(["year", "target_id"])
    clash = frame.groupby("year")["value"].nunique()
    if (clash > 1).any():
        years = [int(y) for y in clash[clash > 1].index]
        ids = frame[frame["year"].isin(years)]["target_id"].tolist()
        raise ValueError(
            f"several values for {indicator!r} in {years} ({', '.join(ids)}): "
            "choose the instruments or the sector"
        )
    return frame.drop_duplicates("year", keep="last").reset_index(drop=True)


def scored_targets(
    dataset: Dataset, indicator: str, targets_params: dict, *, file: str, geo: str | None = None
) -> pd.DataFrame:
    """`effective_targets` of ``indicator`` for the instruments a forecast is scored
    against (``targets_params``: the mapping of ``params/targets.yaml``, named by ``file``
    in errors)."""
    registry = TargetRegistry(dataset)
    scored = TargetSet.from_mapping(targets_params, known=registry.instruments, file=file)
    return effective_targets(registry, indicator, instruments=scored.instruments, geo=geo)


def target_values(
    registry: TargetRegistry,
    indicator: str,
    *,
    instruments: list[str] | tuple[str, ...] | None = None,
    geo: str | None = None,
    sector: str | None = "total",
) -> dict[int, float]:
    """Target value by target year, ``{year: value}``, as `effective_targets` selects them
    (the latest instrument wins for the same year)."""
    frame = effective_targets(registry, indicator, instruments=instruments, geo=geo, sector=sector)
    return {int(y): float(v) for y, v in zip(frame["year"], frame["value"], strict=True)}
