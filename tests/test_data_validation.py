"""Bad input: every case of the foundation issue, each named by file, line, column and fix."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from conftest import replace_in

from dxecon.core import folders
from dxecon.core.errors import DataValidationError
from dxecon.data import load_dataset, validate
from dxecon.data.changes import checksums_text, file_checksums

OBS = "observations.csv"
INSTRUMENTS = "codes/instruments.csv"
FIRST_OBS = (
    "OBS0001,grdp_growth_real_avg,HP,total,2015/2021,13.17,pct,constant_2010,F,,2022-09-16,S21,"
)


def problems(folder: Path) -> list[str]:
    return [str(p) for p in validate(folder).problems]


def only_problem(folder: Path):
    found = validate(folder).problems
    assert len(found) == 1, found
    return found[0]


def test_shipped_data_is_valid():
    report = validate(folders.DATA_DIR)
    assert report.ok, report.problems


def test_shipped_data_matches_recorded_checksums():
    # The raw layer is immutable: a change to a shipped file must be deliberate (update
    # data/CHECKSUMS.json in the same commit, with the source of the new figures).
    # `dxecon data add` rewrites the file; dxecon.data.changes.file_checksums is the one
    # definition of what it records, checked here against hashlib on each file's bytes.
    assert_checksums_match(folders.DATA_DIR)


def assert_checksums_match(data_dir: Path) -> None:
    recorded = json.loads((data_dir / "CHECKSUMS.json").read_text(encoding="utf-8"))
    for name, digest in recorded.items():
        actual = hashlib.sha256((data_dir / name).read_bytes()).hexdigest()
        assert actual == digest, f"data/{name} changed; update CHECKSUMS.json deliberately"
    shipped = [*data_dir.rglob("*.csv"), *data_dir.rglob("*.txt")]
    on_disk = {p.relative_to(data_dir).as_posix() for p in shipped}
    assert on_disk == set(recorded)
    assert file_checksums(data_dir) == recorded
    assert (data_dir / "CHECKSUMS.json").read_text(encoding="utf-8") == checksums_text(data_dir)


def test_missing_column(data_copy):
    replace_in(data_copy / OBS, "obs_id,indicator,geo,sector,period,value,", "obs_id,indicator,")
    found = problems(data_copy)
    assert any("column 'geo'" in p and "missing" in p for p in found)


def test_renamed_column_suggests_the_old_name(data_copy):
    replace_in(data_copy / OBS, ",value,unit,", ",valeur,unit,")
    found = validate(data_copy).problems
    missing = [p for p in found if p.column == "value"]
    assert missing and "renamed to 'valeur'" in missing[0].expected
    assert any(p.column == "valeur" and "unknown column" in p.expected for p in found)


def test_unquoted_decimal_comma_is_a_row_width_problem(data_copy):
    replace_in(data_copy / OBS, FIRST_OBS, FIRST_OBS.replace("13.17", "13,17"))
    problem = only_problem(data_copy)
    assert (problem.record_id, problem.line) == ("OBS0001", 2)
    assert "15 fields, the header has 14" in problem.expected


def test_non_numeric_value_in_quotes(data_copy):
    replace_in(data_copy / OBS, "2015/2021,13.17,", '2015/2021,"13,17",')
    problem = only_problem(data_copy)
    assert (problem.file, problem.line, problem.record_id, problem.column, problem.value) == (
        OBS,
        2,
        "OBS0001",
        "value",
        "13,17",
    )
    assert "'.' as decimal separator" in problem.expected


@pytest.mark.parametrize(
    ("column", "old", "new"),
    [
        ("indicator", "OBS0001,grdp_growth_real_avg,", "OBS0001,grdp_growth_avg,"),
        ("geo", "grdp_growth_real_avg,HP,total,2015/", "grdp_growth_real_avg,HPX,total,2015/"),
        ("sector", "HP,total,2015/2021", "HP,totl,2015/2021"),
        ("unit", "13.17,pct,constant_2010", "13.17,percent,constant_2010"),
        ("status", "constant_2010,F,,2022-09-16,S21", "constant_2010,X,,2022-09-16,S21"),
    ],
)
def test_unknown_code(data_copy, column, old, new):
    replace_in(data_copy / OBS, old, new)
    problem = only_problem(data_copy)
    assert problem.column == column and problem.record_id == "OBS0001" and problem.line == 2
    assert "unknown" in problem.expected and "codes/" in problem.expected


def test_unknown_code_suggests_the_closest(data_copy):
    replace_in(data_copy / OBS, "HP,total,2015/2021", "HP,totl,2015/2021")
    assert "did you mean 'total'" in only_problem(data_copy).expected


def test_duplicate_id(data_copy):
    replace_in(data_copy / OBS, "OBS0002,", "OBS0001,")
    problem = only_problem(data_copy)
    assert problem.column == "obs_id" and problem.value == "OBS0001" and problem.line == 3
    assert "line 2 uses it already" in problem.expected


def test_source_id_without_source(data_copy):
    replace_in(data_copy / OBS, "2022-09-16,S21,", "2022-09-16,S999,")
    problem = only_problem(data_copy)
    assert (problem.column, problem.value) == ("source_id", "S999")
    assert "sources.csv" in problem.expected


def test_unparseable_date(data_copy):
    replace_in(data_copy / OBS, ",2022-09-16,S21,", ",16/09/2022,S21,")
    problem = only_problem(data_copy)
    assert (problem.column, problem.value) == ("published", "16/09/2022")
    assert "YYYY-MM-DD" in problem.expected


def test_impossible_date(data_copy):
    replace_in(data_copy / OBS, ",2022-09-16,S21,", ",2022-02-30,S21,")
    assert only_problem(data_copy).column == "published"


def test_empty_file(data_copy):
    (data_copy / OBS).write_bytes(b"")
    problem = only_problem(data_copy)
    assert problem.file == OBS and "empty" in problem.expected


def test_header_only_file(data_copy):
    header = (data_copy / OBS).read_text(encoding="utf-8").splitlines()[0]
    (data_copy / OBS).write_text(header + "\n", encoding="utf-8")
    assert "no rows" in only_problem(data_copy).expected


def test_missing_file(data_copy):
    (data_copy / "sources.csv").unlink()
    found = problems(data_copy)
    assert any(p.startswith("sources.csv") and "missing" in p for p in found)


def test_not_utf8(data_copy):
    text = (data_copy / "sources.csv").read_text(encoding="utf-8")
    (data_copy / "sources.csv").write_bytes(text.encode("cp1258", errors="replace"))
    problem = only_problem(data_copy)
    assert problem.file == "sources.csv" and "not UTF-8" in problem.expected
    assert problem.line is not None and problem.line > 1


def test_utf8_with_bom_loads(data_copy):
    path = data_copy / "sources.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    dataset = load_dataset(data_copy)
    assert "Cục Thống kê TP Hải Phòng (Hai Phong Statistics Office)" in set(
        dataset.sources["publisher"]
    )


def test_all_problems_of_a_file_in_one_run(data_copy):
    replace_in(data_copy / OBS, "2015/2021,13.17,", '2015/2021,"13,17",')
    replace_in(data_copy / OBS, "OBS0002,", "OBS0001,")
    replace_in(data_copy / OBS, ",2022-09-16,S21,", ",yesterday,S21,")
    found = validate(data_copy).problems
    assert {p.column for p in found} == {"value", "obs_id", "published"}


def test_bad_period_and_comparator(data_copy):
    replace_in(data_copy / OBS, "HP,total,2015/2021,", "HP,total,2015-2021,")
    replace_in(data_copy / "targets.csv", "2025,>=,100,pct", "2025,=>,100,pct")
    found = validate(data_copy).problems
    assert {(p.file, p.column) for p in found} == {(OBS, "period"), ("targets.csv", "comparator")}


def test_an_instrument_flag_is_yes_or_no(data_copy):
    """codes/instruments.csv `named` says whether the source names the instrument: a value
    other than yes/no, or an empty one, is refused with file, line, id and field."""
    instruments = data_copy / INSTRUMENTS
    replace_in(instruments, "UNSPEC,instrument not named,,no", "UNSPEC,instrument not named,,n")
    problem = only_problem(data_copy)
    assert (problem.file, problem.line, problem.record_id) == (INSTRUMENTS, 16, "UNSPEC")
    assert (problem.column, problem.value) == ("named", "n")
    assert "yes or no" in problem.expected
    replace_in(instruments, "UNSPEC,instrument not named,,n", "UNSPEC,instrument not named,,")
    problem = only_problem(data_copy)
    assert (problem.line, problem.column) == (16, "named") and "yes or no" in problem.expected
    shipped = load_dataset(folders.DATA_DIR).codes["instruments"].set_index("code")["named"]
    assert set(shipped) == {"yes", "no"} and shipped["UNSPEC"] == "no"


def test_loader_raises_with_every_problem_and_writes_nothing(data_copy):
    replace_in(data_copy / OBS, "OBS0002,", "OBS0001,")
    replace_in(data_copy / "targets.csv", "SEED-004", "SEED-404")
    before = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert len(info.value.problems) == 2
    assert "OBS0001" in str(info.value) and "SEED-404" in str(info.value)
    after = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    assert before == after


def test_new_geography_is_added_by_data_not_code(data_copy):
    with (data_copy / "codes" / "geographies.csv").open("a", encoding="utf-8") as f:
        f.write("LA,Lao PDR,country,,,,Laos,Lào\n")
    with (data_copy / OBS).open("a", encoding="utf-8") as f:
        f.write("OBS9999,gdp_growth_real,LA,total,2024,4.1,pct,constant_2010,E,,2025-01-10,S1,,\n")
    dataset = load_dataset(data_copy)
    assert dataset.series("gdp_growth_real", "LA").values.to_dict() == {2024: 4.1}


# -- references between rows: duplicate_of, same_goal_as ------------------------------------
MARKED = "(2022 data),OBS0439\n"  # OBS0440, the GSO 29.7 figure stored again as 2023


def test_shipped_duplicate_is_marked():
    rows = {
        r.values["obs_id"]: r.values for r in validate(folders.DATA_DIR).tables["observations"].rows
    }
    assert rows["OBS0440"]["duplicate_of"] == "OBS0439"
    assert rows["OBS0439"]["duplicate_of"] == ""


def test_duplicate_of_must_name_an_existing_observation(data_copy):
    # A dropped zero: no other id is as close to it as OBS0439 (a transposed 'OBS4039' stopped
    # being one once OBS0539 existed).
    replace_in(data_copy / OBS, MARKED, "(2022 data),OBS439\n")
    problem = only_problem(data_copy)
    assert (problem.record_id, problem.column, problem.value) == (
        "OBS0440",
        "duplicate_of",
        "OBS439",
    )
    assert "is not a obs_id of observations.csv" in problem.expected
    assert "did you mean 'OBS0439'" in problem.expected


def test_duplicate_of_cannot_point_to_itself_or_to_another_duplicate(data_copy):
    replace_in(data_copy / OBS, MARKED, "(2022 data),OBS0440\n")
    assert "refers to the row itself" in only_problem(data_copy).expected
    replace_in(data_copy / OBS, "(2022 data),OBS0440\n", MARKED)
    text = (data_copy / OBS).read_text(encoding="utf-8")
    row_441 = next(line for line in text.splitlines() if line.startswith("OBS0441,"))
    replace_in(data_copy / OBS, row_441, row_441 + "OBS0440")
    problem = only_problem(data_copy)
    assert problem.record_id == "OBS0441" and "point to the original (OBS0439)" in (
        problem.expected
    )


def test_same_goal_as_must_name_an_existing_target(data_copy):
    text = (data_copy / "targets.csv").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("TGT033,"))
    assert row.endswith(",TGT009")
    replace_in(data_copy / "targets.csv", row, row[: -len("TGT009")] + "TGT900")
    problem = only_problem(data_copy)
    assert (problem.file, problem.record_id, problem.column) == (
        "targets.csv",
        "TGT033",
        "same_goal_as",
    )
    assert "target_id of the first instrument's row" in problem.expected


def test_optional_columns_may_be_absent_from_an_older_folder(data_copy):
    # A folder written before duplicate_of / text_vi / same_goal_as / name_en / name_vi
    # existed stays valid.
    for name, n_new in (
        (OBS, 1),
        ("targets.csv", 2),
        ("codes/geographies.csv", 2),
        ("codes/instruments.csv", 2),
    ):
        path = data_copy / name
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(r[:-n_new] for r in rows)
    dataset = load_dataset(data_copy)
    assert set(dataset.observations["duplicate_of"]) == {""}
    assert set(dataset.targets["same_goal_as"]) == {""}
    assert set(dataset.codes["geographies"]["name_vi"]) == {""}
    assert set(dataset.codes["instruments"]["name_en"]) == {""}
    assert "2023" in set(dataset.observations.loc[dataset.observations["geo"] == "HP", "period"])


@pytest.mark.parametrize("code_list", ["geographies", "instruments"])
def test_every_shipped_place_and_instrument_has_its_name_in_each_language(code_list):
    rows = validate(folders.DATA_DIR).tables[code_list].rows
    for row in rows:
        assert row.values["name_en"] and row.values["name_vi"], row.values["code"]


def test_a_row_missing_a_field_of_an_optional_column_is_a_width_problem(data_copy):
    replace_in(data_copy / OBS, MARKED, "(2022 data)\n")
    problem = only_problem(data_copy)
    assert problem.record_id == "OBS0440" and "13 fields, the header has 14" in problem.expected


def test_suspected_duplicates_are_warnings_not_problems(data_copy):
    # The same figure, value and source under two periods, unmarked, is reported; the
    # folder stays valid. Marked with duplicate_of, it is no longer reported.
    replace_in(data_copy / OBS, "P,GSO,,D2,source labels", "P,GSO,,D1,source labels")
    replace_in(data_copy / OBS, MARKED, "(2022 data),\n")
    report = validate(data_copy)
    assert report.ok
    flagged = [w for w in report.warnings if w.record_id == "OBS0440"]
    assert len(flagged) == 1 and "set duplicate_of=OBS0439" in flagged[0].expected
    replace_in(data_copy / OBS, "(2022 data),\n", MARKED)
    assert not [w for w in validate(data_copy).warnings if w.record_id == "OBS0440"]


def test_no_marked_row_is_reported_as_a_suspected_duplicate():
    report = validate(folders.DATA_DIR)
    marked = {
        r.values["obs_id"] for r in report.tables["observations"].rows if r.values["duplicate_of"]
    }
    assert marked and not marked & {w.record_id for w in report.warnings}


def test_one_release_listing_a_series_is_no_suspect():
    # GSO's January 2025 release gives 12.87% for both 2021 (OBS0365) and 2023 (OBS0367):
    # one release, one published date, two genuine figures; the shipped data has no suspect.
    report = validate(folders.DATA_DIR)
    rows = {r.values["obs_id"]: r.values for r in report.tables["observations"].rows}
    assert rows["OBS0365"]["value"] == rows["OBS0367"]["value"]
    assert rows["OBS0365"]["published"] == rows["OBS0367"]["published"]
    assert report.warnings == []


def test_same_goal_rows_share_the_goal_and_point_to_the_first_instrument(dataset):
    targets = dataset.targets.set_index("target_id")
    adopted = dataset.codes["instruments"].set_index("code")["adopted_year"]
    linked = targets[targets["same_goal_as"] != ""]
    assert {"TGT033", "TGT034"} <= set(linked.index)
    assert targets.at["TGT033", "same_goal_as"] == "TGT009"
    for tid, row in linked.iterrows():
        first = targets.loc[row["same_goal_as"]]
        for column in ("indicator", "geo", "sector", "year"):
            assert row[column] == first[column], (tid, column)
        year_first, year_later = adopted[first["instrument"]], adopted[row["instrument"]]
        if year_first and year_later:
            assert int(year_first) <= int(year_later), tid


def test_vietnamese_wording_of_seed_targets_is_copied_not_written():
    # text_vi is never a translation: for the seed instruments it must occur verbatim.
    seeds = {
        "SEED-004": (folders.DATA_DIR / "seeds" / "004_623a02d6e21adf13.txt"),
        "SEED-002": (folders.DATA_DIR / "seeds" / "002_c69b0151baf74ac6.txt"),
    }
    texts = {k: p.read_text(encoding="utf-8") for k, p in seeds.items()}
    rows = validate(folders.DATA_DIR).tables["targets"].rows
    checked = 0
    for row in rows:
        source, wording = row.values["source_id"], row.values["text_vi"]
        if source in texts:
            assert wording and wording in texts[source], row.values["target_id"]
            checked += 1
    assert checked == 32  # NQ 03 (26) and Plan 74 (6) rows that cite a seed
