"""Facts a reader's sentence is worded from, recorded in a table's cell.

A model records why something happened as notes, ``{"code": <what>, <facts>}``, in a JSON
list (`facts_cell`), never as an English sentence: the saved table stays machine-readable
and `dxecon.present.notes` words each note from the catalogue's ``note.<code>`` in the
reader's language (places, models and indicators by their names).
"""

from __future__ import annotations

import json


def facts_cell(notes: list[dict]) -> str:
    """``notes`` as a cell: a JSON list (an empty text when there is none)."""
    return json.dumps(notes, ensure_ascii=False) if notes else ""


def facts_of(cell) -> list[dict]:
    """The notes of a cell written by `facts_cell` (empty or missing: none)."""
    if not isinstance(cell, str) or not cell.strip():
        return []
    return json.loads(cell)


def is_facts_cell(cell) -> bool:
    """Whether ``cell`` holds recorded notes (`facts_cell`), not a text to show as it is."""
    return isinstance(cell, str) and cell.startswith('[{"code": ')


#: The languages a text for a reader is written in (``{vi: ..., en: ...}``): the report's,
#: `dxecon.present.words.LANGUAGES` (tests/test_reader_words.py checks they agree).
TEXT_LANGUAGES = ("vi", "en")


def text_problem(text) -> str | None:
    """Why ``text`` is not a text for a reader in each language (None when it is)."""
    if not isinstance(text, dict) or set(text) != set(TEXT_LANGUAGES):
        return "write it for a reader in each language: {vi: <Vietnamese>, en: <English>}"
    if not all(isinstance(said, str) and said.strip() for said in text.values()):
        return "a language's text is empty"
    return None


def text_note(text) -> dict:
    """A text a params file writes for a reader in each language (``{vi: ..., en: ...}``:
    a prior's source, a start figure's caveat) as a note: `dxecon.present.notes` shows the
    reader's language."""
    return {"code": "text", **{lang: str(text[lang]).strip() for lang in TEXT_LANGUAGES}}
