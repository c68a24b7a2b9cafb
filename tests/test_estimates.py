"""The estimators on the shipped data (dxecon.models.estimation.from_data): Hai Phong and
Vietnam."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import AS_OF

from dxecon.core.errors import SeriesSelectionError
from dxecon.core.params import params_path
from dxecon.core.places import place_params
from dxecon.data.targets import TargetRegistry, TargetSet, target_values
from dxecon.models.estimation import from_data
from dxecon.models.estimation.productivity import MissingEmploymentError, labour_productivity
from dxecon.models.scenarios import load_scenario

#: The arguments of the structural estimate, as params/digital.yaml gives them.
ESTIMATE_KEYS = ("structure_geo", "structure_year", "intensity_year", "adjust_sector")


@pytest.fixture(scope="module")
def digital_params():
    return place_params("digital")  # as a run for the default place reads it


@pytest.fixture(scope="module")
def productivity_params():
    return place_params("productivity")


@pytest.fixture(scope="module")
def estimate_args(digital_params):
    return {key: digital_params[key] for key in (*ESTIMATE_KEYS, "calibrate_geo")}


@pytest.fixture(scope="module")
def registry(dataset):
    return TargetRegistry(dataset)


@pytest.fixture(scope="module")
def instruments(registry):
    targets = place_params("targets")  # as read for the default place
    file = str(params_path("targets"))
    return TargetSet.from_mapping(targets, known=registry.instruments, file=file).instruments


@pytest.fixture(scope="module")
def city(dataset, estimate_args):
    return from_data.city_digital_estimate(dataset, **estimate_args)


def test_params_files_hold_no_target_copies(digital_params, productivity_params):
    # Targets are data (data/targets.csv), read through the registry: never a parameter.
    assert "floors" not in digital_params and "lp_targets" not in productivity_params


def test_the_estimators_have_no_default_choices(dataset):
    with pytest.raises(TypeError, match="structure_geo"):
        from_data.city_digital_estimate(dataset)
    with pytest.raises(TypeError, match="milestones"):
        from_data.city_productivity(
            dataset, geo="HP", employment_growth=1.0, employment_rationale="x", base_year=2020
        )


def test_reported_shares_keep_boundaries_and_methods_apart(dataset):
    gso = from_data.reported_shares(dataset, "HP", method="GSO").to_frame()
    assert set(gso["boundary"]) == {"HP", "HP2025"}
    merged = gso[gso["boundary"] == "HP2025"].set_index("year")["de_share_pct"]
    assert merged.to_dict() == {2025: 22.28}
    assert set(gso["method"]) == {"GSO"}
    mic = from_data.reported_shares(dataset, "HP", method="MIC").to_frame()
    assert mic.set_index("year")["de_share_pct"].to_dict() == {2022: 29.48}
    with pytest.raises(SeriesSelectionError, match="no PTIT"):
        from_data.reported_shares(dataset, "HP", method="PTIT")


def test_structural_estimate_with_national_intensities(city):
    # National GSO 2025 intensities on the merged city's structure: about 15.56%.
    assert city.structural.to_frame().loc["total", "contribution_pp"] == pytest.approx(
        15.555, abs=0.01
    )
    # Industry scaled to reproduce the published 22.28% exactly (one point).
    assert city.calibrated.to_frame().loc["total", "contribution_pp"] == pytest.approx(22.28)
    assert city.intensities["ind_con"] == pytest.approx(30.18, abs=0.005)
    assert city.intensities["agro"] == pytest.approx(0.13 / 11.64 * 100)
    assert any("exactly by construction" in note for note in city.notes)
    assert any("taxes derived" in note for note in city.notes)


def test_grdp_weights_say_which_sector_was_derived(dataset):
    """Taxes not published are 100 minus the others; the weights say so for code."""
    from dxecon.models.estimation.from_data import grdp_weights

    merged, _ = grdp_weights(dataset, "HP2025", 2025)  # taxes not published that year
    assert merged.attrs["derived"] == ["taxes"] and merged.sum() == pytest.approx(100.0)
    published, _ = grdp_weights(dataset, "BN", 2022)  # every sector published
    assert published.attrs["derived"] == []


def test_scenario_start_intensities_come_from_the_estimate(city, dataset):
    from dxecon.models.scenarios import resolve_start

    for name in ("baseline", "accelerated", "lagging"):
        scenario, _ = resolve_start(load_scenario(name, as_of=AS_OF), dataset)
        assert scenario.base_year == city.year
        for sector, value in city.intensities.items():
            assert scenario.sectors[sector].intensity.start == pytest.approx(value), (name, sector)


def test_sector_floors_and_required_growth(city, registry, instruments, digital_params):
    floors = target_values(
        registry, "de_sector_share_min", instruments=instruments, geo=digital_params["target_geo"]
    )
    # TGT031 (Plan 74), TGT034 (Plan 106) and TGT022 (NQ 03)
    assert floors == {2022: 9.0, 2025: 15.0, 2030: 25.0}
    table = from_data.sector_floors(city, floors).to_frame()
    row = table.set_index(["sector", "floor_year"])
    assert not row.loc[("agro", 2025), "meets"] and row.loc[("ind_con", 2030), "meets"]
    expected = 100 * ((25 / city.intensities["services"]) ** (1 / 5) - 1)
    assert row.loc[("services", 2030), "required_growth_pct_per_year"] == pytest.approx(expected)
    assert row.loc[("ind_con", 2030), "required_growth_pct_per_year"] == 0.0


def test_share_gap_to_the_nation_decomposes_exactly(dataset, city):
    result = from_data.share_gap_to_nation(dataset, city)
    # Nation (VN 2025): weights x intensities are the GSO sector contributions,
    # 0.13 + 6.67 + 7.22 = 14.02% of GDP (taxes have no intensity). City (HP2025 2025): the
    # calibration reproduces the one published point, 22.28%.
    assert result.share_start == pytest.approx(14.02, abs=1e-12)
    assert result.share_end == pytest.approx(22.28, abs=1e-12)
    assert result.change == pytest.approx(22.28 - 14.02, abs=1e-12)
    # By hand, symmetric form (weights /100, intensities in %). VN weights 11.64, 37.65,
    # 42.75, taxes 100 - 92.04 = 7.96; city 4.55, 53.96, 35.20, 6.29. Intensities VN:
    # agro 100*0.13/11.64 = 1.11684, ind_con 100*6.67/37.65 = 17.71580, services
    # 100*7.22/42.75 = 16.88889; the city's ind_con (22.28 - 0.0455*1.11684
    # - 0.3520*16.88889)/0.5396 = 30.17846, the others national.
    # structure = sum dw (d0 + d1)/2 = -0.0709*1.11684 + 0.1631*(17.71580 + 30.17846)/2
    #           - 0.0755*16.88889 + (-0.0167)*0 = -0.07918 + 3.90578 - 1.27511 = 2.55148
    # intensity = sum (w0 + w1)/2 dd = 0.45805*(30.17846 - 17.71580) = 5.70852 (ind_con only)
    assert result.components["structure"] == pytest.approx(2.55148, abs=1e-5)
    assert result.components["intensity"] == pytest.approx(5.70852, abs=1e-5)
    assert result.components.sum() == pytest.approx(result.change, abs=1e-12)
    assert result.labels == ("VN 2025", "HP2025 2025 (estimate)")
    assert any("taxes derived" in note for note in result.assumptions)
    assert "From VN 2025 to HP2025 2025 (estimate)" in result.summary()


def test_bad_arguments_say_what_is_allowed(dataset, estimate_args):
    with pytest.raises(SeriesSelectionError) as info:
        from_data.city_digital_estimate(dataset, **{**estimate_args, "structure_year": 2019})
    assert info.value.field == "structure_year" and 2025 in info.value.allowed
    with pytest.raises(ValueError, match="allowed agro, ind_con, services"):
        from_data.city_digital_estimate(dataset, **{**estimate_args, "adjust_sector": "taxes"})
    with pytest.raises(SeriesSelectionError, match="intensity_year"):
        from_data.city_digital_estimate(dataset, **{**estimate_args, "intensity_year": 2019})


def test_national_productivity_nominal_is_not_real(dataset, productivity_params):
    start = productivity_params["national_lp_start"]
    result = from_data.national_productivity(dataset, start=start)
    table = result.to_frame().set_index("year")
    # The sources of the figures chosen for 2021-2024 (data/observations.csv), not a typed list.
    assert set(result.meta["sources"]) == {"N1", "N2", "N3", "N9", "N10", "X15"}
    assert table.loc[2024, "lp_growth_nominal_pct"] == pytest.approx(100 * (221.9 / 199.3 - 1))
    assert table.loc[2024, "lp_growth_real_pct_published"] == 5.88
    assert table.index.min() == start  # the 2020/2021 employment break is not crossed
    with pytest.raises(TypeError, match="start"):
        from_data.national_productivity(dataset)  # the start is a parameter, not a default


def test_city_productivity_uses_and_flags_the_employment_assumption(dataset, registry, instruments):
    milestones = target_values(registry, "lp_growth", instruments=instruments, geo="HP")
    assert milestones == {2022: 15.0, 2025: 15.0, 2030: 16.0}  # TGT086, TGT011, TGT023
    result = from_data.city_productivity(
        dataset,
        geo="HP",
        employment_growth=0.91,
        employment_rationale="test assumption",
        base_year=2020,
        milestones=milestones,
    )
    real = result["real_growth"].to_frame().set_index("year")
    assert real.loc[2024, "lp_growth_real_pct"] == pytest.approx(100 * (1.1101 / 1.0091 - 1))
    assert real.loc[2024, "employment_assumed"]
    assert pd.isna(real.loc[2018, "lp_growth_real_pct"])  # no published 2018 growth
    assert result["real_growth"].meta["basis"] == "real"
    assert any("test assumption" in a for a in result["real_growth"].meta["assumptions"])
    targets = result["targets"].to_frame()
    assert set(targets["reading"]) == {"every_year", "compound_average"}
    assert not targets["met_so_far"].any()


def test_missing_employment_is_an_error_not_a_fill(dataset):
    employment = dataset.series("employment", "HP").values.dropna()
    output = dataset.series("grdp_current", "HP", unit="bn_vnd").values.dropna()
    with pytest.raises(MissingEmploymentError, match="2021"):
        labour_productivity(
            output[output.index >= 2010],
            employment,
            basis="nominal",
            output_unit="bn_vnd",
            employment_unit="thousand_persons",
        )
