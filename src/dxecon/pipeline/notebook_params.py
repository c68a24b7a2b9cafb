"""A notebook's parameters: None means "the value in the notebook's params file".

Every assumption lives in ``params/`` only. A notebook's parameter cell declares each key of
its params file with ``None``; the runner injects the file's keys, and a notebook run by hand
(or by nbval) reads the same file here, so both show the same thing::

    globals().update(with_params_file(globals(), "productivity.yaml"))
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def with_params_file(namespace: Mapping[str, Any], params_file: str | Path) -> dict[str, Any]:
    """The parameters a notebook declares (the names in ``namespace``) that its params file
    holds: the notebook's value when it is not None, else the file's. A missing or malformed
    file is a `ParamsError` naming it."""
    from dxecon.core.params import load_yaml, params_path

    data = load_yaml(params_path(params_file))
    return {
        key: data[key] if namespace[key] is None else namespace[key]
        for key in data
        if key in namespace
    }
