"""Charts of a sweep: the tornado (one assumption at a time) and the probability surface.

Built without pyplot on `dxecon.present.charts.plots.new_figure`, like every chart of the
suite: titles, units, labelled target lines and a source caption, every word from the
catalogue in the reader's language (`dxecon.present.sweep_text` for the parameters' and
targets' labels). matplotlib loads on the first chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dxecon.models.sweeps.evaluate import KeyTarget
from dxecon.present.charts.plots import new_figure, number_ticks
from dxecon.present.sweep_text import parameter_label, target_label, target_unit
from dxecon.present.words import Words

_LOW, _HIGH, _TARGET, _BASE = "#7f8c8d", "#1f5fa8", "#c0392b", "#222222"


def _caption(ax, text: str) -> None:
    if text:
        ax.figure.text(0.01, -0.02, text, fontsize=8, color="#555555", ha="left", va="top")


def _bars(ax, table: pd.DataFrame, column: str, scale: float, words: Words) -> None:
    """Horizontal bars from the base value to the low-end and high-end results."""
    order = table.iloc[::-1]  # rank 1 at the top
    positions = np.arange(len(order))
    base = float(order[f"{column}_base"].iloc[0]) * scale
    for end, colour in (("low", _LOW), ("high", _HIGH)):
        values = order[f"{column}_{end}"].to_numpy() * scale
        ax.barh(
            positions,
            values - base,
            left=base,
            color=colour,
            height=0.6,
            label=words(f"sweep.end.{end}"),
        )
    ax.axvline(base, color=_BASE, lw=1)
    ax.set_yticks(
        positions,
        [
            words(
                "sweep.tornado.tick",
                meaning=parameter_label(name, words),
                low=words.significant(lo),
                high=words.significant(hi),
            )
            for name, lo, hi in zip(
                order["parameter"], order["low_value"], order["high_value"], strict=True
            )
        ],
        fontsize=7,
    )
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def tornado_chart(
    tornado: pd.DataFrame,
    target: KeyTarget,
    *,
    base: str,
    caption: str = "",
    words: Words | None = None,
):
    """For one key target: how far each parameter, alone at its low (grey) and high (blue)
    end, moves the probability of meeting it (left) and its median (right, with the target
    line). Parameters are ranked by the swing in probability, then in the median.
    """
    w = words or Words()
    table = tornado[tornado["target_id"] == target.target_id].sort_values("rank")
    unit = target_unit(target, w)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11.0, 0.55 * len(table) + 1.8), dpi=100, layout="constrained")
    left, right = figure.subplots(1, 2, sharey=True)
    _bars(left, table, "probability", 100.0, w)
    left.set_xlim(-2, 102)
    left.set_xlabel(w("chart.probability_target"))
    base_p = w.number(100.0 * float(table["probability_base"].iloc[0]), 0)
    left.set_title(
        w("sweep.tornado.probability_title", base=w.scenario(base), value=base_p),
        loc="left",
        fontsize=10,
    )
    if float(table["probability_swing"].max()) == 0.0:
        left.text(
            0.5,
            0.5,
            w("sweep.tornado.flat", value=base_p),
            transform=left.transAxes,
            ha="center",
            va="center",
            fontsize=9,
            color=_TARGET,
        )
    _bars(right, table, "median", 1.0, w)
    right.tick_params(axis="y", labelleft=False)
    right.axvline(target.value, color=_TARGET, lw=1.2, ls="--")
    right.annotate(
        w("sweep.tornado.target", value=w.number(target.value, 2, strip=True), unit=unit),
        xy=(target.value, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(-3, -10),
        textcoords="offset points",
        ha="right",
        fontsize=8,
        color=_TARGET,
    )
    lo = min(table["median_low"].min(), table["median_high"].min(), target.value)
    hi = max(table["median_low"].max(), table["median_high"].max(), target.value)
    pad = 0.08 * (hi - lo or 1.0)
    right.set_xlim(lo - pad, hi + pad)
    right.set_xlabel(w("sweep.tornado.median_axis", unit=unit))
    right.set_title(
        w("sweep.tornado.median_title", value=w.number(float(table["median_base"].iloc[0]), 1)),
        loc="left",
        fontsize=10,
    )
    right.legend(
        title=w("chart.parameter_at"),
        fontsize=8,
        title_fontsize=8,
        frameon=False,
        loc="lower right",
    )
    figure.suptitle(
        w("sweep.tornado.title", target_id=target.target_id, target=target_label(target, w)),
        x=0.01,
        ha="left",
        fontsize=12,
        fontweight="bold",
    )
    _caption(left, caption)
    return figure


def surface_chart(
    grid: pd.DataFrame,
    target: KeyTarget,
    *,
    base_point: tuple[float, float] | None = None,
    base: str = "base",
    caption: str = "",
    words: Words | None = None,
):
    """Heatmap of a target's probability over two parameters (the others at base), each
    cell labelled in per cent, with the even-odds contour drawn and the base scenario marked.

    ``grid`` is `SweepResult.surface`: rows the y values (high first), columns the x values.
    """
    w = words or Words()
    figure, ax = new_figure(8.5, 6.0)
    xs = grid.columns.to_numpy(dtype=float)
    ys = grid.index.to_numpy(dtype=float)[::-1]
    values = 100.0 * grid.to_numpy(dtype=float)[::-1]
    mesh = ax.pcolormesh(
        _edges(xs), _edges(ys), values, cmap="Blues", vmin=0, vmax=100, shading="flat"
    )
    colourbar = figure.colorbar(mesh, ax=ax)
    colourbar.set_label(w("chart.probability_target"))
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            value = values[i, j]
            ax.text(
                x,
                y,
                w.number(value, 0),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value > 60 else "#222222",
            )
    even = 50  # per cent: more likely than not above the line
    if np.nanmin(values) < even < np.nanmax(values):
        contour = ax.contour(xs, ys, values, levels=[even], colors=_TARGET, linewidths=1.5)
        ax.clabel(contour, fmt={even: w("sweep.surface.contour", value=even)}, fontsize=8)
    if base_point is not None and all(np.isfinite(base_point)):
        ax.plot(*base_point, marker="*", ms=14, color=_TARGET, mec="white")
        ax.annotate(
            w.scenario(base),
            base_point,
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=9,
            color=_TARGET,
        )
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(number_ticks(w, 3))
    ax.set_xlabel(parameter_label(str(grid.columns.name), w))
    ax.set_ylabel(parameter_label(str(grid.index.name), w))
    ax.set_title(
        w("sweep.surface.title", target_id=target.target_id, target=target_label(target, w)),
        loc="left",
        fontsize=12,
        fontweight="bold",
    )
    _caption(ax, caption)
    return figure


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around evenly or unevenly spaced centres."""
    middle = (centres[:-1] + centres[1:]) / 2.0
    first = centres[0] - (middle[0] - centres[0])
    last = centres[-1] + (centres[-1] - middle[-1])
    return np.concatenate([[first], middle, [last]])
