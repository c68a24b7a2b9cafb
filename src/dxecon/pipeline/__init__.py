"""The pipeline layer: a run's steps, their outputs, and the notebooks that show them.

``catalogue`` (every output, named once), ``context`` (what steps compute from), ``steps``
(one module per job; `run_step`), ``store`` (where outputs live; the one writer and reader;
`open_step`), ``view`` (`show`), ``nodata`` (a step impossible for a past month), ``suite``
(the notebooks and their parameters), ``execute`` (papermill), ``publish`` (the outputs
lock, staging and the atomic swap), ``manifest`` (what a run records), ``run`` (a run from
its inputs to the published month). Imports from the layers below (core, data, models,
present) only.

What a notebook needs is importable from here without any model, statsmodels or
matplotlib::

    from dxecon.pipeline import Context, open_step, show, unless_published
"""

from dxecon.pipeline.context import Context
from dxecon.pipeline.nodata import unless_published
from dxecon.pipeline.store import open_step
from dxecon.pipeline.view import show

__all__ = ["Context", "open_step", "show", "unless_published"]
