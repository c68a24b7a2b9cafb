"""What a step computes from: the data (loaded and validated once), the run's as-of and
language, and the params files with "None means the file's value" resolved one way.

A run builds one `Context` and hands it to every step; a notebook run on its own builds one
from its parameters (:meth:`Context.for_notebook`), so both compute from the same inputs.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from dxecon.core.params import load_yaml, params_path, resolve
from dxecon.core.places import PARAMS_SECTIONS, default_place, place_params
from dxecon.data.places import Place, load_place


@dataclass(frozen=True, eq=False)
class Context:
    """The inputs of a run's steps.

    Attributes
    ----------
    dataset : dxecon.data.Dataset
        Loaded and validated once for the whole run.
    as_of : str
        'YYYY-MM': only figures published by then count.
    lang : str
        'vi' or 'en': charts and texts are made in it.
    overrides : mapping
        params file name (relative to ``params/``, e.g. ``'digital.yaml'``) -> values laid
        over that file's (None: the file's value), e.g. a notebook's parameters.
    place : str
        The code of the place profile (``params/places/<code>.yaml``) the run is about;
        None: ``params/places/default.yaml``'s. Its sections are laid over the params files
        of their names (`dxecon.core.places.place_params`); `profile` is the validated
        `dxecon.data.places.Place`.
    """

    dataset: Any
    as_of: str
    lang: str = "vi"
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    place: str | None = None

    def __post_init__(self) -> None:
        if self.place is None:
            object.__setattr__(self, "place", default_place())

    @cached_property
    def profile(self) -> Place:
        """The run's place, validated against the data (`load_place`)."""
        return load_place(self.place)

    def params(self, file: str | Path, *, keys: Iterable[str] = ()) -> dict[str, Any]:
        """A params file's mapping with this context's overrides for it resolved
        (:func:`resolve`); read once per context. ``keys``: the keys a file of its kind may
        hold (a scenario's): overrides of those are kept where the file leaves them out,
        and a file that does not exist reads as empty (a whole scenario given as
        overrides, e.g. saved by the explorer)."""
        key, keys = str(file), tuple(keys)
        cache = self._params_cache
        if (key, keys) not in cache:
            path = params_path(key)
            if Path(key).parent == Path(".") and Path(key).stem in PARAMS_SECTIONS:
                found = place_params(Path(key).stem, self.profile.code)
            else:
                found = load_yaml(path) if path.is_file() or not keys else {}
            cache[key, keys] = resolve(self.overrides.get(key, {}), found, keys)
        return copy.deepcopy(cache[key, keys])

    @cached_property
    def _params_cache(self) -> dict[str, dict[str, Any]]:
        return {}

    @classmethod
    def for_notebook(
        cls,
        namespace: Mapping[str, Any],
        *,
        params_file: str | None = None,
        dataset=None,
    ) -> Context:
        """The context of a notebook run on its own (or by papermill): ``as_of`` and
        ``lang`` and ``place`` from its parameters (``as_of`` None: the current month,
        ``place`` None: the default place), its declared
        params file's keys from its parameters where not None, the shipped data
        (validated) unless a dataset is given."""
        from dxecon.core.dates import current_month
        from dxecon.data import load_dataset

        overrides = {params_file: dict(namespace)} if params_file else {}  # None: `resolve`
        return cls(
            dataset=dataset if dataset is not None else load_dataset(),
            as_of=namespace.get("as_of") or current_month(),
            lang=namespace.get("lang") or "vi",
            overrides=overrides,
            place=namespace.get("place"),
        )
