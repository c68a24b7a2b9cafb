"""The places panel as a reader sees it (`dxecon.models.panel`): places and boundaries named,
measures in words, a note per row saying what it cannot be compared with."""

from __future__ import annotations

import pandas as pd

from dxecon.present.words import Words

#: The reader's table: the panel's columns in the reader's words, a note per row.
VIEW_COLUMNS = (
    "place",
    "measure",
    "boundary",
    "year",
    "share",
    "pace_pp_a_year",
    "target_year",
    "target",
    "distance_pp",
    "probability",
    "note",
)


def panel_view(table, words: Words, geographies, names, *, forecast_measure: str) -> pd.DataFrame:
    """The panel as a reader sees it: places and boundaries named, measures in words, a
    note saying what a row cannot be compared with."""
    notes = []
    for row in table.itertuples():
        parts = []
        if pd.isna(row.pace_pp_a_year):
            parts.append(words("panel.one_figure", year=row.first_year))
        if row.other_boundaries:
            parts.append(
                words(
                    "panel.boundary_break",
                    other=words.join(
                        words.place(g, geographies) for g in row.other_boundaries.split(", ")
                    ),
                )
            )
        if pd.isna(row.probability):  # the scenarios simulate the forecast measure only
            other = row.measure != forecast_measure
            if other:
                measure = words.get(f"method.{forecast_measure}", forecast_measure)
                parts.append(words("panel.other_measure", measure=measure))
            else:
                parts.append(words("panel.no_probability"))
        notes.append(" ".join(parts))
    view = table.assign(
        place=[names[c] for c in table["place"]],
        measure=[words.get(f"method.{m}", m) for m in table["measure"]],
        boundary=[words.place(g, geographies) for g in table["boundary"]],
        note=notes,
    )
    return view[list(VIEW_COLUMNS)].round(2)
