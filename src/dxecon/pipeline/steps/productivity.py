"""Step ``productivity`` (notebook 03): labour productivity, real and nominal, against the
growth targets: Vietnam's published level and real growth (nominal is not real), the city's
real growth and nominal levels under an employment assumption computed from the published
employment (`dxecon.models.employment`), both readings of the targets, and the index path
beside the targets' minimum path.

Choices: ``params/productivity.yaml`` (with the context's overrides); targets:
``data/targets.csv`` for the instruments of ``params/targets.yaml``.
"""

from __future__ import annotations

from dxecon.core.params import params_path
from dxecon.data.targets import scored_targets
from dxecon.models.employment import ProductivityParams, productivity_from_params
from dxecon.models.estimation import from_data
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import narrative
from dxecon.present.charts.published import productivity_index_chart
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
    city = productivity_from_params(dataset, params, milestones=milestones, as_of=as_of)
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
