"""Read a data folder and report *every* problem in it, in one pass.

Pure standard library (``csv``), so the exact line of each problem is known and checking the
whole folder costs milliseconds. The loader builds DataFrames only from tables that passed.
Nothing here writes anything.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from dxecon.data.schema import (
    CODE_LISTS,
    COMPARATORS,
    EXPECTED,
    MAIN_TABLES,
    Column,
    TableSpec,
)
from dxecon.errors import Problem

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
    """' (did you mean X?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


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
    for name in missing:
        hint = suggest(name, extra)
        renamed = f"; renamed to {hint[len(' (did you mean ') : -2]}?" if hint else ""
        problems.append(
            Problem(
                file,
                1,
                None,
                name,
                None,
                f"column is missing{renamed}; expected columns: {', '.join(expected)}",
            )
        )
    for name in extra:
        problems.append(
            Problem(
                file,
                1,
                None,
                name,
                None,
                f"unknown column{suggest(name, missing)}; expected columns: {', '.join(expected)}",
            )
        )
    table = Table(spec)
    absent = [c for c in spec.column_names if c not in header]  # optional ones only
    line = reader.line_num + 1
    for cells in reader:
        if not any(c.strip() for c in cells):
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
            values = {h: c.strip() for h, c in zip(header, cells, strict=True)}
            values.update(dict.fromkeys(absent, ""))
            table.rows.append(Row(line, values))
        line = reader.line_num + 1
    if not table.rows:
        problems.append(Problem(file, None, None, None, None, "file has a header but no rows"))
    return table


def check_cells(table: Table, report: Report) -> None:
    """Check every cell of a table against its column spec; append to ``report.problems``."""
    spec = table.spec
    file = spec.file
    seen_ids: dict[str, int] = {}
    sources = report.codes("sources")
    # For references between rows: each row's id -> its value in each "ref" column.
    refs = {
        col.name: {r.values.get(spec.id_column): r.values.get(col.name, "") for r in table.rows}
        for col in spec.columns
        if col.kind == "ref"
    }
    for row in table.rows:
        rid = row.values.get(spec.id_column) or None
        for col in spec.columns:
            if col.name not in row.values:
                continue  # already reported as a missing column
            value = row.values[col.name]

            def bad(expected: str, *, _col=col.name, _value=value, _row=row, _rid=rid) -> None:
                report.problems.append(Problem(file, _row.line, _rid, _col, _value, expected))

            if not value:
                if col.required:
                    bad("is empty; " + EXPECTED.get(col.kind, "a value is required"))
                continue
            kind = col.kind
            if kind == "id":
                if value in seen_ids:
                    bad(f"duplicate id; line {seen_ids[value]} uses it already: {EXPECTED['id']}")
                else:
                    seen_ids[value] = row.line
            elif kind == "code":
                allowed = report.codes(col.codes or "")
                if allowed is not None and value not in allowed:
                    bad(
                        f"unknown {col.codes} code{suggest(value, allowed)}; "
                        f"add it to codes/{col.codes}.csv or use one of: "
                        f"{', '.join(sorted(allowed)[:30])}"
                    )
            elif kind == "number":
                if not _NUMBER.match(value):
                    bad(f"is not a number; expected {EXPECTED['number']}")
            elif kind == "year":
                if not _YEAR.match(value):
                    bad(f"is not a year; expected {EXPECTED['year']}")
            elif kind == "date":
                if parse_date(value) is None:
                    bad(f"is not a valid date; expected {EXPECTED['date']}")
            elif kind == "period":
                if not _PERIOD.match(value):
                    bad(f"is not a period; expected {EXPECTED['period']}")
            elif kind == "comparator":
                if value not in COMPARATORS:
                    bad(f"is not a comparator; expected {EXPECTED['comparator']}")
            elif kind == "ref":
                _check_ref(table.spec, row, rid, col, value, refs[col.name], report)
            elif kind in ("source", "sources") and sources is not None:
                for sid in value.split(";") if kind == "sources" else [value]:
                    if sid.strip() not in sources:
                        report.problems.append(
                            Problem(
                                file,
                                row.line,
                                rid,
                                col.name,
                                sid,
                                f"source id has no row in sources.csv{suggest(sid, sources)}; "
                                "add the source there first",
                            )
                        )


def _check_ref(
    spec: TableSpec,
    row: Row,
    rid: str | None,
    col: Column,
    value: str,
    refs: dict[str | None, str],
    report: Report,
) -> None:
    """A reference to another row of the same table (``duplicate_of``, ``same_goal_as``)
    must name an existing id, not the row itself, and not a row that itself refers on
    (point to the original, so one hop always reaches it). ``refs`` maps every id of the
    table to that row's own value in the column."""
    key = spec.id_column
    fix = f"write {col.meaning} (an existing {key}), or leave the cell empty"
    if value == rid:
        expected = f"refers to the row itself; {fix}"
    elif value not in refs:
        hint = suggest(value, {k for k in refs if k})
        expected = f"is not a {key} of {spec.file}{hint}; {fix}"
    elif refs[value]:
        expected = (
            f"{value} itself has {col.name}={refs[value]}; point to the original "
            f"({refs[value]}) instead"
        )
    else:
        return
    report.problems.append(Problem(spec.file, row.line, rid, col.name, value, expected))


def suspected_duplicates(report: Report) -> list[Problem]:
    """Observations that look like one figure stored under two periods.

    Same indicator, geography, sector, value, unit and source but a different period,
    where neither row is marked with ``duplicate_of``. These are warnings: a source may
    legitimately publish the same value for two periods; mark the copy with
    ``duplicate_of`` when it repeats the other row.
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


def validate(data_dir: Path | str) -> Report:
    """Check a whole data folder: code lists, sources, observations and targets.

    Parameters
    ----------
    data_dir : path
        A folder with the layout of the shipped ``data/`` (see ``data/README.md``).

    Returns
    -------
    Report
        ``report.ok`` is True when nothing is wrong; ``report.problems`` lists every
        problem otherwise (all files, all rows: not only the first).
    """
    data_dir = Path(data_dir)
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
    report.warnings = suspected_duplicates(report)
    return report
