"""dxecon: Hai Phong's digital economy against its digital-transformation targets.

Importing ``dxecon`` is deliberately cheap: submodules (and with them pandas,
statsmodels and matplotlib) load only when first used, because every notebook
kernel and every CLI call pays the import on start.

Submodules
----------
core         folders, errors, atomic writes, params files
data         load, validate and query the published figures (vintages, sources)
estimation   the estimators: digital-economy shares, labour productivity, decompositions
scenarios    scenario files, Monte Carlo paths, scorecards
forecast     statsmodels forecasts of short annual series, backtests
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = frozenset(
    {
        "core",
        "data",
        "models",
        "apps",
        "present",
        "pipeline",
        "report",
    }
)

__all__ = ["__version__", *sorted(_SUBMODULES)]


def __getattr__(name: str):
    # PEP 562 lazy submodules: `dxecon.data` imports pandas only when touched.
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'dxecon' has no attribute {name!r}")
