"""Step ``digital_economy`` (notebook 02): the city's published digital-economy shares by
measure and boundary, the national core + digitised split, the structural estimate of the
city's share by sector calibrated to the published share, each sector against the floors of
the targets, why the city differs from the nation, and the observed paces the month report
sets beside each target's required pace; for the month report also the digital economy's
contribution to growth (each boundary, the nation for context) and how a share target is
read on the other measure (the ratio models of ``params/measures.yaml``).

The estimate's choices are ``params/digital.yaml``'s (with the context's overrides); the
targets are ``data/targets.csv``'s, for the instruments of ``params/targets.yaml``.
"""

from __future__ import annotations

import pandas as pd

from dxecon.core.errors import SeriesSelectionError
from dxecon.core.params import params_path
from dxecon.data.targets import TargetRegistry, TargetSet, scored_targets
from dxecon.models import measures
from dxecon.models.calibration import observed_pace
from dxecon.models.contribution import de_contribution
from dxecon.models.estimation import from_data
from dxecon.models.scoring import ScoringConfig
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import narrative
from dxecon.present.charts.published import sector_floors_chart
from dxecon.present.words import Words

PARAMS_FILE, TARGETS_FILE, MEASURES_FILE = "digital.yaml", "targets.yaml", "measures.yaml"
REPORTED_COLUMNS = ("year", "boundary", "de_share_pct", "method", "status", "published")
REPORTED_COLUMNS += ("obs_id", "source_id", "note")


def compute(ctx: Context) -> StepResult:
    params, dataset, lang = ctx.params(PARAMS_FILE), ctx.dataset, ctx.lang
    words = Words(lang, ctx.place)
    # the place's published shares and observed paces, from its oldest boundary (its other
    # boundaries beside it, never joined)
    city = ctx.profile.first
    floor_targets = scored_targets(
        dataset,
        "de_sector_share_min",
        ctx.params(TARGETS_FILE),
        file=str(params_path(TARGETS_FILE)),
        geo=params["target_geo"],
    )
    floors = dict(zip(floor_targets["year"], floor_targets["value"], strict=True))
    instruments = list(dict.fromkeys(floor_targets["instrument"]))
    split, parts = from_data.national_core_digitised(dataset, as_of=ctx.as_of)
    estimate = from_data.city_digital_estimate(
        dataset, **{k: params[k] for k in ESTIMATE_KEYS}, as_of=ctx.as_of
    )
    published = dataset.series("de_share", params["calibrate_geo"], method="GSO", as_of=ctx.as_of)
    published_values = published.values.dropna().to_dict()
    published_sources = ", ".join(dict.fromkeys(published.chosen["source_id"].dropna()))
    floor_table = from_data.sector_floors(estimate, floors).to_frame()
    intensity_inputs = [
        dataset.series(indicator, from_data.NATION, sector=sector, as_of=ctx.as_of)
        for indicator in ("de_sector_contribution", "sector_share_grdp")
        for sector in from_data.DIGITAL_SECTORS
    ]
    year = estimate.intensity_year
    # the figures the calibration leaves out (the file's `diffusion` mapping holds them)
    calibration_exclude = ctx.params("calibration.yaml")["diffusion"].get("exclude") or {}
    conversion = _conversion(ctx)
    return StepResult(
        "digital_economy",
        outputs={
            "reported_shares_gso": _reported(dataset, city, "GSO", ctx.as_of),
            "reported_shares_mic": _reported(dataset, city, "MIC", ctx.as_of),
            "core_digitised_sentence": narrative.split_sentence(
                split.frame, sources=narrative.year_sources(parts, split.frame.index), lang=lang
            ),
            "core_digitised_split": split.frame.reset_index(),
            "calibration_sentence": narrative.calibration_sentence(
                estimate, published=published_values, source=published_sources, lang=lang
            ),
            "national_intensities": estimate.national.to_frame().reset_index(),
            "calibration": estimate.calibration.to_frame().reset_index(),
            "structural_estimate": estimate.calibrated.to_frame().reset_index(),
            "sector_floors_sentence": words(
                "txt.floors_intro",
                instruments=words.join(instruments),
                targets=narrative.targets_sentence(floor_targets, lang=lang),
                floors=narrative.floors_sentence(floor_table, lang=lang),
            ),
            "sector_floors": floor_table,
            "sector_shares_floors": sector_floors_chart(
                estimate,
                floors,
                instruments=instruments,
                published=published_values,
                published_sources=published_sources,
                intensity_sources=narrative.year_sources(intensity_inputs, [year])[year],
                geographies=dataset.codes["geographies"],
                lang=lang,
            ),
            "city_vs_nation_decomposition": from_data.share_gap_to_nation(
                dataset, estimate, as_of=ctx.as_of
            )
            .to_frame()
            .reset_index(),
            "observed_pace": observed_pace(
                dataset, geo=city, as_of=ctx.as_of, exclude=calibration_exclude
            ),
            "de_contribution": de_contribution(
                dataset,
                [city, *dataset.related_geographies(city)[:1], from_data.NATION],
                as_of=ctx.as_of,
            ),
            "measure_setup": measures.setup_table(conversion["config"]),
            "measure_ratio_fits": conversion["fits"],
            "measure_ratio_pairs": conversion["pairs"],
            "measure_ratio_predicted": conversion["predicted"],
            "measure_ratio_realtime": conversion["realtime"],
        },
        objects={"estimate": estimate, "split": split, "floor_targets": floor_targets},
    )


#: The keys of ``params/digital.yaml`` that choose the structural estimate.
ESTIMATE_KEYS = (
    "structure_geo",
    "structure_year",
    "intensity_year",
    "adjust_sector",
    "calibrate_geo",
)


def _reported(dataset, city: str, method: str, as_of: str) -> pd.DataFrame:
    """The place's published shares on one measure (none published yet: no rows)."""
    try:
        return from_data.reported_shares(dataset, city, method=method, as_of=as_of).to_frame()
    except SeriesSelectionError:
        return pd.DataFrame(columns=list(REPORTED_COLUMNS))


def _conversion(ctx: Context) -> dict:
    """The ratio models of the share indicators (``params/measures.yaml``), predicted in the
    years of their scored targets from the as-of year on, for the city of
    ``params/targets.yaml``."""
    config = measures.MeasureConfig.from_yaml(params_path(MEASURES_FILE))
    targets, file = ctx.params(TARGETS_FILE), f"params/{TARGETS_FILE}"
    city = ScoringConfig.from_mapping(targets, file=file).city_geographies
    registry = TargetRegistry(ctx.dataset)
    scored = registry.scoring_set(
        TargetSet.from_mapping(targets, known=registry.instruments, file=file)
    )
    scored = scored[scored["year"].notna() & (scored["year"] >= int(ctx.as_of[:4]))]
    years = {
        indicator: sorted({int(y) for y in scored.loc[scored["indicator"] == indicator, "year"]})
        for indicator in config.share_indicators
    }
    tables = measures.conversion_tables(
        ctx.dataset, years, as_of=ctx.as_of, city_geos=city, config=config
    )
    return {**tables, "config": config}
