"""Exceptions with structured fields (papermill's ``exceptions.py`` idea).

Every error a user can cause names the file, the place in it (row or key), the field, the
bad value and what is expected, so the message alone is enough to fix the input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class DxeconError(Exception):
    """Base class of every error dxecon raises on purpose.

    Picklable whatever the subclass's arguments (a step computed in another process sends
    its error back to the run): it is rebuilt from its message and fields, not by calling
    ``__init__`` again with the message alone."""

    def __reduce__(self):
        return _rebuild_error, (type(self), self.args, dict(self.__dict__))


def _rebuild_error(cls: type[DxeconError], args: tuple, fields: dict) -> DxeconError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(fields)
    return error


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file.

    Attributes
    ----------
    file : str
        The file, relative to the data folder where possible (``observations.csv``).
    line : int or None
        1-based line in the file (the header is line 1), or None for file-level problems.
    record_id : str or None
        The row's id (``OBS0042``), when the row has one.
    column : str or None
        The column (or field) at fault.
    value : str or None
        The offending value, as read.
    expected : str
        What would have been accepted: the fix.
    rule : str
        Which rule of the schema failed (``code``, ``share_0_100``, ...), for summaries.
    """

    file: str
    line: int | None
    record_id: str | None
    column: str | None
    value: str | None
    expected: str
    rule: str = "file"

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record_id:
            where.append(f"id {self.record_id}")
        if self.column:
            where.append(f"column '{self.column}'")
        value = "" if self.value is None else f"{self.value!r}: "
        return f"{', '.join(where)}: {value}{self.expected}"


#: Problems listed one by one in a message; the rest are counted by rule.
SHOWN_PROBLEMS = 50


def format_problems(problems: list[Problem], *, limit: int = SHOWN_PROBLEMS) -> str:
    """At most ``limit`` problems, one a line, then the count left out and a count by rule."""
    from collections import Counter

    lines = [f"  - {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more; all {len(problems)} by rule:")
        for rule, count in Counter(p.rule for p in problems).most_common():
            lines.append(f"      {rule}: {count}")
    return "\n".join(lines)


class DataValidationError(DxeconError, ValueError):
    """A data folder failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], *, data_dir: str = "") -> None:
        self.problems = list(problems)
        self.data_dir = data_dir
        where = f" in {data_dir}" if data_dir else ""
        super().__init__(
            f"{len(self.problems)} data problem(s){where}; nothing was computed:\n"
            + format_problems(self.problems)
        )


class SeriesSelectionError(DxeconError, ValueError):
    """A series request cannot be answered as asked (unknown code, ambiguous rows)."""

    def __init__(self, message: str, *, field: str, value: object, allowed: list[str]) -> None:
        self.field = field
        self.value = value
        self.allowed = list(allowed)
        shown = ", ".join(map(str, self.allowed[:40]))
        super().__init__(f"{message} (field '{field}', got {value!r}; allowed: {shown})")


class MissingFigureError(SeriesSelectionError):
    """A computation needs a figure that ``data/`` does not hold for a place: the
    indicator, the geography and the year (None: any year) it lacks, and what cannot be
    computed without it. A `SeriesSelectionError`, so a run says what was missing and goes
    on (`dxecon.pipeline.nodata`) instead of inventing the figure.

    >>> str(MissingFigureError("productivity growth", "employment", "X", None))
    'productivity growth cannot be computed: no employment for X in data/ (any year)'
    """

    def __init__(
        self, what: str, indicator: str, geo: str, year: int | None, note: str = ""
    ) -> None:
        self.what, self.indicator, self.geo, self.year = what, indicator, geo, year
        self.field, self.value, self.allowed = "indicator", indicator, []
        when = "any year" if year is None else str(year)
        extra = f"; {note}" if note else ""
        ValueError.__init__(
            self, f"{what} cannot be computed: no {indicator} for {geo} in data/ ({when}){extra}"
        )


class ParamsError(DxeconError, ValueError):
    """A params file (YAML) is malformed or has a bad field."""

    def __init__(self, file: str, field: str | None, message: str) -> None:
        self.file = file
        self.field = field
        self.message = message
        where = f"{file}, field '{field}'" if field else file
        super().__init__(f"{where}: {message}")

    @property
    def in_file(self) -> str:
        """The error without its file (``field 'x': message``), for a message that names
        the file itself or is about one part of it."""
        return f"field '{self.field}': {self.message}" if self.field else self.message


class NotPublishedYetError(ParamsError, SeriesSelectionError):
    """A params file asks for figures that exist in the data but were not yet published by
    the run's as-of date (a past month): a `ParamsError` naming the file, the field and the
    fix, and a `SeriesSelectionError`, so a run for that month says what was missing and
    goes on (`dxecon.pipeline.nodata`) instead of failing."""

    def __init__(self, file: str, field: str, message: str, *, as_of: str) -> None:
        self.file, self.field, self.message = file, field, message
        self.value, self.allowed = as_of, []
        DxeconError.__init__(self, str(ParamsError(file, field, message)))


def closest_match(value: object, allowed: Iterable[object], *, cutoff: float = 0.6) -> str | None:
    """The allowed value closest to ``value`` (difflib's ratio at least ``cutoff``), or None.

    >>> closest_match("horizn", ["horizon", "paths"])
    'horizon'
    """
    import difflib

    close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(value: object, allowed: Iterable[object], *, cutoff: float = 0.6) -> str:
    """The hint of every error about a typo: ``"did you mean 'X'? "`` (with its trailing
    space, to sit before the list of allowed values) when a close match exists, else ``""``.

    >>> did_you_mean("sampels", ["samples", "seed"]) + "allowed: samples, seed"
    "did you mean 'samples'? allowed: samples, seed"
    >>> did_you_mean("zzz", ["samples", "seed"])
    ''
    """
    close = closest_match(value, allowed, cutoff=cutoff)
    return f"did you mean '{close}'? " if close else ""
