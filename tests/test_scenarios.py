"""Scenario files, the Monte Carlo engine and the scorecard."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from dxecon.errors import ParamsError
from dxecon.params import load_yaml
from dxecon.scenarios import (
    available_scenarios,
    compound_growth,
    load_scenario,
    scenario_from_dict,
    score,
    simulate,
)
from dxecon.targets import TargetRegistry


@pytest.fixture(scope="module")
def baseline_dict():
    from dxecon import paths

    return load_yaml(paths.PARAMS_DIR / "scenarios" / "baseline.yaml")


def variant(base: dict, **changes) -> dict:
    data = copy.deepcopy(base)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        node = data
        for key in parents:
            node = node[key]
        node[leaf] = value
    return data


def deterministic(base: dict) -> dict:
    """Zero volatility everywhere: the paths must equal the closed-form compounded path."""
    data = copy.deepcopy(base)
    for sector in data["sectors"].values():
        sector["growth"]["sd"] = 0.0
        if "intensity" in sector:
            sector["intensity"]["speed_sd"] = 0.0
    data["deflator"]["sd"] = 0.0
    data["employment"]["growth"]["sd"] = 0.0
    data["paths"] = 50
    return data


# -- shipped files -------------------------------------------------------------------------
def test_shipped_scenarios_load_and_reference_known_instruments(dataset):
    known = TargetRegistry(dataset).instruments
    assert {"baseline", "accelerated", "lagging"} <= set(available_scenarios())
    for name in available_scenarios():
        scenario = load_scenario(name, known_instruments=known)
        assert scenario.name == name
        assert {"sectors", "deflator", "employment"} <= set(scenario.assumptions)


def test_baseline_weights_and_start_share_match_published_2025(dataset, baseline_dict):
    # Weights are S14's 2025 structure of the merged city; start intensities reproduce the
    # published GSO share of 22.28% (D4): the YAML must not drift from the data.
    scenario = scenario_from_dict(baseline_dict)
    shares = {
        s: dataset.series("sector_share_grdp", "HP2025", sector=s).values.loc[2025]
        for s in ("agro", "ind_con", "services")
    }
    for sector, value in shares.items():
        assert scenario.sectors[sector].weight == value
    assert scenario.sectors["taxes"].weight == pytest.approx(100 - sum(shares.values()))
    published = dataset.series("de_share", "HP2025", method="GSO").values.loc[2025]
    assert simulate(scenario, paths=10).base["de_share"] == pytest.approx(published, abs=0.01)


def test_baseline_growth_means_are_the_published_averages(dataset, baseline_dict):
    import pandas as pd

    scenario = scenario_from_dict(baseline_dict)
    for sector in ("agro", "ind_con", "services", "taxes"):
        old = dataset.series("sector_growth_real", "HP", sector=sector).values
        new = dataset.series("sector_growth_real", "HP2025", sector=sector).values
        rates = pd.concat([old, new]).dropna()
        rates = rates[rates.index >= 2019]
        assert scenario.sectors[sector].growth.mean == pytest.approx(rates.mean(), abs=0.005)
        assert scenario.sectors[sector].growth.sd == pytest.approx(rates.std(), abs=0.005)


# -- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pathz": 5}, "pathz", "did you mean 'paths'"),
        ({"sectors__agro__intensity__ceilng": 5}, "sectors.agro.intensity.ceilng", "ceiling"),
        ({"paths": "many"}, "paths", "valid integer"),
        ({"sectors__agro__growth__mean": 500}, "sectors.agro.growth.mean", "less than"),
        ({"sectors__agro__intensity__ceiling": -5}, "sectors.agro.intensity.ceiling", "greater"),
        ({"sectors__agro__intensity__ceiling": 120}, "sectors.agro.intensity.ceiling", "100"),
        ({"sectors__agro__intensity__ceiling": 1.0}, "sectors.agro.intensity", "below the"),
        ({"paths": 0}, "paths", "greater than or equal to 1"),
        ({"horizon": 2024}, "", "horizon 2024"),
    ],
)
def test_bad_scenarios_name_file_and_field(baseline_dict, changes, field, message):
    with pytest.raises(ParamsError) as info:
        scenario_from_dict(variant(baseline_dict, **changes), file="bad.yaml")
    assert str(info.value).startswith("bad.yaml")
    assert (info.value.field or "") == field
    assert message in str(info.value)


def test_missing_required_field(baseline_dict):
    data = copy.deepcopy(baseline_dict)
    del data["seed"]
    with pytest.raises(ParamsError, match="field 'seed': required field is missing"):
        scenario_from_dict(data, file="bad.yaml")


def test_unknown_instrument(baseline_dict, dataset):
    data = variant(baseline_dict, instruments=["NQ03-NQ/TU", "NQ04-NQ/TU"])
    with pytest.raises(ParamsError, match=r"NQ04-NQ/TU.*allowed: NQ03-NQ/TU"):
        scenario_from_dict(data, known_instruments=TargetRegistry(dataset).instruments)


def test_unknown_scenario_lists_shipped_ones():
    with pytest.raises(ParamsError, match="unknown scenario 'baseline2'; shipped: accelerated"):
        load_scenario("baseline2")


def test_malformed_yaml_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\nsectors: [\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="invalid YAML at line"):
        load_scenario(path)


# -- engine --------------------------------------------------------------------------------
def test_same_seed_same_numbers(baseline_dict):
    scenario = scenario_from_dict(baseline_dict)
    first, second = simulate(scenario, paths=2000), simulate(scenario, paths=2000)
    np.testing.assert_array_equal(first.de_share, second.de_share)
    np.testing.assert_array_equal(first.lp_growth_nominal, second.lp_growth_nominal)
    other = scenario_from_dict(variant(baseline_dict, seed=1))
    assert not np.array_equal(simulate(other, paths=2000).de_share, first.de_share)


def test_zero_volatility_gives_the_compounded_path(baseline_dict):
    scenario = scenario_from_dict(deterministic(baseline_dict))
    sim = simulate(scenario)
    steps = np.arange(1, 6)
    weights = {}
    for name, sector in scenario.sectors.items():
        weights[name] = sector.weight * (1 + sector.growth.mean / 100) ** steps
    total = sum(weights.values())
    share = 0.0
    for name in sim.floor_sectors:
        spec = scenario.sectors[name].intensity
        logistic = spec.ceiling / (
            1 + (spec.ceiling / spec.start - 1) * np.exp(-spec.speed * steps)
        )
        share = share + weights[name] / total * logistic
    assert np.allclose(sim.de_share, share[None, :], atol=1e-9)
    assert np.ptp(sim.de_share, axis=0).max() == 0.0
    expected_index = total / 100 * 100
    np.testing.assert_allclose(sim.grdp_real_index[0], expected_index, rtol=1e-12)
    emp = scenario.employment.growth.mean
    lp_real = 100 * ((total / np.concatenate([[100], total[:-1]])) / (1 + emp / 100) - 1)
    np.testing.assert_allclose(sim.lp_growth_real[0], lp_real, rtol=1e-10)
    defl = scenario.deflator.mean
    np.testing.assert_allclose(
        sim.lp_growth_nominal[0], 100 * ((1 + lp_real / 100) * (1 + defl / 100) - 1)
    )


def test_one_sector_zero_volatility_is_plain_compounding(baseline_dict):
    data = deterministic(baseline_dict)
    data["sectors"] = {
        "all": {
            "weight": 100,
            "growth": {"mean": 7.0, "sd": 0.0},
            "intensity": {"start": 20, "ceiling": 20, "speed": 0.5},
        }
    }
    sim = simulate(scenario_from_dict(data))
    np.testing.assert_allclose(sim.grdp_real_index[0], 100 * 1.07 ** np.arange(1, 6))
    np.testing.assert_allclose(sim.grdp_growth_real, 7.0)
    np.testing.assert_allclose(sim.de_share, 20.0)


def test_shares_stay_within_bounds(baseline_dict):
    data = variant(baseline_dict, paths=3000)
    for sector in data["sectors"].values():
        sector["growth"]["sd"] = 20.0
        if "intensity" in sector:
            sector["intensity"]["speed_sd"] = 2.0
    sim = simulate(scenario_from_dict(data))
    assert (sim.sector_weight > 0).all() and (sim.sector_weight < 100).all()
    np.testing.assert_allclose(sim.sector_weight.sum(axis=2), 100.0)
    for j, name in enumerate(sim.floor_sectors):
        spec = scenario_from_dict(data).sectors[name].intensity
        assert (sim.sector_intensity[:, :, j] >= spec.start - 1e-9).all()
        assert (sim.sector_intensity[:, :, j] <= spec.ceiling + 1e-9).all()
    assert (sim.de_share > 0).all() and (sim.de_share < 100).all()


def test_shock_lowers_growth_in_its_year_only(baseline_dict):
    calm = scenario_from_dict(deterministic(baseline_dict))
    shocked = scenario_from_dict(
        variant(deterministic(baseline_dict), shocks=[{"year": 2027, "growth_pp": -3.0}])
    )
    diff = simulate(shocked).grdp_growth_real[0] - simulate(calm).grdp_growth_real[0]
    assert diff[1] == pytest.approx(-3.0, abs=1e-9)
    assert np.allclose(diff[[0, 2, 3, 4]], 0.0, atol=0.05)


def test_compound_growth_closed_form():
    rates = np.array([[10.0, 10.0, 10.0], [0.0, 21.0, 0.0]])
    np.testing.assert_allclose(compound_growth(rates), [10.0, 100 * (1.21 ** (1 / 3) - 1)])


# -- scorecard -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def baseline_card(dataset):
    registry = TargetRegistry(dataset)
    scenario = load_scenario("baseline", known_instruments=registry.instruments)
    return score(simulate(scenario, paths=4000), registry, dataset).to_frame()


def test_every_target_of_the_instruments_is_listed(baseline_card, dataset):
    registry = TargetRegistry(dataset)
    expected = set(registry.select(["NQ03-NQ/TU", "KH106/KH-UBND"])["target_id"])
    assert set(baseline_card["target_id"]) == expected
    no_data = baseline_card[baseline_card["pillar"] == "digital_society"]
    assert (no_data["status"] == "no data").all()


def test_2025_is_scored_on_the_published_merged_city_figure(baseline_card):
    row = baseline_card.set_index("target_id").loc["TGT033"]
    assert row["status"] == "not met" and row["latest_value"] == 22.28
    assert row["latest_geo"] == "HP2025" and "merged city" in row["note"]
    assert np.isnan(row["probability"])


def test_2030_targets_are_forecast_with_probabilities(baseline_card):
    de = baseline_card.set_index("target_id").loc["TGT021"]
    assert de["low"] <= de["median"] <= de["high"]
    assert 0.0 <= de["probability"] <= 1.0
    assert de["status"] in {"on track", "at risk", "off track"}
    lp = baseline_card[baseline_card["target_id"] == "TGT023"]
    assert set(lp["variant"]) == {
        "real, compound average 2026-2030",
        "real, every year 2026-2030",
        "nominal, compound average 2026-2030",
        "nominal, every year 2026-2030",
    }


def test_scenarios_are_ordered_as_their_assumptions():
    medians = {}
    for name in ("lagging", "baseline", "accelerated"):
        sim = simulate(load_scenario(name), paths=2000)
        medians[name] = float(np.median(sim.de_share[:, -1]))
    assert medians["lagging"] < medians["baseline"] < medians["accelerated"]
