"""Sentences for the scenario notebooks, built from a run's results (never typed).

Every number a reader sees in the prose of notebooks 05 and 06 comes from here, computed
from the scenario run, its observed start and its scorecard, so a new figure in ``data/``
or a changed target in ``data/targets.csv`` changes the text, and nbval sees it.
"""

from __future__ import annotations

import pandas as pd

from dxecon.models.scenarios.scenario_run import ScenarioRun
from dxecon.models.scenarios.scorecard import INTERVAL
from dxecon.models.scoring import ScoringConfig

#: Order in which status counts are listed.
STATUS_ORDER = (
    "met",
    "missed",
    "not comparable",
    "on track",
    "at risk",
    "off track",
    "on trend",
    "off trend",
    "latest meets",
    "latest short",
    "indicative",
    "no data",
)


def _words(lang: str):
    from dxecon.present.words import Words

    return Words(lang)


def _number(value: float, lang: str = "en") -> str:
    """Two decimals at most, no trailing zeros, the language's separators (22.28, 22,28)."""
    return _words(lang).number(value, 2, trim=False, strip=True)


def start_text(run: ScenarioRun, lang: str = "en") -> str:
    """Where the scenario starts: base year, observed digital share and its sources."""
    scenario, base, words = run.scenario, run.paths.base, _words(lang)
    parts = [
        words(
            "nb.start",
            year=scenario.base_year,
            geo=scenario.geo,
            as_of=scenario.as_of,
            share=_number(base["de_share"], lang),
            minimum=_number(base["de_sector_share_min"], lang),
        )
    ]
    if run.start is not None:
        overridden = run.start.table[run.start.table["overridden"]]
        if overridden.empty:
            parts.append(words("nb.start_read"))
        for row in overridden.itertuples():
            parts.append(
                words(
                    "nb.start_overridden",
                    field=row.field,
                    value=f"{row.value:g}",
                    reason=row.reason,
                )
            )
    return " ".join(parts)


def fan_text(run: ScenarioRun, indicator: str, lang: str = "en") -> str:
    """The forecast goals of an indicator: median, 80% range and probability, per year."""
    card, words = run.scorecard.frame, _words(lang)
    rows = card[
        (card["indicator"] == indicator)
        & (card["scope"] == "city")
        & (card["scored_on"] == "forecast")
    ]
    if rows.empty:
        return words("nb.fan_none")
    sentences = []
    for row in rows.itertuples():
        sentences.append(
            words(
                "nb.fan_sentence",
                instrument=row.instrument,
                comparator=row.comparator,
                target=_number(row.target_value, lang),
                year=row.year,
                reading=f" ({row.reading})" if row.reading else "",
                median=_number(row.median, lang),
                width=INTERVAL[1] - INTERVAL[0],
                low=_number(row.low, lang),
                high=_number(row.high, lang),
                probability=f"{100 * row.probability:.0f}",
                status=words.status(row.status),
            )
        )
        if getattr(row, "reading_mic", "") == "converted":  # a share also read on MIC's measure
            from dxecon.models.measures import MeasureConfig

            other = MeasureConfig.from_yaml().other_measure
            sentences.append(
                words(
                    "nb.fan_other_measure",
                    by=words.get(f"by.{other}", other),
                    width=INTERVAL[1] - INTERVAL[0],
                    probability=f"{100 * row.probability_mic:.0f}",
                    median=_number(row.median_mic, lang),
                    low=_number(row.low_mic, lang),
                    high=_number(row.high_mic, lang),
                )
            )
    return " ".join(sentences)


def interval_text(lang: str = "en") -> str:
    """What the low and high columns of the scorecard are."""
    low, high = INTERVAL
    return _words(lang)("nb.interval", width=high - low, low=low, high=high)


def status_counts(card: pd.DataFrame) -> pd.Series:
    """Goals per status, in a fixed reading order."""
    counts = card["status"].value_counts()
    order = [s for s in STATUS_ORDER if s in counts.index]
    order += sorted(set(counts.index) - set(order))
    return counts.reindex(order)


def scorecard_text(run: ScenarioRun, lang: str = "en") -> str:
    """How many city goals the scorecard speaks to, and how."""
    words = _words(lang)
    city = run.scorecard.city()
    counts = status_counts(city)
    no_data = int(counts.get("no data", 0))
    return words(
        "nb.scorecard",
        city=len(city),
        national=len(run.scorecard.frame) - len(city),
        listed=", ".join(f"{n} {words.status(status)}" for status, n in counts.items()),
        no_data=no_data,
        share=f"{100 * no_data / max(len(city), 1):.0f}",
    )


def status_legend(config: ScoringConfig, lang: str = "en") -> str:
    """What each status means, with the thresholds of ``params/targets.yaml``."""
    return _words(lang)(
        "nb.status_legend",
        on_track=f"{100 * config.on_track:.0f}",
        at_risk=f"{100 * config.at_risk:.0f}",
        points=config.trend_min_points,
    )


def header_text(run: ScenarioRun, lang: str = "en") -> str:
    """The scenario notebooks' opening line: which scenario, as of when, how many paths."""
    scenario, words = run.scenario, _words(lang)
    return words(
        "nb.header",
        name=scenario.name,
        description=scenario.description,
        as_of=scenario.as_of,
        start=scenario.base_year + 1,
        horizon=scenario.horizon,
        paths=words.number(scenario.paths, 0),
        seed=scenario.seed,
    )


def scorecard_view(frame: pd.DataFrame, columns: list[str], lang: str = "en") -> pd.DataFrame:
    """Scorecard rows as a notebook shows them: ``columns`` with headers and status words in
    ``lang`` (the saved ``scorecard.csv`` keeps its machine-readable columns)."""
    words = _words(lang)
    view = frame[columns].copy()
    if "status" in view:
        view["status"] = view["status"].map(words.status)
    return view.rename(columns={c: words(f"nb.col.{c}") for c in columns})


def status_table(card: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """How many city goals have each status, status words in ``lang``."""
    words = _words(lang)
    counts = status_counts(card)
    counts.index = [words.status(status) for status in counts.index]
    return counts.rename(words("nb.city_goals")).to_frame()
