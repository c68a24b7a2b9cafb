"""Read YAML params files with errors that name the file, the field and the fix.

One way in for every params file (selection policy, target sets, scenarios): `load_yaml`
parses, `check_keys` rejects unknown keys with the closest valid one suggested.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dxecon.errors import ParamsError


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
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParamsError(str(path), None, f"invalid YAML{where}: {problem}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(
            str(path), None, f"expected a mapping of keys to values, got {type(data).__name__}"
        )
    return data


def check_keys(
    data: dict[str, Any], allowed: Iterable[str], *, file: str, prefix: str = ""
) -> None:
    """Reject keys not in ``allowed``, suggesting the closest valid key."""
    allowed = list(allowed)
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ParamsError(
                file,
                f"{prefix}{key}",
                f"unknown key{hint} Allowed keys: {', '.join(allowed)}",
            )


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
