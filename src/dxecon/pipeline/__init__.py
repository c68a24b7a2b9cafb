"""The pipeline layer: a run of the notebook suite, its outputs and how they are published.

``suite`` (the notebooks and their parameters), ``execute`` (papermill, kernels),
``publish`` (the outputs lock, staging and the atomic swap), ``manifest`` (what a run
records), ``run`` (a run from its inputs to the published month), ``outputs`` (where a
notebook saves its tables and charts), ``context`` (a run's inputs: a notebook's parameters
against its params file, `dxecon.core.params.resolve`), ``nodata`` (a notebook for a
month whose data did not exist yet).
Imports from the layers below (core, data, models, present) only.
"""
