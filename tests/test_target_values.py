"""Target values read from data/targets.csv (dxecon.data.targets.target_values), never copied."""

from __future__ import annotations

import pytest

from dxecon.data import load_dataset
from dxecon.data.targets import TargetRegistry, effective_targets, target_values
from dxecon.models.estimation import from_data
from tests.conftest import replace_in

CITY = ["NQ03-NQ/TU", "KH106/KH-UBND"]


@pytest.fixture(scope="module")
def registry(dataset):
    return TargetRegistry(dataset)


def test_the_later_instrument_wins_for_the_same_year(registry):
    # Plan 106 (2025) restates the 2025 floor of Resolution 03 (2021): TGT034 over TGT010.
    rows = effective_targets(registry, "de_sector_share_min", instruments=CITY, geo="HP")
    assert rows["target_id"].tolist() == ["TGT034", "TGT022"]
    assert target_values(registry, "de_sector_share_min", instruments=CITY, geo="HP") == {
        2025: 15.0,
        2030: 25.0,
    }
    # Plan 106 raised the 2025 digital-economy share from NQ 03's 25% to 35%.
    assert target_values(registry, "de_share", instruments=CITY, geo="HP")[2025] == 35.0
    only_nq03 = target_values(registry, "de_share", instruments=["NQ03-NQ/TU"], geo="HP")
    assert only_nq03 == {2025: 25.0, 2030: 35.0}


def test_filters_and_errors(registry):
    assert target_values(registry, "lp_growth", instruments=CITY, geo="HP") == {
        2025: 15.0,
        2030: 16.0,
    }
    assert effective_targets(registry, "lp_growth", geo="HP", years=[2030])["year"].tolist() == [
        2030
    ]
    assert effective_targets(registry, "lp_growth", geo="HD", allow_empty=True).empty
    with pytest.raises(ValueError, match="no dated target on 'lp_growth'"):
        target_values(registry, "lp_growth", geo="HD")
    # National QĐ 1305 sets a range (>= 6.5 and <= 7.0) for manufacturing: two values, one year.
    with pytest.raises(ValueError, match="several values"):
        target_values(registry, "lp_growth", instruments=["QD1305/QD-TTg"], geo="VN", sector=None)
    with pytest.raises(ValueError, match="unknown instrument"):
        target_values(registry, "lp_growth", instruments=["NOPE"], geo="HP")


def test_a_changed_target_changes_the_productivity_table(data_copy):
    replace_in(data_copy / "targets.csv", "HP,total,2030,>=,16,pct", "HP,total,2030,>=,17,pct")
    dataset = load_dataset(data_copy)
    milestones = target_values(TargetRegistry(dataset), "lp_growth", instruments=CITY, geo="HP")
    assert milestones == {2025: 15.0, 2030: 17.0}
    result = from_data.city_productivity(
        dataset,
        geo="HP",
        employment_growth=0.91,
        employment_rationale="test",
        base_year=2020,
        milestones=milestones,
    )
    table = result["targets"].to_frame()
    assert set(table["rate_pct"]) == {15.0, 17.0}
