"""Place profiles (params/places/): loading, refusals, and a second place through the steps."""

from __future__ import annotations

import shutil

import pytest
import yaml

from dxecon.core import folders
from dxecon.core.errors import MissingFigureError, ParamsError
from dxecon.core.places import default_place, place_params
from dxecon.data.places import list_places, load_place
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import run_step
from dxecon.pipeline.steps.scenario import scenario_from_context

AS_OF = "2026-12"


@pytest.fixture
def params_copy(tmp_path, monkeypatch):
    """A scratch copy of params/ the place functions read."""
    copy = tmp_path / "params"
    shutil.copytree(folders.PARAMS_DIR, copy)
    monkeypatch.setattr(folders, "PARAMS_DIR", copy)
    return copy


def write_profile(params, code: str, change) -> None:
    profile = yaml.safe_load((params / "places" / "BN.yaml").read_text(encoding="utf-8"))
    profile["code"] = code
    change(profile)
    (params / "places" / f"{code}.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")


def test_shipped_profiles_load_and_the_default_is_a_params_value():
    assert {"HP", "BN"} <= set(list_places())
    assert load_place().code == default_place()
    bac_ninh = load_place("BN")
    assert (bac_ninh.first, bac_ninh.current, bac_ninh.name("en")) == ("BN", "BN2025", "Bac Ninh")
    assert "BN-NQ230/NQ-HDND" in bac_ninh.instruments


def test_a_profile_section_is_laid_over_its_params_file():
    nowcast = place_params("nowcast", "BN")
    assert nowcast["boundary_geos"] == ["BN", "BN2025"]  # from the profile's boundaries
    assert nowcast["nowcast_target_instruments"] == ["BN-SEDP"]
    assert nowcast["interval_level"] == 0.8  # the shared file's value
    series = place_params("forecasts", "BN")["series"]
    assert series[-1]["geo"] == "BN" and any(s.get("method") == "GSO" for s in series)


def test_an_unknown_code_lists_the_profiles_with_a_did_you_mean():
    with pytest.raises(ParamsError, match=r"unknown place 'BNN'.*did you mean 'BN'.*BN, HP"):
        load_place("BNN")


def test_a_profile_with_an_unknown_geography_is_refused(params_copy):
    write_profile(params_copy, "XX", lambda p: p.update(peers=["HN", "HNN"]))
    with pytest.raises(ParamsError) as err:
        load_place("XX")
    assert err.value.field == "peers[1]" and err.value.file.endswith("places/XX.yaml")
    assert "data/codes/geographies.csv" in err.value.message


def test_a_profile_instrument_without_targets_is_refused(params_copy):
    write_profile(
        params_copy, "XY", lambda p: p["nowcast"].update(nowcast_target_instruments=["HP-SEDP"])
    )
    with pytest.raises(ParamsError) as err:
        load_place("XY")
    assert err.value.field == "nowcast.nowcast_target_instruments"
    assert "'HP-SEDP' has no target for BN, BN2025 in data/targets.csv" in err.value.message


def test_bac_ninh_digital_economy_is_computed_from_its_own_data(dataset):
    result = run_step("digital_economy", Context(dataset, AS_OF, "vi", place="BN"))
    calibration = result.objects["estimate"]
    assert calibration.calibrated.to_frame().shape[0] > 0
    assert set(result.objects["floor_targets"]["geo"]) == {"BN"}


def test_bac_ninh_productivity_says_it_lacks_employment(dataset):
    with pytest.raises(MissingFigureError) as err:
        run_step("productivity", Context(dataset, AS_OF, "vi", place="BN"))
    assert (err.value.indicator, err.value.geo, err.value.year) == ("employment", "BN", None)


def test_a_scenario_runs_for_the_place_of_the_context(dataset):
    assert scenario_from_context(Context(dataset, AS_OF, place="BN"), "baseline").geo == "BN2025"
    assert scenario_from_context(Context(dataset, AS_OF, place="HP"), "baseline").geo == "HP2025"
    stated = Context(
        dataset, AS_OF, place="BN", overrides={"scenarios/baseline.yaml": {"place": "HP"}}
    )
    with pytest.raises(ParamsError, match="stated for HP, the run is about BN"):
        scenario_from_context(stated, "baseline")
