"""Place profiles as params: ``params/places/<code>.yaml``, one file per place.

A profile holds everything that makes a run about one place (its boundary codes, names,
peers, and the place-specific keys of the params files). This module reads profiles as
params (no data): which profiles exist (`list_places`), the default place
(``params/places/default.yaml``, `default_place`), a profile's raw mapping (`read_profile`,
an unknown code answered with the profiles and a did-you-mean), and THE one way a params
file is read for a place (`place_params`): the file's values with the profile's section of
the same name laid over them. `dxecon.data.places.load_place` validates a profile against
the data's code lists and targets.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from dxecon.core import folders
from dxecon.core.errors import ParamsError, did_you_mean
from dxecon.core.params import load_yaml, params_path

#: The folder of the profiles, below ``params/``.
PLACES_FOLDER = "places"
#: What a scenario file's ``place`` says when it holds for any place (a notebook whose
#: parameters come from such a file runs for the default place).
ANY_PLACE = "any"
#: The file naming the default place (not a profile).
DEFAULT_FILE = "default"
#: Profile sections laid over the params file of the same name (`place_params`).
PARAMS_SECTIONS = ("digital", "productivity", "forecasts", "nowcast", "targets")


def list_places() -> list[str]:
    """The codes of the shipped profiles, sorted."""
    folder = folders.PARAMS_DIR / PLACES_FOLDER
    return sorted(p.stem for p in folder.glob("*.yaml") if p.stem != DEFAULT_FILE)


def nation() -> str:
    """The nation's geography code (``params/places/default.yaml``): the national series
    every place is set beside. Not a place: it has no profile."""
    path = params_path(DEFAULT_FILE, PLACES_FOLDER)
    code = load_yaml(path).get("nation")
    if not code:
        raise ParamsError(str(path), "nation", "the nation's geography code is required")
    return str(code)


def default_place() -> str:
    """The place a run is about when none is named (``params/places/default.yaml``)."""
    path = params_path(DEFAULT_FILE, PLACES_FOLDER)
    code = load_yaml(path).get("place")
    if code not in list_places():
        raise ParamsError(str(path), "place", _unknown(code))
    return str(code)


def _unknown(code: object) -> str:
    places = list_places()
    return f"no profile params/places/{code}.yaml; {did_you_mean(code, places)}profiles: " + (
        ", ".join(places) or "none"
    )


def place_of(geo: str) -> str:
    """The place whose profile lists ``geo`` among its boundaries (a model given a boundary
    code reads that place's params); the default place for any other code."""
    for code in list_places():
        if geo in (read_profile(code).get("boundaries") or []):
            return code
    return default_place()


def read_profile(code: str | None = None) -> dict[str, Any]:
    """The raw mapping of place ``code``'s profile (None: the default place).

    Raises
    ------
    ParamsError
        For an unknown code (the profiles listed, the closest suggested), or a profile whose
        ``code`` field is not its file name.
    """
    code = default_place() if code is None else str(code)
    path = params_path(code, PLACES_FOLDER)
    if code == DEFAULT_FILE or not path.is_file():
        raise ParamsError(str(path.parent), "place", f"unknown place {code!r}: {_unknown(code)}")
    data = load_yaml(path)
    if data.get("code") != code:
        raise ParamsError(str(path), "code", f"must be the file's name {code!r}")
    return data


def place_params(file: str, place: str | None = None) -> dict[str, Any]:
    """Params file ``file`` (a name of `PARAMS_SECTIONS`, e.g. ``'digital'``) as read for
    ``place`` (None: the default place): the file's values (none when it does not exist)
    with the profile's section of that name laid over them (`lay_over`), plus the keys the
    profile's ``boundaries`` give (``nowcast.boundary_geos``, ``targets.city_geographies``:
    one home for the boundary chain)."""
    stem = file.removesuffix(".yaml")
    path = params_path(stem)
    base = load_yaml(path) if path.is_file() else {}
    return lay_over(base, place_section(stem, place))


def place_section(file: str, place: str | None = None) -> dict[str, Any]:
    """The profile's section for params file ``file`` (see `place_params`), with the keys
    its ``boundaries`` give; laid over another file of the same layout (a test's copy)."""
    stem = file.removesuffix(".yaml")
    if stem not in PARAMS_SECTIONS:
        raise ValueError(f"{file!r} has no place section; sections: {', '.join(PARAMS_SECTIONS)}")
    profile = read_profile(place)
    section = dict(profile.get(stem) or {})
    boundaries = list(profile.get("boundaries") or [])
    if stem == "nowcast":
        section.setdefault("boundary_geos", boundaries)
    if stem == "targets":
        section.setdefault("city_geographies", boundaries)
    return section


def lay_over(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` laid over ``base``: mappings merge key by key, a list in both is the base's
    items followed by the place's (the nation's forecast series, then the place's), any other
    value of ``over`` replaces the base's.

    >>> lay_over({"a": 1, "s": [1], "m": {"x": 1, "y": 2}}, {"s": [2], "m": {"y": 3}})
    {'a': 1, 's': [1, 2], 'm': {'x': 1, 'y': 3}}
    """
    merged = copy.deepcopy(dict(base))
    for key, value in over.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = lay_over(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = old + copy.deepcopy(value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
