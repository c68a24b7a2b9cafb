"""Scenario files, the Monte Carlo engine and the scorecard."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
from conftest import AS_OF

from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path
from dxecon.data.targets import TargetRegistry
from dxecon.models.scenarios import (
    available_scenarios,
    load_scenario,
    resolve_start,
    run_scenario,
    scenario_from_dict,
    score,
    simulate,
)
from dxecon.models.scenarios.diffusion import SOURCES, start_calibration
from dxecon.models.scenarios.scorecard import NOTE_CODES, note_codes
from dxecon.present.scenario_text import STATUS_ORDER

#: The in-year nowcast that pins a year's growth, as the scorecard's note records it.
NOWCAST = {"stage": "H1", "method": "bridge"}


def note_code_set(cell) -> set[str]:
    return {note["code"] for note in note_codes(cell)}


@pytest.fixture(scope="module")
def shipped_dict():
    """The shipped baseline file as written: assumptions only (no date, no figure computed
    from data/)."""
    return load_yaml(params_path("baseline", "scenarios"))


def dated(data: dict) -> dict:
    """A scenario file's mapping with the run's as-of date."""
    return {**copy.deepcopy(data), "as_of": AS_OF}


@pytest.fixture(scope="module")
def baseline_dict(shipped_dict, dataset):
    """The baseline with its observed start and its growth figures filled in from the
    shipped data."""
    resolved, _ = resolve_start(scenario_from_dict(dated(shipped_dict)), dataset)
    return resolved.model_dump(exclude_none=True)


def resolved(name: str, dataset):
    return resolve_start(load_scenario(name, as_of=AS_OF), dataset)[0]


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
    if data.get("diffusion"):
        data["diffusion"] = {
            "speed": 0.1,
            "ceiling": 60.0,
            "start_uncertainty": False,
            "source": "test: one fixed speed and ceiling",
        }
    return data


# -- shipped files -------------------------------------------------------------------------
def test_shipped_scenarios_load_and_reference_known_instruments(dataset):
    known = TargetRegistry(dataset).instruments
    assert {"baseline", "accelerated", "lagging"} <= set(available_scenarios())
    for name in available_scenarios():
        scenario = load_scenario(name, as_of=AS_OF, known_instruments=known)
        assert scenario.name == name
        assert {"sectors", "deflator", "employment"} <= set(scenario.assumptions)


def test_shipped_files_hold_no_observed_start(shipped_dict):
    assert "base_year" not in shipped_dict
    for sector in shipped_dict["sectors"].values():
        assert "weight" not in sector
        assert "start" not in (sector.get("intensity") or {})


@pytest.mark.parametrize("name", ["baseline", "accelerated", "lagging"])
def test_shipped_files_type_no_date_and_no_computed_growth(name):
    # Every growth names its history; no mean or sd, no as-of date, no figure in the
    # assumption texts (the run computes and shows them).
    import re

    path = params_path(name, "scenarios")
    data = load_yaml(path)
    assert "as_of" not in data
    growths = [s["growth"] for s in data["sectors"].values()]
    growths += [data["deflator"], data["employment"]["growth"]]
    for growth in growths:
        assert "from_history" in growth and not {"mean", "sd"} & set(growth)
    for key in ("sectors", "deflator", "employment", "industry_growth"):
        for text in data["assumptions"].get(key, {}).values():
            assert not re.search(r"\d", text), (key, text)


def test_start_is_the_latest_published_structure_and_share(dataset, baseline_dict):
    # Weights: the merged city's latest published GRDP structure; start intensities
    # reproduce its latest published GSO share: read from data/, never typed.
    scenario = scenario_from_dict(baseline_dict)
    latest = dataset.series("sector_share_grdp", "HP2025", sector="ind_con").values.dropna()
    year = int(latest.index.max())
    assert scenario.base_year == year
    shares = {
        s: dataset.series("sector_share_grdp", "HP2025", sector=s).values.loc[year]
        for s in ("agro", "ind_con", "services")
    }
    for sector, value in shares.items():
        assert scenario.sectors[sector].weight == value
    assert scenario.sectors["taxes"].weight == pytest.approx(100 - sum(shares.values()))
    published = dataset.series("de_share", "HP2025", method="GSO").values.dropna()
    assert simulate(scenario, paths=10).base["de_share"] == pytest.approx(
        published.iloc[-1], abs=0.01
    )


def test_a_changed_observation_moves_the_start_and_the_scorecard(data_copy, dataset):
    from conftest import replace_in

    from dxecon.data import load_dataset

    before = run_scenario("baseline", as_of=AS_OF, n_paths=500, dataset=dataset)
    # The merged city's published 2025 share (GSO): a revised figure must reach the start.
    replace_in(
        data_copy / "observations.csv",
        ",de_share,HP2025,total,2025,22.28,",
        ",de_share,HP2025,total,2025,24.5,",
    )
    # the start is the subject: the diffusion calibrated once, on the shipped data, for both
    after = run_scenario(
        "baseline",
        as_of=AS_OF,
        n_paths=500,
        dataset=load_dataset(data_copy),
        calibration=start_calibration(dataset, AS_OF),
    )
    assert after.paths.base["de_share"] == pytest.approx(24.5, abs=0.01)
    assert before.paths.base["de_share"] != pytest.approx(24.5, abs=0.01)
    card_before = before.scorecard.frame.set_index("goal_id")
    card_after = after.scorecard.frame.set_index("goal_id")
    assert card_after.at["TGT021", "median"] > card_before.at["TGT021", "median"]
    start = after.start.to_frame().set_index("field")
    assert (
        start.at["sectors.ind_con.intensity.start", "value"]
        > before.start.to_frame().set_index("field").at["sectors.ind_con.intensity.start", "value"]
    )


def test_start_override_is_applied_and_reported(shipped_dict, dataset):
    data = dated(shipped_dict)
    data["start_override"] = {
        "sectors.agro.intensity.start": {"value": 3.0, "reason": "a survey says so"}
    }
    scenario, start = resolve_start(scenario_from_dict(data), dataset)
    assert scenario.sectors["agro"].intensity.start == 3.0
    row = start.to_frame().set_index("field").loc["sectors.agro.intensity.start"]
    assert row["overridden"] and row["reason"] == "a survey says so"
    data["start_override"] = {"sectors.agro.growth.mean": {"value": 3.0, "reason": "why not"}}
    with pytest.raises(ParamsError, match="not an observed start"):
        resolve_start(scenario_from_dict(data), dataset, file="mine.yaml")


def test_unresolved_scenario_is_refused_by_the_engine(shipped_dict):
    with pytest.raises(ValueError, match="resolve_start"):
        simulate(scenario_from_dict(dated(shipped_dict)))


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


@pytest.mark.parametrize(
    ("reasoning", "field", "message"),
    [
        ("English only", "assumptions", "sectors: write its reasoning for a reader in each"),
        ({"en": "English only"}, "assumptions.sectors.vi", "required field is missing"),
        (
            {"vi": "Tiếng Việt", "en": "English", "fr": "?"},
            "assumptions.sectors.fr",
            "allowed keys: vi, en",
        ),
    ],
)
def test_an_assumption_is_reasoned_in_each_language(baseline_dict, reasoning, field, message):
    data = copy.deepcopy(baseline_dict)
    data["assumptions"]["sectors"] = reasoning
    with pytest.raises(ParamsError) as info:
        scenario_from_dict(data, file="bad.yaml")
    assert (info.value.field, message in str(info.value)) == (field, True), str(info.value)


def test_the_reasoning_table_is_in_the_language_asked(baseline_dict):
    from dxecon.present.scenario_text import reasoning_table
    from dxecon.present.words import LANGUAGES

    scenario = scenario_from_dict(baseline_dict)
    tables = {lang: reasoning_table(scenario, lang) for lang in LANGUAGES}
    for lang, table in tables.items():
        expected = [r(lang) for r in scenario.assumptions.values()]
        assert table["reasoning"].tolist() == expected
    assert tables["vi"]["reasoning"].iloc[0] != tables["en"]["reasoning"].iloc[0]


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
        load_scenario("baseline2", as_of=AS_OF)


def test_malformed_yaml_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\nsectors: [\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="invalid YAML at line"):
        load_scenario(path, as_of=AS_OF)


# -- engine --------------------------------------------------------------------------------
def test_same_seed_same_numbers(baseline_dict):
    scenario = scenario_from_dict(baseline_dict)
    first, second = simulate(scenario, paths=2000), simulate(scenario, paths=2000)
    np.testing.assert_array_equal(first.de_share, second.de_share)
    np.testing.assert_array_equal(first.lp_growth_nominal, second.lp_growth_nominal)
    other = scenario_from_dict(variant(baseline_dict, seed=1))
    assert not np.array_equal(simulate(other, paths=2000).de_share, first.de_share)


#: Every uncertainty source but the digital share's yearly noise (the calibration's, which
#: no scenario value sets to zero).
NOISELESS = tuple(source for source in SOURCES if source != "noise")


def test_zero_volatility_gives_the_compounded_path(baseline_dict):
    scenario = scenario_from_dict(deterministic(baseline_dict))
    sim = simulate(scenario, sources=NOISELESS)
    steps = np.arange(1, 6)
    weights = {}
    for name, sector in scenario.sectors.items():
        weights[name] = sector.weight * (1 + sector.growth.mean / 100) ** steps
    total = sum(weights.values())
    share = 0.0
    start_share = sum(
        scenario.sectors[f].weight * scenario.sectors[f].intensity.start for f in sim.floor_sectors
    )
    start_share /= 100
    for name in sim.floor_sectors:
        spec = scenario.sectors[name].intensity
        # diffusion: the sector's start scaled by the whole-economy ceiling over the start
        ceiling = min(spec.start * scenario.diffusion.ceiling / start_share, 100.0)
        speed = scenario.diffusion.speed
        logistic = ceiling / (1 + (ceiling / spec.start - 1) * np.exp(-speed * steps))
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
    data["diffusion"]["start_uncertainty"] = False
    for sector in data["sectors"].values():
        sector["growth"]["sd"] = 20.0
        if "intensity" in sector:
            sector["intensity"]["speed_sd"] = 2.0
    # growth shocks only: the diffusion at its central, positive speed never takes a share
    # below its start
    sim = simulate(scenario_from_dict(data), sources=("shocks",))
    assert (sim.sector_weight > 0).all() and (sim.sector_weight < 100).all()
    np.testing.assert_allclose(sim.sector_weight.sum(axis=2), 100.0)
    for j, name in enumerate(sim.floor_sectors):
        spec = scenario_from_dict(data).sectors[name].intensity
        assert (sim.sector_intensity[:, :, j] >= spec.start - 1e-9).all()
        assert (sim.sector_intensity[:, :, j] <= (spec.ceiling or 100.0) + 1e-9).all()
    assert (sim.de_share > 0).all() and (sim.de_share < 100).all()
    # the city's own deviation and the yearly noise may take a share below its start (the
    # national share fell in 2022), never out of (0, 100)
    noisy = simulate(scenario_from_dict(data))
    assert (noisy.sector_intensity > 0).all() and (noisy.sector_intensity <= 100.0).all()
    assert (noisy.de_share > 0).all() and (noisy.de_share < 100).all()


def test_shock_lowers_growth_in_its_year_only(baseline_dict):
    calm = scenario_from_dict(deterministic(baseline_dict))
    shocked = scenario_from_dict(
        variant(deterministic(baseline_dict), shocks=[{"year": 2027, "growth_pp": -3.0}])
    )
    diff = simulate(shocked).grdp_growth_real[0] - simulate(calm).grdp_growth_real[0]
    assert diff[1] == pytest.approx(-3.0, abs=1e-9)
    assert np.allclose(diff[[0, 2, 3, 4]], 0.0, atol=0.05)


# -- scorecard -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def baseline_card(dataset):
    registry = TargetRegistry(dataset)
    scenario = resolved("baseline", dataset)
    return score(simulate(scenario, paths=4000), registry, dataset).to_frame()


def test_every_city_target_is_in_exactly_one_goal(baseline_card, dataset):
    from dxecon.models.scoring import ScoringConfig

    config = ScoringConfig.from_yaml()
    targets = TargetRegistry(dataset).select()
    city = targets[targets["geo"].isin(config.city_geographies)]
    from dxecon.models.scenarios.scorecard import goals

    assigned = goals(city)
    assert set(assigned["goal_id"]) == set(
        baseline_card[baseline_card["scope"] == "city"]["goal_id"]
    )
    assert baseline_card["goal_id"].is_unique


def test_one_goal_set_twice_is_one_row_with_both_levels(baseline_card):
    card = baseline_card.set_index("goal_id")
    # Resolution 03 (25%) and Plan 106 (35%) set the 2025 digital share: one row.
    row = card.loc["TGT009"]
    assert row["instrument"] == "KH106/KH-UBND" and "NQ03-NQ/TU" in row["also_set_by"]
    earlier = json.loads(row["earlier_levels"])  # recorded as facts; the present words them
    assert [level["instrument"] for level in earlier] == ["NQ03-NQ/TU"]
    assert earlier[0]["value"] == 25.0 and earlier[0]["status"] in STATUS_ORDER
    assert "TGT033" not in card.index and "TGT034" not in card.index


def test_a_figure_of_another_boundary_is_not_comparable(baseline_card):
    row = baseline_card.set_index("goal_id").loc["TGT009"]
    assert row["status"] == "not comparable"
    other = json.loads(row["other_boundary"])  # the figure as facts: value, place, year...
    assert other["geo"] == "HP2025" and other["year"] == 2025 and row["latest_geo"] == "HP"
    assert np.isnan(row["probability"])


def test_past_targets_are_scored_on_the_published_figure(baseline_card, dataset):
    card = baseline_card.set_index("goal_id")
    growth = dataset.series("grdp_growth_real", "HP2025").values
    row = card.loc["TGT055"]
    expected = "met" if growth.loc[2025] >= row["target_value"] else "missed"
    assert row["status"] == expected and row["latest_value"] == growth.loc[2025]
    assert row["latest_period"] == "2025" and row["latest_source"]


def test_2030_targets_are_forecast_with_probabilities(baseline_card):
    de = baseline_card.set_index("goal_id").loc["TGT021"]
    # The seeded Monte Carlo is deterministic: these are the values it gave for the shipped
    # baseline (params/scenarios/baseline.yaml, its seed, 4,000 paths as in baseline_card)
    # on the shipped data/, printed by score(simulate(...)).to_frame() when the test was
    # written. They change only when the model, the baseline's assumptions or its data
    # change: then find which, and update them on purpose, never to make the test pass.
    # Issue 20 (partial pooling, yearly noise, a centred start) moved them; the diffusion
    # part was reproduced to the last digit by an independent re-implementation of the draws
    # and the sector sum from the calibration's estimates and the engine's random streams.
    # Sector growth is now computed from data/ unrounded (test_scenario_history checks it).
    # The real-time check's widening of the yearly noise (0 of 4 forecasts inside their 80%
    # intervals; factor 2.41, measured against the noise estimated now) moved them again:
    # with the calibration's widening removed the earlier values (25.3699, 22.3411-28.6677,
    # 7 of 4,000) come back to the last digit; the median moved by 0.03 and the 80% range
    # went from 6.3 to 10.4 points. Issue 22 applies the start's log revision error exactly
    # (s0 e^eps, not the delta method's logit shift, whose start factor is concave in eps and
    # has a longer lower tail) and draws the ceiling given the start (the city's start is far
    # below the prior's low end: its ceilings are unchanged): the median moved by +0.009, the
    # 10th percentile by +0.016 and the 90th by +0.010 (25.4002, 20.5493-30.9250 before).
    np.testing.assert_allclose(
        [de["median"], de["low"], de["high"]],
        [25.409457078977173, 20.564949537202843, 30.93484430466496],
        rtol=1e-9,
    )
    assert de["probability"] == 104 / 4000  # 104 of the 4,000 paths reach the target
    assert de["status"] == "off track"
    lp = baseline_card.set_index("goal_id").loc["TGT023"]
    readings = {(r["basis"], r["reading"]) for r in json.loads(lp["other_readings"])}
    assert readings == {
        ("real", "every_year"),
        ("nominal", "compound_average"),
        ("nominal", "every_year"),
    }
    assert lp["reading"] == "real, compound average 2026-2030"


def test_no_data_rows_are_a_minority_and_name_what_is_needed(baseline_card):
    city = baseline_card[baseline_card["scope"] == "city"]
    no_data = city[city["status"] == "no data"]
    needed = no_data["note_codes"].map(lambda cell: "needed" in note_code_set(cell))
    assert (needed | no_data["year"].isna()).all()


def test_status_thresholds_come_from_params(tmp_path, dataset, baseline_dict):
    import yaml

    from dxecon.models.scoring import ScoringConfig

    data = load_yaml(params_path("targets"))
    data["status_thresholds"] = {"on_track": 1.0, "at_risk": 0.99}
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    config = ScoringConfig.from_yaml(path)
    sim = simulate(scenario_from_dict(baseline_dict), paths=500)
    card = score(sim, TargetRegistry(dataset), dataset, config=config).to_frame()
    forecast = card[card["scored_on"] == "forecast"]
    assert not forecast.empty
    assert set(forecast["status"]) <= {"off track", "on track"}
    assert ((forecast["probability"] == 1.0) == (forecast["status"] == "on track")).all()


def test_a_changed_target_changes_the_scorecard(data_copy, baseline_dict):
    from conftest import replace_in

    from dxecon.data import load_dataset

    text = (data_copy / "targets.csv").read_text(encoding="utf-8")
    line = next(row for row in text.splitlines() if row.startswith("TGT023,"))
    replace_in(data_copy / "targets.csv", line, line.replace(",>=,16,", ",>=,9,"))
    changed = load_dataset(data_copy)
    sim = simulate(scenario_from_dict(baseline_dict), paths=2000)
    card = score(sim, TargetRegistry(changed), changed).to_frame().set_index("goal_id")
    assert card.at["TGT023", "target_value"] == 9.0
    assert card.at["TGT023", "probability"] > 0.5


def test_scenarios_are_ordered_as_their_assumptions(dataset):
    medians = {}
    for name in ("lagging", "baseline", "accelerated"):
        sim = simulate(resolved(name, dataset), paths=2000)
        medians[name] = float(np.median(sim.de_share[:, -1]))
    assert medians["lagging"] < medians["baseline"] < medians["accelerated"]


def test_every_note_and_what_it_names_has_words_in_both_languages(dataset):
    from dxecon.models.scoring import ScoringConfig
    from dxecon.present.words import LANGUAGES, catalogue

    words = catalogue()
    keys = [f"note.{code}" for code in NOTE_CODES]
    config = ScoringConfig.from_yaml()
    keys += [f"differs.{t}.{p.indicator}" for t, ps in config.proxies.items() for p in ps]
    keys += [f"indicator.{p.indicator}" for ps in config.proxies.values() for p in ps]
    keys += [f"indicator.{i}" for i in TargetRegistry(dataset).frame["indicator"].unique()]
    missing = [key for key in keys if set(words.get(key, {})) != set(LANGUAGES)]
    assert not missing


def test_a_vietnamese_scorecard_table_has_notes_in_words(baseline_card):
    """The notes of the tables notebook 06 shows: Vietnamese, no boundary code, no English."""
    import re

    from dxecon.present.scenario_text import CITY_NOTES_COLUMNS, NO_DATA_COLUMNS
    from dxecon.present.tables import geography_codes, readable
    from dxecon.present.words import Words

    city = baseline_card[baseline_card["scope"] == "city"]
    shown = readable(city[list(CITY_NOTES_COLUMNS)], "vi")
    shown = pd.concat([shown, readable(city[list(NO_DATA_COLUMNS)], "vi")])
    notes = shown[Words("vi")("nb.col.note_codes")]
    said = [text for text in notes if text != "-"]
    assert len(said) > 10
    codes = set(geography_codes()["code"])
    english = {"the", "figure", "published", "target", "read", "scored", "needed", "only"}
    for text in said:
        tokens = set(re.findall(r"\w+", text))
        assert not tokens & codes, text
        assert not tokens & english, text
        assert not [t for t in tokens if "_" in t], text  # no indicator code


def test_close_measures_are_indicative_never_met_or_missed(baseline_card):
    proxies = baseline_card[baseline_card["scored_on"] == "close measure"]
    assert not proxies.empty
    assert (proxies["status"] == "indicative").all()
    assert proxies["note_codes"].map(lambda cell: "indicative" in note_code_set(cell)).all()


def test_estimated_productivity_agrees_with_the_productivity_estimator(baseline_card, dataset):
    from dxecon.core.places import place_params
    from dxecon.models.employment import ProductivityParams, productivity_from_params
    from dxecon.models.rates import compound_growth

    file = params_path("productivity")
    params = place_params("productivity")  # the file with the default place's profile
    real = (
        productivity_from_params(
            dataset,
            ProductivityParams.from_mapping(params, file=str(file)),
            milestones={},
            as_of="2026-10",
        )["real_growth"]
        .frame.set_index("year")["lp_growth_real_pct"]
        .dropna()
    )
    real = real[real.index > params["lp_base_year"]]
    row = baseline_card.set_index("goal_id").loc["TGT011"]
    assert row["latest_period"] == str(int(real.index.max()))
    assert row["latest_value"] == pytest.approx(float(compound_growth(real.to_numpy())))
    assert row["status"] in {"latest short", "latest meets"}
    source = json.loads(row["latest_source"])  # an estimate: how it is made, as facts
    assert source == {
        "estimator": "productivity_growth",
        "first": params["lp_base_year"] + 1,
        "last": int(real.index.max()),
    }
    assert row["latest_method"] == ""


def test_unknown_estimator_in_params_is_named(tmp_path, dataset, baseline_dict):
    import yaml

    from dxecon.models.scoring import ScoringConfig

    data = load_yaml(params_path("targets"))
    data["estimated"] = {"lp_growth": "guesswork"}
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    sim = simulate(scenario_from_dict(baseline_dict), paths=10)
    with pytest.raises(ParamsError, match=r"estimated.*unknown estimator"):
        score(sim, TargetRegistry(dataset), dataset, config=ScoringConfig.from_yaml(path))


def test_every_indicator_named_in_the_scoring_params_is_a_known_code(dataset):
    from dxecon.models.scoring import ScoringConfig

    config = ScoringConfig.from_yaml()
    known = set(dataset.code_set("indicators"))
    named = set(config.observed_as) | set(config.proxies) | set(config.estimated)
    named |= {code for codes in config.observed_as.values() for code in codes}
    named |= {proxy.indicator for items in config.proxies.values() for proxy in items}
    assert named <= known, sorted(named - known)


def test_the_current_year_is_pinned_to_the_nowcast_draws(baseline_dict):
    scenario = scenario_from_dict(baseline_dict)
    draws = np.linspace(5.0, 15.0, 200)
    year = scenario.base_year + 1
    sim = simulate(
        scenario, paths=200, current_year=year, current_growth=draws, current_note=NOWCAST
    )
    np.testing.assert_allclose(sim.grdp_growth_real[:, 0], draws, rtol=1e-10)
    assert sim.pinned == {year: NOWCAST}
    free = simulate(scenario, paths=200)
    assert not np.allclose(free.grdp_growth_real[:, 0], draws)
    # Later years keep the scenario's own assumptions: the same draws, so nearly the same
    # growth (only the weights moved by the pinned year differ).
    np.testing.assert_allclose(sim.grdp_growth_real[:, 1:], free.grdp_growth_real[:, 1:], atol=0.5)


def test_a_run_in_a_simulated_year_starts_that_year_from_the_nowcast(dataset):
    run = run_scenario("baseline", as_of=AS_OF, n_paths=2000, dataset=dataset)
    year = int(run.scenario.as_of[:4])
    assert run.nowcast is not None and run.nowcast.year == year
    column = int(np.flatnonzero(run.paths.years == year)[0])
    assert np.median(run.paths.grdp_growth_real[:, column]) == pytest.approx(
        run.nowcast.median, abs=0.5
    )
    pinned = {"stage": run.nowcast.stage, "method": run.nowcast.method}
    assert run.paths.pinned[year] == pinned
    card = run.scorecard.frame
    growth = card[(card["indicator"] == "grdp_growth_real") & (card["year"] == year)]
    if not growth.empty:  # the goal of the year says its growth is the nowcast's
        assert {"code": "nowcast_pinned", "year": year, **pinned} in note_codes(
            growth["note_codes"].iloc[0]
        )


def test_a_level_whose_instrument_is_not_named_is_the_earlier_one(dataset, data_copy):
    """HP's 2026 growth goal is set by NQ01/NQ-CP and by a target whose source names no
    instrument (codes/instruments.csv `named` = no); neither has an adoption year, so the
    named one is in force and the other is listed as also setting it. The column decides:
    marked as named, the later target id wins instead."""
    from conftest import replace_in

    from dxecon.data import load_dataset
    from dxecon.models.scenarios.scorecard import score

    def goal(data):
        card = score(None, TargetRegistry(data), data, as_of=AS_OF).to_frame()
        return card.set_index("goal_id").loc["TGT058", ["instrument", "also_set_by"]].tolist()

    assert goal(dataset) == ["NQ01/NQ-CP", "UNSPEC"]
    instruments = data_copy / "codes" / "instruments.csv"
    replace_in(instruments, "UNSPEC,instrument not named,,no", "UNSPEC,instrument not named,,yes")
    assert goal(load_dataset(data_copy)) == ["UNSPEC", "NQ01/NQ-CP"]
