"""Changing the raw layer: add published figures, list what changed, keep the checksums.

The data folder is immutable in one sense: a published value is never edited. A new figure,
or a revision of an earlier one, is a new row with its own ``published`` date, so every
earlier vintage stays readable (``Dataset.series(..., as_of=...)``).

:func:`add_figures` is the one way rows get in: it builds the new folder in a temporary copy,
checks the *whole* copy with the project's validator (:func:`dxecon.data.validate`), and
only then replaces each changed file with ``os.replace``; on any problem nothing is written.
:func:`file_checksums` is the one definition of ``data/CHECKSUMS.json`` (the test of the
shipped folder uses it too).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from dxecon.core import folders
from dxecon.core.errors import DxeconError, SeriesSelectionError
from dxecon.data.dataset import Dataset, load_dataset
from dxecon.data.schema import OBSERVATIONS, SOURCES
from dxecon.data.validate import parse_date, suggest, validate

CHECKSUMS_FILE = "CHECKSUMS.json"

#: Fields of one figure to add (observations.csv columns given by the user).
FIGURE_FIELDS = (
    "indicator",
    "geo",
    "sector",
    "period",
    "value",
    "unit",
    "price_basis",
    "status",
    "method",
    "published",
    "note",
)
#: Fields naming its source: an existing one, or one to create.
SOURCE_FIELDS = (
    "source_id",
    "source_publisher",
    "source_title",
    "source_url",
    "source_published",
    "source_kind",
    "source_language",
)
#: An input flag, not a column: the figure has no publication date (its article is undated);
#: ``published`` stays empty and ``note`` must say why (params/selection.yaml's rule dates it).
UNDATED = "undated"
INPUT_FIELDS = FIGURE_FIELDS + SOURCE_FIELDS + (UNDATED,)
DEFAULTS = {"sector": "total", "method": ""}
REQUIRED = ("indicator", "geo", "period", "value", "unit", "status", "published")
#: The series key: figures with the same key and period are vintages of one figure.
SERIES_KEY = ("indicator", "geo", "sector", "price_basis", "method", "unit")
#: What makes a row an exact duplicate of another.
DUPLICATE_KEY = ("indicator", "geo", "sector", "period", "value", "method", "published")

_OBS_ID = re.compile(r"^OBS(\d+)$")
_SOURCE_ID = re.compile(r"^S(\d+)$")
_ANNUAL = re.compile(r"^\d{4}$")


class AddError(DxeconError, ValueError):
    """Figures could not be added; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# -- checksums ----------------------------------------------------------------------------


def file_checksums(data_dir: Path | str) -> dict[str, str]:
    """SHA-256 of every ``*.csv`` and ``*.txt`` file of a data folder, by relative path.

    This is what ``data/CHECKSUMS.json`` records (sorted keys, two-space indent).
    """
    data_dir = Path(data_dir)
    files = [*data_dir.rglob("*.csv"), *data_dir.rglob("*.txt")]
    return {
        p.relative_to(data_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(files)
    }


def checksums_text(data_dir: Path | str) -> str:
    """The content ``CHECKSUMS.json`` must have for a data folder."""
    return json.dumps(file_checksums(data_dir), indent=2, sort_keys=True) + "\n"


# -- input ----------------------------------------------------------------------------------


@dataclass
class FigureInput:
    """One figure as given on the command line or in one row of a ``--from-file`` CSV."""

    fields: dict[str, str]
    origin: str = ""  # '' for command-line options, else 'rows.csv line 3'
    inferred: dict[str, str] = field(default_factory=dict)  # not given: taken from the data

    def where(self, name: str) -> str:
        if self.origin:
            return f"{self.origin}, column '{name}'"
        return "--" + name.replace("_", "-")

    def get(self, name: str) -> str:
        value = (self.fields.get(name) or "").strip()
        return value or DEFAULTS.get(name, "")


def read_figures_file(path: Path | str) -> list[FigureInput]:
    """Read a CSV of figures to add: a header of :data:`INPUT_FIELDS` names, one row each."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise AddError([f"--from-file {path}: cannot read it ({exc.strerror})"]) from exc
    except UnicodeDecodeError as exc:
        raise AddError([f"{path}: not UTF-8; save it as UTF-8 (Excel: 'CSV UTF-8')"]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if not header:
        raise AddError([f"{path}: empty; expected a header row ({', '.join(INPUT_FIELDS)})"])
    problems = [
        f"{path}, line 1, column '{name}': unknown column{suggest(name, list(INPUT_FIELDS))}; "
        f"allowed: {', '.join(INPUT_FIELDS)}"
        for name in header
        if name not in INPUT_FIELDS
    ]
    figures = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                f"{path}, line {line}: {len(cells)} fields, the header has {len(header)}; "
                "quote values that contain commas"
            )
            continue
        figures.append(FigureInput(dict(zip(header, cells, strict=True)), f"{path} line {line}"))
    if not figures and not problems:
        problems.append(f"{path}: a header but no rows; add one row per figure")
    if problems:
        raise AddError(problems)
    return figures


# -- the plan: ids, sources, duplicates, revisions ------------------------------------------


@dataclass
class CsvFile:
    """A CSV of the data folder read for appending: its bytes, header and rows."""

    path: Path
    raw: bytes
    header: list[str]
    rows: list[dict[str, str]]

    @classmethod
    def read(cls, path: Path) -> CsvFile:
        raw = path.read_bytes()
        reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
        rows = [{k: (v or "").strip() for k, v in r.items() if k} for r in reader]
        return cls(path, raw, [h.strip() for h in reader.fieldnames or []], rows)

    def appended(self, new_rows: list[dict[str, str]]) -> bytes:
        """The file's bytes with ``new_rows`` appended (every column of the header kept;
        columns a new row does not fill are left empty)."""
        newline = "\r\n" if b"\r\n" in self.raw else "\n"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=newline)
        for row in new_rows:
            writer.writerow([row.get(name, "") for name in self.header])
        raw = self.raw
        if raw and not raw.endswith(b"\n"):
            raw += newline.encode()
        return raw + buffer.getvalue().encode("utf-8")


def _next_number(ids: list[str], pattern: re.Pattern) -> int:
    numbers = [int(m.group(1)) for m in map(pattern.match, ids) if m]
    return max(numbers, default=0) + 1


def _norm_url(url: str) -> str:
    return url.strip().rstrip("/")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@dataclass
class Revision:
    obs_id: str
    value: str
    published: str


@dataclass
class PlannedFigure:
    obs_id: str
    row: dict[str, str]
    figure: FigureInput
    source_note: str
    earlier: list[Revision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reported: set[str] = field(default_factory=set)  # columns whose problem is already said


@dataclass
class Plan:
    figures: list[PlannedFigure]
    new_sources: list[dict[str, str]]
    problems: list[str]


def _host_defaults(sources: list[dict[str, str]], url: str) -> dict[str, str]:
    """Kind and language of the known sources on the same web host, when they agree."""
    host = urlparse(url).netloc.lower()
    if not host:
        return {}
    same = [s for s in sources if urlparse(s.get("url", "")).netloc.lower() == host]
    found = {}
    for name in ("kind", "language"):
        values = {s.get(name, "") for s in same} - {""}
        if len(values) == 1:
            found[name] = values.pop()
    return found


def plan_additions(data_dir: Path, figures: list[FigureInput]) -> Plan:
    """Turn inputs into rows: ids, sources, exact-duplicate and revision checks."""
    obs = CsvFile.read(data_dir / OBSERVATIONS.file)
    src = CsvFile.read(data_dir / SOURCES.file)
    sources = {s["source_id"]: s for s in src.rows if s.get("source_id")}
    by_url = {_norm_url(s["url"]): s["source_id"] for s in src.rows if s.get("url")}
    next_obs = _next_number([r.get("obs_id", "") for r in obs.rows], _OBS_ID)
    next_src = _next_number(list(sources), _SOURCE_ID)
    width = max([4, *(len(m.group(1)) for r in obs.rows if (m := _OBS_ID.match(r["obs_id"])))])
    problems: list[str] = []
    new_sources: list[dict[str, str]] = []
    created: dict[str, str] = {}  # url or publisher|title -> new source id
    planned: list[PlannedFigure] = []

    def published_of(row: dict[str, str]) -> str:
        if row.get("published"):
            return row["published"]
        source = sources.get(row.get("source_id", "")) or next(
            (s for s in new_sources if s["source_id"] == row.get("source_id")), {}
        )
        return source.get("published", "")

    def dup_key(row: dict[str, str]) -> tuple:
        key = [row.get(name, "") for name in DUPLICATE_KEY]
        key[DUPLICATE_KEY.index("value")] = _number(row.get("value", ""))
        key[DUPLICATE_KEY.index("published")] = parse_date(published_of(row))
        return tuple(key)

    seen = {dup_key(r): r["obs_id"] for r in obs.rows}
    for figure in figures:
        local: list[str] = []
        reported = set()  # columns with a problem said here (the validator's is not repeated)
        undated = figure.get(UNDATED).lower() in ("1", "true", "yes")
        if undated and figure.get("published"):
            local.append(
                f"{figure.where(UNDATED)}: give a published date or mark it undated, not both"
            )
            reported.add("published")
        if undated and not figure.get("note"):
            local.append(
                f"{figure.where('note')}: required for an undated figure; say why it has no "
                "date (e.g. the article shows none) and quote the figure"
            )
            reported.add("note")
        for name in REQUIRED:
            if name == "published" and undated:
                continue
            if not figure.get(name):
                hint = (
                    "the date the figure was published, YYYY-MM-DD (a revision is a new "
                    "row with its own date), or --undated with a --note saying why"
                    if name == "published"
                    else "a value is required"
                )
                local.append(f"{figure.where(name)}: missing; give {hint}")
                reported.add(name)
        source_id, note = _resolve_source(
            figure, sources, by_url, created, new_sources, next_src, local
        )
        if not source_id:
            reported.add("source_id")
        next_src = _next_number([*sources, *created.values()], _SOURCE_ID)
        row = {name: figure.get(name) for name in FIGURE_FIELDS}
        if not row["price_basis"]:
            row["price_basis"] = _infer_price_basis(figure, row, obs.rows, local)
            if not row["price_basis"]:
                reported.add("price_basis")
        obs_id = f"OBS{next_obs:0{width}d}"
        next_obs += 1
        row.update(obs_id=obs_id, source_id=source_id)
        problems += local
        key = dup_key(row)
        comparable = None not in (key[DUPLICATE_KEY.index(n)] for n in ("value", "published"))
        if comparable and key in seen:
            problems.append(
                f"{figure.where('value')}: {row['indicator']} {row['geo']} {row['period']} = "
                f"{row['value']} published {row['published']} duplicates {seen[key]} "
                "(same indicator, geo, sector, period, value, method and published date); "
                "nothing to add"
            )
            continue
        seen[key] = obs_id
        earlier = [
            Revision(r["obs_id"], r.get("value", ""), published_of(r) or "undated")
            for r in [*obs.rows, *(p.row for p in planned)]
            if all(r.get(k, "") == row[k] for k in (*SERIES_KEY, "period"))
        ]
        planned.append(
            PlannedFigure(
                obs_id,
                row,
                figure,
                note,
                earlier,
                _boundary_warnings(data_dir, row),
                reported,
            )
        )
    return Plan(planned, new_sources, problems)


def _boundary_warnings(data_dir: Path, row: dict[str, str]) -> list[str]:
    """A figure for a geography after its boundary ended (a pre-merger code after 1 July 2025)."""
    geos = {r["code"]: r for r in CsvFile.read(data_dir / "codes/geographies.csv").rows}
    geo = geos.get(row["geo"], {})
    valid_to, year = geo.get("valid_to", ""), row["period"][:4]
    if valid_to and year.isdigit() and int(year) > int(valid_to[:4]):
        successor = geo.get("successor") or "its successor"
        return [
            f"{row['geo']}'s boundary ended {valid_to}; a {row['period']} figure most likely "
            f"covers {successor} (--geo {successor})"
        ]
    return []


def _infer_price_basis(figure, row, rows, problems) -> str:
    """The price basis of the earlier figures of the same measure, when they agree."""
    same = ("indicator", "sector", "method", "unit")
    bases = {r.get("price_basis", "") for r in rows if all(r.get(k, "") == row[k] for k in same)}
    bases.discard("")
    if len(bases) > 1:
        bases.discard("na")  # 'not stated' gives way to a stated basis
    if len(bases) > 1:
        problems.append(
            f"{figure.where('price_basis')}: missing; earlier {row['indicator']} figures use "
            f"{', '.join(sorted(bases))}: give one"
        )
        return ""
    figure.inferred["price_basis"] = bases.pop() if bases else "na"
    return figure.inferred["price_basis"]


def _resolve_source(figure, sources, by_url, created, new_sources, next_src, problems):
    """The source id for a figure (existing, found by URL, or created) and how it was found."""
    given = figure.get("source_id")
    if given:
        if given in sources:
            return given, f"source {given} (existing)"
        if given in created.values():
            return given, f"source {given} (new)"
        problems.append(
            f"{figure.where('source_id')}: '{given}' has no row in sources.csv"
            f"{suggest(given, list(sources))}; give an existing source id, or "
            "--source-publisher, --source-title and --source-url to create the source"
        )
        return "", ""
    url = figure.get("source_url")
    publisher, title = figure.get("source_publisher"), figure.get("source_title")
    if url and _norm_url(url) in by_url:
        found = by_url[_norm_url(url)]
        return found, f"source {found} (existing, same URL)"
    key = _norm_url(url) if url else f"{publisher}|{title}"
    if key in created:
        return created[key], f"source {created[key]} (new)"
    if not (publisher and title):
        missing = [n for n in ("source_publisher", "source_title") if not figure.get(n)]
        problems.append(
            f"{figure.where(missing[0])}: missing source; give --source-id of an existing "
            "source, or --source-publisher and --source-title (and --source-url) of a new one"
        )
        return "", ""
    defaults = _host_defaults(list(sources.values()), url)
    row = {
        "source_id": f"S{next_src}",
        "publisher": publisher,
        "title": title,
        "url": url,
        "published": figure.get("source_published") or figure.get("published"),
        "kind": figure.get("source_kind") or defaults.get("kind", ""),
        "language": figure.get("source_language") or defaults.get("language", ""),
    }
    incomplete = False
    for name in ("kind", "language"):
        if not row[name]:
            incomplete = True
            problems.append(
                f"{figure.where('source_' + name)}: missing for the new source (no known "
                f"source on the same web site to take it from); give a code of "
                f"codes/{'source_kinds' if name == 'kind' else 'languages'}.csv"
            )
    if incomplete:
        return "", ""
    created[key] = row["source_id"]
    new_sources.append(row)
    return row["source_id"], f"source {row['source_id']} (new: {publisher}, {title})"


# -- applying the plan ----------------------------------------------------------------------


@dataclass
class SeriesChange:
    """How one series reads as of a date, before and after the new figures."""

    key: dict[str, str]
    as_of: dt.date
    before: pd.DataFrame | None  # chosen figures (index year: value, obs_id), None if no series
    after: pd.DataFrame | None
    years: list[int]
    later: list[tuple[str, str, str]]  # (obs_id, published, latest then) not yet visible


@dataclass
class AddResult:
    """What :func:`add_figures` did (or would do, with ``dry_run``)."""

    data_dir: Path
    figures: list[PlannedFigure]
    new_sources: list[dict[str, str]]
    changes: list[SeriesChange]
    other_periods: list[PlannedFigure]
    written: list[str]
    as_of: dt.date  # the date the selection before and after is compared at
    before: Dataset = field(repr=False)  # the folder as it was
    after: Dataset = field(repr=False)  # the folder with the new figures
    #: What the new figures move in the scenarios' inputs, one line each; None: not asked.
    #: The data layer knows no scenario: `dxecon data add` fills it in
    #: (`dxecon.models.scenarios.start.scenario_start_changes`).
    start_changes: list[str] | None = None

    def summary(self) -> str:
        lines = []
        for fig in self.figures:
            r = fig.row
            method = f"{r['method']}, " if r["method"] else ""
            lines.append(
                f"{fig.obs_id}: {r['indicator']} {r['geo']} {r['sector']} {r['period']} = "
                f"{r['value']} {r['unit']} ({method}status {r['status']}, published "
                f"{r['published']}), {fig.source_note}"
            )
            for name, value in fig.figure.inferred.items():
                lines.append(
                    f"  {name} {value}: not given, taken from the earlier figures of this "
                    f"measure (give --{name.replace('_', '-')} to override)"
                )
            lines += [f"  warning: {w}" for w in fig.warnings]
            for old in fig.earlier:
                verb = "confirms" if _number(old.value) == _number(r["value"]) else "revises"
                lines.append(
                    f"  {verb} {old.obs_id} (published {old.published}): "
                    f"{old.value} -> {r['value']}; {old.obs_id} is kept as an earlier vintage"
                )
        if self.written:
            lines.append(f"Wrote {', '.join(self.written)} in {self.data_dir}")
        if self.changes:
            lines.append(
                f"What the next run will do differently (selection as of "
                f"{self.changes[0].as_of:%Y-%m-%d}):"
            )
        for change in self.changes:
            lines += [f"  {line}" for line in _describe_change(change)]
        if self.changes and self.start_changes is not None:
            lines += [f"  {line}" for line in self.start_changes] or [
                "  no scenario start or growth moves"
            ]
        for fig in self.other_periods:
            lines.append(
                f"  {fig.obs_id}: period {fig.row['period']} is not a calendar year; annual "
                "series and scenario starts do not use it"
            )
        return "\n".join(lines)


def _label(key: dict[str, str]) -> str:
    method = key["method"] or "none"
    return (
        f"{key['indicator']}, {key['geo']}, sector {key['sector']}, method {method}, "
        f"price basis {key['price_basis']}, unit {key['unit']}"
    )


def _pick(chosen: pd.DataFrame | None, year: int | None) -> str:
    if chosen is None or year is None or year not in chosen.index:
        return "no figure"
    row = chosen.loc[year]
    return f"{figure_text(row['value'])} ({row['obs_id']})"


def figure_text(value: float) -> str:
    """A figure as published: every digit kept, no trailing '.0' (118255.3, 445995)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _years(chosen: pd.DataFrame | None) -> set[int]:
    return set() if chosen is None else {int(y) for y in chosen.index}


def _latest(chosen: pd.DataFrame | None) -> int | None:
    return None if chosen is None or chosen.empty else int(chosen.index.max())


def _describe_change(change: SeriesChange) -> list[str]:
    lines = [f"{_label(change.key)}:"]
    before_year, after_year = _latest(change.before), _latest(change.after)
    before = f"{before_year} = {_pick(change.before, before_year)}" if before_year else "none"
    after = f"{after_year} = {_pick(change.after, after_year)}" if after_year else "none"
    moved = before != after
    lines.append(f"  latest period: {before} -> {after}" + ("" if moved else " (unchanged)"))
    for year in change.years:
        if year != after_year or year != before_year:
            old, new = _pick(change.before, year), _pick(change.after, year)
            if old != new:
                lines.append(f"  {year}: {old} -> {new}")
    for obs_id, published, then in change.later:
        lines.append(
            f"  {obs_id} is published {published}, after {change.as_of:%Y-%m-%d}: runs as of "
            f"{published[:7]} or later will see it (latest period then: {then})"
        )
    return lines


def _chosen(ds: Dataset, key: dict[str, str], as_of: dt.date) -> pd.DataFrame | None:
    try:
        measure = {name: key[name] for name in SERIES_KEY[2:]}  # sector ... unit
        result = ds.series(key["indicator"], key["geo"], **measure, as_of=as_of)
    except SeriesSelectionError:
        return None
    return result.chosen[["value", "obs_id"]]


def _series_changes(
    before: Dataset, after: Dataset, figures: list[PlannedFigure], today: dt.date
) -> list[SeriesChange]:
    keys: dict[tuple, list[PlannedFigure]] = {}
    for fig in figures:
        if _ANNUAL.match(fig.row["period"]):
            keys.setdefault(tuple(fig.row[k] for k in SERIES_KEY), []).append(fig)
    changes = []
    for values, figs in keys.items():
        key = dict(zip(SERIES_KEY, values, strict=True))
        old, new = _chosen(before, key, today), _chosen(after, key, today)
        later = []
        for fig in figs:
            published = parse_date(fig.row["published"]) or today
            if published > today:
                then = _chosen(after, key, published)
                year = _latest(then)
                later.append((fig.obs_id, fig.row["published"], f"{year} = {_pick(then, year)}"))
        # Figures whose choice moved: the new ones, and those they replace for some year.
        ids = {f.obs_id for f in figs}
        for year in {*_years(old), *_years(new)}:
            picks = {_pick(old, year), _pick(new, year)}
            if len(picks) > 1:
                ids |= {c.loc[year, "obs_id"] for c in (old, new) if year in _years(c)}
        change = SeriesChange(
            key, today, old, new, sorted({int(f.row["period"]) for f in figs}), later
        )
        changes.append(change)
    return changes


def add_figures(
    figures: list[FigureInput],
    data_dir: Path | str | None = None,
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
) -> AddResult:
    """Append published figures (and new sources) to a data folder, all or nothing.

    Parameters
    ----------
    figures : list of FigureInput
        One per figure (see :data:`INPUT_FIELDS`).
    data_dir : path, optional
        The data folder (default: the project's ``data/``).
    today : date, optional
        The as-of date of the before/after comparison (default: today).
    dry_run : bool
        Check everything and report, but write nothing.

    Raises
    ------
    AddError
        One line per problem (field, value, fix); nothing was written.
    """
    data_dir = Path(data_dir) if data_dir is not None else folders.DATA_DIR
    today = today or dt.date.today()
    if not data_dir.is_dir():
        raise AddError([f"--data {data_dir}: no such folder"])
    plan = plan_additions(data_dir, figures)
    obs_file = CsvFile.read(data_dir / OBSERVATIONS.file)
    src_file = CsvFile.read(data_dir / SOURCES.file)
    new_files = {OBSERVATIONS.file: obs_file.appended([f.row for f in plan.figures])}
    if plan.new_sources:
        new_files[SOURCES.file] = src_file.appended(plan.new_sources)
    with tempfile.TemporaryDirectory(prefix=".dxecon-add-", dir=data_dir.parent) as tmp:
        staged = Path(tmp) / "data"
        shutil.copytree(data_dir, staged)
        for name, content in new_files.items():
            (staged / name).write_bytes(content)
        # Every problem at once: those found above, then the validator's on the whole folder.
        problems = plan.problems + _explain(validate(staged).problems, plan)
        if problems:
            raise AddError(problems)
        if (data_dir / CHECKSUMS_FILE).is_file():
            (staged / CHECKSUMS_FILE).write_text(checksums_text(staged), encoding="utf-8")
            new_files[CHECKSUMS_FILE] = b""
        before, after = load_dataset(data_dir), load_dataset(staged)
        changes = _series_changes(before, after, plan.figures, today)
        written = []
        if not dry_run:
            for name in new_files:  # data files first, the checksums last
                os.replace(staged / name, data_dir / name)
                written.append(name)
    others = [f for f in plan.figures if not _ANNUAL.match(f.row["period"])]
    return AddResult(
        data_dir,
        plan.figures,
        plan.new_sources,
        changes,
        others,
        written,
        as_of=today,
        before=before,
        after=after,
    )


def _explain(problems, plan: Plan) -> list[str]:
    """Validator problems, said in terms of what the user typed where possible."""
    by_obs = {f.obs_id: f.figure for f in plan.figures}
    new_ids = {s["source_id"] for s in plan.new_sources}
    by_src = {}
    for fig in plan.figures:
        by_src.setdefault(fig.row["source_id"], fig.figure)
    lines = []
    reported = {(f.obs_id, c) for f in plan.figures for c in f.reported}
    for p in problems:
        figure, column = None, p.column or ""
        if (p.record_id, column) in reported:
            continue
        if p.file == OBSERVATIONS.file and p.record_id in by_obs:
            figure = by_obs[p.record_id]
        elif p.file == SOURCES.file and p.record_id in new_ids:
            figure, column = by_src[p.record_id], f"source_{column}"
        if figure is None:
            lines.append(f"{p} (the data folder itself needs fixing first)")
        else:
            value = "" if p.value is None else f" {p.value!r}"
            lines.append(f"{figure.where(column)}{value}: {p.expected}")
    return lines


# -- what changed since a date --------------------------------------------------------------


def since_date(text: str) -> pd.Timestamp:
    """``YYYY-MM`` -> the first day of that month; ``YYYY-MM-DD`` -> that day."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    try:
        return pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError as exc:
        raise ValueError(f"--since {text!r}: expected YYYY-MM or YYYY-MM-DD") from exc


@dataclass
class DataDiff:
    """Figures published on or after a date, and the undated ones (which cannot be placed)."""

    since: pd.Timestamp
    changed: pd.DataFrame
    undated: pd.DataFrame

    def summary(self) -> str:
        lines = [f"Figures published since {self.since:%Y-%m-%d}: {len(self.changed)}"]
        if len(self.changed):
            lines.append(self.changed.to_string(index=False))
        revisions = (
            int(self.changed["change"].str.startswith("revises").sum()) if len(self.changed) else 0
        )
        if len(self.changed):
            confirmed = int(self.changed["change"].str.startswith("confirms").sum())
            lines.append(
                f"{revisions} revision(s) of an earlier figure, {confirmed} re-published "
                f"unchanged, {len(self.changed) - revisions - confirmed} new"
            )
        lines.append(
            f"\nUndated figures (no publication date; cannot tell when they came): "
            f"{len(self.undated)}"
        )
        if len(self.undated):
            lines.append(self.undated.to_string(index=False))
        return "\n".join(lines)


_DIFF_COLUMNS = {
    "obs_id": "id",
    "indicator": "indicator",
    "geo": "geo",
    "sector": "sector",
    "period": "period",
    "value": "value",
    "unit": "unit",
    "method": "method",
    "status": "status",
    "published": "published",
    "source_id": "source",
}


def diff_since(ds: Dataset, since: str) -> DataDiff:
    """What was added or revised in a dataset on or after ``since``.

    A figure is a revision when an earlier-published figure exists for the same series
    (indicator, geo, sector, price basis, method, unit) and period; ``change`` then reads
    ``revises OBS0351: 12.83 -> 12.87``.
    """
    start = since_date(since)
    obs = ds.observations
    key = [*SERIES_KEY, "period"]
    text = obs["value"].map(figure_text)
    shown = obs.assign(
        value=text,
        published=obs["published_date"].dt.strftime("%Y-%m-%d").fillna(""),
        method=obs["method"].replace("", "-"),
    )
    recent = obs[obs["published_date"] >= start]
    changes = []
    for idx, row in recent.iterrows():
        same = obs[(obs[key] == row[key]).all(axis=1) & (obs.index != idx)]
        older = same[
            same["published_date"].isna() | (same["published_date"] < row["published_date"])
        ]
        if older.empty:
            changes.append("new")
            continue
        last = older.sort_values("published_date", na_position="first").iloc[-1]
        old, new = figure_text(last["value"]), figure_text(row["value"])
        if old == new:
            changes.append(f"confirms {last['obs_id']}: {new} (unchanged)")
        else:
            changes.append(f"revises {last['obs_id']}: {old} -> {new}")
    changed = shown.loc[recent.index, list(_DIFF_COLUMNS)].rename(columns=_DIFF_COLUMNS)
    width = max((len(c) for c in changes), default=0)
    changed["change"] = [c.ljust(width) for c in changes]  # left-aligned in the table
    changed = changed.sort_values(["published", "id"])
    undated_cols = [c for c in _DIFF_COLUMNS if c not in ("published",)]
    undated = shown.loc[obs["published_date"].isna(), undated_cols].rename(columns=_DIFF_COLUMNS)
    return DataDiff(start, changed.reset_index(drop=True), undated.reset_index(drop=True))
