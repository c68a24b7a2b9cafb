"""The scenario explorer driven as a user would: by setting widget values and clicking.

No browser here (tests/test_explorer_browser.py does that): ipywidgets run without a kernel,
so each callback runs in this process and its effect on the explorer's state is checked.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import AS_OF

from dxecon.apps import explorer as explorer_module
from dxecon.apps.explorer import (
    ScenarioExplorer,
    attainment_table,
    control_specs,
    drawn_centrals,
    fan_figure,
    format_probability,
)
from dxecon.core.errors import ParamsError
from dxecon.core.params import load_yaml, params_path, set_dotted
from dxecon.models.scenarios import load_scenario, resolve_start, run_scenario, scenario_from_dict
from dxecon.models.scenarios.scorecard import note_codes
from dxecon.present.charts.plots import chart_digest, png_bytes
from dxecon.present.words import Words, catalogue

SPEED = "sectors.ind_con.intensity.speed"
CEILING = "sectors.ind_con.intensity.ceiling"

#: Every array of the paths; "same numbers" means all of them.
PATH_ARRAYS = (
    "grdp_real_index",
    "grdp_growth_real",
    "sector_weight",
    "sector_intensity",
    "de_share",
    "employment_index",
    "lp_real_index",
    "lp_growth_real",
    "lp_growth_nominal",
    "deflator",
)


def quick_charts(result, dataset, *, basis="real", which=("de_share", "lp"), words=None, kept=None):
    """Stand-in for `chart_pngs` where a test is about state, not pictures: drawing is most
    of an update's time. Its bytes still change with the numbers and the basis."""
    medians = {"de_share": result.run.paths.de_share, "lp": result.run.paths.lp_growth_real}
    return {name: f"{name} {basis} {np.median(medians[name]):.12g}".encode() for name in which}


@pytest.fixture
def make_explorer(dataset, tmp_path, monkeypatch):
    def make(base: str = "baseline", *, real_charts: bool = False, **options):
        if not real_charts:
            monkeypatch.setattr(explorer_module, "chart_pngs", quick_charts)
        return ScenarioExplorer(
            base, dataset=dataset, save_dir=tmp_path / "saved", as_of=AS_OF, **options
        )

    return make


@pytest.fixture(scope="module")
def explorer(dataset, tmp_path_factory):
    """One explorer for the read-only checks (building one draws two charts)."""
    return ScenarioExplorer(dataset=dataset, save_dir=tmp_path_factory.mktemp("saved"), as_of=AS_OF)


def shipped(name: str) -> dict:
    return load_yaml(params_path(name, "scenarios"))


def expected_run(dataset, base: str, **changes):
    """The library's own run of a shipped scenario with dotted-key changes."""
    data = copy.deepcopy(shipped(base))
    for key, value in changes.items():
        set_dotted(data, key, value)
    return run_scenario(scenario_from_dict({**data, "as_of": AS_OF}), dataset=dataset)


def row(table, target_id: str, reading: str = ""):
    rows = table[(table["target_id"] == target_id) & (table["reading"] == reading)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def assert_same_paths(left, right) -> None:
    for name in PATH_ARRAYS:
        np.testing.assert_array_equal(getattr(left, name), getattr(right, name), err_msg=name)


# -- controls ------------------------------------------------------------------------------
def test_controls_cover_the_main_assumptions_of_every_sector():
    keys = [spec.key for spec in control_specs(shipped("baseline"), base_year=2025)]
    for sector in ("agro", "ind_con", "services", "taxes"):
        assert f"sectors.{sector}.growth.mean" in keys
    for sector in ("agro", "ind_con", "services"):  # taxes have no digital intensity
        assert f"sectors.{sector}.intensity.speed" in keys
        assert f"sectors.{sector}.intensity.ceiling" in keys
    assert "sectors.taxes.intensity.speed" not in keys
    assert {"employment.growth.mean", "deflator.mean", "horizon"} <= set(keys)


def test_sliders_start_at_the_shipped_values_and_update_only_on_release(explorer):
    data = shipped("baseline")
    # The baseline draws its diffusion per path: the slider starts at the draws' centre.
    assert "speed" not in data["sectors"]["ind_con"]["intensity"]
    central = drawn_centrals(explorer.result.run.scenario, explorer.dataset)[SPEED]
    assert explorer.controls[SPEED].value == central
    assert explorer.controls["horizon"].value == data["horizon"]
    # A growth figure computed from data/ at run time: the slider starts at that figure.
    assert "mean" not in data["deflator"]
    assert explorer.controls["deflator.mean"].value == explorer.result.scenario.deflator.mean
    assert all(not control.continuous_update for control in explorer.controls.values())
    assert explorer.changes() == []


# -- computing -----------------------------------------------------------------------------
def test_unchanged_base_shows_the_numbers_of_the_shipped_scenario(explorer, dataset):
    shown = explorer.result
    reference = run_scenario("baseline", as_of=AS_OF, dataset=dataset)
    assert_same_paths(shown.run.paths, reference.paths)
    card = reference.scorecard.frame
    target = card[card["goal_id"] == "TGT021"].iloc[0]
    assert row(shown.table, "TGT021")["probability"] == target["probability"]
    assert row(shown.table, "TGT021")["median"] == target["median"]
    html = explorer.table.value
    assert 'data-target="TGT021"' in html
    assert format_probability(target["probability"]) in html
    assert bytes(explorer.de_share_chart.value).startswith(b"\x89PNG")
    assert bytes(explorer.lp_chart.value).startswith(b"\x89PNG")


def test_fan_data_are_the_percentiles_of_the_paths(explorer):
    fans = explorer.result.fans
    de = fans[fans["quantity"] == "de_share"]
    assert list(de["year"]) == list(explorer.result.run.paths.years)
    np.testing.assert_allclose(
        de["p50"].to_numpy(), np.median(explorer.result.run.paths.de_share, axis=0)
    )
    assert set(fans["quantity"]) == {"de_share", "lp_growth_real", "lp_growth_nominal"}


def test_a_moved_slider_waits_for_the_update_button(make_explorer, dataset):
    explorer = make_explorer(real_charts=True)
    before = explorer.result
    charts_before = (bytes(explorer.de_share_chart.value), explorer.table.value)

    explorer.controls[SPEED].value = 0.05
    assert explorer.result is before, "recomputed before the button was pressed"
    assert 'data-stale="true"' in explorer.status.value

    explorer.update_button.click()
    assert explorer.result is not before
    assert 'data-stale="false"' in explorer.status.value
    assert bytes(explorer.de_share_chart.value) != charts_before[0]
    assert explorer.table.value != charts_before[1]
    # The moved speed keeps the spread of the draws' parameter uncertainty around it.
    spread = explorer_module.drawn_speed_spread(explorer.result.scenario, dataset)
    assert spread > 0
    expected = expected_run(dataset, "baseline", **{SPEED: 0.05, f"{SPEED}_sd": spread})
    assert_same_paths(explorer.result.run.paths, expected.paths)
    card = expected.scorecard.frame
    target = card[card["goal_id"] == "TGT021"].iloc[0]
    shown = row(explorer.result.table, "TGT021")
    assert shown["median"] == target["median"]
    assert shown["median"] > row(before.table, "TGT021")["median"]  # faster diffusion


def test_update_on_release_recomputes_once_per_change(make_explorer):
    explorer = make_explorer(update_on_release=True)
    assert explorer.updates == 1
    explorer.controls["deflator.mean"].value = 3.0
    assert explorer.updates == 2
    assert explorer.result.scenario.deflator.mean == 3.0
    explorer.controls["deflator.mean"].value = 3.0  # no change, no recomputation
    assert explorer.updates == 2


def test_nominal_basis_redraws_only_the_productivity_chart(make_explorer):
    explorer = make_explorer(real_charts=True)
    de_share, real = bytes(explorer.de_share_chart.value), bytes(explorer.lp_chart.value)
    updates = explorer.updates
    explorer.basis.value = "nominal"
    assert bytes(explorer.lp_chart.value) != real
    assert bytes(explorer.de_share_chart.value) == de_share
    assert explorer.updates == updates  # no new simulation for a different view


def test_only_charts_whose_paths_moved_are_redrawn(make_explorer, monkeypatch):
    explorer = make_explorer()
    # The first move renames the scenario in both titles ("Cơ sở (đã chỉnh)"): both redrawn.
    explorer.controls[SPEED].value = 0.04
    explorer.update_button.click()
    drawn = []

    def counting(result, dataset, *, basis="real", which=("de_share", "lp"), words=None, kept=None):
        drawn.extend(which)
        return quick_charts(result, dataset, basis=basis, which=which)

    monkeypatch.setattr(explorer_module, "chart_pngs", counting)
    explorer.controls[SPEED].value = 0.05  # diffusion: the digital share only
    explorer.update_button.click()
    assert drawn == ["de_share"]
    explorer.controls["employment.growth.mean"].value = 0.2  # productivity only
    explorer.update_button.click()
    assert drawn == ["de_share", "lp"]
    explorer.controls["sectors.services.growth.mean"].value = 10.0  # both
    explorer.update_button.click()
    assert drawn == ["de_share", "lp", "de_share", "lp"]
    explorer.save_name.value = "renamed"  # the name is in both titles
    explorer.update_button.click()
    assert drawn[4:] == ["de_share", "lp"]


def test_a_chart_redrawn_in_place_is_the_chart_drawn_afresh(make_explorer, dataset):
    from matplotlib.text import Text

    explorer = make_explorer(real_charts=True)
    kept = {}
    # The first move renames the scenario (new title: a full render), the next ones move
    # only the bands, the median and the axes of the same figures (one render each).
    for growth in (14.2, 15.1, 13.4):
        explorer.controls["sectors.ind_con.growth.mean"].value = growth
        explorer.update_button.click()
        for name in ("de_share", "lp"):
            figure = explorer._fans[(name, "real")].figure
            assert kept.setdefault(name, figure) is figure  # updated, not replaced
            fresh = fan_figure(explorer.result, dataset, name, "real", explorer.words)
            # the very pixels: what the page shows is what a new figure gives
            png = png_bytes(fresh, dpi=explorer_module.CHART_DPI)  # draws it: tick labels set
            assert png == getattr(explorer, f"{name}_chart").value
            assert chart_digest(figure) == chart_digest(fresh)
            assert figure.axes[0].get_ylim() == pytest.approx(fresh.axes[0].get_ylim())
            assert [t.get_text() for t in figure.findobj(Text)] == [
                t.get_text() for t in fresh.findobj(Text)
            ]


def test_choosing_another_base_loads_its_values_and_numbers(make_explorer, dataset):
    explorer = make_explorer()
    explorer.controls[SPEED].value = 0.05
    explorer.base_picker.value = "accelerated"
    accelerated = shipped("accelerated")
    assert "speed" not in accelerated["sectors"]["ind_con"]["intensity"]
    central = drawn_centrals(explorer.result.run.scenario, dataset)[SPEED]
    assert explorer.controls[SPEED].value == central
    assert explorer.changes() == []
    assert_same_paths(
        explorer.result.run.paths, run_scenario("accelerated", as_of=AS_OF, dataset=dataset).paths
    )
    assert explorer.save_name.value == "accelerated_variant"


def test_reset_restores_the_starting_point(make_explorer):
    explorer = make_explorer()
    original = explorer.result.run.paths.de_share
    explorer.controls[SPEED].value = 0.05
    explorer.controls["horizon"].value = 2035
    explorer.update_button.click()
    explorer.reset_button.click()
    assert explorer.changes() == []
    np.testing.assert_array_equal(explorer.result.run.paths.de_share, original)


def test_float_noise_from_the_browser_is_not_a_change(make_explorer):
    explorer = make_explorer()
    base = explorer.controls[SPEED].value
    explorer.controls[SPEED].value = float(np.nextafter(base, 1.0))  # one float step up
    assert explorer.changes() == []
    explorer.controls[SPEED].value = base + 0.01
    assert [spec.key for spec, _, _ in explorer.changes()] == [SPEED]


# -- invalid settings ----------------------------------------------------------------------
def test_ceiling_below_the_current_share_is_a_message_not_a_traceback(make_explorer):
    explorer = make_explorer(lang="en")
    shown = explorer.result
    # The slider's range (the calibration's) stays above today's share; a settings mapping
    # can still hold such a ceiling (a saved file edited by hand): the message is the same.
    explorer.controls[CEILING].min = 1.0
    explorer.controls[CEILING].value = 20.0  # industry's digital share is 30.18% today
    explorer.update_button.click()
    assert explorer.result is shown, "invalid settings must keep the last valid result"
    assert explorer.error is not None
    message = explorer.message.value
    assert "sectors.ind_con.intensity" in message
    assert "ceiling 20.0 is below the starting share 30.18" in message
    assert "Industry &amp; construction" in message
    assert "Traceback" not in message

    explorer.controls[CEILING].value = 70.0
    explorer.update_button.click()
    assert explorer.error is None
    assert explorer.message.value == ""
    assert explorer.result is not shown


def test_horizon_not_after_the_base_year_is_a_message(make_explorer):
    explorer = make_explorer()
    explorer.controls["horizon"].value = 2025
    assert explorer.update() is None
    assert "horizon 2025 is before the as-of year" in explorer.message.value


def test_horizon_before_the_targets_shows_them_as_no_data(make_explorer):
    explorer = make_explorer()
    explorer.controls["horizon"].value = 2028
    explorer.update_button.click()
    target = row(explorer.result.table, "TGT021")
    assert np.isnan(target["probability"])  # not forecast: only the latest figure is shown
    (outside,) = [n for n in note_codes(target["note"]) if n["code"] == "outside_years"]
    assert (outside["year"], outside["last"]) == (2030, 2028)


def test_unexpected_errors_in_callbacks_are_shown_in_the_page(make_explorer, monkeypatch):
    explorer = make_explorer()

    def broken(*_args, **_kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(explorer_module, "compute", broken)
    explorer.update_button.click()  # ipywidgets logs the exception; the page must say it
    assert "Lỗi không mong đợi" in explorer.message.value  # Vietnamese by default
    assert "simulated failure" in explorer.message.value


# -- the attainment table ------------------------------------------------------------------
def test_attainment_table_keeps_what_the_sliders_move(explorer):
    table = explorer.result.table
    assert set(table["indicator"]) <= {
        "de_share",
        "de_sector_share_min",
        "lp_growth",
        "grdp_growth_real",
    }
    # Resolution 03 (25%) and Plan 106 (35%) set the 2025 share: one goal, one row, and
    # the only 2025 figure covers the merged city: not comparable with a pre-merger target.
    assert "TGT033" not in set(table["target_id"])
    assert row(table, "TGT009")["status"] == "not comparable"
    readings = set(table.loc[table["target_id"] == "TGT023", "reading"])
    assert readings == {"real, compound average 2026-2030"}


def test_attainment_table_drops_base_year_rows_without_a_figure(explorer):
    card = explorer.result.run.scorecard.frame
    assert "TGT011" in set(card["goal_id"])  # 2025 productivity: not forecast, not published
    table = attainment_table(card, base_year=2025)
    assert "TGT011" not in set(table["target_id"])


# -- saving --------------------------------------------------------------------------------
def test_saved_scenario_reproduces_the_explorer_exactly(make_explorer, monkeypatch):
    explorer = make_explorer()
    written = []
    real_write = explorer_module.write_text_atomic
    monkeypatch.setattr(
        explorer_module,
        "write_text_atomic",
        lambda text, path: written.append(path) or real_write(text, path),
    )
    explorer.controls[SPEED].value = 0.047
    explorer.controls["sectors.services.growth.mean"].value = 9.5
    explorer.controls["employment.growth.mean"].value = 0.5
    explorer.controls["horizon"].value = 2032
    explorer.save_name.value = "faster_industry"
    explorer.update_button.click()

    explorer.save_button.click()
    path = explorer.save_dir / "faster_industry.yaml"
    assert written == [path], "saved files must be written atomically"
    assert "faster_industry.yaml" in explorer.save_message.value

    loaded = load_scenario(path, as_of=AS_OF)
    # The saved file holds assumptions only; its start comes from the data, as the explorer's,
    # and so do the growth figures not moved; a moved one is an override with a reason.
    assert "weight" not in path.read_text(encoding="utf-8")
    saved = load_yaml(path)
    assert "as_of" not in saved
    services = saved["sectors"]["services"]["growth"]
    assert (
        services["from_history"]
        == shipped("baseline")["sectors"]["services"]["growth"]["from_history"]
    )
    assert services["override"]["mean"] == 9.5 and "explorer" in services["override"]["reason"]
    assert "mean" not in services and "override" not in saved["sectors"]["agro"]["growth"]
    assert loaded.employment.growth.override.mean == 0.5
    # The explorer simulates the resolved base with the values put in (a moved growth is
    # its mean, where the file records an override): the same numbers as the file resolved.
    from_file = resolve_start(loaded, explorer.dataset)[0]
    for place, growth in explorer.scenario().growths().items():
        assert (growth.mean, growth.sd) == (
            from_file.growths()[place].mean,
            from_file.growths()[place].sd,
        ), place
    assert (
        from_file.sectors["ind_con"].intensity == explorer.scenario().sectors["ind_con"].intensity
    )
    assert explorer.scenario() == explorer.result.scenario
    assert loaded.seed == shipped("baseline")["seed"]
    assert_same_paths(
        run_scenario(loaded, dataset=explorer.dataset).paths, explorer.result.run.paths
    )


def test_saved_scenario_keeps_the_documentation_and_records_the_changes(make_explorer):
    explorer = make_explorer()
    explorer.controls[SPEED].value = 0.04
    explorer.controls["deflator.mean"].value = 2.5
    explorer.save_name.value = "documented"
    path = explorer.save()
    saved = load_yaml(path)
    base = shipped("baseline")
    for key, text in base["assumptions"].items():
        assert saved["assumptions"][key] == text
    assert (
        saved["assumptions"]["explorer_changes"]["vi"]
        != saved["assumptions"]["explorer_changes"]["en"]
    )
    changes = saved["assumptions"]["explorer_changes"]["en"]
    assert "params/scenarios/baseline.yaml" in changes
    central = drawn_centrals(explorer.result.run.scenario, explorer.dataset)[SPEED]
    assert f"{SPEED}): {central:g} -> 0.04" in changes
    baseline = resolve_start(load_scenario("baseline", as_of=AS_OF), explorer.dataset)[0]
    assert f"deflator.mean): {baseline.deflator.mean:g} -> 2.5" in changes  # computed before
    assert "horizon" not in changes  # only what was moved
    assert saved["name"] == "documented"
    assert list(saved) == list(base)  # same keys in the same order as the shipped files
    assert path.read_text(encoding="utf-8").startswith("# Saved by the dxecon scenario explorer")
    assert [p.name for p in path.parent.iterdir()] == ["documented.yaml"]  # no temp files


def test_invalid_name_or_settings_are_not_saved(make_explorer):
    explorer = make_explorer()
    explorer.save_name.value = "a/b"  # a display name may hold any letter, not a path
    assert explorer.save() is None
    assert "field &#x27;name&#x27;" in explorer.save_message.value
    explorer.save_name.value = "ok_name"
    explorer.controls[CEILING].min = 1.0  # below the calibration's range (see above)
    explorer.controls[CEILING].value = 10.0
    assert explorer.save() is None
    assert "below the starting share" in explorer.save_message.value
    assert not explorer.save_dir.exists() or not list(explorer.save_dir.iterdir())


def test_unknown_base_names_the_shipped_scenarios(dataset):
    with pytest.raises(ValueError, match="shipped: accelerated, baseline, lagging"):
        ScenarioExplorer("optimistic", dataset=dataset)


# -- import cost ---------------------------------------------------------------------------
def test_importing_the_library_does_not_load_widgets_or_matplotlib():
    code = (
        "import sys, dxecon, dxecon.models.scenarios;"
        "print(sorted(m for m in ('ipywidgets', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# -- language ------------------------------------------------------------------------------
def shown_texts(widget) -> list[str]:
    """Every text a widget tree shows as a label: descriptions, tooltips, placeholders,
    option labels, and the text between the tags of HTML widgets (headings, status,
    table headers and cells)."""
    texts = []
    for name in ("description", "tooltip", "placeholder"):
        value = getattr(widget, name, None)
        if isinstance(value, str) and value:
            texts.append(value)
    texts += [str(label) for label in getattr(widget, "_options_labels", ())]
    if widget.__class__.__name__ == "HTML":
        texts += [t.strip() for t in re.split(r"<[^>]*>", widget.value) if t.strip()]
    for child in getattr(widget, "children", ()):
        texts += shown_texts(child)
    return texts


def only_in(lang: str) -> set[str]:
    """Catalogue texts of ``lang`` that the other language words differently (placeholders
    cut off: a label made from a template starts with its fixed words)."""
    other = "en" if lang == "vi" else "vi"
    out = set()
    for entry in catalogue().values():
        if entry[lang] != entry[other]:
            out.add(entry[lang].split("{")[0].strip())
    # a fixed part with no word (a list item's "- ") belongs to no language
    return {text for text in out if any(c.isalpha() for c in text)}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_labels_follow_the_language(lang, explorer, make_explorer):
    shown = explorer if lang == "vi" else make_explorer(lang="en")  # vi is the default
    texts = shown_texts(shown.widget)
    other = only_in("en" if lang == "vi" else "vi")
    leaked = sorted(
        {t for t in texts if t in other or any(t.startswith(o) for o in other if len(o) > 12)}
    )
    assert not leaked, f"{lang} explorer shows words of the other language: {leaked}"
    w = Words(lang)
    for key in ("explorer.update", "explorer.save", "explorer.start_from", "col.status"):
        assert w(key) in texts
    statuses = {w.status(s) for s in shown.result.table["status"]}
    assert statuses <= set(texts)  # the report's status words, not a second translation
    specs = list(shown._specs.values())
    assert {spec.label for spec in specs} <= set(texts)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_chart_texts_follow_the_language(lang, explorer, dataset):
    w = Words(lang)
    for name in ("de_share", "lp"):
        figure = fan_figure(explorer.result, dataset, name, "real", w)
        texts = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]
        texts = [t for t in texts if t.strip()]
        title = catalogue()[f"explorer.chart.{name}_title"][lang].split(" (")[0].split("{")[0]
        assert figure.axes[0].get_title(loc="left").startswith(title)
        assert w("chart.median") in texts
        other = only_in("en" if lang == "vi" else "vi")
        assert not [t for t in texts if t in other or ("% of paths" in t and lang == "vi")]
    number = w.number(22.28, 2)
    shown = "22,28" if lang == "vi" else "22.28"
    assert number == shown


def test_numbers_in_the_table_follow_the_language(explorer):
    html = explorer.table.value  # vi: decimal comma
    median = row(explorer.result.table, "TGT021")["median"]
    assert f"{median:.2f}".replace(".", ",") in html
    assert "Xác suất đạt" in html and "P(target met)" not in html


def test_unknown_language_is_a_clear_error(dataset):
    with pytest.raises(Exception, match="vi or en"):
        ScenarioExplorer(dataset=dataset, lang="fr")


# -- sliders on the evidence's scale -------------------------------------------------------
def test_diffusion_sliders_span_the_calibrations_predictive_range(explorer, dataset):
    from dxecon.models.scenarios.diffusion import predictive_range, start_calibration

    resolved = explorer.result.scenario
    calibration = start_calibration(dataset, AS_OF)
    for key in (SPEED, CEILING):
        low, high = predictive_range(
            resolved, calibration, key, explorer_module.EVIDENCE_PERCENTILES
        )
        control = explorer.controls[key]
        # the predictive range, rounded outwards to the step (a speed is never negative)
        assert control.min <= max(low, 0.0) + 1e-9 and control.max >= min(high, 100.0) - 1e-9
        assert control.max - control.min < 2 * (high - low)  # its scale, not a fixed 0-1.5
        assert control.min < control.value < control.max  # the default inside, not at an end
    national = calibration.by_series.query("kind == 'country'")["speed"].iloc[0]
    speed = explorer.controls[SPEED]
    assert speed.step <= 0.001 and speed.min < national < speed.max
    assert explorer._specs[SPEED].marks == ((Words("vi")("explorer.mark.national"), national),)
    marks = [
        c.value
        for c in explorer.controls_box.children
        if isinstance(c.value, str) and "dxecon-marks" in c.value
    ]
    assert any(Words("vi").number(national, 3, trim=False) in text for text in marks)


def test_a_moved_speed_keeps_the_parameter_uncertainty(make_explorer):
    explorer = make_explorer()
    explorer.controls[SPEED].value = 0.05
    explorer.update_button.click()
    assert explorer.result.scenario.sectors["ind_con"].intensity.speed == 0.05
    assert explorer.result.scenario.sectors["ind_con"].intensity.speed_sd == pytest.approx(
        explorer_module.drawn_speed_spread(explorer.result.scenario, explorer.dataset)
    )
    last = explorer.result.run.paths.quantity("intensity:ind_con")[:, -1]
    low, high = np.percentile(last, [5, 95])
    assert high - low > 1.0  # percentage points: the speed still differs by path


# -- only what a slider moves is recomputed ------------------------------------------------
def test_an_update_recomputes_only_what_the_slider_moves(make_explorer, monkeypatch):
    from dxecon.models.scenarios import scorecard as scorecard_module

    explorer = make_explorer()
    calls = {"resolve_start": 0, "observed_figures": 0, "simulate": 0}

    def counting(name, function):
        def counted(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return counted

    monkeypatch.setattr(
        explorer_module, "resolve_start", counting("resolve_start", explorer_module.resolve_start)
    )
    monkeypatch.setattr(
        scorecard_module,
        "observed_figures",
        counting("observed_figures", scorecard_module.observed_figures),
    )
    monkeypatch.setattr(
        explorer_module,
        "simulate_scenario",
        counting("simulate", explorer_module.simulate_scenario),
    )
    before = explorer.result
    explorer.controls["sectors.services.growth.mean"].value = 9.0
    explorer.update_button.click()
    assert explorer.result is not before
    # a new simulation and scoring of its paths; the start and the published figures are
    # cached (the old-boundary reading of a 2030 target still looks up its two parts)
    assert calls["resolve_start"] == 0 and calls["simulate"] == 1
    assert calls["observed_figures"] <= 2
    explorer.base_picker.value = "accelerated"  # a new starting point is read from data/
    assert calls["resolve_start"] == 1


# -- words, not codes ----------------------------------------------------------------------
def test_names_shown_are_words_of_the_catalogue(make_explorer):
    explorer = make_explorer(real_charts=True)
    w = Words("vi")
    assert f"&quot;{w.scenario('baseline')}&quot;" in explorer.status.value
    explorer.controls[SPEED].value = 0.05
    explorer.update_button.click()
    edited = w("explorer.variant", base=w.scenario("baseline"))
    assert edited == "Cơ sở (đã chỉnh)"
    assert f"&quot;{edited}&quot;" in explorer.status.value
    title = fan_figure(explorer.result, explorer.dataset, "de_share", "real", w)
    assert edited in title.axes[0].get_title(loc="left").replace("\n", " ")
    explorer.base_picker.value = "accelerated"  # switched, nothing moved: its own name
    assert f"&quot;{w.scenario('accelerated')}&quot;" in explorer.status.value
    texts = shown_texts(explorer.widget)
    for code in ("baseline", "accelerated", "_variant", "sectors.", "ind_con", "HP2025"):
        assert not [t for t in texts if code in t], code
    assert Words("en")("explorer.variant", base="Baseline") == "Baseline (edited)"


# -- places ----------------------------------------------------------------------------------
def place_targets(place: str) -> set[str]:
    """The target ids of data/targets.csv that the place's profile scores on the indicators
    the explorer speaks to: its instruments' targets on its boundaries."""
    import pandas as pd

    from dxecon.core import folders
    from dxecon.data.places import load_place

    profile = load_place(place)
    targets = pd.read_csv(folders.DATA_DIR / "targets.csv", dtype=str)
    own = targets[
        targets["geo"].isin(profile.boundaries)
        & targets["instrument"].isin(profile.instruments)
        & targets["indicator"].isin(explorer_module.INDICATORS)
    ]
    return set(own["target_id"])


@pytest.mark.parametrize("place", ["HP", "BN"])
def test_the_explorer_is_about_its_place(place, make_explorer, dataset):
    from dxecon.data.places import load_place

    profile = load_place(place)
    shown = make_explorer(place=place, lang="en")
    name = profile.name("en")
    assert name in shown.title.value and name in shown.status.value
    assert shown.result.scenario.geo == profile.current
    rows = set(shown.result.table["target_id"])
    own = place_targets(place)
    assert rows and rows <= own  # that place's targets, none of another place's
    others = place_targets("BN" if place == "HP" else "HP")
    assert not rows & others
    assert "nan" not in shown.table.value.lower()


def test_a_place_without_employment_says_so_in_words(make_explorer):
    shown = make_explorer(place="BN", lang="en")
    # no slider for a figure the place lacks, and the page says which figure is missing
    assert "employment.growth.mean" not in shown.controls
    assert "no employment figure for Bac Ninh" in shown.missing.value
    lp = shown.result.table[shown.result.table["indicator"] == "lp_growth"]
    assert (lp["status"] == "no data").all() and len(lp)
    # it still simulates the digital share
    assert np.isfinite(shown.result.run.paths.de_share).all()
    assert make_explorer(place="HP").missing.value == ""


def test_a_place_without_employment_draws_its_charts(make_explorer):
    shown = make_explorer(place="BN", lang="en", real_charts=True)
    real = bytes(shown.lp_chart.value)
    assert real.startswith(b"\x89PNG")
    shown.basis.value = "nominal"  # the other basis: its own title over the same sentence
    nominal = bytes(shown.lp_chart.value)
    assert nominal.startswith(b"\x89PNG") and nominal != real


def test_a_saved_scenario_is_about_the_explorers_place(make_explorer, dataset):
    shown = make_explorer(place="BN")
    shown.controls[SPEED].value = shown.controls[SPEED].value + 0.01
    path = shown.save()
    assert load_yaml(path)["place"] == "BN"
    assert "--place BN" in shown.save_message.value
    assert load_scenario(path, as_of=AS_OF).geo == shown.result.scenario.geo
    with pytest.raises(ParamsError, match="stated for BN"):
        load_scenario(path, as_of=AS_OF, place="HP")


def test_an_unknown_place_names_the_profiles(dataset):
    with pytest.raises(ParamsError, match=r"did you mean .BN.\? profiles: BN, HP"):
        ScenarioExplorer(dataset=dataset, as_of=AS_OF, place="BNN")


def test_a_fan_with_nothing_to_draw_is_the_same_chart_in_the_explorer_and_notebooks():
    from dxecon.present.charts.plots import FanChart, message_chart

    parts = {"title": "Labour productivity", "missing": "no employment figure"}
    kept = FanChart()
    shown = kept.show(**parts)
    assert kept.show(**parts) is shown  # kept while unchanged
    assert png_bytes(shown) == png_bytes(message_chart(parts["title"], parts["missing"]))
