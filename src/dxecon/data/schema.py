"""The layout of a data folder: which files, which columns, what each column accepts.

The schema is the only place that knows the layout; the validator and the loader both read
it. Code lists (geographies, indicators, ...) are *data* in ``codes/``: a new province or
indicator is added there, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal[
    "id",  # unique, non-empty
    "code",  # must be a code of the named code list
    "number",  # plain decimal number: '.' separator, no thousands separator
    "year",  # four-digit year
    "date",  # YYYY-MM-DD or YYYY-MM
    "period",  # 2023, 2023-Q1, 2023-H1, 2023-9M, 2016/2020
    "source",  # a source_id of sources.csv
    "sources",  # ';'-separated source ids
    "comparator",  # >=, <=, ==
    "flag",  # yes or no (FLAGS)
    "ref",  # an id of the same table (the row this one refers to)
    "text",
]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind = "text"
    required: bool = True  # an empty cell is a problem
    codes: str | None = None  # code list for kind == "code"
    #: The column was added after the first release: a file may lack it altogether (every
    #: cell is then read as empty). A file that has it needs the field in every row.
    optional: bool = False
    #: For kind == "ref": what the reference means, for messages ("repeats", "same goal").
    meaning: str = ""


@dataclass(frozen=True)
class TableSpec:
    name: str
    file: str  # relative to the data folder
    columns: tuple[Column, ...]
    id_column: str = field(default="")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def optional_names(self) -> set[str]:
        return {c.name for c in self.columns if c.optional}


def _code_list(name: str, *extra: Column) -> TableSpec:
    return TableSpec(
        name=name,
        file=f"codes/{name}.csv",
        columns=(Column("code", "id"), Column("name"), *extra),
        id_column="code",
    )


#: Code lists, loaded first: the main tables are checked against them.
CODE_LISTS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        _code_list(
            "geographies",
            Column("kind"),
            Column("valid_from", "date", required=False),
            Column("valid_to", "date", required=False),
            Column("successor", "code", required=False, codes="geographies"),
            # The place as a report names it, in each language (``name`` defines it).
            Column("name_en", required=False, optional=True),
            Column("name_vi", required=False, optional=True),
        ),
        _code_list("indicators", Column("used_in")),
        _code_list("sectors", Column("part_of", "code", required=False, codes="sectors")),
        _code_list("units"),
        _code_list("statuses", Column("preference_rank", "number")),
        _code_list("methods"),
        _code_list("price_bases"),
        _code_list("source_kinds", Column("preference_rank", "number")),
        _code_list(
            "instruments",
            Column("adopted_year", "year", required=False),
            # "no": the source of its targets does not name the instrument (a placeholder
            # code); such a code is not listed as an instrument and counts as the oldest.
            Column("named", "flag"),
            # The instrument as a report names it, in each language (``name`` defines it).
            Column("name_vi", required=False, optional=True),
            Column("name_en", required=False, optional=True),
        ),
        _code_list("pillars"),
        _code_list("languages"),
    )
}

SOURCES = TableSpec(
    name="sources",
    file="sources.csv",
    id_column="source_id",
    columns=(
        Column("source_id", "id"),
        Column("publisher"),
        Column("title"),
        Column("url", required=False),
        Column("published", "date", required=False),
        Column("kind", "code", codes="source_kinds"),
        Column("language", "code", codes="languages"),
    ),
)

OBSERVATIONS = TableSpec(
    name="observations",
    file="observations.csv",
    id_column="obs_id",
    columns=(
        Column("obs_id", "id"),
        Column("indicator", "code", codes="indicators"),
        Column("geo", "code", codes="geographies"),
        Column("sector", "code", codes="sectors"),
        Column("period", "period"),
        Column("value", "number"),
        Column("unit", "code", codes="units"),
        Column("price_basis", "code", codes="price_bases"),
        Column("status", "code", codes="statuses"),
        Column("method", "code", required=False, codes="methods"),
        Column("published", "date", required=False),
        Column("source_id", "source"),
        Column("note", required=False),
        Column(
            "duplicate_of",
            "ref",
            required=False,
            optional=True,
            meaning="the obs_id of the row whose figure this row repeats",
        ),
    ),
)

TARGETS = TableSpec(
    name="targets",
    file="targets.csv",
    id_column="target_id",
    columns=(
        Column("target_id", "id"),
        Column("instrument", "code", codes="instruments"),
        Column("pillar", "code", codes="pillars"),
        Column("indicator", "code", codes="indicators"),
        Column("geo", "code", codes="geographies"),
        Column("sector", "code", codes="sectors"),
        Column("year", "year", required=False),
        Column("comparator", "comparator"),
        Column("value", "number"),
        Column("unit", "code", codes="units"),
        Column("text"),
        Column("source_id", "source"),
        Column("confirmed_by", "sources", required=False),
        Column("text_vi", required=False, optional=True),
        Column(
            "same_goal_as",
            "ref",
            required=False,
            optional=True,
            meaning="the target_id of the first instrument's row for the same goal",
        ),
    ),
)

#: Main tables in load order: sources first, the others refer to it.
MAIN_TABLES: tuple[TableSpec, ...] = (SOURCES, OBSERVATIONS, TARGETS)

COMPARATORS = (">=", "<=", "==")
#: The values of a ``flag`` column, and what each means.
FLAGS = {"yes": True, "no": False}

EXPECTED = {
    "id": "a non-empty id that no other row uses",
    "number": "a plain number with '.' as decimal separator and no thousands separator "
    "(e.g. 12.32, 445995)",
    "year": "a four-digit year such as 2025",
    "date": "a date written YYYY-MM-DD or YYYY-MM (e.g. 2025-01-06)",
    "period": "a period such as 2023, 2023-Q1, 2023-H1, 2023-9M or 2016/2020",
    "comparator": "one of >=, <=, ==",
    "flag": "yes or no",
}

# --- Plausibility: what a figure may be, by unit and indicator -------------------------------
#
# A value that parses as a number can still be impossible (a share of 140%) or a typo (a
# level typed into a growth column). The rules are matched on codes, never on one code list's
# contents, so a new indicator or unit added to ``codes/`` is checked without a change here:
#
# * the *kind of unit* comes from the unit code (``UNIT_KINDS``, first pattern that matches);
# * a per-cent indicator is a growth rate, a share of growth, or a share (``PCT_KINDS``).
#
# Definitional bounds are below (``DEFINITIONAL_BOUNDS``); bounds that are assumptions are in
# ``params/plausibility.yaml`` (``ASSUMED_BOUNDS``), read by `dxecon.data.validate`.

#: (regular expression on the unit code, kind); first match wins; no match: 'other'.
UNIT_KINDS: tuple[tuple[str, str], ...] = (
    (r"^pct$", "per_cent"),
    (r"^pp$", "percentage_points"),
    (r"^rank$", "rank"),
    (r"^index$", "index"),
    (r"^count$", "count"),
    (r"^per_", "rate"),
    (r"(^|_)(vnd|usd|eur)($|_)", "money"),
    (r"persons$", "persons"),
)

#: (regular expression on the indicator code, rule) for indicators in per cent; no match: share.
PCT_KINDS: tuple[tuple[str, str], ...] = (
    (r"contribution_growth", "contribution_pct"),
    (r"growth", "growth_pct"),
)


@dataclass(frozen=True)
class Bound:
    """A plausibility rule: ``low <= value`` (or ``<``) and ``value <= high``; None: open."""

    rule: str
    low: float | None
    high: float | None
    low_inclusive: bool = True
    meaning: str = ""

    def holds(self, value: float) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return False
        return self.high is None or value <= self.high

    def expected(self) -> str:
        if self.high is None:
            sign = ">=" if self.low_inclusive else ">"
            return f"{self.meaning} must be {sign} {self.low:g}"
        return f"{self.meaning} must lie within {self.low:g} to {self.high:g}"


#: Definitional rules, by unit kind (or 'share' for a per-cent share).
DEFINITIONAL_BOUNDS: dict[str, Bound] = {
    "share": Bound("share_0_100", 0.0, 100.0, meaning="a share in per cent"),
    "money": Bound("level_positive", 0.0, None, low_inclusive=False, meaning="a money level"),
    "persons": Bound("level_positive", 0.0, None, low_inclusive=False, meaning="a head count"),
    "rate": Bound("level_positive", 0.0, None, low_inclusive=False, meaning="a rate per person"),
    "count": Bound("count_non_negative", 0.0, None, meaning="a count"),
    "rank": Bound("rank_at_least_1", 1.0, None, meaning="a rank"),
}

#: Rules whose bounds are assumptions: the key in ``params/plausibility.yaml`` and its meaning.
ASSUMED_BOUNDS: dict[str, str] = {
    "growth_pct": "a growth rate in per cent a year",
    "contribution_pct": "a share of growth contributed by one factor, in per cent",
    "pp": "a contribution in percentage points",
    "index": "an index or score",
}

#: The params file with the assumed bounds and the range of years.
PLAUSIBILITY_PARAMS = "plausibility.yaml"

#: Tables whose ``value`` (with ``indicator`` and ``unit``) is checked for plausibility, and
#: the column naming their year(s).
PLAUSIBLE_TABLES: dict[str, str] = {"observations": "period", "targets": "year"}
