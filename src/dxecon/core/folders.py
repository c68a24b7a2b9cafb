"""One place for the project's folders (cookiecutter-data-science's ``config.py`` idea).

Every folder can be redirected with an environment variable, so a user can point the
whole suite at a new data vintage or a scratch outputs folder without editing code.

============  =====================  ===========================================
folder        environment variable   what it holds
============  =====================  ===========================================
data          ``DXECON_DATA``        published figures, immutable raw layer
params        ``DXECON_PARAMS``      assumptions, scenarios, target selection
outputs       ``DXECON_OUTPUTS``     generated runs (not in git)
notebooks     ``DXECON_NOTEBOOKS``   the parameterised notebook suite
============  =====================  ===========================================
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root: ``src/dxecon/core/folders.py`` -> four levels up.
PROJECT_ROOT = Path(__file__).resolve().parents[3]


def _folder(env_var: str, default: str) -> Path:
    value = os.environ.get(env_var)
    return Path(value).expanduser().resolve() if value else PROJECT_ROOT / default


DATA_DIR = _folder("DXECON_DATA", "data")
PARAMS_DIR = _folder("DXECON_PARAMS", "params")
OUTPUTS_DIR = _folder("DXECON_OUTPUTS", "outputs")
NOTEBOOKS_DIR = _folder("DXECON_NOTEBOOKS", "notebooks")
