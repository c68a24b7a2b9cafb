"""The models layer: estimators, forecasts, calibration, scenarios, sweeps, scoring.

Computations only, on the data layer's figures: no chart, no sentence, no file layout
(those are `dxecon.present` and `dxecon.pipeline`). Imports from `dxecon.core` and
`dxecon.data` only.
"""
