r"""Per-path diffusion of a scenario, drawn from the evidence in ``data/`` on one measure.

A scenario with a ``diffusion`` block does not type sector speeds or ceilings. Every
quantity that sets its path is on the **start figure's measure** (GSO: the structural start
is calibrated to the city's published GSO share, `dxecon.models.estimation.from_data.START_METHOD`):
the level, the speed, the ceiling, the yearly noise and the start's revision error. A
quantity from another measure is refused (:class:`~dxecon.core.errors.ParamsError` naming the
scenario file, the field and both measures) unless the scenario asks for an explicit
conversion, which the draws' table then shows.

For each Monte Carlo path :math:`p` :func:`diffusion_draws` draws, from the calibration of
the start's measure (`dxecon.models.calibration`):

* :math:`C_p`, the whole-economy ceiling (% of GRDP), from the calibration's sourced prior
  given that it is at least the path's start :math:`m_pD_0` (uniform from the larger of the
  prior's low end and the start to the high end);
* :math:`k_{m,p} \sim N(\hat k(C_p), \widehat{se}(C_p)^2)`, the national speed of the
  measure (the observed pace);
* :math:`\kappa_p`, the city's logistic rate, by the scenario's named speed policy:
  ``calibrated``: :math:`k_{m,p} + u_p`, :math:`u_p \sim N(0, \tau(C_p)^2)` (the city's own
  deviation: partial pooling); ``fastest_province``: the fastest rate estimated on any
  province's series of the start's measure, with its standard error, or - with
  ``speed_measure`` and ``conversion`` - another measure's fastest province put on the
  start's measure (:func:`convert_speed`); ``national_pace``: the national share's pace in
  pp a year, turned into the rate that gives the same pp a year at the city's start,
  :math:`\kappa_p = \text{pace} / (D_{0p}(1 - D_{0p}/C_p))`; a number: that rate;
* :math:`\eta_{pt} \sim N(0, f^2\sigma_\eta^2)`, yearly shocks of the logit (a random walk),
  :math:`f \ge 1` the widening the real-time check of the calibration's as-of date found
  (`dxecon.models.calibration_realtime`; 1 when the intervals were not judged too narrow);
* :math:`m_p = e^{\varepsilon_p}`, :math:`\varepsilon_p \sim N(0, \rho^2)`: the start
  figure's revision error on the log scale, applied exactly (lognormal, median start = the
  figure), and :math:`h_p \in \{0, 1\}`
  (equally likely) years already run when the start figure's year is ambiguous
  (``params/calibration.yaml``: ``start_year_ambiguous``); that year runs at the observed
  pace :math:`k_{m,p}` with its own shock, never at a policy's speed.

The whole-economy logit then moves by the *clock*
:math:`X_{pt} = h_p (k_{m,p} + \eta_{p0}) + \kappa_p t + \sum_{j=1}^{t}\eta_{pj}`
(:meth:`DiffusionDraws.clock`). The engine maps it to sectors
(`dxecon.models.scenarios.engine`): every sector :math:`s` runs
:math:`d_{spt} = C_{sp}/(1 + (C_{sp}/(m_p d_{s0}) - 1)e^{-X_{pt}})` towards
:math:`C_{sp} = \min(100, d_{s0} C_p / D_0)`. With fixed weights the weighted sum is
*exactly* the whole-economy logistic: :math:`\operatorname{logit}(D_{pt}/C_p) =
\operatorname{logit}(m_p D_0/C_p) + X_{pt}`, so for a fixed ceiling its variance at
horizon :math:`t` is :math:`\operatorname{Var}(a) + t^2(se^2 + \tau^2) + tf^2\sigma_\eta^2`
under ``calibrated`` (plus the ambiguous year's share). The weights then move with sector
growth. A sector ceiling never falls below its start because :math:`C_p \ge m_pD_0` on
every path.

Boundaries: the start is the figure of the scenario's own geography code (the merged boundary from
the merger on); the calibration estimates speeds within one geography code only, and a
revision compares figures of one code: no figure crosses the 2025 merger silently.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dxecon.core.errors import ParamsError, SeriesSelectionError
from dxecon.core.facts import facts_cell, facts_of, text_note
from dxecon.models.calibration import (
    DiffusionCalibration,
    calibrate_diffusion,
    fit_logistic_speed,
    load_calibration_params,
    logit_noise_paths,
    observed_pace,
)
from dxecon.models.estimation.from_data import START_METHOD

#: The uncertainty sources a run can switch on or off (`interval_breakdown`).
SOURCES = ("start", "parameters", "deviation", "noise", "deflator", "shocks")

TABLE_COLUMNS = ["parameter", "key", "measure", "central", "low (5%)", "high (95%)"]
TABLE_COLUMNS += ["evidence", "source"]
#: Relative rounding within which a start equals the ceiling prior's low end (the structural
#: start reproduces a published share as a weighted sum, exact to a few ulps only).
START_TOLERANCE = 1e-9


@dataclass(frozen=True)
class DiffusionDraws:
    """Per-path draws (arrays of shape (paths,), ``logit_noise`` (paths, years)) and how
    they were made.

    Attributes
    ----------
    speed : the city's logistic rate :math:`\\kappa_p` from the base year on.
    ceiling : the whole-economy ceiling :math:`C_p`, % of GRDP.
    start_scale : :math:`m_p`, the factor on the published start (median 1).
    start_shift : :math:`h_p`, 0 or 1 year already run (ambiguous start year).
    shift_logit : the logit gained in that extra year, :math:`h_p(k_{m,p} + \\eta_{p0})`.
    logit_noise : cumulative yearly noise over the simulated years, :math:`\\sum_{j \\le t}
        \\eta_{pj}`.
    national_speed : :math:`k_{m,p}`, the measure's national speed (the observed pace).
    noise_sd : :math:`\\sigma_{\\eta,p}`, the sd of the path's yearly logit shocks.
    measure : the start figure's measure; every quantity above is on it.
    policy, central_speed : the speed policy and its central value.
    table : one row per parameter (``TABLE_COLUMNS``): central value, 5-95% range of the
        draws, evidence and source; a converted speed shows its conversion row by row.
    revisions : the published vintages the start's revision error rests on.
    """

    speed: np.ndarray
    ceiling: np.ndarray
    start_scale: np.ndarray
    start_shift: np.ndarray
    shift_logit: np.ndarray
    logit_noise: np.ndarray
    national_speed: np.ndarray
    noise_sd: np.ndarray
    measure: str
    policy: str
    central_speed: float
    table: pd.DataFrame
    revisions: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    def clock(self, steps, speed=None) -> np.ndarray:
        r"""The logit increment :math:`X_{pt}` of each path at ``steps`` years after the
        base year (shape (paths, len(steps))): the ambiguous year, ``speed`` (default: the
        drawn :math:`\kappa_p`; a sector's own rate, per path or scalar) times the steps,
        and the cumulative noise."""
        steps = np.asarray(steps, dtype=float)
        speed = self.speed if speed is None else np.broadcast_to(speed, self.speed.shape)
        return (
            self.shift_logit[:, None]
            + np.asarray(speed, dtype=float)[:, None] * steps[None, :]
            + self.logit_noise[:, : len(steps)]
        )


def _start_obs(dataset, geo: str, as_of: str, measure: str) -> tuple[str, int] | None:
    """The start figure of ``geo`` on ``measure``: its obs id and year (the latest)."""
    try:
        chosen = dataset.series("de_share", geo, method=measure, as_of=as_of).chosen
    except SeriesSelectionError:
        return None
    if chosen.empty:
        return None
    return str(chosen["obs_id"].iloc[-1]), int(chosen.index[-1])


def _refuse(file: str, field_name: str, what: str, measure: str, start: str, where: str, fix: str):
    return ParamsError(
        file,
        field_name,
        f"{what} is on {measure}'s measure but the scenario's start ({where}) is on "
        f"{start}'s: GSO's and MIC's measures (any two measures) are never mixed; {fix}",
    )


def fastest_province(calibration: DiffusionCalibration) -> pd.Series | None:
    provinces = calibration.by_series[calibration.by_series["kind"] != "country"]
    if provinces.empty:
        return None
    return provinces.loc[provinces["speed"].idxmax()]


@dataclass(frozen=True)
class SpeedConversion:
    """A province's speed on another measure, put on the start's measure.

    ``excess`` is :math:`k_{prov} - k_{nat}` (additive) or :math:`k_{prov}/k_{nat}`
    (ratio), both rates on the other measure over the province's years, at that measure's
    central ceiling.
    """

    how: str
    measure: str
    province: pd.Series
    national_speed: float
    national_years: str
    national_evidence: str
    excess: float

    def apply(self, start_speed):
        """The converted rate from the start measure's national speed (array or float)."""
        if self.how == "additive":
            return np.asarray(start_speed) + self.excess
        return np.asarray(start_speed) * self.excess


def convert_speed(
    other: DiffusionCalibration, how: str, *, file: str = "<scenario>"
) -> SpeedConversion:
    r"""The fastest province of ``other``'s measure, relative to that measure's national
    speed over the same years, ready to apply to the start measure's national speed.

    .. math::
        \text{additive: } \kappa = k^{start}_{nat} + (k^{other}_{prov} - k^{other}_{nat}),
        \qquad \text{ratio: } \kappa = k^{start}_{nat}\,k^{other}_{prov}/k^{other}_{nat}

    Additive assumes the two measures differ by a drift common to every geography (the
    province's excess over its own nation is diffusion on any measure); ratio assumes
    one measure's rates are a multiple of the other's. ``other.by_series`` rates are at
    ``other``'s central ceiling.

    Raises
    ------
    ParamsError
        When ``other`` has no province with two figures, no national series with two
        figures in the province's years, or (ratio) a national speed of zero.
    """
    best = fastest_province(other)
    if best is None:
        raise ParamsError(
            file,
            "diffusion.speed_measure",
            f"'fastest_province' on {other.measure}'s measure: no province has two "
            f"{other.measure} figures on one boundary by {other.as_of or 'now'}",
        )
    panel = other.panel
    nations = other.by_series[other.by_series["kind"] == "country"]
    span = range(int(best["first_year"]), int(best["last_year"]) + 1)
    for geo in nations["geo"]:
        rows = panel[
            panel["pooled"] & (panel["geo"] == geo) & panel["year"].isin(list(span))
        ].assign(group=geo)
        if rows["year"].nunique() < 2:
            continue
        fit = fit_logistic_speed(rows[["group", "year", "value"]], ceiling=other.ceiling_prior.mean)
        if how == "ratio" and fit.speed == 0:
            continue
        excess = best["speed"] - fit.speed if how == "additive" else best["speed"] / fit.speed
        years = f"{rows['year'].min()}-{rows['year'].max()}"
        return SpeedConversion(
            how=how,
            measure=other.measure,
            province=best,
            national_speed=float(fit.speed),
            national_years=years,
            national_evidence=", ".join(rows.sort_values("year")["obs_id"]),
            excess=float(excess),
        )
    raise ParamsError(
        file,
        "diffusion.conversion",
        f"no national {other.measure} series has two figures within {best['series']}'s "
        f"years {best['years']}: the conversion needs the national speed over the same years",
    )


def diffusion_draws(
    scenario,
    dataset,
    n: int,
    *,
    start_share: float,
    sources: Iterable[str] = SOURCES,
    calibration: DiffusionCalibration | None = None,
    params: Mapping | None = None,
) -> DiffusionDraws:
    """Draw the diffusion of ``n`` paths for a (resolved) scenario with a ``diffusion`` block.

    ``start_share`` is the observed whole-economy start :math:`D_0` (% of GRDP, on the
    start's measure). ``sources``: 'parameters' off puts every path at the central speed
    and the prior's mean ceiling; 'deviation' off drops the city's own deviation
    :math:`u_p`; 'noise' off the yearly shocks; 'start' off puts the start at the published
    figure with no ambiguous year. ``calibration``: the start measure's (default: computed
    for the scenario's as-of); ``params``: ``params/calibration.yaml``'s ``diffusion``
    mapping (default: the calibration's, else that file). Draws use their own generators
    (seeded from the scenario's seed, one per component), so the engine's other draws do not
    move and a source switched off leaves the others' numbers unchanged.

    Raises
    ------
    ParamsError
        When a quantity comes from another measure than the start's without a conversion
        (naming the field and both measures), when a named policy has no evidence by the
        scenario's as-of, or when a fixed ceiling is not above the start.
    """
    spec = scenario.diffusion
    file = f"params/scenarios/{scenario.name}.yaml"
    sources = set(sources)
    custom_params = params is not None
    if not custom_params:
        given = calibration.params if calibration is not None else None
        params = dict(given) if given else load_calibration_params()
    params = dict(params)
    measure = START_METHOD
    if calibration is None:
        calibration = (
            calibrate_diffusion(dataset, as_of=scenario.as_of, params=params, measure=measure)
            if custom_params
            else _calibration(dataset, scenario.as_of, measure)
        )
    start = _start_obs(dataset, scenario.geo, scenario.as_of, measure)
    start_text = f"{start[0]}, {scenario.geo} {start[1]}" if start else scenario.geo
    if calibration.measure != measure:
        field_name = "diffusion.speed" if spec.speed == "calibrated" else "diffusion.ceiling"
        raise _refuse(
            file,
            field_name,
            "the calibration (speed, ceiling prior, noise, revision error)",
            calibration.measure,
            measure,
            start_text,
            f"calibrate on {measure} (params/calibration.yaml: diffusion.measure)",
        )
    speed_measure = spec.speed_measure or measure
    if speed_measure != measure:
        if spec.speed != "fastest_province":
            raise _refuse(
                file,
                "diffusion.speed",
                f"the '{spec.speed}' speed (diffusion.speed_measure)",
                speed_measure,
                measure,
                start_text,
                "a conversion is defined for 'fastest_province' only; drop speed_measure",
            )
        if spec.conversion is None:
            raise _refuse(
                file,
                "diffusion.speed",
                "the fastest province's speed (diffusion.speed_measure)",
                speed_measure,
                measure,
                start_text,
                "add `conversion: additive` or `conversion: ratio` to convert it explicitly, "
                f"or read the speed on {measure}'s measure",
            )
    draw_params = "parameters" in sources
    seed = scenario.seed
    notes: list[str] = []

    # The measure's predictive draws (one stream, one fixed order).
    prior = calibration.ceiling_prior
    if spec.ceiling == "prior":
        fixed = None if draw_params else prior.mean
        ceiling_text = facts_cell([*prior.notes, {"code": "draw_above_start"}])
    else:
        fixed = float(spec.ceiling)
        ceiling_text = facts_cell([{"code": "draw_fixed"}, {"code": "draw_above_start"}])
    lowest = prior.low if fixed is None else fixed
    # The prior's low end is the highest published share, the place's own start included: a
    # place with the highest share starts at it, to rounding (its start reproduces that very
    # figure), and some of its paths have a ceiling at the start. A fixed ceiling must exceed it.
    at_top = fixed is None and bool(np.isclose(lowest, start_share, rtol=START_TOLERANCE, atol=0))
    if lowest <= start_share and not at_top:
        raise ParamsError(
            file,
            "diffusion.ceiling",
            f"a ceiling of {lowest:.2f}% is not above the start share "
            f"{start_share:.2f}%: a ceiling must exceed where the economy already is",
        )
    start_on = spec.start_uncertainty and "start" in sources
    # Each path's ceiling is at or above the start it runs from (the drawn one, or the
    # published figure with 'start' off).
    draws = calibration.predictive_draw(
        np.random.Generator(np.random.PCG64([seed, 1])),
        n,
        start=start_share,
        ceiling=fixed,
        start_error=start_on,
    )
    ceiling = draws.ceiling
    national = draws.national_speed if draw_params else calibration.speed_at(ceiling)
    central_ceiling = float(np.mean(ceiling))
    central_national = float(calibration.speed_at(central_ceiling))
    deviation = draws.deviation if "deviation" in sources else np.zeros(n)
    noise_sd = draws.noise_sd if "noise" in sources else np.zeros(n)
    scale = draws.start_factor

    # Start year ambiguity: one more year at the observed pace, with its own shock.
    ambiguous = dict(params.get("start_year_ambiguous") or {})
    start_obs = start[0] if start else None
    shift_possible = start_obs in ambiguous
    if start_on and shift_possible:
        shift = np.random.Generator(np.random.PCG64([seed, 3])).integers(0, 2, n).astype(float)
    else:
        shift = np.zeros(n)
    if shift_possible:
        said = text_note(ambiguous[start_obs])
        notes.append(facts_cell([{"code": "draw_start_year", "obs": start_obs}, said]))
    steps = len(scenario.years)
    walk = logit_noise_paths(np.random.Generator(np.random.PCG64([seed, 4])), noise_sd, steps + 1)
    shift_logit = shift * (national + walk[:, 0])
    logit_noise = walk[:, 1:] - walk[:, :1]

    # The city's speed, by policy.
    extra_rows: list[dict] = []
    if spec.speed == "calibrated":
        speed = national + deviation
        central = central_national
        evidence = calibration.table.iloc[0]["evidence"]
        source = facts_cell(
            [{"code": "draw_city_speed"}]
            if calibration.speed_from_data
            else [{"code": "draw_prior"}, calibration.speed_prior.note]
        )
    elif spec.speed == "fastest_province" and speed_measure == measure:
        best = fastest_province(calibration)
        if best is None:
            raise ParamsError(
                file,
                "diffusion.speed",
                f"'fastest_province': no province has two {measure} figures on one boundary "
                f"published by {scenario.as_of}, so no province's speed is known on the "
                f"start's measure; use 'calibrated', or read it on another measure with "
                "`speed_measure` and an explicit `conversion`",
            )
        central = float(best["speed"])
        se = float(best["std_error"]) if np.isfinite(best["std_error"]) else 0.0
        normal = np.random.Generator(np.random.PCG64([seed, 2])).standard_normal(n)
        speed = central + se * normal if draw_params else np.full(n, central)
        fastest = {
            "geo": best["geo"],
            "measure": measure,
            "years": best["years"],
            "rate": central,
            "pp": float(best["pp_per_year"]),
        }
        exact = {"code": "draw_fastest_exact", **fastest}
        evidence = facts_cell([{"code": "draw_fastest", **fastest, "se": se} if se else exact])
        source = facts_cell([{"code": "draw_fastest_source", "measure": measure}])
    elif spec.speed == "fastest_province":
        # only the other measure's speeds are used: its own noise is never drawn, so its
        # real-time check (the noise's widening) is not run
        other = (
            calibrate_diffusion(
                dataset, as_of=scenario.as_of, params=params, measure=speed_measure, widen=False
            )
            if custom_params
            else _calibration(dataset, scenario.as_of, speed_measure, widen=False)
        )
        conversion = convert_speed(other, spec.conversion, file=file)
        best = conversion.province
        speed = conversion.apply(national)
        central = float(conversion.apply(central_national))
        # what the conversion does (its evidence and the conversion row's)
        how = {
            "code": f"draw_how_{conversion.how}",
            "excess": conversion.excess,
            "measure": measure,
            "measure_from": speed_measure,
        }
        converted = {
            "code": "draw_converted",
            "geo": best["geo"],
            "measure_from": speed_measure,
            "years": best["years"],
            "rate": float(best["speed"]),
            "national_years": conversion.national_years,
            "national_rate": conversion.national_speed,
            "from_rate": central_national,
            "to_rate": central,
        }
        evidence = facts_cell([converted, how])
        source = facts_cell(
            [
                {
                    "code": "draw_converted_source",
                    "conversion": conversion.how,
                    "measure_from": speed_measure,
                }
            ]
        )
        notes.append(
            facts_cell(
                [{"code": "draw_converted_note", "measure_from": speed_measure}, converted, how]
            )
        )
        extra_rows = [
            _row(
                f"fastest province's rate on {speed_measure}'s measure ({best['series']})",
                "fastest_rate",
                speed_measure,
                np.array([best["speed"]]),
                float(best["speed"]),
                facts_cell([_province_rate(best)]),
                facts_cell([{"code": "draw_province_source", "measure": speed_measure}]),
            ),
            _row(
                f"{speed_measure}'s national rate over the same years",
                "other_national_rate",
                speed_measure,
                np.array([conversion.national_speed]),
                conversion.national_speed,
                facts_cell(
                    [
                        {
                            "code": "draw_national_rate",
                            "measure": speed_measure,
                            "years": conversion.national_years,
                            "refs": conversion.national_evidence,
                        }
                    ]
                ),
                facts_cell([{"code": "draw_data"}]),
            ),
            _row(
                "conversion: excess rate (additive)"
                if conversion.how == "additive"
                else "conversion: ratio of rates",
                f"conversion_{conversion.how}",
                measure,
                np.array([conversion.excess]),
                conversion.excess,
                facts_cell([how]),
                facts_cell([{"code": "draw_conversion_source"}]),
            ),
        ]
    elif spec.speed == "national_pace":
        paces = observed_pace(dataset, geo=scenario.geo, as_of=scenario.as_of)
        national_pace = paces[
            (paces["measure"] == "national pace: digital share") & (paces["method"] == measure)
        ]
        if national_pace.empty or not np.isfinite(national_pace["pace"].iloc[0]):
            raise ParamsError(
                file,
                "diffusion.speed",
                f"'national_pace': no national {measure} series with two years by "
                f"{scenario.as_of}; use 'calibrated' or a number",
            )
        row = national_pace.iloc[0]
        pace = float(row["pace"])
        start_level = start_share * scale
        # The pace at the start as a logistic rate: dD/dt = k D (1 - D/C). Near the
        # ceiling the rate that matches a pace explodes (1/0 at the ceiling): a path with
        # less than one year of the pace left below its drawn ceiling (a place at the
        # prior's highest share) is at its ceiling already and keeps its start (rate 0).
        headroom = start_level * (1.0 - start_level / ceiling)
        room = headroom > abs(pace)
        speed = np.divide(pace, headroom, out=np.zeros_like(headroom), where=room)
        if not room.all():
            notes.append(
                facts_cell([{"code": "draw_at_ceiling", "paths": int((~room).sum()), "n": n}])
            )
        central = float(pace / (start_share * (1.0 - start_share / central_ceiling)))
        evidence = facts_cell(
            [
                {
                    "code": "draw_pace",
                    "geo": row["geo"],
                    "measure": row["method"],
                    "years": row["period"],
                    "pp": pace,
                    "refs": row["evidence"],
                }
            ]
        )
        source = facts_cell([{"code": "draw_pace_source"}])
    else:
        central = float(spec.speed)
        speed = np.full(n, central)
        evidence, source = (
            facts_cell([{"code": "draw_fixed"}]),
            facts_cell([{"code": "draw_scenario"}]),
        )

    applied = spec.speed == "calibrated"
    tau_row = calibration.table.iloc[1]
    policy = spec.speed if isinstance(spec.speed, str) else "fixed"
    estimated = "calib_estimated_data" if calibration.speed_from_data else "draw_prior"
    national_source = [{"code": estimated}]
    if not calibration.speed_from_data:
        national_source.append(calibration.speed_prior.note)
    deviation_notes = [
        {
            "code": "draw_deviation",
            "tau": float(calibration.spread_at(central_ceiling)),
            "decided": tau_row["decided_by"],
        },
        *facts_of(tau_row["evidence"]),
    ]
    start_figure = {"code": "draw_start", "obs": start[0], "geo": scenario.geo, "year": start[1]}
    table = pd.DataFrame(
        [
            _row(
                f"city's diffusion speed ({spec.speed}), logistic rate per year",
                f"city_speed_{policy}",
                measure,
                speed,
                central,
                evidence,
                source,
            ),
            *extra_rows,
            _row(
                f"national speed k_m of {measure}'s measure (the observed pace)",
                "national_speed",
                measure,
                national,
                central_national,
                calibration.table.iloc[0]["evidence"],
                facts_cell(national_source),
            ),
            _row(
                "city's own deviation u from k_m (partial pooling)",
                "deviation",
                measure,
                deviation if applied else np.zeros(n),
                0.0,
                facts_cell(deviation_notes if applied else [{"code": "draw_not_applied"}]),
                tau_row["source"] if applied else facts_cell([{"code": "draw_scenario"}]),
            ),
            _row(
                "yearly noise of the logit (sd of its shocks)",
                "noise_drawn",
                measure,
                noise_sd,
                calibration.noise_sd * calibration.noise_factor,
                facts_cell(
                    facts_of(calibration.table.iloc[2]["evidence"]) + _widening_notes(calibration)
                ),
                calibration.table.iloc[2]["source"],
            ),
            _row(
                "ceiling of the digital share, % of GRDP",
                "ceiling",
                measure,
                ceiling,
                central_ceiling,
                calibration.table.iloc[4]["evidence"],
                ceiling_text,
            ),
            _row(
                "start share, factor on the published figure (median 1)",
                "start_factor",
                measure,
                scale,
                1.0,
                facts_cell(
                    [
                        {"code": "draw_start_factor", "rho": calibration.revision_sd},
                        *facts_of(calibration.table.iloc[3]["evidence"]),
                        start_figure if start else {"code": "draw_no_start", "geo": scenario.geo},
                    ]
                ),
                calibration.table.iloc[3]["source"],
            ),
            _row(
                "years the start figure has already run (year ambiguity)",
                "start_years",
                measure,
                shift,
                float(np.mean(shift)),
                facts_cell(
                    [
                        text_note(ambiguous[start_obs])
                        if start_obs in ambiguous
                        else {"code": "draw_year_stated"},
                        {"code": "draw_year_pace"},
                    ]
                ),
                facts_cell([{"code": "draw_ambiguous_source"}]),
            ),
        ],
        columns=TABLE_COLUMNS,
    )
    return DiffusionDraws(
        speed=np.asarray(speed, float),
        ceiling=np.asarray(ceiling, float),
        start_scale=np.asarray(scale, float),
        start_shift=np.asarray(shift, float),
        shift_logit=np.asarray(shift_logit, float),
        logit_noise=np.asarray(logit_noise, float),
        national_speed=np.asarray(national, float),
        noise_sd=np.asarray(noise_sd, float),
        measure=measure,
        policy=str(spec.speed),
        central_speed=central,
        table=table,
        revisions=calibration.revisions,
        notes=tuple(notes),
    )


def _widening_notes(calibration: DiffusionCalibration) -> list[dict]:
    """How the real-time check widened the noise, as notes (none when it did not)."""
    if calibration.noise_factor == 1:
        return []
    sd, factor = calibration.noise_sd, calibration.noise_factor
    widened = {"code": "draw_widened", "sd": sd, "factor": factor, "widened_sd": sd * factor}
    return [widened, *facts_of(calibration.widening.evidence)]


def _province_rate(best: pd.Series) -> dict:
    """The fastest province's rate on its own measure, as a note: its series, figures and
    standard error (none with two figures: exactly identified)."""
    facts = {
        "geo": best["geo"],
        "measure": best["method"],
        "years": best["years"],
        "figures": int(best["points"]),
    }
    if np.isfinite(best["std_error"]):
        return {"code": "draw_province_rate", **facts, "se": float(best["std_error"])}
    return {"code": "draw_province_rate_exact", **facts}


def _row(parameter, key, measure, values, central, evidence, source) -> dict:
    """A row of the draws' table; ``key`` names the parameter for a reader (the
    catalogue's ``calib.param.<key>``), ``evidence`` and ``source`` are notes
    (`dxecon.core.facts`)."""
    values = np.asarray(values, dtype=float)
    return {
        "parameter": parameter,
        "key": key,
        "measure": measure,
        "central": float(central),
        "low (5%)": float(np.percentile(values, 5)),
        "high (95%)": float(np.percentile(values, 95)),
        "evidence": evidence,
        "source": source,
    }


_CALIBRATIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _calibration(dataset, as_of: str, measure: str, *, widen: bool = True) -> DiffusionCalibration:
    """The calibration of ``measure`` as of ``as_of`` (``params/calibration.yaml``), with
    its real-time check's widening unless ``widen`` is False, computed once per dataset
    (sweeps and the explorer simulate many variants)."""
    cache = _CALIBRATIONS.setdefault(dataset, {})
    if (as_of, measure, widen) not in cache:
        cache[as_of, measure, widen] = calibrate_diffusion(
            dataset, as_of=as_of, measure=measure, widen=widen
        )
    return cache[as_of, measure, widen]


def draws_for(
    scenario,
    n: int,
    *,
    dataset=None,
    sources: Iterable[str] | None = None,
    calibration: DiffusionCalibration | None = None,
    params: Mapping | None = None,
):
    """:func:`diffusion_draws` for a resolved scenario: with ``calibration`` (a run's, the
    diffusion step's) or the calibration of its as-of and start measure computed once per
    dataset; ``params`` as in :func:`diffusion_draws`."""
    dataset = dataset if dataset is not None else _default_dataset()
    return diffusion_draws(
        scenario,
        dataset,
        n,
        start_share=start_share(scenario),
        sources=SOURCES if sources is None else sources,
        calibration=calibration or _calibration(dataset, scenario.as_of, START_METHOD),
        params=params,
    )


def start_share(scenario) -> float:
    r"""The observed whole-economy start :math:`D_0` (% of GRDP) of a resolved scenario: the
    weighted sum of its sectors' start shares."""
    floor = [s for s in scenario.sectors.values() if s.intensity]
    return sum(s.weight * s.intensity.start for s in floor) / 100.0


def sector_ceiling(start, whole_start: float, ceiling):
    r"""A sector's ceiling under a whole-economy ceiling :math:`C` (module docstring):
    :math:`C_s = \min(100, d_{s0}\,C / D_0)`, its start ``start`` scaled by the ceiling
    over the whole economy's start ``whole_start``. Arrays broadcast."""
    return np.minimum(np.asarray(start, dtype=float) * np.asarray(ceiling) / whole_start, 100.0)


def predictive_range(
    scenario, calibration: DiffusionCalibration, path: str, quantiles, *, n: int = 20_000
) -> tuple[float, float]:
    r"""The calibration's predictive percentiles ``quantiles`` (two, in per cent) of a
    sector's diffusion speed or ceiling: what a sweep's range of a calibrated quantity rests on.

    ``path`` is a sweepable path of a resolved scenario: ``sectors.S.intensity.speed`` (the
    city's logistic rate :math:`\kappa = k_m + u`, the national speed with the city's own
    deviation) or ``sectors.S.intensity.ceiling`` (:func:`sector_ceiling` of the drawn
    whole-economy ceiling). The draws come from
    :meth:`~dxecon.models.calibration.DiffusionCalibration.predictive_draw` with a fixed seed
    (the scenario's), so the range is the same at every call for the same evidence.

    Raises
    ------
    ValueError
        For a path that is not a sector's speed or ceiling.
    """
    parts = path.split(".")
    if (
        len(parts) != 4
        or parts[0] != "sectors"
        or parts[2:]
        not in (
            ["intensity", "speed"],
            ["intensity", "ceiling"],
        )
    ):
        raise ValueError(
            f"{path}: only a sector's intensity.speed or intensity.ceiling has a calibrated range"
        )
    whole = start_share(scenario)
    rng = np.random.Generator(np.random.PCG64([scenario.seed, 5]))
    draws = calibration.predictive_draw(rng, n, start=whole)
    if parts[3] == "speed":
        values = draws.speed
    else:
        values = sector_ceiling(scenario.sectors[parts[1]].intensity.start, whole, draws.ceiling)
    low, high = np.percentile(values, list(quantiles))
    return float(low), float(high)


def start_calibration(dataset, as_of: str) -> DiffusionCalibration:
    """The calibration a scenario's draws use by default: the start measure's as of
    ``as_of``, widened by its real-time check, computed once per dataset."""
    return _calibration(dataset, as_of, START_METHOD)


_DEFAULT: list = []


def _default_dataset():
    """The shipped dataset, loaded once per process for callers that pass none."""
    from dxecon.data import load_dataset

    if not _DEFAULT:
        _DEFAULT.append(load_dataset())
    return _DEFAULT[0]
