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
        ),
        _code_list("indicators", Column("used_in")),
        _code_list("sectors", Column("part_of", "code", required=False, codes="sectors")),
        _code_list("units"),
        _code_list("statuses", Column("preference_rank", "number")),
        _code_list("methods"),
        _code_list("price_bases"),
        _code_list("source_kinds", Column("preference_rank", "number")),
        _code_list("instruments", Column("adopted_year", "year", required=False)),
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

EXPECTED = {
    "id": "a non-empty id that no other row uses",
    "number": "a plain number with '.' as decimal separator and no thousands separator "
    "(e.g. 12.32, 445995)",
    "year": "a four-digit year such as 2025",
    "date": "a date written YYYY-MM-DD or YYYY-MM (e.g. 2025-01-06)",
    "period": "a period such as 2023, 2023-Q1, 2023-H1, 2023-9M or 2016/2020",
    "comparator": "one of >=, <=, ==",
}
