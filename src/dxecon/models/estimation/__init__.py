"""The estimators: digital-economy shares and labour productivity from published figures.

Pure functions on pandas objects, each returning a result object (an `EstimateResult`: a
table plus method, price basis, territory, vintage, assumptions and sources, with
``summary()``), and the wrappers that pick the published figures from a `Dataset`.

Modules
-------
result          EstimateResult, the common result object, and its metadata
frames          shared input helpers: argument checks, year index, wide/long frames, units
digital_share   the DE share from sector weights and intensities; sector shares;
                core/digitised split; period averages; calibration to published shares
sector_floors   each sector's digital share against the floors of the targets
decomposition   exact structure/within decompositions: the change (or the city-vs-nation
                gap) in the DE share, and the shift-share of labour productivity
productivity    labour productivity levels, employment assumptions, growth, averages
target_paths    the minimum path of a growth target and its assessment (two readings)
from_data       the estimators on the shipped data (notebooks 2 and 3, scenarios)

Import from the module (``from dxecon.models.estimation.digital_share import structural_share``):
importing the package itself loads nothing.
"""
