"""What a person reads of the in-year nowcast, in the reader's language: the headline, what
the year's releases are, and whether the error falls stage by stage. Rendered from
`dxecon.models.forecast.nowcast`'s results with the catalogue of words; no figure is typed
here. Tables are shown through `dxecon.present.tables` (headers and stage, method and verdict
words from the catalogue)."""

from __future__ import annotations

import pandas as pd

from dxecon.models.forecast.nowcast import NowcastResult
from dxecon.present.words import Words


def _stage(label: str, words: Words) -> str:
    return words.get(f"nowcast.{label}", label)


def headline(result: NowcastResult, *, geographies: pd.DataFrame, lang: str = "vi") -> str:
    """Markdown: the year's nowcast, its range, the target and the probability of meeting it,
    and the boundary, all rendered from the result."""
    words = Words(lang)
    text = words(
        "txt.nowcast_headline",
        year=result.year,
        geo=words.place(result.geo, geographies),
        as_of=words.date(f"{result.as_of:%Y-%m-%d}"),
        stage=_stage(result.stage_label, words),
        median=words.percent(result.median),
        level=words.number(100 * result.level, 0),
        lower=words.percent(result.lower),
        upper=words.percent(result.upper),
        method=words.get(f"nowcast.{result.model}", result.model),
        years=result.n_years,
    )
    if result.target is not None:
        probability = result.target_probability
        text += " " + words(
            "txt.nowcast_target",
            value=words.number(result.target["value"], 2, strip=True),
            instrument=result.target["instrument"],
            target_id=result.target["target_id"],
            probability=words.percent(None if probability is None else 100 * probability, 0),
        )
    else:
        text += " " + words("txt.nowcast_no_target", year=result.year)
    if result.path is not None and len(result.path) > 1:
        last = result.path.iloc[-1]
        text += "\n\n" + words(
            "txt.nowcast_moved", date=f"{last['as_of']:%Y-%m-%d}", what=last["what_is_new"]
        )
    if result.notes:
        text += "\n\n" + "\n".join(f"- {n}" for n in result.notes)
    return text


def inputs_sentence(result: NowcastResult, *, lang: str = "vi") -> str:
    """How many of the year's releases the nowcast read (none yet: says so)."""
    words = Words(lang)
    if result.inputs.empty:
        return words("txt.nowcast_no_inputs", year=result.year, as_of=f"{result.as_of:%Y-%m-%d}")
    return words("txt.nowcast_inputs", year=result.year, n=len(result.inputs))


def stage_findings(steps: pd.DataFrame, *, lang: str = "vi") -> str:
    """Markdown: whether the nowcast's error falls from each stage to the next
    (`dxecon.models.forecast.nowcast.NowcastBacktest.stage_steps`)."""
    words = Words(lang)
    lines = [words("txt.nowcast_steps_title")]
    for row in steps.itertuples(index=False):
        shown = {"before": _stage(row.before, words), "after": _stage(row.after, words)}
        if not row.years:
            lines.append(words("txt.nowcast_step_none", **shown))
            continue
        falls = row.mae_after < row.mae_before
        lines.append(
            words(
                "txt.nowcast_step",
                verdict=words("txt.falls" if falls else "txt.does_not_fall"),
                mae_before=words.number(row.mae_before),
                mae_after=words.number(row.mae_after),
                n=len(row.years.split(", ")),
                years=row.years,
                few=words("txt.too_few_years") if row.too_few else "",
                **shown,
            )
        )
    return "\n".join(lines)
