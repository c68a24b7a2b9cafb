"""Growth figures a scenario computes from the published history at run time
(`dxecon.models.scenarios.history`), overrides, and the run's as-of date (never the file's)."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import statistics

import pytest
from conftest import AS_OF

from dxecon.core.errors import NotPublishedYetError, ParamsError, SeriesSelectionError
from dxecon.core.facts import facts_of
from dxecon.core.params import load_yaml, params_path
from dxecon.data import load_dataset
from dxecon.data.changes import FigureInput, add_figures
from dxecon.models.scenarios import history as h
from dxecon.models.scenarios import load_scenario, resolve_start, scenario_from_dict
from dxecon.models.scenarios.history import rate_statistics, resolve_history
from dxecon.models.scenarios.start import scenario_start_changes
from dxecon.present.notes import say_facts
from dxecon.present.words import Words

# Published real growth of industry and construction used by the shipped scenarios (data/):
# the old city (HP) 2020, 2022, 2023 and the merged city (HP2025) 2025; none for 2021, 2024.
IND_CON = {2020: 16.59, 2022: 15.56, 2023: 11.54, 2025: 13.61}


def figure(**fields) -> FigureInput:
    base = {"sector": "total", "unit": "pct", "price_basis": "constant_2010", "status": "F"}
    return FigureInput({**base, **fields, "note": "test figure"})


def shipped(name: str) -> dict:
    return load_yaml(params_path(name, "scenarios"))


def table(start) -> dict:
    return start.to_frame().set_index("field")


# -- the statistics -------------------------------------------------------------------------
def test_rate_statistics_are_the_mean_or_range_end_and_the_sample_sd():
    rates = list(IND_CON.values())
    sd = statistics.stdev(rates)
    assert rate_statistics(rates) == pytest.approx(((16.59 + 15.56 + 11.54 + 13.61) / 4, sd))
    assert rate_statistics(rates, "max") == pytest.approx((16.59, sd))
    assert rate_statistics(rates, "min") == pytest.approx((11.54, sd))


def test_sector_growth_windows_against_hand_values(dataset):
    # Agriculture 2019-2025: the old city's 2019-2023 rates and the merged city's 2025 one.
    agro = [1.58, 2.35, 1.49, 1.21, 1.11, 4.33]
    found = h.sector_growth(dataset, "HP2025", "agro", (2019, 2025), as_of=AS_OF)
    assert (found.mean, found.sd) == pytest.approx((sum(agro) / 6, statistics.stdev(agro)))
    note, merger = facts_of(found.mean_source)  # then how the merger's parts were read
    assert merger == found.boundary and merger["code"] == "history_one_part"
    assert (note["stat"], note["crossing"], note["missing"]) == ("mean", True, [2024])
    assert [part["geo"] for part in note["evidence"]] == ["HP", "HP2025"]
    assert note["evidence"][0]["refs"][0] == [2019, "OBS0052 (S1)"]
    assert note["evidence"][1]["refs"] == [[2025, "OBS0090 (S13)"]]
    said = say_facts(found.mean_source, Words("en"))  # worded: places by their names
    assert "across the boundary change: Hai Phong (boundary before" in said
    assert "none published for 2024" in said and "Hai Phong (merged with Hai Duong): 2025" in said
    top = h.sector_growth(dataset, "HP2025", "ind_con", (2020, 2025), centre="max", as_of=AS_OF)
    assert top.mean == 16.59 and facts_of(top.mean_source)[0]["stat"] == "highest"
    assert say_facts(top.mean_source, Words("en")).startswith("highest (2020)")
    low = h.sector_growth(dataset, "HP2025", "ind_con", (2020, 2025), centre="min", as_of=AS_OF)
    assert low.mean == 11.54 and low.sd == pytest.approx(statistics.stdev(IND_CON.values()))
    # On the old city alone no 2025 rate exists and nothing crosses the boundary.
    old = h.sector_growth(dataset, "HP", "ind_con", (2020, 2025), as_of=AS_OF)
    assert old.mean == pytest.approx((16.59 + 15.56 + 11.54) / 3)
    assert not facts_of(old.mean_source)[0]["crossing"]


def test_deflator_and_employment_against_hand_values(dataset):
    # Current-price GRDP of the old city 2021 (315,710 bn, OBS0125) and 2024 (445,995 bn,
    # OBS0129) against its real growth 2022-2024 (12.32, 10.34, 11.01).
    mean = 100 * ((445995 / 315710 / (1.1232 * 1.1034 * 1.1101)) ** (1 / 3) - 1)
    # No two consecutive city levels: the sd is the distance to the national GDP deflator
    # of 2024 (GDP 10,221.8 and 11,511.9 thousand bn, real growth 7.09).
    national = 100 * (11511.9 / 10221.8 / 1.0709 - 1)
    found = h.deflator(dataset, "HP2025", (2022, 2024), as_of=AS_OF)
    assert (found.mean, found.sd) == pytest.approx((mean, abs(national - mean)))
    assert "OBS0125" in found.mean_source and "OBS0308" in found.sd_source
    # Employment 2010-2015 (thousand persons, L1).
    levels = [1042.0, 1054.0, 1061.4, 1082.3, 1085.6, 1090.4]
    yearly = [100 * (b / a - 1) for a, b in itertools.pairwise(levels)]
    jobs = h.employment_growth(dataset, "HP2025", (2011, 2015), as_of=AS_OF)
    assert jobs.mean == pytest.approx(100 * ((1090.4 / 1042.0) ** (1 / 5) - 1))
    assert jobs.sd == pytest.approx(statistics.stdev(yearly))


def test_the_deflator_sd_comes_from_yearly_deflators_once_levels_are_consecutive(
    data_copy, dataset
):
    # Two more current-price levels of the old city make 2022, 2023 and 2024 yearly deflators.
    made_up = {2022: 365000.0, 2023: 400000.0}
    add_figures(
        [
            figure(
                indicator="grdp_current", geo="HP", period=str(year), value=str(value),
                unit="bn_vnd", price_basis="current", published="2026-05-01", source_id="S11",
            )
            for year, value in made_up.items()
        ],
        data_copy,
        today=dt.date(2026, 10, 31),
    )  # fmt: skip
    found = h.deflator(load_dataset(data_copy), "HP2025", (2022, 2024), as_of=AS_OF)
    levels = {2021: 315710.0, **made_up, 2024: 445995.0}
    real = {2022: 12.32, 2023: 10.34, 2024: 11.01}
    yearly = [100 * (levels[y] / levels[y - 1] / (1 + real[y] / 100) - 1) for y in real]
    assert found.sd == pytest.approx(statistics.stdev(yearly))
    assert facts_of(found.sd_source)[0]["code"] == "history_deflator_sd"
    said = say_facts(found.sd_source, Words("en"))
    assert said.startswith("standard deviation of the yearly deflators")
    # The mean rests on the window's ends only: unchanged.
    assert found.mean == pytest.approx(
        h.deflator(dataset, "HP2025", (2022, 2024), as_of=AS_OF).mean
    )


# -- a new figure moves the next run ----------------------------------------------------------
def test_a_revised_sector_growth_rate_moves_the_scenarios(data_copy):
    # A newer vintage of the old city's 2023 industry growth (11.54 in OBS0077, S8).
    result = add_figures(
        [
            figure(
                indicator="sector_growth_real", geo="HP", sector="ind_con", period="2023",
                value="12.00", published="2026-09-15", source_id="S8",
            )
        ],
        data_copy,
        today=dt.date(2026, 10, 31),
    )  # fmt: skip
    after = load_dataset(data_copy)
    baseline, start = resolve_start(load_scenario("baseline", as_of=AS_OF), after)
    assert baseline.sectors["ind_con"].growth.mean == pytest.approx(
        (16.59 + 15.56 + 12.00 + 13.61) / 4
    )
    assert baseline.sectors["ind_con"].growth.sd == pytest.approx(
        statistics.stdev([16.59, 15.56, 12.00, 13.61])
    )
    assert "OBS0077" not in table(start).at["sectors.ind_con.growth.mean", "source"]
    # The lagging scenario's bottom of the range moves with it, the accelerated top does not.
    lagging = resolve_start(load_scenario("lagging", as_of=AS_OF), after)[0]
    assert lagging.sectors["ind_con"].growth.mean == 12.00
    accelerated = resolve_start(load_scenario("accelerated", as_of=AS_OF), after)[0]
    assert accelerated.sectors["ind_con"].growth.mean == 16.59
    # `dxecon data add` says so.
    said = "\n".join(scenario_start_changes(result.before, result.after, result.as_of))
    assert "scenario baseline: growth sectors.ind_con.growth.mean 14.325 -> 14.44" in said
    assert "scenario lagging: growth sectors.ind_con.growth.mean 11.54 -> 12" in said


# -- overrides ------------------------------------------------------------------------------
def test_an_override_replaces_a_computed_figure_and_is_reported(dataset):
    data = shipped("baseline")
    data["sectors"]["ind_con"]["growth"]["override"] = {
        "mean": 16.0,
        "reason": "the city plan's industrial zones (a test's reason)",
    }
    scenario, start = resolve_start(load_scenario_from(data), dataset, file="mine.yaml")
    growth = scenario.sectors["ind_con"].growth
    assert growth.mean == 16.0
    assert growth.sd == pytest.approx(statistics.stdev(IND_CON.values()))  # still computed
    rows = table(start)
    assert rows.at["sectors.ind_con.growth.mean", "overridden"]
    assert rows.at["sectors.ind_con.growth.mean", "reason"].startswith("the city plan's")
    replaced, computed, merger = facts_of(rows.at["sectors.ind_con.growth.mean", "source"])
    assert merger["code"] == "history_one_part"  # the computed figure's merger note kept
    assert replaced == {"code": "override_replaces", "replaced": pytest.approx(14.325)}
    assert computed["code"] == "history_growth"
    said = say_facts(rows.at["sectors.ind_con.growth.mean", "source"], Words("en"))
    assert said.startswith("replaces 14.32, the figure computed from the published data; mean")
    assert not rows.at["sectors.ind_con.growth.sd", "overridden"]


def load_scenario_from(data: dict, file: str = "mine.yaml"):
    return scenario_from_dict({**data, "as_of": AS_OF}, file=file)


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"mean": 16.0}, "sectors.ind_con.growth.override.reason", "required field is missing"),
        ({"mean": 16.0, "reason": ""}, "sectors.ind_con.growth.override.reason", "at least 3"),
        ({"reason": "no figure given"}, "sectors.ind_con.growth.override", "state the mean"),
    ],
)
def test_an_override_needs_a_reason_and_a_figure(override, field, message):
    data = shipped("baseline")
    data["sectors"]["ind_con"]["growth"]["override"] = override
    with pytest.raises(ParamsError) as info:
        load_scenario_from(data)
    assert info.value.file == "mine.yaml" and info.value.field == field
    assert message in str(info.value)


def test_without_history_an_override_states_both_figures():
    data = shipped("baseline")
    data["deflator"] = {"override": {"mean": 2.0, "reason": "a stated deflator"}}
    with pytest.raises(ParamsError, match="from_history: \\[first, last\\]") as info:
        load_scenario_from(data)
    assert info.value.field == "deflator"
    data["deflator"] = {"override": {"mean": 2.0, "sd": 1.0, "reason": "a stated deflator"}}
    assert load_scenario_from(data).deflator.override.sd == 1.0


# -- what a scenario file may not hold --------------------------------------------------------
def test_a_file_holding_as_of_is_refused_naming_the_fix(tmp_path):
    path = tmp_path / "dated.yaml"
    path.write_text(
        params_path("baseline", "scenarios").read_text(encoding="utf-8") + "as_of: 2026-10\n",
        encoding="utf-8",
    )
    with pytest.raises(ParamsError) as info:
        load_scenario(path, as_of=AS_OF)
    assert info.value.file == str(path) and info.value.field == "as_of"
    assert "remove the as_of line" in str(info.value) and "--as-of" in str(info.value)


def test_a_typed_growth_figure_is_refused_naming_the_fix(tmp_path):
    text = params_path("baseline", "scenarios").read_text(encoding="utf-8")
    path = tmp_path / "typed.yaml"
    path.write_text(
        text.replace(
            "growth: {from_history: [2019, 2025]}   #", "growth: {mean: 2.01, sd: 1.22} #"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ParamsError) as info:
        load_scenario(path, as_of=AS_OF)
    assert info.value.field == "sectors.agro.growth.mean"
    assert "from_history" in str(info.value) and "override" in str(info.value)


def test_the_run_gives_the_as_of_date():
    april, october = (load_scenario("baseline", as_of=m) for m in ("2026-04", AS_OF))
    assert (april.as_of, october.as_of) == ("2026-04", AS_OF)
    with pytest.raises(ParamsError, match="as-of date is missing"):
        scenario_from_dict(shipped("baseline"), file="mine.yaml")


def test_notebook_parameters_give_the_as_of_date_and_type_no_growth_figure(dataset):
    from dxecon.pipeline.context import Context
    from dxecon.pipeline.steps.scenario import scenario_from_context

    file = "scenarios/lagging.yaml"
    april = Context(dataset, "2026-04", overrides={file: {"as_of": "2025-01", "seed": None}})
    assert scenario_from_context(april, "lagging").as_of == "2026-04"  # the run's date
    typed = {"from_history": [2019, 2025], "mean": 3.0}
    with pytest.raises(ParamsError) as info:
        scenario_from_context(
            Context(dataset, AS_OF, overrides={file: {"deflator": typed}}), "lagging"
        )
    assert info.value.file == "<notebook parameters>" and info.value.field == "deflator.mean"


def test_the_runner_refuses_a_params_file_holding_as_of(tmp_path):
    from dxecon.pipeline.run import scenario_values

    params = {**shipped("baseline"), "as_of": "2026-10"}
    with pytest.raises(ParamsError) as info:
        scenario_values("baseline", params, params_file="saved.yaml", as_of=AS_OF)
    assert info.value.file == "saved.yaml" and info.value.field == "as_of"
    values, _ = scenario_values("baseline", {"paths": 10}, params_file=None, as_of=AS_OF)
    assert values["as_of"] == AS_OF


# -- windows the data cannot answer -----------------------------------------------------------
@pytest.mark.parametrize(
    ("place", "spec", "message"),
    [
        ("sectors.agro.growth", {"from_history": [2030, 2031]}, "0 real growth rate(s) of agro"),
        ("sectors.taxes.growth", {"from_history": [2024, 2025]}, "1 real growth rate(s)"),
        ("deflator", {"from_history": [2024, 2025]}, "no levels of both 2023 and 2025"),
        ("employment.growth", {"from_history": [2016, 2020]}, "no levels of both 2015 and 2020"),
    ],
)
def test_a_window_without_published_figures_names_file_field_and_fix(dataset, place, spec, message):
    data = shipped("baseline")
    *parents, leaf = place.split(".")
    node = data
    for key in parents:
        node = node[key]
    node[leaf] = spec
    with pytest.raises(ParamsError) as info:
        resolve_start(load_scenario_from(data), dataset, file="mine.yaml")
    assert not isinstance(info.value, SeriesSelectionError)  # a mistake, not a past month
    assert info.value.file == "mine.yaml" and info.value.field == f"{place}.from_history"
    assert message in str(info.value)
    assert "Fix: name years with published figures" in str(info.value)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"from_history": [2025, 2019]}, "deflator.from_history", "after the last year"),
        ({"from_history": [2022, 2024], "centre": "max"}, "deflator.centre", "sector's growth"),
    ],
)
def test_a_window_that_cannot_be_is_refused(dataset, change, field, message):
    data = shipped("baseline")
    data["deflator"] = change
    with pytest.raises(ParamsError) as info:
        resolve_start(load_scenario_from(data), dataset, file="mine.yaml")
    assert info.value.field == field and message in str(info.value)


def test_a_window_published_only_after_the_as_of_date_says_so(dataset):
    # As of mid-2025 the 2025 rates (published January 2026) do not exist yet: a past month
    # whose run says what was missing and goes on (dxecon.pipeline.nodata), not a broken file.
    data = copy.deepcopy(shipped("baseline"))
    data["sectors"]["taxes"]["growth"] = {"from_history": [2023, 2025]}
    scenario = scenario_from_dict({**data, "as_of": "2025-06"}, file="mine.yaml")
    with pytest.raises(NotPublishedYetError) as info:
        resolve_history(scenario, dataset, file="mine.yaml")
    assert isinstance(info.value, SeriesSelectionError) and isinstance(info.value, ParamsError)
    assert info.value.field == "sectors.taxes.growth.from_history"
    assert "by 2025-06" in str(info.value)


# -- a merged place's predecessors ----------------------------------------------------------
def test_merged_growth_is_the_growth_of_the_summed_value_added():
    """Two parts: weighted by the previous year's value added, the merged growth is exactly
    the growth of the sum; a year one part did not publish is left out, never filled."""
    import pandas as pd

    before = pd.Series({"A": 300.0, "B": 100.0})
    after = pd.Series({"A": 330.0, "B": 120.0})  # +10% and +20%
    rates = pd.DataFrame({"A": [10.0, 5.0], "B": [20.0, None]}, index=[2023, 2024])
    merged = h.merged_growth(rates, before)
    assert list(merged.index) == [2023]
    assert merged.at[2023] == pytest.approx(100 * (after.sum() / before.sum() - 1))
    assert merged.at[2023] == pytest.approx(12.5)
    with pytest.raises(ValueError, match="positive value added"):
        h.merged_growth(rates, pd.Series({"A": 300.0}))


def test_a_merged_province_grows_as_its_predecessors_together(dataset):
    """Bac Ninh after the merger: each year's industry growth is old Bac Ninh's and Bac
    Giang's weighted by their 2022 industry value added (share of GRDP x GRDP), in the
    years both published; old Bac Ninh's 2023 collapse is not the merged province's."""
    bn = 0.7592 * 248376  # OBS0583 (S79) x OBS0490 (S56)
    bg = 0.623 * 155876  # OBS0533 (S68) x OBS0531 (S68)
    w = bn / (bn + bg)
    rates = {2019: (-0.2, 25.10), 2023: (-13.24, 17.3), 2024: (6.0, 17.75)}
    merged = {y: w * a + (1 - w) * b for y, (a, b) in rates.items()}
    found = h.sector_growth(dataset, "BN2025", "ind_con", (2019, 2025), as_of=AS_OF)
    values = list(merged.values())
    assert (found.mean, found.sd) == pytest.approx((sum(values) / 3, statistics.stdev(values)))
    assert found.boundary == {
        "code": "history_weighted",
        "geo": "BN2025",
        "parts": ["BN", "BG"],
        "year": 2022,
    }
    # the source records the weights as facts, worded in the reader's language
    notes = facts_of(found.mean_source)
    assert [n["code"] for n in notes] == ["history_growth", "history_weighted", "history_weights"]
    assert notes[1] == found.boundary and facts_of(found.sd_source)[1:] == notes[1:]
    assert [p["geo"] for p in notes[2]["parts"]] == ["BN", "BG"]
    assert notes[2]["parts"][0]["weight"] == pytest.approx(100 * w)
    assert not any(part["derived"] for part in notes[2]["parts"])  # industry is published
    said = say_facts(found.mean_source, Words("en"))
    assert "2023 OBS0580 (S79) & OBS0537 (S69)" in said
    assert "the weights of 2022 (industry & construction value added" in said
    assert "OBS0490 (S56)" in said and "OBS0531 (S68)" in said
    assert "quyền số năm 2022" in say_facts(found.mean_source, Words("vi"))
    # the lagging scenario's bottom of the range is the merged 2023, not -13.24 alone
    low = h.sector_growth(dataset, "BN2025", "ind_con", (2020, 2025), centre="min", as_of=AS_OF)
    assert low.mean == pytest.approx(merged[2023]) and low.mean > -13.24
    # taxes: the two published together in one year only: old Bac Ninh's alone, said so
    taxes = h.sector_growth(dataset, "BN2025", "taxes", (2019, 2025), as_of=AS_OF)
    assert taxes.mean == pytest.approx((3.8 + 2.83 - 2.31) / 3)
    assert taxes.boundary == {
        "code": "history_one_part",
        "geo": "BN2025",
        "used": "BN",
        "others": ["BG"],
        "why": "few_common_years",
    }


def test_a_predecessor_without_figures_is_named_never_silently_dropped(dataset):
    """Hai Duong published no sector growth: the merged city's history before the merger
    is the old city's, and the start table, the assumptions table (both languages) say so."""
    from dxecon.core.facts import facts_of
    from dxecon.models.scenarios import assumptions_table
    from dxecon.present.scenario_text import assumptions_view

    found = h.sector_growth(dataset, "HP2025", "ind_con", (2019, 2025), as_of=AS_OF)
    assert found.boundary == {
        "code": "history_one_part",
        "geo": "HP2025",
        "used": "HP",
        "others": ["HD"],
        "why": "no_growth",
    }
    assert facts_of(found.mean_source)[1:] == [found.boundary]
    said = say_facts(found.mean_source, Words("en"))
    assert "Hai Duong (pre-merger) published no real growth of this sector" in said
    scenario, start = resolve_start(load_scenario("baseline", as_of=AS_OF), dataset)
    cells = table(start)["history"]
    assert facts_of(cells["sectors.ind_con.growth.mean"]) == [found.boundary]
    assert cells["sectors.ind_con.weight"] == ""  # an observed start has no history note
    for lang, said in (
        ("en", "Hai Duong (pre-merger) published no real growth of this sector"),
        ("vi", "Hải Dương (trước hợp nhất) không có số tăng trưởng thực của khu vực này"),
    ):
        view = assumptions_view(assumptions_table(scenario, start), lang)
        assert view["growth_from"].str.contains(said, regex=False).all()


def test_a_predecessor_with_figures_but_no_weight_is_said(data_copy):
    """Hai Duong's agriculture growth added without its GRDP structure: no common year
    weighs the two, so the part with the most figures in the window stands alone."""
    add_figures(
        [
            figure(
                indicator="sector_growth_real", geo="HD", sector="agro", period=str(year),
                value="3.0", published="2026-05-01", source_id="S11",
            )
            for year in (2022, 2023)
        ],
        data_copy,
        today=dt.date(2026, 10, 31),
    )  # fmt: skip
    found = h.sector_growth(load_dataset(data_copy), "HP2025", "agro", (2019, 2025), as_of=AS_OF)
    assert found.boundary["used"] == "HP" and found.boundary["why"] == "no_weight"
    said = say_facts(found.mean_source, Words("en"))
    assert "no year has every part's value added to weight them by" in said
