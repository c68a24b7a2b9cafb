"""Sentences for the scenario notebooks, built from a run's results (never typed).

Every number a reader sees in the prose of notebooks 05 and 06 comes from here, computed
from the scenario run, its observed start and its scorecard, so a new figure in ``data/``
or a changed target in ``data/targets.csv`` changes the text, and nbval sees it.
"""

from __future__ import annotations

import pandas as pd

from dxecon.models.scenarios.decomposition import TOTAL
from dxecon.models.scenarios.scenario_run import ASSUMPTION_COLUMNS, ScenarioRun
from dxecon.models.scenarios.scorecard import INTERVAL, MODELLED
from dxecon.models.scoring import ScoringConfig
from dxecon.present.notes import say_facts
from dxecon.present.tables import instrument_name

#: The columns of each view of the scorecard notebook 06 shows
#: (`dxecon.pipeline.steps.scorecard`).
CITY_COLUMNS = (
    "goal_id",
    "instrument",
    "also_set_by",
    "indicator",
    "year",
    "comparator",
    "target_value",
    "latest_value",
    "latest_period",
    "latest_geo",
    "latest_source",
    "median",
    "low",
    "high",
    "probability",
    "status",
)
CITY_NOTES_COLUMNS = ("goal_id", "earlier_levels", "other_boundary", "other_readings", "note_codes")
NO_DATA_COLUMNS = (
    "goal_id",
    "instrument",
    "pillar",
    "indicator",
    "year",
    "target_value",
    "note_codes",
)
CONTEXT_COLUMNS = (
    "goal_id",
    "instrument",
    "also_set_by",
    "indicator",
    "year",
    "target_value",
    "latest_value",
    "latest_period",
    "status",
)


#: The columns of `assumptions_view`: a growth figure's source in words in ``growth_from``
#: (with how a merged place's predecessors were read).
ASSUMPTION_VIEW_COLUMNS = tuple(
    c
    for c in ASSUMPTION_COLUMNS
    if c not in ("growth_centre", "growth_overridden", "growth_history")
)
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


def not_simulated_text(run: ScenarioRun, quantity: str, lang: str = "en") -> str:
    """Why ``quantity`` (a `Paths` quantity, e.g. ``lp_growth_real``) is not simulated, in
    words about the scenario's place ("" when it is)."""
    if quantity not in run.paths.unavailable:
        return ""
    from dxecon.core.places import place_of
    from dxecon.present.words import Words

    return Words(lang, place_of(run.scenario.geo))("txt.no_employment")


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
        parts += growth_history_sentences(run.start.table, words)
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


def growth_history_sentences(start: pd.DataFrame, words) -> list[str]:
    """How a merged place's growth history read its predecessors, one sentence per note
    (the start table's ``history`` column, `dxecon.models.scenarios.history`) with the
    sectors it concerns; none for a table without notes."""
    from dxecon.core.facts import facts_of
    from dxecon.present.notes import say_note

    if "history" not in start.columns:
        return []
    found: dict[str, list[str]] = {}
    for path, cell in zip(start["field"], start["history"].fillna(""), strict=True):
        for note in facts_of(cell):
            sectors = found.setdefault(say_note(note, words), [])
            code = path.split(".")[1]
            sector = words.get(f"sector.{code}", code)
            if sector not in sectors:
                sectors.append(sector)
    return [
        words("txt.growth_history", sectors=words.join(sectors), note=note)
        for note, sectors in found.items()
    ]


def fan_text(run: ScenarioRun, indicator: str, lang: str = "en") -> str:
    """The forecast goals of an indicator: median, 80% range and probability, per year."""
    missing = not_simulated_text(run, MODELLED.get(indicator, indicator), lang)
    if missing:
        return missing
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
                instrument=instrument_name(row.instrument, words),
                comparator=row.comparator,
                target=_number(row.target_value, lang),
                year=row.year,
                reading=f" ({reading_words(row.reading, words)})" if row.reading else "",
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


def share_change_text(change: pd.DataFrame, words) -> str:
    """Why the digital share falls, when its median in the last simulated year is below its
    start ("" otherwise), from `dxecon.models.scenarios.decomposition.share_change`: what
    the sectors' own digital shares add (intensity effect), what the change of the sector
    weights adds (structure effect), and, when the weights pull it down, the sector that
    pulls most (its digital share, its assumed growth against the fastest-growing other
    sector's, its weight before and after)."""
    total = change.set_index("sector").loc[TOTAL]
    if not total["share_end"] < total["share_start"]:
        return ""

    def number(value) -> str:
        return words.number(value, 2, trim=False, strip=True)

    def signed(value) -> str:
        return ("+" if value > 0 else "") + number(value)

    text = words(
        "share.falls",
        start=number(total["share_start"]),
        end=number(total["share_end"]),
        year_start=int(total["year_start"]),
        year_end=int(total["year_end"]),
        intensity=signed(total["intensity_pp"]),
        structure=signed(total["structure_pp"]),
    )
    sectors = change[change["sector"] != TOTAL]
    if not total["structure_pp"] < 0 or len(sectors) < 2:
        return text
    pulling = sectors.loc[sectors["structure_pp"].idxmin()]
    others = sectors[sectors["sector"] != pulling["sector"]]
    fastest = others.loc[others["growth_mean"].idxmax()]
    if not fastest["growth_mean"] > pulling["growth_mean"]:
        return text
    clause = words(
        "share.falls_weights",
        sector=words(f"sector.{pulling['sector']}"),
        share=number(pulling["share_start"]),
        growth=number(pulling["growth_mean"]),
        other_growth=number(fastest["growth_mean"]),
        other=words(f"sector.{fastest['sector']}"),
        weight_start=number(pulling["weight_start"]),
        weight_end=number(pulling["weight_end"]),
    )
    return f"{text} {clause[0].upper()}{clause[1:]}"


def reading_words(reading: str, words) -> str:
    """A scorecard reading ("real, compound average 2026-2030") in the language of
    ``words``; any other reading as it is."""
    import re

    match = re.fullmatch(
        r"(real|nominal), (compound average|every year) (\S+)( \(weakest year\))?", reading
    )
    if not match:
        return reading
    kind = "compound" if match.group(2) == "compound average" else "every_year"
    basis = words(f"explorer.basis.{match.group(1)}")
    return words(f"explorer.reading.{kind}", basis=basis, span=match.group(3))


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
        name=words.scenario(scenario.name),
        description=words.get(f"scenario_description.{scenario.name}", scenario.description),
        as_of=scenario.as_of,
        start=scenario.base_year + 1,
        horizon=scenario.horizon,
        paths=words.number(scenario.paths, 0),
        seed=scenario.seed,
    )


def assumptions_view(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A scenario's sector assumptions (`dxecon.models.scenarios.assumptions_table`) as a
    reader sees them: the sector and the source of each growth figure in words, a speed or
    ceiling the diffusion draws per path said so."""
    words = _words(lang)
    drawn = words("assume.drawn")
    shown = table.copy().astype(object)
    shown["sector"] = [words.get(f"sector.{code}", code) for code in table["sector"]]
    basis = []
    for r in table.itertuples(index=False):
        if r.growth_from:
            text = words(
                "assume.from_history",
                years=r.growth_from,
                centre=words(f"assume.centre.{r.growth_centre}"),
            )
        else:
            text = words("assume.stated")
        if r.growth_overridden:
            text += words("assume.overridden", what=r.growth_overridden)
        if r.growth_history:
            text += f"; {say_facts(r.growth_history, words)}"
        basis.append(text)
    shown["growth_from"] = basis
    shown = shown[list(ASSUMPTION_VIEW_COLUMNS)]
    for column in ("ceiling", "speed", "speed_sd"):
        shown[column] = [
            drawn if pd.isna(v) and pd.notna(start) else v
            for v, start in zip(table[column], table["intensity_start"], strict=True)
        ]
    return shown


def reasoning_table(scenario, lang: str = "en") -> pd.DataFrame:
    """The scenario's stated sources and reasoning (its ``assumptions``), one row each, in
    ``lang``."""
    items = [(key, reasoning(lang)) for key, reasoning in scenario.assumptions.items()]
    return pd.DataFrame(items, columns=["assumption", "reasoning"])


def weights_text(weights, missing: list[str], lang: str = "en") -> str:
    """How the scenarios are weighted into the overall probability
    (`dxecon.models.scenarios.weights.ScenarioWeights`): equal, stated, or why there is no
    overall figure (``missing``: weighted scenarios the run lacks)."""
    words = _words(lang)
    if missing:
        return words("weights.missing", missing=", ".join(words.scenario(n) for n in missing))
    if len(set(weights.weights.values())) == 1:
        return words("weights.equal")
    listed = ", ".join(
        f"{words.scenario(n)} {words.number(v, 3, strip=True)}" for n, v in weights.weights.items()
    )
    return words("weights.stated", weights=listed)


def draws_text(draws, lang: str = "en") -> str:
    """What the diffusion draws say in words (a speed converted from another measure, the
    start figure's ambiguous year), or that the scenario states every speed and ceiling."""
    from dxecon.present.notes import say_facts

    words = _words(lang)
    if draws is None:
        return words("txt.draws_stated")
    return "\n".join(f"- {say_facts(note, words)}" for note in draws.notes)


def draws_table(draws) -> pd.DataFrame:
    """The diffusion draws' table (`dxecon.models.scenarios.diffusion.DiffusionDraws.table`);
    no rows when the scenario states its speeds and ceilings."""
    from dxecon.models.scenarios.diffusion import TABLE_COLUMNS

    return pd.DataFrame(columns=TABLE_COLUMNS) if draws is None else draws.table.copy()


def medians_table(forecasts: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The scenario forecasts' medians, one row per quantity and sector, one column per
    year, the quantities and sectors in words."""
    words = _words(lang)
    shown = forecasts.assign(
        indicator=[words.get(f"indicator.{code}", code) for code in forecasts["indicator"]],
        sector=[words.get(f"sector.{code}", code) for code in forecasts["sector"]],
    )
    medians = shown.pivot_table(
        index=["indicator", "sector"], columns="year", values="median", sort=False
    )
    return medians.round(2).rename(columns=str).reset_index().rename_axis(columns=None)


def start_table(start) -> pd.DataFrame:
    """Where the scenario starts, one row per value with its source
    (`dxecon.models.scenarios.start.StartValues`); no rows for a scenario that came with
    every start set."""
    from dxecon.models.scenarios.start import START_COLUMNS

    return pd.DataFrame(columns=START_COLUMNS) if start is None else start.to_frame()
