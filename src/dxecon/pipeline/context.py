"""What a step computes from: the data (loaded and validated once), the run's as-of and
language, and the params files with "None means the file's value" resolved one way.

A run builds one `Context` and hands it to every step; a notebook builds one from its
parameters (:meth:`Context.for_notebook`), so both compute from the same inputs, and
:meth:`Context.inputs` says what those inputs are (a notebook inside a run shows the run's
saved outputs only when its inputs are the run's: `dxecon.pipeline.store`). Cheap to import
and to build: the data are loaded when a step first needs them.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from dxecon.core import folders
from dxecon.core.params import load_yaml, params_path, resolve
from dxecon.core.places import ANY_PLACE, PARAMS_SECTIONS, default_place, place_params
from dxecon.data.places import Place, load_place

#: The values a notebook's parameters cell may hold (papermill injects such values only).
_PLAIN = (str, int, float, bool, list, dict, tuple, type(None))


class Context:
    """The inputs of a run's steps.

    Attributes
    ----------
    dataset : dxecon.data.Dataset
        Loaded and validated once for the whole run (given, or loaded from ``data_dir`` when
        a step first reads it).
    as_of : str
        'YYYY-MM': only figures published by then count.
    lang : str
        'vi' or 'en': charts and texts are made in it.
    overrides : mapping
        params file name (relative to ``params/``, e.g. ``'digital.yaml'``) -> values laid
        over that file's (None: the file's value), e.g. a notebook's parameters.
    data_dir : path, optional
        The data folder (default: the project's ``data/``).
    parameters : mapping, optional
        A notebook's parameters (:meth:`for_notebook`), for :meth:`inputs`.
    place : str, optional
        The code of the place profile (``params/places/<code>.yaml``) the run is about;
        None (or a scenario file's ``any``): ``params/places/default.yaml``'s. Its sections
        are laid over the params files of their names (`dxecon.core.places.place_params`);
        `profile` is the validated `dxecon.data.places.Place`.
    """

    def __init__(
        self,
        dataset: Any = None,
        as_of: str | None = None,
        lang: str = "vi",
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        data_dir: Path | str | None = None,
        parameters: Mapping[str, Any] | None = None,
        place: str | None = None,
    ) -> None:
        if as_of is None:
            from dxecon.core.dates import current_month

            as_of = current_month()
        self._dataset, self.as_of, self.lang = dataset, as_of, lang
        self.overrides = dict(overrides or {})
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.parameters = dict(parameters or {})
        self.place = place if place not in (None, ANY_PLACE) else default_place()

    @property
    def dataset(self):
        """The data, loaded (and validated) on first use when the context was given none."""
        if self._dataset is None:
            from dxecon.data import load_dataset

            self._dataset = load_dataset(self.data_dir)
        return self._dataset

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
            found = file_values(key, self.profile.code, missing_ok=bool(keys))
            cache[key, keys] = resolve(self.overrides.get(key, {}), found, keys)
        return copy.deepcopy(cache[key, keys])

    @cached_property
    def _params_cache(self) -> dict[str, dict[str, Any]]:
        return {}

    def memo(self, name: str) -> dict:
        """A dict kept for this context, for lookups that depend on its data, as-of date,
        place and params but on no scenario (e.g. the published figures the scorecard
        looks up): the steps of a run share them instead of repeating them per scenario."""
        return self._memos.setdefault(name, {})

    @cached_property
    def _memos(self) -> dict[str, dict]:
        return {}

    def inputs(self) -> dict[str, Any]:
        """What this context's results depend on besides the code: the data's checksum,
        every params file's, the as-of, the place and the language (a run records them in
        its manifest; a notebook compares them with its own, with :func:`notebook_inputs`)."""
        return {
            "as_of": self.as_of,
            "place": self.place,
            "lang": self.lang,
            "data_checksum_sha256": self.data_checksum,
            "params_checksum_sha256": params_checksum(),
        }

    @property
    def data_checksum(self) -> str:
        """SHA-256 of the data folder's tables (without loading them when not loaded)."""
        if self._dataset is not None:
            return self._dataset.checksum
        from dxecon.data import checksum

        return checksum(self.data_dir or folders.DATA_DIR)

    @classmethod
    def for_notebook(
        cls,
        namespace: Mapping[str, Any],
        *,
        params_file: str | None = None,
        dataset=None,
    ) -> Context:
        """The context of a notebook (run on its own, by papermill, or by a run): ``as_of``,
        ``lang`` and ``place`` from its parameters (``as_of`` None: the current month,
        ``place`` None: the default place), its declared
        params file's keys from its parameters where not None, the data folder of the
        environment (loaded when a step needs it) unless a dataset is given.
        ``namespace``: the notebook's ``globals()`` when its first cell runs (its
        parameters, :func:`parameters_of`)."""
        parameters = parameters_of(namespace)
        overrides = {}
        if params_file:
            # A value equal to the bare file's is the file's (papermill -f params/NAME.yaml):
            # read for the place, with its profile's section laid over it.
            path = params_path(params_file)
            bare = load_yaml(path) if path.is_file() else {}
            parameters = {
                k: None if k in bare and v == bare[k] else v for k, v in parameters.items()
            }
            overrides[params_file] = {k: v for k, v in parameters.items() if v is not None}
        ctx = cls(
            dataset=dataset,
            as_of=parameters.get("as_of"),
            lang=parameters.get("lang") or "vi",
            overrides=overrides,
            place=namespace.get("place"),
        )
        given = {**parameters, "as_of": ctx.as_of, "lang": ctx.lang}
        if "place" in parameters:
            given["place"] = ctx.place
        ctx.parameters = notebook_inputs(given, params_file, place=ctx.place)
        return ctx


def file_values(file: str, place: str | None = None, *, missing_ok: bool = False) -> dict:
    """THE values of params file ``file`` for ``place`` (None: the default place): a file
    with a section in the place profiles (`dxecon.core.places.PARAMS_SECTIONS`) read with
    the place's section laid over it, any other as it is (``missing_ok``: a file that does
    not exist reads as empty)."""
    path = params_path(file)
    if Path(file).parent == Path(".") and Path(file).stem in PARAMS_SECTIONS:
        return place_params(Path(file).stem, place or default_place())
    return load_yaml(path) if path.is_file() or not missing_ok else {}


def parameters_of(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """A notebook's parameters from its namespace: the plain values (what a parameters cell
    and papermill set), without IPython's own names or private ones."""
    hidden: set[str] = set()
    try:
        from IPython import get_ipython

        shell = get_ipython()
        hidden = set(getattr(shell, "user_ns_hidden", {}) or {})
    except ImportError:  # pragma: no cover - IPython ships with the notebook environment
        pass
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_") and name not in hidden and isinstance(value, _PLAIN)
    }


def notebook_inputs(
    parameters: Mapping[str, Any], params_file: str | None, *, place: str | None = None
) -> dict[str, Any]:
    """A notebook's parameters as what it computes from: a None that its params file holds
    (for ``place``: :func:`file_values`) resolved to the file's value (:func:`resolve`'s
    rule), ``output_dir`` left out (where a notebook looks, not what it shows). A run
    records these for each notebook it executes, from the values it injects, and a notebook
    compares its own."""
    found = file_values(params_file, place, missing_ok=True) if params_file else {}
    resolved = resolve(parameters, found)
    out = {name: resolved.get(name, value) for name, value in parameters.items()}
    out.pop("output_dir", None)
    return _plain(out)


def _plain(value):
    """``value`` as its JSON gives it back (the manifest's form: tuples as lists, dates as
    text), so a recorded and a computed mapping compare equal."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def params_checksum(params_dir: Path | None = None) -> str:
    """SHA-256 over every file of the params folder (names and bytes, in a fixed order)."""
    root = Path(params_dir or folders.PARAMS_DIR)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
