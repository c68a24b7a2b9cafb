"""Sentences for the scenario notebooks, built from a run's results (never typed).

Every number a reader sees in the prose of notebooks 05 and 06 comes from here, computed
from the scenario run, its observed start and its scorecard, so a new figure in ``data/``
or a changed target in ``data/targets.csv`` changes the text, and nbval sees it.
"""

from __future__ import annotations

import pandas as pd

from dxecon.scenarios.scenario_run import ScenarioRun
from dxecon.scenarios.scorecard import INTERVAL
from dxecon.targets import ScoringConfig

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


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def start_text(run: ScenarioRun) -> str:
    """Where the scenario starts: base year, observed digital share and its sources."""
    scenario, base = run.scenario, run.paths.base
    parts = [
        f"The scenario starts in **{scenario.base_year}**, the latest year whose GRDP "
        f"structure of {scenario.geo} was published by {scenario.as_of}: the digital economy "
        f"then stood at **{_number(base['de_share'])}% of GRDP** (structural estimate, "
        "calibrated to the published share) and the least digital sector at "
        f"{_number(base['de_sector_share_min'])}% of its value added."
    ]
    if run.start is not None:
        overridden = run.start.table[run.start.table["overridden"]]
        if overridden.empty:
            parts.append("Every start value below is read from `data/`; none is overridden.")
        for row in overridden.itertuples():
            parts.append(
                f"Overridden by the scenario: `{row.field}` = {row.value:g} ({row.reason})."
            )
    return " ".join(parts)


def fan_text(run: ScenarioRun, indicator: str) -> str:
    """The forecast goals of an indicator: median, 80% range and probability, per year."""
    card = run.scorecard.frame
    rows = card[
        (card["indicator"] == indicator)
        & (card["scope"] == "city")
        & (card["scored_on"] == "forecast")
    ]
    if rows.empty:
        return "No target of this quantity falls within the simulated years."
    sentences = []
    for row in rows.itertuples():
        reading = f" ({row.reading})" if row.reading else ""
        sentences.append(
            f"{row.instrument} asks for {row.comparator} {_number(row.target_value)} "
            f"in {row.year}{reading}: median {_number(row.median)}, {_interval_name()} "
            f"{_number(row.low)}-{_number(row.high)}, probability "
            f"{100 * row.probability:.0f}% (**{row.status}**)."
        )
    return " ".join(sentences)


def _interval_name() -> str:
    return f"{INTERVAL[1] - INTERVAL[0]}% range"


def interval_text() -> str:
    """What the low and high columns of the scorecard are."""
    return (
        f"`low` and `high` bound the central {INTERVAL[1] - INTERVAL[0]}% of the simulated "
        f"paths (their {INTERVAL[0]}th and {INTERVAL[1]}th percentiles); the probability is "
        "the share of paths that meet the target."
    )


def status_counts(card: pd.DataFrame) -> pd.Series:
    """Goals per status, in a fixed reading order."""
    counts = card["status"].value_counts()
    order = [s for s in STATUS_ORDER if s in counts.index]
    order += sorted(set(counts.index) - set(order))
    return counts.reindex(order)


def scorecard_text(run: ScenarioRun) -> str:
    """How many city goals the scorecard speaks to, and how."""
    city = run.scorecard.city()
    counts = status_counts(city)
    listed = ", ".join(f"{n} {status}" for status, n in counts.items())
    no_data = int(counts.get("no data", 0))
    return (
        f"The scorecard holds **{len(city)} city goals** (a goal set by several instruments "
        f"counts once) and {len(run.scorecard.frame) - len(city)} national goals as context. "
        f"City goals by status: {listed}. {no_data} of {len(city)} "
        f"({100 * no_data / max(len(city), 1):.0f}%) have no figure in `data/`; each of "
        "those rows names the figure that would be needed."
    )


def status_legend(config: ScoringConfig) -> str:
    """What each status means, with the thresholds of ``params/targets.yaml``."""
    return (
        "Status: **met** / **missed** (the target year's figure is published, on the "
        "target's boundary); **not comparable** (the only figure covers another boundary: "
        f"both are shown); **on track** (probability at least {100 * config.on_track:.0f}%), "
        f"**at risk** ({100 * config.at_risk:.0f}-{100 * config.on_track:.0f}%), **off "
        f"track** (below {100 * config.at_risk:.0f}%) for forecast goals; **on trend** / "
        f"**off trend** (a linear trend of at least {config.trend_min_points} published "
        "years); **latest meets** / **latest short** (the latest published figure, the "
        "target year not yet published); **indicative** (only a close measure exists: "
        "never scored); **no data**."
    )


def header_text(run: ScenarioRun, lang: str = "en") -> str:
    """The scenario notebooks' opening line: which scenario, as of when, how many paths."""
    from dxecon.reporting.i18n import Words

    scenario, words = run.scenario, Words(lang)
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
    from dxecon.reporting.i18n import Words

    words = Words(lang)
    view = frame[columns].copy()
    if "status" in view:
        view["status"] = view["status"].map(words.status)
    return view.rename(columns={c: words(f"nb.col.{c}") for c in columns})


def status_table(card: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """How many city goals have each status, status words in ``lang``."""
    from dxecon.reporting.i18n import Words

    words = Words(lang)
    counts = status_counts(card)
    counts.index = [words.status(status) for status in counts.index]
    return counts.rename(words("nb.city_goals")).to_frame()
