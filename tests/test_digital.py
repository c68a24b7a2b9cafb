"""Tests of the digital-share estimators (dxecon.models.estimation: digital_share, sector_floors,
decomposition): GSO published arithmetic, closed forms, validation messages, and
the share-change decomposition identity as a property."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dxecon.core import folders
from dxecon.models.estimation.decomposition import decompose_share_change
from dxecon.models.estimation.digital_share import (
    calibrate_intensity_scale,
    core_digitised_split,
    period_average,
    sector_digital_share,
    structural_share,
)
from dxecon.models.estimation.sector_floors import compare_with_floors

# GSO Jan-2026 release, 2025: sector contributions to the DE, % of GDP (X13: OBS0402-0404),
# and sector shares of GDP (N6: OBS0193-0195; taxes not published, so the residual).
VN_CONTRIB_2025 = pd.Series({"agro": 0.13, "ind_con": 6.67, "services": 7.22})
VN_WEIGHTS_2025 = pd.Series({"agro": 11.64, "ind_con": 37.65, "services": 42.75})
VN_WEIGHTS_2025_ALL = pd.concat([VN_WEIGHTS_2025, pd.Series({"taxes": 100 - 92.04})])
# Hai Phong (merged city) 2025 structure (S14: OBS0185-0187), taxes the residual 6.29.
HP_WEIGHTS_2025 = pd.Series({"agro": 4.55, "ind_con": 53.96, "services": 35.20, "taxes": 6.29})
# GSO release of 6 Jan 2025 (source E4): national DE share 2020-2024 (OBS0364-0368).
DE_SHARE_E4 = pd.Series({2020: 12.66, 2021: 12.87, 2022: 12.83, 2023: 12.87, 2024: 13.17})


def vn_intensities_2025() -> pd.Series:
    shares = sector_digital_share(VN_CONTRIB_2025, VN_WEIGHTS_2025).shares
    return pd.concat([shares, pd.Series({"taxes": 0.0})])


# --------------------------------------------------------------------------- sector shares


def test_sector_digital_share_is_contribution_over_weight():
    result = sector_digital_share(VN_CONTRIB_2025, VN_WEIGHTS_2025_ALL)
    expected = {"agro": 0.13 / 11.64, "ind_con": 6.67 / 37.65, "services": 7.22 / 42.75}
    for sector, value in expected.items():
        assert result.shares[sector] == pytest.approx(100 * value, rel=1e-12)
    assert round(result.shares["ind_con"], 2) == 17.72
    assert any("taxes" in note for note in result.assumptions)  # dropped, and said so
    with pytest.raises(ValueError, match=r"'agro'.*100"):
        sector_digital_share(pd.Series({"agro": 12.0}), pd.Series({"agro": 11.64}))
    with pytest.raises(ValueError, match=r"\['mining'\] have a DE contribution but no weight"):
        sector_digital_share(pd.Series({"mining": 1.0}), VN_WEIGHTS_2025)


def test_structural_share_reproduces_the_published_2025_total():
    # Sum of published contributions = published total 14.02% (OBS0379), so weights x
    # intensities must give it back exactly.
    result = structural_share(
        VN_WEIGHTS_2025_ALL, vn_intensities_2025(), weights_unit="pct", intensity_unit="pct"
    )
    assert result.total == pytest.approx(14.02, abs=1e-12)
    assert result.contributions["ind_con"] == pytest.approx(6.67, abs=1e-12)
    assert result.contributions["taxes"] == 0.0
    assert result.basis == "nominal"
    total_row = result.frame.loc["total"]
    assert total_row["weight_pct"] == pytest.approx(100.0)
    assert total_row["intensity_pct"] == pytest.approx(14.02)


def test_structural_share_units_are_explicit_and_equivalent():
    intensities = vn_intensities_2025()
    base = structural_share(
        HP_WEIGHTS_2025, intensities, weights_unit="pct", intensity_unit="pct"
    ).total
    as_shares = structural_share(
        HP_WEIGHTS_2025 / 100, intensities / 100, weights_unit="share", intensity_unit="share"
    ).total
    mixed = structural_share(
        HP_WEIGHTS_2025 / 100, intensities, weights_unit="share", intensity_unit="pct"
    ).total
    assert as_shares == pytest.approx(base, rel=1e-12)
    assert mixed == pytest.approx(base, rel=1e-12)
    assert round(base, 2) == 15.56  # national intensities on Hai Phong's structure


def test_structural_share_is_vectorised_over_years():
    weights = pd.DataFrame(
        [[5.0, 50.0, 40.0, 5.0], [4.0, 54.0, 36.0, 6.0]],
        index=[2024, 2025],
        columns=["agro", "ind_con", "services", "taxes"],
    )
    intensities = vn_intensities_2025()
    by_year = structural_share(weights, intensities, weights_unit="pct", intensity_unit="pct")
    for year in weights.index:
        one = structural_share(
            weights.loc[year], intensities, weights_unit="pct", intensity_unit="pct"
        )
        assert by_year.total[year] == pytest.approx(one.total, rel=1e-12)
        pd.testing.assert_series_equal(
            by_year.contributions.loc[year], one.contributions, check_names=False
        )
    per_year = pd.DataFrame([intensities, intensities * 1.1], index=[2024, 2025])
    grown = structural_share(weights, per_year, weights_unit="pct", intensity_unit="pct")
    assert grown.total[2025] == pytest.approx(1.1 * by_year.total[2025])


@pytest.mark.parametrize(
    ("intensity", "unit", "message"),
    [
        (130.0, "pct", r"intensity of sector 'services' is 130; allowed: 0-100 \(per cent\)"),
        (-1.0, "pct", r"intensity of sector 'services' is -1; allowed: 0-100"),
        (1.3, "share", r"intensity of sector 'services' is 1.3; allowed: 0-1 \(fraction\)"),
    ],
)
def test_intensity_out_of_range_names_sector_value_and_range(intensity, unit, message):
    intensities = pd.Series({"agro": 0.0, "ind_con": 0.0, "services": intensity, "taxes": 0.0})
    with pytest.raises(ValueError, match=message):
        structural_share(HP_WEIGHTS_2025, intensities, weights_unit="pct", intensity_unit=unit)


def test_weights_must_sum_to_100_unless_normalised():
    without_taxes = HP_WEIGHTS_2025.drop("taxes")
    intensities = vn_intensities_2025().drop("taxes")
    with pytest.raises(ValueError, match=r"sum to 93.71.*normalise=True"):
        structural_share(without_taxes, intensities, weights_unit="pct", intensity_unit="pct")
    rescaled = structural_share(
        without_taxes, intensities, weights_unit="pct", intensity_unit="pct", normalise=True
    )
    assert rescaled.frame.loc["total", "weight_pct"] == pytest.approx(100.0)
    expected = (without_taxes * intensities).sum() / without_taxes.sum()
    assert rescaled.total == pytest.approx(expected)
    assert any("rescaled" in note and "93.71" in note for note in rescaled.assumptions)
    with pytest.raises(ValueError, match="weights_unit='share'"):
        structural_share(
            HP_WEIGHTS_2025 / 100, vn_intensities_2025(), weights_unit="pct", intensity_unit="pct"
        )
    # Rounded published structures pass within the default 0.1 pp tolerance, unrescaled:
    # agro 4.59 instead of 4.55 makes the weights sum to 100.04.
    slightly_off = HP_WEIGHTS_2025.copy()
    slightly_off["agro"] = 4.59
    options = {"weights_unit": "pct", "intensity_unit": "pct"}
    tolerated = structural_share(slightly_off, vn_intensities_2025(), **options)
    # By hand: 0.0459 * (100 * 0.13 / 11.64) + 0.5396 * (100 * 6.67 / 37.65)
    #        + 0.3520 * (100 * 7.22 / 42.75) + 0.0629 * 0
    #        = 0.051263 + 9.559448 + 5.944889 + 0 = 15.555599 (% of GRDP), weights as given.
    assert tolerated.total == pytest.approx(15.555599, abs=1e-6)
    assert tolerated.frame.loc["total", "weight_pct"] == pytest.approx(100.04, abs=1e-12)
    assert not any("rescaled" in note for note in tolerated.assumptions)
    # 0.2 pp off is beyond the tolerance: an error, not a silent rescaling.
    slightly_off["agro"] = 4.75
    with pytest.raises(ValueError, match=r"sum to 100.2 .*within 0.1 pp"):
        structural_share(slightly_off, vn_intensities_2025(), **options)


def test_sector_and_unit_mismatches_are_named():
    intensities = vn_intensities_2025().rename({"services": "trade"})
    with pytest.raises(ValueError, match=r"sector_weights only: \['services'\].*\['trade'\]"):
        structural_share(HP_WEIGHTS_2025, intensities, weights_unit="pct", intensity_unit="pct")
    with pytest.raises(ValueError, match=r"weights_unit must be one of 'pct', 'share'"):
        structural_share(
            HP_WEIGHTS_2025, vn_intensities_2025(), weights_unit="%", intensity_unit="pct"
        )
    no_agro = vn_intensities_2025().copy()
    no_agro["agro"] = np.nan
    with pytest.raises(ValueError, match="intensity is missing for 'agro'; give"):
        structural_share(HP_WEIGHTS_2025, no_agro, weights_unit="pct", intensity_unit="pct")
    weights = pd.DataFrame([HP_WEIGHTS_2025], index=[2025])
    per_year = pd.DataFrame([vn_intensities_2025()], index=[2024])
    with pytest.raises(ValueError, match=r"same years.*\[2025\].*\[2024\]"):
        structural_share(weights, per_year, weights_unit="pct", intensity_unit="pct")


# --------------------------------------------------------------------------- floors

#: Floors as test input (the real ones are read from data/targets.csv by the notebooks).
FLOORS = {2025: 15.0, 2030: 25.0}


def test_compare_with_floors_gives_gaps_and_verdicts():
    shares = sector_digital_share(VN_CONTRIB_2025, VN_WEIGHTS_2025)
    result = compare_with_floors(shares, floors=FLOORS, year=2025)
    frame = result.frame
    assert frame.loc[("ind_con", 2025), "gap_pp"] == pytest.approx(100 * 6.67 / 37.65 - 15)
    assert bool(frame.loc[("ind_con", 2025), "meets"]) is True
    assert frame.loc[("ind_con", 2025), "verdict"] == "floor_meets"
    assert frame.loc[("agro", 2025), "verdict"] == "floor_misses"
    assert frame.loc[("agro", 2025), "gap_pp"] == pytest.approx(-13.88, abs=0.005)
    assert frame.loc[("agro", 2030), "verdict"] == "floor_below"  # judged on 2025's share
    assert frame.loc[("agro", 2030), "gap_pp"] == pytest.approx(-23.88, abs=0.005)
    every = result.every_sector()
    assert every.loc[2025, "weakest_sector"] == "agro"
    assert bool(every.loc[2025, "every_sector_meets"]) is False
    with pytest.raises(ValueError, match="pass year="):
        compare_with_floors(shares.shares, floors=FLOORS)
    with pytest.raises(TypeError, match="floors"):
        compare_with_floors(shares, year=2025)  # the floors are targets: data, no default


def test_compare_with_floors_uses_latest_year_up_to_each_floor():
    shares = pd.DataFrame(
        {"a": [10.0, 16.0, 30.0], "b": [20.0, np.nan, np.nan]}, [2023, 2025, 2026]
    )
    frame = compare_with_floors(shares, floors=FLOORS).frame
    assert frame.loc[("a", 2025), "share_year"] == 2025
    assert frame.loc[("a", 2030), "share_year"] == 2026
    assert frame.loc[("b", 2025), "share_year"] == 2023
    assert frame.loc[("b", 2025), "verdict"] == "floor_above"
    assert frame.loc[("b", 2025), "gap_pp"] == pytest.approx(5.0)
    late = compare_with_floors(pd.DataFrame({"a": [20.0]}, index=[2027]), floors=FLOORS).frame
    assert late.loc[("a", 2025), "verdict"] == "floor_no_share"
    assert pd.isna(late.loc[("a", 2025), "meets"])


# --------------------------------------------------------------------------- GSO identities


def test_core_plus_digitised_reproduces_gso_totals():
    result = core_digitised_split(
        pd.Series({2023: 7.42, 2025: 8.42}),  # OBS0354, OBS0383
        pd.Series({2023: 4.91, 2025: 5.6}),  # OBS0356, OBS0384
        published_total=pd.Series({2023: 12.33, 2025: 14.02}),  # OBS0352, OBS0379
    )
    frame = result.frame
    assert frame.loc[2023, "total_pct"] == pytest.approx(12.33, abs=1e-12)
    assert frame.loc[2025, "total_pct"] == pytest.approx(14.02, abs=1e-12)
    np.testing.assert_allclose(frame["rounding_residual_pp"], 0.0, atol=1e-12)
    assert frame.loc[2023, "core_share_of_de_pct"] == pytest.approx(60.19, abs=0.02)
    assert frame.loc[2025, "core_share_of_de_pct"] == pytest.approx(60.06, abs=0.01)
    assert (frame["core_share_of_de_pct"] + frame["digitised_share_of_de_pct"]).eq(100).all()


def test_rounding_residual_of_the_dec_2023_vintage():
    frame = core_digitised_split(7.77, 4.91, published_total=12.67).frame  # OBS0338/0340/0336
    assert frame["total_pct"].iloc[0] == pytest.approx(12.68)
    assert frame["rounding_residual_pp"].iloc[0] == pytest.approx(-0.01, abs=1e-9)


def test_period_average_reproduces_the_published_2020_2024_mean():
    assert round(period_average(DE_SHARE_E4, 2020, 2024), 2) == 12.88  # OBS0369
    with pytest.raises(ValueError, match=r"\[2019\]"):
        period_average(DE_SHARE_E4, 2019, 2024)
    gdp = pd.Series(np.arange(1.0, 6.0), index=range(2020, 2025))
    weighted = period_average(DE_SHARE_E4, 2020, 2024, weights=gdp)
    assert weighted == pytest.approx((DE_SHARE_E4 * gdp.to_numpy()).sum() / gdp.sum())


def _national_gso_de_share() -> pd.DataFrame:
    path = folders.DATA_DIR / "observations.csv"
    if not path.is_file():
        pytest.skip(f"no {path}")
    obs = pd.read_csv(path, dtype={"period": str})
    rows = obs[
        (obs["indicator"] == "de_share")
        & (obs["geo"] == "VN")
        & (obs["method"] == "GSO")
        & obs["period"].str.fullmatch(r"\d{4}")
    ]
    return rows.pivot(index="period", columns="source_id", values="value").rename(index=int)


def test_only_the_jan_2025_vintage_reproduces_12_88():
    # Each GSO release (source_id) is a vintage; average each complete 2020-2024 vintage.
    vintages = _national_gso_de_share()
    complete = vintages.loc[2020:2024].dropna(axis=1)
    reproducing = [
        source
        for source in complete.columns
        if round(period_average(complete[source], 2020, 2024), 2) == 12.88
    ]
    assert reproducing == ["E4"]
    # Mixing vintages does not: the 2024 release (E3) for 2020-2023 plus E4 for 2024.
    mixed = pd.concat([vintages["E3"].loc[2020:2023], vintages["E4"].loc[[2024]]])
    assert round(period_average(mixed, 2020, 2024), 2) == 12.73
    # The 2024 release's own 2020-2023 mean is 12.625, published as 12.62 (OBS0353).
    assert period_average(vintages["E3"], 2020, 2023) == pytest.approx(12.625, abs=1e-12)


# --------------------------------------------------------------------------- decomposition


def test_decomposition_separates_structure_and_intensity():
    w0 = pd.Series({"a": 50.0, "b": 50.0})
    w1 = pd.Series({"a": 30.0, "b": 70.0})
    d0 = pd.Series({"a": 10.0, "b": 20.0})
    d1 = pd.Series({"a": 12.0, "b": 20.0})
    result = decompose_share_change(w0, d0, w1, d1, weights_unit="pct", intensity_unit="pct")
    total = result.totals
    # Structure: -0.2 * 11 + 0.2 * 20 = 1.8; intensity: 0.4 * 2 = 0.8; change 17.6 - 15 = 2.6.
    assert total["structure_pp"] == pytest.approx(1.8)
    assert total["intensity_pp"] == pytest.approx(0.8)
    assert total["change_pp"] == pytest.approx(2.6)
    assert result.meta["share_start"] == pytest.approx(15.0)
    assert result.meta["share_end"] == pytest.approx(17.6)
    only_weights = decompose_share_change(
        w0, d0, w1, d0, weights_unit="pct", intensity_unit="pct"
    ).totals
    assert only_weights["intensity_pp"] == 0.0
    three = decompose_share_change(
        w0, d0, w1, d1, weights_unit="pct", intensity_unit="pct", form="three_term"
    ).totals
    assert three["interaction_pp"] == pytest.approx(-0.2 * 2)
    with pytest.raises(ValueError, match="form must be one of 'shapley', 'three_term'"):
        decompose_share_change(w0, d0, w1, d1, weights_unit="pct", intensity_unit="pct", form="x")


def test_city_vs_nation_gap_hand_computed():
    # Two sectors, a nation and a city (weights % of GRDP, intensities % of sector VA):
    #   nation: w = (60, 40), d = (10, 30) -> S = 0.6*10 + 0.4*30 = 6 + 12 = 18
    #   city:   w = (40, 60), d = (20, 30) -> S = 0.4*20 + 0.6*30 = 8 + 18 = 26; gap 8
    # Symmetric form: structure = -0.2*(10+20)/2 + 0.2*(30+30)/2 = -3 + 6 = 3
    #                 intensity = (0.6+0.4)/2*10 + (0.4+0.6)/2*0 = 5 + 0 = 5; 3 + 5 = 8
    # Three-term: structure -0.2*10 + 0.2*30 = 4; intensity 0.6*10 + 0.4*0 = 6;
    #             interaction -0.2*10 + 0.2*0 = -2; 4 + 6 - 2 = 8
    nation_w, nation_d = pd.Series({"a": 60.0, "b": 40.0}), pd.Series({"a": 10.0, "b": 30.0})
    city_w, city_d = pd.Series({"a": 40.0, "b": 60.0}), pd.Series({"a": 20.0, "b": 30.0})
    options = {"weights_unit": "pct", "intensity_unit": "pct", "labels": ("nation", "city")}
    result = decompose_share_change(nation_w, nation_d, city_w, city_d, **options)
    assert result.share_start == pytest.approx(18.0, abs=1e-12)
    assert result.share_end == pytest.approx(26.0, abs=1e-12)
    assert result.change == pytest.approx(8.0, abs=1e-12)
    assert result.components.to_dict() == pytest.approx(
        {"structure": 3.0, "intensity": 5.0}, abs=1e-12
    )
    assert result.frame.loc["a", "structure_pp"] == pytest.approx(-3.0, abs=1e-12)
    assert result.frame.loc["b", "intensity_pp"] == 0.0
    assert result.components.sum() == pytest.approx(result.change, abs=1e-12)
    table = result.components_table()["value"]
    assert table.tolist() == pytest.approx([18.0, 3.0, 5.0, 26.0], abs=1e-12)
    assert table.index[0] == "DE share, nation (% of GRDP)"
    assert "From nation to city:" in result.summary()
    three = decompose_share_change(nation_w, nation_d, city_w, city_d, form="three_term", **options)
    assert three.components.to_dict() == pytest.approx(
        {"structure": 4.0, "intensity": 6.0, "interaction": -2.0}, abs=1e-12
    )
    with pytest.raises(ValueError, match="labels must be two non-empty names"):
        decompose_share_change(nation_w, nation_d, city_w, city_d, **{**options, "labels": "x"})


@st.composite
def two_structures(draw):
    n = draw(st.integers(1, 7))
    raw = st.lists(st.floats(0.01, 100.0), min_size=n, max_size=n)
    intensity = st.lists(st.floats(0.0, 100.0), min_size=n, max_size=n)
    sectors = [f"s{i}" for i in range(n)]

    def weights():
        values = np.asarray(draw(raw))
        return pd.Series(100 * values / values.sum(), index=sectors)

    return (
        weights(),
        pd.Series(draw(intensity), sectors),
        weights(),
        pd.Series(draw(intensity), sectors),
    )


@settings(max_examples=100, deadline=None)
@given(two_structures(), st.sampled_from(["shapley", "three_term"]))
def test_share_change_terms_sum_exactly_to_the_change(structures, form):
    w0, d0, w1, d1 = structures
    result = decompose_share_change(
        w0, d0, w1, d1, weights_unit="pct", intensity_unit="pct", form=form
    )
    terms = [c for c in result.frame.columns if c != "change_pp"]
    assert len(terms) == (2 if form == "shapley" else 3)
    np.testing.assert_allclose(
        result.frame[terms].sum(axis=1), result.frame["change_pp"], rtol=0, atol=1e-9
    )
    options = {"weights_unit": "pct", "intensity_unit": "pct"}
    change = structural_share(w1, d1, **options).total - structural_share(w0, d0, **options).total
    assert result.totals["change_pp"] == pytest.approx(change, abs=1e-9)
    if form == "shapley":  # symmetric: reversing time flips every term
        back = decompose_share_change(w1, d1, w0, d0, **options)
        np.testing.assert_allclose(back.frame[terms], -result.frame[terms], rtol=0, atol=1e-9)


# --------------------------------------------------------------------------- calibration


def test_calibration_reproduces_the_hai_phong_2025_share():
    # params/scenarios/*.yaml: industry-and-construction intensity raised to about 30.17%
    # so that national 2025 intensities on HP2025's structure give the published 22.28% (D4).
    result = calibrate_intensity_scale(
        HP_WEIGHTS_2025,
        vn_intensities_2025(),
        pd.Series({2025: 22.28}),  # OBS0441
        weights_unit="pct",
        intensity_unit="pct",
        sectors=["ind_con"],
    )
    assert result.calibrated_intensities["ind_con"] == pytest.approx(30.17, abs=0.02)
    assert result.calibrated_intensities["services"] == pytest.approx(100 * 7.22 / 42.75)
    row = result.frame.loc[2025]
    assert row["structural_pct"] == pytest.approx(15.5552, abs=1e-4)
    assert row["estimated_pct"] == pytest.approx(22.28)
    assert row["residual_pp"] == pytest.approx(0.0, abs=1e-12)
    assert any("exactly identified" in d for d in result.meta["diagnostics"])


def test_calibration_scale_is_the_least_squares_solution():
    weights = pd.DataFrame(
        [[10.0, 40.0, 50.0], [8.0, 45.0, 47.0], [6.0, 50.0, 44.0]],
        index=[2021, 2022, 2023],
        columns=["a", "b", "c"],
    )
    intensities = pd.Series({"a": 2.0, "b": 20.0, "c": 10.0})
    published = pd.Series({2021: 16.0, 2022: 17.5, 2023: 18.2})
    options = {"weights_unit": "pct", "intensity_unit": "pct"}
    result = calibrate_intensity_scale(weights, intensities, published, **options)
    structural = structural_share(weights, intensities, **options).total.to_numpy()
    k, *_ = np.linalg.lstsq(structural[:, None], published.to_numpy(), rcond=None)
    assert result.scale == pytest.approx(float(k[0]), rel=1e-12)
    np.testing.assert_allclose(result.frame["residual_pp"], published - k[0] * structural)
    assert result.meta["rmse_pp"] == pytest.approx(
        np.sqrt(np.mean((published.to_numpy() - k[0] * structural) ** 2))
    )
    # Only sector b scaled: minimise sum (P - A - k B)^2 with A, B its two parts.
    partial = calibrate_intensity_scale(weights, intensities, published, sectors=["b"], **options)
    fixed = (weights[["a", "c"]] * intensities[["a", "c"]] / 100).sum(axis=1).to_numpy()
    movable = (weights["b"] * intensities["b"] / 100).to_numpy()
    k_b, *_ = np.linalg.lstsq(movable[:, None], published.to_numpy() - fixed, rcond=None)
    assert partial.scale == pytest.approx(float(k_b[0]), rel=1e-12)


def test_calibration_reports_impossible_intensities_and_bad_years():
    options = {"weights_unit": "pct", "intensity_unit": "pct"}
    weights = pd.Series({"a": 10.0, "b": 90.0})
    intensities = pd.Series({"a": 50.0, "b": 1.0})
    result = calibrate_intensity_scale(
        weights, intensities, pd.Series({2025: 20.0}), sectors=["a"], **options
    )
    assert result.calibrated_intensities["a"] > 100
    assert any("exceed 100%" in d for d in result.meta["diagnostics"])
    with pytest.raises(ValueError, match=r"published years \[2030\]"):
        calibrate_intensity_scale(
            pd.DataFrame([weights], index=[2025]), intensities, pd.Series({2030: 20.0}), **options
        )
    with pytest.raises(ValueError, match=r"\['z'\] are not among"):
        calibrate_intensity_scale(
            weights, intensities, pd.Series({2025: 20.0}), sectors=["z"], **options
        )
