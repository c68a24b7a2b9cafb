"""The common steps of notebooks 01-04 and 08 (dxecon.pipeline.steps), called directly on
the shipped data: each produces exactly its catalogue outputs, and its key numbers are the
library's."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from dxecon.pipeline.catalogue import outputs_of
from dxecon.pipeline.context import Context
from dxecon.pipeline.steps import run_step
from dxecon.present.tables import readable
from dxecon.present.words import Words
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def ctx(dataset):
    return Context(dataset, AS_OF, "vi")


@pytest.fixture(scope="module")
def overview_result(ctx):
    return run_step("data_overview", ctx)


def _names(step: str) -> set[str]:
    return {entry.name for entry in outputs_of(step)}


# -- data_overview (notebook 01) -----------------------------------------------------------
def test_data_overview_outputs_are_the_catalogues(overview_result, dataset):
    from dxecon.data import overview

    assert set(overview_result.outputs) == _names("data_overview")
    vintages = overview_result["vintages_de_share_vn"]
    pd.testing.assert_frame_equal(
        vintages, overview.vintages(dataset, "de_share", "VN", method="GSO")
    )
    chosen = overview_result["de_share_vn_chosen"].set_index("year")["value"]
    expected = dataset.series("de_share", "VN", method="GSO", as_of=AS_OF).values.dropna()
    assert chosen.to_dict() == expected.to_dict()
    assert dataset.checksum[:16] in overview_result["data_summary"]


def test_data_overview_lists_the_years_before_the_merger(overview_result, dataset):
    gaps = overview_result["gaps"].set_index("series")["missing years"]
    employment = dataset.series("employment", "HP", years=range(2015, 2025))
    # a series in the reader's words: the indicator with its units, then the place's name
    words = Words()
    name = words("indicator.employment")
    label = next(
        label for label in gaps.index if label.startswith(f"{name[:1].upper()}{name[1:]} (")
    )
    assert label.endswith(words.place("HP", dataset.codes["geographies"]))
    assert gaps[label] == ", ".join(map(str, employment.gaps))
    coverage = overview_result["coverage"].set_index("indicator")
    years = dataset.series("de_share", "VN", method="GSO").values.dropna().index
    name = Words()("indicator.de_share")
    de_share = f"{name[:1].upper()}{name[1:]} (%)"
    assert f"({years.min()}-" in coverage.loc[de_share, "nation"]


def test_data_overview_sentences_follow_the_language(dataset, overview_result):
    latest = dataset.series("de_share", "HP2025", method="GSO", as_of=AS_OF).values.dropna()
    vi = overview_result["de_share_boundary_sentence"]
    assert f"{latest.iloc[-1]:.2f}%".replace(".", ",") in vi and "thấp hơn" in vi
    english = run_step("data_overview", Context(dataset, AS_OF, "en"))
    assert "lower than" in english["de_share_boundary_sentence"]
    assert english["revisions_de_share_vn"] != overview_result["revisions_de_share_vn"]


def test_data_overview_applies_the_selection_overrides(dataset):
    ctx = Context(dataset, AS_OF, "vi", {"selection.yaml": {"undated": "exclude"}})
    result = run_step("data_overview", ctx)
    assert result.objects["dataset"].policy.undated == "exclude"
    assert dataset.policy.undated != "exclude"  # the shared dataset is left as it was


# -- digital_economy (notebook 02) ----------------------------------------------------------
@pytest.fixture(scope="module")
def digital_result(ctx):
    return run_step("digital_economy", ctx)


def test_observation_index_finds_the_undated_figures_a_model_uses(overview_result, dataset):
    """The report names the sources of the figures a model's evidence cites by id; an
    undated figure is visible to the steps (its publication assumed by the selection rule),
    so the index holds it too, and nothing published after the as-of."""
    index = overview_result["observation_index"].set_index("obs_id")
    obs = dataset.observations.set_index("obs_id")
    undated = obs.index[obs["published_date"].isna()]
    assert len(undated) and set(undated) <= set(index.index)
    later = obs.index[obs["published_date"] > pd.Period(AS_OF, "M").end_time]
    assert not set(later) & set(index.index)


def test_digital_economy_is_the_structural_estimate_of_the_params_file(digital_result, dataset):
    from dxecon.core.places import place_params
    from dxecon.models.estimation import from_data

    assert set(digital_result.outputs) == _names("digital_economy")
    params = place_params("digital")  # the file with the default place's profile
    keys = ("structure_geo", "structure_year", "intensity_year", "adjust_sector", "calibrate_geo")
    estimate = from_data.city_digital_estimate(dataset, **{k: params[k] for k in keys}, as_of=AS_OF)
    table = digital_result["structural_estimate"].set_index("sector")
    assert table.loc["total", "contribution_pp"] == pytest.approx(estimate.calibrated.total)
    published = dataset.series("de_share", params["calibrate_geo"], method="GSO", as_of=AS_OF)
    # one published point: the calibration reproduces it exactly
    assert table.loc["total", "contribution_pp"] == pytest.approx(
        published.values.dropna().iloc[-1]
    )
    sentence = digital_result["calibration_sentence"]
    assert f"{estimate.calibration.scale:.2f}".replace(".", ",").rstrip("0") in sentence


def test_digital_economy_sets_each_sector_against_the_floors(digital_result, dataset):
    from dxecon.data.targets import TargetRegistry, effective_targets
    from dxecon.present.words import Words

    floors = effective_targets(
        TargetRegistry(dataset), "de_sector_share_min", instruments=None, geo="HP"
    )
    table = digital_result["sector_floors"]
    assert set(table["floor_year"]) == set(floors["year"])
    last = table[table["floor_year"] == table["floor_year"].max()]
    text, words = digital_result["sector_floors_sentence"], Words("vi")
    for row in last.itertuples():
        line = next(x for x in text.splitlines() if words(f"sector.{row.sector}") in x)
        if row.meets:
            assert "vượt mọi mức sàn" in line
        else:
            assert f"{words.number(row.required_growth_pct_per_year, 0)}%/năm" in line


def test_digital_economy_keeps_the_measures_apart_and_saves_the_paces(digital_result, dataset):
    from dxecon.models.calibration import observed_pace

    assert set(digital_result["reported_shares_gso"]["method"]) == {"GSO"}
    assert set(digital_result["reported_shares_mic"]["method"]) <= {"MIC"}
    paces = digital_result["observed_pace"]
    pd.testing.assert_frame_equal(paces, observed_pace(dataset, geo="HP", as_of=AS_OF))
    split = digital_result["core_digitised_split"]
    assert (split["total_pct"] - split["core_pct"] - split["digitised_pct"]).abs().max() < 1e-9


# -- productivity (notebook 03) --------------------------------------------------------------
@pytest.fixture(scope="module")
def productivity_result(ctx):
    return run_step("productivity", ctx)


def test_productivity_computes_its_employment_assumption_from_the_window(
    productivity_result, dataset
):
    from dxecon.core.places import place_params
    from dxecon.models.estimation.from_data import city_productivity
    from dxecon.models.scenarios.history import employment_growth

    assert set(productivity_result.outputs) == _names("productivity")
    params = place_params("productivity")
    assert "employment_growth" not in params  # a window, not a typed figure
    window = tuple(params["employment_from_history"])
    jobs = employment_growth(dataset, "HP", window, as_of=AS_OF)
    table = productivity_result["city_lp_growth_real"]
    assumed = table[table["employment_assumed"]]
    assert assumed["employment_growth_pct"].to_numpy() == pytest.approx(jobs.mean)
    expected = city_productivity(
        dataset,
        geo=params["productivity_geo"],
        employment_growth=jobs.mean,
        employment_rationale=jobs.mean_source,
        base_year=params["lp_base_year"],
        milestones={},
        as_of=AS_OF,
    )["real_growth"].frame
    pd.testing.assert_series_equal(
        table["lp_growth_real_pct"], expected["lp_growth_real_pct"], check_names=False
    )
    assert f"{jobs.mean:.2f}".replace(".", ",") in productivity_result["employment_assumption"]


def test_another_window_moves_the_productivity(productivity_result, dataset):
    moved = run_step(
        "productivity",
        Context(
            dataset, AS_OF, "vi", {"productivity.yaml": {"employment_from_history": [2014, 2015]}}
        ),
    )
    before = productivity_result["city_lp_growth_real"]["lp_growth_real_pct"]
    after = moved["city_lp_growth_real"]["lp_growth_real_pct"]
    assert not before.equals(after)


def test_a_window_the_data_cannot_answer_names_the_field(dataset):
    from dxecon.core.errors import ParamsError

    ctx = Context(
        dataset, AS_OF, "vi", {"productivity.yaml": {"employment_from_history": [2030, 2031]}}
    )
    with pytest.raises(ParamsError) as info:
        run_step("productivity", ctx)
    assert info.value.field == "employment_from_history" and "productivity.yaml" in str(info.value)


def test_productivity_national_table_and_targets(productivity_result, dataset):
    from dxecon.models.estimation.from_data import national_productivity

    national = national_productivity(dataset, start=2021, as_of=AS_OF).to_frame()
    pd.testing.assert_frame_equal(productivity_result["national_productivity"], national)
    targets = productivity_result["city_lp_targets"]
    assert set(targets["reading"]) == {"every_year", "compound_average"}
    assert "TGT011" in productivity_result["lp_targets_sentence"]


# -- published_forecasts (notebook 04) -------------------------------------------------------
@pytest.fixture(scope="module")
def forecasts_result(ctx):
    return run_step("published_forecasts", ctx)


def test_published_forecasts_are_the_catalogs(forecasts_result, dataset):
    from dxecon.core.places import place_params
    from dxecon.models.forecast.catalog import entries_from_params, forecast_catalog
    from dxecon.models.forecast.coverage import CoverageRule

    assert set(forecasts_result.outputs) == _names("published_forecasts")
    params = place_params("forecasts")
    entries = entries_from_params(dataset, params["series"], as_of=AS_OF)
    expected = forecast_catalog(
        entries,
        until=params["horizon"],
        dataset=dataset,
        as_of=AS_OF,
        rule=CoverageRule.from_params(params["backtest"]),
        pools=params["backtest"]["pools"],
    )
    pd.testing.assert_frame_equal(forecasts_result["published_forecasts"], expected)
    medians = forecasts_result["published_forecast_medians"].set_index("indicator")
    row = expected[expected["indicator"] == "de_share"].set_index("year")["median"]
    assert medians.loc["de_share", params["horizon"]] == pytest.approx(row[params["horizon"]])
    assert list(forecasts_result["forecast_series"]["series"]) == [e.label for e in entries]
    # the worded series names no unit: its own column does, in words
    series = forecasts_result["forecast_series"]
    assert list(series["unit"]) == [e.key["unit"] for e in entries]
    assert readable(series, "vi")["Đơn vị"].iloc[0] == Words("vi")(f"unit.{entries[0].key['unit']}")


def test_growth_rule_text_is_rendered_from_the_candidates(forecasts_result):
    from dxecon.models.forecast.growth import RULE
    from dxecon.present.words import Words

    candidates = forecasts_result["growth_candidates"]
    rule = candidates[candidates["candidate"] == RULE].iloc[0]
    words = Words("vi")
    text = forecasts_result["growth_rule"]
    assert f"{words.number(rule['pooled_mae'])} điểm %" in text
    assert f"trên {int(rule['errors'])} dự báo" in text
    choices = forecasts_result["growth_choices"]
    assert set(choices["used"]) <= set(candidates["candidate"])


def test_published_forecasts_as_of_a_month_with_too_few_figures(dataset):
    result = run_step("published_forecasts", Context(dataset, "2019-01", "en"))
    assert result["published_forecasts"].query("indicator == 'de_share'").empty
    forecasts = result["published_forecasts"]
    expected = "No series" if forecasts.empty else "Medians to"
    assert result["published_forecasts_sentence"].startswith(expected)
    figure = result["de_share_vn_forecast"]
    assert any("No forecast" in t.get_text() for t in figure.axes[0].texts)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_growth_goal_is_judged_on_the_tables_numbers(forecasts_result, lang):
    """Met when the rule's pooled MAE is at most params/forecasts.yaml's goal times
    no-change's; built on the step's table with the rule's MAE moved across the goal."""
    from dxecon.models.forecast.growth import RULE, GrowthSpec
    from dxecon.present.forecast_text import growth_rule_text
    from dxecon.present.words import Words

    words, spec = Words(lang), GrowthSpec.from_params()
    table, choices = forecasts_result["growth_candidates"], forecasts_result["growth_choices"]
    rule = table["candidate"] == RULE
    naive = float(table.loc[rule, "pooled_mae_naive"].iloc[0])
    for factor, key in ((0.99, "growth.goal_met"), (1.01, "growth.goal_not_met")):
        mae = spec.goal_mae_ratio * naive * factor
        small = table[rule].assign(pooled_mae=mae, ratio=mae / naive)
        text = " ".join(growth_rule_text(small, choices, spec, words))
        row = small.iloc[0]
        expected = words(
            key,
            mae=words.number(mae),
            naive=words.number(naive),
            n=int(row["errors"]),
            years=int(row["years"]),
            ratio=words.number(mae / naive),
        )
        assert expected in text
        assert words("growth.goal", goal=words.number(spec.goal_mae_ratio, strip=True)) in text
    # the rule's choices each January, in words
    assert words("growth.candidate.naive") in growth_rule_text(table, choices, spec, words)[0]
    unset = dataclasses.replace(spec, goal_mae_ratio=None)
    assert growth_rule_text(table, choices, unset, words)[-1] == words("growth.no_goal")


# -- the catalogue and the thin notebooks ----------------------------------------------------
COMMON_STEPS = ("data_overview", "digital_economy", "productivity", "published_forecasts")
COMMON_STEPS += ("nowcast",)
NOTEBOOKS = {
    "01_data_overview": "data_overview",
    "02_digital_economy": "digital_economy",
    "03_productivity": "productivity",
    "04_published_forecasts": "published_forecasts",
    "08_nowcast": "nowcast",
}


def test_every_output_of_the_common_steps_has_a_title_in_both_languages():
    from dxecon.present.words import LANGUAGES, catalogue

    words = catalogue()
    for step in COMMON_STEPS:
        for entry in outputs_of(step):
            assert entry.scope == "common", entry.name
            assert entry.title in words, (entry.name, entry.title)
            assert all(words[entry.title][lang].strip() for lang in LANGUAGES), entry.title


#: Outputs the month report reads that no notebook shows (the report's look-ups).
REPORT_ONLY = {"observation_index", "sources", "code_names", "targets", "latest_city_figure"}
REPORT_ONLY |= {"latest_by_geo", "de_contribution", "measure_setup", "measure_ratio_fits"}
REPORT_ONLY |= {"measure_ratio_pairs", "measure_ratio_predicted", "measure_ratio_realtime"}
REPORT_ONLY |= {"growth_spec"}


@pytest.mark.parametrize("stem", sorted(NOTEBOOKS))
def test_a_thin_notebook_shows_its_steps_outputs_and_catalogue_words(stem):
    """Every output of the step is shown once, in catalogue order; every explanation is a
    catalogue key in both languages; no code cell is longer than a few lines."""
    import ast

    import nbformat

    from dxecon.core import folders
    from dxecon.present.words import LANGUAGES, catalogue

    book = nbformat.read(folders.NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4)
    shown, explained, steps = [], [], []
    for cell in book.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        assert len(cell.source.splitlines()) <= 12, cell.source
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                args = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if node.func.id == "show":
                    shown.append(args[0])
                elif node.func.id == "explain":
                    explained.append(args[0])
                elif node.func.id in ("run_step", "open_step"):  # computed, or the run's
                    steps.append(args[0])
    step = NOTEBOOKS[stem]
    assert steps == [step]
    listed = [e.name for e in outputs_of(step) if e.in_notebook]
    # every output shown, in catalogue order (records of a backtest are saved, not shown)
    assert shown == [name for name in listed if name in shown]
    assert set(listed) - set(shown) <= {
        "nowcast_backtest_records",
        "growth_refused",
        "published_forecasts",
        *REPORT_ONLY,
    }
    words = catalogue()
    for key in explained:
        assert all(words[key][lang].strip() for lang in LANGUAGES), key
