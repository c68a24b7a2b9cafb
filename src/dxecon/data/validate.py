"""Read a data folder and report *every* problem in it, in one pass.

Pure standard library (``csv``; PyYAML for the plausibility bounds), so the exact line of
each problem is known and checking the whole folder costs milliseconds (a 50 MB
observations file: seconds, see ``benchmarks/bench_data.py``). Cells are checked column by
column, each distinct value once. The loader builds DataFrames only from tables that
passed. Nothing here writes anything.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path

from dxecon.core.errors import Problem, closest_match, did_you_mean
from dxecon.data.schema import (
    ASSUMED_BOUNDS,
    CODE_LISTS,
    COMPARATORS,
    DEFINITIONAL_BOUNDS,
    EXPECTED,
    FLAGS,
    MAIN_TABLES,
    PCT_KINDS,
    PLAUSIBILITY_PARAMS,
    PLAUSIBLE_TABLES,
    UNIT_KINDS,
    Bound,
    Column,
    TableSpec,
)

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_YEAR = re.compile(r"^\d{4}$")
_PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|H[12]|([1-9]|1[01])M))?$|^\d{4}/\d{4}$")


@dataclass
class Row:
    line: int  # 1-based line where the row starts (header = 1)
    values: dict[str, str]


@dataclass
class Table:
    spec: TableSpec
    rows: list[Row] = field(default_factory=list)


@dataclass
class Report:
    """The outcome of checking a data folder."""

    data_dir: Path
    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Things worth a look that do not make the folder invalid (suspected duplicates).
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def codes(self, code_list: str) -> set[str] | None:
        """The ids of a code list (or of ``sources``); None when that file is unreadable,
        so references to it are not checked (its own problem is already reported)."""
        table = self.tables.get(code_list)
        if table is None:
            return None
        key = table.spec.id_column
        return {r.values[key] for r in table.rows if r.values.get(key)}


def suggest(value: str, allowed: set[str] | list[str]) -> str:
    """' (did you mean X?)' when a close match exists, else '' (`did_you_mean` in brackets,
    to follow a problem's wording)."""
    hint = did_you_mean(value, allowed)
    return f" ({hint.strip()})" if hint else ""


def parse_date(text: str) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` or ``YYYY-MM`` (taken as the month's last day: the latest the
    figure can have been out, so as-of filtering never sees it too early)."""
    try:
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            if text[4] != "-":
                return None
            first_next = dt.date(year + month // 12, month % 12 + 1, 1)
            return first_next - dt.timedelta(days=1)
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None


def read_table(data_dir: Path, spec: TableSpec, problems: list[Problem]) -> Table | None:
    """Read one CSV, checking encoding, emptiness, header and row widths."""
    path = data_dir / spec.file
    file = spec.file
    if not path.is_file():
        problems.append(
            Problem(file, None, None, None, None, f"file is missing; expected it at {path}")
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a BOM (Excel's 'CSV UTF-8') is fine
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 4]
        problems.append(
            Problem(
                file,
                line,
                None,
                None,
                repr(bad),
                f"byte {exc.start} is not UTF-8; save the file as UTF-8 (Excel: 'CSV UTF-8')",
            )
        )
        return None
    if not text.strip():
        problems.append(
            Problem(file, None, None, None, None, "file is empty; expected a header row")
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    expected = spec.column_names
    # Columns added after the first release may be absent: older folders stay valid.
    missing = [c for c in expected if c not in header and c not in spec.optional_names]
    extra = [c for c in header if c not in expected]
    # A missing column and an unknown one with a close name are most likely a rename.
    renamed = {name: closest_match(name, extra) for name in missing}
    header_problems = [
        (
            name,
            f"column is missing; renamed to '{renamed[name]}'?"
            if renamed[name]
            else "column is missing",
        )
        for name in missing
    ] + [(name, f"unknown column{suggest(name, missing)}") for name in extra]
    for name, what in header_problems:
        problems.append(
            Problem(file, 1, None, name, None, f"{what}; expected columns: {', '.join(expected)}")
        )
    table = Table(spec)
    absent = [c for c in spec.column_names if c not in header]  # optional ones only
    line = reader.line_num + 1
    for cells in reader:
        if not any(cells) or not "".join(cells).strip():
            line = reader.line_num + 1
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    file,
                    line,
                    cells[0] if cells else None,
                    None,
                    None,
                    f"row has {len(cells)} fields, the header has {len(header)}; "
                    "quote values that contain commas",
                )
            )
        else:
            values = dict(zip(header, map(str.strip, cells), strict=True))
            if absent:
                values.update(dict.fromkeys(absent, ""))
            table.rows.append(Row(line, values))
        line = reader.line_num + 1
    if not table.rows:
        problems.append(Problem(file, None, None, None, None, "file has a header but no rows"))
    return table


def _code_message(value: str, code_list: str, allowed: set[str], cache: dict) -> str:
    """The fix for an unknown code (remembered: a broken file repeats its bad values)."""
    key = (code_list, value)
    if key not in cache:
        cache[key] = (
            f"unknown {code_list} code{suggest(value, allowed)}; "
            f"add it to codes/{code_list}.csv or use one of: {', '.join(sorted(allowed)[:30])}"
        )
    return cache[key]


def _value_check(kind: str, allowed: set[str] | None, code_list: str | None, cache: dict):
    """A function value -> None (fine) or the fix, for one column kind."""
    patterns = {"number": _NUMBER, "year": _YEAR, "period": _PERIOD}
    if kind == "code":
        if allowed is None:
            return lambda value: None
        return lambda value: (
            None if value in allowed else _code_message(value, code_list or "", allowed, cache)
        )
    if kind in patterns:
        pattern = patterns[kind]
        message = f"is not a {kind}; expected {EXPECTED[kind]}"
        return lambda value: None if pattern.match(value) else message
    if kind == "date":
        message = f"is not a valid date; expected {EXPECTED['date']}"
        return lambda value: None if parse_date(value) is not None else message
    if kind == "comparator":
        message = f"is not a comparator; expected {EXPECTED['comparator']}"
        return lambda value: None if value in COMPARATORS else message
    if kind == "flag":
        message = f"is not a flag; expected {EXPECTED['flag']}"
        return lambda value: None if value in FLAGS else message
    return None


def check_cells(table: Table, report: Report) -> None:
    """Check every cell of a table against its column spec; append to ``report.problems``.

    Column by column, each distinct value checked once (a 50 MB file repeats its codes,
    units and dates), then the problems sorted by line as a reader expects them.
    """
    spec = table.spec
    file = spec.file
    sources = report.codes("sources")
    rows = table.rows
    found: list[Problem] = []
    messages: dict = {}
    present = [c.name for c in spec.columns if rows and c.name in rows[0].values]
    if len(present) > 1:  # one pass over the rows builds every column (C speed)
        getter = operator.itemgetter(*present)
        columns = dict(
            zip(present, zip(*(getter(r.values) for r in rows), strict=True), strict=True)
        )
    else:
        columns = {name: [r.values[name] for r in rows] for name in present}
    for col in spec.columns:
        name, kind = col.name, col.kind
        if name not in columns:
            continue  # already reported as a missing column
        values = columns[name]
        if kind == "id":
            seen_ids: dict[str, int] = {}
            for row, value in zip(rows, values, strict=True):
                if value and value in seen_ids:
                    found.append(
                        Problem(
                            file,
                            row.line,
                            value,
                            name,
                            value,
                            f"duplicate id; line {seen_ids[value]} uses it already: "
                            f"{EXPECTED['id']}",
                            "id",
                        )
                    )
                elif value:
                    seen_ids[value] = row.line
        if kind == "ref":
            found += _ref_problems(spec, rows, col, values)
            continue
        allowed = report.codes(col.codes or "") if kind == "code" else None
        check = _value_check(kind, allowed, col.codes, messages)
        verdict: dict[str, str | None] = {}
        for value in set(values):
            if value is None:
                continue  # already reported as a missing column
            if not value:
                if col.required:
                    verdict[value] = "is empty; " + EXPECTED.get(kind, "a value is required")
            elif check is not None:
                problem = check(value)
                if problem is not None:
                    verdict[value] = problem
            elif kind in ("source", "sources") and sources is not None:
                ids = value.split(";") if kind == "sources" else [value]
                missing = [sid for sid in ids if sid.strip() not in sources]
                if missing:
                    verdict[value] = missing  # type: ignore[assignment]
        if not verdict:
            continue
        for row, value in zip(rows, values, strict=True):
            if value not in verdict:
                continue
            rid = row.values.get(spec.id_column) or None
            problem = verdict[value]
            if isinstance(problem, list):
                for sid in problem:
                    found.append(
                        Problem(
                            file,
                            row.line,
                            rid,
                            name,
                            sid,
                            f"source id has no row in sources.csv{suggest(sid, sources)}; "
                            "add the source there first",
                            "source",
                        )
                    )
            else:
                rule = "empty" if not value else kind
                found.append(Problem(file, row.line, rid, name, value, problem, rule))
    found.sort(key=lambda p: p.line or 0)
    report.problems.extend(found)


def _ref_problems(spec: TableSpec, rows: list, col: Column, values) -> list[Problem]:
    """A reference to another row of the same table (``duplicate_of``, ``same_goal_as``)
    must name an existing id, not the row itself, and not a row that itself refers on
    (point to the original, so one hop always reaches it)."""
    key = spec.id_column
    own = {r.values.get(key): v for r, v in zip(rows, values, strict=True)}
    fix = f"write {col.meaning} (an existing {key}), or leave the cell empty"
    found = []
    for row, value in zip(rows, values, strict=True):
        if not value:
            continue
        rid = row.values.get(key) or None
        if value == rid:
            expected = f"refers to the row itself; {fix}"
        elif value not in own:
            hint = suggest(value, {k for k in own if k})
            expected = f"is not a {key} of {spec.file}{hint}; {fix}"
        elif own[value]:
            expected = (
                f"{value} itself has {col.name}={own[value]}; point to the original "
                f"({own[value]}) instead"
            )
        else:
            continue
        found.append(Problem(spec.file, row.line, rid, col.name, value, expected, "ref"))
    return found


def suspected_duplicates(report: Report) -> list[Problem]:
    """Observations that look like one figure stored under two periods.

    Same indicator, geography, sector, value, unit and source but a different period,
    where neither row is marked with ``duplicate_of``. These are warnings: a source may
    legitimately publish the same value for two periods; mark the copy with
    ``duplicate_of`` when it repeats the other row. Rows of one release (same source and
    same ``published`` date) are not suspects: a release that lists a series by year can
    give two years the same value (GSO's January 2025 release: 12.87% for 2021 and 2023).
    """
    table = report.tables.get("observations")
    if table is None:
        return []
    first: dict[tuple, Row] = {}
    found = []
    fields = ("indicator", "geo", "sector", "value", "unit", "source_id")
    for row in table.rows:
        values = row.values
        if values.get("duplicate_of") or not _NUMBER.match(values.get("value", "")):
            continue
        key = (*(values.get(f, "") for f in fields if f != "value"), float(values["value"]))
        earlier = first.setdefault(key, row)
        if earlier is row or earlier.values["period"] == values["period"]:
            continue
        other = earlier.values
        if values.get("published") and values.get("published") == other.get("published"):
            continue
        found.append(
            Problem(
                table.spec.file,
                row.line,
                values["obs_id"],
                "duplicate_of",
                "",
                f"same indicator, geo, sector, value and source as {other['obs_id']} "
                f"(period {other['period']}, here {values['period']}): if it repeats that "
                f"figure, set duplicate_of={other['obs_id']}",
            )
        )
    return found


def plausibility_bounds(params_dir: Path | None = None) -> tuple[dict[str, Bound], tuple[int, int]]:
    """The rules by kind (definitional ones from the schema, assumed ones from
    ``params/plausibility.yaml``) and the range of years."""
    from dxecon.core import folders
    from dxecon.core.errors import ParamsError
    from dxecon.core.params import check_keys, load_yaml

    path = Path(params_dir or folders.PARAMS_DIR) / PLAUSIBILITY_PARAMS
    data = load_yaml(path)
    check_keys(data, [*ASSUMED_BOUNDS, "years"], file=str(path))
    bounds = dict(DEFINITIONAL_BOUNDS)
    for key, meaning in ASSUMED_BOUNDS.items():
        entry = data.get(key)
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), int | float) for k in ("min", "max")
        ):
            raise ParamsError(str(path), key, "expected {min: NUMBER, max: NUMBER}")
        bounds[key] = Bound(key, float(entry["min"]), float(entry["max"]), meaning=meaning)
    years = data.get("years")
    if not isinstance(years, dict) or not all(
        isinstance(years.get(k), int) for k in ("first", "last")
    ):
        raise ParamsError(str(path), "years", "expected {first: YEAR, last: YEAR}")
    return bounds, (years["first"], years["last"])


def _first_match(rules: tuple[tuple[str, str], ...], code: str, default: str) -> str:
    for pattern, kind in rules:
        if re.search(pattern, code):
            return kind
    return default


def _years_ok(text: str, first: int, last: int) -> bool:
    span = [int(text[:4])] + ([int(text[5:9])] if "/" in text else [])
    return all(first <= year <= last for year in span) and span == sorted(span)


def check_plausibility(
    table: Table, report: Report, bounds: dict[str, Bound], years: tuple[int, int]
) -> None:
    """Values within their unit's and indicator's bounds, years in range, and one kind of
    unit per indicator (observations: one indicator, one kind of unit). Rows whose cells
    already failed are skipped: one problem per cause."""
    spec = table.spec
    file = spec.file
    year_column = PLAUSIBLE_TABLES[spec.name]
    first, last = years
    broken = {p.line for p in report.problems if p.file == file}
    unit_kind: dict[str, str] = {}
    rule_of: dict[tuple[str, str], Bound | None] = {}
    kinds_seen: dict[str, dict[str, list[int]]] = {}
    years_ok: dict[str, bool] = {}
    found: list[Problem] = []
    for row in table.rows:
        if row.line in broken:
            continue
        values = row.values
        indicator, unit = values.get("indicator", ""), values.get("unit", "")
        key = (indicator, unit)
        bound = rule_of.get(key, False)
        if bound is False:
            if unit not in unit_kind:
                unit_kind[unit] = _first_match(UNIT_KINDS, unit, "other")
            kind = unit_kind[unit]
            if kind == "per_cent":
                kind = _first_match(PCT_KINDS, indicator, "share")
            elif kind == "percentage_points":
                kind = "pp"
            bound = rule_of[key] = bounds.get(kind)
        if spec.name == "observations":
            seen = kinds_seen.setdefault(indicator, {}).setdefault(unit_kind[unit], [row.line, 0])
            seen[1] += 1
        text = values.get("value", "")
        if bound is not None and text and not bound.holds(float(text)):
            found.append(
                Problem(
                    file,
                    row.line,
                    values.get(spec.id_column) or None,
                    "value",
                    text,
                    f"implausible for {indicator} in {unit}: {bound.expected()}; correct the "
                    f"figure or its unit (bounds: schema or params/{PLAUSIBILITY_PARAMS})",
                    bound.rule,
                )
            )
        for column in (year_column, "published"):
            text = values.get(column, "")
            if not text:
                continue
            ok = years_ok.get(text)
            if ok is None:
                ok = years_ok[text] = _years_ok(text, first, last)
            if not ok:
                found.append(
                    Problem(
                        file,
                        row.line,
                        values.get(spec.id_column) or None,
                        column,
                        text,
                        f"year outside {first}-{last} (params/{PLAUSIBILITY_PARAMS}, 'years') "
                        "or a range that ends before it starts; correct the year",
                        "year_range",
                    )
                )
    by_line = {r.line: r for r in table.rows}
    for indicator, kinds in kinds_seen.items():
        # The kind most rows use is the indicator's; the others are the odd ones out.
        counted = {k: (count, -line) for k, (line, count) in kinds.items() if k != "other"}
        if len(counted) < 2:
            continue
        first_kind = max(counted, key=counted.get)
        named = {k: line for k, (line, _) in kinds.items()}
        for row in table.rows:
            if row.values.get("indicator") != indicator or row.line in broken:
                continue
            kind = unit_kind.get(row.values.get("unit", ""), "other")
            if kind in (first_kind, "other"):
                continue
            found.append(
                Problem(
                    file,
                    row.line,
                    row.values.get(spec.id_column) or None,
                    "unit",
                    row.values.get("unit"),
                    f"{indicator} is in {first_kind} units in most rows (e.g. line "
                    f"{named[first_kind]}, id "
                    f"{by_line[named[first_kind]].values.get(spec.id_column)}) but in {kind} "
                    "units here; one indicator keeps one kind of unit: correct the unit or use "
                    "another indicator code",
                    "unit_consistency",
                )
            )
    found.sort(key=lambda p: p.line or 0)
    report.problems.extend(found)


def validate(data_dir: Path | str, *, params_dir: Path | None = None) -> Report:
    """Check a whole data folder: code lists, sources, observations and targets.

    Parameters
    ----------
    data_dir : path
        A folder with the layout of the shipped ``data/`` (see ``data/README.md``).

    Returns
    -------
    Report
        ``report.ok`` is True when nothing is wrong; ``report.problems`` lists every
        problem otherwise (all files, all rows: not only the first): layout and cells
        (the schema's columns), then plausibility (the schema's ``UNIT_KINDS``,
        ``PCT_KINDS`` and ``DEFINITIONAL_BOUNDS``, with the assumed bounds of
        ``params/plausibility.yaml``).
    """
    import gc

    # Hundreds of thousands of small objects (rows, problems) and no cycles among them: the
    # cyclic collector would rescan them all again and again (half the time on 50 MB).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _validate(Path(data_dir), params_dir)
    finally:
        if enabled:
            gc.enable()


def _validate(data_dir: Path, params_dir: Path | None) -> Report:
    report = Report(data_dir)
    if not data_dir.is_dir():
        report.problems.append(
            Problem(str(data_dir), None, None, None, None, "data folder does not exist")
        )
        return report
    for spec in (*CODE_LISTS.values(), *MAIN_TABLES):
        table = read_table(data_dir, spec, report.problems)
        if table is not None:
            report.tables[spec.name] = table
    # Code lists first: their own cross-references (successor, part_of) need all codes read.
    for name in (*CODE_LISTS, *(spec.name for spec in MAIN_TABLES)):
        if name in report.tables:
            check_cells(report.tables[name], report)
    bounds, years = plausibility_bounds(params_dir)
    for name in PLAUSIBLE_TABLES:
        if name in report.tables:
            check_plausibility(report.tables[name], report, bounds, years)
    report.warnings = suspected_duplicates(report)
    return report
