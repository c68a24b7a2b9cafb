"""Every name a reader sees comes from the words catalogue (issue 23): the tables the
notebooks show, passed through `dxecon.present.tables.readable` in each language, hold no
code (of ``data/codes/*.csv``, or a step's or output's name), no snake_case identifier and
no ``nan``/``None``; the scorecard's recorded facts are worded by `dxecon.present.notes`.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pandas as pd
import pytest
from conftest import AS_OF

from dxecon.core import folders
from dxecon.present.words import LANGUAGES, Words, catalogue

#: Displayed tables that still show codes or English sentences in a Vietnamese table: each
#: with what is left. The test fails when one of them is clean (take it off the list).
KNOWN_LEFT: dict[str, str] = {}
#: Steps whose shown tables are checked, in the order they run (the sweep's thousands of
#: paths per variant are left out: minutes, not seconds).
STEPS = ("data_overview", "digital_economy", "productivity", "published_forecasts", "nowcast")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
MISSING = re.compile(r"\b(?:nan|NaN|None|NaT)\b|<NA>")


@cache
def displayed() -> frozenset[str]:
    """The outputs the notebooks show (``show(result, "<name>", ...)``)."""
    names = set()
    for path in folders.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"):
        names |= set(re.findall(r'show\(\w+, \\"(\w+)\\"', path.read_text(encoding="utf-8")))
    return frozenset(names)


@cache
def codes() -> tuple[frozenset[str], frozenset[str]]:
    """(codes a cell must not be, codes no cell may name): every code of data/codes (but a
    language's, and one the catalogue has as a word, e.g. the unit '%'), every step and
    output name; places' and instruments' codes inside a sentence too."""
    from dxecon.pipeline.catalogue import outputs_of
    from dxecon.pipeline.steps import STEPS as ALL_STEPS

    found = set(ALL_STEPS) | {o.name for step in ALL_STEPS for o in outputs_of(step)}
    for path in (folders.DATA_DIR / "codes").glob("*.csv"):
        if path.stem != "languages":
            found |= set(pd.read_csv(path, dtype=str)["code"].dropna())
    words = {text for entry in catalogue().values() for text in entry.values()}
    inside = set()
    for name in ("geographies", "instruments"):
        inside |= set(pd.read_csv(folders.DATA_DIR / "codes" / f"{name}.csv")["code"])
    return frozenset(found - words), frozenset(inside)


def problem(text: str) -> str | None:
    """What a reader should not see in ``text`` (a cell or a header), or None."""
    whole, inside = codes()
    text = text.strip()
    if text in whole:
        return f"the code {text!r}"
    for pattern in (SNAKE, MISSING):
        if found := pattern.search(text):
            return f"{found.group(0)!r}"
    named = [token for token in re.findall(r"[\w][\w/-]*", text) if token in inside]
    return f"the code {named[0]!r}" if named else None


def problems(frame: pd.DataFrame, lang: str) -> list[str]:
    from dxecon.present.tables import readable

    shown = readable(frame, lang)
    found = []
    for label in [*shown.columns, *shown.index.names]:
        if isinstance(label, str) and (why := problem(label)):
            found.append(f"header {label!r}: {why}")
    for column in shown.columns:
        for cell in shown[column]:
            if isinstance(cell, str) and (why := problem(cell)):
                found.append(f"{column!r}: {why} in {cell[:120]!r}")
                break
    return found


@pytest.fixture(scope="module", params=["HP", "BN"])
def shown_tables(request, dataset):
    """Every table the notebooks show, computed for a place: output name -> frame."""
    from dxecon.pipeline.context import Context
    from dxecon.pipeline.steps import run_step

    ctx = Context(dataset, AS_OF, place=request.param)
    results = [run_step(name, ctx) for name in STEPS]
    diffusion = run_step("diffusion", ctx)
    scenario = run_step("scenario", ctx, scenario="baseline", inputs={"diffusion": diffusion})
    scorecard = run_step("scorecard", ctx, scenario="baseline", inputs={"scenario": scenario})
    results += [diffusion, scenario, scorecard, run_step("panel", ctx)]
    return request.param, {
        name: value
        for result in results
        for name, value in result.outputs.items()
        if isinstance(value, pd.DataFrame) and name in displayed()
    }


@pytest.mark.slow
def test_every_shown_table_is_in_words(shown_tables):
    place, tables = shown_tables
    assert {"scorecard_city", "scorecard_city_notes", "gaps", "coverage"} <= set(tables)
    left, clean = {}, []
    for name, frame in tables.items():
        found = [f"[{lang}] {p}" for lang in LANGUAGES for p in problems(frame, lang)]
        if found and name not in KNOWN_LEFT:
            left[name] = found
        if not found and name in KNOWN_LEFT:
            clean.append(name)
    assert not left, f"{place}: codes a reader sees: {left}"
    assert not clean, f"{place}: now in words, take them off KNOWN_LEFT: {clean}"


# -- fast: the catalogue names every code a table shows; the scorecard's facts in words ------
@pytest.mark.parametrize(
    ("codes_file", "prefix"),
    [
        ("pillars", "pillar"),
        ("statuses", "status"),
        ("price_bases", "price_basis"),
        ("units", "unit"),
    ],
)
def test_the_catalogue_names_every_code_of_a_list(codes_file, prefix):
    listed = pd.read_csv(folders.DATA_DIR / "codes" / f"{codes_file}.csv", dtype=str)["code"]
    unnamed = [code for code in listed if f"{prefix}.{code}" not in catalogue()]
    assert not unnamed, f"catalogue.yaml lacks {prefix}.<code> for {unnamed}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_scorecard_facts_are_worded(lang):
    from dxecon.models.scenarios.scorecard import estimate_source
    from dxecon.present.notes import say_levels, say_other_boundary, say_readings, say_source
    from dxecon.present.tables import geography_codes, named_codes, readable

    words = Words(lang)
    estimate = estimate_source("structural_sector_minimum", lowest="agro")
    figure = {"value": 1234.5, "geo": "HP2025", "year": 2025, "method": "", "source": "X (S1)"}
    row = {
        "instrument": "HP-SEDP",
        "also_set_by": "NQ03-NQ/TU, UNSPEC",
        "latest_geo": "HP",
        "latest_source": estimate,
        "earlier_levels": json.dumps(
            [{"value": 25.0, "instrument": "NQ03-NQ/TU", "status": "met"}]
        ),
        "other_boundary": json.dumps(figure),
        "other_readings": json.dumps(
            [
                {
                    "basis": "nominal",
                    "reading": "every_year",
                    "first": 2026,
                    "last": 2030,
                    "probability": 0.031,
                    "median": 5.84,
                }
            ]
        ),
    }
    shown = readable(pd.DataFrame([row]), lang).iloc[0]
    assert all(problem(cell) is None for cell in shown), shown.to_dict()
    instruments = named_codes("instruments").set_index("code")[f"name_{lang}"]
    assert shown.iloc[0] == instruments["HP-SEDP"]
    assert shown.iloc[1] == f"{instruments['NQ03-NQ/TU']}, {instruments['UNSPEC']}"
    place = words.place("HP2025", geography_codes())
    assert say_other_boundary(row["other_boundary"], words) == words(
        "figure.other",
        value=words.number(1234.5, 2, strip=True),
        place=place,
        year=2025,
        method=words("method.other"),
        source="X (S1)",
    )
    assert words("sector.agro") in say_source(estimate, words)
    assert words("status.met") in say_levels(row["earlier_levels"], words)
    said = say_readings(row["other_readings"], words)
    assert words("explorer.basis.nominal") in said and words.number(5.84, 1) in said
    assert say_source("OBS0011 (S1)", words) == "OBS0011 (S1)"  # a reference, as it is


def test_a_text_for_a_reader_is_written_in_every_report_language():
    from dxecon.core.facts import TEXT_LANGUAGES, text_note
    from dxecon.present.notes import say_note

    assert TEXT_LANGUAGES == LANGUAGES  # a params file's {vi, en} text: the report's languages
    note = text_note({"vi": "Tiếng Việt ", "en": "English"})
    assert [say_note(note, Words(lang)) for lang in LANGUAGES] == ["Tiếng Việt", "English"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_parameter_a_yes_no_and_a_fixed_phrase_are_worded(lang):
    from dxecon.models.forecast.coverage import TOO_FEW
    from dxecon.present.tables import readable

    frame = pd.DataFrame(
        {"parameter": ["k_m"], "key": ["speed"], "judged": [True], "coverage": [TOO_FEW]}
    )
    shown = readable(frame, lang)
    words = Words(lang)
    expected = [words("calib.param.speed"), words("word.yes"), words("verdict.too_few")]
    assert list(shown.iloc[0]) == expected  # the key named the parameter: not shown itself


@pytest.mark.parametrize("name", ["baseline", "accelerated", "lagging"])
def test_every_scenarios_diffusion_draws_are_in_words(dataset, name):
    # each policy (calibrated, a province's speed converted from another measure, the
    # national pace) words its own evidence; the shown tables above run the baseline only
    from dxecon.models.scenarios import load_scenario, resolve_start
    from dxecon.models.scenarios.diffusion import diffusion_draws, start_share
    from dxecon.present.scenario_text import draws_text

    scenario = resolve_start(load_scenario(name, as_of=AS_OF), dataset)[0]
    draws = diffusion_draws(scenario, dataset, 20, start_share=start_share(scenario))
    found = [f"[{lang}] {p}" for lang in LANGUAGES for p in problems(draws.table, lang)]
    assert not found, found
    for lang in LANGUAGES:
        text = draws_text(draws, lang)
        assert text and problem(text) is None and '{"code"' not in text, text
