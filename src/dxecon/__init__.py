"""dxecon: A Vietnamese province's digital economy against its digital-transformation targets.

Importing ``dxecon`` is deliberately cheap: submodules (and with them pandas,
statsmodels and matplotlib) load only when first used, because every notebook
kernel and every CLI call pays the import on start.

Layers (lowest first; each imports from itself and the layers below only)
---------------------------------------------------------------------------
core       folders, errors, atomic writes, params files, the process reaper
data       load, validate and query the published figures; the target registry
models     estimators, forecasts, calibration, measures, scenarios, sweeps, scoring
present    what a reader sees: words, tables, charts, sentences
pipeline   steps, the catalogue and store of outputs, a run: compute once, execute, publish
report     the month's report
apps       the dxecon command, the monthly job, the scenario explorer
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = frozenset({"core", "data", "models", "present", "pipeline", "report", "apps"})

__all__ = ["__version__", *sorted(_SUBMODULES)]


def __getattr__(name: str):
    # PEP 562 lazy submodules: `dxecon.data` imports pandas only when touched.
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'dxecon' has no attribute {name!r}")
