"""A place: its profile (``params/places/<code>.yaml``) validated against the data.

`load_place` reads a profile (`dxecon.core.places.read_profile`) and refuses, naming the file
and the field, a geography code that ``data/codes/geographies.csv`` does not list and an
instrument with no target for the place's boundaries in ``data/targets.csv``; `Place` is
the frozen result every step, model and sentence takes the place from. `list_places` lists
the profiles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from dxecon.core import folders
from dxecon.core.errors import ParamsError, did_you_mean
from dxecon.core.params import check_keys, params_path
from dxecon.core.places import (
    PARAMS_SECTIONS,
    PLACES_FOLDER,
    default_place,
    list_places,
    place_params,
    read_profile,
)

__all__ = ["Place", "default_place", "list_places", "load_place"]

#: The keys of a profile; ``code``, ``names`` and ``boundaries`` are required.
PROFILE_KEYS = ("code", "names", "boundaries", "merged_in", "peers", *PARAMS_SECTIONS)
#: Languages a place is named in (``names``).
NAME_LANGS = ("vi", "en")


@dataclass(frozen=True)
class Place:
    """One place, as its profile describes it.

    Attributes
    ----------
    code : str
        The profile's code (its file name).
    names : mapping
        Language ('vi', 'en') -> the place's name in a title.
    boundaries : tuple of str
        Geography codes, oldest first (before and after a merger);
        the last is the boundary a scenario simulates.
    merged_in : tuple of str
        Other pre-merger parts of the last boundary (their figures are not the place's).
    peers : tuple of str
        Geography codes compared with the place.
    instruments : tuple of str
        The instruments whose targets are scored (all with a target for ``boundaries``
        when the profile says ``all``).
    file : str
        The profile's path, for messages.
    """

    code: str
    names: Mapping[str, str]
    boundaries: tuple[str, ...]
    merged_in: tuple[str, ...]
    peers: tuple[str, ...]
    instruments: tuple[str, ...]
    file: str

    @property
    def current(self) -> str:
        """The latest boundary (the merged one after a merger)."""
        return self.boundaries[-1]

    @property
    def first(self) -> str:
        """The oldest boundary in the profile."""
        return self.boundaries[0]

    def name(self, lang: str = "vi") -> str:
        """The place's name in ``lang`` (Vietnamese for an unknown language)."""
        return self.names.get(lang) or self.names["vi"]

    def params(self, file: str) -> dict[str, Any]:
        """Params file ``file`` as read for this place (`dxecon.core.places.place_params`)."""
        return place_params(file, self.code)


def load_place(code: str | None = None) -> Place:
    """The place of profile ``code`` (None: ``params/places/default.yaml``'s), validated.

    Raises
    ------
    ParamsError
        An unknown code (the profiles listed, the closest suggested); a profile with an
        unknown key, a missing name or boundary, a geography code that
        ``data/codes/geographies.csv`` does not list, or an instrument with no target for the
        place's boundaries in ``data/targets.csv``: naming the profile and the field.
    """
    data = read_profile(code)
    code = str(data["code"])
    file = str(params_path(code, PLACES_FOLDER))
    check_keys(data, PROFILE_KEYS, file=file)
    names = data.get("names") or {}
    for lang in NAME_LANGS:
        if not isinstance(names, Mapping) or not names.get(lang):
            raise ParamsError(file, f"names.{lang}", "the place's name in a title is required")
    boundaries = _codes(data.get("boundaries"), file, "boundaries")
    if not boundaries:
        raise ParamsError(file, "boundaries", "list the place's geography codes, oldest first")
    known = set(pd.read_csv(folders.DATA_DIR / "codes" / "geographies.csv", dtype=str)["code"])
    for field, value in _geography_fields(data):
        if value not in known:
            raise ParamsError(
                file,
                field,
                f"unknown geography {value!r} (data/codes/geographies.csv); "
                f"{did_you_mean(value, sorted(known))}add it there or fix the code",
            )
    targets = pd.read_csv(folders.DATA_DIR / "targets.csv", dtype=str)
    own = set(targets.loc[targets["geo"].isin(boundaries), "instrument"])
    for field, instruments in _instrument_fields(data):
        for instrument in instruments:
            if instrument not in own:
                raise ParamsError(
                    file,
                    field,
                    f"instrument {instrument!r} has no target for {', '.join(boundaries)} in "
                    f"data/targets.csv; instruments with one: {', '.join(sorted(own)) or 'none'}",
                )
    scored = (data.get("targets") or {}).get("instruments", "all")
    return Place(
        code=code,
        names=MappingProxyType(dict(names)),
        boundaries=tuple(boundaries),
        merged_in=tuple(_codes(data.get("merged_in"), file, "merged_in")),
        peers=tuple(_codes(data.get("peers"), file, "peers")),
        instruments=tuple(sorted(own)) if scored == "all" else tuple(scored),
        file=file,
    )


def _codes(value: Any, file: str, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParamsError(file, field, f"expected a list of geography codes, got {value!r}")
    return list(value)


def _geography_fields(data: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(dotted field, code) for every geography code a profile names."""
    for key in ("boundaries", "merged_in", "peers"):
        for i, code in enumerate(data.get(key) or []):
            yield f"{key}[{i}]", code
    digital = data.get("digital") or {}
    for key in ("structure_geo", "calibrate_geo", "target_geo"):
        if key in digital:
            yield f"digital.{key}", digital[key]
    if "productivity_geo" in (data.get("productivity") or {}):
        yield "productivity.productivity_geo", data["productivity"]["productivity_geo"]
    forecasts = data.get("forecasts") or {}
    for i, series in enumerate(forecasts.get("series") or []):
        yield f"forecasts.series[{i}].geo", series.get("geo")
    for i, series in enumerate((forecasts.get("realtime") or {}).get("series") or []):
        yield f"forecasts.realtime.series[{i}].geo", series.get("geo")
    if "geo" in (forecasts.get("growth") or {}):
        yield "forecasts.growth.geo", forecasts["growth"]["geo"]


def _instrument_fields(data: Mapping[str, Any]) -> Iterable[tuple[str, list[str]]]:
    """(dotted field, instruments) for every instrument list a profile names."""
    scored = (data.get("targets") or {}).get("instruments", "all")
    if scored != "all":
        yield "targets.instruments", list(scored or [])
    nowcast = data.get("nowcast") or {}
    yield (
        "nowcast.nowcast_target_instruments",
        list(nowcast.get("nowcast_target_instruments") or []),
    )
    growth = (data.get("forecasts") or {}).get("growth") or {}
    yield "forecasts.growth.plan_instruments", list(growth.get("plan_instruments") or [])
