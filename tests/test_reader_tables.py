"""What a reader sees of a step's tables: one missing-value mark, and the columns a model
fills with codes (stage, method, verdict, boundary, status, the chosen figure's reason, what
is new) worded in the reader's language."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import AS_OF

from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import run_step
from dxecon.present.tables import readable, table_html, table_text
from dxecon.present.words import DASH, LANGUAGES, Words, catalogue

#: Steps whose tables are checked (the cheap common ones: a second or two each).
STEPS = ("data_overview", "digital_economy", "productivity", "nowcast")
#: Marks of a missing value other than the one (`DASH`), as a whole cell.
OTHER_MARKS = re.compile(r"^(nan|NaN|None|<NA>|NaT|n/a|N/A|not available|No data|—|–|)$")
#: Columns a model fills with codes for `dxecon.present` to word.
CODED = ("stage", "method", "method_detail", "verdict", "boundary", "status", "reason")


@pytest.fixture(scope="module")
def results(dataset):
    """The checked steps' results, in Vietnamese (the default)."""
    return {step: run_step(step, Context(dataset, AS_OF, "vi")) for step in STEPS}


def tables(results) -> dict[str, pd.DataFrame]:
    return {
        name: value
        for result in results.values()
        for name, value in result.outputs.items()
        if isinstance(value, pd.DataFrame)
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_missing_value_is_the_one_mark_everywhere(results, lang):
    for name, frame in tables(results).items():
        readable_frame = readable(frame, lang)
        cells = readable_frame.astype(object).where(readable_frame.notna(), DASH)
        for column in cells.columns:
            texts = cells[column].map(str)
            bad = texts[texts.str.fullmatch(OTHER_MARKS.pattern)]
            assert bad.empty, (lang, name, column, list(bad)[:3])
        text, html = table_text(frame, lang), table_html(frame, lang)
        assert not re.search(r"\bNaN\b|\bnan\b|<NA>|None", text), (lang, name)
        assert not re.search(r">(NaN|nan|<NA>|None)<", html), (lang, name)


def worded(text: str, lang: str) -> bool:
    """Whether ``text`` is a catalogue entry in ``lang`` (its placeholders filled in), or
    several joined by "; " (what is new: one release each)."""
    patterns = _patterns(lang)
    return all(any(p.fullmatch(part) for p in patterns) for part in text.split("; "))


def _patterns(lang: str, _cache: dict = {}) -> list[re.Pattern]:  # noqa: B006 - a cache
    if lang not in _cache:
        _cache[lang] = [
            re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(entry[lang])), re.S)
            for entry in catalogue().values()
        ]
    return _cache[lang]


def test_coded_columns_are_worded_from_the_catalogue(results):
    lang, checked = "vi", 0
    for name, frame in tables(results).items():
        readable_frame = readable(frame, lang)
        for column in [*CODED, "what_is_new"]:
            if column not in frame.columns or not pd.api.types.is_string_dtype(frame[column]):
                continue
            header = readable_frame.columns[list(frame.columns).index(column)]
            for code, text in zip(frame[column], readable_frame[header], strict=True):
                if text == DASH or (column in ("method", "boundary", "status") and text == code):
                    continue  # a measure (GSO), a place code, a data status: no words to find
                assert worded(text, lang), (name, column, code, text)
                checked += 1
    assert checked > 20


def test_the_vietnamese_tables_hold_no_english_verdict_stage_or_reason(results):
    vi = results
    floors = readable(vi["digital_economy"]["sector_floors"], "vi")
    assert floors["Kết luận"].isin([catalogue()[f"verdict.{c}"]["vi"] for c in (
        "floor_no_share", "floor_meets", "floor_misses", "floor_above", "floor_below"
    )]).all()  # fmt: skip
    targets = vi["productivity"]["city_lp_targets"]
    assert set(targets["verdict"]) <= {"met_so_far", "missed", "not_assessed", "on_track",
                                       "behind", "met"}  # fmt: skip
    chosen = vi["data_overview"]["de_share_vn_chosen"]
    assert (
        chosen["reason"].str.contains("số").all()
        and not chosen["reason"].str.contains("figure").any()
    )
    path = vi["nowcast"]["nowcast_path"]
    assert path["what_is_new"].iloc[0] == catalogue()["nowcast.start_of_year"]["vi"]
    assert not path["what_is_new"].str.contains("New release|release of").any()
    assert "Note" not in vi["nowcast"]["nowcast_headline"]


def test_readable_writes_one_mark_and_yes_no_in_the_language():
    frame = pd.DataFrame(
        {
            "year": pd.array([2025, None], dtype="Int64"),
            "meets": pd.array([True, None], dtype="boolean"),
            "note": ["", "x"],
            "gap": pd.array([1.5, None], dtype="Float64"),
        }
    )
    shown = readable(frame, "vi")
    assert list(shown.iloc[:, 0]) == [2025, DASH]
    assert list(shown.iloc[:, 1]) == ["có", DASH]
    assert list(shown.iloc[:, 2]) == [DASH, "x"]
    assert readable(frame, "en").iloc[0, 1] == "yes"
    text = table_text(frame, "vi")
    assert "<NA>" not in text and "True" not in text and text.count(DASH) >= 4
    assert list(frame["note"]) == ["", "x"]  # the frame itself is left as it was


@pytest.mark.parametrize("lang", LANGUAGES)
def test_coverage_names_indicators_in_words_and_counts_years_in_the_language(dataset, lang):
    coverage = run_step("data_overview", Context(dataset, AS_OF, lang))["coverage"]
    codes = set(dataset.observations["indicator"])
    assert not set(coverage["indicator"]) & codes
    assert all(re.fullmatch(r"[^_]+ \([^()]+\)", name) for name in coverage["indicator"])
    year = {"vi": ("năm", "năm"), "en": ("year", "years")}[lang]
    roles = ["boundary_old", "boundary_new", "nation"]  # the place's boundaries, the nation
    cells = coverage[roles].stack().dropna()
    for cell in cells:
        n, _first, last = re.fullmatch(r"(\d+) \w+ \((\d{4})(?:-(\d{4}))?\)", cell).groups()
        assert cell.split(" ")[1] == year[int(n) != 1]
        assert (last is None) == (int(n) == 1)  # "1 năm (2022)", never "(2022-2022)"
    shown = table_text(coverage, lang)
    assert not re.search(r"^\s*0\s", shown, flags=re.MULTILINE)  # no 0, 1, 2... column
    html = table_html(coverage, lang)
    for role in roles:  # headers in words, never a code
        assert f"<th>{Words(lang)(f'nb.col.{role}')}</th>" in html
        assert f"<th>{role}</th>" not in html


def test_the_inherited_target_note_reads_in_both_languages():
    """A note recorded as a code and its facts reads in the reader's language, places by
    their names (data/codes/geographies.csv), never their codes."""
    cell = '[{"code": "inherited_target", "old": "HP", "new": "HP2025"}]'
    frame = pd.DataFrame({"goal_id": ["TGT001"], "note_codes": [cell]})
    vi = readable(frame, "vi")
    en = readable(frame, "en")
    assert list(vi.columns) == ["Mã mục tiêu", "Ghi chú"]
    assert vi.iloc[0, 1] == (
        "đặt cho Hải Phòng (địa giới trước 1/7/2025) trước khi thay đổi địa giới; được hiểu"
        " là áp dụng cho Hải Phòng (sau hợp nhất với Hải Dương) (params/targets.yaml)"
    )
    assert en.iloc[0, 1] == (
        "set for Hai Phong (boundary before 1 July 2025) before the boundary change; read as"
        " applying to Hai Phong (merged with Hai Duong) (params/targets.yaml)"
    )
    assert readable(frame.assign(note_codes=""), "vi").iloc[0, 1] == DASH
