"""Sentences built from results (dxecon.present.narrative): the figures come from the inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from dxecon.data import load_dataset
from dxecon.present import narrative
from dxecon.present.words import Words
from tests.conftest import replace_in


def figure(value) -> str:
    """A figure as an English sentence shows it (two decimals at most, trailing zeros dropped)."""
    return Words("en").number(value, 2, strip=True)


def test_sources_caption_names_the_chosen_figures_and_gaps(dataset):
    hp = dataset.series("de_share", "HP", method="GSO")
    merged = dataset.series("de_share", "HP2025", method="GSO")
    caption = narrative.sources_caption([hp, merged], unit="%", lang="en")
    chosen = pd.concat([hp.chosen, merged.chosen])
    for source, value in zip(chosen["source_id"], chosen["value"], strict=True):
        assert f"{source} (" in caption and f"{figure(value)}%" in caption
    growth = dataset.series("grdp_growth_real", "HP")
    short = narrative.sources_caption([growth], values=False, lang="en")
    assert "Missing (not filled): " in short and "2018" in short
    vietnamese = narrative.sources_caption([merged], unit="%", lang="vi")
    assert (
        vietnamese.startswith("Nguồn: ")
        and f"{merged.values.dropna().iloc[-1]:.2f}%".replace(".", ",") in vietnamese
    )


def test_a_changed_observation_changes_the_caption(data_copy):
    before = load_dataset(data_copy).series("de_share", "HP2025", method="GSO")
    replace_in(
        data_copy / "observations.csv",
        ",de_share,HP2025,total,2025,22.28,",
        ",de_share,HP2025,total,2025,23.5,",
    )
    after = load_dataset(data_copy).series("de_share", "HP2025", method="GSO")
    assert "22.28%" in narrative.sources_caption([before], unit="%", lang="en")
    assert "23.5%" in narrative.sources_caption([after], unit="%", lang="en")


def test_revisions_and_boundary_sentences(dataset):
    vintages = pd.DataFrame(
        {
            "published": pd.to_datetime(["2023-09-30", "2023-12-04", None]),
            "source_id": ["X12", "E2", "E3"],
            "status": ["P", "P", "E"],
            2022: [12.86, 12.67, None],
            2023: [None, None, 12.33],
        }
    )
    text = narrative.revisions_sentence(vintages, lang="en")
    assert (
        text == "2022: 12.86 in the release of 2023-09-30 (X12, P) and 12.67 in the release of "
        "2023-12-04 (E2, P)."
    )
    assert narrative.revisions_sentence(vintages, year=2023, unit="%", lang="en") == (
        "2023: 12.33% in an undated release (E3, E)."
    )
    assert narrative.revisions_sentence(vintages, lang="vi").startswith(
        "Số liệu năm 2022: 12,86 theo lần công bố ngày 2023-09-30 (X12, P) và 12,67"
    )
    same = vintages.copy()
    same[2022] = [12.66, 12.66, None]
    assert narrative.revisions_sentence(same, year=2022, lang="en").startswith(
        "2022: every release gives 12.66 ("
    )
    old = dataset.series("de_share", "HP", method="GSO")
    new = dataset.series("de_share", "HP2025", method="GSO")
    sentence = narrative.boundary_sentence(
        old, new, old_label="old city", new_label="new city", what="share", lang="en"
    )
    last_new = new.values.dropna()
    assert f"{figure(last_new.iloc[-1])}%" in sentence
    assert ("lower than" in sentence) == (last_new.iloc[-1] < old.values.dropna().iloc[-1])


def test_split_and_targets_sentences():
    split = pd.DataFrame(
        {
            "core_pct": [7.42, 8.42],
            "digitised_pct": [4.91, 5.6],
            "total_pct": [12.33, 14.02],
            "published_total_pct": [12.33, 14.10],
            "rounding_residual_pp": [0.0, 0.08],
        },
        index=[2023, 2025],
    )
    text = narrative.split_sentence(split, sources={2023: "E3"}, lang="en")
    assert text == (
        "Core + digitised = total, % of GDP: 7.42 + 4.91 = 12.33% in 2023 (E3); 8.42 + 5.6 = "
        "14.1% in 2025, where the parts sum to 14.02."
    )
    targets = pd.DataFrame(
        {
            "target_id": ["TGT011", "TGT023"],
            "instrument": ["NQ03-NQ/TU", "NQ03-NQ/TU"],
            "year": [2025, 2030],
            "comparator": [">=", ">="],
            "value": [15.0, 16.0],
        }
    )
    assert narrative.targets_sentence(targets, per_year=True, lang="en") == (
        "at least 15% a year to 2025 and at least 16% a year to 2030 (NQ03-NQ/TU: TGT011, TGT023)"
    )
    assert narrative.targets_sentence(targets, per_year=True, lang="vi").startswith(
        "tối thiểu 15%/năm đến năm 2025 và tối thiểu 16%/năm đến năm 2030"
    )


def test_floors_sentence_says_what_each_sector_needs():
    floors = pd.DataFrame(
        {
            "sector": ["agro", "agro", "ind_con", "ind_con"],
            "floor_year": [2025, 2030, 2025, 2030],
            "floor_pct": [15.0, 25.0, 15.0, 25.0],
            "share_year": [2025] * 4,
            "share_pct": [1.12, 1.12, 30.2, 30.2],
            "meets": [False, False, True, True],
            "required_growth_pct_per_year": [None, 86.2, 0.0, 0.0],
        }
    )
    text = narrative.floors_sentence(floors, lang="en")
    assert text.splitlines() == [
        "- agriculture (1.1% in 2025): its share would need to grow 86% a year to reach 25% by "
        "2030.",
        "- industry & construction (30.2% in 2025) is above every floor.",
    ]


def test_nominal_real_sentence():
    national = pd.DataFrame(
        {
            "year": [2023, 2024],
            "lp_current_m_vnd": [199.3, 221.9],
            "lp_growth_nominal_pct": [5.62, 11.34],
            "lp_growth_real_pct_published": [3.65, 5.88],
            "implied_deflator_pct": [1.9, 5.16],
        }
    )
    text = narrative.nominal_real_sentence(national, lang="en")
    assert "from 199.3 to 221.9 million VND per worker in 2024: 11.3% at current" in text
    assert "real growth was 5.88%" in text and "(5.2%) is prices" in text


def test_boundary_break_from_the_geographies(dataset):
    year, label = narrative.boundary_break(dataset.codes["geographies"], "HP", lang="en")
    assert (year, label) == (2024.5, "merger July 1, 2025")
    with pytest.raises(ValueError, match="no successor"):
        narrative.boundary_break(dataset.codes["geographies"], "VN")
