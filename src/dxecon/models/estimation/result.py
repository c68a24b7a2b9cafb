"""The common result object of the estimators (every module of ``dxecon.models.estimation``).

An estimate is a table plus what a reader needs to trust it: the method, the price basis
('real', 'nominal' or None), the territory, the data vintage, the assumptions made and the
sources. Estimators fill what they know (method, basis, assumptions); the data-driven
wrappers add geography, vintage and sources with :meth:`EstimateResult.with_meta`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from dxecon.models.estimation.frames import check_basis

__all__ = ["META_KEYS", "EstimateResult", "make_meta"]

#: Metadata every result carries (values may be None or empty when not known).
META_KEYS = ("method", "basis", "geography", "as_of", "assumptions", "sources")


def make_meta(
    *,
    method: str | None = None,
    basis: str | None = None,
    geography: str | None = None,
    as_of: str | None = None,
    assumptions: Iterable[str] = (),
    sources: Iterable[str] = (),
    **extra: Any,
) -> dict[str, Any]:
    """A metadata dict with every key of :data:`META_KEYS` present (plus ``extra``)."""
    if basis is not None:
        check_basis(basis)
    return {
        "method": method,
        "basis": basis,
        "geography": geography,
        "as_of": as_of,
        "assumptions": list(assumptions),
        "sources": list(sources),
        **extra,
    }


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and len(value) == 0)


def _format_number(value: object) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return "; ".join(map(_format_number, value))
    return str(value)


@dataclass(frozen=True, eq=False)
class EstimateResult:
    """An estimate: a table plus its method, price basis, territory, vintage and assumptions.

    Attributes
    ----------
    name : str
        What was estimated, e.g. ``'labour productivity (real)'``.
    frame : pandas.DataFrame
        The estimate. Column names carry the price basis where one applies
        (``growth_real_pct``), so a number copied out of the table keeps its label.
    meta : dict
        ``method``, ``basis`` ('real', 'nominal' or None), ``geography``, ``as_of``,
        ``assumptions`` (list of str), ``sources`` (list of str), and estimator-specific
        keys such as ``unit``.
    """

    name: str
    frame: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=make_meta)

    def __post_init__(self) -> None:
        # Copies: a frozen result must not change because the caller's dict or frame did.
        meta = make_meta(**{**make_meta(), **self.meta})
        object.__setattr__(self, "meta", meta)
        object.__setattr__(self, "frame", self.frame.copy())

    @property
    def basis(self) -> str | None:
        """Price basis of the numbers: ``'real'``, ``'nominal'`` or None (not applicable)."""
        return self.meta["basis"]

    @property
    def assumptions(self) -> list[str]:
        return list(self.meta["assumptions"])

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`frame` (changing it does not change the result)."""
        return self.frame.copy()

    def with_meta(self, **updates: Any) -> EstimateResult:
        """A copy with metadata updated; ``assumptions`` and ``sources`` are appended to.

        Appending, not replacing, because the estimator's own assumptions must survive a
        wrapper that adds the data's vintage and sources.
        """
        meta = dict(self.meta)
        for key in ("assumptions", "sources"):
            if key in updates:
                added = updates.pop(key)
                added = [added] if isinstance(added, str) else list(added)
                meta[key] = [*meta[key], *added]
        meta.update(updates)
        return replace(self, meta=meta)

    def _meta_lines(self) -> list[tuple[str, str]]:
        lines = []
        for key, value in self.meta.items():
            if key in ("assumptions", "sources") or _is_empty(value):
                continue
            lines.append((key.replace("_", " ").capitalize(), _format_number(value)))
        if self.meta["sources"]:
            lines.append(("Sources", "; ".join(map(str, self.meta["sources"]))))
        return lines

    def summary(self) -> str:
        """A plain-text report: title, metadata, assumptions, then the table."""
        lines = [self.name, "=" * len(self.name)]
        meta_lines = self._meta_lines()
        width = max((len(label) for label, _ in meta_lines), default=0) + 2
        lines += [f"{label + ':':<{width}}{value}" for label, value in meta_lines]
        if self.meta["assumptions"]:
            lines.append("Assumptions:")
            lines += [f"  - {text}" for text in self.meta["assumptions"]]
        lines += ["", self.frame.to_string(float_format=_format_number)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(label)}</th>"
            f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
            for label, value in self._meta_lines()
        )
        notes = "".join(f"<li>{html.escape(text)}</li>" for text in self.meta["assumptions"])
        notes_html = f"<p><b>Assumptions</b></p><ul>{notes}</ul>" if notes else ""
        table = self.frame.to_html(float_format=_format_number)
        return f"<h4>{html.escape(self.name)}</h4><table>{rows}</table>{notes_html}{table}"
