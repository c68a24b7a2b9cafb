"""Tables as a reader sees them: headers from the catalogue of words, status words in the
reader's language, a missing value (a missing number or an empty text) as the one mark,
`dxecon.present.words.DASH`; the saved CSVs keep their machine-readable columns.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

#: Columns whose cells are words of the catalogue: column -> key prefix (a cell ``v`` is
#: shown as ``<prefix>.<v>`` in the language where the catalogue has that key, else as is).
VALUE_WORDS = {
    "status": "status",
    "stage": "nowcast",
    "method": "nowcast",
    "method_detail": "nowcast",
    "boundary": "nowcast.boundary",
    "verdict": "verdict",
    "candidate": "growth.candidate",
    "chosen": "growth.candidate",
    "used": "growth.candidate",
    "reading": "nb.val.reading",
    "sector": "sector",
    "indicator": "indicator",
    "reason": "reason",  # a code (a contribution's missing figure); a worded reason stays
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
def geography_codes() -> pd.DataFrame:
    """The boundaries' names: ``data/codes/geographies.csv`` (their one home)."""
    from dxecon.core import folders

    return pd.read_csv(folders.DATA_DIR / "codes" / "geographies.csv", dtype=str).fillna("")


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy of ``frame`` as a reader sees it: headers (columns, index and axis names) in
    ``lang`` (:func:`header`; a boundary's code by its name); a ``geo``
    column's boundaries by their names; the scorecard's notes (``note_codes``) worded
    (`dxecon.present.notes`); the cells of the columns of :data:`VALUE_WORDS` and yes/no
    columns in ``lang``; an empty text cell or a missing whole number or yes/no as the one
    missing-value mark (``DASH``, as a missing number is written by `table_text` and
    `table_html`)."""
    from dxecon.present.words import DASH, Words

    words = Words(lang)

    def say(label):
        return header(label, lang) if isinstance(label, str) else label

    shown = frame.copy()
    if not isinstance(shown.columns, pd.MultiIndex):
        if "geo" in shown.columns and pd.api.types.is_string_dtype(shown["geo"]):
            places = geography_codes()
            shown["geo"] = shown["geo"].map(lambda code: words.place(code, places))
        if "note_codes" in shown.columns:  # the scorecard's notes, recorded as codes
            from dxecon.present.notes import say_notes

            shown["note_codes"] = shown["note_codes"].map(lambda cell: say_notes(cell, words))
        for column, prefix in VALUE_WORDS.items():
            if column in shown.columns and pd.api.types.is_string_dtype(shown[column]):
                shown[column] = shown[column].map(
                    lambda value, prefix=prefix: words.get(f"{prefix}.{value}", value)
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
                values = values.astype(object).map(said, na_action="ignore")
            empty = values.map(lambda v: isinstance(v, str) and not v.strip(), na_action="ignore")
            blank = values.isna() | empty.fillna(False).astype(bool)
            if blank.any():  # an empty text, or pd.NA of a whole-number or yes/no column
                shown[column] = values.astype(object).mask(blank, DASH)
    shown = shown.rename(columns=say)
    shown.columns = shown.columns.set_names([say(n) if n else n for n in shown.columns.names])
    shown.index = shown.index.set_names([say(n) if n else n for n in shown.index.names])
    return shown


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
