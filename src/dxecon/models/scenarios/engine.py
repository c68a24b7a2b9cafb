r"""Vectorised Monte Carlo: a scenario becomes paths of GRDP by sector, digital shares and
labour productivity (real and nominal).

The model, for path :math:`p`, year :math:`t` after the base year :math:`t_0` and sector
:math:`s`:

.. math::

    g_{pts} &= \mu_s + \sigma_s\,(\sqrt{\rho}\,c_{pt} + \sqrt{1-\rho}\,e_{pts}) + k_{ts},
        \qquad c, e \sim N(0, 1) \\
    V_{pts} &= w_{s} \prod_{u \le t} (1 + g_{pus}/100)
        \quad\text{(real value added; } w_s \text{ the base-year weight)} \\
    d_{pts} &= \frac{C_s}{1 + (C_s/d_{s0} - 1)\, e^{-X_{pts}}},
        \qquad X_{pts} = \kappa_{ps} (t - t_0),\ \kappa_{ps} \sim N^{+}(\kappa_s,
        \sigma_{\kappa s}) \\
    \text{DE share}_{pt} &= \sum_s \frac{V_{pts}}{\sum_r V_{ptr}}\, d_{pts}

With a scenario ``diffusion`` block the clock :math:`X_{pts}` is the drawn one of
`dxecon.models.scenarios.diffusion` (the city's rate, the ambiguous start year and the yearly
logit noise) and the start is :math:`m_p d_{s0}`.

Weights move with relative real growth (one GRDP deflator for all sectors: an
assumption, stated in the result). Employment grows at :math:`n_{pt} \sim N(\mu_n,
\sigma_n)`; real labour productivity is real GRDP over employment and nominal productivity
adds the deflator :math:`\pi_{pt} \sim N(\mu_\pi, \sigma_\pi)`:
:math:`(1+\ell^{nom}) = (1+\ell^{real})(1+\pi)`.

Random numbers come from ``numpy.random.Generator(PCG64(seed))`` drawn in a fixed order, so
the same scenario gives the same numbers on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dxecon.models.rates import (
    growth_factor,
    growth_from_ratio,
    growth_index,
    growth_of_product,
    growth_of_ratio,
)
from dxecon.models.scenarios.config import Scenario

#: The quantities that need employment growth (not simulated without it).
EMPLOYMENT_QUANTITIES = ("employment_index", "lp_real_index", "lp_growth_real", "lp_growth_nominal")
#: Percentiles kept for every quantity and year (10/90 give the 80% interval).
PERCENTILES = (5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0)


@dataclass(frozen=True)
class Paths:
    """Simulated paths. Arrays are (paths, years) or (paths, years, sectors), per cent.

    ``years`` are the simulated years (base year excluded); ``base`` holds base-year values.
    """

    scenario: Scenario
    years: np.ndarray
    sectors: tuple[str, ...]
    floor_sectors: tuple[str, ...]
    grdp_real_index: np.ndarray  # base year = 100
    grdp_growth_real: np.ndarray
    sector_weight: np.ndarray  # share of GRDP, %
    sector_intensity: np.ndarray  # digital share inside each sector, % (floor sectors)
    de_share: np.ndarray  # digital economy, % of GRDP
    employment_index: np.ndarray  # base year = 100
    lp_real_index: np.ndarray  # real labour productivity, base year = 100
    lp_growth_real: np.ndarray
    lp_growth_nominal: np.ndarray
    deflator: np.ndarray
    base: dict[str, float] = field(default_factory=dict)
    #: year -> how that year's real growth was set where not by the scenario's assumptions
    #: (the in-year nowcast's ``stage`` and ``method`` codes), for the scorecard's notes
    pinned: dict[int, dict] = field(default_factory=dict)
    #: the ranges the diffusion was drawn over (``ceiling_low``, ``ceiling_high``, % of
    #: GRDP; ``speed_low``, ``speed_high``, per year), for the scorecard's notes; empty when
    #: the diffusion was not drawn
    diffusion_range: dict = field(default_factory=dict)
    #: quantity -> why it is not simulated (its array is all NaN): productivity without
    #: an employment figure for the place (``scenario.employment.not_available``)
    unavailable: dict[str, str] = field(default_factory=dict)

    @property
    def min_sector_intensity(self) -> np.ndarray:
        return self.sector_intensity.min(axis=2)

    def quantity(self, name: str) -> np.ndarray:
        """A (paths, years) array by name: de_share, de_sector_share_min, grdp_growth_real,
        lp_growth_real, lp_growth_nominal, employment_index, lp_real_index, deflator, or
        'intensity:<sector>'."""
        if name == "de_sector_share_min":
            return self.min_sector_intensity
        if name.startswith("intensity:"):
            return self.sector_intensity[:, :, self.floor_sectors.index(name.split(":", 1)[1])]
        return getattr(self, name)


def _logistic(start, ceiling, speed: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Logistic diffusion from ``start`` towards ``ceiling``; exactly ``start`` at step 0
    (arguments broadcast: scalars or per-path columns)."""
    return _diffuse(start, ceiling, speed * steps)


def _diffuse(start, ceiling, clock: np.ndarray) -> np.ndarray:
    r"""The logistic curve moved by ``clock`` on the logit scale:
    :math:`\operatorname{logit}(d/C) = \operatorname{logit}(d_0/C) + X`."""
    return ceiling / (1.0 + (ceiling / start - 1.0) * np.exp(-clock))


def simulate(
    scenario: Scenario,
    *,
    paths: int | None = None,
    current_year: int | None = None,
    current_growth: np.ndarray | None = None,
    current_note: dict | None = None,
    diffusion=None,
    sources: tuple[str, ...] | None = None,
    dataset=None,
    calibration=None,
) -> Paths:
    r"""Simulate a scenario (``paths`` overrides the scenario's number of paths).

    The scenario's observed start must be filled in (`dxecon.models.scenarios.resolve_start`).
    ``current_growth`` (one draw per path, per cent) pins real GRDP growth in
    ``current_year`` to the in-year nowcast: every sector's growth that year moves by the
    same amount :math:`\delta_p`, so that total growth, the previous-year-weighted mean of
    the sectors' growth, equals the draw exactly.

    ``diffusion`` (`dxecon.models.scenarios.diffusion.DiffusionDraws`) is required when the
    scenario has a ``diffusion`` block: per-path speed, whole-economy ceiling and start,
    mapped to the sectors without their own speed or ceiling (see that module); when it is
    not given, it is drawn from ``dataset`` (default: ``data/``) and ``calibration`` (default:
    the start measure's as of the scenario's date). ``sources``
    (None: all) switches uncertainty sources on: without 'shocks' sector and employment
    growth sit at their means, without 'deflator' the deflator does.
    """
    if not scenario.resolved:
        raise ValueError(
            f"scenario '{scenario.name}' has no observed start yet: "
            "dxecon.models.scenarios.resolve_start(scenario, dataset) fills it in from data/"
        )
    from dxecon.models.scenarios.budget import check_budget

    n = int(paths or scenario.paths)
    if n < 1:
        raise ValueError(f"paths must be at least 1, got {n}")
    check_budget(n, len(scenario.sectors), len(scenario.years), what=f"scenario '{scenario.name}'")
    years = np.array(scenario.years)
    steps = years - scenario.base_year  # 1..T
    T = len(years)
    names = tuple(scenario.sectors)
    specs = [scenario.sectors[s] for s in names]
    S = len(names)
    rng = np.random.Generator(np.random.PCG64(scenario.seed))

    if scenario.diffusion is not None and diffusion is None:
        from dxecon.models.scenarios.diffusion import draws_for

        diffusion = draws_for(
            scenario, n, dataset=dataset, sources=sources, calibration=calibration
        )
    on = set(sources) if sources is not None else {"start", "parameters", "deflator", "shocks"}
    mu = np.array([s.growth.mean for s in specs])
    sd = np.array([s.growth.sd for s in specs]) * ("shocks" in on)
    shock = np.zeros((T, S))
    for item in scenario.shocks:
        cols = range(S) if item.sectors == "all" else [names.index(s) for s in item.sectors]
        shock[item.year - scenario.base_year - 1, list(cols)] += item.growth_pp

    # Draw order is fixed (common, idiosyncratic, speeds, employment, deflator): same seed,
    # same numbers whatever the machine.
    rho = scenario.correlation
    common = rng.standard_normal((n, T, 1))
    growth = rng.standard_normal((n, T, S))  # becomes growth in place: one big array only
    growth *= np.sqrt(1.0 - rho)
    growth += np.sqrt(rho) * common
    growth *= sd
    growth += mu + shock  # (n, T, S), per cent
    if current_growth is not None:
        _pin_year(
            growth,
            weights=np.array([s.weight for s in specs]),
            step=current_year - scenario.base_year - 1,
            draws=current_growth,
        )
    growth /= 100.0
    growth += 1.0
    weights0 = np.array([s.weight for s in specs])
    value_added = np.cumprod(growth, axis=1, out=growth)
    value_added *= weights0
    total = value_added.sum(axis=2)
    sector_weight = 100.0 * value_added / total[:, :, None]
    grdp_index = total / weights0.sum() * 100.0
    previous = np.concatenate([np.full((n, 1), 100.0), grdp_index[:, :-1]], axis=1)
    grdp_growth = growth_from_ratio(grdp_index / previous)

    floor = tuple(name for name, s in zip(names, specs, strict=True) if s.intensity)
    intensity = np.zeros((n, T, len(floor)))
    speed_draws = rng.standard_normal((n, len(floor)))
    if diffusion is not None:
        from dxecon.models.scenarios.diffusion import sector_ceiling, start_share

        scale = diffusion.start_scale[:, None]
        whole_start = start_share(scenario)
    for j, name in enumerate(floor):
        spec = scenario.sectors[name].intensity
        if diffusion is None:
            speed = np.maximum(spec.speed + spec.speed_sd * speed_draws[:, j], 0.0)
            intensity[:, :, j] = _logistic(spec.start, spec.ceiling, speed[:, None], steps[None, :])
            continue
        start = spec.start * scale
        if spec.speed is None:
            clock = diffusion.clock(steps)
        else:  # the sector's own rate, with the path's ambiguous year and noise
            own = np.maximum(spec.speed + spec.speed_sd * speed_draws[:, j], 0.0)
            clock = diffusion.clock(steps, speed=own)
        # The sector ceiling scales the published start, not the drawn one: the start's
        # revision error moves the start towards or away from one ceiling C_p.
        ceiling = (
            sector_ceiling(spec.start, whole_start, diffusion.ceiling[:, None])
            if spec.ceiling is None
            else np.full_like(start, spec.ceiling)
        )
        ceiling = np.maximum(ceiling, start)  # guard: never a ceiling below the start
        intensity[:, :, j] = _diffuse(start, ceiling, clock)
    floor_idx = [names.index(f) for f in floor]
    de_share = (sector_weight[:, :, floor_idx] * intensity).sum(axis=2) / 100.0

    emp = scenario.employment
    employment_draws = rng.standard_normal((n, T))  # drawn either way: same later numbers
    if emp.not_available:
        emp_growth = np.full((n, T), np.nan)
    else:
        emp_sd = emp.growth.sd * ("shocks" in on)
        emp_growth = emp.growth.mean + emp_sd * employment_draws
    employment = 100.0 * growth_index(emp_growth, axis=1)
    deflator_sd = scenario.deflator.sd * ("deflator" in on)
    deflator = scenario.deflator.mean + deflator_sd * rng.standard_normal((n, T))
    lp_real = growth_of_ratio(grdp_growth, emp_growth)
    lp_nominal = growth_of_product(lp_real, deflator)

    base_intensity = {f: scenario.sectors[f].intensity.start for f in floor}
    base = {
        "de_share": float(
            sum(scenario.sectors[f].weight * base_intensity[f] for f in floor) / 100.0
        ),
        "de_sector_share_min": float(min(base_intensity.values())),
    }
    return Paths(
        scenario=scenario,
        years=years,
        sectors=names,
        floor_sectors=floor,
        grdp_real_index=grdp_index,
        grdp_growth_real=grdp_growth,
        sector_weight=sector_weight,
        sector_intensity=intensity,
        de_share=de_share,
        employment_index=employment,
        lp_real_index=100.0 * grdp_index / employment,
        lp_growth_real=lp_real,
        lp_growth_nominal=lp_nominal,
        deflator=deflator,
        base=base,
        pinned={current_year: dict(current_note or {})} if current_growth is not None else {},
        diffusion_range=(
            {}
            if diffusion is None
            else {
                "ceiling_low": float(diffusion.ceiling.min()),
                "ceiling_high": float(diffusion.ceiling.max()),
                "speed_low": float(diffusion.speed.min()),
                "speed_high": float(diffusion.speed.max()),
            }
        ),
        unavailable=dict.fromkeys(EMPLOYMENT_QUANTITIES, emp.not_available)
        if emp.not_available
        else {},
    )


def _pin_year(growth: np.ndarray, *, weights: np.ndarray, step: int, draws: np.ndarray) -> None:
    """Shift every sector's growth in year ``step`` so that total growth equals ``draws``
    (in place; growth in per cent, (paths, years, sectors))."""
    if step > 0:
        previous = weights * growth_factor(growth[:, :step, :], axis=1)
    else:
        previous = np.broadcast_to(weights, growth[:, 0, :].shape)
    shares = previous / previous.sum(axis=1, keepdims=True)
    total = (shares * growth[:, step, :]).sum(axis=1)
    growth[:, step, :] += (np.asarray(draws, dtype=float) - total)[:, None]


def percentiles(values: np.ndarray, qs: tuple[float, ...] = PERCENTILES) -> np.ndarray:
    """Percentiles over paths (axis 0): shape (len(qs), years)."""
    return np.percentile(values, qs, axis=0)
