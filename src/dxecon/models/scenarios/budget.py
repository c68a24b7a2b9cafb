"""One resource budget for every way in: refuse a simulation that would not fit in memory.

The Monte Carlo engine keeps a few arrays of ``paths x years x sectors`` floats alive at once
(growth draws, value added, intensities and their temporaries) and a dozen of
``paths x years``. `estimate_bytes` counts them; `check_budget` compares the estimate with
``memory_limit_mb`` of ``params/resources.yaml`` (default: a quarter of this machine's memory)
and raises `ResourceBudgetError`, naming the estimate and the largest ``paths`` that fits,
*before* anything is allocated. `dxecon.models.scenarios.engine.simulate` calls it, so the runner,
``dxecon scenario``, sweeps, the explorer and the Python API all share it.
"""

from __future__ import annotations

import os
from pathlib import Path

from dxecon.core import folders
from dxecon.core.errors import DxeconError, ParamsError

#: Bytes of one float64.
FLOAT = 8
#: Arrays of paths x years x sectors alive at the peak (draws, value added, intensity, temps).
PER_SECTOR_ARRAYS = 4
#: Arrays of paths x years alive at the peak (indices, growth rates, shares, percentiles).
PER_PATH_ARRAYS = 16
RESOURCES_PARAMS = "resources.yaml"


class ResourceBudgetError(DxeconError, ValueError):
    """A request would need more memory than the budget allows; nothing was allocated."""


def estimate_bytes(paths: int, sectors: int, years: int) -> int:
    r"""Peak memory of one simulation.

    .. math:: B = 8\,n\,T\,(4S + 16)

    for :math:`n` paths, :math:`T` years and :math:`S` sectors (float64 arrays).
    """
    return FLOAT * int(paths) * int(years) * (PER_SECTOR_ARRAYS * int(sectors) + PER_PATH_ARRAYS)


def machine_memory_bytes() -> int:
    """Physical memory of this machine (POSIX ``sysconf``)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: assume a small machine
        return 4 * 1024**3


def memory_limit_bytes(params_dir: Path | None = None) -> int:
    """``memory_limit_mb`` of ``params/resources.yaml``; null: a quarter of the machine."""
    from dxecon.core.params import check_keys, load_yaml

    path = Path(params_dir or folders.PARAMS_DIR) / RESOURCES_PARAMS
    data = load_yaml(path) if path.is_file() else {}
    check_keys(data, ["memory_limit_mb"], file=str(path))
    value = data.get("memory_limit_mb")
    if value is None:
        return machine_memory_bytes() // 4
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ParamsError(
            str(path), "memory_limit_mb", f"expected a positive number of MB or null, got {value!r}"
        )
    return int(value * 1_000_000)


def check_budget(
    paths: int, sectors: int, years: int, *, what: str = "this simulation", concurrent: int = 1
) -> int:
    """Refuse (``ResourceBudgetError``) when ``concurrent`` simulations of this size would
    pass the memory limit; return the estimate in bytes otherwise."""
    limit = memory_limit_bytes()
    one = estimate_bytes(paths, sectors, years)
    need = one * max(1, concurrent)
    if need > limit:
        per_path = max(1, estimate_bytes(1, sectors, years) * max(1, concurrent))
        largest = max(0, limit // per_path)
        side = f" x {concurrent} at once" if concurrent > 1 else ""
        raise ResourceBudgetError(
            f"{what}: {paths:,} paths x {sectors} sectors x {years} years{side} need about "
            f"{need / 1e6:,.0f} MB, above the limit of {limit / 1e6:,.0f} MB "
            f"(memory_limit_mb in params/{RESOURCES_PARAMS}); use at most {largest:,} paths, "
            "or fewer years"
        )
    return need
