"""Place profiles (params/places/): loading, refusals, and a second place through the steps."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import yaml

from dxecon.core import folders
from dxecon.core.errors import MissingFigureError, ParamsError
from dxecon.core.places import default_place, place_params
from dxecon.data.places import list_places, load_place
from dxecon.models.employment import ProductivityParams, productivity_from_params
from dxecon.models.scenarios.config import check_scenario_file
from dxecon.models.scenarios.scorecard import NO_DATA, note_codes
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import STEPS, run_step
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


def test_bac_ninh_productivity_asked_for_explicitly_says_it_lacks_employment(dataset):
    """The step goes on without it (below); asking the model for it is an error."""
    params = ProductivityParams.from_mapping(place_params("productivity", "BN"), file="BN")
    with pytest.raises(MissingFigureError) as err:
        productivity_from_params(dataset, params, milestones={}, as_of=AS_OF)
    assert (err.value.indicator, err.value.geo, err.value.year) == ("employment", "BN", None)
    result = run_step("productivity", Context(dataset, AS_OF, "en", place="BN"))
    assert result.objects["missing"].indicator == "employment"
    assert result["employment_assumption"].startswith("**Not available**: no employment figure")


def test_a_scenario_runs_for_the_place_of_the_context(dataset):
    assert scenario_from_context(Context(dataset, AS_OF, place="BN"), "baseline").geo == "BN2025"
    assert scenario_from_context(Context(dataset, AS_OF, place="HP"), "baseline").geo == "HP2025"
    stated = Context(
        dataset, AS_OF, place="BN", overrides={"scenarios/baseline.yaml": {"place": "HP"}}
    )
    with pytest.raises(ParamsError, match="stated for HP, the run is about BN"):
        scenario_from_context(stated, "baseline")


def test_bac_ninhs_texts_word_its_instruments_and_its_predecessors(dataset):
    """Bac Ninh's 2030 share target has no named instrument: the fan text words it from
    the catalogue (instrument.<code>), never shows the code; the start text says that its
    growth before the merger combines old Bac Ninh and Bac Giang."""
    from dxecon.models.scenarios import run_scenario
    from dxecon.models.scoring import ScoringConfig
    from dxecon.present.scenario_text import fan_text, start_text

    ctx = Context(dataset, AS_OF, place="BN")
    scoring = ScoringConfig.from_mapping(ctx.params("targets.yaml"), file="params/targets.yaml")
    run = run_scenario(
        scenario_from_context(ctx, "baseline"), n_paths=200, dataset=dataset, scoring=scoring
    )
    assert "UNSPEC" in set(run.scorecard.frame["instrument"])
    for lang, named in (("vi", "(không nêu văn bản)"), ("en", "(instrument not named)")):
        text = fan_text(run, "de_share", lang)
        assert "UNSPEC" not in text and named in text
    start = start_text(run, "vi")
    assert "Bắc Ninh (trước sáp nhập) và Bắc Giang (trước sáp nhập) gộp lại" in start
    assert "BG" not in start


#: Small runs: the shipped sweep and baseline with few paths (their files otherwise).
SMALL = {
    "sweeps/de_share_2030.yaml": {"paths": 100, "notebook_samples": 6},
    "scenarios/baseline.yaml": {"paths": 400},
}


@pytest.fixture(scope="module", params=["HP", "BN"])
def every_step(request, dataset):
    """Every step of STEPS for one place, in order, each with the results it needs."""
    ctx = Context(dataset, AS_OF, "vi", SMALL, place=request.param)
    results = {}
    for name, spec in STEPS.items():
        if spec.scope == "month":  # a scenario step's results by scenario, a common one's
            needs = {
                need: {"baseline": results[need]}
                if STEPS[need].scope == "scenario"
                else results[need]
                for need in spec.needs
            }
        else:
            needs = {need: results[need] for need in spec.needs}
        scenario = "baseline" if spec.scope == "scenario" else None
        results[name] = run_step(name, ctx, scenario=scenario, inputs=needs)
    return request.param, results


@pytest.mark.slow  # every step, twice: about a minute
def test_every_step_answers_for_both_places(every_step):
    place, results = every_step
    assert set(results) == set(STEPS)
    productivity = results["productivity"]
    if place == "BN":  # no employment figure: named, not invented, the rest still shown
        assert "Bắc Ninh" in productivity["employment_assumption"]
        assert productivity["city_lp_growth_real"].empty
        assert not productivity["national_productivity"].empty
    else:
        assert not productivity["city_lp_growth_real"].empty


@pytest.mark.slow  # every step, twice: about a minute
def test_without_employment_productivity_is_no_data_with_the_reason(every_step):
    place, results = every_step
    run = results["scenario"].objects["run"]
    card = results["scorecard"]["scorecard"]
    own = card[(card["indicator"] == "lp_growth") & card["geo"].isin(load_place(place).boundaries)]
    assert not own.empty
    if place == "BN":
        assert set(run.paths.unavailable) >= {"lp_growth_real", "lp_growth_nominal"}
        assert (own["status"] == NO_DATA).all()
        said = own["note_codes"].map(lambda cell: {n["code"]: n for n in note_codes(cell)})
        assert (
            said.map(lambda notes: notes.get("no_employment", {}).get("geo"))
            .isin(["BN", "BN2025"])
            .all()
        )
        assert own["probability"].isna().all()  # no invented probability
        assert "lp_growth_real" not in set(run.percentiles()["indicator"])
        assert not np.isnan(run.paths.de_share).any()  # the digital share still simulated
        breakdown = results["scenario"]["interval_breakdown"]
        assert breakdown["lp_growth_nominal_width"].isna().all()  # no zero width either
        assert "Bắc Ninh" in results["scenario"]["lp_growth_fan_text"]
    else:
        assert not run.paths.unavailable
        assert (own["status"] != NO_DATA).any()


@pytest.mark.slow  # every step, twice: about a minute
def test_data_overview_keeps_each_boundary_on_its_own_measure(every_step):
    place, results = every_step
    sentence = results["data_overview"]["de_share_boundary_sentence"]
    if place == "BN":  # the old province has MIC's share only, the merged one GSO's
        assert "thước đo của Bộ TT&TT: 56,83%" in sentence and "thước đo GSO: 46,3%" in sentence
        assert "không được so sánh" in sentence
    else:
        assert "thước đo" not in sentence


def test_a_scenario_file_may_not_say_employment_is_missing():
    with pytest.raises(ParamsError) as err:
        check_scenario_file({"employment": {"not_available": "x"}}, file="f.yaml")
    assert err.value.field == "employment.not_available"


# -- the command line: --place refused before anything runs -----------------------------------
def cli(*args: str):
    from click.testing import CliRunner

    from dxecon.apps.cli import main

    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    "command", [("run", "--as-of", AS_OF), ("monthly",), ("scenario", "baseline")]
)
def test_an_unknown_place_is_refused_with_the_profiles_and_a_did_you_mean(command, tmp_path):
    result = cli(*command, "--place", "BNN", "--outputs", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "unknown place 'BNN'" in result.output and "did you mean 'BN'" in result.output
    assert "BN, HP" in result.output and "Traceback" not in result.output
    assert not any(tmp_path.iterdir())  # nothing written


def test_a_broken_profile_is_refused_naming_the_file_and_the_field(params_copy, tmp_path):
    write_profile(params_copy, "XX", lambda p: p.update(peers=["HN", "HNN"]))
    result = cli("monthly", "--place", "XX", "--outputs", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "places/XX.yaml" in result.output and "peers[1]" in result.output
    assert "data/codes/geographies.csv" in result.output and "Traceback" not in result.output
    write_profile(
        params_copy, "XY", lambda p: p["nowcast"].update(nowcast_target_instruments=["HP-SEDP"])
    )
    result = cli("run", "--as-of", AS_OF, "--place", "XY", "--outputs", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert (
        "places/XY.yaml" in result.output and "nowcast.nowcast_target_instruments" in result.output
    )


def test_all_is_a_monthly_choice_only(tmp_path):
    result = cli("run", "--as-of", AS_OF, "--place", "all", "--outputs", str(tmp_path))
    assert result.exit_code == 2 and "unknown place 'all'" in result.output
