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
import re
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

#: Names that are folders of the outputs layout (`dxecon.pipeline.store`: a month's common
#: outputs, the month's own tables, charts and texts; sweeps, quick runs, the explorer's
#: saved scenarios...): no scenario may take one, or its folder would overwrite them.
RESERVED_NAMES = ("sweeps", "quick", "explorer", "index", "test-artifacts", "common")
RESERVED_NAMES += ("tables", "charts", "texts", "notebooks")


def slugify(name: str) -> str:
    """A safe folder name for a display name: Vietnamese letters lose their marks
    (``đ`` becomes ``d``), anything but ``a-z``, ``0-9``, ``-`` and ``_`` becomes ``_``.

    >>> slugify("Kịch bản tăng tốc")
    'kich_ban_tang_toc'

    Raises
    ------
    ValueError
        When nothing usable is left (a name of punctuation only) or the name holds a
        path separator or a control character.
    """
    import unicodedata

    if any(c in name for c in "/\\") or any(unicodedata.category(c) == "Cc" for c in name):
        raise ValueError("a scenario name may not contain '/', '\\' or control characters")
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9_\-]+", "_", plain).strip("_-")
    if not slug:
        raise ValueError("a scenario name needs at least one letter or digit")
    return slug
