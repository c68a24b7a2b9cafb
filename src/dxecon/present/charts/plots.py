"""Charts a person can read: titles, units, labelled target lines, sources in a caption.

Every function returns a ``matplotlib.figure.Figure`` built without pyplot, so notebooks show
it once (as the cell's value), scripts can save it, and no global figure state leaks between
calls. matplotlib is imported here only, when a chart is first drawn. Every text of a chart
is written in the reader's language by its caller, from the catalogue of words (``chart.*``
keys); nothing is translated after drawing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

#: Shades for the fan bands, widest first.
_BAND_ALPHA = {90: 0.18, 80: 0.28, 50: 0.42}
_COLOURS = {"fan": "#1f5fa8", "history": "#222222", "target": "#c0392b", "other": "#7f8c8d"}
#: The colour of a scorecard status (`dxecon.models.scenarios.scorecard`) wherever one is
#: drawn or shown in colour (the explorer's attainment table).
STATUS_COLOURS = {
    "on track": "#1e7b34",
    "met": "#1e7b34",
    "missed": "#c0392b",
    "at risk": "#b7791f",
    "off track": "#c0392b",
    "not met": "#c0392b",
    "no data": "#7f8c8d",
}
#: Title and caption text sizes (points), and the width of a character in ems that line
#: breaks assume (generous: Vietnamese letters with their marks are wide).
_TITLE_POINTS = 12
_CAPTION_POINTS = 8
_CHAR_WIDTH = 0.62
#: What a PNG of a chart carries: no "Software" entry, so the same chart gives the same bytes.
_PNG_METADATA = {"Software": None}


@dataclass(frozen=True)
class TargetLine:
    """A horizontal target drawn on a chart, e.g. 35% of GRDP by 2030."""

    value: float
    label: str
    year: int | None = None  # draw a marker at the target year when given


def number_ticks(words, digits: int):
    """A tick formatter writing numbers as ``words`` does (``1.234,5`` in Vietnamese).

    A module-level function in a ``partial``, not a lambda: a figure must pickle for a run to
    draw it in its chart process (one that does not is drawn in the run's own thread)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(partial(_number_tick, words, digits))


def _number_tick(words, digits: int, value: float, _position) -> str:
    return words.number(value, digits, strip=True)


def new_figure(width: float = 8.0, height: float = 4.6):
    """A Figure with one Axes, without pyplot (no global state)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure, figure.add_subplot()


def _line_width(figure, points: float) -> int:
    """How many characters of a text ``points`` tall a line across ``figure`` holds."""
    return int(figure.get_figwidth() * 72 / (points * _CHAR_WIDTH))


def _set_title(ax, title: str) -> None:
    # Titles and captions are broken into lines that the figure's width holds (a long
    # place or scenario name must not widen the picture, which would then be shown shrunk).
    import textwrap

    ax.set_title(
        textwrap.fill(title, _line_width(ax.figure, _TITLE_POINTS)),
        loc="left",
        fontsize=_TITLE_POINTS,
        fontweight="bold",
    )


def _caption_lines(figure, caption: str) -> str:
    # Broken here, not by matplotlib's wrap=True: that measures every word on every draw
    # and was a third of a chart's drawing time.
    import textwrap

    return textwrap.fill(caption, _line_width(figure, _CAPTION_POINTS))


def finish(ax, *, title: str, ylabel: str, caption: str) -> None:
    """Title, y label, grid and the source caption under the axes: every chart ends here."""
    _set_title(ax, title)
    ax.set_ylabel(ylabel)
    ax.grid(True, axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    from matplotlib.ticker import MaxNLocator

    if isinstance(ax.xaxis.get_major_locator(), MaxNLocator):  # years: no 2027.5 ticks
        ax.xaxis.get_major_locator().set_params(integer=True)
    if caption:
        ax.figure.text(
            0.01,
            -0.02,
            _caption_lines(ax.figure, caption),
            fontsize=_CAPTION_POINTS,
            color="#555555",
            ha="left",
            va="top",
            gid="caption",
        )


def draw_targets(ax, targets: Sequence[TargetLine]) -> None:
    """Each target as a dashed line with its label (and a marker at its year, if given)."""
    for target in targets:
        ax.axhline(target.value, color=_COLOURS["target"], lw=1.2, ls="--")
        ax.annotate(
            target.label,
            xy=(1.0, target.value),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=8,
            color=_COLOURS["target"],
        )
        if target.year is not None:
            ax.plot([target.year], [target.value], marker="o", color=_COLOURS["target"])


def message_chart(title: str, message: str):
    """A chart that says why there is nothing to draw (a figure missing): its title and the
    sentence, no axes."""
    _, ax = new_figure()
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True)
    return ax.figure


def fan_chart(
    years: Sequence[int],
    bands: Mapping[float, Sequence[float]],
    *,
    title: str,
    ylabel: str,
    caption: str = "",
    history: Mapping[str, pd.Series] | None = None,
    targets: Sequence[TargetLine] = (),
    ax=None,
    lang: str = "vi",
    band_key: str = "chart.band",
):
    """Median line with 50/80/90% bands from percentiles, after the published history.

    Parameters
    ----------
    years : sequence of int
        Forecast years.
    bands : mapping percentile -> values
        Must hold 50 and the symmetric pairs used (25/75, 10/90, 5/95) that are present.
    history : mapping label -> pandas.Series, optional
        Published values indexed by year, one line per label (e.g. one per boundary, so a
        break is never drawn as a movement); the last point of the first series (the
        forecast's own boundary) is joined to the first forecast year.
    targets : sequence of TargetLine
        Horizontal dashed lines, labelled.
    lang : {'vi', 'en'}
        The language of the bands' and the median's legend (the catalogue's ``band_key``,
        with ``{coverage}``, and ``chart.median``), like the texts the caller gives.
    """
    from dxecon.present.words import Words

    if ax is None:
        _, ax = new_figure()
    words = Words(lang)
    years = np.asarray(years)
    for coverage, alpha in _BAND_ALPHA.items():
        low_q, high_q = 50 - coverage / 2, 50 + coverage / 2
        if low_q in bands and high_q in bands:
            ax.fill_between(
                years,
                bands[low_q],
                bands[high_q],
                color=_COLOURS["fan"],
                alpha=alpha,
                lw=0,
                label=words(band_key, coverage=coverage),
                gid=f"band{coverage}",  # found again by FanChart.show
            )
    median = np.asarray(bands[50])
    markers = iter(("o", "s", "^", "D"))
    own = None  # the first series: the boundary the forecast is on
    for label, values in (history or {}).items():
        past = values.dropna()
        own = past if own is None else own
        ax.plot(
            past.index,
            past.values,
            color=_COLOURS["history"],
            marker=next(markers),
            ms=4,
            lw=1,
            label=label,
        )
    if own is not None and len(own):
        ax.plot(
            [own.index[-1], years[0]],
            [own.iloc[-1], median[0]],
            color=_COLOURS["fan"],
            lw=1,
            ls=":",
            gid="join",
        )
    ax.plot(years, median, color=_COLOURS["fan"], lw=2, label=words("chart.median"), gid="median")
    draw_targets(ax, targets)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    finish(ax, title=title, ylabel=ylabel, caption=caption)
    return ax.figure


class FanChart:
    """A fan chart kept between updates, for a page that redraws it often (the explorer).

    ``show(years, bands, **parts)`` takes `fan_chart`'s arguments, or only ``title`` and
    ``missing`` (why there is nothing to draw: a `message_chart`). The first call, and any
    call whose frame changed (history, targets, y label, language, band labels, years or
    whether there is a caption), draws a new figure with `fan_chart`; otherwise the figure
    is updated in place: the bands and the median (with its join to the history) get the
    new values, the title and the caption their new text, and the axes rescale to the new
    data. `png` renders it once, with the layout and crop of its last full render while its
    texts and tick labels are unchanged (a full render lays the figure out and crops it to
    its texts, two passes). Either way the picture is the one `fan_chart` draws from the
    same arguments.
    """

    def __init__(self) -> None:
        self.figure = None
        self._frame: tuple | None = None
        self._layout: tuple | None = None  # what the last full render's layout depends on
        self._crop = None  # and the box it cropped the figure to (inches)

    def show(self, years=None, bands: Mapping[float, Sequence[float]] | None = None, **parts):
        """The figure showing these arguments (the same Figure while the frame is unchanged)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if "missing" in parts:  # nothing to draw: say why (a place lacking a figure)
            frame = ("missing", parts["title"], parts["missing"])
            if frame != self._frame:
                self.figure = message_chart(parts["title"], parts["missing"])
                FigureCanvasAgg(self.figure)
                self._frame, self._layout = frame, None
            return self.figure
        history = parts.get("history") or {}
        frame = (
            tuple(np.asarray(years).tolist()),
            tuple((label, tuple(v.dropna().items())) for label, v in history.items()),
            tuple(parts.get("targets", ())),
            parts["ylabel"],
            parts.get("lang", "vi"),
            parts.get("band_key", "chart.band"),
            bool(parts.get("caption")),
            tuple(sorted(bands)),
        )
        if frame != self._frame:
            self.figure = fan_chart(years, bands, **parts)
            FigureCanvasAgg(self.figure)  # its own canvas: renders reuse text measurements
            self._frame, self._layout = frame, None
            return self.figure
        ax = self.figure.axes[0]
        median = np.asarray(bands[50], dtype=float)
        for artist in [*ax.collections, *ax.lines]:
            gid = artist.get_gid() or ""
            if gid.startswith("band"):
                coverage = float(gid.removeprefix("band"))
                artist.set_data(years, bands[50 - coverage / 2], bands[50 + coverage / 2])
            elif gid == "median":
                artist.set_data(years, median)
            elif gid == "join":
                artist.set_ydata([artist.get_ydata()[0], median[0]])
        _set_title(ax, parts["title"])
        for text in self.figure.texts:
            if text.get_gid() == "caption":
                text.set_text(_caption_lines(self.figure, parts["caption"]))
        ax.relim()
        ax.autoscale_view()
        return self.figure

    def png(self, *, dpi: int = 110) -> bytes:
        """The figure as PNG bytes, the same bytes as :func:`png_bytes` gives."""
        import io

        import matplotlib as mpl

        figure, ax = self.figure, self.figure.axes[0]
        ticks = tuple(
            tuple(axis.get_major_formatter().format_ticks(axis.get_majorticklocs()))
            for axis in (ax.xaxis, ax.yaxis)
        )
        layout = (dpi, ax.get_title(loc="left"), *(t.get_text() for t in figure.texts), ticks)
        if layout != self._layout:
            figure.set_layout_engine("constrained")
            png = png_bytes(figure, dpi=dpi)
            figure.set_layout_engine(None)  # the axes keep the positions just computed
            renderer = figure.canvas.get_renderer()
            self._crop = figure.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
            self._layout = layout
            return png
        buffer = io.BytesIO()
        figure.savefig(
            buffer, format="png", dpi=dpi, bbox_inches=self._crop, metadata=_PNG_METADATA
        )
        return buffer.getvalue()


def line_chart(
    series: Mapping[str, pd.Series],
    *,
    title: str,
    ylabel: str,
    caption: str = "",
    targets: Sequence[TargetLine] = (),
    break_year: float | None = None,
    break_label: str = "",
    ax=None,
):
    """Several labelled series on one axis; an optional vertical line marks a break."""
    if ax is None:
        _, ax = new_figure()
    for label, values in series.items():
        values = values.dropna()
        ax.plot(values.index, values.values, marker="o", ms=3, label=label)
    if break_year is not None:
        ax.axvline(break_year, color=_COLOURS["other"], lw=1, ls=":")
        ax.annotate(
            break_label,
            xy=(break_year, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize=8,
            color=_COLOURS["other"],
        )
    draw_targets(ax, targets)
    ax.legend(loc="best", fontsize=8, frameon=False)
    finish(ax, title=title, ylabel=ylabel, caption=caption)
    return ax.figure


def bar_chart(
    values: pd.Series,
    *,
    title: str,
    ylabel: str,
    caption: str = "",
    targets: Sequence[TargetLine] = (),
    ax=None,
):
    """Bars for a labelled series (e.g. digital share by sector) with target lines."""
    if ax is None:
        _, ax = new_figure()
    bars = ax.bar(values.index.astype(str), values.values, color=_COLOURS["fan"], alpha=0.8)
    ax.bar_label(bars, fmt="%.1f", fontsize=8)
    draw_targets(ax, targets)
    finish(ax, title=title, ylabel=ylabel, caption=caption)
    return ax.figure


def save(figure, path) -> None:
    """Save a chart as PNG with fixed metadata, so reruns give the same bytes."""
    from pathlib import Path

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110, bbox_inches="tight", metadata=_PNG_METADATA)


def png_bytes(figure, *, dpi: int = 110) -> bytes:
    """A chart as PNG bytes (for a widget or a page), like :func:`save`: the source caption
    under the axes kept (``bbox_inches="tight"``), the same chart the same bytes."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata=_PNG_METADATA)
    return buffer.getvalue()


def _column(values) -> np.ndarray:
    return np.ma.filled(np.ma.asarray(values, dtype=float), np.nan).reshape(-1, 1)


def _artist_arrays(ax):
    """The numbers each data artist of ``ax`` draws, one ``(tables, n_points)`` per series
    (each table's columns are coordinates of one kind): lines (x, y), collections
    (vertices, offsets, colour values: fills, meshes, contours, scatter), images (pixel
    values) and, as one series, the rectangles of bars (x, y, width, height)."""
    series = []
    for line in ax.lines:
        xy = np.asarray(line.get_xydata(), dtype=float)
        series.append(([xy], len(xy)))
    for collection in ax.collections:
        tables = [np.asarray(path.vertices, dtype=float) for path in collection.get_paths()]
        tables.append(np.asarray(collection.get_offsets(), dtype=float).reshape(-1, 2))
        n_points = sum(len(table) for table in tables)
        if collection.get_array() is not None:
            tables.append(_column(collection.get_array()))
        series.append((tables, n_points))
    for image in ax.images:
        pixels = _column(image.get_array())
        series.append(([pixels], len(pixels)))
    bars = [p for p in ax.patches if hasattr(p, "get_width") and hasattr(p, "get_xy")]
    if bars:
        rectangles = np.array([(*p.get_xy(), p.get_width(), p.get_height()) for p in bars])
        series.append(([rectangles], len(bars)))
    return series


def _rounded_text(table: np.ndarray, digits: int) -> str:
    """A table's values as text, each column rounded to ``digits`` significant digits of
    its largest magnitude."""
    columns = []
    for column in table.T if table.ndim == 2 else [table.ravel()]:
        finite = np.abs(column[np.isfinite(column)])
        peak = finite.max() if finite.size else 0.0
        exponent = int(np.floor(np.log10(peak))) if peak > 0 else 0
        scaled = np.round(column / 10.0**exponent, digits - 1) + 0.0  # + 0.0: -0.0 -> 0.0
        columns.append(f"e{exponent}:" + " ".join(f"{v:.{digits - 1}f}" for v in scaled))
    return f"{table.shape}|" + "|".join(columns)


def chart_digest(figure, *, digits: int = 6) -> tuple[int, int, str]:
    r"""Series count, point count and a short SHA-256 of the values a figure plots.

    Every axes' lines, collections, images and bars are read in drawing order; each
    coordinate (x, y, width, colour value...) of a series is rounded to ``digits``
    significant digits of its largest magnitude, so last-bit float noise (also around
    zero) does not change the digest and a moved point does:

    .. math:: \tilde v = \operatorname{round}(v / 10^{e},\ d - 1),
              \quad e = \lfloor \log_{10} \max |v| \rfloor

    Returns
    -------
    (n_series, n_points, hex12)
        ``n_points`` counts a line's points, a fill's or mesh's vertices, a bar, a pixel.
    """
    import hashlib

    digest = hashlib.sha256()
    n_series = n_points = 0
    for ax in figure.get_axes():
        for tables, points in _artist_arrays(ax):
            n_series += 1
            n_points += points
            for table in tables:
                digest.update(_rounded_text(table, digits).encode())
            digest.update(b";")
    return n_series, n_points, digest.hexdigest()[:12]


def chart_data_line(figure, name: str) -> str:
    """The text nbval compares for a chart: what it plots, summarised and hashed."""
    n_series, n_points, hex12 = chart_digest(figure)
    return f"chart data {name}: {n_series} series, {n_points} points, sha256 {hex12}"
