"""Step ``published_forecasts`` (notebook 04): what the published figures alone say about the
next years. Each series of ``params/forecasts.yaml`` is forecast by the model a
rolling-origin backtest chooses; the pseudo-real-time check sets the forecasts each January
would have made against the later outturn; the city's growth candidates (issue 20) are
scored the same way and chosen each January by the rule.

Choices: ``params/forecasts.yaml`` (with the context's overrides).
"""

from __future__ import annotations

import pandas as pd

from dxecon.data.targets import TargetRegistry, effective_targets
from dxecon.models.forecast.backtest import DEFAULT_BACKTEST_HORIZON, DEFAULT_MIN_TRAIN
from dxecon.models.forecast.catalog import (
    backtest_catalog,
    entries_from_params,
    entries_table,
    forecast_catalog,
    series_geo,
)
from dxecon.models.forecast.coverage import CoverageRule
from dxecon.models.forecast.growth import GrowthSpec, growth_candidates, growth_realtime
from dxecon.models.forecast.realtime import pseudo_real_time
from dxecon.models.forecast.results import DEFAULT_ALPHA, interval_label
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import StepResult
from dxecon.present import narrative
from dxecon.present.charts.published import forecast_fan_chart
from dxecon.present.forecast_text import growth_rule_text, realtime_summary
from dxecon.present.words import Words

PARAMS_FILE = "forecasts.yaml"
#: The series drawn as a fan with its targets: the national digital-economy share.
FAN_INDICATOR = "de_share"
#: The series key of the medians table (one row per series and model, one column per year).
MEDIAN_INDEX = ["indicator", "geo", "sector", "model"]


def compute(ctx: Context) -> StepResult:
    params, dataset, lang, as_of = ctx.params(PARAMS_FILE), ctx.dataset, ctx.lang, ctx.as_of
    words = Words(lang)
    backtest = params.get("backtest") or {}
    rule = CoverageRule.from_params(backtest)
    pools = backtest.get("pools")
    entries = entries_from_params(dataset, params["series"], as_of=as_of)
    series = entries_table(entries, params["series"])
    scores = backtest_catalog(entries, dataset=dataset, as_of=as_of, rule=rule, pools=pools)
    forecasts = forecast_catalog(
        entries, until=params["horizon"], dataset=dataset, as_of=as_of, rule=rule, pools=pools
    )
    realtime = [
        pseudo_real_time(
            dataset,
            item["indicator"],
            series_geo(item),
            method=item.get("method"),
            ceiling=item.get("ceiling"),
            first=params["realtime"]["first"],
            label=item.get("label"),
        )
        for item in params["realtime"]["series"]
    ]
    realtime_table = pd.concat([r.to_frame() for r in realtime], ignore_index=True)
    growth_spec = GrowthSpec.from_params(params["growth"])
    growth = growth_realtime(dataset, growth_spec)
    candidates = growth_candidates(growth)
    return StepResult(
        "published_forecasts",
        outputs={
            "forecast_series_sentence": words(
                "txt.forecast_series",
                n=len(series),
                low=int(series["points"].min()),
                high=int(series["points"].max()),
            ),
            "forecast_series": series,
            "backtest_setup": words(
                "txt.backtest_setup",
                train=DEFAULT_MIN_TRAIN,
                ahead=DEFAULT_BACKTEST_HORIZON,
                level=interval_label(DEFAULT_ALPHA),
            ),
            "backtests": scores,
            "published_forecasts": forecasts,
            "published_forecasts_sentence": _medians_sentence(forecasts, params, words, as_of),
            "published_forecast_medians": forecasts.pivot_table(
                index=MEDIAN_INDEX, columns="year", values="median"
            )
            .rename_axis(columns=None)
            .reset_index(),
            "de_share_vn_forecast": _fan(dataset, entries, forecasts, params, lang, as_of),
            "pseudo_real_time": realtime_table,
            "pseudo_real_time_summary": realtime_summary(realtime_table, words),
            "growth_candidates": candidates,
            "growth_choices": growth.choices,
            "growth_refused": growth.refused,
            "growth_spec": pd.DataFrame(
                [{f: _text(getattr(growth_spec, f)) for f in GrowthSpec.FIELDS}]
            ),
            "growth_rule": "\n\n".join(
                growth_rule_text(candidates, growth.choices, growth_spec, words)
            ),
        },
        objects={"entries": entries, "realtime": realtime, "growth": growth},
    )


def _medians_sentence(forecasts: pd.DataFrame, params, words: Words, as_of: str) -> str:
    if forecasts.empty:
        return words("txt.forecast_none", as_of=words.month(as_of))
    intervals = words.join(forecasts["interval"].unique())
    return words("txt.forecast_medians", horizon=params["horizon"], intervals=intervals)


def _fan(dataset, entries, forecasts: pd.DataFrame, params, lang: str, as_of: str):
    """The national share's fan (a chart saying why there is none when no forecast could be
    made as of the date)."""
    entry = next((e for e in entries if e.key["indicator"] == FAN_INDICATOR), None)
    forecast = forecasts[forecasts["indicator"] == FAN_INDICATOR]
    if entry is None or forecast.empty:
        empty = pd.Series(dtype=float)
        return forecast_fan_chart(forecast, empty, sources="", targets=None, lang=lang, as_of=as_of)
    key = entry.key
    published = dataset.series(
        key["indicator"],
        key["geo"],
        sector=key["sector"],
        method=key["method"] or None,
        price_basis=key["price_basis"],
        unit=key["unit"],
        as_of=as_of,
    )
    targets = effective_targets(
        TargetRegistry(dataset),
        FAN_INDICATOR,
        geo=key["geo"],
        years=[params["horizon"]],
        allow_empty=True,
    )
    return forecast_fan_chart(
        forecast,
        entry.series,
        sources=narrative.sources_caption([published], values=False, lang=lang),
        targets=targets,
        lang=lang,
        as_of=as_of,
    )


def _text(value):
    """A tuple of codes as one cell (space-separated)."""
    return " ".join(value) if isinstance(value, tuple) else value
