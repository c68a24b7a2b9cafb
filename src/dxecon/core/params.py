"""Read YAML params files with errors that name the file, the field and the fix.

One way in for every params file (selection policy, target sets, scenarios, sweeps):
`load_yaml` parses, `check_keys` rejects unknown keys with the closest valid one suggested
(`load_with_keys` does both and requires every key),
and `validation_error` turns a pydantic ``ValidationError`` of a params model (scenarios,
sweeps) into one `ParamsError` in the same words. `params_path` names a params file (the
one way to write ``params/NAME.yaml``), and `resolve` is the one rule for a value left as
None: the params file's value (a notebook's parameter, a run's override, a function's
keyword argument alike).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dxecon.core import folders
from dxecon.core.errors import ParamsError, did_you_mean


def load_yaml(path: Path | str) -> dict[str, Any]:
    """Parse a YAML mapping; a missing file, bad syntax or a non-mapping is a `ParamsError`."""
    import yaml  # lazy: only params users pay for it

    path = Path(path)
    if not path.is_file():
        raise ParamsError(str(path), None, "file does not exist")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParamsError(str(path), None, f"not UTF-8 text ({exc.reason})") from exc
    if text not in _PARSED:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise ParamsError(str(path), None, f"invalid YAML{where}: {problem}") from exc
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ParamsError(
                str(path), None, f"expected a mapping of keys to values, got {type(data).__name__}"
            )
        _PARSED[text] = data
    # A copy: callers may change what they are given.
    return copy.deepcopy(_PARSED[text])


#: Parsed params texts by their text: a run reads the same few files hundreds of times and
#: parsing is the slow part; keyed by the text itself, an edited file is parsed again.
_PARSED: dict[str, dict[str, Any]] = {}


def check_keys(
    data: dict[str, Any], allowed: Iterable[str], *, file: str, prefix: str = ""
) -> None:
    """Reject keys not in ``allowed``, suggesting the closest valid key."""
    allowed = list(allowed)
    for key in data:
        if key not in allowed:
            raise ParamsError(file, f"{prefix}{key}", _unknown_key(key, allowed))


def load_with_keys(path: Path | str, keys: Iterable[str]) -> dict[str, Any]:
    """Parse a params file that holds exactly ``keys``: an unknown key (with the closest
    valid one suggested) or a missing one is a `ParamsError`."""
    return with_keys(load_yaml(path), keys, file=str(path))


def with_keys(data: dict[str, Any], keys: Iterable[str], *, file: str) -> dict[str, Any]:
    """``data`` (a params file's mapping) when it holds exactly ``keys``; else the
    `ParamsError` of :func:`load_with_keys`."""
    keys = list(keys)
    check_keys(data, keys, file=file)
    missing = [k for k in keys if k not in data]
    if missing:
        raise ParamsError(file, missing[0], "required field is missing (see the shipped file)")
    return data


def _unknown_key(key: object, allowed: list[str]) -> str:
    hint = did_you_mean(key, allowed, cutoff=0.5)
    return f"unknown key; {hint}allowed keys: {', '.join(allowed)}"


class FieldError(ValueError):
    """A problem a model validator finds in one of the model's fields (or deeper): raised
    inside a pydantic validator, `validation_error` reports it at ``field`` below the
    validated model's place, instead of at the model as a whole.

    >>> str(FieldError("mode", "a triangular range needs low <= mode <= high"))
    'a triangular range needs low <= mode <= high'
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _field_names(model: type, loc: tuple) -> list[str]:
    """Valid keys at the place of an unknown key, for the 'did you mean' hint."""
    from pydantic import BaseModel

    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            continue  # a key of a dict of models: stay at the model
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        nested = [
            a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        current = nested[0] if nested else None
    return list(getattr(current, "model_fields", {}) or [])


def _explain(error: Mapping[str, Any], file: str, model: type) -> ParamsError:
    """One pydantic error (an item of ``ValidationError.errors()``) as a `ParamsError`."""
    loc = tuple(error["loc"])
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        loc += tuple(cause.field.split("."))
    field = ".".join(str(p) for p in loc) or None
    value = error.get("input")
    if error["type"] == "extra_forbidden":
        return ParamsError(file, field, _unknown_key(loc[-1], _field_names(model, loc)))
    if error["type"] == "missing":
        return ParamsError(file, field, "required field is missing")
    message = error["msg"].removeprefix("Value error, ")
    shown = "" if isinstance(value, dict) or isinstance(cause, FieldError) else f" (got {value!r})"
    return ParamsError(file, field, f"{message}{shown}")


def validation_error(exc: Any, *, file: str, model: type) -> ParamsError:
    """A pydantic ``ValidationError`` of ``model`` as one `ParamsError` naming the file, the
    field (dotted path) and the fix; several problems are listed one a line."""
    problems = [_explain(error, file, model) for error in exc.errors()]
    if len(problems) == 1:
        return problems[0]
    listing = "\n".join(f"  - {p}" for p in problems)
    return ParamsError(file, problems[0].field, f"{len(problems)} problems:\n{listing}")


def resolve(
    values: Mapping[str, Any], file_values: Mapping[str, Any], keys: Iterable[str] = ()
) -> dict[str, Any]:
    """THE one rule for a parameter left as None: the params file's value.

    Every key of ``file_values`` (a params file's mapping), with ``values[key]`` laid over
    it where that is given and not None; keys of ``values`` the file does not hold are
    left out (a notebook's own parameters, such as ``lang``, are not the file's), unless
    ``keys`` names them (keys a file of that kind may leave out, such as a scenario's
    ``shocks``).

    >>> resolve({"horizon": None, "lang": "vi"}, {"horizon": 2030, "series": []})
    {'horizon': 2030, 'series': []}
    >>> resolve({"horizon": 2035}, {"horizon": 2030})
    {'horizon': 2035}
    >>> resolve({"shocks": [], "lang": "vi"}, {"horizon": 2030}, keys=("horizon", "shocks"))
    {'horizon': 2030, 'shocks': []}
    """
    out = {
        key: values[key] if values.get(key) is not None else value
        for key, value in file_values.items()
    }
    out.update({k: values[k] for k in keys if k not in out and values.get(k) is not None})
    return out


def get_dotted(data: Mapping[str, Any], key: str) -> Any:
    """The value at a dotted key (``sectors.ind_con.intensity.speed``) of a nested mapping."""
    node: Any = data
    for part in key.split("."):
        node = node[part]
    return node


def set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    """Set the value at a dotted key of a nested mapping in place (the parents must exist)."""
    *parents, leaf = key.split(".")
    node = data
    for part in parents:
        node = node[part]
    node[leaf] = value


def params_path(name: str | Path, folder: str = "") -> Path:
    """``NAME`` -> ``params/FOLDER/NAME.yaml`` (a shipped scenario or sweep); a path ending in
    ``.yaml`` is used as is, or under ``params/`` when no such file exists here."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        return path if path.is_absolute() or path.is_file() else folders.PARAMS_DIR / path
    return folders.PARAMS_DIR / folder / f"{name}.yaml"
