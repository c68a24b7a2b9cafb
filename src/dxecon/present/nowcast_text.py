"""What a person reads of the in-year nowcast, in the reader's language: the headline, what
the year's releases are, and whether the error falls stage by stage. Rendered from
`dxecon.models.forecast.nowcast`'s results with the catalogue of words; no figure is typed
here. Tables are shown through `dxecon.present.tables` (headers and stage, method and verdict
words from the catalogue)."""

from __future__ import annotations

import pandas as pd

from dxecon.models.forecast.nowcast import Note, NowcastResult
from dxecon.present.words import Words

#: The columns of the path table (`path_table`).
PATH_COLUMNS = ["as_of", "stage", "method", "median", "lower", "upper", "what_is_new"]


def _stage(stage: str, words: Words) -> str:
    return words(f"nowcast.{stage}")


def note_text(note: Note, words: Words, geographies: pd.DataFrame) -> str:
    """One of a nowcast's notes (`dxecon.models.forecast.nowcast.Note`) in words."""
    values = dict(note.values)
    if "value" in values:
        values["value"] = words.number(values["value"], 2, strip=True)
    if "stage" in values:
        values["stage"] = _stage(values["stage"], words)
    for key in ("geo", "own"):
        if key in values:
            values[key] = words.place(values[key], geographies)
    if "as_of" in values:
        values["as_of"] = words.date(values["as_of"])
    if "indicators" in values:
        named = [words.get(f"nowcast.indicator.{code}", code) for code in values["indicators"]]
        values["indicators"] = words.join(named)
    return words(f"nowcast.note.{note.code}", **values)


def what_is_new(result: NowcastResult, releases, words: Words, geographies) -> str:
    """The releases that moved the nowcast (a path row's ``new_releases``) in words: stage,
    year, growth, place, publisher, publication date, figure id."""
    if not releases:
        return words("nowcast.no_new_release")
    return "; ".join(
        words(
            "nowcast.new_release",
            stage=_stage(row["stage"], words),
            year=result.year,
            value=words.percent(row["value"], 2),
            geo=words.place(row["geo"], geographies),
            publisher=row["publisher"],
            published=words.date(f"{pd.Timestamp(row['published']):%Y-%m-%d}"),
            obs_id=row["obs_id"],
        )
        for row in releases
    )


def path_table(result: NowcastResult, *, geographies: pd.DataFrame, lang: str = "vi"):
    """The nowcast after each of the year's releases (`NowcastResult.path`), the releases
    that moved it in words (``what_is_new``; the first row: the start of the year), dates
    as ISO text."""
    words = Words(lang)
    path = result.path
    new = [
        words("nowcast.start_of_year") if i == 0 else what_is_new(result, new, words, geographies)
        for i, new in enumerate(path["new_releases"])
    ]
    return path.assign(as_of=path["as_of"].dt.strftime("%Y-%m-%d"), what_is_new=new).reindex(
        columns=PATH_COLUMNS
    )


def headline(result: NowcastResult, *, geographies: pd.DataFrame, lang: str = "vi") -> str:
    """Markdown: the year's nowcast, its range, the target and the probability of meeting it,
    and the boundary, all rendered from the result."""
    words = Words(lang)
    text = words(
        "txt.nowcast_headline",
        year=result.year,
        geo=words.place(result.geo, geographies),
        as_of=words.date(f"{result.as_of:%Y-%m-%d}"),
        stage=_stage(result.stage, words),
        median=words.percent(result.median),
        level=words.number(100 * result.level, 0),
        lower=words.percent(result.lower),
        upper=words.percent(result.upper),
        method=words(f"nowcast.{result.method}"),
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
        what = what_is_new(result, last["new_releases"], words, geographies)
        text += "\n\n" + words("txt.nowcast_moved", date=f"{last['as_of']:%Y-%m-%d}", what=what)
    if result.notes:
        lines = [f"- {note_text(note, words, geographies)}" for note in result.notes]
        text += "\n\n" + "\n".join(lines)
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
