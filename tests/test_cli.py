"""The command line: exit codes and messages a user sees."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import replace_in

from dxecon.apps.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_data_check_ok():
    result = run("data", "check")
    assert result.exit_code == 0 and result.output.startswith("ok:")


def test_data_check_reports_every_problem_and_fails(data_copy):
    replace_in(data_copy / "observations.csv", "OBS0002,", "OBS0001,")
    replace_in(data_copy / "observations.csv", ",2022-09-16,S21,", ",2022-13-01,S21,")
    result = run("data", "check", "--data", str(data_copy))
    assert result.exit_code == 1
    assert "2 problem(s)" in result.output
    assert "observations.csv, line 3, id OBS0001, column 'obs_id'" in result.output
    assert "column 'published': '2022-13-01'" in result.output


def test_data_show_prints_provenance():
    result = run("data", "show", "de_share", "VN", "--method", "GSO", "--as-of", "2024-06")
    assert result.exit_code == 0, result.output
    assert "As of: 2024-06-30" in result.output and "OBS0336" in result.output


def test_data_show_candidates_explains_choices():
    result = run("data", "show", "grdp_growth_real", "HP", "--candidates")
    assert "lost to OBS0004 on source_kind: press vs government" in result.output


def test_data_show_ambiguous_is_a_clear_error():
    result = run("data", "show", "de_share", "HP")
    assert result.exit_code == 2
    assert "field 'method'" in result.output and "GSO, MIC" in result.output


def test_data_show_other_folder(data_copy):
    replace_in(data_copy / "observations.csv", ",11.01,pct,", ",11.02,pct,")
    result = run("data", "show", "grdp_growth_real", "HP", "--data", str(data_copy))
    assert "11.02" in result.output


def test_targets_lists_the_scoring_set():
    result = run("targets")
    assert result.exit_code == 0 and "TGT033" in result.output and "TGT009" in result.output


def test_monthly_refuses_broken_data_before_running(data_copy, tmp_path):
    replace_in(data_copy / "observations.csv", "OBS0002,", "OBS0001,")
    result = run("monthly", "--data", str(data_copy), "--outputs", str(tmp_path / "out"))
    assert result.exit_code == 1 and "nothing was run" in result.output
    assert not (tmp_path / "out").exists()


def test_run_rejects_a_params_key_no_notebook_declares(tmp_path):
    params = tmp_path / "mine.yaml"
    params.write_text("name: baseline\nhorizn: 2030\n", encoding="utf-8")
    result = run("run", "--as-of", "2026-10", "--params", str(params), "--outputs", str(tmp_path))
    assert result.exit_code == 1
    assert "horizn" in result.output and "did you mean 'horizon'" in result.output


def test_scenario_quick_run_writes_its_scorecard_apart_from_published_runs(
    tmp_path, shipped_data_loaded_once
):
    result = run(
        "scenario", "lagging", "--paths", "500", "--as-of", "2026-10", "--outputs", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    card = tmp_path / "quick" / "2026-10" / "lagging" / "scorecard.csv"
    assert card.is_file() and "TGT021" in card.read_text(encoding="utf-8")
    assert not (tmp_path / "2026-10").exists()


@pytest.mark.parametrize(
    ("place", "name", "boundary"), [("BN", "Bac Ninh", "BN2025"), ("HP", "Hai Phong", "HP2025")]
)
def test_scenario_for_a_place_writes_under_its_code_and_says_it(
    place, name, boundary, tmp_path, shipped_data_loaded_once
):
    import pandas as pd

    from dxecon.data.places import load_place

    result = run(
        "scenario",
        "baseline",
        "--place",
        place,
        "--paths",
        "300",
        "--as-of",
        "2026-10",
        "--outputs",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "quick" / place / "2026-10" / "baseline"
    assert f"{name} ({place}), boundary {boundary}:" in result.output
    assert f"wrote {folder}" in result.output
    card = pd.read_csv(folder / "scorecard.csv", dtype=str)
    city = card[card["scope"] == "city"]
    # the place's own targets, on its boundaries, from its instruments
    assert set(city["geo"]) <= set(load_place(place).boundaries)
    assert set(city["instrument"]) <= set(load_place(place).instruments)
    assert (folder / "percentiles.csv").is_file()
    assert not (tmp_path / "2026-10").exists()  # nothing published


def test_scenario_for_an_unknown_place_lists_the_profiles(tmp_path):
    result = run("scenario", "baseline", "--place", "BNN", "--outputs", str(tmp_path))
    assert result.exit_code == 2
    assert "unknown place 'BNN'" in result.output
    assert "did you mean 'BN'? profiles: BN, HP" in result.output
    assert not (tmp_path / "quick").exists()


def test_scenario_unknown_name_is_a_clear_error(tmp_path):
    result = run("scenario", "nonesuch", "--outputs", str(tmp_path))
    assert result.exit_code == 2 and "unknown scenario 'nonesuch'" in result.output


def test_data_check_warns_of_suspected_duplicates_and_still_passes(data_copy):
    replace_in(data_copy / "observations.csv", "P,GSO,,D2,source labels", "P,GSO,,D1,source labels")
    replace_in(data_copy / "observations.csv", "(2022 data),OBS0439\n", "(2022 data),\n")
    result = run("data", "check", "--data", str(data_copy))
    assert result.exit_code == 0 and result.output.startswith("ok:")
    assert "suspected duplicate" in result.output
    assert "id OBS0440" in result.output and "set duplicate_of=OBS0439" in result.output
