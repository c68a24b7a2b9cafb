r"""Per-path diffusion parameters of a scenario, drawn from the evidence in ``data/``.

A scenario with a ``diffusion`` block does not type sector speeds or ceilings. For each
Monte Carlo path :math:`p` this module draws (:func:`diffusion_draws`):

* :math:`\kappa_p`, the logistic rate of the **whole-economy** digital share, by the
  scenario's named speed policy (``calibrated``: :math:`N(\hat\kappa(C_p), se(C_p))` from
  `dxecon.calibration`; ``fastest_province``: the fastest rate estimated on any province's
  series, with its standard error; ``national_pace``: the national share's pace in pp a
  year, turned into the rate that gives the same pp a year at the city's start,
  :math:`\kappa_p = \text{pace} / (D_{0p}(1 - D_{0p}/C_p))`);
* :math:`C_p`, the whole-economy ceiling (% of GRDP), from the calibration's sourced prior;
* :math:`m_p`, a factor on the observed start share (``start_uncertainty``): uniform over
  the range of the published candidates of the start relative to the one chosen (revisions
  of one figure between vintages; another method's figure for the same geography and
  year), and :math:`h_p \in \{0, 1\}` (equally likely) years already run when the start
  figure's year is ambiguous (``params/calibration.yaml``: ``start_year_ambiguous``).

The engine maps them to sectors (`dxecon.scenarios.engine`): every sector diffuses at
:math:`\kappa_p` from :math:`m_p d_{s0}` towards :math:`C_{sp} = \min(100, d_{s0} C_p /
D_0)`. With fixed weights this is *exactly* the whole-economy logistic with rate
:math:`\kappa_p` and ceiling :math:`C_p`: :math:`\sum_s w_s d_{s0}(C/D_0) / (1 + (C/D_0 - 1)
e^{-\kappa t}) = C / (1 + (C/D_0 - 1) e^{-\kappa t})`; the weights then move with sector
growth. A sector ceiling never falls below its start because :math:`C_p > D_0` (the prior's
low end is the highest share any geography has reached).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dxecon.calibration import (
    DiffusionCalibration,
    calibrate_diffusion,
    load_calibration_params,
    observed_pace,
)
from dxecon.errors import ParamsError, SeriesSelectionError

#: The uncertainty sources a run can switch on or off (`interval_breakdown`).
SOURCES = ("start", "parameters", "deflator", "shocks")

START_COLUMNS = ["kind", "geo", "year", "value", "reference", "factor", "evidence"]


@dataclass(frozen=True)
class DiffusionDraws:
    """Per-path draws (arrays of shape (paths,)) and how they were made."""

    speed: np.ndarray
    ceiling: np.ndarray
    start_scale: np.ndarray
    start_shift: np.ndarray
    policy: str
    central_speed: float
    table: pd.DataFrame  # one row per parameter: what it is, central value, range, source
    start_candidates: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)


def start_candidates(
    dataset, geo: str, *, as_of: str, pooled_methods: Iterable[str] = ("GSO",)
) -> pd.DataFrame:
    """Published figures that compete with the chosen start, as factors on it.

    Rows (``START_COLUMNS``): 'vintage revision' (another vintage's figure for the same
    geography, method and year over the chosen one: how much a published figure moves
    between releases; every geography of a pooled method) and 'method difference' (another
    method's figure for ``geo`` or a geography across its boundary change, over the pooled
    method's figure of the same geography and year).
    """
    obs = dataset.observations
    rows = []
    share = obs[(obs["indicator"] == "de_share") & (obs["period_kind"] == "year")]
    for (g, method), _ in share.groupby(["geo", "method"]):
        if method not in pooled_methods:
            continue
        try:
            cands = dataset.candidates("de_share", g, method=method, as_of=as_of)
        except SeriesSelectionError:
            continue
        cands = cands[cands["visible"]]
        for period, group in cands.groupby("period"):
            chosen = group[group["chosen"]]
            if chosen.empty:
                continue
            ref = chosen.iloc[0]
            for _, other in group[~group["chosen"]].iterrows():
                if other.get("duplicate_of", ""):
                    continue
                rows.append(
                    {
                        "kind": "vintage revision",
                        "geo": g,
                        "year": int(str(period)[:4]),
                        "value": float(other["value"]),
                        "reference": float(ref["value"]),
                        "factor": float(other["value"]) / float(ref["value"]),
                        "evidence": f"{other['obs_id']} vs {ref['obs_id']} ({method})",
                    }
                )
    related = [geo, *dataset.related_geographies(geo)]
    for g in related:
        here = share[share["geo"] == g]
        pooled = here[here["method"].isin(list(pooled_methods))]
        for _, ref_row in pooled.iterrows():
            if ref_row["duplicate_of"]:
                continue
            same_year = here[
                (here["period"] == ref_row["period"]) & ~here["method"].isin(list(pooled_methods))
            ]
            for _, other in same_year.iterrows():
                if not _visible(dataset, other, as_of) or not _visible(dataset, ref_row, as_of):
                    continue
                rows.append(
                    {
                        "kind": "method difference",
                        "geo": g,
                        "year": int(str(ref_row["period"])[:4]),
                        "value": float(other["value"]),
                        "reference": float(ref_row["value"]),
                        "factor": float(other["value"]) / float(ref_row["value"]),
                        "evidence": (
                            f"{other['obs_id']} ({other['method']}) vs {ref_row['obs_id']} "
                            f"({ref_row['method']})"
                        ),
                    }
                )
    return pd.DataFrame(rows, columns=START_COLUMNS)


def _visible(dataset, row, as_of: str) -> bool:
    try:
        cands = dataset.candidates(
            "de_share", row["geo"], method=row["method"], as_of=as_of
        ).set_index("obs_id")
    except SeriesSelectionError:
        return False
    return bool(cands.at[row["obs_id"], "visible"]) if row["obs_id"] in cands.index else False


def _start_obs(dataset, geo: str, as_of: str, methods: Iterable[str]) -> str | None:
    for method in methods:
        try:
            chosen = dataset.series("de_share", geo, method=method, as_of=as_of).chosen
        except SeriesSelectionError:
            continue
        if len(chosen):
            return str(chosen["obs_id"].iloc[-1])
    return None


def _province_speed(calibration: DiffusionCalibration, dataset) -> pd.Series | None:
    kinds = dataset.codes["geographies"].set_index("code")["kind"]
    series = calibration.by_series
    provinces = series[series["geo"].map(kinds) == "province"]
    if provinces.empty:
        return None
    return provinces.loc[provinces["speed"].idxmax()]


def diffusion_draws(
    scenario,
    dataset,
    n: int,
    *,
    start_share: float,
    sources: Iterable[str] = SOURCES,
    calibration: DiffusionCalibration | None = None,
) -> DiffusionDraws:
    """Draw the diffusion parameters of ``n`` paths for a scenario with a ``diffusion`` block.

    ``start_share`` is the observed whole-economy start :math:`D_0` (% of GRDP).
    ``sources``: 'parameters' off puts every path at the central speed and the prior's
    mean ceiling; 'start' off puts the start at the chosen figure. Draws use their own
    generator (seeded from the scenario's seed), so the engine's other draws do not move.

    Raises
    ------
    ParamsError
        When a named policy has no evidence by the scenario's as-of (e.g. no province has
        two figures of one method), or a fixed ceiling is not above the start.
    """
    spec = scenario.diffusion
    file = f"params/scenarios/{scenario.name}.yaml"
    sources = set(sources)
    params = load_calibration_params()
    calibration = calibration or calibrate_diffusion(dataset, as_of=scenario.as_of, params=params)
    rng = np.random.Generator(np.random.PCG64([scenario.seed, 1]))
    notes: list[str] = []
    draw_params = "parameters" in sources

    # Ceiling.
    prior = calibration.ceiling_prior
    if spec.ceiling == "prior":
        ceiling = prior.draw(rng, n) if draw_params else np.full(n, prior.mean)
        ceiling_text = f"uniform {prior.low:.2f}-{prior.high:g}: {prior.source}"
    else:
        ceiling = np.full(n, float(spec.ceiling))
        ceiling_text = "fixed in the scenario"
    if (ceiling <= start_share).any():
        raise ParamsError(
            file,
            "diffusion.ceiling",
            f"a ceiling of {ceiling.min():.2f}% is not above the start share "
            f"{start_share:.2f}%: a ceiling must exceed where the economy already is",
        )

    # Start.
    pooled = list(params.get("pooled_methods") or ["GSO"])
    candidates = start_candidates(
        dataset, scenario.geo, as_of=scenario.as_of, pooled_methods=pooled
    )
    factors = np.append(candidates["factor"].to_numpy(float), 1.0)
    low_f, high_f = float(factors.min()), float(factors.max())
    ambiguous = dict(params.get("start_year_ambiguous") or {})
    start_obs = _start_obs(dataset, scenario.geo, scenario.as_of, pooled)
    shift_possible = start_obs in ambiguous
    if spec.start_uncertainty and "start" in sources:
        scale = rng.uniform(low_f, high_f, n)
        shift = rng.integers(0, 2, n).astype(float) if shift_possible else np.zeros(n)
    else:
        scale, shift = np.ones(n), np.zeros(n)
    if shift_possible:
        notes.append(f"start figure {start_obs}: {ambiguous[start_obs]}")

    # Speed.
    central_ceiling = float(np.mean(ceiling))
    grid = calibration.grid.sort_values("ceiling")
    if spec.speed == "calibrated":
        if draw_params:
            draws = calibration.draw(np.random.Generator(np.random.PCG64([scenario.seed, 2])), n)
            if spec.ceiling == "prior":
                ceiling = draws["ceiling"]
            speed = (
                draws["speed"]
                if calibration.speed_from_data and spec.ceiling == "prior"
                else _speed_given(calibration, ceiling, rng)
            )
        else:
            speed = np.full(n, _speed_at(calibration, central_ceiling))
        central = _speed_at(calibration, central_ceiling)
        evidence = calibration.table.iloc[0]["evidence"]
        source = (
            "estimated from data/ (dxecon.calibration)"
            if calibration.speed_from_data
            else f"prior (the data cannot pin it): {calibration.speed_prior.source}"
        )
    elif spec.speed == "fastest_province":
        best = _province_speed(calibration, dataset)
        if best is None:
            raise ParamsError(
                file,
                "diffusion.speed",
                f"'fastest_province': no province has two figures of one method published by "
                f"{scenario.as_of}; use 'calibrated' or a number",
            )
        central = float(best["speed"])
        se = float(best["std_error"]) if np.isfinite(best["std_error"]) else 0.0
        speed = (
            np.maximum(central + se * rng.standard_normal(n), 0.0)
            if draw_params
            else np.full(n, central)
        )
        evidence = (
            f"{best['series']} {best['years']}: logistic rate {central:.3f}/yr"
            + (f" (standard error {se:.3f})" if se else " (two points: no standard error)")
            + f", {best['pp_per_year']:.2f} pp a year"
        )
        source = "the fastest rate estimated on any province's series in data/ (dxecon.calibration)"
    elif spec.speed == "national_pace":
        paces = observed_pace(dataset, geo=scenario.geo, as_of=scenario.as_of)
        national = paces[
            (paces["measure"] == "national pace: digital share") & paces["method"].isin(pooled)
        ]
        if national.empty or not np.isfinite(national["pace"].iloc[0]):
            raise ParamsError(
                file,
                "diffusion.speed",
                f"'national_pace': no national series of {pooled} with two years by "
                f"{scenario.as_of}; use 'calibrated' or a number",
            )
        row = national.iloc[0]
        pace = float(row["pace"])
        start = start_share * scale
        speed = np.maximum(pace / (start * (1.0 - start / ceiling)), 0.0)
        central = float(pace / (start_share * (1.0 - start_share / central_ceiling)))
        evidence = (
            f"{row['geo']} {row['method']} {row['period']}: {pace:.3f} pp a year "
            f"({row['evidence']}), applied at the city's start"
        )
        source = "national pace of the share in data/ (dxecon.calibration.observed_pace)"
    else:
        central = float(spec.speed)
        speed = np.full(n, central)
        evidence, source = "fixed in the scenario", "scenario"

    table = pd.DataFrame(
        [
            {
                "parameter": f"diffusion speed ({spec.speed}), logistic rate per year",
                "central": central,
                "low (5%)": float(np.percentile(speed, 5)),
                "high (95%)": float(np.percentile(speed, 95)),
                "evidence": evidence,
                "source": source,
            },
            {
                "parameter": "ceiling of the digital share, % of GRDP",
                "central": float(np.mean(ceiling)),
                "low (5%)": float(np.percentile(ceiling, 5)),
                "high (95%)": float(np.percentile(ceiling, 95)),
                "evidence": calibration.table.iloc[-1]["evidence"],
                "source": ceiling_text,
            },
            {
                "parameter": "start share, factor on the chosen figure",
                "central": 1.0,
                "low (5%)": float(np.percentile(scale, 5)),
                "high (95%)": float(np.percentile(scale, 95)),
                "evidence": (
                    f"{len(candidates)} competing published figure(s): "
                    + "; ".join(candidates["evidence"].astype(str))
                    if len(candidates)
                    else "no competing figure published"
                ),
                "source": "published candidates of the start (vintages, methods)",
            },
            {
                "parameter": "years the start figure has already run (year ambiguity)",
                "central": float(np.mean(shift)),
                "low (5%)": float(np.percentile(shift, 5)),
                "high (95%)": float(np.percentile(shift, 95)),
                "evidence": ambiguous.get(start_obs, "the start figure's year is stated"),
                "source": "params/calibration.yaml (start_year_ambiguous)",
            },
        ]
    )
    del grid
    return DiffusionDraws(
        speed=np.asarray(speed, float),
        ceiling=np.asarray(ceiling, float),
        start_scale=np.asarray(scale, float),
        start_shift=np.asarray(shift, float),
        policy=str(spec.speed),
        central_speed=central,
        table=table,
        start_candidates=candidates,
        notes=tuple(notes),
    )


_CALIBRATIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def draws_for(scenario, n: int, *, dataset=None, sources: Iterable[str] | None = None):
    """:func:`diffusion_draws` for a resolved scenario, with the calibration of its as-of
    computed once per dataset (sweeps and the explorer simulate many variants)."""
    dataset = dataset if dataset is not None else _default_dataset()
    cache = _CALIBRATIONS.setdefault(dataset, {})
    if scenario.as_of not in cache:
        cache[scenario.as_of] = calibrate_diffusion(dataset, as_of=scenario.as_of)
    floor = [s for s in scenario.sectors.values() if s.intensity]
    start_share = sum(s.weight * s.intensity.start for s in floor) / 100.0
    return diffusion_draws(
        scenario,
        dataset,
        n,
        start_share=start_share,
        sources=SOURCES if sources is None else sources,
        calibration=cache[scenario.as_of],
    )


_DEFAULT: list = []


def _default_dataset():
    """The shipped dataset, loaded once per process for callers that pass none."""
    from dxecon.data import load_dataset

    if not _DEFAULT:
        _DEFAULT.append(load_dataset())
    return _DEFAULT[0]


def _speed_at(calibration: DiffusionCalibration, ceiling: float) -> float:
    if calibration.speed_from_data:
        grid = calibration.grid.sort_values("ceiling")
        return float(np.interp(ceiling, grid["ceiling"], grid["speed"]))
    return calibration.speed_prior.mean


def _speed_given(calibration: DiffusionCalibration, ceiling: np.ndarray, rng) -> np.ndarray:
    if not calibration.speed_from_data:
        return calibration.speed_prior.draw(rng, len(ceiling))
    grid = calibration.grid.sort_values("ceiling")
    center = np.interp(ceiling, grid["ceiling"], grid["speed"])
    scale = np.interp(ceiling, grid["ceiling"], grid["std_error"])
    return np.maximum(center + scale * rng.standard_normal(len(ceiling)), 0.0)
