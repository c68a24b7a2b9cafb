"""Series as of a date, conflicts and their reasons, geography breaks, gaps, targets."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import replace_in

from dxecon.core.errors import ParamsError, SeriesSelectionError
from dxecon.data import SelectionPolicy, load_dataset


def gso_vn(dataset, **kwargs):
    return dataset.series("de_share", "VN", method="GSO", **kwargs)


# -- vintages ------------------------------------------------------------------------------
def test_latest_vintage_of_the_national_digital_share(dataset):
    # data/README.md caveat 5: Jan 2025 release revised 2022 to 12.83 and 2023 to 12.87;
    # the Jan 2026 release gives 2021 = 12.87 and 2025 = 14.02.
    assert gso_vn(dataset).values.to_dict() == {
        2020: 12.66,
        2021: 12.87,
        2022: 12.83,
        2023: 12.87,
        2024: 13.17,
        2025: 14.02,
    }


def test_as_of_sees_only_what_was_published_by_then(dataset):
    # Before the Dec 2023 releases, only the Sep 2023 preliminary 12.86 existed for 2022.
    early = gso_vn(dataset, as_of="2023-10")
    assert early.values.loc[2022] == 12.86
    assert 2023 not in early.values.index
    # By mid-2024 the undated 2024 release (E3) had revised 2022 to 12.63, but a dated
    # figure outranks an undated one (params/selection.yaml): the Dec-2023 release's 12.67
    # (E2, dated 4/12/2023) stays, and the reason says so.
    mid = gso_vn(dataset, as_of="2024-06-30")
    assert mid.values.loc[2022] == 12.67
    assert (
        mid.provenance.set_index("obs_id").at["OBS0351", "reason"]
        == "lost to OBS0336 on dated: undated vs dated"
    )
    assert 2024 not in mid.values.index
    assert any("after the as-of date" in note for note in mid.notes)


def test_as_of_month_means_the_end_of_the_month(dataset):
    # The Jan 2025 release is dated 2025-01-06: visible as of 2025-01, not as of 2024-12.
    assert 2024 in gso_vn(dataset, as_of="2025-01").values.index
    assert 2024 not in gso_vn(dataset, as_of="2024-12").values.index


def test_bad_as_of_is_rejected(dataset):
    with pytest.raises(ValueError, match="YYYY-MM"):
        gso_vn(dataset, as_of="Jan 2025")


def test_undated_rule_is_explicit(dataset):
    # OBS0006 (blog, 2017 growth 14.1) has no date anywhere: the policy decides.
    lag = dataset.candidates("grdp_growth_real", "HP", as_of="2018-05")
    row = lag.set_index("obs_id").loc["OBS0006"]
    assert row["published_basis"] == "assumed: source's latest period end + 6 months"
    assert not row["visible"]  # S19's latest period is 2017: visible from 30 June 2018
    later = dataset.candidates("grdp_growth_real", "HP", as_of="2018-06")
    assert later.set_index("obs_id").at["OBS0006", "visible"]
    include = dataset.candidates(
        "grdp_growth_real", "HP", as_of="2018-05", policy=dataset.policy.with_(undated="include")
    )
    assert include.set_index("obs_id").at["OBS0006", "visible"]
    exclude = dataset.candidates(
        "grdp_growth_real", "HP", as_of="2030-01", policy=dataset.policy.with_(undated="exclude")
    )
    assert not exclude.set_index("obs_id").at["OBS0006", "visible"]


# -- conflicts -----------------------------------------------------------------------------
def test_conflict_chooses_by_source_kind_and_says_why(dataset):
    # 2017 growth: S17 government estimate 14.01 (Oct 2017), S20 press final 13.93 (GSO
    # data), S19 blog 14.1. Official and government bodies outrank the press, whatever
    # the status.
    result = dataset.series("grdp_growth_real", "HP")
    assert result.values.loc[2017] == 14.01
    prov = result.provenance.set_index("obs_id")
    assert prov.at["OBS0004", "chosen"]
    assert prov.at["OBS0005", "reason"] == "lost to OBS0004 on source_kind: press vs government"
    assert 2017 in result.conflicts.index
    assert any("sources disagree in 2017" in n for n in result.notes)


def test_preference_is_overridable(dataset):
    status_first = dataset.policy.with_(order=("status", "published", "source_kind"))
    result = dataset.series("grdp_growth_real", "HP", policy=status_first)
    # final (S20) now outranks the government estimate (S17)
    assert result.values.loc[2017] == 13.93
    assert result.provenance.set_index("obs_id").at["OBS0004", "reason"] == (
        "lost to OBS0005 on status: E vs F"
    )


def test_newer_vintage_wins_among_equals(dataset):
    prov = gso_vn(dataset).provenance.set_index("obs_id")
    # E4 (6/1/2025) revises E2 (4/12/2023): both dated, both GSO figures via the press
    assert prov.at["OBS0336", "reason"] == "lost to OBS0366 on published: 2023-12-04 vs 2025-01-06"
    # E3 (undated) loses to the dated E4 before its vintage is even compared
    assert prov.at["OBS0351", "reason"] == "lost to OBS0366 on dated: undated vs dated"


def test_policy_file_errors_name_the_field(tmp_path):
    bad = tmp_path / "selection.yaml"
    bad.write_text("order: [status]\nundated: sometimes\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="undated"):
        SelectionPolicy.from_yaml(bad)
    bad.write_text("ordre: [status]\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="did you mean 'order'"):
        SelectionPolicy.from_yaml(bad)
    bad.write_text("order: [status\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="invalid YAML at line"):
        SelectionPolicy.from_yaml(bad)


# -- measures are never mixed --------------------------------------------------------------
def test_methods_are_never_mixed(dataset):
    with pytest.raises(SeriesSelectionError) as info:
        dataset.series("de_share", "VN")
    assert info.value.field == "method" and {"GSO", "MIC"} <= set(info.value.allowed)


def test_units_are_never_mixed(dataset):
    with pytest.raises(SeriesSelectionError, match="unit"):
        dataset.series("lp_current", "VN")
    lp = dataset.series("lp_current", "VN", unit="m_vnd_per_worker")
    assert lp.values.loc[2024] == 221.9


def test_unknown_codes_list_what_is_allowed(dataset):
    with pytest.raises(SeriesSelectionError) as info:
        dataset.series("de_share", "Haiphong", method="GSO")
    assert info.value.field == "geo" and "HP" in info.value.allowed
    with pytest.raises(SeriesSelectionError, match="no year figures"):
        dataset.series("de_share", "HP", sector="agro")


# -- geography -----------------------------------------------------------------------------
def test_boundaries_are_not_spliced_silently(dataset):
    hp = dataset.series("grdp_growth_real", "HP")
    assert 2025 not in hp.values.index
    assert any("2025: published only for HP2025" in note for note in hp.notes)
    merged = dataset.series("grdp_growth_real", "HP2025")
    assert set(merged.values.dropna().index) == {2025}
    assert any("HP" in note and "different boundary" in note for note in merged.notes)


def test_explicit_splice_says_where_it_breaks(dataset):
    spliced = dataset.spliced_series("grdp_growth_real", ["HP", "HP2025"])
    assert spliced.key["spliced"] and spliced.key["geo"] == "HP+HP2025"
    assert spliced.values.loc[2024] == 11.01 and spliced.values.loc[2025] == 11.81
    assert any("between 2024 (HP) and 2025 (HP2025)" in n for n in spliced.notes)
    assert spliced.chosen.loc[2025, "geo"] == "HP2025"


# -- gaps ----------------------------------------------------------------------------------
def test_gaps_come_back_missing_and_listed(dataset):
    result = dataset.series("grdp_growth_real", "HP", years=range(2015, 2025))
    assert math.isnan(result.values.loc[2018])
    assert 2018 in result.gaps
    assert "Gaps (not filled): " in result.summary()
    frame = result.to_frame()
    assert pd.isna(frame.loc[2018, "obs_id"]) and frame.loc[2024, "obs_id"] == "OBS0025"


def test_series_result_is_a_float_series_by_year(dataset):
    values = gso_vn(dataset).values
    assert values.dtype == float and values.index.name == "year"
    assert list(values.index) == sorted(values.index)


# -- targets -------------------------------------------------------------------------------
def test_every_resolution_target_is_registered():
    from dxecon.data.targets import load_targets

    registry = load_targets()
    nq03 = registry.select(["NQ03-NQ/TU"])
    assert len(nq03) == 26
    assert set(nq03["pillar"]) == {"digital_government", "digital_economy", "digital_society"}
    assert set(nq03["year"]) == {2025, 2030}
    de = nq03.set_index(["indicator", "year"])["value"]
    assert de.loc[("de_share", 2025)] == 25 and de.loc[("de_share", 2030)] == 35
    assert de.loc[("lp_growth", 2025)] == 15 and de.loc[("lp_growth", 2030)] == 16
    assert de.loc[("de_sector_share_min", 2030)] == 25


def test_plan_106_supersedes_the_2025_digital_target():
    from dxecon.data.targets import TargetSet, load_targets

    registry = load_targets()
    scoring = registry.scoring_set().set_index("target_id")
    assert scoring.at["TGT009", "superseded_by"] == "TGT033"
    assert scoring.at["TGT033", "value"] == 35
    only_2021 = registry.scoring_set(TargetSet(("NQ03-NQ/TU",))).set_index("target_id")
    assert only_2021.at["TGT009", "superseded_by"] == ""


def test_unknown_instrument_in_params(tmp_path):
    from dxecon.data.targets import TargetSet, load_targets

    path = tmp_path / "targets.yaml"
    path.write_text("instruments: [NQ03-NQ/TU, KH107/KH-UBND]\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="KH107"):
        TargetSet.from_yaml(path, known=load_targets().instruments)


def test_other_folder_with_same_layout(data_copy):
    replace_in(data_copy / "observations.csv", ",11.01,pct,", ",11.02,pct,")
    assert load_dataset(data_copy).series("grdp_growth_real", "HP").values.loc[2024] == 11.02


# -- duplicates ----------------------------------------------------------------------------
def test_a_marked_duplicate_enters_no_series_but_stays_a_candidate(dataset):
    # OBS0440 repeats OBS0439 (the same GSO 29.7 figure labelled 2023): one point, not two.
    result = dataset.series("de_share", "HP", method="GSO")
    assert 2023 not in result.values.dropna().index
    cands = dataset.candidates("de_share", "HP", method="GSO").set_index("obs_id")
    assert not cands.at["OBS0440", "chosen"] and cands.at["OBS0440", "visible"]
    assert cands.at["OBS0440", "reason"] == "repeats OBS0439 (duplicate_of); never chosen"
    assert result.provenance.set_index("obs_id").at["OBS0440", "duplicate_of"] == "OBS0439"


def test_unmarking_the_duplicate_brings_its_year_back(data_copy):
    replace_in(data_copy / "observations.csv", "(2022 data),OBS0439\n", "(2022 data),\n")
    values = load_dataset(data_copy).series("de_share", "HP", method="GSO").values
    assert values.loc[2023] == 29.7


def test_figures_lists_each_published_year_with_its_reference(dataset):
    result = dataset.series("de_share", "VN", method="GSO")
    figures = result.figures().set_index("year")
    assert list(figures.index) == [int(y) for y in result.values.dropna().index]
    for year, row in figures.iterrows():
        chosen = result.chosen.loc[year]
        assert row["value"] == result.values.loc[year]
        assert row["reference"] == f"{chosen['obs_id']} ({chosen['source_id']})"
