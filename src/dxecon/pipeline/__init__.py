"""The pipeline layer: a run of the notebook suite, its outputs and how they are published.
Imports from the layers below (core, data, models, present) only.
"""
