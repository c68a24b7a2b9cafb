"""Dates a run is about."""

from __future__ import annotations

import datetime as dt


def current_month(today: dt.date | None = None) -> str:
    """The month a run made today is 'as of' (``YYYY-MM``, UTC)."""
    today = today or dt.datetime.now(dt.UTC).date()
    return f"{today:%Y-%m}"
