"""A place's labour productivity under an employment assumption computed from the data.

Where a place publishes no employment after a census-based series ends, its productivity
needs employment growth for the later years. The place's profile names the years
whose published employment growth is carried forward (``employment_from_history``), never
the figure: the figure is the compound average growth of employed persons over those years
(`dxecon.models.scenarios.history.employment_growth`, the same function the scenario files'
``from_history`` windows use), so a new or revised employment figure moves the estimate on
the next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dxecon.core.errors import MissingFigureError, ParamsError
from dxecon.core.params import check_keys
from dxecon.models.estimation.from_data import city_productivity
from dxecon.models.scenarios.history import HistoryError, HistoryFigure, employment_growth

#: ``employment_from_history`` of a place with no published employment: productivity under
#: an employment assumption is not computed (`MissingFigureError`), no figure is assumed.
NOT_AVAILABLE = "not_available"
#: The keys of ``params/productivity.yaml`` with the place's section laid over it.
PRODUCTIVITY_KEYS = ("productivity_geo", "employment_from_history", "lp_base_year")
PRODUCTIVITY_KEYS += ("national_lp_start",)


@dataclass(frozen=True)
class ProductivityParams:
    """``params/productivity.yaml``: whose productivity, the years whose employment growth is
    carried forward, the base year of the growth targets, the first national year."""

    geo: str
    employment_window: tuple[int, int] | None  # None: no employment published (NOT_AVAILABLE)
    base_year: int
    national_start: int
    file: str = "params/productivity.yaml"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, file: str) -> ProductivityParams:
        check_keys(dict(data), PRODUCTIVITY_KEYS, file=file)
        missing = [key for key in PRODUCTIVITY_KEYS if data.get(key) is None]
        if missing:
            raise ParamsError(file, missing[0], "required (see the shipped file)")
        window = data["employment_from_history"]
        if window == NOT_AVAILABLE:
            window = None
        elif (
            not isinstance(window, list | tuple)
            or len(window) != 2
            or not all(isinstance(y, int) for y in window)
            or window[0] > window[1]
        ):
            raise ParamsError(
                file,
                "employment_from_history",
                f"expected [first, last], two years in order, or {NOT_AVAILABLE}; got {window!r}",
            )
        return cls(
            geo=str(data["productivity_geo"]),
            employment_window=None if window is None else (int(window[0]), int(window[1])),
            base_year=int(data["lp_base_year"]),
            national_start=int(data["national_lp_start"]),
            file=file,
        )


def assumed_employment(dataset, params: ProductivityParams, *, as_of) -> HistoryFigure:
    """The employment growth carried forward: compound average a year over the window.

    Raises
    ------
    ParamsError
        When the data published by ``as_of`` cannot answer the window (naming the field).
    MissingFigureError
        When the place's profile says no employment is published (no window).
    """
    if params.employment_window is None:
        raise MissingFigureError(
            "labour productivity under an employment assumption",
            "employment",
            params.geo,
            None,
            f"{params.file} says employment_from_history: {NOT_AVAILABLE}",
        )
    try:
        return employment_growth(dataset, params.geo, params.employment_window, as_of=as_of)
    except HistoryError as exc:
        raise ParamsError(
            params.file,
            "employment_from_history",
            f"{exc}. Fix: name years whose employment is published",
        ) from exc


def productivity_from_params(
    dataset, params: ProductivityParams, *, milestones: Mapping[int, float], as_of
) -> dict:
    """`dxecon.models.estimation.from_data.city_productivity` under the employment growth of
    :func:`assumed_employment`; the result also holds that figure (``"employment_growth"``,
    a `HistoryFigure`: its value and the published figures it rests on)."""
    jobs = assumed_employment(dataset, params, as_of=as_of)
    result = city_productivity(
        dataset,
        geo=params.geo,
        employment_growth=jobs.mean,
        # the figures it rests on are recorded in ``jobs`` (its facts, worded by the step)
        employment_rationale="compound average growth of the published employment of "
        f"{params.employment_window[0] - 1}-{params.employment_window[1]} ({params.file})",
        base_year=params.base_year,
        milestones=dict(milestones),
        as_of=as_of,
    )
    return {**result, "employment_growth": jobs}
