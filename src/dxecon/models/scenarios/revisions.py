"""What changed since last month: each goal's median and probability in two scorecards."""

from __future__ import annotations

import pandas as pd

#: The goal a row of two scorecards is compared by.
REVISION_KEYS = ["goal_id"]
#: The columns of :func:`revisions`.
REVISION_COLUMNS = ["goal_id", "indicator", "year", "previous_median", "median"]
REVISION_COLUMNS += ["median_change", "previous_probability", "probability", "probability_change"]
REVISION_COLUMNS += ["previous_status", "status", "note"]
FIRST_RUN = "first run: nothing to compare"


def revisions(previous: pd.DataFrame | None, current: pd.DataFrame) -> pd.DataFrame:
    """Goal by goal: last month's median and probability against this month's
    (``previous`` None: a first run, nothing to compare; the ``note`` says so)."""
    columns = ["goal_id", "indicator", "year", "median", "probability", "status"]
    now = current[columns]
    if previous is None:
        table = now.assign(previous_median=float("nan"), previous_probability=float("nan"))
        table["previous_status"] = ""
        table["note"] = FIRST_RUN
    else:
        before = previous.reindex(columns=[*REVISION_KEYS, "median", "probability", "status"])
        before = before.rename(
            columns={
                "median": "previous_median",
                "probability": "previous_probability",
                "status": "previous_status",
            }
        )
        table = now.merge(before, on=REVISION_KEYS, how="left")
        table["note"] = ""
    table["median_change"] = table["median"] - table["previous_median"]
    table["probability_change"] = table["probability"] - table["previous_probability"]
    return table[REVISION_COLUMNS]
