"""`dxecon data add` and `dxecon data diff`, always on a scratch copy of data/."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_data_validation import assert_checksums_match

from dxecon.apps.cli import main
from dxecon.data import load_dataset
from dxecon.data.changes import CsvFile, diff_since

OBS = "observations.csv"
SOURCES = "sources.csv"
TODAY = "2026-11-30"  # the comparison date, fixed so the tests do not age
# A new city figure with a new source on a web site already known as official statistics.
NEW_FIGURE = [
    "--indicator", "de_share", "--geo", "HP2025", "--period", "2026", "--value", "23.1",
    "--unit", "pct", "--method", "GSO", "--status", "E", "--published", "2026-11-20",
    "--source-publisher", "Cục Thống kê TP Hải Phòng", "--source-title", "Tình hình KT-XH 2026",
    "--source-url", "https://thongkehaiphong.gov.vn/tinh-hinh-kt-xh-2026",
]  # fmt: skip
# GSO revises Vietnam's 2024 share (13.17 in OBS0368, release of 6/1/2025; source E4).
REVISION = [
    "--indicator", "de_share", "--geo", "VN", "--period", "2024", "--value", "13.2",
    "--unit", "pct", "--method", "GSO", "--status", "P", "--published", "2026-03-02",
    "--source-id", "E5",
]  # fmt: skip


def add(data: Path, *args: str):
    return CliRunner().invoke(main, ["data", "add", *args, "--as-of", TODAY, "--data", str(data)])


def snapshot(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}


def rows(data: Path, name: str = OBS) -> list[dict[str, str]]:
    with (data / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _next_id(data: Path, name: str, column: str, prefix: str, width: int) -> str:
    """The id `data add` gives the next new row: one above the highest of its kind."""
    numbers = [
        int(row[column][len(prefix) :])
        for row in rows(data, name)
        if re.fullmatch(rf"{prefix}\d+", row[column])
    ]
    return f"{prefix}{max(numbers) + 1:0{width}d}"


SHIPPED = Path(__file__).parents[1] / "data"
NEW_OBS = _next_id(SHIPPED, OBS, "obs_id", "OBS", 4)
SECOND_OBS = f"OBS{int(NEW_OBS[3:]) + 1:04d}"
THIRD_OBS = f"OBS{int(NEW_OBS[3:]) + 2:04d}"
NEW_SOURCE = _next_id(SHIPPED, SOURCES, "source_id", "S", 0)


def test_add_a_new_figure_with_a_new_source(data_copy):
    before = rows(data_copy)
    result = add(data_copy, *NEW_FIGURE)
    assert result.exit_code == 0, result.output
    after = rows(data_copy)
    assert after[:-1] == before  # appended, nothing else touched
    new = after[-1]
    assert new["obs_id"] == NEW_OBS and new["source_id"] == NEW_SOURCE
    assert (new["value"], new["published"], new["price_basis"]) == ("23.1", "2026-11-20", "current")
    source = rows(data_copy, SOURCES)[-1]
    assert source["source_id"] == NEW_SOURCE
    # kind and language taken from the known sources of thongkehaiphong.gov.vn
    assert (source["kind"], source["language"], source["published"]) == (
        "official_statistics",
        "vi",
        "2026-11-20",
    )
    assert_checksums_match(data_copy)
    series = load_dataset(data_copy).series("de_share", "HP2025", method="GSO")
    assert series.values[2026] == pytest.approx(23.1)
    # The next run reads the series differently: the latest period moves from 2025 to 2026.
    assert f"latest period: 2025 = 22.28 (OBS0441) -> 2026 = 23.1 ({NEW_OBS})" in result.output


def test_add_dry_run_writes_nothing(data_copy):
    shipped = snapshot(data_copy)
    result = add(data_copy, "--dry-run", *NEW_FIGURE)
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written" in result.output and NEW_OBS in result.output
    assert snapshot(data_copy) == shipped


def test_a_second_figure_reuses_the_source_found_by_its_url(data_copy):
    assert add(data_copy, *NEW_FIGURE).exit_code == 0
    sources = len(rows(data_copy, SOURCES))
    again = [a if a != "23.1" else "23.4" for a in NEW_FIGURE]
    again[again.index("2026")] = "2026-Q4"
    result = add(data_copy, *again)
    assert result.exit_code == 0, result.output
    assert rows(data_copy)[-1]["source_id"] == NEW_SOURCE
    assert f"source {NEW_SOURCE} (existing, same URL)" in result.output
    assert len(rows(data_copy, SOURCES)) == sources
    assert "not a calendar year" in result.output


def test_a_revision_is_a_new_row_and_the_earlier_vintage_stays(data_copy):
    result = add(data_copy, *REVISION)
    assert result.exit_code == 0, result.output
    assert "revises OBS0368 (published 2025-01-06): 13.17 -> 13.2" in result.output
    assert f"2024: 13.17 (OBS0368) -> 13.2 ({NEW_OBS})" in result.output
    assert rows(data_copy, SOURCES) == rows(Path(__file__).parents[1] / "data", SOURCES)
    ds = load_dataset(data_copy)
    assert ds.series("de_share", "VN", method="GSO", as_of="2026-02").values[2024] == 13.17
    assert ds.series("de_share", "VN", method="GSO", as_of="2026-03").values[2024] == 13.2
    assert {"OBS0368", NEW_OBS} <= set(ds.observations["obs_id"])
    assert_checksums_match(data_copy)


def test_a_figure_published_after_today_says_when_it_counts(data_copy):
    late = [a if a != "2026-11-20" else "2026-12-20" for a in NEW_FIGURE]
    result = add(data_copy, *late)
    assert result.exit_code == 0, result.output
    assert "latest period: 2025 = 22.28 (OBS0441) -> 2025 = 22.28 (OBS0441) (unchanged)" in (
        result.output
    )
    assert "runs as of 2026-12 or later will see it (latest period then: 2026 = 23.1" in (
        result.output
    )


def _rejected(data_copy, *args: str) -> str:
    shipped = snapshot(data_copy)
    result = add(data_copy, *args)
    assert result.exit_code == 1, result.output
    assert "nothing written" in result.output
    assert snapshot(data_copy) == shipped
    assert not list(data_copy.parent.glob(".dxecon-add-*"))
    return result.output


def _with(args: list[str], option: str, value: str) -> list[str]:
    out = list(args)
    out[out.index(option) + 1] = value
    return out


def test_unknown_code_is_rejected_with_did_you_mean(data_copy):
    output = _rejected(data_copy, *_with(NEW_FIGURE, "--indicator", "de_shar"))
    assert "--indicator 'de_shar': unknown indicators code (did you mean 'de_share'?)" in output


def test_exact_duplicate_is_rejected_naming_the_row(data_copy):
    duplicate = _with(_with(REVISION, "--value", "13.170"), "--published", "2025-01-06")
    duplicate = _with(_with(duplicate, "--status", "E"), "--source-id", "E4")
    output = _rejected(data_copy, *duplicate)
    assert "duplicates OBS0368" in output


def test_missing_source_is_rejected(data_copy):
    args = NEW_FIGURE[: NEW_FIGURE.index("--source-publisher")]
    output = _rejected(data_copy, *args)
    assert "missing source" in output and "--source-id" in output


def test_unknown_source_id_is_rejected_with_did_you_mean(data_copy):
    output = _rejected(data_copy, *_with(REVISION, "--source-id", "E55"))
    assert "--source-id: 'E55' has no row in sources.csv (did you mean" in output


def test_malformed_period_is_rejected(data_copy):
    output = _rejected(data_copy, *_with(NEW_FIGURE, "--period", "2026Q1"))
    assert "--period '2026Q1': is not a period" in output


def test_non_numeric_value_is_rejected(data_copy):
    output = _rejected(data_copy, *_with(NEW_FIGURE, "--value", "23,1"))
    assert "--value '23,1': is not a number" in output


def test_missing_published_date_is_rejected(data_copy):
    args = (
        NEW_FIGURE[: NEW_FIGURE.index("--published")]
        + NEW_FIGURE[NEW_FIGURE.index("--published") + 2 :]
    )
    assert "--published: missing" in _rejected(data_copy, *args)


FILE_HEADER = "indicator,geo,period,value,unit,method,status,published,source_id\n"


def write_batch(tmp_path: Path, second_status: str) -> Path:
    batch = tmp_path / "rows.csv"
    batch.write_text(
        FILE_HEADER
        + "de_share,VN,2024,13.2,pct,GSO,P,2026-03-02,E5\n"
        + f"de_share,VN,2026,14.5,pct,GSO,{second_status},2026-10-05,E5\n"
        + "grdp_growth_real,HP2025,2026-Q3,10.1,pct,,E,2026-10-01,S13\n",
        encoding="utf-8",
    )
    return batch


def test_from_file_adds_every_row(data_copy, tmp_path):
    batch = write_batch(tmp_path, "E")
    result = add(data_copy, "--from-file", str(batch))
    assert result.exit_code == 0, result.output
    new = rows(data_copy)[-3:]
    assert [r["obs_id"] for r in new] == [NEW_OBS, SECOND_OBS, THIRD_OBS]
    assert_checksums_match(data_copy)
    assert f"latest period: 2025 = 14.02 (OBS0379) -> 2026 = 14.5 ({SECOND_OBS})" in result.output


def test_from_file_with_one_bad_row_writes_nothing(data_copy, tmp_path):
    batch = write_batch(tmp_path, "X")  # no such status
    output = _rejected(data_copy, "--from-file", str(batch))
    assert f"{batch} line 3, column 'status' 'X': unknown statuses code" in output
    assert "1 problem(s)" in output


def test_from_file_unknown_column_is_named(data_copy, tmp_path):
    batch = tmp_path / "rows.csv"
    batch.write_text(FILE_HEADER.replace("published", "publshed") + "x\n", encoding="utf-8")
    output = _rejected(data_copy, "--from-file", str(batch))
    assert "column 'publshed': unknown column (did you mean 'published'?)" in output


def test_appending_keeps_columns_the_file_has_beyond_the_new_row(tmp_path):
    # e.g. an optional duplicate_of column: kept, left empty for the new row.
    path = tmp_path / OBS
    path.write_bytes(b"\xef\xbb\xbfobs_id,value,duplicate_of\r\nOBS0001,1,\r\n")
    content = CsvFile.read(path).appended([{"obs_id": "OBS0002", "value": "2"}])
    assert content == b"\xef\xbb\xbfobs_id,value,duplicate_of\r\nOBS0001,1,\r\nOBS0002,2,\r\n"


def _source_dates(data_dir) -> dict[str, str]:
    return {row["source_id"]: row["published"] for row in rows(data_dir, SOURCES)}


def test_diff_lists_added_and_revised_figures(data_copy, tmp_path):
    assert add(data_copy, *NEW_FIGURE).exit_code == 0
    assert add(data_copy, *REVISION).exit_code == 0
    diff = diff_since(load_dataset(data_copy), "2026-02")
    changes = dict(zip(diff.changed["id"], diff.changed["change"].str.strip(), strict=True))
    assert changes == {NEW_OBS: "new", SECOND_OBS: "revises OBS0368: 13.17 -> 13.2"}
    ds = load_dataset(data_copy)
    undated = ds.observations[ds.observations["published"].fillna("") == ""]
    undated = undated[undated["source_id"].map(_source_dates(data_copy)).fillna("") == ""]
    assert len(diff.undated) == len(undated) and "OBS0006" in set(diff.undated["id"])
    result = CliRunner().invoke(main, ["data", "diff", "--since", "2026-02", "--data", data_copy])
    assert result.exit_code == 0, result.output
    assert "Figures published since 2026-02-01: 2" in result.output
    assert "revises OBS0368: 13.17 -> 13.2" in result.output
    assert "NaN" not in result.output and "Undated figures" in result.output


def test_diff_rejects_a_bad_date(data_copy):
    result = CliRunner().invoke(main, ["data", "diff", "--since", "2026-13", "--data", data_copy])
    assert result.exit_code == 2 and "expected YYYY-MM or YYYY-MM-DD" in result.output


def test_a_revision_of_a_scenario_input_says_which_starts_move(data_copy):
    # The merged city's 2025 agriculture share of GRDP is a scenario start (its weight).
    result = add(
        data_copy,
        *["--indicator", "sector_share_grdp", "--geo", "HP2025", "--sector", "agro"],
        *["--period", "2025", "--value", "4.61", "--unit", "pct", "--status", "F"],
        *["--published", "2026-09-15", "--source-id", "S14"],
    )
    assert result.exit_code == 0, result.output
    assert "2025 = 4.55 (OBS0185) -> 2025 = 4.61" in result.output
    assert "scenario baseline: start sectors.agro.weight 4.55 -> 4.61" in result.output


def test_a_figure_outside_every_start_says_no_start_moves(data_copy):
    result = add(
        data_copy,
        *["--indicator", "de_share", "--geo", "VN", "--period", "2026", "--value", "14.5"],
        *["--unit", "pct", "--method", "GSO", "--status", "E", "--published", "2026-09-01"],
        *["--source-id", "E4", "--price-basis", "current"],
    )
    assert result.exit_code == 0, result.output
    assert "no scenario start or growth moves" in result.output


def test_a_broken_folder_is_refused_before_adding(data_copy):
    text = (data_copy / OBS).read_text(encoding="utf-8")
    (data_copy / OBS).write_text(text.replace("OBS0002,", "OBS0001,", 1), encoding="utf-8")
    output = _rejected(data_copy, *NEW_FIGURE)
    assert "duplicate id" in output and "the data folder itself needs fixing first" in output


def test_diff_on_the_shipped_vintages_keeps_every_digit_and_marks_republications(dataset):
    diff = diff_since(dataset, "2025-01")
    changes = dict(zip(diff.changed["id"], diff.changed["change"].str.strip(), strict=True))
    assert changes["OBS0366"] == "revises OBS0336: 12.67 -> 12.83"  # GSO, 6 Jan 2025
    assert changes["OBS0198"] == "revises OBS0199: 118.3 -> 118255.3"
    assert changes["OBS0364"] == "confirms OBS0335: 12.66 (unchanged)"
    assert "OBS0335" not in changes  # published 2023-12-04, before the date


def _undated(figure: list[str]) -> list[str]:
    """NEW_FIGURE without its published date (a different value: not a duplicate)."""
    i = figure.index("--published")
    undated = figure[:i] + figure[i + 2 :]
    return [a if a != "23.1" else "23.3" for a in undated]


def test_an_undated_figure_is_added_with_a_note_saying_why(data_copy):
    note = "The article shows no date. Quote: 'kinh tế số chiếm 23,3% GRDP'"
    result = add(data_copy, *_undated(NEW_FIGURE), "--undated", "--note", note)
    assert result.exit_code == 0, result.output
    new = rows(data_copy)[-1]
    assert (new["obs_id"], new["value"], new["published"], new["note"]) == (
        NEW_OBS,
        "23.3",
        "",
        note,
    )
    assert rows(data_copy, SOURCES)[-1]["published"] == ""
    assert_checksums_match(data_copy)


def test_an_undated_figure_needs_a_note_and_no_date(data_copy):
    shipped = snapshot(data_copy)
    no_note = add(data_copy, *_undated(NEW_FIGURE), "--undated")
    assert no_note.exit_code == 1
    assert "--note: required for an undated figure" in no_note.output
    both = add(data_copy, *NEW_FIGURE, "--undated", "--note", "why")
    assert both.exit_code == 1
    assert "--undated: give a published date or mark it undated, not both" in both.output
    no_date = add(data_copy, *_undated(NEW_FIGURE))
    assert no_date.exit_code == 1 and "or --undated with a --note saying why" in no_date.output
    assert snapshot(data_copy) == shipped
