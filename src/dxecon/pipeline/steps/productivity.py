"""Step ``productivity`` (notebook 03): labour productivity, real and nominal, against the
growth targets: Vietnam's published level and real growth (nominal is not real), the city's
real growth and nominal levels under an employment assumption computed from the published
employment (`dxecon.models.employment`), both readings of the targets, and the index path
beside the targets' minimum path.

Choices: ``params/productivity.yaml`` (with the context's overrides); targets:
``data/targets.csv`` for the instruments of ``params/targets.yaml``.
"""

from __future__ import annotations

import pandas as pd

from dxecon.core.errors import MissingFigureError
from dxecon.core.params import params_path
from dxecon.data.targets import scored_targets
from dxecon.models.employment import ProductivityParams, productivity_from_params
from dxecon.models.estimation import from_data
from dxecon.pipeline.catalogue import outputs_of
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import narrative
from dxecon.present.charts.plots import message_chart
from dxecon.present.charts.published import INDEX_BASE, productivity_index_chart
from dxecon.present.words import Words

PARAMS_FILE, TARGETS_FILE = "productivity.yaml", "targets.yaml"


def compute(ctx: Context) -> StepResult:
    dataset, lang, as_of = ctx.dataset, ctx.lang, ctx.as_of
    words = Words(lang, ctx.place)
    params = ProductivityParams.from_mapping(
        ctx.params(PARAMS_FILE), file=f"{params_path(PARAMS_FILE)} with {ctx.profile.file}"
    )
    targets = scored_targets(
        dataset,
        "lp_growth",
        ctx.params(TARGETS_FILE),
        file=str(params_path(TARGETS_FILE)),
        geo=params.geo,
    )
    milestones = dict(zip(targets["year"], targets["value"], strict=True))
    instruments = list(dict.fromkeys(targets["instrument"]))
    national = from_data.national_productivity(dataset, start=params.national_start, as_of=as_of)
    try:
        city = productivity_from_params(dataset, params, milestones=milestones, as_of=as_of)
    except MissingFigureError as missing:  # the profile says the place publishes none
        return _without_city(ctx, missing, targets=targets, national=national, params=params)
    jobs = city["employment_growth"]
    employment = dataset.series("employment", params.geo, as_of=as_of)
    growth = dataset.series("grdp_growth_real", params.geo, as_of=as_of)
    current = dataset.series("grdp_current", params.geo, unit="bn_vnd", as_of=as_of)
    real = city["real_growth"].to_frame().set_index("year")["lp_growth_real_pct"]
    first, last = params.employment_window
    return StepResult(
        "productivity",
        outputs={
            "lp_targets_sentence": words(
                "txt.lp_targets",
                targets=narrative.targets_sentence(targets, per_year=True, lang=lang),
            ),
            "employment_assumption": words(
                "txt.employment_assumption",
                value=words.number(jobs.mean, 2, strip=True),
                first=first - 1,
                last=last,
                geo=words.place(params.geo, dataset.codes["geographies"]),
                sources=narrative.sources_caption([employment], values=False, lang=lang),
            ),
            "national_productivity_sentence": narrative.nominal_real_sentence(
                national.to_frame(), lang=lang
            ),
            "national_productivity": national.to_frame(),
            "city_lp_growth_real": city["real_growth"].to_frame(),
            "grdp_current_sources": narrative.sources_caption(
                [current], values=False, prefix=words("txt.grdp_current_sources"), lang=lang
            ),
            "city_lp_levels_nominal": city["nominal_levels"].to_frame().reset_index(),
            "city_lp_targets": city["targets"].to_frame(),
            "city_lp_trajectory": productivity_index_chart(
                real,
                base_year=params.base_year,
                milestones=milestones,
                geo_name=words.place(params.geo, dataset.codes["geographies"]),
                growth_sources=narrative.sources_caption(
                    [growth], values=False, prefix=words("txt.grdp_growth_sources"), lang=lang
                ),
                instruments=instruments,
                lang=lang,
            ),
        },
        objects={"city": city, "national": national, "params": params},
    )


def _without_city(ctx: Context, missing, *, targets, national, params) -> StepResult:
    """What the step answers for a place whose profile says a figure the city's productivity
    needs is not published (`MissingFigureError`): the targets and the nation's
    productivity as usual, the missing figure named in the text, the chart and empty city
    tables (nothing invented)."""
    words, lang = Words(ctx.lang, ctx.place), ctx.lang
    geographies = ctx.dataset.codes["geographies"]
    reason = words(
        "txt.productivity_missing",
        indicator=words.get(f"indicator.{missing.indicator}", missing.indicator),
        geo=words.place(missing.geo, geographies),
    )
    current = ctx.dataset.series("grdp_current", params.geo, unit="bn_vnd", as_of=ctx.as_of)
    outputs = {
        "lp_targets_sentence": words(
            "txt.lp_targets",
            targets=narrative.targets_sentence(targets, per_year=True, lang=lang),
        ),
        "employment_assumption": reason,
        "national_productivity_sentence": narrative.nominal_real_sentence(
            national.to_frame(), lang=lang
        ),
        "national_productivity": national.to_frame(),
        "grdp_current_sources": narrative.sources_caption(
            [current], values=False, prefix=words("txt.grdp_current_sources"), lang=lang
        ),
        "city_lp_trajectory": message_chart(
            words(
                "chart.lp_title",
                geo=words.place(params.geo, geographies),
                year=params.base_year,
                base=words.number(INDEX_BASE, 0),
            ),
            reason,
        ),
    }
    for entry in outputs_of("productivity"):
        if entry.kind == "table" and entry.name not in outputs:  # the city's: no rows
            outputs[entry.name] = pd.DataFrame(columns=list(entry.columns))
    return StepResult(
        "productivity",
        outputs={e.name: outputs[e.name] for e in outputs_of("productivity")},
        objects={"city": None, "national": national, "params": params, "missing": missing},
    )
