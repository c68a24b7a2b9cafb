"""Load, validate and query the published figures.

>>> from dxecon.data import load_dataset
>>> ds = load_dataset()
>>> ds.series("de_share", geo, method="GSO", as_of="2025-06").values  # doctest: +SKIP
"""

from dxecon.data import overview
from dxecon.data.dataset import Dataset, SeriesResult, checksum, load_dataset
from dxecon.data.selection import SelectionPolicy, parse_as_of
from dxecon.data.validate import Report, validate

__all__ = [
    "Dataset",
    "Report",
    "SelectionPolicy",
    "SeriesResult",
    "checksum",
    "load_dataset",
    "overview",
    "parse_as_of",
    "validate",
]
