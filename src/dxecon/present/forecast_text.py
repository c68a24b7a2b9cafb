"""What a person reads of the forecasts of the published series (notebook 04 and the month
report's methods section), in the reader's language: the growth candidates' names, why a
candidate has no forecast at some Januaries, the January rule's choices and its goal, and
the pseudo-real-time scores. Rendered from `dxecon.models.forecast`'s tables; no figure is
typed here."""

from __future__ import annotations

from itertools import groupby

import pandas as pd

from dxecon.models.forecast.growth import NOT_PUBLISHED, RULE, TOO_SHORT, meets_goal
from dxecon.models.forecast.realtime import SCORED
from dxecon.present.words import DASH, Words


def candidate_name(name: str, words: Words) -> str:
    """A growth-forecast candidate in words (its code when the catalogue has none)."""
    return words.get(f"growth.candidate.{name}", name)


def growth_why(name: str, refused: pd.DataFrame | None, *, scored: bool, words: Words) -> str:
    """Why a candidate has no forecast at some Januaries (``refused``: the
    ``growth_refused`` table of `dxecon.models.forecast.growth.GrowthRealTime`)."""
    parts = []
    mine = pd.DataFrame(columns=["as_of", "reason"])
    if refused is not None:
        mine = refused[refused["candidate"] == name]
    short = mine[mine["reason"] == TOO_SHORT]
    if len(short):
        items = "; ".join(
            words(
                "growth.too_short_item",
                as_of=words.month(r.as_of),
                needed=int(r.needed),
                points=int(r.points),
            )
            for r in short.itertuples()
        )
        parts.append(words("growth.too_short", items=items))
    unpublished = mine[mine["reason"] == NOT_PUBLISHED]
    if len(unpublished):
        needs = words.get(f"growth.needs.{name}", words("growth.needs.other"))
        months = ", ".join(words.month(a) for a in unpublished["as_of"])
        parts.append(words("growth.not_published", needs=needs, months=months))
    failed = mine[~mine["reason"].isin([TOO_SHORT, NOT_PUBLISHED])]
    if len(failed):
        months = ", ".join(words.month(a) for a in failed["as_of"])
        parts.append(words("growth.failed", months=months))
    if not parts and not scored:
        parts.append(words("growth.not_scored"))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else DASH


def growth_rule_text(
    candidates: pd.DataFrame, choices: pd.DataFrame | None, spec, words: Words
) -> list[str]:
    """The rule's choices each January, and whether its pooled MAE meets the goal of
    ``params/forecasts.yaml`` (``growth.goal_mae_ratio``, in ``spec``) on the table's
    numbers (``candidates``: `dxecon.models.forecast.growth.growth_candidates`)."""
    out = []
    if choices is not None and len(choices):
        items = []
        pairs = zip(choices["as_of"], choices["chosen"], choices["used"], strict=True)
        for (chosen, used), run in groupby(pairs, key=lambda p: (p[1], p[2])):
            months = [words.month(str(p[0])) for p in run]
            span = (
                months[0]
                if len(months) == 1
                else words("growth.span", first=months[0], last=months[-1])
            )
            if chosen == used:
                items.append(
                    words("growth.choice", months=span, candidate=candidate_name(used, words))
                )
            else:
                items.append(
                    words(
                        "growth.choice_fallback",
                        months=span,
                        candidate=candidate_name(used, words),
                        chosen=candidate_name(chosen, words),
                    )
                )
        out.append(words("growth.rule", years=spec.min_outturn_years, choices="; ".join(items)))
    if spec.goal_mae_ratio is None:
        out.append(words("growth.no_goal"))
        return out
    goal = words("growth.goal", goal=words.number(spec.goal_mae_ratio, 2, strip=True))
    met = meets_goal(candidates, spec.goal_mae_ratio)
    if met is None:
        out.append(f"{goal} {words('growth.goal_unscored')}")
        return out
    rule = candidates[candidates["candidate"] == RULE].iloc[0]
    verdict = words(
        "growth.goal_met" if met else "growth.goal_not_met",
        mae=words.number(rule["pooled_mae"]),
        naive=words.number(rule["pooled_mae_naive"]),
        n=int(rule["errors"]),
        years=int(rule["years"]),
        ratio=words.number(rule["ratio"]),
    )
    out.append(f"{goal} {verdict}")
    return out


def realtime_summary(mae: pd.DataFrame, words: Words) -> str:
    """The pseudo-real-time scores (`dxecon.models.forecast.realtime.RealTimeResult.mae` of
    one or several series: one row per series and January) as a Markdown list: each scored
    January's MAE against no-change's, or why nothing was scored."""
    lines = [words("txt.realtime_title")]
    for r in mae.itertuples(index=False):
        if r.status != SCORED:
            why = words(f"status.{r.status}")
            month = words.month(r.as_of)
            lines.append(words("txt.realtime_unscored", series=r.series, as_of=month, why=why))
            continue
        lines.append(
            words(
                "txt.realtime_scored",
                series=r.series,
                as_of=words.month(r.as_of),
                model=r.model,
                years=r.years,
                mae=words.number(r.mae_model),
                naive=words.number(r.mae_naive),
                verdict=words("txt.no_larger" if r.no_worse_than_naive else "txt.larger"),
            )
        )
    return "\n".join(lines)
