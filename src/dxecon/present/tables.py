"""Tables as a reader sees them: headers from the catalogue of words, status words in the
reader's language, a missing value (a missing number or an empty text) as the one mark,
`dxecon.present.words.DASH`; the saved CSVs keep their machine-readable columns.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from dxecon.models.forecast.coverage import TOO_FEW

#: Columns whose cells are words of the catalogue: column -> key prefix, or prefixes tried
#: in turn (a cell ``v`` is shown as ``<prefix>.<v>`` in the language where the catalogue
#: has that key, else as is).
VALUE_WORDS = {
    "status": "status",  # a goal's status, or a figure's (F, P, E, U)
    "stage": "nowcast",
    # a nowcast's method, a measure's (GSO, MIC...), or a pace's price basis
    "method": ("nowcast", "method", "price_basis"),
    "latest_method": "method",
    # a calibration's measure (GSO, MIC...), or what an observed pace measures
    "measure": ("method", "pace"),
    "method_detail": "nowcast",
    "boundary": "nowcast.boundary",  # a nowcast's boundary word; a place's code: its name
    "comparator": "comparator",
    "pillar": "pillar",
    "unit": "unit",
    "price_basis": "price_basis",
    "basis": "price_basis",
    "verdict": "verdict",
    "candidate": "growth.candidate",
    "model": ("model", "growth.candidate"),  # a forecast model (as a growth candidate too)
    "pool": "pool",
    "assumption": "assumption",  # a scenario's assumption (a section of its file)
    "chosen": "growth.candidate",
    "used": "growth.candidate",
    "reading": "nb.val.reading",
    "sector": "sector",
    "indicator": "indicator",
    "reason": "reason",  # a code (a contribution's missing figure); a worded reason stays
    "forecasts_from": "rt.subset",  # the real-time check's subsets and interval variants
    "intervals": "rt.intervals",
    "decided_by": "calib.decided",  # what decided a calibrated parameter: data, a prior
    "judged_on": "judged",  # a backtest's own errors or its pool's
}
#: Columns worded from another column's code: column -> (the code's column, key prefix);
#: a calibration's or a draw's parameter by its ``key``. The code's column, a name for
#: machines (the report and the tests read it), is not shown.
KEYED_WORDS = {"parameter": ("key", "calib.param")}
#: Cells a model writes as a fixed phrase, in any column: phrase -> the catalogue's key.
PHRASES = {TOO_FEW: "verdict.too_few"}


#: Columns of codes of a code list that names them in each language (``name_vi`` /
#: ``name_en``, `Words.named`): column -> the list (``data/codes/<list>.csv``). A cell may
#: hold several codes joined by ", " (a goal's other instruments).
NAMED_COLUMNS = {
    "geo": "geographies",
    "latest_geo": "geographies",
    "boundary": "geographies",
    "instrument": "instruments",
    "also_set_by": "instruments",
}
#: Columns the scorecard records as facts (JSON, `dxecon.models.scenarios.scorecard`):
#: column -> the function of `dxecon.present.notes` that words a cell.
RECORDED = {
    "note_codes": "say_notes",
    "earlier_levels": "say_levels",
    "other_boundary": "say_other_boundary",
    "other_readings": "say_readings",
    "latest_source": "say_source",
    "series": "say_series",  # a forecast series' id (its codes); any other text as it is
    "field": "say_field",  # a scenario field's path (sectors.ind_con.weight)
}


def header(label, lang: str) -> str:
    """A column's header in ``lang``: the catalogue key ``nb.col.<label>``, or for a column
    named ``<stem>_<rest>`` (one per vintage, e.g. ``mae_2021-01``) the key
    ``nb.col.<stem>_*`` with ``{rest}`` filled in; else the label as it is."""
    from dxecon.present.words import Words, catalogue

    known, text = catalogue(), str(label)
    if f"nb.col.{text}" in known:
        return Words(lang)(f"nb.col.{text}")
    stem, _, rest = text.partition("_")
    while rest:
        if f"nb.col.{stem}_*" in known:
            return Words(lang)(f"nb.col.{stem}_*", rest=rest)
        more, _, rest = rest.partition("_")
        stem = f"{stem}_{more}"
    places = geography_codes()
    if text in set(places["code"]):  # a column per boundary: the place's name
        return Words(lang).place(text, places)
    return label


@cache
def code_list(name: str) -> frozenset[str]:
    """The codes of ``data/codes/<name>.csv``."""
    from dxecon.core import folders

    return frozenset(pd.read_csv(folders.DATA_DIR / "codes" / f"{name}.csv", dtype=str)["code"])


@cache
def named_codes(name: str) -> pd.DataFrame:
    """A code list that names its codes in each language (``data/codes/<name>.csv``, their
    one home): ``geographies``, ``instruments``."""
    from dxecon.core import folders

    return pd.read_csv(folders.DATA_DIR / "codes" / f"{name}.csv", dtype=str).fillna("")


def geography_codes() -> pd.DataFrame:
    """The boundaries' names: ``data/codes/geographies.csv``."""
    return named_codes("geographies")


def instrument_name(code, words) -> str:
    """A target's instrument by its name in ``words``' language (``data/codes/instruments.csv``)."""
    return words.named(code, named_codes("instruments"))


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy of ``frame`` as a reader sees it: headers (columns, index and axis names) in
    ``lang`` (:func:`header`; a boundary's code by its name); the boundaries and
    instruments of the columns of :data:`NAMED_COLUMNS` by their names; the scorecard's
    recorded facts (:data:`RECORDED`: notes, earlier levels, other figures and readings,
    estimates' sources) worded
    (`dxecon.present.notes`); the cells of the columns of :data:`VALUE_WORDS` and yes/no
    columns in ``lang``; an empty text cell or a missing whole
    number or yes/no as the one missing-value mark (``DASH``, as a missing number is
    written by `table_text` and `table_html`)."""
    from dxecon.present.words import DASH, Words

    words = Words(lang)

    def say(label):
        return header(label, lang) if isinstance(label, str) else label

    shown = frame.copy()
    if not isinstance(shown.columns, pd.MultiIndex):
        from dxecon.present import notes

        for column, function in RECORDED.items():  # the scorecard's facts, recorded as codes
            if column in shown.columns:
                worded = getattr(notes, function)
                shown[column] = shown[column].map(lambda cell, w=worded: w(cell, words))
        for column in shown.columns:  # notes a model recorded as facts (dxecon.core.facts)
            if _texts(shown[column]):
                shown[column] = shown[column].map(
                    lambda cell: notes.say_facts(cell, words), na_action="ignore"
                )
        for column, codes in NAMED_COLUMNS.items():
            if column in shown.columns and pd.api.types.is_string_dtype(shown[column]):
                listed = named_codes(codes)
                shown[column] = shown[column].map(
                    lambda cell, c=listed: ", ".join(
                        words.named(code, c) for code in str(cell).split(", ") if code
                    ),
                    na_action="ignore",
                )
        for column in shown.columns:
            if _texts(shown[column]):
                shown[column] = shown[column].map(
                    lambda cell: words(PHRASES[cell]) if cell in PHRASES else cell,
                    na_action="ignore",
                )
        for column, (codes, prefix) in KEYED_WORDS.items():
            if {column, codes} <= set(shown.columns):
                shown[column] = [
                    words.get(f"{prefix}.{code}", cell)
                    for code, cell in zip(frame[codes], shown[column], strict=True)
                ]
                shown = shown.drop(columns=codes)
        for column, prefixes in VALUE_WORDS.items():
            if column in shown.columns and _texts(shown[column]):
                shown[column] = shown[column].map(
                    lambda value, p=prefixes: word(value, p, words), na_action="ignore"
                )
        for column in shown.columns:
            values = shown[column]
            if pd.api.types.is_datetime64_any_dtype(values):  # a date, not a midnight time
                values = shown[column] = values.dt.strftime("%Y-%m-%d").astype(object)
            if pd.api.types.is_float_dtype(values):
                # NaN (also a nullable float's NA): `table_text`/`table_html` write the mark
                shown[column] = values.astype(float)
                continue
            if pd.api.types.is_bool_dtype(values):  # yes/no in the language, not True/False
                said = {True: words("word.yes"), False: words("word.no")}
                values = shown[column] = values.astype(object).map(said, na_action="ignore")
            empty = values.map(lambda v: isinstance(v, str) and not v.strip(), na_action="ignore")
            blank = values.isna() | empty.fillna(False).astype(bool)
            if blank.any():  # an empty text, or pd.NA of a whole-number or yes/no column
                shown[column] = values.astype(object).mask(blank, DASH)
    if _figure_statuses(frame):  # a figure's status (F, P...), not a goal's: its own header
        shown = shown.rename(columns={"status": words("nb.col.figure_status")})
    shown = shown.rename(columns=say)
    shown.columns = shown.columns.set_names([say(n) if n else n for n in shown.columns.names])
    shown.index = shown.index.set_names([say(n) if n else n for n in shown.index.names])
    return shown


def _figure_statuses(frame: pd.DataFrame) -> bool:
    """Whether ``frame``'s ``status`` column holds figures' statuses
    (``data/codes/statuses.csv``), which the column's header names apart from a goal's."""
    if isinstance(frame.columns, pd.MultiIndex) or "status" not in frame.columns:
        return False
    values = set(frame["status"].dropna())
    return bool(values) and values <= code_list("statuses")


def _texts(values: pd.Series) -> bool:
    """Whether a column holds texts (some cells may be missing), not numbers or dates."""
    return pd.api.types.is_string_dtype(values) or (
        values.dtype == object and values.map(lambda v: isinstance(v, str)).any()
    )


def word(value, prefixes, words) -> str:
    """A code as the catalogue words it: ``<prefix>.<value>`` for the first of ``prefixes``
    (one, or a tuple) that has it; the value as it is where none has."""
    for prefix in (prefixes,) if isinstance(prefixes, str) else prefixes:
        said = words.get(f"{prefix}.{value}", None)
        if said is not None:
            return said
    return value


def show_tables_in(lang: str) -> None:
    """Display every DataFrame of the running notebook through `readable` (text and HTML),
    so a notebook's tables follow its ``lang`` while the frames and saved CSVs keep their
    machine-readable names. Outside IPython: nothing to do."""
    from dxecon.present.words import check_language

    check_language(lang)
    pd.set_option("display.precision", 2)  # every notebook's tables: two decimals
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebook environment
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    formatters["text/plain"].for_type(
        pd.DataFrame, lambda frame, printer, cycle: printer.text(table_text(frame, lang))
    )
    formatters["text/html"].for_type(pd.DataFrame, lambda frame: table_html(frame, lang))


def table_text(frame: pd.DataFrame, lang: str) -> str:
    """A table as a notebook shows it in text: `readable`, a missing value as a dash, within
    pandas' display limits (the repr cannot show a dash, so the table is written here)."""
    from dxecon.present.words import DASH, Words

    if frame.empty:
        return Words(lang)("none.table")
    return readable(frame, lang).to_string(
        na_rep=DASH,
        index=_index_shown(frame),
        line_width=pd.get_option("display.width"),
        **_display_limits(),
    )


def table_html(frame: pd.DataFrame, lang: str) -> str:
    """The HTML form of `table_text`."""
    from dxecon.present.words import DASH, Words

    if frame.empty:
        return f"<p>{Words(lang)('none.table')}</p>"
    return readable(frame, lang).to_html(
        na_rep=DASH, notebook=True, index=_index_shown(frame), **_display_limits()
    )


def _index_shown(frame: pd.DataFrame) -> bool:
    """A row index means something unless it is the default 0, 1, 2... (no column then)."""
    index = frame.index
    return not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1)


def _display_limits() -> dict:
    return {
        "max_rows": pd.get_option("display.max_rows"),
        "max_cols": pd.get_option("display.max_columns"),
        "show_dimensions": pd.get_option("display.show_dimensions"),
    }
