"""Charts of a sweep: the tornado (one assumption at a time) and the probability surface.

Built without pyplot on `dxecon.present.charts.plots.new_figure`, like every chart of the
suite: titles, units, labelled target lines and a source caption. matplotlib loads on the
first chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dxecon.models.sweeps.evaluate import KeyTarget
from dxecon.models.sweeps.plan import describe
from dxecon.present.charts.plots import new_figure

_LOW, _HIGH, _TARGET, _BASE = "#7f8c8d", "#1f5fa8", "#c0392b", "#222222"


def _caption(ax, text: str) -> None:
    if text:
        ax.figure.text(0.01, -0.02, text, fontsize=8, color="#555555", ha="left", va="top")


def _bars(ax, table: pd.DataFrame, column: str, scale: float) -> None:
    """Horizontal bars from the base value to the low-end and high-end results."""
    order = table.iloc[::-1]  # rank 1 at the top
    positions = np.arange(len(order))
    base = float(order[f"{column}_base"].iloc[0]) * scale
    for end, colour in (("low", _LOW), ("high", _HIGH)):
        values = order[f"{column}_{end}"].to_numpy() * scale
        ax.barh(positions, values - base, left=base, color=colour, height=0.6, label=end)
    ax.axvline(base, color=_BASE, lw=1)
    ax.set_yticks(
        positions,
        [
            f"{m}\n{lo:g} to {hi:g}"
            for m, lo, hi in zip(
                order["meaning"], order["low_value"], order["high_value"], strict=True
            )
        ],
        fontsize=7,
    )
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def tornado_chart(tornado: pd.DataFrame, target: KeyTarget, *, base: str, caption: str = ""):
    """For one key target: how far each parameter, alone at its low (grey) and high (blue)
    end, moves the probability of meeting it (left) and its median (right, with the target
    line). Parameters are ranked by the swing in probability, then in the median.
    """
    table = tornado[tornado["target_id"] == target.target_id].sort_values("rank")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11.0, 0.55 * len(table) + 1.8), dpi=100, layout="constrained")
    left, right = figure.subplots(1, 2, sharey=True)
    _bars(left, table, "probability", 100.0)
    left.set_xlim(-2, 102)
    left.set_xlabel("probability of meeting the target (%)")
    base_p = 100.0 * float(table["probability_base"].iloc[0])
    left.set_title(f"Probability (base '{base}': {base_p:.0f}%)", loc="left", fontsize=10)
    if float(table["probability_swing"].max()) == 0.0:
        left.text(
            0.5,
            0.5,
            f"{base_p:.0f}% at every end:\nno single assumption in range\nchanges the odds",
            transform=left.transAxes,
            ha="center",
            va="center",
            fontsize=9,
            color=_TARGET,
        )
    _bars(right, table, "median", 1.0)
    right.tick_params(axis="y", labelleft=False)
    right.axvline(target.value, color=_TARGET, lw=1.2, ls="--")
    right.annotate(
        f"target {target.value:g}{target.unit}",
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
    right.set_xlabel(f"median across paths ({target.unit})")
    right.set_title(
        f"Median (base {float(table['median_base'].iloc[0]):.1f})", loc="left", fontsize=10
    )
    right.legend(
        title="parameter at its", fontsize=8, title_fontsize=8, frameon=False, loc="lower right"
    )
    figure.suptitle(
        f"{target.target_id}: {target.label}: one assumption at a time",
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
):
    """Heatmap of a target's probability over two parameters (the others at base), each
    cell labelled in per cent, with the 50% contour drawn and the base scenario marked.

    ``grid`` is `SweepResult.surface`: rows the y values (high first), columns the x values.
    """
    figure, ax = new_figure(8.5, 6.0)
    xs = grid.columns.to_numpy(dtype=float)
    ys = grid.index.to_numpy(dtype=float)[::-1]
    values = 100.0 * grid.to_numpy(dtype=float)[::-1]
    mesh = ax.pcolormesh(
        _edges(xs), _edges(ys), values, cmap="Blues", vmin=0, vmax=100, shading="flat"
    )
    colourbar = figure.colorbar(mesh, ax=ax)
    colourbar.set_label("probability of meeting the target (%)")
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            value = values[i, j]
            ax.text(
                x,
                y,
                f"{value:.0f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value > 60 else "#222222",
            )
    if np.nanmin(values) < 50 < np.nanmax(values):
        contour = ax.contour(xs, ys, values, levels=[50], colors=_TARGET, linewidths=1.5)
        ax.clabel(contour, fmt={50: "50% chance"}, fontsize=8)
    if base_point is not None and all(np.isfinite(base_point)):
        ax.plot(*base_point, marker="*", ms=14, color=_TARGET, mec="white")
        ax.annotate(
            f"'{base}'",
            base_point,
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=9,
            color=_TARGET,
        )
    ax.set_xlabel(describe(str(grid.columns.name)))
    ax.set_ylabel(describe(str(grid.index.name)))
    ax.set_title(
        f"{target.target_id}: probability that {target.label}",
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
