"""The digital economy's contribution to growth (dxecon.models.contribution), against hand sums."""

from __future__ import annotations

import pytest

from dxecon.models.contribution import (
    NO_LEVELS,
    NO_PREVIOUS_SHARE,
    de_contribution,
    growth_contribution,
    nominal_levels,
)


def test_contribution_is_the_change_in_digital_value_added_over_last_years_grdp():
    # GRDP 100 -> 120, digital share 10% -> 11%: digital VA 10 -> 13.2, so 3.2 points
    assert growth_contribution(10.0, 11.0, 20.0) == pytest.approx(3.2)
    # a constant share contributes its share of the growth
    assert growth_contribution(25.0, 25.0, 8.0) == pytest.approx(2.0)


def test_contribution_from_the_shipped_figures(dataset):
    table = de_contribution(dataset, ["HP", "HP2025", "VN"], as_of="2026-10").set_index(
        ["geo", "year"]
    )
    vn = table.loc[("VN", 2024)]
    # by hand: GDP 11,511.9 / 10,221.8 thousand bn VND, GSO shares 12.87% and 13.17%
    assert vn["growth_nominal"] == pytest.approx(12.6211, abs=1e-4)
    assert vn["contribution_pp"] == pytest.approx(13.17 * 1.126211 - 12.87, abs=1e-4)
    assert "OBS0306" in vn["evidence"] and "OBS0368" in vn["evidence"]
    # the merged city starts in 2025: nothing before it on its boundary, never the old city's
    merged = table.loc[("HP2025", 2025)]
    assert merged["reason"] == NO_PREVIOUS_SHARE and merged["evidence"] == "OBS0441 (D4)"
    assert table.loc[("VN", 2025)]["reason"] == NO_LEVELS  # 2025 GDP only in USD
    assert table["contribution_pp"].notna().sum() == 1


def test_levels_prefer_billion_vnd_and_convert_thousand_billion(dataset):
    levels = nominal_levels(dataset, "HP")
    assert levels.loc[2021, "value"] == 315710.0  # the bn VND figure, not 315.7 x 1000
    assert nominal_levels(dataset, "VN").loc[2024, "value"] == pytest.approx(11_511_900)
