"""The estimators on the shipped data: what notebooks 2 and 3 and the scenario files use.

The other modules of `dxecon.models.estimation` hold the arithmetic (pure functions on pandas
objects); this module picks the published figures they need from a `Dataset`, as of a date,
and states every assumption it adds (all of them come from ``params/``). See
``docs/methods.md`` for the formulas and sources.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.core.places import nation
from dxecon.data import Dataset
from dxecon.models.estimation.decomposition import ShareDecomposition, decompose_share_change
from dxecon.models.estimation.digital_share import (
    CalibrationResult,
    SectorShares,
    StructuralShare,
    calibrate_intensity_scale,
    core_digitised_split,
    sector_digital_share,
    structural_share,
)
from dxecon.models.estimation.productivity import employment_assumption, growth, labour_productivity
from dxecon.models.estimation.result import EstimateResult, make_meta
from dxecon.models.estimation.sector_floors import compare_with_floors
from dxecon.models.estimation.target_paths import assess_target
from dxecon.models.rates import growth_from_ratio, growth_of_ratio

#: The GRDP sectors of the published structures (taxes: product taxes less subsidies).
GRDP_SECTORS = ("agro", "ind_con", "services", "taxes")
#: The nation's geography code (GSO national figures).
NATION = nation()  # the nation (params/places/default.yaml), not a place
#: Sectors with a digital intensity (taxes are not an industry).
DIGITAL_SECTORS = ("agro", "ind_con", "services")
#: The measure (method) of the published share the structural estimate is calibrated to: a
#: scenario's start is on this measure, and so must be every speed, ceiling and revision
#: error applied to it (dxecon.models.scenarios.diffusion).
START_METHOD = "GSO"


# -- digital economy -------------------------------------------------------------------------
def reported_shares(dataset: Dataset, geo: str, *, method: str, as_of=None) -> EstimateResult:
    """Published digital-economy shares for a city, one row per year and boundary.

    The geography and its boundary successors or predecessors (a place before and after a
    merger) are listed side by side with a ``boundary`` column, never joined into one series; one
    measuring method only (GSO and MIC measure different things).
    """
    rows = []
    for candidate in [geo, *dataset.related_geographies(geo)]:
        try:
            result = dataset.series("de_share", candidate, method=method, as_of=as_of)
        except SeriesSelectionError:
            continue
        for fig in result.figures().itertuples():
            rows.append(
                {
                    "year": fig.year,
                    "boundary": candidate,
                    "de_share_pct": fig.value,
                    "method": method,
                    "status": fig.status,
                    "published": fig.published_effective,
                    "obs_id": fig.obs_id,
                    "source_id": fig.source_id,
                    "note": fig.note,
                }
            )
    if not rows:
        raise SeriesSelectionError(
            f"no {method} digital-economy share for {geo} or its other boundaries",
            field="method",
            value=method,
            allowed=_published(dataset, "de_share", "method"),
        )
    frame = pd.DataFrame(rows).sort_values(["year", "boundary"]).reset_index(drop=True)
    return EstimateResult(
        name=f"Published digital-economy shares, {geo} and its other boundaries ({method})",
        frame=frame,
        meta=make_meta(
            method=method,
            geography=", ".join(frame["boundary"].unique()),
            as_of=None if as_of is None else str(as_of),
            sources=sorted(frame["source_id"].unique()),
            assumptions=["boundaries are listed side by side, never spliced"],
        ),
    )


def national_core_digitised(dataset: Dataset, *, as_of=None) -> tuple[EstimateResult, list]:
    """Vietnam's GSO share as its core and digitised parts (`core_digitised_split`), every
    year where both parts and the total are published by ``as_of``; and the three series
    (core, digitised, total: their sources)."""
    parts = [
        dataset.series("de_core_share", NATION, as_of=as_of),
        dataset.series("de_digitised_share", NATION, as_of=as_of),
        dataset.series("de_share", NATION, method=START_METHOD, as_of=as_of),
    ]
    years = sorted(set.intersection(*(set(p.values.dropna().index) for p in parts)))
    core, digitised, total = (p.values.loc[years] for p in parts)
    return core_digitised_split(core, digitised, published_total=total), parts


def grdp_weights(dataset: Dataset, geo: str, year: int, *, as_of=None) -> tuple[pd.Series, str]:
    """A city's GRDP structure in one year (per cent), taxes derived when not published.

    Returns the weights and a note saying which were published and which derived (the
    weights' ``attrs["derived"]`` lists the derived sectors, for code that needs to know).
    """
    weights, missing = {}, []
    for sector in GRDP_SECTORS:
        try:
            values = dataset.series("sector_share_grdp", geo, sector=sector, as_of=as_of).values
        except SeriesSelectionError:
            values = pd.Series(dtype=float)
        if year in values.index and not np.isnan(values.loc[year]):
            weights[sector] = float(values.loc[year])
        else:
            missing.append(sector)
    if missing == ["taxes"]:
        weights["taxes"] = 100.0 - sum(weights.values())
        note = (
            f"{geo} {year}: agro, ind_con and services published; taxes derived as "
            f"100 minus their sum ({weights['taxes']:.2f})"
        )
    elif missing:
        raise SeriesSelectionError(
            f"{geo} has no published GRDP structure for {year} (missing {missing})",
            field="structure_year",
            value=year,
            allowed=_structure_years(dataset, geo),
        )
    else:
        note = f"{geo} {year}: every sector share published"
    series = pd.Series(weights, name="weight_pct").reindex(GRDP_SECTORS)
    series.attrs["derived"] = ["taxes"] if missing == ["taxes"] else []
    return series, note


def _published(dataset: Dataset, indicator: str, column: str) -> list[str]:
    """The values of ``column`` (methods, geographies) with a figure of ``indicator``."""
    rows = dataset.observations[dataset.observations["indicator"] == indicator]
    return sorted(rows[column].unique())


def _sources(series: list, *, years: pd.Index) -> list[str]:
    """The sources of the figures used in ``years`` (from each series' provenance)."""
    found = set()
    for result in series:
        figures = result.figures()
        found.update(figures.loc[figures["year"].isin(years), "source_id"])
    return sorted(found)


def _structure_years(dataset: Dataset, geo: str) -> list[int]:
    obs = dataset.observations
    rows = obs[
        (obs["indicator"] == "sector_share_grdp")
        & (obs["geo"] == geo)
        & (obs["period_kind"] == "year")
        & (obs["sector"] == "ind_con")
    ]
    return sorted(int(y) for y in rows["year"].unique())


def national_intensities(dataset: Dataset, year: int, *, as_of=None) -> SectorShares:
    """Vietnam's digital share inside each sector (GSO): the sector's contribution to the
    digital economy (% of GDP) over the sector's share of GDP."""
    contributions, weights = {}, {}
    for sector in DIGITAL_SECTORS:
        contribution = dataset.series(
            "de_sector_contribution", NATION, sector=sector, as_of=as_of
        ).values
        weight = dataset.series("sector_share_grdp", NATION, sector=sector, as_of=as_of).values
        if year not in contribution.dropna().index or year not in weight.dropna().index:
            raise SeriesSelectionError(
                f"no national GSO sector contribution and weight for {sector} in {year}",
                field="intensity_year",
                value=year,
                allowed=sorted(set(contribution.dropna().index) & set(weight.dropna().index)),
            )
        contributions[sector], weights[sector] = contribution.loc[year], weight.loc[year]
    return sector_digital_share(pd.Series(contributions), pd.Series(weights))


def _latest(dataset: Dataset, indicator: str, geo: str, sector: str, as_of) -> int | None:
    try:
        values = dataset.series(indicator, geo, sector=sector, as_of=as_of).values.dropna()
    except SeriesSelectionError:
        return None
    return int(values.index.max()) if not values.empty else None


def latest_structure_year(dataset: Dataset, geo: str, *, as_of=None) -> int:
    """The latest year whose GRDP structure (every sector with a digital intensity) of
    ``geo`` is published by ``as_of``."""
    years = [_latest(dataset, "sector_share_grdp", geo, s, as_of) for s in DIGITAL_SECTORS]
    if any(y is None for y in years):
        raise SeriesSelectionError(
            f"no GRDP structure of {geo} published by {as_of}",
            field="structure_geo",
            value=geo,
            allowed=_published(dataset, "sector_share_grdp", "geo"),
        )
    return min(years)


def latest_intensity_year(dataset: Dataset, *, as_of=None) -> int:
    """The latest year with Vietnam's GSO sector contributions to the digital economy and
    sector weights published by ``as_of`` (the national intensities)."""
    years = []
    for sector in DIGITAL_SECTORS:
        years.append(_latest(dataset, "de_sector_contribution", NATION, sector, as_of))
        years.append(_latest(dataset, "sector_share_grdp", NATION, sector, as_of))
    if any(y is None for y in years):
        raise SeriesSelectionError(
            f"no national GSO sector contributions published by {as_of}",
            field="intensity_year",
            value="latest",
            allowed=[],
        )
    return min(years)


@dataclass(frozen=True)
class CityDigitalEstimate:
    """The structural estimate of a city's digital share and its calibration."""

    year: int  # the structure year
    structure_geo: str  # whose GRDP structure
    intensity_year: int  # the year of the national intensities
    weights: pd.Series  # per cent of GRDP, GRDP_SECTORS
    national: SectorShares  # default intensities (per cent)
    intensities: pd.Series  # after the city adjustment (per cent), DIGITAL_SECTORS
    structural: StructuralShare  # with the national intensities (before calibration)
    calibrated: StructuralShare  # with the city intensities
    calibration: CalibrationResult
    notes: list[str]

    def summary(self) -> str:
        return "\n\n".join(
            [
                "\n".join(self.notes),
                self.calibration.summary(),
                self.calibrated.summary(),
            ]
        )


def city_digital_estimate(
    dataset: Dataset,
    *,
    structure_geo: str,
    structure_year: int | str,
    intensity_year: int | str,
    adjust_sector: str,
    calibrate_geo: str,
    calibrate_years: list[int] | None = None,
    as_of=None,
) -> CityDigitalEstimate:
    r"""Digital-economy share of a city's GRDP by the GSO definition, structurally:

    .. math:: s = \sum_k w_k\, d_k

    with the city's sector weights :math:`w_k` and, by default, Vietnam's GSO sector
    intensities :math:`d_k`; the intensity of ``adjust_sector`` is then scaled by least
    squares to the published GSO shares of ``calibrate_geo`` (a place's electronics
    manufacturing puts industry well above the national intensity). With one published
    point the fit is exact by construction; the result says so. Every choice (whose
    structure, which years, which sector, calibrated to whom) is a required argument: the
    values live in ``params/digital.yaml``. ``"latest"`` for a year takes the latest one
    published by ``as_of`` (`latest_structure_year`, `latest_intensity_year`), so a new
    release moves the estimate without touching a params file.
    """
    if adjust_sector not in DIGITAL_SECTORS:
        raise ValueError(f"adjust_sector {adjust_sector!r}: allowed {', '.join(DIGITAL_SECTORS)}")
    if structure_year == "latest":
        structure_year = latest_structure_year(dataset, structure_geo, as_of=as_of)
    if intensity_year == "latest":
        intensity_year = latest_intensity_year(dataset, as_of=as_of)
    weights, weight_note = grdp_weights(dataset, structure_geo, structure_year, as_of=as_of)
    national = national_intensities(dataset, intensity_year, as_of=as_of)
    intensity = national.shares
    zero_taxes = pd.Series(0.0, index=["taxes"])
    full_intensity = pd.concat([intensity.reindex(list(DIGITAL_SECTORS)), zero_taxes])
    structural = structural_share(weights, full_intensity, weights_unit="pct", intensity_unit="pct")
    published = dataset.series(
        "de_share", calibrate_geo, method=START_METHOD, as_of=as_of
    ).values.dropna()
    if calibrate_years is not None:
        published = published.reindex(calibrate_years).dropna()
    if published.empty:
        raise SeriesSelectionError(
            f"no published {START_METHOD} share for {calibrate_geo} to calibrate to",
            field="calibrate_geo",
            value=calibrate_geo,
            allowed=_published(dataset, "de_share", "geo"),
        )
    # One structure for every published year (only the structure year is published for the
    # merged city); the calibration table shows each point's residual.
    w = pd.DataFrame(
        [weights.to_numpy()] * len(published), index=published.index, columns=weights.index
    )
    d = pd.DataFrame(
        [full_intensity.reindex(weights.index).to_numpy()] * len(published),
        index=published.index,
        columns=weights.index,
    )
    calibration = calibrate_intensity_scale(
        w, d, published, weights_unit="pct", intensity_unit="pct", sectors=[adjust_sector]
    )
    city = full_intensity.copy()
    city[adjust_sector] = city[adjust_sector] * calibration.scale
    calibrated = structural_share(weights, city, weights_unit="pct", intensity_unit="pct")
    notes = [
        weight_note,
        f"default intensities: Vietnam GSO {intensity_year} (sector contribution / sector "
        "share of GDP)",
        f"city adjustment: {adjust_sector} intensity x {calibration.scale:.3f} to match "
        f"{calibrate_geo} GSO {', '.join(str(y) for y in published.index)} "
        f"({', '.join(f'{v:g}%' for v in published)})",
    ]
    if len(published) == 1:
        notes.append("one published point: the calibration fits it exactly by construction")
    return CityDigitalEstimate(
        year=structure_year,
        structure_geo=structure_geo,
        intensity_year=intensity_year,
        weights=weights,
        national=national,
        intensities=city.reindex(list(DIGITAL_SECTORS)),
        structural=structural,
        calibrated=calibrated,
        calibration=calibration,
        notes=notes,
    )


def sector_floors(estimate: CityDigitalEstimate, floors: dict[int, float]) -> EstimateResult:
    r"""Each sector's digital share against the floors, with the compound growth of the
    share it would need: :math:`(f / d)^{1/(T - t)} - 1` from the structure year :math:`t`
    to the floor year :math:`T` (zero when already met, undefined when the year is past)."""
    comparison = (
        compare_with_floors(estimate.intensities, floors=floors, year=estimate.year)
        .to_frame()
        .reset_index()
    )
    span = comparison["floor_year"] - comparison["share_year"]
    ratio = comparison["floor_pct"] / comparison["share_pct"]
    needed = growth_from_ratio(ratio, span.where(span > 0))
    comparison["required_growth_pct_per_year"] = needed.where(~comparison["meets"], 0.0)
    return EstimateResult(
        name="Digital share by sector against the floors of the targets",
        frame=comparison,
        meta=make_meta(
            method="GSO (structural, calibrated)",
            assumptions=[*estimate.notes, "required growth: compound, from the structure year"],
        ),
    )


def share_gap_to_nation(
    dataset: Dataset, estimate: CityDigitalEstimate, *, form: str = "shapley", as_of=None
) -> ShareDecomposition:
    r"""Why a city's digital-economy share differs from the nation's: its sector structure
    or the digital share within its sectors.

    The nation's share is :math:`S^{N} = \sum_s w^{N}_s d^{N}_s` with Vietnam's GRDP
    structure and GSO sector intensities of the estimate's intensity year; the city's is
    :math:`S^{c} = \sum_s w^{c}_s d^{c}_s` with its structure and calibrated intensities
    (``estimate``, from :func:`city_digital_estimate`). The gap splits exactly, by
    :func:`~dxecon.models.estimation.decomposition.decompose_share_change` (symmetric form):

    .. math::

        S^{c} - S^{N}
        = \underbrace{\sum_s (w^{c}_s - w^{N}_s)\,\tfrac{d^{N}_s + d^{c}_s}{2}}_{\text{structure}}
        + \underbrace{\sum_s \tfrac{w^{N}_s + w^{c}_s}{2}\,(d^{c}_s - d^{N}_s)}_{\text{intensity}}

    Product taxes are a component of GRDP with no digital intensity (:math:`d = 0`); a
    national taxes share that is not published is 100 minus the other sectors (the note
    in the assumptions says so).

    Returns
    -------
    ShareDecomposition
        By sector and in total; :attr:`~ShareDecomposition.components` the structure and
        intensity effects, :meth:`~ShareDecomposition.summary` the whole story.
    """
    national_weights, weight_note = grdp_weights(
        dataset, NATION, estimate.intensity_year, as_of=as_of
    )
    zero = pd.Series({"taxes": 0.0})
    result = decompose_share_change(
        national_weights,
        pd.concat([estimate.national.shares, zero]),
        estimate.weights,
        pd.concat([estimate.intensities, zero]),
        weights_unit="pct",
        intensity_unit="pct",
        form=form,
        labels=(
            f"{NATION} {estimate.intensity_year}",
            f"{estimate.structure_geo} {estimate.year} (estimate)",
        ),
    )
    return replace(
        result.with_meta(
            geography=f"{estimate.structure_geo} against {NATION}",
            as_of=None if as_of is None else str(as_of),
            assumptions=[weight_note, *estimate.notes, "taxes have no digital intensity"],
        ),
        name=f"Digital-economy share: {estimate.structure_geo} against the nation",
    )


# -- labour productivity ---------------------------------------------------------------------
def city_productivity(
    dataset: Dataset,
    *,
    geo: str,
    employment_growth: float,
    employment_rationale: str,
    base_year: int,
    milestones: dict[int, float],
    as_of=None,
) -> dict[str, EstimateResult]:
    """A place's labour productivity, real and nominal, under an explicit employment
    assumption (no employment figure after 2015 is published).

    Real growth per year is :math:`(1+g_Y)/(1+g_E) - 1` with published real GRDP growth
    :math:`g_Y` (constant 2010 prices) and assumed employment growth :math:`g_E`; nominal
    levels divide published current-price GRDP by the (assumed) employment. ``milestones``
    are the growth targets ``{target year: minimum %/yr}`` from ``data/targets.csv``
    (:func:`dxecon.data.targets.target_values`); ``geo`` and ``base_year`` come from
    ``params/productivity.yaml``. An empty mapping gives the growth without assessments
    (the scorecard's use).
    """
    if milestones is None:
        raise ValueError("milestones must be a mapping {target year: rate %/yr}")
    employment = dataset.series("employment", geo, as_of=as_of).values.dropna()
    growth_real = dataset.series("grdp_growth_real", geo, as_of=as_of).values
    current = dataset.series("grdp_current", geo, unit="bn_vnd", as_of=as_of).values.dropna()
    last = int(max(growth_real.dropna().index.max(), current.index.max()))
    path = employment_assumption(
        employment,
        years=range(int(employment.index.min()), last + 1),
        growth_pct=employment_growth,
        rationale=employment_rationale,
    )
    emp_level = path.values
    emp_growth = growth_from_ratio(emp_level / emp_level.shift(1))
    real = growth_of_ratio(growth_real, emp_growth.reindex(growth_real.index))
    real_table = pd.DataFrame(
        {
            "grdp_growth_real_pct": growth_real,
            "employment_growth_pct": emp_growth.reindex(growth_real.index),
            "employment_assumed": path.assumed.reindex(growth_real.index),
            "lp_growth_real_pct": real,
        }
    )
    real_table.index.name = "year"
    current = current[current.index >= employment.index.min()]  # no employment before
    nominal = labour_productivity(
        current, path, basis="nominal", output_unit="bn_vnd", employment_unit="thousand_persons"
    )
    observed_real = real.dropna()
    assessments = []
    for target_year, rate in sorted(milestones.items()):
        rates = observed_real[observed_real.index > base_year]
        if rates.empty:
            continue
        assessments.append(
            assess_target(
                rates,
                base_year=base_year,
                rate=rate,
                target_year=target_year,
                basis="real",
                kind="growth_pct",
            )
            .to_frame()
            .reset_index()
            .assign(target_year=target_year, rate_pct=rate)
        )
    assumption = (
        f"employment grows {employment_growth}%/yr after the last published year: "
        f"{employment_rationale}"
    )
    meta = make_meta(
        geography=geo, as_of=None if as_of is None else str(as_of), assumptions=[assumption]
    )
    return {
        "real_growth": EstimateResult(
            name=f"Labour productivity growth, real (constant 2010 prices), {geo}",
            frame=real_table.reset_index(),
            meta={**meta, "basis": "real"},
        ),
        "nominal_levels": nominal,
        "targets": EstimateResult(
            name=f"Productivity targets (real), {geo}, from base year {base_year}",
            frame=pd.concat(assessments, ignore_index=True) if assessments else pd.DataFrame(),
            meta={**meta, "basis": "real"},
        ),
        "employment": path,
    }


def national_productivity(dataset: Dataset, *, start: int, as_of=None) -> EstimateResult:
    """Vietnam's labour productivity: nominal growth from published current-price levels
    next to the published real growth, from the year ``start`` on.

    ``start`` is ``national_lp_start`` of ``params/productivity.yaml``: the first year after
    GSO's employment series break (subsistence farm workers removed between 2020 and 2021,
    ``data/README.md``), so that no growth rate spans the break."""
    level_series = dataset.series("lp_current", NATION, unit="m_vnd_per_worker", as_of=as_of)
    levels = level_series.values
    levels = levels[levels.index >= start].dropna()
    if levels.empty:
        raise SeriesSelectionError(
            f"no national labour productivity level (lp_current, {NATION}) for {start} or later "
            f"published by {as_of}",
            field="as_of",
            value=str(as_of),
            allowed=[],
        )
    nominal = growth(levels, basis="nominal").rates
    real_series = dataset.series("lp_growth_real", NATION, as_of=as_of)
    real = real_series.values
    frame = pd.DataFrame(
        {
            "lp_current_m_vnd": levels,
            "lp_growth_nominal_pct": nominal.reindex(levels.index),
            "lp_growth_real_pct_published": real.reindex(levels.index),
        }
    )
    frame["implied_deflator_pct"] = growth_of_ratio(
        frame["lp_growth_nominal_pct"], frame["lp_growth_real_pct_published"]
    )
    frame.index.name = "year"
    return EstimateResult(
        name="Vietnam labour productivity: nominal growth vs published real growth",
        frame=frame.reset_index(),
        meta=make_meta(
            method="GSO",
            geography=NATION,
            columns="nominal and real growth are labelled per column",
            sources=_sources([level_series, real_series], years=levels.index),
            assumptions=[f"from {start}: no growth across GSO's employment series break"],
        ),
    )
